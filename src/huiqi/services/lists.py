"""免申即享 lists (名单): create from the stored firms, officer review, four-eyes
approval, 公示 with objections.

Flow (issue 13): :func:`create_list` screens the firms in the creator's
scope (``firm_profiles``) against one clause with the calculator
(:func:`huiqi.calc.engine.match`) and FREEZES the inputs — the published
rule version, each firm's profile version, the as-of date. Only a published
*reviewed* rule may feed a list that pays money (modes B and C); an
unchecked extracted rule never feeds any list. :func:`decide_entry`
(include / exclude with a reason / hold, optimistic lock on the entry),
:func:`submit`, :func:`approve` (a DIFFERENT officer holding
``list.approve``, with the meeting reference — 党组会 / 行署会议纪要),
:func:`publicize` (N working days, default 5, on the working-day calendar
with its overrides), :func:`file_objection` (public, validated and rate
limited) and :func:`decide_objection` (upheld → the firm is excluded with
the reason). 兑现 is in :mod:`huiqi.services.list_payments`; views,
exports and the diff after a rule change in
:mod:`huiqi.services.list_reports`.

Every function takes the caller's :class:`~huiqi.kb.accounts.Principal`
and raises :class:`ListError` (Chinese message, HTTP status) for a refused
step; the caller writes the audit entry in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.firm.profile import load_profile
from huiqi.kb import firms as fm
from huiqi.kb import lists as m
from huiqi.kb.accounts import PERM_LIST_APPROVE, PERM_LIST_EDIT, Principal
from huiqi.kb.models import RuleVersion
from huiqi.services.firms import fact_rules
from huiqi.services.requests import load_calendar, local_date, now_utc

#: the approval must cite a meeting (党组会、行署会议、常务会议 … 纪要)
MEETING_RE = re.compile(r"会")
#: objections one address may file per :data:`OBJECTION_WINDOW`
MAX_OBJECTIONS = 5
OBJECTION_WINDOW = timedelta(minutes=10)
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
DEFAULT_WORKING_DAYS = 5
_LIMIT_RE = re.compile(r"(\d{1,3})\s*个?工作日")


class ListError(ValueError):
    """A refused list step: ``message`` (Chinese), ``status`` (400/403/404/
    409/422/429), ``field``."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _check_version(obj: Any, expected: int | None, what: str) -> None:
    if expected is not None and obj.version != expected:
        raise ListError(409, f"{what}已被他人修改（当前版本 {obj.version}，提交的版本 {expected}），请刷新后重试",
                        "version")


def get_list(session: Session, p: Principal, list_id: int) -> m.BenefitList:
    """The list ``list_id`` when ``p`` (an officer) may see it (its region
    within ``p``'s scope); 404 otherwise."""
    bl = session.get(m.BenefitList, list_id)
    if bl is None or not p.can(PERM_LIST_EDIT) or not p.sees(bl.region):
        raise ListError(404, f"未找到名单 {list_id}")
    return bl


# ---------------------------------------------------------------- create

def _rule_version(session: Session, entry) -> RuleVersion | None:
    from huiqi.rules.store import extractor_version

    q = select(RuleVersion).where(RuleVersion.clause_key == entry.key, RuleVersion.status == "published",
                                  RuleVersion.origin == entry.origin)
    if entry.origin == "extracted":
        q = q.where(RuleVersion.extractor == extractor_version())
    return session.scalars(q.order_by(RuleVersion.id.desc())).first()


def limit_days_of(apply: dict | None) -> int | None:
    """The policy's own time limit in working days (``办理时限``: ``22个工作日``),
    ``None`` when the clause states none."""
    m_ = _LIMIT_RE.search(str((apply or {}).get("time_limit") or ""))
    return int(m_.group(1)) if m_ else None


def screen_firm(entry, ruleset, profile: dict, as_of: date) -> dict:
    """One stored profile against one clause → ``{status, amount_yuan,
    formula, reasons, missing}`` (amount only when the benefit is exact:
    min = max; else ``None``, flagged 金额需核定)."""
    from huiqi.calc.engine import match

    prof, _ = load_profile(dict(profile))
    res = match(prof, as_of, ruleset=ruleset, clause_ids=[entry.id], view="all", limit=None)["results"]
    r = next((x for x in res if x["id"] == entry.id), None)
    if r is None:
        return {"status": "ineligible", "amount_yuan": None, "formula": None, "reasons": [], "missing": []}
    b = r.get("benefit") or {}
    exact = b.get("min_yuan") is not None and b.get("min_yuan") == b.get("max_yuan")
    return {"status": r["status"], "amount_yuan": b.get("max_yuan") if exact else None,
            "formula": b.get("formula"), "missing": r.get("missing") or [],
            "reasons": [{"condition": x.get("condition"), "outcome": x.get("outcome")} for x in r.get("reasons", [])]}


