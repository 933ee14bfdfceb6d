"""诉求 (firms' requests) workflow: intake, routing (分办转办), handling,
feedback, 重新办理, 回访, clocks and the tick's escalation ladder.

Source: the 阿拉善盟 民营企业诉求受理帮办代办 mechanism (seed 003, lines
3826–3868); design notes in ``officer-side-requirements.md`` §5.2–5.3.

* **States** (:data:`huiqi.kb.requests.STATUS_LABELS`) and **transitions**
  are the plain table :data:`TRANSITIONS` ``{action: (from states, to
  state)}``; :func:`act` checks the table, then the action's guard (who may
  do it), then writes the new state with a compare-and-set on
  ``requests.version`` (optimistic lock) and appends one event in the same
  transaction. A form's ``dedupe_key`` makes a double submit yield one
  event (the second answers with the request as it is).
* **Clocks are rows** (:class:`huiqi.kb.requests.RequestClock`): triage 1
  wd from receipt (003:3834); reply 3 wd (一般, 无法办理) or 10 wd (复杂)
  from the transfer (003:3844); interim every 10 wd (难以短期办理); sign 1
  wd, reopen reply 3 wd, opinion 3 wd and revisit 5 wd are configurable
  defaults (the seeds set none). The day of receipt is not counted.
* The tick (:func:`huiqi.services.request_clocks.tick`) marks breaches
  and issues the ladder 提醒 → 催办 → 督办 → 通报 exactly once per clock
  and rung (a unique constraint; two ticks at once are safe), writing
  notifications to the inbox table.
* Roles (:mod:`huiqi.kb.accounts`): a firm's ``enterprise`` account submits
  and sees only its own requests; officers (``request.handle``) act within
  their region scope; signing, interim reports and replies belong to the
  承办 unit ("谁办理、谁反馈", the user's ``unit`` equals the request's);
  回访 belongs to a 盟-level (or higher) officer of another unit than the
  handler's who took no part in handling (003:3850).
* "Now" is ``$HUIQI_NOW`` (ISO datetime; without an offset it is Beijing
  time) or the clock; working days are counted in Beijing time.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from huiqi.kb import requests as m
from huiqi.kb.accounts import PERM_REQUEST_HANDLE, ROLE_ADMIN, ROLE_ENTERPRISE, Principal, in_scope, top_region
from huiqi.reference.workdays import WorkCalendar

BEIJING = timezone(timedelta(hours=8))
#: limits in working days: reply clock per class (003:3844)
REPLY_DAYS = {m.CLASS_GENERAL: 3, m.CLASS_COMPLEX: 10, m.CLASS_REFUSE: 3}
TRIAGE_DAYS = 1        # 003:3834
INTERIM_DAYS = 10      # 003:3844
SIGN_DAYS = 1          # default (12345 签收 practice)
REOPEN_DAYS = 3        # default
OPINION_DAYS = 3       # default: after that the case goes to 回访 without the firm's opinion
REVISIT_DAYS = 5       # default
SUPERVISE_AFTER = 2    # working days overdue → 督办
NOTICE_AFTER = 5       # working days overdue → 通报 candidate
RETURNS_FOR_SUPERVISE = 2

REPLY_CHANNELS = ("书面", "电话", "线上")
OUTCOMES = ("解决", "部分解决", "不予支持", "已解释")
RESOLVED = ("已解决", "部分解决", "未解决")
INTAKE_CHANNELS = ("网上", "电话", "现场", "来信")
CATEGORIES = ("政策咨询", "政策兑现", "要素保障", "项目审批", "融资", "用工", "涉企收费", "其他")

#: action → (states it may start from, state it ends in; ``None``: decided by the action)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "route": ((m.SUBMITTED,), None),                      # → assigned, or routed_external (政务服务渠道)
    "not_accept": ((m.SUBMITTED,), m.NOT_ACCEPTED),
    "sign": ((m.ASSIGNED,), m.IN_PROGRESS),
    "give_back": ((m.ASSIGNED,), m.SUBMITTED),            # 退回 to the service department
    "interim": ((m.IN_PROGRESS,), m.IN_PROGRESS),
    "reply": ((m.IN_PROGRESS,), m.REPLIED),
    "opinion": ((m.REPLIED,), None),                      # → revisit, or in_progress (重新办理)
    "revisit": ((m.REVISIT,), m.CLOSED),
    "withdraw": ((m.SUBMITTED, m.ASSIGNED, m.IN_PROGRESS), m.WITHDRAWN),
}
ACTION_LABELS = {"submit": "提交诉求", "route": "分办转办", "not_accept": "不予受理", "sign": "签收",
                 "give_back": "退回", "interim": "阶段性反馈", "reply": "办理反馈", "opinion": "企业意见",
                 "revisit": "回访", "withdraw": "撤回", "escalate": "督办提醒", "opinion_timeout": "企业未反馈意见",
                 "clock_recomputed": "时限重算", "attachment": "补充材料"}
#: events a firm sees on its timeline
FIRM_VISIBLE = {"attachment", "submit", "route", "not_accept", "sign", "interim", "reply", "opinion", "revisit", "withdraw",
                "opinion_timeout"}


class RequestError(ValueError):
    """A user-facing 诉求 error (one Chinese sentence): ``status`` 403/404/
    409/422, ``field`` the offending field."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


