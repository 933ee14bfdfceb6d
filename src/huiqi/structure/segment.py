"""Split a file's logical lines into documents (汇编拆分).

General signals only (no per-file anchors):

* a table of contents (目录: lines ending in dot leaders and a page number)
  makes everything up to its end front matter and gives titles to the
  documents that follow, in order;
* a title line (—— prefix, or a bare title followed by a QR stub, a
  发文字号, a 主送 line or a purpose preamble) opens a document;
* compilation headings (第X篇, 第X部分, （一）国家级政策) close the current
  document and become the context of the next ones;
* numbering that restarts at 一、 after a document already had top-level
  一、… headings (outside an annex) opens a new document — this is how
  service guides without titles (一、办理依据 … 十、咨询电话) are separated;
* a 主送 line (各盟行政公署…：) or a purpose preamble (为…制定本措施) after a
  document's end (date line, closing clause) opens a new document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from huiqi.normalize.lines import LogicalLine
from huiqi.normalize.markers import classify, is_toc_entry, strip_toc
from huiqi.structure import signals as sig
from huiqi.structure.signals import is_closing_clause


@dataclass
class Chunk:
    """A run of logical lines forming one document, before tree building."""

    lines: list[LogicalLine] = field(default_factory=list)
    title: str | None = None
    kind: str = "document"
    context: list[str] = field(default_factory=list)
    level_hint: str | None = None
    stub: bool = False


def _toc_span(lines: list[LogicalLine]) -> tuple[int, list[str]] | None:
    """Index of the last TOC line and the TOC's item titles, if a TOC exists."""
    idx = [i for i, l in enumerate(lines[:400]) if is_toc_entry(l.text)]
    if len(idx) < 3:
        return None
    titles = []
    for i in idx:
        t = strip_toc(lines[i].text)
        m = classify(t)
        titles.append((m.rest if m else t).strip())
    return idx[-1], titles


def _is_title_start(lines: list[LogicalLine], i: int, at_boundary: bool) -> bool:
    text = lines[i].text
    m = classify(text)
    if m and m.kind == "dash":
        return sig.is_title_like(m.rest) and "。" not in m.rest
    if m is not None or text.startswith("《") or not sig.is_title_like(text):
        return False
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    nm = classify(nxt)
    if nm and nm.kind == "qr":
        return True
    if at_boundary and sig._DOCNO.search(nxt) and len(nxt) < 60:
        return True
    if at_boundary and (sig.is_addressee(nxt) or sig.is_preamble(nxt) or (nm and nm.kind in ("section", "article", "chapter"))):
        return True
    if at_boundary and nm is None and len(nxt) > 30 and not sig.is_title_like(nxt):
        return True
    return False


def _is_annex_label(text: str) -> bool:
    m = classify(text)
    return bool(m and m.kind == "annex" and not m.rest)


_DOCNO_LINE = re.compile(r"^[（(]?[\u4e00-\u9fffA-Za-z]{1,15}〔\d{4}〕\d{1,5}号[）)]?$")


def _is_fragment(text: str) -> bool:
    """A short unpunctuated line before a title: its first half or 附件."""
    return _is_annex_label(text) or (
        classify(text) is None and len(text) <= 40 and not any(c in text for c in "。；：，")
        and not sig.is_date_line(text) and not _DOCNO_LINE.match(text)
        and not text.endswith("文件")  # a 版头 (…人民政府文件) is not half a title
    )


