"""Build a document's heading tree and mark its clauses (条款树)."""

from __future__ import annotations

import re

from huiqi.normalize.lines import LogicalLine
from huiqi.normalize.markers import Marker, classify, marker_number
from huiqi.reference.guide_fields import canonical_field
from huiqi.structure import signals as sig
from huiqi.structure.guide import build_dense_guide, field_line, is_dense_guide
from huiqi.structure.model import Node, ParsedDocument
from huiqi.structure.segment import Chunk
from huiqi.structure.signals import is_closing_clause

#: kinds whose presence among a node's children makes the node a grouping heading
STRUCTURAL = {"part", "chapter", "article", "section", "subsection", "item", "group", "annex"}
#: conventional depth of each marker kind (GB/T 9704: 一、 > （一） > 1. > （1）)
RANK = {"part": 0, "chapter": 1, "article": 2, "section": 3, "subsection": 4, "group": 4,
        "item": 5, "subitem": 6, "circled": 7}
#: kinds that are parsed as plain paragraphs inside a document
_INLINE = {"dash", "qr"}


def _heading(rest: str) -> str:
    rest = rest.strip()
    if len(rest) <= 40 and "。" not in rest[:-1]:
        return rest
    m = re.match(r"^(.{2,40}?)[。：]", rest)
    if m:
        return m.group(1)
    return rest[:24] + "…"


def _split_tail(lines: list[LogicalLine]) -> tuple[list[LogicalLine], list[LogicalLine]]:
    """Separate back matter (抄送, 落款, 印发日期) from the end of a document."""
    first_marker = next((i for i, l in enumerate(lines) if classify(l.text) is not None), len(lines))
    cut = len(lines)
    for i in range(first_marker, len(lines)):
        if sig.is_tail_line(lines[i].text):
            cut = i
            break
    while cut > first_marker and (
        sig.is_date_line(lines[cut - 1].text) or sig.is_issuer_line(lines[cut - 1].text)
    ):
        cut -= 1
    return lines[:cut], lines[cut:]


_LETTERHEAD = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:人民政府|政府|办公厅|办公室|委员会|行政公署|局|厅|委)文件$")
_DOCNO_ONLY = re.compile(r"^[（(]?[\u4e00-\u9fffA-Za-z]{1,15}〔\d{4}〕\d{1,5}号[）)]?$")


def _title_from_header(header: list[LogicalLine]) -> str | None:
    parts: list[str] = []
    for l in header:
        t = l.text.strip()
        m = classify(t)
        if m and m.kind == "annex" and not m.rest:
            continue
        if m and m.kind == "qr":
            break
        if sig.is_date_line(t) or sig.is_preamble(t) or sig.is_addressee(t):
            break
        if re.search(r"[。；]", t) or len(t) > 60:
            break
        if _LETTERHEAD.match(t) or _DOCNO_ONLY.match(t):
            continue  # 版头 (…人民政府文件) and the 发文字号 line are not the title
        if sig.is_issuer_line(t) and parts:
            break
        parts.append(t)
        if len(parts) == 3 or sig.is_title_like("".join(parts)):
            break
    return "".join(parts) or None


def _build_nodes(lines: list[LogicalLine]) -> tuple[list[LogicalLine], list[Node]]:
    header: list[LogicalLine] = []
    roots: list[Node] = []
    stack: list[Node] = []
    last_article: int | None = None
    for line in lines:
        m = classify(line.text)
        if m is None and last_article is not None:
            m = _misread_article(line.text, last_article)
        if m is not None and m.kind == "article":
            last_article = marker_number(m.label)
        if m is None or m.kind in _INLINE or (m.kind == "annex" and not roots):
            (stack[-1].lines if stack else header).append(line)
            continue
        node = Node(kind=m.kind, label=m.label, heading=_heading(m.rest), lines=[line])
        if m.kind == "section":
            fld = canonical_field(m.rest) if len(m.rest) <= 16 else None
            if fld:
                node.field = fld
        if m.kind == "annex":
            stack = []
        else:
            same = [j for j, n in enumerate(stack) if n.kind == node.kind]
            if same:
                stack = stack[: same[-1]]
            else:
                # a coarser marker never nests under a finer one: （三） after 6. closes 6.
                while stack and RANK.get(stack[-1].kind, 9) >= RANK.get(node.kind, 9):
                    stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return header, roots


_MISREAD_ARTICLE = re.compile(r"^[\u4e00-\u9fff]([一二三四五六七八九十百零]{1,4})条(?=[\u4e00-\u9fff（])")


def _misread_article(text: str, last: int) -> Marker | None:
    """An article whose 第 was misread by OCR (常五条… after 第四条).

    Accepted only when the number is the next one in sequence, so prose that
    happens to contain X五条 is not cut.
    """
    m = _MISREAD_ARTICLE.match(text.strip())
    if not m or marker_number(m.group(1)) != last + 1:
        return None
    return Marker("article", f"第{m.group(1)}条", text.strip()[m.end():].strip())


def _has_content(node: Node) -> bool:
    own = "".join(l.text for l in node.lines)
    return len(own) > len(node.label) + 2 or bool(node.children)


def _introduces_list(node: Node) -> bool:
    """A clause whose sub-items are its conditions or parts.

    True when the node's own sentence introduces a list (ends with ：, e.g.
    符合下列条件之一的：) or is an article (第X条) with a sentence of its own,
    and its children are leaves.
    """
    if not node.children or any(c.children for c in node.children):
        return False
    m = classify(node.lines[0].text) if node.lines else None
    own = (m.rest if m else "").strip()
    if own.endswith("：") or own.endswith("如下"):
        return True
    return node.kind == "article" and "。" in own and not _items_stand_alone(node)


