"""``huiqi tick`` and ``huiqi calendar import|show``: the notice file moves a
provisional 2027 deadline; the tick issues each rung once with ``--now``
and ``HUIQI_NOW``; bad input is one line with exit 2."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from huiqi.cli.app import app


def test_calendar_import_and_tick(tmp_path, monkeypatch):
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.kb.requests import RequestClock
    from huiqi.services import requests as svc
    from tests.services.requests_env import HANDLER_UNIT, REQUEST, bj, make_accounts

    db = str(tmp_path / "r.db")
    engine = get_engine(f"sqlite:///{db}")
    upgrade(engine)
    P = make_accounts(engine)
    with session_scope(engine) as s:
        rid = svc.submit(s, P["firm"], REQUEST, bj("2026-12-30T10:00"))[0].id
        svc.act(s, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, bj("2026-12-30T11:00"))
        svc.act(s, P["handler"], rid, "sign", {}, bj("2026-12-30T14:00"))
    runner = CliRunner()
    notice = tmp_path / "2027.txt"
    notice.write_text("# 2027 年部分节假日安排（测试）\n2027-01-01~2027-01-03 休 元旦\n2027-01-04 休\n", encoding="utf-8")
    r = runner.invoke(app, ["calendar", "import", str(notice), "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"days": 4, "holidays": 4, "workdays": 0, "clocks_recomputed": 1, "years": [2027]}
    with session_scope(engine) as s:
        from sqlalchemy import select
        reply = s.scalar(select(RequestClock).where(RequestClock.kind == "reply"))
        assert reply.due_date == date(2027, 1, 6) and not reply.provisional
    r = runner.invoke(app, ["calendar", "show", "2027", "--db", db, "--json"])
    assert {"date": "2027-01-04", "workday": False, "source": "override", "name": None} in json.loads(r.stdout)
    # the tick: 提醒 on 01-05, then 催办 on 01-07 — each once
    r = runner.invoke(app, ["tick", "--now", "2027-01-05T09:00", "--db", db, "--json"])
    assert [i["rung"] for i in json.loads(r.stdout)["issued"]] == ["提醒"]
    monkeypatch.setenv("HUIQI_NOW", "2027-01-07T09:00")
    r = runner.invoke(app, ["tick", "--db", db, "--json"])
    out = json.loads(r.stdout)
    assert out["today"] == "2027-01-07" and out["breached"] == 1
    assert [i["rung"] for i in out["issued"]] == ["催办"]
    r = runner.invoke(app, ["tick", "--db", db, "--json"])
    assert json.loads(r.stdout)["issued"] == []
    # bad input
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-01-01 休\n元旦放假\n", encoding="utf-8")
    r = runner.invoke(app, ["calendar", "import", str(bad), "--db", db])
    assert r.exit_code == 2 and "第 2 行" in r.output
    r = runner.invoke(app, ["tick", "--now", "yesterday", "--db", db])
    assert r.exit_code == 2 and "时间格式无效" in r.output
    engine.dispose()


def test_two_tick_processes_at_once(tmp_path):
    """Two ``huiqi tick`` processes started together on one SQLite file:
    every rung is issued once in total (the two outputs are disjoint)."""
    import os
    import subprocess
    import sys

    from sqlalchemy import func, select

    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.kb.requests import RequestEscalation, RequestEvent
    from huiqi.services import requests as svc
    from tests.services.requests_env import REQUEST, bj, make_accounts

    db = str(tmp_path / "r.db")
    engine = get_engine(f"sqlite:///{db}")
    upgrade(engine)
    P = make_accounts(engine)
    with session_scope(engine) as s:
        for _ in range(6):
            svc.submit(s, P["firm"], REQUEST, bj("2026-06-01T09:00"))
    env = {**os.environ, "HUIQI_NOW": "2026-06-12T09:00"}
    cmd = [sys.executable, "-m", "huiqi", "tick", "--db", db, "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1].decode() for o in outs]
    issued = [(i["no"], i["clock"], i["rung"]) for o in outs for i in json.loads(o[0])["issued"]]
    # each triage clock (due 06-02, 8 wd over on 06-12): 催办, 督办, 通报
    assert len(issued) == len(set(issued)) == 6 * 3
    with session_scope(engine) as s:
        assert s.scalar(select(func.count(RequestEscalation.id))) == 18
        assert s.scalar(select(func.count(RequestEvent.id)).where(RequestEvent.kind == "escalate")) == 18
    engine.dispose()
