"""The Typer CLI: exit codes, error lines, JSON output (CliRunner)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.dbs import backend_params, fresh_database
from tests.kb import fakes

REPO = Path(__file__).resolve().parents[2]



@pytest.fixture
def env(tmp_path, monkeypatch):
    """Isolated environment: no HUIQI_DB, data dir inside tmp, fake parser."""
    monkeypatch.delenv("HUIQI_DB", raising=False)
    monkeypatch.setenv("HUIQI_DATA_DIR", str(tmp_path / "data"))
    fakes.install(monkeypatch)
    return tmp_path


@pytest.fixture(params=backend_params())
def db(request, env):
    """``--db`` of an empty database: a SQLite file path, or the URL of a new
    PostgreSQL database without tables (the CLI migrates it)."""
    if request.param == "sqlite":
        yield str(env / "cli.db")
        return
    with fresh_database(request.param, env, "cli") as url:
        yield url


def run(*args):
    return CliRunner().invoke(app, list(args))


def _policy_file(tmp: Path, name="p.txt", text=fakes.POLICY_V1) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def _no_traceback(res):
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_nonexistent_path(db, env):
    res = run("ingest", str(env / "nope.txt"), "--db", db)
    assert res.exit_code == 1
    _no_traceback(res)
    assert f"{env / 'nope.txt'}: 文件不存在" in res.stderr


def test_empty_file(db, env):
    f = env / "empty.txt"
    f.write_bytes(b"")
    res = run("ingest", str(f), "--db", db)
    assert res.exit_code == 1
    _no_traceback(res)
    assert "文件为空" in res.stderr
    assert "失败" in res.stdout


def test_binary_file(db, env):
    f = env / "blob.txt"
    f.write_bytes(bytes(range(256)) * 64)
    res = run("ingest", str(f), "--db", db)
    assert res.exit_code == 1
    _no_traceback(res)
    err_lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(err_lines) == 1 and err_lines[0].startswith(str(f))


def test_one_bad_file_does_not_stop_good_one(db, env):
    good = _policy_file(env)
    res = run("ingest", str(env / "missing.txt"), str(good), "--db", db, "--json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert [f["status"] for f in report["files"]] == ["failed", "added"]
    docs = json.loads(run("docs", "--json", "--db", db).stdout)
    assert [d["source_file"] for d in docs] == ["p.txt"]


def test_ingest_then_unchanged(db, env):
    f = _policy_file(env)
    res = run("ingest", str(f), "--db", db)
    assert res.exit_code == 0, res.output
    assert "新增" in res.stdout
    res = run("ingest", str(f), "--db", db)
    assert res.exit_code == 0 and "未变化" in res.stdout


def test_docs_show_policies_json(db, env):
    f = _policy_file(env)
    assert run("ingest", str(f), "--db", db).exit_code == 0
    res = run("docs", "--json", "--db", db)
    assert res.exit_code == 0
    docs = json.loads(res.stdout)  # stdout is pure JSON
    assert len(docs) == 1 and docs[0]["clause_count"] == 3 and docs[0]["source_file"] == "p.txt"
    assert "内蒙古自治区2024年" in res.stdout  # not ASCII-escaped
    doc_id = docs[0]["id"]
    shown = json.loads(run("show", str(doc_id), "--json", "--db", db).stdout)
    assert shown["id"] == doc_id and len(shown["nodes"]) == 2
    pols = json.loads(run("policies", "--json", "--db", db).stdout)
    assert len(pols) == 3 and pols[0]["source"] == {"file": "p.txt", "start_line": 4, "end_line": 5}
    only = json.loads(run("policies", "--doc", str(doc_id), "--json", "--db", db).stdout)
    assert only == pols
    clause = json.loads(run("clause", str(pols[0]["id"]), "--json", "--db", db).stdout)
    assert [l["line"] for l in clause["original_lines"]] == [4, 5]
    # human output renders too
    res = run("show", str(doc_id), "--db", db)
    assert res.exit_code == 0 and f"条款#{pols[0]['id']}" in res.stdout
    res = run("docs", "--db", db)
    assert res.exit_code == 0 and "p.txt" in res.stdout
    assert run("policies", "--db", db).exit_code == 0


def test_unknown_ids(db):
    res = run("show", "12345", "--db", db)
    assert res.exit_code == 1 and "未找到 ID 为 12345 的文档" in res.stderr
    _no_traceback(res)
    res = run("policies", "--doc", "12345", "--db", db, "--json")
    assert res.exit_code == 1 and res.stdout == ""
    res = run("clause", "7", "--db", db)
    assert res.exit_code == 1 and "未找到" in res.stderr
    # ids beyond the id column (32-bit on PostgreSQL, 64-bit on SQLite) are unknown ids too
    for big in (str(2**31), str(10**23)):
        for args in (("show", big), ("clause", big), ("policies", "--doc", big)):
            res = run(*args, "--db", db)
            assert res.exit_code == 1 and f"未找到 ID 为 {big} 的" in res.stderr, (args, res.output)
            _no_traceback(res)


def test_empty_explicit_db_lists_nothing(db):
    res = run("docs", "--json", "--db", db)
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert res.stderr == ""  # an explicit --db is never auto-filled


def test_bad_db_url_is_one_line(env):
    res = run("docs", "--db", "nosuchdialect://x/y")
    assert res.exit_code == 1
    _no_traceback(res)
    assert res.stderr.strip().startswith("数据库地址无效")
    assert len(res.stderr.strip().splitlines()) == 1


def test_default_db_is_filled_from_corpus(env):
    res = run("docs", "--json")
    assert res.exit_code == 0, res.output
    docs = json.loads(res.stdout)
    corpus = sorted(p.name for p in (REPO / "data" / "corpus").glob("*.txt"))
    assert sorted({d["source_file"] for d in docs}) == corpus
    assert "默认数据库为空" in res.stderr
    assert (env / "data" / "huiqi.db").is_file()
    again = run("docs", "--json")
    assert again.stderr == "" and json.loads(again.stdout) == docs


def test_env_db_is_used(env, monkeypatch):
    monkeypatch.setenv("HUIQI_DB", str(env / "fromenv.db"))
    res = run("docs", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert (env / "fromenv.db").is_file()


def test_python_dash_m(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "huiqi", "docs", "--json", "--db", str(tmp_path / "s.db")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == []
    res = subprocess.run(
        [sys.executable, "-m", "huiqi", "show", "1", "--db", str(tmp_path / "s.db")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 1 and "Traceback" not in res.stderr and "未找到" in res.stderr