def _items_stand_alone(node: Node) -> bool:
    """Sub-items of an article that are provisions of their own (条下各项各自成立).

    True when there are at least two （一）-style sub-items and every one is a
    headed paragraph of full sentences: a short heading ending in 。 followed by
    more text (（一）合理分配。专项资金采取…。). Lists of conditions or
    parts (（一）在本市注册；) stay inside their article.
    """
    kids = [c for c in node.children if c.kind == "subsection"]
    if len(kids) < 2 or len(kids) != len(node.children):
        return False
    for c in kids:
        m = classify(c.lines[0].text) if c.lines else None
        own = "".join(l.text for l in c.lines)
        rest = (m.rest if m else own).strip()
        head = re.match(r"^[^。；：，]{2,20}。", rest)
        if not head or len(rest) - head.end() < 10 or not rest.endswith("。"):
            return False
    return True


def _assign_roles(nodes: list[Node]) -> None:
    for n in nodes:
        _assign_roles(n.children)
        text = n.lines[0].text if n.lines else ""
        if n.kind == "annex":
            n.role = "annex"
        elif _introduces_list(n):
            n.role = "clause"
        elif any(c.kind in STRUCTURAL for c in n.children):
            n.role = "level" if sig.is_level_heading(text) else "group"
        elif is_closing_clause(classify(text).rest if classify(text) else text):
            n.role = "closing"
        elif _has_content(n):
            n.role = "clause"
        else:
            n.role = "group"
    # a prose section beside sections that hold numbered items (保障措施) is not a clause
    by_kind: dict[str, list[Node]] = {}
    for n in nodes:
        by_kind.setdefault(n.kind, []).append(n)
    for kind, sibs in by_kind.items():
        if kind in ("section", "subsection", "chapter", "part") and any(s.role == "group" for s in sibs):
            last_group = max(i for i, s in enumerate(sibs) if s.role == "group")
            for s in sibs[last_group + 1:]:
                # trailing prose sections (保障措施, 组织实施) after the numbered policy content
                if s.role == "clause" and not s.children:
                    s.role = "text"


#: A bracketed tag closing a heading (一、强化科技创新（区科技局牵头）): a structural
#: signal only; whether it names units is decided by the unit extractor.
_TAIL_TAG = re.compile(r"[（(][^（）()]{2,160}[）)]\s*[。；]?\s*$")


def _pass_unit_tags(nodes: list[Node], hint: str | None = None) -> None:
    """Give clauses the unit tag of the nearest grouping heading that carries one.

    A grouping heading ending in a unit tag (一、强化科技创新（区科技局牵头）) names
    the units of every item under it.
    """
    for n in nodes:
        here = hint
        if n.role in ("group", "level") and n.lines:
            m = _TAIL_TAG.search(n.lines[0].text)
            if m:
                here = m.group(0).strip(" 。；")  # the extractor reads the units from it (extract.pipeline)
        if n.role == "clause":
            n.unit_hint = here
        _pass_unit_tags(n.children, here)


def kind_is_body(chunk: Chunk) -> bool:
    """True for chunks that hold document text (not front matter or stubs)."""
    return chunk.kind == "document" and not chunk.stub


def build_document(chunk: Chunk) -> ParsedDocument:
    """Turn a :class:`Chunk` into a :class:`ParsedDocument` with roles set.

    Service guides (a document whose top-level headings are mostly guide
    fields such as 办理依据, 受理机构, 申报条件, 咨询电话) become one
    ``guide`` node holding ``field`` children; the guide is the clause.
    A document with body text but no numbered clause gets one ``para``
    clause holding its body, so its text stays searchable.
    """
    body, tail = _split_tail(chunk.lines)
    header, nodes = _build_nodes(body)
    title = chunk.title or _title_from_header(header)
    if not title and chunk.context and kind_is_body(chunk):
        # untitled text under a compilation heading: the heading names it
        title = re.sub(r"^第[一二三四五六七八九十]+(?:篇|部分)", "", chunk.context[-1]).strip() or None
    kind = chunk.kind
    if chunk.stub:
        kind = "stub"
    fields = [n for n in nodes if n.field]
    numbered_guide = kind == "document" and len(fields) >= 3 and len(fields) >= 0.6 * len(nodes)
    if kind == "document" and not numbered_guide and is_dense_guide(body):
        if title and field_line(title):
            title = chunk.title  # the first field label is not the guide's title
        header, guide = build_dense_guide(body, title)
        nodes = [guide]
        kind = "guide"
    elif numbered_guide:
        for n in nodes:
            n.role = "field"
            if not n.field:
                n.field = canonical_field(n.heading)
        guide = Node(kind="guide", label="", heading=title or "服务指南", role="clause",
                     lines=header, children=nodes)
        header = []
        nodes = [guide]
        kind = "guide"
    elif kind in ("document",):
        _assign_roles(nodes)
        _pass_unit_tags(nodes)
        has_clause = any(n.role == "clause" for root in nodes for n in root.walk())
        if not has_clause:
            title_lines = 1 if title else 0
            rest = header[title_lines:]
            rest_nodes = [n for n in nodes]
            if rest or rest_nodes:
                para = Node(kind="para", label="", heading=_heading(rest[0].text) if rest else (title or ""),
                            role="clause", lines=rest, children=rest_nodes)
                header = header[:title_lines]
                nodes = [para]
    elif kind == "front_matter":
        for n in nodes:
            for d in n.walk():
                d.role = "text"
    return ParsedDocument(title=title, kind=kind, header=header, nodes=nodes, tail=tail,
                          context=chunk.context, level_hint=chunk.level_hint)
