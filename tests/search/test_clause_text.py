"""The tokens of a clause record (clause_text.record_terms) are exactly
index_tokens of its indexed text, computed from one NFKC pass."""

from __future__ import annotations

import pytest

from huiqi.search import segment as seg
from huiqi.search.clause_text import clause_record, indexed_text, record_terms, record_tokens
from huiqi.search.summary import Summary
from tests.dbs import backend_params
from tests.search.kw_corpus import corpus_db_url


def _records():
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import clause_records_by_ids, current_clause_rows

    engine = get_engine(corpus_db_url())
    with session_scope(engine) as s:
        ids = sorted(cid for cid, _k, _d in current_clause_rows(s))
        rows = clause_records_by_ids(s, ids)
    engine.dispose()
    return [clause_record(c, v) for c, v in rows]


def test_record_terms_equal_index_tokens_of_the_indexed_text_over_the_corpus():
    records = _records()
    assert len(records) > 1000
    for r in records:
        tokens, norm = record_terms(r)
        assert tokens == seg.index_tokens(indexed_text(r)), r["id"]
        assert norm == seg.normalize_text(r["text"]), r["id"]
        assert record_tokens(r) == tokens


def test_record_terms_of_full_width_and_multi_line_text():
    r = {"id": 1, "document": {"title": "ＡＢＣ市２０２４年稳岗返还政策"}, "path": ["一、总则", "（一）补贴"],
         "text": "对符合条件的企业给予５０万元补助；\n最高不超过一千万元。㈠项目", "fields": {"受理机构": "市人社局", "时限": "3个工作日"}}
    tokens, norm = record_terms(r)
    assert tokens == seg.index_tokens(indexed_text(r))
    assert "money:500000" in tokens and "money:10000000" in tokens and "稳岗返还" in tokens
    assert norm == seg.normalize_text(r["text"]) and "50万元" in norm and "(一)" in norm


def test_summary_counts_the_same_with_precomputed_texts():
    records = _records()[:400]
    a, b = Summary(), Summary()
    a.add(records)
    b.add(records, [record_terms(r)[1] for r in records])
    assert a.topics.tolist() == b.topics.tolist() and a.topics.sum() > 0
    assert a.units == b.units


@pytest.mark.parametrize("backend", backend_params())
def test_clause_records_by_ids_decode_the_json_columns_as_the_orm_does(backend):
    """The search read (JSON columns cast to text, decoded together) gives
    the values of the full read through the ORM's JSON type, on SQLite and
    PostgreSQL."""
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import clause_records_by_ids, clauses_by_ids, current_clause_rows

    engine = get_engine(corpus_db_url(backend))
    with session_scope(engine) as s:
        ids = sorted(cid for cid, _k, _d in current_clause_rows(s))
        fast, full = clause_records_by_ids(s, ids), clauses_by_ids(s, ids)
    engine.dispose()
    assert len(fast) == len(full) == len(ids)
    assert any(c["fields"] for c, _v in fast) and any(c["amounts"] for c, _v in fast)
    for (a, va), (b, vb) in zip(fast, full):
        assert va == vb
        for k, v in a.items():
            if k == "document":
                assert v == {x: b[k][x] for x in v}, a["id"]
            else:
                assert v == b[k], (a["id"], k)


def test_record_terms_where_an_amount_may_span_the_title_and_the_body():
    """Amounts are read over the whole indexed text: a heading ending in a
    number and a body starting with 万元 make one amount; the cached body is
    reused under other headings."""
    body = "万元，对符合条件的企业给予补贴"
    records = [
        {"id": 1, "document": {"title": "补贴标准"}, "path": ["最高5"], "text": body, "fields": {}},
        {"id": 2, "document": {"title": "补贴标准"}, "path": ["第二条"], "text": body, "fields": {}},
        {"id": 3, "document": {"title": "2024年奖励30"}, "path": [], "text": "\n万人以上企业", "fields": {}},
        {"id": 4, "document": {"title": "奖励"}, "path": ["三"], "text": "十万元", "fields": {"金额": "二十万元"}},
        {"id": 5, "document": {"title": "奖励"}, "path": [], "text": "", "fields": {"金额": "二十万元"}},
    ]
    for r in records:
        assert record_terms(r)[0] == seg.index_tokens(indexed_text(r)), r["id"]
    assert "money:50000" in record_tokens(records[0]) and not any(t.startswith("money:") for t in record_tokens(records[1]))
    assert seg.money_may_join("5") and seg.money_may_join("万") and not seg.money_may_join("条")


def test_current_clause_ids_are_the_ids_of_the_current_rows():
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import current_clause_ids, current_clause_rows

    engine = get_engine(corpus_db_url())
    with session_scope(engine) as s:
        assert current_clause_ids(s) == sorted(cid for cid, _k, _d in current_clause_rows(s))
    engine.dispose()


def test_clause_record_validity_is_the_effective_validity_cached_or_not():
    from huiqi.rules.validity import effective_validity

    doc = {"id": 1, "title": "内蒙古自治区2024年稳就业政策清单", "issued": "2024-03-01"}
    cases = [({}, None), ({"start": "2023-01-01", "end": "2025-12-31"}, None),
             ({}, {"start": None, "end": "2026-06-30", "basis": "文件", "relative": None}),
             ({"relative": {"years": 3}}, None)]  # an unhashable value is not cached
    for _ in range(2):
        for validity, doc_validity in cases:
            r = clause_record({"id": 5, "document": doc, "text": "t", "validity": validity}, doc_validity)
            filled = dict(validity)
            for k, v in (doc_validity or {}).items():
                if filled.get(k) in (None, "") and v not in (None, ""):
                    filled[k] = v
            want = effective_validity(filled, doc)
            assert r["validity"] == {k: want.get(k) for k in ("start", "end", "basis", "relative")}
    assert clause_record({"id": 5, "document": doc, "text": "t"})["validity"]["start"] == "2024-03-01"
