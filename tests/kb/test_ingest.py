"""Ingest: versioning, idempotence, per-file transactions, fallbacks."""

from __future__ import annotations

from sqlalchemy import func, select

from huiqi.extract.types import ClauseFacts
from huiqi.kb import ingest as ingest_mod
from huiqi.kb.db import session_scope
from huiqi.kb.ingest import clause_key, ingest_paths
from huiqi.kb.models import Clause, ClauseUnit, Document, Node, SourceFile
from huiqi.kb.queries import get_document, list_documents, list_policies
from tests.kb.fakes import POLICY_V1, POLICY_V2

TABLES = (SourceFile, Document, Node, Clause, ClauseUnit)


def _counts(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_writes_tree_and_clauses(engine, fake_parser, tmp_path):
    f = _write(tmp_path / "p.txt", POLICY_V1)
    report = ingest_paths(engine, [f])
    assert report.ok
    fr = report.files[0]
    assert (fr.status, fr.version, fr.documents, fr.clauses) == ("added", 1, 1, 3)
    assert _counts(engine) == {
        "source_files": 1, "documents": 1, "nodes": 5, "clauses": 3, "clause_units": 1,
    }
    with session_scope(engine) as s:
        clauses = list_policies(s)
        assert [c["path"] for c in clauses][0] == ["一、推进农牧业现代化", "1."]
        first = clauses[0]
        # clause 1 spans its marker line and the continuation line (lines 4-5)
        assert (first["source"]["start_line"], first["source"]["end_line"]) == (4, 5)
        assert first["text"].endswith("〔责任单位：自治区农牧厅〕")
        doc = get_document(s, first["document"]["id"])
        assert [n["label"] for n in doc["nodes"]] == ["一、", "二、"]
        assert [c["clause_id"] for c in doc["nodes"][0]["children"]] == [c["id"] for c in clauses[:2]]
        sf = s.scalars(select(SourceFile)).one()
        assert sf.text.split("\n")[3].startswith("1.实施粮油")


def test_reingest_same_content_is_noop(engine, fake_parser, tmp_path):
    f = _write(tmp_path / "p.txt", POLICY_V1)
    ingest_paths(engine, [f])
    before = _counts(engine)
    report = ingest_paths(engine, [f])
    assert report.files[0].status == "unchanged" and report.ok
    assert _counts(engine) == before


def test_changed_file_becomes_version_2_and_v1_stays(engine, fake_parser, tmp_path):
    f = _write(tmp_path / "p.txt", POLICY_V1)
    ingest_paths(engine, [f])
    with session_scope(engine) as s:
        v1_doc = list_documents(s)[0]["id"]
    _write(f, POLICY_V2)
    report = ingest_paths(engine, [f])
    assert report.files[0].status == "added" and report.files[0].version == 2
    with session_scope(engine) as s:
        current = list_documents(s)
        assert len(current) == 1 and current[0]["version"] == 2
        assert current[0]["clause_count"] == 4
        assert len(list_policies(s)) == 4
        every = list_documents(s, current_only=False)
        assert [d["version"] for d in every] == [1, 2]
        old = get_document(s, v1_doc)
        assert old["is_current"] is False and len(old["clauses"]) == 3
        flags = s.execute(select(SourceFile.version, SourceFile.is_current).order_by(SourceFile.version)).all()
        assert flags == [(1, False), (2, True)]


def test_failure_mid_write_rolls_back_only_that_file(engine, fake_parser, tmp_path, monkeypatch):
    good = _write(tmp_path / "good.txt", POLICY_V1)
    bad = _write(tmp_path / "bad.txt", POLICY_V1.replace("2.实施", "2.BOOM实施"))
    real_insert = ingest_mod.insert_rows

    def failing_insert(session, table, rows, *args, **kwargs):
        # documents and nodes of bad.txt are already in the session when clauses fail
        if table is Clause.__table__ and any("BOOM" in r["text"] for r in rows):
            raise RuntimeError("模拟写入失败")
        return real_insert(session, table, rows, *args, **kwargs)

    monkeypatch.setattr(ingest_mod, "insert_rows", failing_insert)
    report = ingest_paths(engine, [bad, good])
    assert [f.status for f in report.files] == ["failed", "added"]
    err = report.files[0].error
    assert err.startswith(str(bad)) and "模拟写入失败" in err and "\n" not in err
    with session_scope(engine) as s:
        assert s.scalars(select(SourceFile.name)).all() == ["good.txt"]
    assert _counts(engine) == {
        "source_files": 1, "documents": 1, "nodes": 5, "clauses": 3, "clause_units": 1,
    }


def test_failed_new_version_keeps_old_version_current(engine, fake_parser, tmp_path, monkeypatch):
    f = _write(tmp_path / "p.txt", POLICY_V1)
    ingest_paths(engine, [f])
    before = _counts(engine)
    _write(f, POLICY_V2)
    real_write_nodes = ingest_mod._write_nodes

    def boom(session, plans, doc_ids):
        real_write_nodes(session, plans, doc_ids)
        raise ValueError("节点之后出错")

    monkeypatch.setattr(ingest_mod, "_write_nodes", boom)
    report = ingest_paths(engine, [f])
    assert report.files[0].status == "failed"
    assert _counts(engine) == before
    with session_scope(engine) as s:
        assert s.execute(select(SourceFile.version, SourceFile.is_current)).all() == [(1, True)]


def test_extractor_error_is_one_line_and_others_continue(engine, fake_parser, tmp_path, monkeypatch):
    a = _write(tmp_path / "a.txt", POLICY_V1.replace("3.对投资", "3.CRASH对投资"))
    b = _write(tmp_path / "b.txt", POLICY_V1)

    def extract(node, block=None, **_kw):
        if "CRASH" in (block or node.block()).text:
            raise KeyError("多行\n错误")
        return ClauseFacts(responsible_units=["自治区农牧厅", "自治区农牧厅", "自治区财政厅"])

    monkeypatch.setattr(ingest_mod, "extract_clause_facts", extract)
    report = ingest_paths(engine, [a, b])
    assert [f.status for f in report.files] == ["failed", "added"]
    assert "\n" not in report.files[0].error and "KeyError" in report.files[0].error
    assert report.files[1].units == 9  # 3 clauses × 3 units as extracted
    with session_scope(engine) as s:
        # duplicates are collapsed in the unit index
        assert s.scalar(select(func.count()).select_from(ClauseUnit)) == 6
        hits = list_policies(s, unit="自治区财政厅")
        assert len(hits) == 3


def test_unreadable_files_are_reported(engine, fake_parser, tmp_path):
    empty = _write(tmp_path / "empty.txt", "")
    missing = tmp_path / "missing.txt"
    ok = _write(tmp_path / "ok.txt", POLICY_V1)
    report = ingest_paths(engine, [missing, empty, ok])
    assert [f.status for f in report.files] == ["failed", "failed", "added"]
    assert "文件不存在" in report.files[0].error
    assert "文件为空" in report.files[1].error
    assert not report.ok and len(report.failed) == 2


def test_directory_expands_without_manifest(engine, fake_parser, tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    _write(d / "b.txt", POLICY_V1)
    _write(d / "a.txt", POLICY_V2)
    _write(d / "manifest.yaml", "a.txt:\n  issuer: 内蒙古自治区人民政府\n")
    report = ingest_paths(engine, [d])
    assert [f.name for f in report.files] == ["a.txt", "b.txt"]


def test_manifest_and_level_hint_fallbacks(engine, fake_parser, tmp_path, monkeypatch):
    _write(
        tmp_path / "manifest.yaml",
        "one.txt:\n  issuer: 内蒙古自治区人民政府\n  level: 自治区\n  region: 内蒙古自治区\n"
        "  issued: 2024-01-30\n"
        "many.txt:\n  issuer: 某汇编单位\n  level: 盟市\n  region: unknown\n",
    )
    one = _write(tmp_path / "one.txt", POLICY_V1)
    many = _write(
        tmp_path / "many.txt",
        "#DOC 甲办法\n1.第一条。\n#STUB 乙通知\n#DOC 丙办法\n1.第二条。\n#GUIDE 丁服务指南\n办理依据：某办法\n",
    )

    real = ingest_mod._parse

    def parse_with_hint(source):
        docs = real(source)
        if source.name == "many.txt":
            docs[0].level_hint = "国家"
        return docs

    monkeypatch.setattr(ingest_mod, "_parse", parse_with_hint)
    assert ingest_paths(engine, [one, many]).ok
    with session_scope(engine) as s:
        docs = {d["title"]: d for d in list_documents(s)}
    single = docs[POLICY_V1.splitlines()[0]]
    assert (single["issuer"], single["issued"], single["level"], single["region"]) == (
        "内蒙古自治区人民政府", "2024-01-30", "自治区", "内蒙古自治区")
    # several policy documents in one file: the manifest's issuer is not copied
    assert docs["甲办法"]["issuer"] is None and docs["丙办法"]["issuer"] is None
    assert docs["甲办法"]["level"] == "国家"  # parser hint beats the manifest
    # a policy document reproduced in a compilation does not get the compiler's level
    assert docs["丙办法"]["level"] is None and docs["丙办法"]["region"] is None
    assert docs["乙通知"]["kind"] == "stub" and docs["乙通知"]["has_body"] is False
    # the compilation's own parts (guides, stubs) do
    guide = docs["丁服务指南"]
    assert (guide["kind"], guide["level"], guide["issuer"], guide["clause_count"]) == ("guide", "盟市", None, 1)


def test_missing_parser_is_a_clean_failure(engine, tmp_path, monkeypatch):
    import huiqi.structure

    monkeypatch.delattr(huiqi.structure, "parse_source", raising=False)
    report = ingest_paths(engine, [_write(tmp_path / "p.txt", POLICY_V1)])
    assert report.files[0].status == "failed" and "parse_source" in report.files[0].error


def test_clause_key_is_stable_under_rewrapping():
    k = clause_key("标题", ["一、", "1."], "对企业\n给予 奖励")
    assert k == clause_key("标题", ["一、", "1."], "对企业给予奖励")
    assert k != clause_key("别的标题", ["一、", "1."], "对企业给予奖励")
    assert len(k) == 40
    # every kind of whitespace goes (ideographic, no-break, tab, line separator), and a
    # stored key never changes: this one was computed with re.sub(r"\s+", "", text)
    odd = "对企业\u3000给予\xa0奖励\t（责任单位：市财政局）\u2028"
    assert clause_key("标题", ["一、", "1."], odd) == "ef04e9c85caa4d52f0ca07bd18c8e1d9efc4face"


def test_progress_callback(engine, fake_parser, tmp_path):
    f = _write(tmp_path / "p.txt", POLICY_V1)
    events = []
    ingest_paths(engine, [f], progress=lambda stage, path, rep: events.append((stage, path.name, rep and rep.status)))
    assert events == [("start", "p.txt", None), ("done", "p.txt", "added")]


def test_nul_characters_are_dropped_on_every_backend(engine, fake_parser, tmp_path):
    """A stray NUL (U+0000) far enough into a text file to pass the binary
    check is dropped by the reader: PostgreSQL text cannot hold it, and it is
    never content. The file is stored the same on SQLite and PostgreSQL, its
    line numbers unchanged."""
    head, sep, tail = POLICY_V1.partition("1.实施粮油")
    text = head + "说明。" * 2000 + "\n" + "1.实施\x00粮油" + tail  # > 8000 bytes before the NUL
    f = tmp_path / "p.txt"
    f.write_bytes(text.encode("utf-8"))
    report = ingest_paths(engine, [f])
    assert report.ok, report.files[0].error
    with session_scope(engine) as s:
        sf = s.scalars(select(SourceFile)).one()
        assert "\x00" not in sf.text and "1.实施粮油" in sf.text
        assert sf.n_lines == text.count("\n") + (not text.endswith("\n"))
        assert any(c["text"].startswith("1.实施粮油") for c in list_policies(s))
