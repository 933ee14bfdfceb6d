"""Extract stage: facts from clause and document text (要素抽取).

Entry points used by the knowledge base:

* :func:`extract_clause_facts` — one clause's :class:`ClauseFacts`;
* :func:`extract_document_facts` — one document's :class:`DocumentFacts`;
* :func:`preload` — load the lazily loaded extraction data now (before
  forking worker processes).
"""

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
    "preload",
]


def __getattr__(name: str):
    """The pipeline entry points, imported on first use: importing one light
    module of this package (``huiqi.extract.numbers``) must not compile every
    extractor's patterns (the calculator's start-up time)."""
    if name in ("extract_clause_facts", "extract_document_facts", "preload"):
        from huiqi.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
