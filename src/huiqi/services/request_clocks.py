"""诉求 clocks over time (时限巡检): the tick's escalation ladder and the
working-day calendar overrides with the recompute of open clocks.

:func:`tick` is ``huiqi tick``: it marks breached clocks and issues 提醒 →
催办 → 督办 → 通报 exactly once per clock and rung (unique ``(clock_id,
rung)``), writing events and inbox notifications; the firm's opinion clock
instead moves the request to 回访. :func:`set_overrides` /
:func:`delete_override` change the calendar and recompute the open clocks
(events ``clock_recomputed``). The thresholds are in
:mod:`huiqi.services.requests` (the seeds fix only the top rung, 003:3854).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huiqi.kb import requests as m
from huiqi.reference.workdays import WorkCalendar
from huiqi.services.requests import (
    NOTICE_AFTER,
    OPINION_DAYS,
    RETURNS_FOR_SUPERVISE,
    REVISIT_DAYS,
    SUPERVISE_AFTER,
    _event,
    _notify,
    _open_clock,
    end_of_day_utc,
    load_calendar,
    local_date,
    now_utc,
    run_tx,
)


@dataclass
class TickReport:
    """What one :func:`tick` did: ``breached`` clocks marked, ``issued``
    rungs ``[(request no, clock kind, rung)]``, ``timeouts`` requests moved
    to 回访 without an opinion, ``now`` (UTC) and ``today`` (Beijing)."""

    now: datetime
    today: date
    breached: int = 0
    issued: list[tuple[str, str, str]] = field(default_factory=list)
    timeouts: int = 0


def _rungs_due(cal: WorkCalendar, kind: str, days: int | None, due: date, return_count: int, reopen_count: int,
               today: date) -> list[tuple[str, int]]:
    """The rungs due today on a clock (``[(rung, working days overdue)]``)."""
    remind_on = due if (days or 0) <= 1 else cal.previous_workday(due)
    out = []
    if remind_on <= today <= due:
        out.append((m.RUNG_REMIND, 0))
    if today > due:
        over = cal.workdays_between(due, today)
        out.append((m.RUNG_URGE, over))
        if over >= SUPERVISE_AFTER:
            out.append((m.RUNG_SUPERVISE, over))
        if over >= NOTICE_AFTER:
            out.append((m.RUNG_NOTICE, over))
    if (kind == m.CLOCK_TRIAGE and (return_count or 0) >= RETURNS_FOR_SUPERVISE) or (
            kind == m.CLOCK_REOPEN and (reopen_count or 0) >= 2):
        if all(r != m.RUNG_SUPERVISE for r, _ in out):
            out.append((m.RUNG_SUPERVISE, 0))  # 推诿扯皮 risk: returned / dissatisfied twice
    return out


_RUNG_TEXT = {m.RUNG_REMIND: "即将到期，请及时办理", m.RUNG_URGE: "已超期，请立即办理（催办）",
              m.RUNG_SUPERVISE: "超期或多次退回，列入督办", m.RUNG_NOTICE: "严重超期，列入全盟通报候选"}


def tick(engine, at: datetime | None = None) -> TickReport:
    """One pass of the clock job (``huiqi tick``): for every open clock,
    mark the breach (``breached_at`` = end of the due day) and issue the
    rungs that are due — 提醒 from the working day before the due day (on
    the due day for 1-wd clocks), 催办 once overdue, 督办 at
    :data:`SUPERVISE_AFTER` working days overdue or after two returns, 通报
    candidate at :data:`NOTICE_AFTER` — each at most once per clock (unique
    ``(clock_id, rung)``; a concurrent tick's insert makes this one skip).
    The firm's opinion clock instead moves the request to 回访
    (``opinion_timeout``). Every clock is handled in its own short
    transaction (:func:`run_tx`, retried on a write conflict or a unique
    violation), so two ticks at once neither duplicate nor block each other
    for long."""
    at = at or now_utc()
    today = local_date(at)
    report = TickReport(at, today)
    cal, ids = run_tx(engine, lambda s: _pending(s, today))
    for cid in ids:
        part = run_tx(engine, lambda s, cid=cid: _tick_clock(s, cid, at, today, TickReport(at, today), cal),
                      retry_integrity=True)
        report.breached += part.breached
        report.timeouts += part.timeouts
        report.issued.extend(part.issued)
    return report


def _pending(session: Session, today: date) -> tuple[WorkCalendar, list[int]]:
    """The calendar and the ids of the open clocks with work due today (a
    breach to mark, a rung not yet issued, an opinion timeout), found in
    one read so that a pass with nothing to do writes nothing."""
    cal = load_calendar(session)
    rows = session.execute(
        select(m.RequestClock.id, m.RequestClock.kind, m.RequestClock.days, m.RequestClock.due_date,
               m.RequestClock.breached_at, m.Request.status, m.Request.return_count, m.Request.reopen_count)
        .join(m.Request, m.Request.id == m.RequestClock.request_id)
        .where(m.RequestClock.met_at.is_(None), m.RequestClock.cancelled_at.is_(None))
        .order_by(m.RequestClock.id)).all()
    issued = set(session.execute(
        select(m.RequestEscalation.clock_id, m.RequestEscalation.rung)
        .join(m.RequestClock, m.RequestClock.id == m.RequestEscalation.clock_id)
        .where(m.RequestClock.met_at.is_(None), m.RequestClock.cancelled_at.is_(None))).all())
    out = []
    for cid, kind, days, due, breached, status, returns, reopens in rows:
        if today > due and breached is None:
            out.append(cid)
        elif kind == m.CLOCK_OPINION:
            if today > due and status == m.REPLIED:
                out.append(cid)
        elif any((cid, r) not in issued for r, _ in _rungs_due(cal, kind, days, due, returns, reopens, today)):
            out.append(cid)
    return cal, out


def _tick_clock(session: Session, clock_id: int, at: datetime, today: date, report: TickReport,
                cal: WorkCalendar) -> TickReport:
    c = session.get(m.RequestClock, clock_id)
    if c is None or c.met_at is not None or c.cancelled_at is not None:
        return report
    # lock the request row first (PostgreSQL): event numbers are taken under it, as in act()
    req = session.get(m.Request, c.request_id, with_for_update=True)
    session.refresh(c)
    if c.met_at is not None or c.cancelled_at is not None:
        return report
    if today > c.due_date and c.breached_at is None:
        res = session.execute(update(m.RequestClock).where(m.RequestClock.id == c.id,
                                                           m.RequestClock.breached_at.is_(None))
                              .values(breached_at=end_of_day_utc(c.due_date)))
        report.breached += res.rowcount
        session.refresh(c)
    if c.kind == m.CLOCK_OPINION:
        if today > c.due_date and req.status == m.REPLIED:
            res = session.execute(update(m.Request).where(m.Request.id == req.id, m.Request.status == m.REPLIED,
                                                          m.Request.version == req.version)
                                  .values(status=m.REVISIT, version=req.version + 1, updated_at=at))
            if res.rowcount == 1:
                c.cancelled_at = at
                session.refresh(req)
                _event(session, req, "opinion_timeout", None, at, m.REPLIED, m.REVISIT,
                       {"note": f"企业 {OPINION_DAYS} 个工作日内未反馈意见，转入回访"})
                _open_clock(session, cal, req, m.CLOCK_REVISIT, at, REVISIT_DAYS, None)
                report.timeouts += 1
        return report
    done = set(session.scalars(select(m.RequestEscalation.rung).where(m.RequestEscalation.clock_id == c.id)))
    for rung, over in _rungs_due(cal, c.kind, c.days, c.due_date, req.return_count, req.reopen_count, today):
        if rung in done:
            continue  # already issued by an earlier tick
        # a concurrent tick inserting the same rung makes this flush fail (unique (clock_id, rung)):
        # the whole clock transaction is rolled back and retried, and then finds it done
        session.add(m.RequestEscalation(clock_id=c.id, request_id=req.id, rung=rung, unit=c.unit,
                                        overdue_days=over, issued_at=at))
        session.flush()
        label = m.CLOCK_LABELS.get(c.kind, c.kind)
        text = f"【{rung}】诉求 {req.no}「{req.title}」{label}时限 {c.due_date.isoformat()}：{_RUNG_TEXT[rung]}"
        if c.unit:
            _notify(session, req, rung, "unit", c.unit, text, at)
        _notify(session, req, rung, "region", req.region, text, at)
        _event(session, req, "escalate", None, at, req.status, req.status,
               {"rung": rung, "clock": c.kind, "clock_label": label, "clock_n": c.n, "due": c.due_date, "overdue_days": over,
                "unit": c.unit})
        report.issued.append((req.no or str(req.id), c.kind, rung))
    return report


# ---------------------------------------------------------------- calendar overrides

def set_overrides(session: Session, rows: dict[date, bool], user: str, source_doc: str | None = None,
                  notes: dict[date, str] | None = None, at: datetime | None = None) -> int:
    """Insert or replace override days ``{date: is_workday}`` and recompute
    the open clocks; returns the number of clocks whose due date changed."""
    at = at or now_utc()
    for d, work in rows.items():
        row = session.get(m.CalendarOverride, d)
        if row is None:
            row = m.CalendarOverride(day=d)
            session.add(row)
        row.is_workday, row.note, row.source_doc = bool(work), (notes or {}).get(d), source_doc
        row.updated_by, row.updated_at = user, at
    session.flush()
    return recompute_clocks(session, at)


def delete_override(session: Session, day: date, at: datetime | None = None) -> int:
    """Remove one override day and recompute; returns clocks changed."""
    row = session.get(m.CalendarOverride, day)
    if row is not None:
        session.delete(row)
        session.flush()
    return recompute_clocks(session, at or now_utc())


def recompute_clocks(session: Session, at: datetime) -> int:
    """Recompute the due date of every open, unbreached clock counted in
    working days (a calendar change, e.g. the next year's notice loaded);
    each change writes a ``clock_recomputed`` event. Met and breached
    clocks are never rewritten."""
    cal = load_calendar(session)
    changed = 0
    clocks = session.scalars(select(m.RequestClock).where(
        m.RequestClock.met_at.is_(None), m.RequestClock.cancelled_at.is_(None), m.RequestClock.breached_at.is_(None)))
    for c in list(clocks):
        if c.days is None:
            prov = cal.span_provisional(c.start_date, c.due_date)
            if prov != c.provisional:
                c.provisional = prov
            continue
        r = cal.add_workdays(c.start_date, c.days)
        if r.date != c.due_date or r.provisional != c.provisional:
            before = {"due": c.due_date, "provisional": c.provisional}
            c.due_date, c.provisional = r.date, r.provisional
            req = session.get(m.Request, c.request_id)
            _event(session, req, "clock_recomputed", None, at, req.status, req.status,
                   {"clock": c.kind, "n": c.n, "before": before, "after": {"due": r.date, "provisional": r.provisional}})
            changed += 1
    return changed
