"""Types of the structure stage: documents, heading tree, clauses."""

from __future__ import annotations

from dataclasses import dataclass, field

from huiqi.normalize.lines import LogicalLine, TextBlock

#: Node kinds, from the coarsest to the finest numbering level.
NODE_KINDS = (
    "part",      # 第一篇 / 第一部分
    "chapter",   # 第一章
    "article",   # 第一条
    "section",   # 一、
    "subsection",  # （一）
    "item",      # 1.
    "subitem",   # （1）
    "circled",   # ①
    "group",     # ※ 增强粮食综合生产能力
    "annex",     # 附件
    "field",     # a service-guide field heading (一、办理依据)
    "guide",     # one whole service guide (服务指南)
    "para",      # an unnumbered paragraph
)

#: Node roles: what a node is for.
NODE_ROLES = (
    "clause",    # smallest numbered unit carrying policy content (条款)
    "group",     # a heading that only groups (（一）增强粮食综合生产能力)
    "level",     # a government-level grouping heading (（一）国家级政策)
    "closing",   # closing clause (本清单…有效期两年, 本办法自…施行)
    "field",     # a service-guide field
    "preamble",  # text before the first numbered heading
    "annex",     # an annex heading
    "text",      # other prose
)


def _line_start(line: LogicalLine) -> int:
    return line.start


@dataclass
class Node:
    """A node of a document's heading tree.

    ``label`` is the numbering marker as written (``一、``, ``（一）``, ``1.``,
    ``第三条``, ``①``; empty for paragraphs); ``heading`` the heading text
    (for a heading that continues into prose on the same line, the heading
    sentence); ``lines`` the logical lines that belong to this node itself,
    marker line included (children excluded). ``field`` is the canonical
    service-guide field name when ``role == "field"``. ``unit_hint`` is the
    responsible-unit tag of an enclosing heading (一、强化科技创新（区科技局牵头）)
    that applies to this clause when it names no unit itself.
    """

    kind: str
    label: str
    heading: str
    role: str = "text"
    lines: list[LogicalLine] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    field: str | None = None
    unit_hint: str | None = None

    def all_lines(self) -> list[LogicalLine]:
        """This node's lines followed by its descendants', in document order
        (by first original line; lines starting on the same line stay in
        tree order: one stable sort of the lines in pre-order)."""
        out = [l for n in self.walk() for l in n.lines]
        out.sort(key=_line_start)
        return out

    @property
    def start(self) -> int:
        """First original line of the subtree (1-based); ``ValueError`` when it has no lines."""
        return min(l.start for n in self.walk() for l in n.lines)

    @property
    def end(self) -> int:
        """Last original line of the subtree (1-based, inclusive); ``ValueError`` when it has no lines."""
        return max(l.end for n in self.walk() for l in n.lines)

    def block(self) -> TextBlock:
        """The subtree's normalised text with its line map."""
        return TextBlock.from_lines(self.all_lines())

    def walk(self):
        """Yield this node and all descendants, pre-order."""
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class ParsedDocument:
    """One document found in a file (a file may hold a compilation).

    ``kind`` is ``document`` (a policy text), ``guide`` (a service guide,
    服务指南, whose single ``guide`` node holds ``field`` children), ``stub``
    (a title with no body, e.g. a QR-code placeholder 微信扫一扫) or
    ``front_matter`` (cover, table of contents, introductory non-policy text).
    ``header`` holds the title/issuer/preamble lines; ``nodes`` the top-level
    heading nodes; ``context`` the compilation headings that enclose the
    document (第三篇…, （一）国家级政策); ``level_hint`` the government level
    those headings state (国家/自治区/盟市/旗县) or ``None``; ``meta`` the
    web page's metadata block (:class:`huiqi.structure.meta.PageMeta`) when
    the file had one; ``wrapper`` the notice (通知) that issues this document
    as its attachment (现将《…》印发给你们), whose 发文字号 and date it shares.
    """

    title: str | None
    kind: str
    header: list[LogicalLine] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    tail: list[LogicalLine] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    level_hint: str | None = None
    meta: object | None = None
    wrapper: "ParsedDocument | None" = None

    @property
    def has_body(self) -> bool:
        """False for stubs and for documents without any node."""
        return self.kind != "stub" and bool(self.nodes or self.header)

    def all_lines(self) -> list[LogicalLine]:
        """Every logical line of the document in order."""
        out = list(self.header) + list(self.tail)
        for n in self.nodes:
            out.extend(n.all_lines())
        out.sort(key=lambda l: l.start)
        return out

    @property
    def start(self) -> int:
        """First original line (1-based)."""
        return min(l.start for l in self.all_lines())

    @property
    def end(self) -> int:
        """Last original line (1-based, inclusive)."""
        return max(l.end for l in self.all_lines())

    def clauses(self) -> list[tuple[list[str], Node]]:
        """All ``role == "clause"`` nodes with their heading path.

        The path is the list of ancestor headings (label + heading text) from
        the document root down to and including the clause's own label.
        """
        out: list[tuple[list[str], Node]] = []

        def visit(node: Node, path: list[str]) -> None:
            here = path + [(node.label + node.heading).strip()]
            if node.role == "clause":
                out.append((here, node))
                return
            for c in node.children:
                visit(c, here)

        for n in self.nodes:
            visit(n, [])
        return out
