"""Bulk INSERT with allocated ids (huiqi.kb.bulk): rows stored exactly as a
SQLAlchemy Core INSERT stores them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from huiqi.kb.bulk import allocate_ids, insert_rows
from huiqi.kb.db import session_scope
from huiqi.kb.identity import lock_for_write
from huiqi.kb.models import Clause, ClauseUnit, Document, SourceFile


def _source_file(s) -> int:
    sf = SourceFile(name="政策.txt", path="/tmp/政策.txt", sha256="ab" * 32, version=1, is_current=True,
                    kind="txt", encoding="utf-8", n_lines=3, text="第一行\n第二行\n第三行",
                    ingested_at=datetime(2026, 1, 2, 3, 4, 5), lineage_version=1)
    s.add(sf)
    s.flush()
    return sf.id


def _doc_row(sf_id: int, seq: int, **over) -> dict:
    row = {"source_file_id": sf_id, "seq": seq, "kind": "policy", "title": "关于支持中小企业发展的若干措施",
           "issuer": "某市人民政府", "level": "市级", "region": "呼和浩特市", "doc_number": "呼政发〔2025〕3号",
           "issued": date(2025, 3, 1), "validity_start": None, "validity_end": date(2027, 12, 31),
           "validity_basis": "有效期至2027年12月31日", "validity_relative": None,
           "supersedes": [], "cited": ["《中小企业促进法》"], "context": [{"k": "主送", "v": "各旗县区"}],
           "has_body": True, "start_line": 1, "end_line": 3}
    row.update(over)
    return row


def _columns(session, model, ids: list[int]) -> list[dict]:
    """The stored rows ``ids`` of ``model`` without their id, as dicts."""
    table = model.__table__
    cols = [c for c in table.columns if c.key != "id"]
    rows = session.execute(select(*cols).where(table.c.id.in_(ids)).order_by(table.c.id)).all()
    return [dict(r._mapping) for r in rows]


def test_rows_read_back_as_a_core_insert_writes_them(engine):
    with session_scope(engine) as s:
        lock_for_write(s)
        sf = _source_file(s)
        rows = [_doc_row(sf, 0), _doc_row(sf, 1, issued=None, cited=None, has_body=False, title="第二个文件")]
        new = insert_rows(s, Document.__table__, rows)
        core = list(s.scalars(insert(Document.__table__).returning(Document.id, sort_by_parameter_order=True),
                              rows).all())
    assert len(new) == 2 and new[1] == new[0] + 1
    with session_scope(engine) as s:
        ours, theirs = _columns(s, Document, new), _columns(s, Document, core)
    assert ours == theirs
    assert ours[0]["issued"] == date(2025, 3, 1) and ours[0]["context"] == [{"k": "主送", "v": "各旗县区"}]
    assert ours[1]["issued"] is None and ours[1]["has_body"] is False and ours[1]["title"] == "第二个文件"


def test_missing_columns_take_their_python_defaults(engine):
    with session_scope(engine) as s:
        lock_for_write(s)
        sf = _source_file(s)
        doc = insert_rows(s, Document.__table__, [_doc_row(sf, 0)])[0]
        row = {"document_id": doc, "node_id": None, "seq": 0, "key": "k" * 40, "kind": "item",
               "text": "对新认定的专精特新中小企业给予一次性奖励50万元。", "start_line": 2, "end_line": 2}
        ours = insert_rows(s, Clause.__table__, [row])
        core = list(s.scalars(insert(Clause.__table__).returning(Clause.id), [row]).all())
    with session_scope(engine) as s:
        a, b = _columns(s, Clause, ours), _columns(s, Clause, core)
    assert a == b
    assert a[0]["responsible_units"] == [] and a[0]["validity"] == {} and a[0]["path"] == []


def test_given_ids_are_used_and_a_table_without_id_takes_rows_as_given(engine):
    with session_scope(engine) as s:
        lock_for_write(s)
        sf = _source_file(s)
        ids = allocate_ids(s, Document.__table__, 3)
        assert ids == sorted(ids) and len(set(ids)) == 3
        got = insert_rows(s, Document.__table__, [_doc_row(sf, k) for k in range(3)], ids=ids)
        assert got == ids
        with pytest.raises(ValueError, match="documents: 2 ids for 3 rows"):
            insert_rows(s, Document.__table__, [_doc_row(sf, k) for k in range(3)], ids=ids[:2])
        clause = insert_rows(s, Clause.__table__, [{"document_id": ids[0], "seq": 0, "key": "c1", "kind": "item",
                                                    "text": "责任单位：市工业和信息化局"}])[0]
        assert insert_rows(s, ClauseUnit.__table__, [{"clause_id": clause, "unit": "市工业和信息化局"},
                                                     {"clause_id": clause, "unit": "市财政局"}]) == []
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(ClauseUnit.unit).where(ClauseUnit.clause_id == clause))) == \
            ["市工业和信息化局", "市财政局"]
        assert [d.seq for d in s.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id))] == \
            [0, 1, 2]


def test_ids_continue_after_existing_rows_and_nothing_is_written_for_no_rows(engine):
    with session_scope(engine) as s:
        lock_for_write(s)
        sf = _source_file(s)
        first = insert_rows(s, Document.__table__, [_doc_row(sf, 0)])
        second = insert_rows(s, Document.__table__, [_doc_row(sf, 1), _doc_row(sf, 2)])
        assert insert_rows(s, Document.__table__, []) == []
        assert allocate_ids(s, Document.__table__, 0) == []
    assert second[0] > first[0] and second[1] == second[0] + 1
    with session_scope(engine) as s:
        assert s.scalar(select(Document.id).order_by(Document.id.desc()).limit(1)) == second[1]


def _clause_row(doc: int) -> dict:
    return {"document_id": doc, "node_id": None, "seq": 0, "key": "c" * 40, "kind": "item",
            "text": "对年营业收入超过2000万元的企业给予最高50万元奖励，责任单位：市工业和信息化局。",
            "start_line": 3, "end_line": 3, "path": ["一、支持企业做大做强", "1."],
            "responsible_units": ["市工业和信息化局"], "rates": [], "contacts": [], "doc_numbers": [], "cited": [],
            "amounts": [{"text": "50万元", "value_yuan": 500000.0, "role": "cap", "lines": [3, 3]}],
            "thresholds": [{"attribute": "年营业收入", "op": ">", "value": 20000000.0, "unit": "元"}],
            "validity": {"start": None, "end": "2027-12-31", "basis": None}, "fields": {"受理机构": "市政务服务中心"}}


@pytest.mark.parametrize("allocated", [True, False])
def test_json_text_columns_are_stored_as_the_json_type_stores_their_values(engine, monkeypatch, allocated):
    from huiqi.kb import bulk

    if not allocated:  # a database without a way to allocate ids: SQLAlchemy's INSERT … RETURNING
        monkeypatch.setattr(bulk, "allocate_ids", lambda *_a, **_k: None)
    json_cols = ("path", "responsible_units", "amounts", "thresholds", "validity", "fields", "rates")
    with session_scope(engine) as s:
        lock_for_write(s)
        sf = _source_file(s)
        doc = list(s.scalars(insert(Document.__table__).returning(Document.id), [_doc_row(sf, 0)]).all())[0]
        plain = _clause_row(doc)
        pre = {k: bulk.json_text(v) if k in json_cols else v for k, v in plain.items()}
        ours = insert_rows(s, Clause.__table__, [pre], encoded=json_cols)
        core = list(s.scalars(insert(Clause.__table__).returning(Clause.id), [plain]).all())
    with session_scope(engine) as s:
        a, b = _columns(s, Clause, ours), _columns(s, Clause, core)
    assert a == b
    assert a[0]["amounts"][0]["value_yuan"] == 500000.0 and a[0]["fields"] == {"受理机构": "市政务服务中心"}