def _truthy(v: Any) -> bool:
    return v not in (None, "", False, 0, "否", "无", [], {})


def risk_flags(session: Session, bl: m.BenefitList, code: str, profile: dict, screened: dict) -> list[str]:
    """Risk flags (风险提示) of one firm on ``bl``: 失信 / 经营异常 facts
    (``risk_facts`` of ``data/firm_facts.yaml``), no bank account on a mode-B
    list, the same policy already received on another list (the same
    clause, or a clause stating the same policy in another document:
    ``snapshot.policy_keys``, :mod:`huiqi.kb.policy_identity`), stacking with
    another list of the same stacking group, conditions to confirm, an
    amount to settle."""
    rules = fact_rules()
    facts = profile.get("facts") or {}
    out = [flag for flag, keys in rules["risk_facts"].items() if any(_truthy(facts.get(k[6:])) for k in keys)]
    if bl.mode == "B" and not any(_truthy(facts.get(k[6:])) for k in rules["bank_account_keys"]):
        out.append("缺少银行账户")
    same_policy = set((bl.snapshot or {}).get("policy_keys") or []) | {bl.clause_key}
    active = (m.APPROVED, m.PUBLICIZING, m.CLOSED)
    others = select(m.BenefitList.clause_key, m.BenefitList.stacking_group).join(
        m.ListEntry, m.ListEntry.list_id == m.BenefitList.id).where(
        m.ListEntry.firm_code == code, m.ListEntry.decision == m.INCLUDE, m.BenefitList.id != (bl.id or -1),
        m.BenefitList.status.in_(active))
    for key, group in session.execute(others):
        if key in same_policy and "已享受同一政策" not in out:
            out.append("已享受同一政策")
        elif group and group == bl.stacking_group and "叠加享受" not in out:
            out.append("叠加享受")
    if screened["status"] == "likely":
        out.append("条件待核实")
    if bl.mode in m.MONEY_MODES and screened["amount_yuan"] is None:
        out.append("金额需核定")
    return out


def create_list(session: Session, p: Principal, clause_id: int | str, mode: str, as_of: date, ruleset,
                now: datetime | None = None, limit_days: int | None = None) -> m.BenefitList:
    """Create a list (status draft) for clause ``clause_id`` (id or key) in
    ``mode`` (A/B/C/D) on ``as_of``; ``ruleset`` the calculator's
    :class:`~huiqi.calc.engine.RuleSet` (load it before opening the write
    transaction). Entries: modes A–C take the firms whose match is
    ``eligible`` (decision include) or ``likely`` (hold); mode D invites the
    ``likely`` and ``needs_info`` ones (include). Raises :class:`ListError`
    403 (no ``list.edit``), 404 (unknown clause), 422 (unknown mode; an
    unchecked rule; a money mode without a published reviewed rule)."""
    if not p.can(PERM_LIST_EDIT):
        raise ListError(403, "无权创建名单")
    mode = (mode or "").strip().upper()
    if mode not in m.MODES:
        raise ListError(422, f"未知名单模式“{mode}”（可选：A、B、C、D）", "mode")
    entry = ruleset.get(clause_id)
    if entry is None:
        raise ListError(404, f"未找到条款 {clause_id}", "clause_id")
    if entry.unchecked:
        raise ListError(422, "该条款的规则未识别出任何条件（未核验），不能用于免申即享名单", "clause_id")
    rv = _rule_version(session, entry)
    if mode in m.MONEY_MODES and (entry.origin != "reviewed" or rv is None):
        raise ListError(422, "涉及拨付资金的名单（B、C 模式）只能依据已审核发布的规则；该条款尚无已发布的审核规则",
                        "clause_id")
    now = now or now_utc()
    stacking = entry.rule.stacking.group if getattr(entry.rule, "stacking", None) else None
    bl = m.BenefitList(clause_id=entry.id, clause_key=entry.key, rule_version_id=rv.id if rv else None,
                       rule_origin=entry.origin, stacking_group=stacking, mode=mode, as_of=as_of, region=p.region,
                       title=entry.title, document_title=(entry.document or {}).get("title"),
                       source_file=entry.source["file"], start_line=entry.source["start_line"],
                       end_line=entry.source["end_line"], content=(entry.rule.benefit.source_text
                                                                    if entry.rule.benefit else None) or entry.text[:200],
                       snapshot={}, status=m.DRAFT, limit_days=limit_days or limit_days_of(entry.apply),
                       created_by=p.username, created_at=now, updated_at=now, version=1)
    session.add(bl)
    session.flush()
    cluster = entry.authority_id or entry.id
    bl.snapshot = {"policy_keys": sorted({e.key for e in ruleset.entries if (e.authority_id or e.id) == cluster})}
    wanted = ("likely", "needs_info") if mode == "D" else ("eligible", "likely")
    snapshot: dict[str, int] = {}
    rows = session.execute(select(fm.FirmProfileRow, fm.Firm.name).join(fm.Firm, fm.Firm.code == fm.FirmProfileRow.code)
                           .order_by(fm.FirmProfileRow.code))
    for row, name in rows:
        if not p.sees(row.region):
            continue
        snapshot[row.code] = row.version
        s = screen_firm(entry, ruleset, row.profile, as_of)
        if s["status"] not in wanted:
            continue
        decision = m.INCLUDE if (mode == "D" or s["status"] == "eligible") else m.HOLD
        session.add(m.ListEntry(list_id=bl.id, firm_code=row.code, firm_name=name, profile_version=row.version,
                                match_status=s["status"], amount_yuan=s["amount_yuan"], formula=s["formula"],
                                reasons=s["reasons"], risk_flags=risk_flags(session, bl, row.code, row.profile, s),
                                decision=decision, version=1))
    bl.snapshot = {**bl.snapshot, "profiles": snapshot, "rule_version_ids": [rv.id] if rv else [],
                   "as_of": as_of.isoformat()}
    session.flush()
    return bl


