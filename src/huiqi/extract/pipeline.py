"""Glue: run every extractor over a clause or a document.

Signatures are fixed; bodies are filled in as the extractors land.
"""

from __future__ import annotations

from huiqi.extract.types import ClauseFacts, DocumentFacts
from huiqi.normalize.lines import TextBlock
from huiqi.structure.model import Node, ParsedDocument


def extract_clause_facts(node: Node, block: TextBlock | None = None) -> ClauseFacts:
    """Facts of one clause node (条款要素).

    ``node`` is a ``role == "clause"`` node (for a service guide, the
    ``guide`` node whose children are ``field`` nodes); ``block`` its text
    (defaults to ``node.block()``). Never raises on odd text: unparseable
    pieces are simply not extracted.
    """
    return ClauseFacts()


def extract_document_facts(doc: ParsedDocument) -> DocumentFacts:
    """Document-level facts (title, issuer, 发文字号, issue date, validity, level, region)."""
    return DocumentFacts(title=doc.title)