# ---------------------------------------------------------------- time and calendar

def now_utc() -> datetime:
    """Now as naive UTC: ``$HUIQI_NOW`` (ISO; no offset = Beijing time) or
    the system clock. Raises :class:`RequestError` for a malformed value."""
    raw = os.environ.get("HUIQI_NOW", "").strip()
    if not raw:
        return datetime.now(timezone.utc).replace(tzinfo=None)
    return parse_now(raw)


def parse_now(raw: str) -> datetime:
    """An ISO datetime or date (no offset = Beijing time) → naive UTC."""
    try:
        dt = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RequestError(422, f"时间格式无效：“{raw[:40]}”（应为 ISO 格式，如 2026-10-09T10:00）", "now") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=BEIJING)
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


def local_date(utc: datetime) -> date:
    """The Beijing calendar day of a naive UTC datetime."""
    return (utc.replace(tzinfo=timezone.utc).astimezone(BEIJING)).date()


def end_of_day_utc(d: date) -> datetime:
    """The end (24:00 Beijing time) of day ``d`` as naive UTC."""
    return datetime(d.year, d.month, d.day, tzinfo=BEIJING).astimezone(timezone.utc).replace(
        tzinfo=None) + timedelta(days=1)


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the KB's override rows."""
    rows = session.execute(select(m.CalendarOverride.day, m.CalendarOverride.is_workday)).all()
    return WorkCalendar({d: bool(w) for d, w in rows})


T = TypeVar("T")


def run_tx(engine, fn: Callable[[Session], T], attempts: int = 30, retry_integrity: bool = False) -> T:
    """Run ``fn(session)`` in one transaction, retrying when the database
    reports a write conflict (SQLite ``database is locked``, PostgreSQL
    serialization failure or deadlock) and, with ``retry_integrity``, a
    unique-constraint violation (a concurrent writer inserted the same row:
    the retry sees it). Other errors propagate."""
    from huiqi.kb.db import session_scope

    for i in range(attempts):
        try:
            with session_scope(engine) as s:
                return fn(s)
        except IntegrityError:
            if not retry_integrity or i == attempts - 1:
                raise
            time.sleep(0.01 * (i + 1))
        except OperationalError as exc:
            text = str(exc).lower()
            if i == attempts - 1 or not any(k in text for k in ("locked", "busy", "deadlock", "serializ")):
                raise
            time.sleep(0.02 * (i + 1))
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- scope and guards

def _principal_sees(p: Principal, req: m.Request) -> bool:
    if p.role == ROLE_ENTERPRISE:
        return bool(p.firm_code) and req.firm_code == p.firm_code
    if p.role == ROLE_ADMIN:
        return True
    if not p.can(PERM_REQUEST_HANDLE):
        return False
    return in_scope(p.region, req.region) or (bool(p.unit) and p.unit == req.unit)


def sees(p: Principal, req: m.Request) -> bool:
    """Whether ``p`` may read ``req``: the firm its own; officers within
    their region scope or as the 承办 unit; admins all."""
    return _principal_sees(p, req)