# ---------------------------------------------------------------- review and approval

def _entry(session: Session, bl: m.BenefitList, code: str) -> m.ListEntry:
    e = session.scalar(select(m.ListEntry).where(m.ListEntry.list_id == bl.id,
                                                 m.ListEntry.firm_code == (code or "").strip().upper()))
    if e is None:
        raise ListError(404, f"名单 {bl.id} 中没有统一社会信用代码为 {code[:18]} 的企业")
    return e


def decide_entry(session: Session, p: Principal, list_id: int, code: str, decision: str, reason: str | None,
                 amount_yuan: float | None = None, expected_version: int | None = None,
                 now: datetime | None = None) -> m.ListEntry:
    """Decide one firm on a draft list: ``include``, ``exclude`` (a reason
    is required) or ``hold``; ``amount_yuan`` settles the amount (元) of an
    inexact benefit. ``expected_version`` the entry's version the officer
    saw (409 when another officer changed it since). Raises
    :class:`ListError` 404/409/422."""
    bl = get_list(session, p, list_id)
    if bl.status != m.DRAFT:
        raise ListError(409, f"名单已{m.LIST_STATUS_LABELS[bl.status]}，不能再修改企业", "status")
    e = _entry(session, bl, code)
    _check_version(e, expected_version, "该企业的审核意见")
    decision = (decision or "").strip().lower()
    if decision not in m.DECISION_LABELS:
        raise ListError(422, f"审核意见应为 include（纳入）、exclude（剔除）或 hold（暂缓），收到“{decision[:20]}”", "decision")
    reason = (reason or "").strip()[:500] or None
    if decision == m.EXCLUDE and not reason:
        raise ListError(422, "剔除企业时必须写明理由", "reason")
    if amount_yuan is not None:
        if not isinstance(amount_yuan, (int, float)) or amount_yuan < 0 or amount_yuan > 1e10:
            raise ListError(422, "金额应为 0 至 100 亿元之间的数字（元）", "amount_yuan")
        e.amount_yuan = float(amount_yuan)
        e.risk_flags = [f for f in e.risk_flags if f != "金额需核定"]
    e.decision, e.reason, e.decided_by, e.decided_at = decision, reason, p.username, now or now_utc()
    e.version += 1
    bl.updated_at = e.decided_at
    bl.version += 1
    session.flush()
    return e


