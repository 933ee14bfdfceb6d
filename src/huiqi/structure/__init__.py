"""Structure stage: documents, heading tree and clauses (文件结构)."""

from __future__ import annotations

import re

from huiqi.normalize import logical_lines
from huiqi.normalize.markers import classify
from huiqi.readers.base import SourceText
from huiqi.structure.meta import is_meta_label, split_page_meta
from huiqi.structure.model import Node, ParsedDocument
from huiqi.structure.segment import split_documents
from huiqi.structure.tree import build_document


_MAX_META_DOCS = 3
_ISSUES = re.compile(r"印发|转发|发布|公布|印送")


def _compact(s: str | None) -> str:
    return re.sub(r"[\s《》〈〉<>“”\"]", "", s or "")


def _link_wrappers(docs: list[ParsedDocument]) -> None:
    """Mark a document issued as the attachment of the notice just before it.

    The notice's text or title must name the document's title (现将《X》印发给
    你们 / 关于印发X的通知) and use an issuing verb (印发, 转发, 发布 …).
    """
    for prev, doc in zip(docs, docs[1:]):
        if doc.kind != "document" or prev.kind != "document" or not doc.title:
            continue
        title = _compact(doc.title)
        if len(title) < 6:
            continue
        text = _compact((prev.title or "") + "".join(l.text for l in prev.all_lines()[:12]))
        if title in text and _ISSUES.search(text):
            doc.wrapper = prev


_ROW_TAG = re.compile(r"（(?:牵头单位|责任单位|配合单位|责任部门|牵头部门|配合部门|协同单位|参与单位|实施单位|主责单位|责任处室|责任科室)：.*）$")
_HEAD_CUT = re.compile(r"[。；：，（(]")
_PUNCT = re.compile(r"[\s“”\"《》〈〉、，。；：（）()]")


def _key(text: str) -> str:
    return _PUNCT.sub("", text)


def _link_task_tables(docs: list[ParsedDocument]) -> None:
    """Units of a 任务分工 table (an annex) given to the items whose task it repeats.

    A table row (rendered by :func:`huiqi.normalize.tables.render_tables`) names
    a task and its units; an item elsewhere in the file without a unit tag
    whose heading (its text up to the first 。；：，) is the row's task, or
    starts it, gets the row's tag as ``unit_hint``.
    """
    rows: list[tuple[str, str]] = []
    for d in docs:
        for _, n in d.clauses():
            if not n.lines or not ("\t" in n.lines[0].raw or n.lines[0].raw.lstrip().startswith("|")):
                continue
            text = n.lines[0].text
            m = _ROW_TAG.search(text)
            if m:
                task = re.sub(r"^\d{1,3}\.", "", text[: m.start()])
                rows.append((_key(task), m.group(0)))
    if not rows:
        return
    for d in docs:
        for _, n in d.clauses():
            if n.unit_hint or not n.lines or "\t" in n.lines[0].raw:
                continue
            m = classify(n.lines[0].text)
            body = (m.rest if m else n.lines[0].text)
            head = _key(_HEAD_CUT.split(body, 1)[0])
            if len(head) < 4 or _ROW_TAG.search(body):
                continue
            for task, tag in rows:
                if task.startswith(head) or (len(task) >= 6 and _key(body).startswith(task)):
                    n.unit_hint = tag
                    break


def parse_lines(lines: list[str], skip: set[int] | frozenset = frozenset()) -> list[ParsedDocument]:
    """Parse original physical lines (index 0 = line 1) into documents.

    ``skip`` holds 1-based line numbers to leave out (web-page boilerplate
    found by the HTML reader). A metadata block and site banners at the top
    (:func:`huiqi.structure.meta.split_page_meta`) are taken out and given to
    the documents as ``meta`` (to all of them when the file holds at most
    three, else to the first); attachments get their ``wrapper`` notice.
    """
    if skip:
        # a metadata label the boilerplate remover dropped (索 引 号 in its own <li>) stays
        lines = ["" if i + 1 in skip and not is_meta_label(l) else l for i, l in enumerate(lines)]
    body, meta = split_page_meta(logical_lines(lines))
    docs = [build_document(c) for c in split_documents(body) if c.lines]
    if meta:
        targets = docs if len(docs) <= _MAX_META_DOCS else docs[:1]
        for d in targets:
            d.meta = meta
    _link_wrappers(docs)
    _link_task_tables(docs)
    return docs


def parse_source(source: SourceText) -> list[ParsedDocument]:
    """Parse one file's text into its documents (a compilation gives several).

    Returns documents in file order; never raises on odd text (a file with
    no recognisable structure becomes one document with one ``para`` clause).
    Lines the reader marked as page boilerplate (``source.meta["boilerplate"]``,
    1-based numbers) are left out.
    """
    skip = set(source.meta.get("boilerplate") or ()) if source.meta else set()
    return parse_lines(source.lines, skip)


__all__ = ["Node", "ParsedDocument", "parse_lines", "parse_source"]