def get_request(session: Session, p: Principal, request_id: int, lock: bool = False) -> m.Request:
    """The request ``request_id`` if ``p`` may see it; otherwise 404 (the
    same answer as an unknown id: no existence leak). ``lock`` takes the
    row lock (PostgreSQL ``FOR UPDATE``) before any clock is touched."""
    ok = 0 < request_id < 2**62
    req = (session.get(m.Request, request_id, with_for_update=True) if lock else session.get(m.Request, request_id)) \
        if ok else None
    if req is None or not sees(p, req):
        raise RequestError(404, f"没有诉求 {request_id}（或不在您的管辖范围内）")
    return req


def _is_handler(p: Principal, req: m.Request) -> bool:
    return p.role == ROLE_ADMIN or (p.can(PERM_REQUEST_HANDLE) and bool(p.unit) and p.unit == req.unit)


def is_league_officer(p: Principal, req: m.Request) -> bool:
    """Whether ``p`` is at 盟 level or above over ``req``'s region (the
    service department that does the 回访, 003:3850)."""
    from huiqi.reference import regions

    if p.role == ROLE_ADMIN:
        return True
    if not p.can(PERM_REQUEST_HANDLE) or not in_scope(p.region, req.region):
        return False
    return p.region is None or p.region == top_region() or regions.depth(p.region) <= 1


def _handled_by(session: Session, req: m.Request) -> set[int]:
    rows = session.scalars(select(m.RequestEvent.actor_id).where(
        m.RequestEvent.request_id == req.id, m.RequestEvent.kind.in_(("sign", "interim", "reply"))))
    return {r for r in rows if r is not None}


def allowed_actions(session: Session, p: Principal, req: m.Request) -> list[str]:
    """The actions ``p`` may take on ``req`` now (for the page's buttons)."""
    out = []
    for action, (sources, _to) in TRANSITIONS.items():
        if req.status not in sources:
            continue
        try:
            _guard(session, p, req, action)
        except RequestError:
            continue
        out.append(action)
    return out


def _guard(session: Session, p: Principal, req: m.Request, action: str) -> None:
    officer = p.role != ROLE_ENTERPRISE and p.can(PERM_REQUEST_HANDLE) and (
        p.role == ROLE_ADMIN or in_scope(p.region, req.region))
    if action in ("route", "not_accept"):
        if not officer:
            raise RequestError(403, "只有管辖范围内的民营经济发展服务部门人员可以分办转办")
    elif action in ("sign", "give_back", "interim", "reply"):
        if not _is_handler(p, req):
            raise RequestError(403, f"只有承办单位（{req.unit or '未指定'}）的人员可以办理（谁办理、谁反馈）")
    elif action == "opinion":
        if not ((p.role == ROLE_ENTERPRISE and p.firm_code == req.firm_code) or _is_handler(p, req)):
            raise RequestError(403, "只有提出诉求的企业（或代录电话意见的承办人员）可以提交意见")
    elif action == "revisit":
        if not is_league_officer(p, req):
            raise RequestError(403, "回访由盟级民营经济发展服务部门进行")
        if p.role != ROLE_ADMIN and ((p.unit and p.unit == req.unit) or p.id in _handled_by(session, req)):
            raise RequestError(403, "回访不能由承办单位或经办人本人进行")
    elif action == "withdraw":
        if not (p.role == ROLE_ENTERPRISE and p.firm_code == req.firm_code):
            raise RequestError(403, "只有提出诉求的企业可以撤回")


# ---------------------------------------------------------------- events and clocks