def submit(session: Session, p: Principal, list_id: int, expected_version: int | None = None,
           now: datetime | None = None) -> m.BenefitList:
    """Submit a draft list for approval. Refused (422) while an included
    firm of a paying list has no settled amount, or when no firm is
    included."""
    bl = get_list(session, p, list_id)
    _check_version(bl, expected_version, "名单")
    if bl.status != m.DRAFT:
        raise ListError(409, f"名单已{m.LIST_STATUS_LABELS[bl.status]}，不能提交", "status")
    included = list(session.scalars(select(m.ListEntry).where(m.ListEntry.list_id == bl.id,
                                                              m.ListEntry.decision == m.INCLUDE)))
    if not included:
        raise ListError(422, "名单中没有纳入的企业，不能提交")
    if bl.mode in m.MONEY_MODES:
        open_ = [e.firm_name or e.firm_code for e in included if e.amount_yuan is None]
        if open_:
            raise ListError(422, f"以下企业的金额尚未核定：{'、'.join(open_[:5])}", "amount_yuan")
    now = now or now_utc()
    bl.status, bl.submitted_by, bl.submitted_at, bl.updated_at = m.SUBMITTED, p.username, now, now
    bl.version += 1
    session.flush()
    return bl


def approve(session: Session, p: Principal, list_id: int, meeting_ref: str, expected_version: int | None = None,
            now: datetime | None = None) -> m.BenefitList:
    """Approve a submitted list (四眼原则): the approver holds
    ``list.approve`` and is neither its creator nor its submitter;
    ``meeting_ref`` names the meeting minutes (党组会 / 行署会议纪要 …).
    Raises :class:`ListError` 403/409/422."""
    bl = get_list(session, p, list_id)
    if not p.can(PERM_LIST_APPROVE):
        raise ListError(403, "无审批权限：名单须由具有审批权限的工作人员审批")
    if p.username in (bl.created_by, bl.submitted_by):
        raise ListError(403, "四眼原则：名单的创建人或提交人不能审批本名单，请由另一名工作人员审批")
    _check_version(bl, expected_version, "名单")
    if bl.status != m.SUBMITTED:
        raise ListError(409, f"名单状态为“{m.LIST_STATUS_LABELS[bl.status]}”，只有待审批的名单可以审批", "status")
    ref = (meeting_ref or "").strip()
    if len(ref) < 4 or not MEETING_RE.search(ref):
        raise ListError(422, "请填写审批依据的会议纪要（如“2026年第12次党组会纪要”或“行署会议纪要〔2026〕5号”）",
                        "meeting_ref")
    now = now or now_utc()
    bl.status, bl.approved_by, bl.approved_at, bl.meeting_ref = m.APPROVED, p.username, now, ref[:200]
    bl.updated_at = now
    bl.version += 1
    session.flush()
    return bl


def send_back(session: Session, p: Principal, list_id: int, reason: str, now: datetime | None = None) -> m.BenefitList:
    """An approver returns a submitted list to draft (退回) with a reason."""
    bl = get_list(session, p, list_id)
    if not p.can(PERM_LIST_APPROVE):
        raise ListError(403, "无审批权限")
    if bl.status != m.SUBMITTED:
        raise ListError(409, "只有待审批的名单可以退回", "status")
    if not (reason or "").strip():
        raise ListError(422, "退回时须写明理由", "reason")
    bl.status, bl.updated_at = m.DRAFT, now or now_utc()
    bl.version += 1
    session.flush()
    return bl


def publicize(session: Session, p: Principal, list_id: int, working_days: int = DEFAULT_WORKING_DAYS,
              now: datetime | None = None, expected_version: int | None = None) -> m.BenefitList:
    """Start the 公示 of an approved list: from today (Beijing) for
    ``working_days`` working days (1–30; the start day is not counted) on
    the working-day calendar with the officers' overrides."""
    bl = get_list(session, p, list_id)
    _check_version(bl, expected_version, "名单")
    if bl.status != m.APPROVED:
        raise ListError(409, f"名单状态为“{m.LIST_STATUS_LABELS[bl.status]}”，只有已审批的名单可以公示", "status")
    if not isinstance(working_days, int) or isinstance(working_days, bool) or not 1 <= working_days <= 30:
        raise ListError(422, "公示天数应为 1–30 个工作日", "working_days")
    now = now or now_utc()
    start = local_date(now)
    bl.publicity_start = start
    bl.publicity_end = load_calendar(session).add_workdays(start, working_days).date
    bl.working_days, bl.status, bl.updated_at = working_days, m.PUBLICIZING, now
    bl.version += 1
    session.flush()
    from huiqi.services.push_lists import notify_publicity

    notify_publicity(session, bl, now)  # 精准推送: inbox + e-mail of the included firms, same transaction
    return bl


