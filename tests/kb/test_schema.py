"""The clause contract (huiqi.kb.schema.ClauseOut) holds for every clause of
the bundled corpus, and the API documents it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huiqi.kb.db import get_engine
from huiqi.kb.queries import list_policies
from huiqi.kb.schema import ClauseOut
from tests.search.kw_corpus import corpus_db_url


def test_every_corpus_clause_follows_the_contract():
    engine = get_engine(corpus_db_url())
    try:
        with Session(engine) as s:
            rows = list_policies(s)
    finally:
        engine.dispose()
    clauses = [ClauseOut.model_validate(r) for r in rows]
    assert len(clauses) > 1000
    assert all(c.source.file.endswith(".txt") and c.source.start_line for c in clauses)
    assert any(c.amounts for c in clauses) and any(c.fields for c in clauses)
