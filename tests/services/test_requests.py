"""诉求 workflow: every transition and its guard, the clocks of each class
with the acceptance dates, the provisional 2027 case and its recompute,
the tick ladder over a 调休 weekend (each rung once), concurrent ticks,
concurrent and double-submitted replies, and scope."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from huiqi.kb import requests as m
from huiqi.services import request_clocks as clocks
from huiqi.services import requests as svc
from huiqi.services.request_reports import ledger_rows, periodic_report, public_status, queues, request_view
from tests.services.requests_env import HANDLER_UNIT, REQUEST, bj


def _do(engine, fn):
    return svc.run_tx(engine, fn)


def _submit(engine, p, at, **extra):
    return _do(engine, lambda s: svc.submit(s, p, {**REQUEST, **extra}, at)[0].id)


def _act(engine, p, rid, action, data=None, at=None, **kw):
    return _do(engine, lambda s: svc.act(s, p, rid, action, data or {}, at, **kw))


def _clocks(engine, rid, kind=None):
    def q(s):
        stmt = select(m.RequestClock).where(m.RequestClock.request_id == rid).order_by(m.RequestClock.id)
        if kind:
            stmt = stmt.where(m.RequestClock.kind == kind)
        return list(s.scalars(stmt))
    return _do(engine, q)


def _events(engine, rid, kind=None):
    def q(s):
        stmt = select(m.RequestEvent).where(m.RequestEvent.request_id == rid).order_by(m.RequestEvent.seq)
        if kind:
            stmt = stmt.where(m.RequestEvent.kind == kind)
        return list(s.scalars(stmt))
    return _do(engine, q)


def _status(engine, rid):
    return _do(engine, lambda s: s.get(m.Request, rid).status)


def _error(engine, p, rid, action, data=None, at=None):
    with pytest.raises(svc.RequestError) as exc:
        _act(engine, p, rid, action, data, at)
    return exc.value


def test_full_path_with_reopen(env):
    engine, P = env
    rid = _submit(engine, P["firm"], bj("2026-09-30T09:00"))
    triage = _clocks(engine, rid, m.CLOCK_TRIAGE)[0]
    assert triage.due_date == date(2026, 10, 8) and not triage.provisional   # 1 wd over 国庆
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, bj("2026-09-30T11:00"))
    assert _status(engine, rid) == m.ASSIGNED
    reply = _clocks(engine, rid, m.CLOCK_REPLY)[0]
    assert reply.due_date == date(2026, 10, 10)                               # 3 wd: the 调休 Saturday
    _act(engine, P["handler"], rid, "sign", at=bj("2026-10-08T09:00"))
    _act(engine, P["handler"], rid, "reply", {"content": "已答复", "channel": "书面", "outcome": "解决"},
         bj("2026-10-09T09:00"))
    assert _status(engine, rid) == m.REPLIED
    _act(engine, P["firm"], rid, "opinion", {"satisfied": False, "level": 2, "comment": "没有说明时间"},
         bj("2026-10-09T15:00"))
    assert _status(engine, rid) == m.IN_PROGRESS
    reopen = _clocks(engine, rid, m.CLOCK_REOPEN)[0]
    assert reopen.due_date == date(2026, 10, 13)                              # 10-10 (调休 Sat), 10-12, 10-13
    _act(engine, P["handler2"], rid, "reply", {"content": "预计10月底办结", "channel": "电话", "outcome": "已解释",
                                               "contact_person": "王经理"}, bj("2026-10-12T09:00"))
    _act(engine, P["firm"], rid, "opinion", {"satisfied": True, "level": 5}, bj("2026-10-12T10:00"))
    assert _status(engine, rid) == m.REVISIT
    # 回访: never the handler, never the 旗区 officer; the 盟 does it
    assert _error(engine, P["handler"], rid, "revisit", {"level": 5, "resolved": "已解决", "notes": "x"}).status == 403
    assert _error(engine, P["intake"], rid, "revisit", {"level": 5, "resolved": "已解决", "notes": "x"}).status == 403
    _act(engine, P["league"], rid, "revisit", {"level": 4, "resolved": "已解决", "notes": "企业反映审批材料多"},
         bj("2026-10-13T10:00"))
    assert _status(engine, rid) == m.CLOSED
    kinds = [e.kind for e in _events(engine, rid)]
    assert kinds == ["submit", "route", "sign", "reply", "opinion", "reply", "opinion", "revisit"]
    with engine.connect() as conn:  # the event log is append-only (trigger)
        from sqlalchemy import text
        with pytest.raises(Exception):
            conn.execute(text("UPDATE request_events SET kind='x'"))
    rows, evs = _do(engine, lambda s: ledger_rows(s, P["league"], date(2026, 10, 13)))
    assert rows[0][10] == "已办结" and rows[0][18] == 1 and len(evs) == 8


def test_guards_per_action(env):
    engine, P = env
    at = bj("2026-06-01T09:00")
    rid = _submit(engine, P["firm"], at)
    # routing: only officers in scope
    assert _error(engine, P["firm"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}).status == 403
    assert _error(engine, P["right_banner"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}).status == 404
    assert _error(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "紧急"}).status == 422
    assert _error(engine, P["intake"], rid, "sign").status == 409              # not assigned yet
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "无法办理"}, at)
    # signing and replying: the 承办 unit only (谁办理、谁反馈)
    assert _error(engine, P["other_unit"], rid, "sign").status == 403
    assert _error(engine, P["intake"], rid, "sign").status == 403
    _act(engine, P["handler"], rid, "sign", at=at)
    assert _error(engine, P["other_unit"], rid, "reply", {"content": "x", "outcome": "解决"}).status == 403
    # 无法办理 needs the reason; a phone reply needs the person spoken to
    assert _error(engine, P["handler"], rid, "reply", {"content": "不符合条件", "outcome": "不予支持"}).field == "reason"
    assert _error(engine, P["handler"], rid, "reply", {"content": "不符合条件", "outcome": "不予支持", "reason": "r",
                                                       "channel": "电话"}).field == "contact_person"
    # the firm's opinion: only the firm itself
    assert _error(engine, P["firm"], rid, "opinion", {"satisfied": True, "level": 5}).status == 409
    _act(engine, P["handler"], rid, "reply", {"content": "不符合条件", "outcome": "不予支持", "reason": "非本地注册"}, at)
    assert _error(engine, P["firm2"], rid, "opinion", {"satisfied": True, "level": 5}).status == 404
    assert _error(engine, P["firm"], rid, "opinion", {"satisfied": False, "level": 9}).field == "level"
    assert _error(engine, P["firm"], rid, "withdraw").status == 409            # replied: too late to withdraw
    # withdraw and not_accept and give_back on fresh requests
    r2 = _submit(engine, P["firm"], at)
    assert _error(engine, P["firm2"], r2, "withdraw").status == 404
    _act(engine, P["firm"], r2, "withdraw", at=at)
    assert _status(engine, r2) == m.WITHDRAWN and all(c.cancelled_at for c in _clocks(engine, r2))
    r3 = _submit(engine, P["firm"], at)
    assert _error(engine, P["intake"], r3, "not_accept", {}).field == "reason"
    _act(engine, P["intake"], r3, "not_accept", {"reason": "属于司法程序事项"}, at)
    assert _status(engine, r3) == m.NOT_ACCEPTED
    r4 = _submit(engine, P["firm"], at)
    _act(engine, P["intake"], r4, "route", {"unit": HANDLER_UNIT, "class": "复杂"}, at)
    assert _clocks(engine, r4, m.CLOCK_REPLY)[0].due_date == date(2026, 6, 15)   # 10 wd (端午 06-19 not reached)
    _act(engine, P["handler"], r4, "give_back", {"reason": "不属本单位职责"}, at)
    assert _status(engine, r4) == m.SUBMITTED and len(_clocks(engine, r4, m.CLOCK_TRIAGE)) == 2
    r5 = _submit(engine, P["firm"], at)
    _act(engine, P["intake"], r5, "route", {"unit": "政务服务中心12345", "class": "政务服务渠道"}, at)
    assert _status(engine, r5) == m.ROUTED_EXTERNAL
    # an officer records a phone intake for a firm; the firm then sees it as its own
    r6 = _do(engine, lambda s: svc.submit(s, P["intake"], {**REQUEST, "firm": {"code": "91152921MA0N123456"},
                                                            "channel": "电话"}, at)[0].id)
    assert _do(engine, lambda s: svc.get_request(s, P["firm"], r6).channel) == "电话"
    with pytest.raises(svc.RequestError):
        _do(engine, lambda s: svc.submit(s, P["right_banner"], {**REQUEST, "firm": {"code": "91152921MA0N123456"}}, at))


def test_long_class_interim_every_10_wd(env):
    engine, P = env
    at = bj("2026-03-02T09:00")
    rid = _submit(engine, P["firm"], at)
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "难以短期办理", "deadline": "2026-06-30"}, at)
    interim = _clocks(engine, rid, m.CLOCK_INTERIM)
    assert [c.due_date for c in interim] == [date(2026, 3, 16)]
    assert _clocks(engine, rid, m.CLOCK_FINAL)[0].due_date == date(2026, 6, 30)
    _act(engine, P["handler"], rid, "sign", at=at)
    _act(engine, P["handler"], rid, "interim", {"content": "已报请自治区协调"}, bj("2026-03-13T09:00"))
    interim = _clocks(engine, rid, m.CLOCK_INTERIM)
    assert interim[0].met_at is not None and interim[1].due_date == date(2026, 3, 27)


def test_provisional_2027_and_recompute(env):
    engine, P = env
    rid = _submit(engine, P["firm"], bj("2026-12-30T10:00"))
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, bj("2026-12-30T11:00"))
    reply = _clocks(engine, rid, m.CLOCK_REPLY)[0]
    assert reply.due_date == date(2027, 1, 5) and reply.provisional
    # the 2027 notice is loaded: 01-01..01-03 off, and (hypothetically) 01-04 too
    changed = _do(engine, lambda s: clocks.set_overrides(
        s, {date(2027, 1, 1): False, date(2027, 1, 2): False, date(2027, 1, 3): False, date(2027, 1, 4): False},
        "admin", "国办发明电〔2026〕X号", at=bj("2027-01-02T09:00")))
    assert changed >= 1
    reply = _clocks(engine, rid, m.CLOCK_REPLY)[0]
    assert reply.due_date == date(2027, 1, 6) and not reply.provisional
    assert _events(engine, rid, "clock_recomputed")


def test_tick_ladder_over_tiaoxiu_weekend(env):
    """Reply clock due on the 调休 Saturday 2026-10-10: 提醒 on Friday 10-09,
    催办 on Sunday 10-11, 督办 on 10-13 (2 wd over), 通报 on 10-16 (5 wd) —
    each exactly once over hourly ticks, and a second pass adds nothing."""
    engine, P = env
    rid = _submit(engine, P["firm"], bj("2026-09-30T09:00"))
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, bj("2026-09-30T10:00"))
    _act(engine, P["handler"], rid, "sign", at=bj("2026-09-30T11:00"))
    first: dict[str, date] = {}
    from datetime import timedelta
    t = bj("2026-09-30T12:00")
    while t < bj("2026-10-20T00:00"):
        rep = clocks.tick(engine, t)
        for _no, kind, rung in rep.issued:
            assert kind == m.CLOCK_REPLY
            assert rung not in first, f"{rung} issued twice"
            first[rung] = svc.local_date(t)
        t += timedelta(hours=6)
    assert first == {"提醒": date(2026, 10, 9), "催办": date(2026, 10, 11), "督办": date(2026, 10, 13),
                     "通报": date(2026, 10, 16)}
    assert clocks.tick(engine, bj("2026-10-21T09:00")).issued == []
    reply = _clocks(engine, rid, m.CLOCK_REPLY)[0]
    assert reply.breached_at == bj("2026-10-11T00:00")
    assert len(_events(engine, rid, "escalate")) == 4
    n = _do(engine, lambda s: s.scalar(select(func.count(m.Notification.id)).where(
        m.Notification.recipient == HANDLER_UNIT, m.Notification.kind.in_(m.RUNGS))))
    assert n == 4
    rep = _do(engine, lambda s: periodic_report(s, P["league"], date(2026, 9, 1), date(2026, 10, 31),
                                                date(2026, 10, 21)))
    assert rep["candidates"][0]["unit"] == HANDLER_UNIT and rep["total"]["overdue"] == 1
    assert rep["total"]["routed_in_1wd"] == 1.0


def test_opinion_timeout_moves_to_revisit(env):
    engine, P = env
    rid = _submit(engine, P["firm"], bj("2026-06-01T09:00"))
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, bj("2026-06-01T10:00"))
    _act(engine, P["handler"], rid, "sign", at=bj("2026-06-01T11:00"))
    _act(engine, P["handler"], rid, "reply", {"content": "已办结", "outcome": "解决"}, bj("2026-06-02T09:00"))
    assert clocks.tick(engine, bj("2026-06-05T09:00")).timeouts == 0
    assert clocks.tick(engine, bj("2026-06-06T09:00")).timeouts == 1            # 3 wd after 06-02 = 06-05
    assert _status(engine, rid) == m.REVISIT and clocks.tick(engine, bj("2026-06-07T09:00")).timeouts == 0


def test_returned_twice_is_supervised(env):
    engine, P = env
    at = bj("2026-06-01T09:00")
    rid = _submit(engine, P["firm"], at)
    for _ in range(2):
        _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, at)
        _act(engine, P["handler"], rid, "give_back", {"reason": "不属本单位职责"}, at)
    rep = clocks.tick(engine, at)
    assert (m.CLOCK_TRIAGE, "督办") in [(k, r) for _no, k, r in rep.issued]


def test_concurrent_ticks_issue_once(env):
    engine, P = env
    ids = [_submit(engine, P["firm"], bj("2026-06-01T09:00")) for _ in range(4)]
    start = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(clocks.tick(engine, bj("2026-06-12T09:00")))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    issued = sorted(x for r in results for x in r.issued)
    # each triage clock: 催办, 督办, 通报 (8 wd over) — once each across the three ticks
    assert len(issued) == 4 * 3 and len(set(issued)) == 12
    rows = _do(engine, lambda s: s.scalar(select(func.count(m.RequestEscalation.id))))
    assert rows == 12
    for rid in ids:
        assert [e.seq for e in _events(engine, rid)] == [1, 2, 3, 4]


def test_concurrent_and_double_replies(env):
    engine, P = env
    at = bj("2026-06-01T09:00")
    rid = _submit(engine, P["firm"], at)
    _act(engine, P["intake"], rid, "route", {"unit": HANDLER_UNIT, "class": "一般"}, at)
    _act(engine, P["handler"], rid, "sign", at=at)
    body = {"content": "已答复", "outcome": "解决"}
    # the same form submitted twice (same token): one event, both calls succeed
    out = [_act(engine, P["handler"], rid, "reply", body, at, dedupe_key="form-1")[1] for _ in range(2)]
    assert out == [True, False] and len(_events(engine, rid, "reply")) == 1
    # two handlers reply at the same moment: one wins, the other gets 409
    r2 = _submit(engine, P["firm"], at)
    _act(engine, P["intake"], r2, "route", {"unit": HANDLER_UNIT, "class": "一般"}, at)
    _act(engine, P["handler"], r2, "sign", at=at)
    start = threading.Barrier(2)
    outcomes = []

    def reply(p, key):
        start.wait()
        try:
            _act(engine, p, r2, "reply", body, at, dedupe_key=key)
            outcomes.append("ok")
        except svc.RequestError as exc:
            outcomes.append(exc.status)
    ts = [threading.Thread(target=reply, args=(P["handler"], "a")), threading.Thread(target=reply, args=(P["handler2"], "b"))]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    assert sorted(map(str, outcomes)) == ["409", "ok"]
    assert len(_events(engine, r2, "reply")) == 1
    # a stale version is refused
    with pytest.raises(svc.RequestError) as exc:
        _act(engine, P["firm"], r2, "opinion", {"satisfied": True, "level": 5}, at, expected_version=1)
    assert exc.value.status == 409


def test_scope_and_views(env):
    engine, P = env
    at = bj("2026-06-01T09:00")
    rid = _submit(engine, P["firm"], at)
    with pytest.raises(svc.RequestError) as exc:
        _do(engine, lambda s: svc.get_request(s, P["right_banner"], rid))
    assert exc.value.status == 404
    with pytest.raises(svc.RequestError):
        _do(engine, lambda s: svc.get_request(s, P["firm2"], rid))
    q = _do(engine, lambda s: queues(s, P["intake"], date(2026, 6, 1)))
    assert [r["id"] for r in q["route"]] == [rid] and q["due_soon"]
    assert _do(engine, lambda s: queues(s, P["right_banner"], date(2026, 6, 1)))["route"] == []
    v = _do(engine, lambda s: request_view(s, P["firm"], svc.get_request(s, P["firm"], rid), date(2026, 6, 1)))
    assert v["actions"] == ["withdraw"] and v["deadlines"] == []          # the internal triage clock is hidden
    code, phone = v["query_code"], "1234"
    assert _do(engine, lambda s: public_status(s, code, phone))["status_label"] == "待分办"
    assert _do(engine, lambda s: public_status(s, code, "9999")) is None


def test_double_submit_creates_one_request(env):
    engine, P = env
    at = bj("2026-06-01T09:00")
    start = threading.Barrier(2)
    out, errors = [], []

    def go():
        start.wait()
        try:
            out.append(_do(engine, lambda s: (lambda r: (r[0].id, r[1]))(svc.submit(s, P["firm"], REQUEST, at,
                                                                                      dedupe_key="form-x"))))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    ts = [threading.Thread(target=go) for _ in range(2)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    assert not errors, errors
    assert len({rid for rid, _ in out}) == 1 and sorted(created for _, created in out) == [False, True]
    assert _do(engine, lambda s: s.scalar(select(func.count(m.Request.id)))) == 1
    # linked clauses must exist
    with pytest.raises(svc.RequestError) as exc:
        _do(engine, lambda s: svc.submit(s, P["firm"], {**REQUEST, "clause_ids": [999999]}, at))
    assert exc.value.field == "clause_ids" and "999999" in exc.value.message
