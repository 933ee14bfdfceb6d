"""Document identity is not the bare file name (issue 16, defect 5)."""

from __future__ import annotations

from sqlalchemy import select

from huiqi.kb.db import session_scope
from huiqi.kb.identity import Identity, norm_doc_number, norm_title, same_document
from huiqi.kb.ingest import ingest_paths
from huiqi.kb.models import SourceFile
from huiqi.kb.queries import get_document, list_documents, list_policies

NOTICE_A = """关于支持种植大户发展的通知
内农牧发〔2024〕12号
一、对种植大户给予每亩50元补贴。
二、对新建高标准农田给予最高100万元奖励。
"""
NOTICE_B = """关于促进商贸流通企业发展的通知
内商发〔2024〕7号
一、对新开业的连锁超市给予最高20万元奖励。
"""


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_same_name_unrelated_file_is_a_new_document(engine, tmp_path):
    a = _write(tmp_path / "a" / "通知.txt", NOTICE_A)
    b = _write(tmp_path / "b" / "通知.txt", NOTICE_B)
    r1, r2 = ingest_paths(engine, [a]), ingest_paths(engine, [b])
    assert (r1.files[0].status, r1.files[0].version) == ("added", 1)
    assert (r2.files[0].status, r2.files[0].version) == ("added", 1)  # not "version 2"
    with session_scope(engine) as s:
        docs = list_documents(s)
        assert sorted(d["title"] for d in docs) == sorted(["关于支持种植大户发展的通知", "关于促进商贸流通企业发展的通知"])
        assert all(d["is_current"] and not d["superseded"] for d in docs)
        texts = [c["text"] for c in list_policies(s)]
    assert any("种植大户" in t for t in texts)  # the first document did not vanish


def test_same_document_new_version_supersedes_old(engine, tmp_path):
    f = _write(tmp_path / "通知.txt", NOTICE_A)
    ingest_paths(engine, [f])
    with session_scope(engine) as s:
        old_id = list_documents(s)[0]["id"]
    _write(f, NOTICE_A.replace("50元", "80元"))
    fr = ingest_paths(engine, [f]).files[0]
    assert (fr.status, fr.version) == ("added", 2)
    with session_scope(engine) as s:
        current = list_documents(s)
        assert len(current) == 1 and current[0]["version"] == 2
        old = get_document(s, old_id)
        assert old["superseded"] is True and old["is_current"] is False
        assert [d["id"] for d in old["superseded_by_documents"]] == [current[0]["id"]]
        rows = s.execute(select(SourceFile.lineage_id, SourceFile.lineage_version).order_by(SourceFile.id)).all()
        assert rows[0][0] == rows[1][0] and [r[1] for r in rows] == [1, 2]


def test_same_content_under_another_name_is_unchanged(engine, tmp_path):
    ingest_paths(engine, [_write(tmp_path / "x.txt", NOTICE_A)])
    fr = ingest_paths(engine, [_write(tmp_path / "copy.txt", NOTICE_A)]).files[0]
    assert fr.status == "unchanged"


def test_untitled_files_of_one_name_do_not_replace_each_other(engine, tmp_path):
    f = _write(tmp_path / "t.txt", "一、对企业给予最高100万元奖励。\n")
    ingest_paths(engine, [f])
    _write(f, "一、对企业给予最高200万元奖励。\n")
    ingest_paths(engine, [f])
    with session_scope(engine) as s:
        assert len(list_documents(s)) == 2


def test_identity_rules():
    assert norm_title("关于印发《支持措施》的通知") == norm_title("关于印发 支持措施 的通知")
    assert norm_doc_number("内政发[2023] 5号") == "内政发〔2023〕5号"
    a = Identity.of([{"title": "关于支持种植大户发展的通知", "doc_number": None}])
    b = Identity.of([{"title": "关于支持种植大户发展的通知（修订）", "doc_number": "内农牧发〔2025〕1号"}])
    c = Identity.of([{"title": "另一个通知", "doc_number": "内农牧发〔2025〕1号"}])
    assert not same_document(a, b) and same_document(b, c)
    assert same_document(a, Identity.of([{"title": "关于支持 种植大户 发展的通知"}]))
    assert not same_document(Identity.of([{"title": "通知"}]), Identity.of([{"title": "通知"}]))


def test_migration_fills_lineage_of_existing_rows(tmp_path):
    """0003 on a database written before it: each file name is one lineage."""
    from datetime import datetime

    from sqlalchemy import text

    from huiqi.kb.db import get_engine, upgrade

    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001_initial")
    with engine.begin() as conn:
        for i, (name, version, current) in enumerate([("a.txt", 1, False), ("a.txt", 2, True), ("b.txt", 1, True)]):
            conn.execute(text(
                "INSERT INTO source_files (id, name, path, sha256, version, is_current, kind, n_lines, text, ingested_at) "
                "VALUES (:id, :n, :p, :sha, :v, :c, 'txt', 1, 'x', :t)"),
                {"id": i + 1, "n": name, "p": name, "sha": f"{i:064d}", "v": version, "c": current, "t": datetime(2025, 1, 1)})
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, lineage_id, lineage_version, superseded_by_id FROM source_files ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, 1, 1, 2), (2, 1, 2, None), (3, 3, 1, None)]