def publicity_over(bl: m.BenefitList, now: datetime | None = None) -> bool:
    """Whether the 公示 of ``bl`` has ended (today, Beijing, is after its
    last day)."""
    return bl.publicity_end is not None and local_date(now or now_utc()) > bl.publicity_end


# ---------------------------------------------------------------- objections

def ip_hash(ip: str | None) -> str | None:
    """SHA-256 hex of a client address (the address itself is not stored)."""
    return hashlib.sha256(ip.encode()).hexdigest() if ip else None


def file_objection(session: Session, list_id: int, entry_id: int, content: str, contact_name: str | None,
                   contact_phone: str | None, ip: str | None, now: datetime | None = None) -> m.ListObjection:
    """Anyone files an objection (异议) against one entry during the 公示.
    Validated: the list is in its 公示 period, the entry is published
    (included), ``content`` 5–1000 characters, a phone (mobile or landline)
    is given; at most :data:`MAX_OBJECTIONS` per address per
    :data:`OBJECTION_WINDOW` (429). Raises :class:`ListError`."""
    now = now or now_utc()
    bl = session.get(m.BenefitList, list_id)
    if bl is None or bl.status not in (m.PUBLICIZING, m.CLOSED):
        raise ListError(404, f"未找到公示中的名单 {list_id}")
    if publicity_over(bl, now) or bl.status != m.PUBLICIZING:
        raise ListError(409, f"公示期已于 {bl.publicity_end.isoformat()} 结束，不再受理异议")
    e = session.get(m.ListEntry, entry_id) if isinstance(entry_id, int) else None
    if e is None or e.list_id != bl.id or e.decision != m.INCLUDE:
        raise ListError(404, "未找到被公示的企业", "entry_id")
    text = " ".join((content or "").split())
    if not 5 <= len(text) <= 1000:
        raise ListError(422, "异议内容应为 5–1000 个字", "content")
    phone = re.sub(r"[\s－—]", "-", (contact_phone or "").strip())
    if not PHONE_RE.match(phone):
        raise ListError(422, "请填写有效的联系电话（手机号或带区号的固定电话），以便核实", "contact_phone")
    h = ip_hash(ip)
    if h:
        recent = session.scalar(select(func.count(m.ListObjection.id)).where(
            m.ListObjection.ip_hash == h, m.ListObjection.filed_at >= now - OBJECTION_WINDOW)) or 0
        if recent >= MAX_OBJECTIONS:
            raise ListError(429, "提交过于频繁，请稍后再试")
    o = m.ListObjection(list_id=bl.id, entry_id=e.id, content=text, contact_name=(contact_name or "").strip()[:64] or None,
                        contact_phone=phone, ip_hash=h, filed_at=now, status=m.OBJECTION_PENDING)
    session.add(o)
    session.flush()
    return o


def decide_objection(session: Session, p: Principal, list_id: int, objection_id: int, upheld: bool, reason: str,
                     now: datetime | None = None) -> m.ListObjection:
    """An officer decides an objection; a reason is required. Upheld → the
    entry is excluded with ``异议成立：<reason>`` (and is paid nothing)."""
    bl = get_list(session, p, list_id)
    o = session.get(m.ListObjection, objection_id)
    if o is None or o.list_id != bl.id:
        raise ListError(404, f"未找到异议 {objection_id}")
    if o.status != m.OBJECTION_PENDING:
        raise ListError(409, f"异议已处理（{m.OBJECTION_LABELS[o.status]}）")
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ListError(422, "请写明核查结论", "reason")
    now = now or now_utc()
    o.status = m.OBJECTION_UPHELD if upheld else m.OBJECTION_DISMISSED
    o.decided_by, o.decided_at, o.decision_reason = p.username, now, reason
    if upheld:
        e = session.get(m.ListEntry, o.entry_id)
        if e.pay_status in ("requested", "paid"):
            raise ListError(409, "该企业已申请或完成拨付，请先办理追回")
        e.decision, e.reason, e.decided_by, e.decided_at = m.EXCLUDE, f"异议成立：{reason}", p.username, now
        e.version += 1
    bl.version += 1
    bl.updated_at = now
    session.flush()
    return o