def split_documents(lines: list[LogicalLine]) -> list[Chunk]:
    """Split ``lines`` into document chunks (see module docstring)."""
    chunks: list[Chunk] = []
    context: list[tuple[str, str]] = []  # (kind, text)
    level: str | None = None
    start = 0
    toc = _toc_span(lines)
    toc_titles: list[str] = []
    if toc:
        end, toc_titles = toc
        chunks.append(Chunk(lines=lines[: end + 1], kind="front_matter"))
        start = end + 1

    # compilation = TOC present or several title lines
    n_titles = sum(1 for i in range(start, len(lines)) if _is_title_start(lines, i, True))
    compilation = bool(toc) or n_titles >= 2

    cur = Chunk(context=[c[1] for c in context])
    top_seen = False      # the current document had a top-level 一、 heading
    in_annex = False
    ended = True          # at a boundary (start of body, after a date line / closing)

    def new_chunk(title: str | None = None) -> Chunk:
        nonlocal cur, top_seen, in_annex, ended
        if cur.lines:
            chunks.append(cur)
        cur = Chunk(title=title, context=[c[1] for c in context], level_hint=level)
        top_seen = False
        in_annex = False
        ended = False
        return cur

    i = start
    while i < len(lines):
        line = lines[i]
        text = line.text
        m = classify(text)
        # compilation headings
        if compilation and m and m.kind == "part":
            new_chunk()
            depth = "部分" in m.label
            context[:] = [c for c in context if c[0] == "篇"] if depth else []
            context.append(("部分" if depth else "篇", (m.label + m.rest).strip()))
            level = None
            cur.context = [c[1] for c in context]
            cur.level_hint = None
            ended = True
            i += 1
            continue
        if compilation and m and m.kind in ("subsection", "section") and sig.is_level_heading(text):
            new_chunk()
            context[:] = [c for c in context if c[0] in ("篇", "部分")]
            context.append(("级", (m.label + m.rest).strip()))
            level = sig.level_of(text)
            cur.context = [c[1] for c in context]
            cur.level_hint = level
            ended = True
            i += 1
            continue
        if _is_title_start(lines, i, ended or not cur.lines):
            title = (m.rest if m and m.kind == "dash" else text).strip()
            if cur.lines and all(_is_fragment(l.text) for l in cur.lines):
                # the title's first half, or an 附件 label, stands on the lines before
                frags = [l.text for l in cur.lines if not _is_annex_label(l.text)]
                head = "".join(frags)
                # a page repeats its title (heading, then the document's own title line)
                cur.title = title if (head == title or sig.is_title_like(head)) else head + title
                ended = False
            else:
                # the title's first half may close the previous chunk
                # (关于支持长春经济圈高质量 / 发展的若干政策)
                carry: list[LogicalLine] = []
                while (cur.lines and len(carry) < 2 and _is_fragment(cur.lines[-1].text)
                       and not _is_annex_label(cur.lines[-1].text)
                       and not sig.is_issuer_line(cur.lines[-1].text)
                       and not cur.lines[-1].text.startswith(("（", "("))
                       and sig.is_title_like(cur.lines[-1].text + "".join(l.text for l in carry) + title)
                       and len(cur.lines) > 1):
                    carry.insert(0, cur.lines.pop())
                new_chunk("".join(l.text for l in carry) + title if carry else title)
                cur.lines.extend(carry)
            cur.lines.append(line)
            i += 1
            continue
        if m and m.kind == "qr":
            cur.lines.append(line)
            cur.stub = not any(classify(l.text) is None or classify(l.text).kind not in ("qr", "dash")
                               for l in cur.lines[1:-1])
            ended = True
            i += 1
            continue
        if m and m.kind == "annex" and cur.lines:
            in_annex = True
        if m and m.kind == "section":
            first = m.label.startswith("一")
            if first and top_seen and not in_annex:
                # numbering restarts: a new document; carry preceding preamble lines
                carry: list[LogicalLine] = []
                while cur.lines and (
                    sig.is_preamble(cur.lines[-1].text)
                    or sig.is_addressee(cur.lines[-1].text)
                    or (sig.is_title_like(cur.lines[-1].text) and classify(cur.lines[-1].text) is None)
                ):
                    carry.insert(0, cur.lines.pop())
                new_chunk()
                cur.lines.extend(carry)
            top_seen = True
        elif (sig.is_addressee(text) or (sig.is_preamble(text) and (ended or in_annex))) and cur.lines and (
            top_seen or ended
        ):
            carry = []
            if cur.lines and sig.is_title_like(cur.lines[-1].text) and classify(cur.lines[-1].text) is None:
                carry.append(cur.lines.pop())
            new_chunk()
            cur.lines.extend(carry)
        cur.lines.append(line)
        if sig.is_date_line(text) or (m is None and is_closing_clause(text)) or (
            m is not None and m.kind in ("section", "article", "subsection") and is_closing_clause(m.rest)
        ):
            ended = True
        i += 1
    if cur.lines:
        chunks.append(cur)

    body = [c for c in chunks if c.kind != "front_matter"]
    if toc_titles:
        untitled = [c for c in body if not c.title]
        targets = body if len(body) == len(toc_titles) else untitled if len(untitled) == len(toc_titles) else body
        for c, t in zip(targets, toc_titles):
            if not c.title:
                c.title = t
    return chunks
