"""Reader for Word ``.docx`` files (via python-docx), tables kept in body order."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from huiqi.readers.base import SourceError, SourceText, sha256_bytes
from huiqi.readers.common import ensure_not_blank, split_lines
from huiqi.readers.zipguard import check_zip

CORRUPT_REASON = "DOCX文件已损坏或格式无效"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _TC_PR = qn("w:tr"), qn("w:tc"), qn("w:tcPr")
_V_MERGE, _H_MERGE, _VAL = qn("w:vMerge"), qn("w:hMerge"), qn("w:val")


def _block_children(parent):
    """Paragraph and table elements of ``parent`` in document order, unwrapping content controls (w:sdt)."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_children(content)


def _merge_state(tc, tag: str) -> str | None:
    """``"restart"``/``"continue"`` for a vMerge/hMerge mark on a cell, ``None`` if unmerged."""
    tc_pr = tc.find(_TC_PR)
    if tc_pr is None:
        return None
    mark = tc_pr.find(tag)
    if mark is None:
        return None
    return mark.get(_VAL) or "continue"  # <w:vMerge/> without val means continue


def _paragraph_text(p, parent) -> str:
    return Paragraph(p, parent).text


def _cell_text(tc, parent) -> str:
    """Text of one table cell on a single line: paragraphs (and nested tables) joined by a space."""
    parts: list[str] = []
    for block in _block_children(tc):
        if block.tag == _P:
            text = _paragraph_text(block, parent)
        else:
            text = " ".join(_row_texts(block, parent))
        text = text.replace("\n", " ")
        if text.strip():
            parts.append(text)
    return " ".join(parts)


def _row_texts(tbl, parent) -> list[str]:
    """One string per table row, cells joined by a tab.

    A cell spanning several grid columns (w:gridSpan) is a single w:tc and so
    appears once. Continuation cells of a vertical merge (w:vMerge="continue")
    give an empty cell, so the merged text is not repeated on every row;
    legacy horizontal-merge continuations (w:hMerge="continue") are dropped.
    """
    rows: list[str] = []
    for tr in tbl.iterchildren(_TR):
        cells: list[str] = []
        for tc in tr.iterchildren(_TC):
            if _merge_state(tc, _H_MERGE) == "continue":
                continue
            if _merge_state(tc, _V_MERGE) == "continue":
                cells.append("")
            else:
                cells.append(_cell_text(tc, parent))
        rows.append("\t".join(cells))
    return rows


def read_docx(path: Path, data: bytes) -> SourceText:
    """Extract body paragraphs and tables of a ``.docx`` in document order.

    Each paragraph gives one line (soft line breaks inside it split it into
    several physical lines); each table row gives one line of tab-separated
    cells at the table's position in the body. Headers, footers, comments and
    footnotes are not read. ``encoding`` is ``"docx"``; ``meta["tables"]``
    counts top-level tables.

    Raises :class:`SourceError` for a legacy ``.doc`` renamed to ``.docx``, a
    corrupt or non-DOCX file, a decompression bomb (limits of
    :mod:`huiqi.readers.zipguard`), or a document without any text (文件为空).
    """
    if data.startswith(_OLE2_MAGIC):
        raise SourceError(path, "这是旧版Word（.doc）文件，请用Word另存为.docx后再导入")
    if not data.startswith(b"PK"):
        raise SourceError(path, "不是有效的DOCX文件（不是ZIP格式）")
    check_zip(path, data)  # sizes from the zip directory, before decompressing anything
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception:  # zipfile, opc-package and lxml errors
        raise SourceError(path, CORRUPT_REASON) from None

    lines: list[str] = []
    tables = 0
    try:
        for block in _block_children(body):
            if block.tag == _P:
                lines.extend(split_lines(_paragraph_text(block, document)) or [""])
            else:
                tables += 1
                lines.extend(_row_texts(block, document))
    except Exception:
        raise SourceError(path, CORRUPT_REASON) from None
    ensure_not_blank(path, lines, "文件为空（文档中没有文字）")
    return SourceText(
        path=path,
        lines=lines,
        kind="docx",
        encoding="docx",
        sha256=sha256_bytes(data),
        meta={"tables": tables},
    )
