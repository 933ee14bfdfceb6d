"""JSON contracts of the read-side queries (see the CLI contract)."""

from __future__ import annotations

import json

import pytest

from huiqi.extract.types import Amount, ClauseFacts, Contact, DocumentFacts, Span, Validity
from huiqi.kb import ingest as ingest_mod
from huiqi.kb.db import session_scope
from huiqi.kb.ingest import ingest_paths
from huiqi.kb.queries import get_clause, get_document, list_documents, list_policies
from tests.dbs import backend_params, create_pg_database, drop_pg_database
from tests.kb.fakes import POLICY_V1

DOC_KEYS = {"id", "title", "issuer", "level", "region", "doc_number", "issued", "source_file",
            "kind", "has_body", "clause_count", "source"}
CLAUSE_KEYS = {"id", "document", "path", "text", "source", "responsible_units", "amounts", "rates",
               "thresholds", "validity", "contacts", "fields"}
BRIEF_KEYS = {"id", "title", "issuer", "level", "region", "doc_number", "issued", "source_file"}


def _facts(node, block=None, **_kw):
    text = (block or node.block()).text
    i = text.find("2000万元")
    amounts = [Amount(20_000_000.0, "threshold", "2000万元", i, i + 6)] if i >= 0 else []
    return ClauseFacts(
        responsible_units=["自治区农牧厅"],
        amounts=amounts,
        rates=[Span("10%", 0, 3)],
        contacts=[Contact("某局", "0471-1234567", "某局0471-1234567", 0, 5)],
        fields={"办理依据": "某办法"},
        validity=Validity(relative="有效期两年"),
    )


def _doc_facts(doc):
    from datetime import date

    return DocumentFacts(title=doc.title, issuer="内蒙古自治区人民政府", doc_number="内政发〔2024〕1号",
                         issued=date(2024, 1, 30), level="自治区", region="内蒙古自治区")


def test_contract_keys_and_values(engine, fake_parser, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_mod, "extract_clause_facts", _facts)
    monkeypatch.setattr(ingest_mod, "extract_document_facts", _doc_facts)
    f = tmp_path / "p.txt"
    f.write_text(POLICY_V1, encoding="utf-8")
    assert ingest_paths(engine, [f]).ok
    with session_scope(engine) as s:
        docs = list_documents(s)
        pols = list_policies(s)
        doc = get_document(s, docs[0]["id"])
        clause = get_clause(s, pols[2]["id"])
        assert get_document(s, 999) is None and get_clause(s, 999) is None
        assert list_policies(s, doc_id=999) == []
    json.dumps([docs, pols, doc, clause], ensure_ascii=False)  # all JSON-serialisable
    assert DOC_KEYS <= set(docs[0])
    d = docs[0]
    assert (d["issued"], d["doc_number"], d["source_file"], d["kind"], d["has_body"], d["clause_count"]) == (
        "2024-01-30", "内政发〔2024〕1号", "p.txt", "document", True, 3)
    assert d["source"] == {"file": "p.txt", "start_line": 1, "end_line": 8}
    for c in pols:
        assert CLAUSE_KEYS <= set(c)
        assert set(c["document"]) == BRIEF_KEYS
        assert set(c["source"]) == {"file", "start_line", "end_line"}
    third = pols[2]
    # every fact cites the original line(s) it came from
    assert third["amounts"] == [{"value_yuan": 20_000_000.0, "role": "threshold", "text": "2000万元", "lines": [8, 8]}]
    assert third["contacts"] == [{"org": "某局", "phone": "0471-1234567", "lines": [8, 8]}]
    assert third["fields"] == {"办理依据": "某办法"} and third["rates"] == ["10%"]
    assert third["validity"]["relative"] == "有效期两年" and third["validity"]["start"] is None
    assert third["document"]["issued"] == "2024-01-30"
    assert third["path"] == ["二、推动新型工业化发展", "3."]
    assert clause["original_lines"] == [{"line": 8, "text": "3.对投资2000万元及以上的项目给予奖励。"}]
    assert doc["clauses"] == pols and len(doc["nodes"]) == 2


@pytest.mark.parametrize("backend", backend_params())
def test_listing_order_does_not_follow_the_database_collation(backend, fake_parser, tmp_path):
    """Documents and clauses are listed by file name in code-point order on
    both back ends, also when the PostgreSQL database sorts text by a locale
    (ICU "en": a.txt < B.txt < 中.txt, _x.txt < 001.txt)."""
    from huiqi.kb.db import get_engine, upgrade

    names = ["a.txt", "B.txt", "_x.txt", "中.txt", "001.txt"]
    for n in names:  # distinct contents: identical bytes would be one document (document identity)
        (tmp_path / n).write_text(POLICY_V1 + f"\n（{n}）\n", encoding="utf-8")
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kb.db'}"
    else:
        url = create_pg_database("collation", icu_locale="en")
    engine = get_engine(url)
    try:
        upgrade(engine)
        assert ingest_paths(engine, [tmp_path / n for n in names]).ok
        with session_scope(engine) as s:
            assert [d["source_file"] for d in list_documents(s)] == sorted(names)
            pols = list_policies(s)
            assert [p["document"]["source_file"] for p in pols] == [n for n in sorted(names) for _ in range(3)]
            assert [p["source"]["start_line"] for p in pols[:3]] == [4, 6, 8]
    finally:
        engine.dispose()
        if backend != "sqlite":
            drop_pg_database(url)
