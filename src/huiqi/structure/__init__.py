"""Structure stage: documents, heading tree and clauses (文件结构)."""

from __future__ import annotations

import re

from huiqi.normalize import logical_lines
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