def _event(session: Session, req: m.Request, kind: str, actor: Principal | None, at: datetime,
           from_status: str | None, to_status: str | None, payload: dict | None = None,
           dedupe_key: str | None = None) -> m.RequestEvent:
    seq = (session.scalar(select(func.max(m.RequestEvent.seq)).where(m.RequestEvent.request_id == req.id)) or 0) + 1
    ev = m.RequestEvent(request_id=req.id, seq=seq, at=at, kind=kind, from_status=from_status, to_status=to_status,
                        actor_id=actor.id if actor else None, actor_name=actor.username if actor else "system",
                        actor_unit=actor.unit if actor else None, payload=_jsonable(payload or {}),
                        visible_to_firm=kind in FIRM_VISIBLE, dedupe_key=dedupe_key)
    session.add(ev)
    session.flush()
    return ev


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def _open_clock(session: Session, cal: WorkCalendar, req: m.Request, kind: str, at: datetime, days: int | None,
                unit: str | None, due: date | None = None) -> m.RequestClock:
    n = (session.scalar(select(func.max(m.RequestClock.n)).where(
        m.RequestClock.request_id == req.id, m.RequestClock.kind == kind)) or 0) + 1
    start = local_date(at)
    if days is not None:
        r = cal.add_workdays(start, days)
        due, provisional = r.date, r.provisional
    else:
        provisional = cal.span_provisional(start, due)
    c = m.RequestClock(request_id=req.id, kind=kind, n=n, days=days, unit=unit, start_at=at, start_date=start,
                       due_date=due, provisional=provisional)
    session.add(c)
    session.flush()
    return c


def _open_clocks(session: Session, req: m.Request, kinds: tuple[str, ...] | None = None) -> list[m.RequestClock]:
    stmt = select(m.RequestClock).where(m.RequestClock.request_id == req.id, m.RequestClock.met_at.is_(None),
                                        m.RequestClock.cancelled_at.is_(None))
    if kinds:
        stmt = stmt.where(m.RequestClock.kind.in_(kinds))
    return list(session.scalars(stmt.order_by(m.RequestClock.id)))


def _meet(session: Session, req: m.Request, kinds: tuple[str, ...], at: datetime) -> None:
    for c in _open_clocks(session, req, kinds):
        c.met_at = at


def _cancel(session: Session, req: m.Request, kinds: tuple[str, ...] | None, at: datetime) -> None:
    for c in _open_clocks(session, req, kinds):
        c.cancelled_at = at


def _notify(session: Session, req: m.Request | None, kind: str, recipient_kind: str, recipient: str | None,
            text: str, at: datetime) -> None:
    if recipient:
        session.add(m.Notification(request_id=req.id if req else None, recipient_kind=recipient_kind,
                                   recipient=recipient, kind=kind, text=text, created_at=at))


# ---------------------------------------------------------------- submit

def _text(data: dict, name: str, label: str, required: bool = True, limit: int = 5000) -> str | None:
    v = data.get(name)
    if v is None or (isinstance(v, str) and not v.strip()):
        if required:
            raise RequestError(422, f"{label}（{name}）不能为空", name)
        return None
    if not isinstance(v, str):
        raise RequestError(422, f"{label}（{name}）应为文字", name)
    v = v.strip()
    if len(v) > limit:
        raise RequestError(422, f"{label}（{name}）过长：最多 {limit} 字", name)
    return v


