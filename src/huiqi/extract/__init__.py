"""Extract stage: facts from clause and document text (要素抽取).

Entry points used by the knowledge base:

* :func:`extract_clause_facts` — one clause's :class:`ClauseFacts`;
* :func:`extract_document_facts` — one document's :class:`DocumentFacts`.
"""

from huiqi.extract.pipeline import extract_clause_facts, extract_document_facts
from huiqi.extract.types import (
    Amount,
    ClauseFacts,
    Contact,
    DocumentFacts,
    Span,
    Threshold,
    Validity,
)

__all__ = [
    "Amount",
    "ClauseFacts",
    "Contact",
    "DocumentFacts",
    "Span",
    "Threshold",
    "Validity",
    "extract_clause_facts",
    "extract_document_facts",
]
