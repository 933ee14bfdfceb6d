"""The library change log (huiqi.kb.library): every change a host must
follow is numbered in the transaction that makes it, numbers are
contiguous under concurrent writers, and a reader learns what moved."""

from __future__ import annotations

import threading

import pytest

from huiqi.kb.db import get_engine, session_scope
from huiqi.kb.library import (
    KIND_DOCUMENT,
    KIND_RULES,
    LibraryChange,
    changes_since,
    library_version,
    record_change,
)
from tests.dbs import backend_params, fresh_database

POLICY = """测试市人民政府关于支持小微企业的若干措施

测试政发〔2026〕1号

一、对新招用高校毕业生的小微企业，按每人1000元给予一次性吸纳就业补贴。（责任单位：市人力资源和社会保障局）

测试市人民政府
2026年3月1日
"""


@pytest.fixture(params=backend_params())
def engine(request, tmp_path):
    with fresh_database(request.param, tmp_path, "lib") as url:
        eng = get_engine(url)
        yield eng
        eng.dispose()


def _version(engine):
    with session_scope(engine) as s:
        return library_version(s)


def test_a_new_library_starts_at_one_with_a_random_id(engine):
    v = _version(engine)
    assert v.seq == 1 and len(v.library_id) == 32 and v.key == f"{v.library_id}:1"


def test_ingest_and_rule_changes_are_numbered_with_what_moved(engine, tmp_path):
    from huiqi.services.ingest import ingest_and_refresh

    path = tmp_path / "p.txt"
    path.write_text(POLICY, encoding="utf-8")
    before = _version(engine).seq
    report = ingest_and_refresh(engine, [path], refresh_index=False)
    assert report.ok
    with session_scope(engine) as s:
        moved = changes_since(s, before)
    assert moved.documents and KIND_DOCUMENT in moved.kinds and KIND_RULES in moved.kinds
    assert moved.source_file_ids == (report.ingest.files[0].source_file_id,)
    assert moved.seq == _version(engine).seq > before
    # the same file again changes nothing, so nothing is logged
    ingest_and_refresh(engine, [path], refresh_index=False)
    with session_scope(engine) as s:
        assert changes_since(s, moved.seq).count == 0
        record_change(s, KIND_RULES, "approved", rule_version_id=7)
    with session_scope(engine) as s:
        only_rules = changes_since(s, moved.seq)
    assert only_rules.kinds == {KIND_RULES} and not only_rules.documents
    assert only_rules.rule_version_ids == (7,) and only_rules.seq == moved.seq + 1


def test_a_rolled_back_change_leaves_no_number(engine):
    before = _version(engine).seq
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            record_change(s, KIND_DOCUMENT, "added", source_file_id=1)
            raise RuntimeError("the change fails")
    assert _version(engine).seq == before
    with pytest.raises(ValueError):
        with session_scope(engine) as s:
            record_change(s, "nonsense", "x")


def test_concurrent_writers_get_contiguous_numbers(engine):
    before = _version(engine).seq
    errors = []

    def writer(k: int) -> None:
        try:
            for i in range(5):
                with session_scope(engine) as s:
                    record_change(s, KIND_RULES, "approved", rule_version_id=k * 100 + i)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with session_scope(engine) as s:
        seqs = [c.seq for c in s.query(LibraryChange).filter(LibraryChange.seq > before).order_by(LibraryChange.seq)]
    assert seqs == list(range(before + 1, before + 21))
    assert _version(engine).seq == before + 20