def submit(session: Session, p: Principal, data: dict, at: datetime | None = None,
           dedupe_key: str | None = None) -> tuple[m.Request, bool]:
    """Create a 诉求 from ``data`` ``{title, content, category?, region,
    contact: {name, phone}, clause_ids?, firm?: {code, name}, channel?}``.
    A firm's account submits for itself; an officer records a phone or
    visit intake for ``firm`` (channel 电话/现场/来信) within its scope.
    Opens the triage clock (1 wd). Returns ``(request, created)``; a
    repeated ``dedupe_key`` returns the first request with ``created``
    False. Raises :class:`RequestError` 403/422."""
    from huiqi.kb.accounts import _USCC_RE, region_code

    at = at or now_utc()
    if dedupe_key:
        hit = session.scalar(select(m.Request).where(m.Request.submit_key == dedupe_key))
        if hit is not None:
            if not sees(p, hit):
                raise RequestError(409, "表单已提交过，请刷新页面后重试")
            return hit, False
    title = _text(data, "title", "标题", limit=200)
    content = _text(data, "content", "诉求内容")
    category = _text(data, "category", "类别", required=False, limit=32)
    if category and category not in CATEGORIES:
        raise RequestError(422, f"类别应为：{'、'.join(CATEGORIES)}", "category")
    region = region_code(data.get("region")) if data.get("region") else None
    if data.get("region") and region is None:
        raise RequestError(422, f"未知地区“{str(data.get('region'))[:20]}”：应为盟市或旗县区名称", "region")
    if region is None:
        raise RequestError(422, "请选择诉求涉及的旗县区（region）", "region")
    contact = data.get("contact") or {}
    if not isinstance(contact, dict):
        raise RequestError(422, "联系人（contact）应为 {name, phone}", "contact")
    phone = "".join(ch for ch in str(contact.get("phone") or "") if ch.isdigit())
    if len(phone) < 7:
        raise RequestError(422, "请填写联系电话（contact.phone，至少 7 位数字）", "contact.phone")
    clause_ids = data.get("clause_ids") or []
    if not isinstance(clause_ids, list) or not all(isinstance(x, int) and 0 < x < 2**62 for x in clause_ids):
        raise RequestError(422, "关联条款（clause_ids）应为条款编号列表", "clause_ids")
    if clause_ids:
        from huiqi.kb.models import Clause

        known = set(session.scalars(select(Clause.id).where(Clause.id.in_(clause_ids))))
        missing = [x for x in clause_ids if x not in known]
        if missing:
            raise RequestError(422, f"关联条款不存在：{'、'.join(map(str, missing[:5]))}", "clause_ids")
        clause_ids = list(dict.fromkeys(clause_ids))[:20]
    if p.role == ROLE_ENTERPRISE:
        firm_code, firm_name, channel = p.firm_code, _text(data, "firm_name", "企业名称", False, 200), "网上"
    elif p.can(PERM_REQUEST_HANDLE):
        if not (p.role == ROLE_ADMIN or in_scope(p.region, region)):
            raise RequestError(403, "只能代录本管辖范围内的诉求", "region")
        firm = data.get("firm") or {}
        firm_code = str(firm.get("code") or "").strip().upper() if isinstance(firm, dict) else ""
        if not _USCC_RE.match(firm_code):
            raise RequestError(422, "代录诉求需要企业的统一社会信用代码（firm.code，18 位）", "firm.code")
        firm_name = (str(firm.get("name") or "").strip() or None) if isinstance(firm, dict) else None
        channel = str(data.get("channel") or "电话")
        if channel not in INTAKE_CHANNELS:
            raise RequestError(422, f"受理渠道应为：{'、'.join(INTAKE_CHANNELS)}", "channel")
    else:
        raise RequestError(403, "无权提交诉求")
    req = m.Request(no=None, submit_key=dedupe_key, query_code=_query_code(), title=title, content=content, category=category,
                    region=region, firm_code=firm_code, firm_name=firm_name,
                    contact_name=str(contact.get("name") or "").strip()[:64] or None, contact_phone=phone[:32],
                    channel=channel, clause_ids=clause_ids, status=m.SUBMITTED, return_count=0, reopen_count=0,
                    submitted_by=p.id, submitted_at=at, updated_at=at, version=1)
    session.add(req)
    try:
        session.flush()
    except IntegrityError:  # the same form submitted at the same moment: the other submission won
        session.rollback()
        hit = session.scalar(select(m.Request).where(m.Request.submit_key == dedupe_key)) if dedupe_key else None
        if hit is None or not sees(p, hit):
            raise
        return hit, False
    req.no = f"SQ-{local_date(at).year}-{req.id:06d}"
    cal = load_calendar(session)
    _open_clock(session, cal, req, m.CLOCK_TRIAGE, at, TRIAGE_DAYS, None)
    _event(session, req, "submit", p, at, None, m.SUBMITTED,
           {"title": title, "channel": channel, "category": category})
    _notify(session, req, "new", "region", region, f"新诉求 {req.no}：{title}，请于 1 个工作日内分办转办", at)
    return req, True


def _query_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


# ---------------------------------------------------------------- transitions

