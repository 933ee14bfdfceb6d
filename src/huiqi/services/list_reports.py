"""Views, exports, timeliness and the rule-change diff of 免申即享 lists.

* :func:`list_view` — the officer's view (entries, risk flags, objections,
  兑现 state, timeliness), every entry citing the clause's file and lines.
* :func:`public_view` — the 公示 page's data: ONLY 主体 (firm name), 依据
  (document, clause, citation), 金额 and 内容 of the included firms; never
  codes of accounts, phones, facts or flags.
* :func:`export_xlsx` — ``公示`` (the public columns), ``payment`` (the
  payment file for the finance office: name, code, amount, bank account —
  restricted data) and ``台账`` (every entry with decisions, 兑现 states,
  dates, timeliness, and the ledger sheet). Cells go through
  :mod:`huiqi.safecell`; the caller audits the export.
* :func:`timeliness` — working days from the list's creation to payment,
  against the policy's own limit (``limit_days``).
* :func:`rescreen_diff` — after a rule or register change: what a new list
  would hold compared with this (frozen) one.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.kb import firms as fm
from huiqi.kb import lists as m
from huiqi.kb.accounts import Principal, region_name
from huiqi.services.list_payments import BANK_ACCOUNT_KEY, ledger, state_label
from huiqi.services.lists import publicity_over, screen_firm
from huiqi.services.requests import load_calendar, local_date, now_utc

EXPORT_KINDS = ("公示", "payment", "台账")


def citation(bl: m.BenefitList) -> dict[str, Any]:
    """``{file, start_line, end_line}`` of the list's clause (1-based
    original lines, inclusive)."""
    return {"file": bl.source_file, "start_line": bl.start_line, "end_line": bl.end_line}


def basis_text(bl: m.BenefitList) -> str:
    """依据: ``《文件》 条款（文件名 第a–b行）``."""
    doc = f"《{bl.document_title}》" if bl.document_title else ""
    return f"{doc}{bl.title}（{bl.source_file} 第{bl.start_line}–{bl.end_line}行）"


def timeliness(session: Session, bl: m.BenefitList, e: m.ListEntry, cal=None, today: date | None = None) -> dict:
    """``{days, limit, on_time}``: working days from the list's creation
    (Beijing day, not counted) to the payment (or to ``today`` while
    unpaid); ``on_time`` ``None`` when the policy states no limit."""
    cal = cal or load_calendar(session)
    start = local_date(bl.created_at)
    end = local_date(e.paid_at) if e.paid_at else (today or local_date(now_utc()))
    days = cal.workdays_between(start, end)
    on_time = None if bl.limit_days is None else days <= bl.limit_days
    return {"days": days, "limit": bl.limit_days, "on_time": on_time, "paid": e.paid_at is not None}


def entry_dict(session: Session, bl: m.BenefitList, e: m.ListEntry, cal=None) -> dict[str, Any]:
    """JSON shape of an entry (officer view)."""
    return {"code": e.firm_code, "name": e.firm_name, "match_status": e.match_status, "amount_yuan": e.amount_yuan,
            "formula": e.formula, "reasons": e.reasons, "risk_flags": e.risk_flags, "decision": e.decision,
            "decision_label": m.DECISION_LABELS[e.decision], "reason": e.reason, "decided_by": e.decided_by,
            "profile_version": e.profile_version, "pay_status": e.pay_status, "pay_label": state_label(e.pay_status),
            "version": e.version, "entry_id": e.id, "citation": citation(bl),
            "timeliness": timeliness(session, bl, e, cal)}


def list_summary(bl: m.BenefitList) -> dict[str, Any]:
    """The list without its entries."""
    def iso(v):
        return v.isoformat() if v else None
    return {"id": bl.id, "status": bl.status, "status_label": m.LIST_STATUS_LABELS[bl.status], "mode": bl.mode,
            "mode_label": m.MODES[bl.mode], "clause_id": bl.clause_id, "clause_key": bl.clause_key,
            "title": bl.title, "document_title": bl.document_title, "citation": citation(bl),
            "as_of": iso(bl.as_of), "region": bl.region, "region_name": region_name(bl.region),
            "rule_version_id": bl.rule_version_id, "rule_origin": bl.rule_origin, "snapshot": bl.snapshot,
            "limit_days": bl.limit_days, "created_by": bl.created_by, "submitted_by": bl.submitted_by,
            "approved_by": bl.approved_by, "meeting_ref": bl.meeting_ref, "working_days": bl.working_days,
            "publicity_start": iso(bl.publicity_start), "publicity_end": iso(bl.publicity_end),
            "publicity_over": publicity_over(bl), "version": bl.version}


def entries(session: Session, bl: m.BenefitList) -> list[m.ListEntry]:
    """The entries of a list by firm name."""
    return list(session.scalars(select(m.ListEntry).where(m.ListEntry.list_id == bl.id)
                                .order_by(m.ListEntry.firm_name, m.ListEntry.firm_code)))


def list_view(session: Session, p: Principal, bl: m.BenefitList) -> dict[str, Any]:
    """``{…summary, firms: [entry], objections: [...], counts}``."""
    cal = load_calendar(session)
    es = entries(session, bl)
    objections = session.scalars(select(m.ListObjection).where(m.ListObjection.list_id == bl.id)
                                 .order_by(m.ListObjection.id))
    by_id = {e.id: e for e in es}
    return {**list_summary(bl), "firms": [entry_dict(session, bl, e, cal) for e in es],
            "objections": [{"id": o.id, "code": by_id[o.entry_id].firm_code, "name": by_id[o.entry_id].firm_name,
                            "content": o.content, "contact_name": o.contact_name, "contact_phone": o.contact_phone,
                            "filed_at": o.filed_at.isoformat(timespec="seconds"), "status": o.status,
                            "status_label": m.OBJECTION_LABELS[o.status], "decision_reason": o.decision_reason}
                           for o in objections],
            "counts": {d: sum(1 for e in es if e.decision == d) for d in m.DECISION_LABELS}}


def visible_lists(session: Session, p: Principal) -> list[dict[str, Any]]:
    """Summaries of the lists in ``p``'s scope, newest first."""
    rows = session.scalars(select(m.BenefitList).order_by(m.BenefitList.id.desc()))
    return [list_summary(bl) for bl in rows if p.sees(bl.region)]


