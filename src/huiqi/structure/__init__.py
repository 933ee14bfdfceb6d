"""Structure stage: documents, heading tree and clauses (文件结构)."""

from __future__ import annotations

from huiqi.normalize import logical_lines
from huiqi.readers.base import SourceText
from huiqi.structure.model import Node, ParsedDocument
from huiqi.structure.segment import split_documents
from huiqi.structure.tree import build_document


def parse_lines(lines: list[str]) -> list[ParsedDocument]:
    """Parse original physical lines (index 0 = line 1) into documents."""
    return [build_document(c) for c in split_documents(logical_lines(lines)) if c.lines]


def parse_source(source: SourceText) -> list[ParsedDocument]:
    """Parse one file's text into its documents (a compilation gives several).

    Returns documents in file order; never raises on odd text (a file with
    no recognisable structure becomes one document with one ``para`` clause).
    """
    return parse_lines(source.lines)


__all__ = ["Node", "ParsedDocument", "parse_lines", "parse_source"]
