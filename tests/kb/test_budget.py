"""Untrusted files are ingested within a time and a memory budget (issue 16)."""

from __future__ import annotations

from sqlalchemy import func, select

from huiqi.kb.budget import Budget, ingest_with_budget
from huiqi.kb.db import session_scope
from huiqi.kb.models import SourceFile


def _count(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(SourceFile))


def test_within_budget_ingests(engine, tmp_path):
    f = tmp_path / "通知.txt"
    f.write_text("关于支持企业发展的通知\n一、对企业给予最高100万元奖励。\n", encoding="utf-8")
    fr = ingest_with_budget(str(engine.url), f, Budget(seconds=120, memory_mb=2048))
    assert (fr.status, fr.version, fr.clauses) == ("added", 1, 1)
    assert _count(engine) == 1


def test_time_budget_stops_the_worker(engine, tmp_path):
    f = tmp_path / "q.txt"
    f.write_text("关于通知\n一、" + "补贴100万元，" * 3000, encoding="utf-8")
    fr = ingest_with_budget(str(engine.url), f, Budget(seconds=0.2, memory_mb=0))
    assert fr.status == "failed" and "处理超时" in fr.error and "HUIQI_INGEST_TIMEOUT" in fr.error
    assert "\n" not in fr.error
    assert _count(engine) == 0


def test_memory_budget_stops_the_worker(engine, tmp_path):
    f = tmp_path / "big.txt"
    line = ("对年营业收入2000万元以上的企业给予最高100万元奖励。" * 40 + "\n").encode("utf-8")
    with f.open("wb") as out:
        out.write("关于通知\n".encode())
        for _ in range(12 * 1024 * 1024 // len(line)):
            out.write(line)
    fr = ingest_with_budget(str(engine.url), f, Budget(seconds=300, memory_mb=130))
    assert fr.status == "failed" and "内存上限" in fr.error and "HUIQI_INGEST_MEMORY_MB" in fr.error
    assert _count(engine) == 0


def test_cli_ingest_budget(tmp_path, monkeypatch):
    """``huiqi ingest --budget``: each file in the worker; a slow one fails
    with the one-line timeout message, the others are imported."""
    from typer.testing import CliRunner

    from huiqi.cli.app import app

    ok = tmp_path / "ok.txt"
    ok.write_text("关于支持企业发展的通知\n一、对企业给予最高100万元奖励。\n", encoding="utf-8")
    monkeypatch.setenv("HUIQI_INGEST_TIMEOUT", "60")
    res = CliRunner().invoke(app, ["ingest", "--budget", str(ok), "--db", str(tmp_path / "c.db"), "--json"])
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("HUIQI_INGEST_TIMEOUT", "0.2")
    slow = tmp_path / "slow.txt"
    slow.write_text("关于通知\n一、" + "补贴100万元，" * 3000, encoding="utf-8")
    res = CliRunner().invoke(app, ["ingest", "--budget", str(slow), "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 1 and "处理超时" in res.output