def public_view(session: Session, list_id: int, now=None) -> dict[str, Any] | None:
    """The public 公示 data of a list in (or past) its 公示, ``None``
    otherwise: ``{id, title, basis, citation, publicity_start,
    publicity_end, open, rows: [{entry_id, 主体, 依据, 金额, 内容}]}``;
    ``open`` — objections are taken (at ``now``, default the clock)."""
    bl = session.get(m.BenefitList, list_id)
    if bl is None or bl.status not in (m.PUBLICIZING, m.CLOSED):
        return None
    basis = basis_text(bl)
    rows = [{"entry_id": e.id, "主体": e.firm_name or "", "依据": basis, "金额": e.amount_yuan,
             "内容": bl.content or bl.title} for e in entries(session, bl) if e.decision == m.INCLUDE]
    return {"id": bl.id, "title": bl.title, "document_title": bl.document_title, "basis": basis,
            "citation": citation(bl), "publicity_start": bl.publicity_start.isoformat(),
            "publicity_end": bl.publicity_end.isoformat(), "open": bl.status == m.PUBLICIZING and not publicity_over(bl, now),
            "rows": rows}


# ---------------------------------------------------------------- exports

def _money(v: float | None) -> float | str:
    return round(v, 2) if v is not None else ""


def export_rows(session: Session, bl: m.BenefitList, kind: str) -> dict[str, list[list[Any]]]:
    """Sheets of an export: ``{sheet name: rows (header first)}``. Raises
    ``ValueError`` for an unknown kind."""
    es = entries(session, bl)
    if kind == "公示":
        rows = [["序号", "主体", "依据", "金额（元）", "内容"]]
        basis = basis_text(bl)
        rows += [[i, e.firm_name or "", basis, _money(e.amount_yuan), bl.content or bl.title]
                 for i, e in enumerate([e for e in es if e.decision == m.INCLUDE], 1)]
        return {"公示名单": rows}
    if kind == "payment":
        profiles = {r.code: r.profile for r in session.scalars(select(fm.FirmProfileRow).where(
            fm.FirmProfileRow.code.in_([e.firm_code for e in es])))}
        rows = [["序号", "企业名称", "统一社会信用代码", "金额（元）", "银行账号", "兑现状态", "依据"]]
        pay = [e for e in es if e.decision == m.INCLUDE and e.pay_status in ("notified", "confirmed", "requested",
                                                                              "account_fixed", "paid")]
        for i, e in enumerate(pay, 1):
            acct = ((profiles.get(e.firm_code) or {}).get("facts") or {}).get(BANK_ACCOUNT_KEY[6:], "")
            rows.append([i, e.firm_name or "", e.firm_code, _money(e.amount_yuan), acct, state_label(e.pay_status),
                         basis_text(bl)])
        return {"拨付清单": rows}
    if kind == "台账":
        cal = load_calendar(session)
        rows = [["企业名称", "统一社会信用代码", "匹配结果", "金额（元）", "审核意见", "理由", "风险提示", "兑现状态",
                 "拨付日期", "用时（工作日）", "政策时限（工作日）", "是否按时", "依据"]]
        for e in es:
            t = timeliness(session, bl, e, cal)
            rows.append([e.firm_name or "", e.firm_code, e.match_status, _money(e.amount_yuan),
                         m.DECISION_LABELS[e.decision], e.reason or "", "、".join(e.risk_flags or []),
                         state_label(e.pay_status), local_date(e.paid_at).isoformat() if e.paid_at else "",
                         t["days"], t["limit"] if t["limit"] is not None else "无",
                         "" if t["on_time"] is None else ("是" if t["on_time"] else "否"), basis_text(bl)])
        codes = {e.id: e for e in es}
        events = [["时间", "企业名称", "统一社会信用代码", "操作", "原状态", "新状态", "金额（元）", "凭证号", "说明", "经办人"]]
        for ev in ledger(session, bl.id):
            e = codes.get(ev.entry_id)
            events.append([ev.at.isoformat(timespec="seconds"), e.firm_name if e else "", e.firm_code if e else "",
                           ev.action, state_label(ev.from_status), state_label(ev.to_status), _money(ev.amount_yuan),
                           ev.ref or "", ev.note or "", ev.actor])
        return {"兑现台账": rows, "兑现过程": events}
    raise ValueError(f"未知导出类型“{kind}”（可选：{'、'.join(EXPORT_KINDS)}）")


