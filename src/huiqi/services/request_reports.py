"""诉求 views, queues, the 诉求办理台账 export and the 定期通报 statistics.

Every function takes the caller's :class:`~huiqi.kb.accounts.Principal`
and returns only requests that principal may see
(:func:`huiqi.services.requests.sees`). Shapes are plain dicts documented
per function (the JSON of the API, the context of the pages).
"""

from __future__ import annotations

import statistics
from datetime import date, datetime
from io import BytesIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.kb import requests as m
from huiqi.kb.accounts import ROLE_ENTERPRISE, Principal, region_name
from huiqi.services import requests as svc


def _iso(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds") + "Z"
    return v.isoformat()


def clock_dict(c: m.RequestClock, today: date) -> dict:
    """``{id, kind, label, n, days, unit, start, due, met, breached,
    cancelled, on_time, overdue, provisional}``: ``due`` the local due
    date; ``met``/``breached`` ISO UTC or ``None``; ``on_time`` whether it
    was met by the end of the due day (``None`` while open); ``overdue``
    open and past due today."""
    on_time = None if c.met_at is None else svc.local_date(c.met_at) <= c.due_date
    return {"id": c.id, "kind": c.kind, "label": m.CLOCK_LABELS.get(c.kind, c.kind), "n": c.n, "days": c.days,
            "unit": c.unit, "start": _iso(c.start_date), "due": _iso(c.due_date), "met": _iso(c.met_at),
            "breached": _iso(c.breached_at), "cancelled": _iso(c.cancelled_at), "on_time": on_time,
            "met_local": beijing_time(c.met_at),
            "overdue": c.met_at is None and c.cancelled_at is None and today > c.due_date,
            "provisional": bool(c.provisional)}


def beijing_time(utc: datetime | None) -> str:
    """``YYYY-MM-DD HH:MM`` in Beijing time of a naive UTC datetime ('' for ``None``)."""
    if utc is None:
        return ""
    from datetime import timezone

    return utc.replace(tzinfo=timezone.utc).astimezone(svc.BEIJING).strftime("%Y-%m-%d %H:%M")


def event_dict(e: m.RequestEvent) -> dict:
    """``{seq, at, at_local, kind, label, from_status, to_status, actor,
    unit, payload}`` (``at`` ISO UTC, ``at_local`` Beijing time)."""
    return {"seq": e.seq, "at": _iso(e.at), "at_local": beijing_time(e.at), "kind": e.kind, "label": svc.ACTION_LABELS.get(e.kind, e.kind),
            "from_status": e.from_status, "to_status": e.to_status, "actor": e.actor_name, "unit": e.actor_unit,
            "payload": e.payload or {}}


def summary(req: m.Request) -> dict:
    """``{id, no, title, status, status_label, class, region, region_name,
    firm_code, firm_name, unit, submitted_at, version}``."""
    return {"id": req.id, "no": req.no, "title": req.title, "status": req.status,
            "status_label": m.STATUS_LABELS.get(req.status, req.status), "class": req.request_class,
            "region": req.region, "region_name": region_name(req.region) if req.region else "",
            "firm_code": req.firm_code, "firm_name": req.firm_name, "unit": req.unit,
            "submitted_at": _iso(req.submitted_at), "version": req.version}


def request_view(session: Session, p: Principal, req: m.Request, today: date | None = None) -> dict:
    """The full view of one request for ``p``: :func:`summary` plus
    ``content, category, channel, contact, clause_ids, query_code,
    external_channel, declared_due, return_count, reopen_count,
    events[] (a firm sees only the events meant for it), deadlines[]
    (:func:`clock_dict`; not for firms' internal clocks), actions[]`` (what
    ``p`` may do now)."""
    today = today or svc.local_date(svc.now_utc())
    firm = p.role == ROLE_ENTERPRISE
    events = session.scalars(select(m.RequestEvent).where(m.RequestEvent.request_id == req.id)
                             .order_by(m.RequestEvent.seq))
    clocks = session.scalars(select(m.RequestClock).where(m.RequestClock.request_id == req.id)
                             .order_by(m.RequestClock.id))
    out = summary(req)
    out.update({
        "content": req.content, "category": req.category, "channel": req.channel,
        "contact": {"name": req.contact_name, "phone": req.contact_phone}, "clause_ids": req.clause_ids or [],
        "query_code": req.query_code, "external_channel": req.external_channel,
        "declared_due": _iso(req.declared_due), "return_count": req.return_count, "reopen_count": req.reopen_count,
        "events": [event_dict(e) for e in events if not firm or e.visible_to_firm],
        "deadlines": [clock_dict(c, today) for c in clocks
                      if not firm or c.kind in (m.CLOCK_REPLY, m.CLOCK_INTERIM, m.CLOCK_FINAL, m.CLOCK_REOPEN)],
        "actions": svc.allowed_actions(session, p, req),
        "attachments": [{"id": a.id, "file_name": a.file_name, "size": a.size, "uploaded_by": a.uploaded_by,
                         "uploaded_at": _iso(a.uploaded_at)}
                        for a in session.scalars(select(m.RequestAttachment).where(
                            m.RequestAttachment.request_id == req.id).order_by(m.RequestAttachment.id))],
        "can_attach": req.status in m.OPEN_STATES,
    })
    return out


def visible_requests(session: Session, p: Principal, status: str | None = None) -> list[m.Request]:
    """Requests ``p`` may see (newest first), optionally of one status."""
    stmt = select(m.Request)
    if p.role == ROLE_ENTERPRISE:
        stmt = stmt.where(m.Request.firm_code == (p.firm_code or "-"))
    if status:
        stmt = stmt.where(m.Request.status == status)
    return [r for r in session.scalars(stmt.order_by(m.Request.id.desc())) if svc.sees(p, r)]


def _open_clocks_by_request(session: Session, ids: list[int]) -> dict[int, list[m.RequestClock]]:
    out: dict[int, list[m.RequestClock]] = {}
    if not ids:
        return out
    for c in session.scalars(select(m.RequestClock).where(
            m.RequestClock.request_id.in_(ids), m.RequestClock.met_at.is_(None),
            m.RequestClock.cancelled_at.is_(None))):
        out.setdefault(c.request_id, []).append(c)
    return out


def list_requests(session: Session, p: Principal, status: str | None = None, overdue: bool | None = None,
                  today: date | None = None) -> list[dict]:
    """:func:`summary` rows plus ``next_due`` (earliest open due date),
    ``overdue`` and ``provisional``; filtered by ``status`` and ``overdue``."""
    today = today or svc.local_date(svc.now_utc())
    reqs = visible_requests(session, p, status)
    clocks = _open_clocks_by_request(session, [r.id for r in reqs])
    rows = []
    for r in reqs:
        cs = [c for c in clocks.get(r.id, []) if p.role != ROLE_ENTERPRISE or c.kind != m.CLOCK_TRIAGE]
        row = summary(r)
        row["next_due"] = _iso(min((c.due_date for c in cs), default=None))
        row["overdue"] = any(today > c.due_date for c in cs)
        row["provisional"] = any(c.provisional for c in cs)
        if overdue is None or row["overdue"] == overdue:
            rows.append(row)
    return rows


QUEUE_LABELS = {"route": "待分办", "sign": "待签收", "handle": "办理中", "due_soon": "即将到期",
                "overdue": "已超期", "revisit": "待回访"}


def queues(session: Session, p: Principal, today: date | None = None) -> dict[str, list[dict]]:
    """The officer's work queues (:data:`QUEUE_LABELS`): to route (in
    scope), to sign and in progress (own unit), due within one working day,
    overdue, and to 回访 (盟-level officers)."""
    today = today or svc.local_date(svc.now_utc())
    cal = svc.load_calendar(session)
    soon = cal.add_workdays(today, 1).date
    reqs = visible_requests(session, p)
    clocks = _open_clocks_by_request(session, [r.id for r in reqs])
    out: dict[str, list[dict]] = {k: [] for k in QUEUE_LABELS}
    for r in reqs:
        row = summary(r)
        cs = clocks.get(r.id, [])
        row["next_due"] = _iso(min((c.due_date for c in cs), default=None))
        row["provisional"] = any(c.provisional for c in cs)
        acts = svc.allowed_actions(session, p, r)
        if "route" in acts:
            out["route"].append(row)
        if "sign" in acts:
            out["sign"].append(row)
        if r.status == m.IN_PROGRESS and "reply" in acts:
            out["handle"].append(row)
        if "revisit" in acts:
            out["revisit"].append(row)
        if any(today > c.due_date for c in cs):
            out["overdue"].append(row)
        elif any(c.due_date <= soon for c in cs):
            out["due_soon"].append(row)
    return out


def public_status(session: Session, query_code: str, phone4: str) -> dict | None:
    """The public 进度查询 answer for a 进度查询码 plus the last 4 digits of
    the contact phone: ``{no, title, status_label, events[{at, label}]}``
    (no names, no content); ``None`` when the pair does not match."""
    code = (query_code or "").strip().upper()
    if not code or len(phone4 or "") != 4 or not phone4.isdigit():
        return None
    req = session.scalar(select(m.Request).where(m.Request.query_code == code))
    if req is None or not (req.contact_phone or "").endswith(phone4):
        return None
    events = session.scalars(select(m.RequestEvent).where(m.RequestEvent.request_id == req.id,
                                                          m.RequestEvent.visible_to_firm.is_(True))
                             .order_by(m.RequestEvent.seq))
    return {"no": req.no, "title": req.title, "status_label": m.STATUS_LABELS.get(req.status, req.status),
            "events": [{"at": _iso(e.at), "at_local": beijing_time(e.at), "label": svc.ACTION_LABELS.get(e.kind, e.kind)} for e in events]}


# ---------------------------------------------------------------- 台账

LEDGER_HEADERS = ["编号", "标题", "提交时间", "企业", "统一社会信用代码", "渠道", "类别", "地区", "分类", "承办单位",
                  "状态", "分办时限", "分办完成", "反馈时限", "反馈完成", "是否按时", "日历待确认", "退回次数",
                  "重新办理次数", "办理结果", "企业意见", "回访结果", "督办等级"]
EVENT_HEADERS = ["编号", "序号", "时间（UTC）", "环节", "原状态", "新状态", "操作人", "单位", "内容"]


def ledger_rows(session: Session, p: Principal, today: date | None = None) -> tuple[list[list], list[list]]:
    """``(request rows, event rows)`` of the 诉求办理台账 (headers
    :data:`LEDGER_HEADERS` and :data:`EVENT_HEADERS`), oldest request first."""
    today = today or svc.local_date(svc.now_utc())
    reqs = list(reversed(visible_requests(session, p)))
    rows, events = [], []
    for r in reqs:
        cs = list(session.scalars(select(m.RequestClock).where(m.RequestClock.request_id == r.id)
                                  .order_by(m.RequestClock.id)))
        evs = list(session.scalars(select(m.RequestEvent).where(m.RequestEvent.request_id == r.id)
                                   .order_by(m.RequestEvent.seq)))
        esc = list(session.scalars(select(m.RequestEscalation.rung).where(m.RequestEscalation.request_id == r.id)))
        triage = next((c for c in cs if c.kind == m.CLOCK_TRIAGE), None)
        reply = [c for c in cs if c.kind in (m.CLOCK_REPLY, m.CLOCK_REOPEN, m.CLOCK_INTERIM, m.CLOCK_FINAL)]
        last = reply[-1] if reply else None
        last_reply = next((e for e in reversed(evs) if e.kind == "reply"), None)
        opinion = next((e for e in reversed(evs) if e.kind == "opinion"), None)
        revisit = next((e for e in reversed(evs) if e.kind == "revisit"), None)
        top = max((m.RUNGS.index(x) for x in esc), default=None)
        rows.append([
            r.no, r.title, _iso(r.submitted_at), r.firm_name or "", r.firm_code, r.channel, r.category or "",
            region_name(r.region) if r.region else "", r.request_class or "", r.unit or r.external_channel or "",
            m.STATUS_LABELS.get(r.status, r.status), _iso(triage.due_date) if triage else "",
            _iso(triage.met_at) if triage and triage.met_at else "", _iso(last.due_date) if last else "",
            _iso(last.met_at) if last and last.met_at else "",
            "" if last is None or last.met_at is None else ("是" if svc.local_date(last.met_at) <= last.due_date else "否"),
            "是" if any(c.provisional for c in cs) else "", r.return_count, r.reopen_count,
            (last_reply.payload or {}).get("outcome", "") if last_reply else "",
            (("满意" if opinion.payload.get("satisfied") else "不满意") + f" {opinion.payload.get('level')}/5")
            if opinion else "",
            f"{revisit.payload.get('resolved')} {revisit.payload.get('level')}/5" if revisit else "",
            m.RUNGS[top] if top is not None else ""])
        for e in evs:
            body = "；".join(f"{k}: {v}" for k, v in (e.payload or {}).items() if v not in (None, ""))
            events.append([r.no, e.seq, _iso(e.at), svc.ACTION_LABELS.get(e.kind, e.kind),
                           m.STATUS_LABELS.get(e.from_status or "", e.from_status or ""),
                           m.STATUS_LABELS.get(e.to_status or "", e.to_status or ""), e.actor_name,
                           e.actor_unit or "", body])
    return rows, events


def ledger_xlsx(session: Session, p: Principal) -> bytes:
    """The 台账 as an xlsx workbook: sheet 诉求台账 (one row per request)
    and sheet 办理过程 (one row per event: the whole trail)."""
    from openpyxl import Workbook

    from huiqi.safecell import safe_row  # titles, contents and replies are typed by firms and officers

    rows, events = ledger_rows(session, p)
    wb = Workbook()
    ws = wb.active
    ws.title = "诉求台账"
    ws.append(LEDGER_HEADERS)
    for r in rows:
        ws.append(safe_row(r))
    ev = wb.create_sheet("办理过程")
    ev.append(EVENT_HEADERS)
    for e in events:
        ev.append(safe_row(e))
    for sheet in (ws, ev):
        sheet.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- 定期通报

def periodic_report(session: Session, p: Principal, start: date, end: date, today: date | None = None) -> dict:
    """The 定期通报 (003:3852) for requests submitted in ``[start, end]``
    (Beijing days), per 旗区 (``by_region``) and per 承办 unit
    (``by_unit``). Each row: ``received``, ``routed_in_1wd`` (share of
    triage clocks met on time), ``on_time`` ``{class: share}`` of reply
    clocks decided (met or breached), ``overdue`` (open clocks past due),
    ``median_wd`` (median working days from transfer to first reply),
    ``reopen_rate``, ``resolved_rate`` (回访 已解决 share) and
    ``satisfaction`` (mean 1–5 of the firms' opinions and of the 回访,
    separately). ``candidates``: units and regions with a 通报 rung."""
    today = today or svc.local_date(svc.now_utc())
    cal = svc.load_calendar(session)
    reqs = [r for r in visible_requests(session, p) if start <= svc.local_date(r.submitted_at) <= end]
    groups: dict[tuple[str, str], list[m.Request]] = {}
    for r in reqs:
        groups.setdefault(("region", region_name(r.region) if r.region else "未知"), []).append(r)
        if r.unit:
            groups.setdefault(("unit", r.unit), []).append(r)

    def stats(rs: list[m.Request]) -> dict:
        ids = [r.id for r in rs]
        cs = list(session.scalars(select(m.RequestClock).where(m.RequestClock.request_id.in_(ids)))) if ids else []
        evs = list(session.scalars(select(m.RequestEvent).where(m.RequestEvent.request_id.in_(ids)))) if ids else []
        cls_of = {r.id: r.request_class for r in rs}
        triage = [c for c in cs if c.kind == m.CLOCK_TRIAGE and c.n == 1]
        routed_ok = sum(1 for c in triage if c.met_at and svc.local_date(c.met_at) <= c.due_date)
        on_time: dict[str, list[int]] = {}
        for c in cs:
            if c.kind in (m.CLOCK_REPLY, m.CLOCK_INTERIM) and (c.met_at or c.breached_at):
                ok = bool(c.met_at and svc.local_date(c.met_at) <= c.due_date)
                on_time.setdefault(cls_of.get(c.request_id) or "未分类", []).append(ok)
        overdue = sum(1 for c in cs if c.met_at is None and c.cancelled_at is None and today > c.due_date)
        days = []
        for r in rs:
            first = min((e.at for e in evs if e.request_id == r.id and e.kind == "reply"), default=None)
            if first and r.routed_at:
                days.append(cal.workdays_between(svc.local_date(r.routed_at), svc.local_date(first)))
        replied = [r for r in rs if r.replied_at]
        opinions = [e.payload.get("level") for e in evs if e.kind == "opinion"]
        revisits = [e.payload for e in evs if e.kind == "revisit"]

        def share(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None
        return {
            "received": len(rs), "routed_in_1wd": share(routed_ok, len(triage)),
            "on_time": {k: share(sum(v), len(v)) for k, v in sorted(on_time.items())},
            "overdue": overdue, "median_wd": statistics.median(days) if days else None,
            "reopen_rate": share(sum(1 for r in replied if r.reopen_count), len(replied)),
            "resolved_rate": share(sum(1 for v in revisits if v.get("resolved") == "已解决"), len(revisits)),
            "satisfaction": {"opinion": round(statistics.mean(opinions), 2) if opinions else None,
                             "revisit": round(statistics.mean(v.get("level") for v in revisits), 2)
                             if revisits else None},
        }
    by_region = [{"name": name, **stats(rs)} for (kind, name), rs in sorted(groups.items()) if kind == "region"]
    by_unit = [{"name": name, **stats(rs)} for (kind, name), rs in sorted(groups.items()) if kind == "unit"]
    ids = [r.id for r in reqs]
    cands = []
    if ids:
        for e in session.scalars(select(m.RequestEscalation).where(m.RequestEscalation.request_id.in_(ids),
                                                                   m.RequestEscalation.rung == m.RUNG_NOTICE)):
            r = session.get(m.Request, e.request_id)
            cands.append({"no": r.no, "unit": e.unit or "民营经济发展服务部门",
                          "region": region_name(r.region) if r.region else "", "overdue_days": e.overdue_days})
    return {"start": start.isoformat(), "end": end.isoformat(), "total": {"name": "全部", **stats(reqs)},
            "by_region": by_region,
            "by_unit": by_unit, "candidates": cands}


def inbox(session: Session, p: Principal, limit: int = 100) -> list[dict]:
    """The caller's notifications, newest first: a firm's (its 统一社会信用代码),
    an officer's unit's, and those of the regions in the officer's scope.
    ``[{id, request_id, kind, text, created_at, read}]``."""
    from sqlalchemy import and_, or_

    from huiqi.kb.accounts import in_scope

    conds = []
    if p.role == ROLE_ENTERPRISE:
        conds.append(and_(m.Notification.recipient_kind == "firm", m.Notification.recipient == (p.firm_code or "-")))
    else:
        if p.unit:
            conds.append(and_(m.Notification.recipient_kind == "unit", m.Notification.recipient == p.unit))
        conds.append(m.Notification.recipient_kind == "region")
    rows = session.scalars(select(m.Notification).where(or_(*conds)).order_by(m.Notification.id.desc()).limit(limit * 5))
    out = []
    for n in rows:
        if n.recipient_kind == "region" and not (p.role == "admin" or in_scope(p.region, n.recipient)):
            continue
        out.append({"id": n.id, "request_id": n.request_id, "kind": n.kind, "text": n.text,
                    "created_at": _iso(n.created_at), "read": n.read_at is not None})
        if len(out) >= limit:
            break
    return out