def act(session: Session, p: Principal, request_id: int, action: str, data: dict | None = None,
        at: datetime | None = None, expected_version: int | None = None,
        dedupe_key: str | None = None) -> tuple[m.Request, bool]:
    """Apply ``action`` (a key of :data:`TRANSITIONS`) to a request with the
    form ``data``. Returns ``(request, applied)``: ``applied`` False when
    ``dedupe_key`` was already used on this request (a double submit; no
    second event). Raises :class:`RequestError`: 404 not visible, 409 the
    state does not allow the action or someone changed the request
    (``expected_version`` stale, or a concurrent change), 403 the guard,
    422 a bad field."""
    data = data or {}
    at = at or now_utc()
    if action not in TRANSITIONS:
        raise RequestError(404, f"未知操作“{action}”")
    req = get_request(session, p, request_id, lock=True)
    if dedupe_key and _replayed(session, req, dedupe_key):
        return req, False
    sources, to = TRANSITIONS[action]
    if req.status not in sources:
        raise RequestError(409, f"当前状态“{m.STATUS_LABELS.get(req.status, req.status)}”不能{ACTION_LABELS[action]}")
    if expected_version is not None and expected_version != req.version:
        raise RequestError(409, "该诉求已被他人更新，请刷新页面后重试", "version")
    _guard(session, p, req, action)
    cal = load_calendar(session)
    from_status, version = req.status, req.version
    changes, payload, after = _ACTIONS[action](session, cal, p, req, data, at)
    to = changes.pop("status", to)
    res = session.execute(update(m.Request).where(m.Request.id == req.id, m.Request.version == version,
                                                  m.Request.status == from_status)
                          .values(status=to, version=version + 1, updated_at=at, **changes)
                          .execution_options(synchronize_session=False))
    if res.rowcount != 1:
        session.rollback()
        raise RequestError(409, "该诉求刚被他人处理，请刷新页面后重试", "version")
    session.refresh(req)
    try:
        with session.begin_nested():
            _event(session, req, action, p, at, from_status, to, payload, dedupe_key)
    except IntegrityError:
        raise RequestError(409, "该诉求刚被他人处理，请刷新页面后重试", "version") from None
    if after is not None:
        after()
    return req, True


def _replayed(session: Session, req: m.Request, key: str) -> bool:
    return session.scalar(select(m.RequestEvent.id).where(m.RequestEvent.request_id == req.id,
                                                          m.RequestEvent.dedupe_key == key)) is not None


def _route(session, cal, p, req, data, at):
    cls = data.get("class") or data.get("request_class")
    if cls not in m.CLASSES:
        raise RequestError(422, f"分类（class）应为：{'、'.join(m.CLASSES)}", "class")
    unit = _text(data, "unit", "承办单位或转办渠道", limit=200)
    note = _text(data, "note", "说明", required=False, limit=2000)
    _meet(session, req, (m.CLOCK_TRIAGE,), at)
    if cls == m.CLASS_EXTERNAL:
        payload = {"class": cls, "channel": unit, "note": note}

        def after():
            _notify(session, req, "routed", "firm", req.firm_code,
                    f"您的诉求 {req.no} 属政务服务平台办理范畴，已推送至：{unit}", at)
        return {"status": m.ROUTED_EXTERNAL, "request_class": cls, "external_channel": unit, "routed_at": at,
                "closed_at": at}, payload, after
    declared = None
    if cls == m.CLASS_LONG and data.get("deadline"):
        try:
            declared = date.fromisoformat(str(data["deadline"]))
        except ValueError:
            raise RequestError(422, "承诺办结日期（deadline）应为 YYYY-MM-DD", "deadline") from None
        if declared <= local_date(at):
            raise RequestError(422, "承诺办结日期应晚于今天", "deadline")

    def after():
        _open_clock(session, cal, req, m.CLOCK_SIGN, at, SIGN_DAYS, unit)
        if cls in REPLY_DAYS:
            _open_clock(session, cal, req, m.CLOCK_REPLY, at, REPLY_DAYS[cls], unit)
        else:  # 难以短期办理: a report every 10 wd, and the declared final date if given
            _open_clock(session, cal, req, m.CLOCK_INTERIM, at, INTERIM_DAYS, unit)
            if declared:
                _open_clock(session, cal, req, m.CLOCK_FINAL, at, None, unit, declared)
        _notify(session, req, "assigned", "unit", unit, f"转办诉求 {req.no}（{cls}）：{req.title}", at)
    return {"status": m.ASSIGNED, "request_class": cls, "unit": unit, "routed_at": at, "declared_due": declared}, \
        {"class": cls, "unit": unit, "note": note, "deadline": declared}, after