def export_xlsx(session: Session, bl: m.BenefitList, kind: str) -> bytes:
    """The export ``kind`` as an xlsx workbook (cells via safecell)."""
    from openpyxl import Workbook

    from huiqi.safecell import safe_row  # names, reasons and references are typed by people

    sheets = export_rows(session, bl, kind)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(safe_row(r))
        ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- rule change

def rescreen_diff(session: Session, p: Principal, bl: m.BenefitList, ruleset, as_of: date | None = None) -> dict:
    """What a NEW list of the same clause and mode would hold today,
    compared with ``bl`` (which stays as approved): ``{rule_version_id
    {old, new}, added: [code], removed: [code], amount_changed: [{code,
    old, new}], profile_changed: [code]}``. Uses the current published rule
    and stored profiles; nothing is written."""
    from huiqi.services.lists import _rule_version

    entry = ruleset.get(bl.clause_key) or ruleset.get(bl.clause_id)
    rv = _rule_version(session, entry) if entry else None
    as_of = as_of or bl.as_of
    wanted = ("likely", "needs_info") if bl.mode == "D" else ("eligible", "likely")
    now: dict[str, dict] = {}
    versions: dict[str, int] = {}
    if entry is not None:
        for row in session.scalars(select(fm.FirmProfileRow)):
            if p.sees(row.region):
                versions[row.code] = row.version
                s = screen_firm(entry, ruleset, row.profile, as_of)
                if s["status"] in wanted:
                    now[row.code] = s
    old = {e.firm_code: e for e in entries(session, bl)}
    # ``as_of`` defaults to the list's own date, so only rule and register changes show
    frozen = (bl.snapshot or {}).get("profiles", {})
    return {"list_id": bl.id, "rule_version_id": {"old": bl.rule_version_id, "new": rv.id if rv else None},
            "added": sorted(set(now) - set(old)), "removed": sorted(set(old) - set(now)),
            "amount_changed": [{"code": c, "old": old[c].amount_yuan, "new": now[c]["amount_yuan"]}
                               for c in sorted(set(now) & set(old)) if now[c]["amount_yuan"] != old[c].amount_yuan],
            "profile_changed": sorted(c for c, v in versions.items() if c in frozen and frozen[c] != v)}
