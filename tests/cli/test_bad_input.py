"""Bad input through the real pipeline: one-line error naming the file,
non-zero exit, and the database left exactly as it was."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.dbs import backend_params, fresh_database
from tests.readers.helpers import blank_pdf, encrypted_pdf

GOOD = """某某旗支持小微企业发展若干措施

为支持小微企业发展，结合本旗实际，制定本措施。
一、财政支持
1.对新招用登记失业人员的小微企业，每人给予2000元一次性补贴。（责任单位：旗人社局、财政局）
2.对首次认定的高新技术企业给予一次性30万元奖励。（责任单位：旗科技局）
"""


def _make(kind: str, d):
    if kind == "missing":
        return d / "nope.txt", "文件不存在"
    p = d / {"pdf-encrypted": "locked.pdf", "pdf-image": "scan.pdf"}.get(kind, f"{kind}.txt")
    if kind == "empty":
        p.write_bytes(b"")
    elif kind == "whitespace":
        p.write_text(" \n\t\n  ", encoding="utf-8")
    elif kind == "binary":
        p.write_bytes(bytes(range(256)) * 64)
    elif kind == "wrong-encoding":
        p.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01"))
    elif kind == "pdf-encrypted":
        p.write_bytes(encrypted_pdf([["secret text"]], user_password="pw"))
    elif kind == "pdf-image":
        p.write_bytes(blank_pdf(2))
    elif kind == "huge":
        with open(p, "wb") as f:
            f.truncate(200 * 1024 * 1024)
    return p, None


@pytest.fixture(params=backend_params())
def db(request, tmp_path, monkeypatch):
    """A database (SQLite file path, or PostgreSQL URL) holding one good file."""
    monkeypatch.delenv("HUIQI_DB", raising=False)
    monkeypatch.setenv("HUIQI_DATA_DIR", str(tmp_path / "data"))
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    with fresh_database(request.param, tmp_path, "kb") as url:
        if request.param == "sqlite":
            url = str(tmp_path / "kb.db")  # a plain path means SQLite
        res = CliRunner().invoke(app, ["ingest", str(good), "--db", url])
        assert res.exit_code == 0, res.output
        yield url


def _snapshot(url):
    runner = CliRunner()
    docs = json.loads(runner.invoke(app, ["docs", "--json", "--db", url]).stdout)
    pol = json.loads(runner.invoke(app, ["policies", "--json", "--db", url]).stdout)
    return docs, pol


@pytest.mark.parametrize(
    "kind", ["missing", "empty", "whitespace", "binary", "wrong-encoding", "pdf-encrypted", "pdf-image", "huge"]
)
def test_bad_file_one_line_error_db_unchanged(kind, db, tmp_path):
    before = _snapshot(db)
    path, reason = _make(kind, tmp_path)
    res = CliRunner().invoke(app, ["ingest", str(path), "--db", db])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    err = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(err) == 1 and err[0].startswith(str(path)), res.stderr
    if reason:
        assert reason in err[0]
    assert _snapshot(db) == before


def test_good_file_gives_clauses_with_facts(db):
    docs, pol = _snapshot(db)
    assert [d["title"] for d in docs] == ["某某旗支持小微企业发展若干措施"]
    assert [c["responsible_units"] for c in pol] == [["旗人社局", "旗财政局"], ["旗科技局"]]
    assert pol[0]["amounts"][0]["value_yuan"] == 2000.0
    assert pol[1]["amounts"][0]["value_yuan"] == 300000.0
    assert pol[1]["source"] == {"file": "good.txt", "start_line": 6, "end_line": 6}
