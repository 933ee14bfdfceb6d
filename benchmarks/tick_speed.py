"""诉求 clock job speed (issue 14): how long one ``huiqi tick`` pass takes
over N open requests, on a temporary SQLite knowledge base.

The benchmark submits N requests on 2026-09-30 (Beijing time) through the
service, routes half of them as 一般 (so each has a triage, sign and reply
clock; the other half only the triage clock), then times:

* the first tick on 2026-10-16 (every rung due: 催办, 督办, 通报 on each
  overdue clock; each writes an escalation row, an event and notifications);
* a second tick at the same moment (nothing new: the idempotent pass);
* ``WorkCalendar.add_workdays`` (3 working days from each day of 2026, and a
  provisional span into 2027).

Usage: ``python benchmarks/tick_speed.py [--requests 1000]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    args = ap.parse_args()

    from huiqi.kb.accounts import create_user, principal_of
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.reference.workdays import WorkCalendar
    from huiqi.services import requests as svc
    from huiqi.services.request_clocks import tick

    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{Path(tmp) / 'kb.db'}")
        upgrade(engine)
        with session_scope(engine) as s:
            firm = principal_of(create_user(s, "firm", "bench-password", "enterprise", firm_code="91152921MA0N123456"))
            officer = principal_of(create_user(s, "intake", "bench-password", "officer", unit="服务中心",
                                               region="阿拉善左旗"))
        body = {"title": "测试诉求", "content": "基准测试", "region": "阿拉善左旗",
                "contact": {"name": "王", "phone": "13900001234"}}
        t0 = time.perf_counter()
        at = svc.parse_now("2026-09-30T09:00")
        with session_scope(engine) as s:
            for i in range(args.requests):
                req, _ = svc.submit(s, firm, body, at)
                if i % 2 == 0:
                    svc.act(s, officer, req.id, "route", {"unit": "发改委", "class": "一般"}, at)
        setup = time.perf_counter() - t0
        now = svc.parse_now("2026-10-16T09:00")
        t0 = time.perf_counter()
        first = tick(engine, now)
        t1 = time.perf_counter()
        second = tick(engine, now)
        t2 = time.perf_counter()
        engine.dispose()
    cal = WorkCalendar()
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    t3 = time.perf_counter()
    for d in days:
        cal.add_workdays(d, 3)
    t4 = time.perf_counter()
    cal.add_workdays(date(2026, 12, 30), 10)
    print(f"requests: {args.requests} (half routed); setup {setup:.1f} s")
    print(f"first tick: {t1 - t0:.2f} s, {len(first.issued)} rungs issued, {first.breached} clocks breached")
    print(f"second tick: {t2 - t1:.2f} s, {len(second.issued)} rungs issued")
    print(f"add_workdays(3) over 365 start days: {(t4 - t3) * 1000:.1f} ms (cold cache)")


if __name__ == "__main__":
    main()