def _not_accept(session, cal, p, req, data, at):
    reason = _text(data, "reason", "不予受理理由", limit=2000)
    _meet(session, req, (m.CLOCK_TRIAGE,), at)
    _cancel(session, req, None, at)

    def after():
        _notify(session, req, "not_accepted", "firm", req.firm_code, f"您的诉求 {req.no} 不予受理：{reason}", at)
    return {"closed_at": at}, {"reason": reason}, after


def _sign(session, cal, p, req, data, at):
    _meet(session, req, (m.CLOCK_SIGN,), at)
    return {}, {}, None


def _give_back(session, cal, p, req, data, at):
    reason = _text(data, "reason", "退回理由", limit=2000)
    _cancel(session, req, (m.CLOCK_SIGN, m.CLOCK_REPLY, m.CLOCK_INTERIM, m.CLOCK_FINAL), at)

    def after():
        _open_clock(session, cal, req, m.CLOCK_TRIAGE, at, TRIAGE_DAYS, None)
    return {"return_count": (req.return_count or 0) + 1, "unit": None}, {"reason": reason, "unit": req.unit}, after


def _interim(session, cal, p, req, data, at):
    content = _text(data, "content", "阶段性办理结果")
    had = bool(_open_clocks(session, req, (m.CLOCK_INTERIM,)))
    _meet(session, req, (m.CLOCK_INTERIM,), at)

    def after():
        if had or req.request_class == m.CLASS_LONG:
            _open_clock(session, cal, req, m.CLOCK_INTERIM, at, INTERIM_DAYS, req.unit)
        _notify(session, req, "interim", "firm", req.firm_code, f"诉求 {req.no} 阶段性办理结果：{content[:80]}", at)
    return {}, {"content": content}, after


def _reply(session, cal, p, req, data, at):
    content = _text(data, "content", "办理结果")
    channel = data.get("channel") or "线上"
    if channel not in REPLY_CHANNELS:
        raise RequestError(422, f"反馈方式（channel）应为：{'、'.join(REPLY_CHANNELS)}", "channel")
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        raise RequestError(422, f"办理结果（outcome）应为：{'、'.join(OUTCOMES)}", "outcome")
    reason = _text(data, "reason", "不予支持的原因", required=False, limit=2000)
    if (outcome == "不予支持" or req.request_class == m.CLASS_REFUSE) and not reason:
        raise RequestError(422, "无法办理或不予支持须说明原因（reason）", "reason")
    if channel == "电话" and not _text(data, "contact_person", "接听人", required=False, limit=64):
        raise RequestError(422, "电话反馈须记录接听人（contact_person）", "contact_person")
    _meet(session, req, (m.CLOCK_REPLY, m.CLOCK_REOPEN, m.CLOCK_INTERIM, m.CLOCK_FINAL, m.CLOCK_SIGN), at)
    payload = {"content": content, "channel": channel, "outcome": outcome, "reason": reason,
               "contact_person": data.get("contact_person")}

    def after():
        _open_clock(session, cal, req, m.CLOCK_OPINION, at, OPINION_DAYS, None)
        _notify(session, req, "replied", "firm", req.firm_code, f"诉求 {req.no} 已办理反馈，请提交您的意见", at)
        _notify(session, req, "replied", "region", req.region, f"诉求 {req.no} 办理结果抄送：{outcome}", at)
    return {"replied_at": at}, payload, after


def _opinion(session, cal, p, req, data, at):
    satisfied = data.get("satisfied")
    if not isinstance(satisfied, bool):
        raise RequestError(422, "是否满意（satisfied）应为 true 或 false", "satisfied")
    level = data.get("level")
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise RequestError(422, "满意度（level）应为 1–5 的整数", "level")
    comment = _text(data, "comment", "意见", required=not satisfied, limit=2000)
    _meet(session, req, (m.CLOCK_OPINION,), at)
    payload = {"satisfied": satisfied, "level": level, "comment": comment}
    if satisfied:
        def after():
            _open_clock(session, cal, req, m.CLOCK_REVISIT, at, REVISIT_DAYS, None)
        return {"status": m.REVISIT}, payload, after

    def reopen():  # 重新办理 (003:3848)
        _open_clock(session, cal, req, m.CLOCK_REOPEN, at, REOPEN_DAYS, req.unit)
        _notify(session, req, "reopened", "unit", req.unit, f"企业对诉求 {req.no} 的办理结果不满意，请重新办理", at)
    return {"status": m.IN_PROGRESS, "reopen_count": (req.reopen_count or 0) + 1}, payload, reopen


def _revisit(session, cal, p, req, data, at):
    level = data.get("level")
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise RequestError(422, "满意度（level）应为 1–5 的整数", "level")
    resolved = data.get("resolved")
    if resolved not in RESOLVED:
        raise RequestError(422, f"解决情况（resolved）应为：{'、'.join(RESOLVED)}", "resolved")
    notes = _text(data, "notes", "回访记录（难点问题）", limit=5000)
    _meet(session, req, (m.CLOCK_REVISIT,), at)
    return {"closed_at": at}, {"level": level, "resolved": resolved, "notes": notes}, None


def _withdraw(session, cal, p, req, data, at):
    _cancel(session, req, None, at)
    return {"closed_at": at}, {"reason": _text(data, "reason", "撤回原因", required=False, limit=500)}, None


_ACTIONS = {"route": _route, "not_accept": _not_accept, "sign": _sign, "give_back": _give_back,
            "interim": _interim, "reply": _reply, "opinion": _opinion, "revisit": _revisit, "withdraw": _withdraw}


# ---------------------------------------------------------------- attachments

#: accepted attachment types and limits
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".txt", ".zip")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20


def check_attachment(file_name: str, size: int) -> str:
    """The lower-case suffix of an acceptable file; raises
    :class:`RequestError` 422 naming the file for a wrong type, an empty
    file or one over :data:`MAX_ATTACHMENT_BYTES`."""
    import os.path

    name = (file_name or "").strip()
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in ATTACHMENT_SUFFIXES:
        raise RequestError(422, f"{name or '文件'}：不支持的类型（可上传 {'、'.join(ATTACHMENT_SUFFIXES)}）", "files")
    if size <= 0:
        raise RequestError(422, f"{name}：文件为空", "files")
    if size > MAX_ATTACHMENT_BYTES:
        raise RequestError(422, f"{name}：超过 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB", "files")
    return suffix


def add_attachment(session: Session, p: Principal, request_id: int, file_name: str, stored_name: str, size: int,
                   at: datetime | None = None) -> m.RequestAttachment:
    """Record an uploaded file (材料) of a request still open: by the firm
    itself or an officer who may see it; one ``attachment`` event. Raises
    :class:`RequestError` 404/409/422."""
    at = at or now_utc()
    req = get_request(session, p, request_id, lock=True)
    if req.status not in m.OPEN_STATES:
        raise RequestError(409, f"当前状态“{m.STATUS_LABELS.get(req.status, req.status)}”不能再补充材料")
    if p.role != ROLE_ENTERPRISE and not p.can(PERM_REQUEST_HANDLE):
        raise RequestError(403, "无权补充材料")
    n = session.scalar(select(func.count(m.RequestAttachment.id)).where(m.RequestAttachment.request_id == req.id))
    if (n or 0) >= MAX_ATTACHMENTS:
        raise RequestError(422, f"每件诉求最多 {MAX_ATTACHMENTS} 个附件", "files")
    a = m.RequestAttachment(request_id=req.id, file_name=file_name[:200], stored_name=stored_name, size=size,
                            uploaded_by=p.username, uploaded_at=at)
    session.add(a)
    session.flush()
    _event(session, req, "attachment", p, at, req.status, req.status, {"file": a.file_name, "size": size})
    return a


def get_attachment(session: Session, p: Principal, attachment_id: int) -> m.RequestAttachment:
    """An attachment of a request ``p`` may see; otherwise 404."""
    a = session.get(m.RequestAttachment, attachment_id) if 0 < attachment_id < 2**62 else None
    if a is None:
        raise RequestError(404, f"没有附件 {attachment_id}")
    get_request(session, p, a.request_id)
    return a
