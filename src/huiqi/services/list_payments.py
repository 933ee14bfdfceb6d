"""兑现 (disbursement) of list entries: a transition table as data
(``data/list_payments.yaml``) applied to :class:`~huiqi.kb.lists.ListEntry`,
each step appended to the 兑现 ledger (:class:`~huiqi.kb.lists.PaymentEvent`).

States: 已通知 notified → 企业已确认账户 confirmed (mode C) → 已申请拨付
requested → 已拨付 paid | 拨付失败 failed → 账户已更正 account_fixed →
requested … ; paid → 已追回 clawed_back. A bank account given with
``confirm`` or ``fix_account`` is stored as the firm's ``facts.银行账号``
fact (source 工作人员核实: restricted, never on the public page), not in the
ledger.

Guards: money actions only on lists of mode B/C, after the 公示 ended
(:func:`huiqi.services.lists.publicity_over`), for an included entry with
no pending objection.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.kb import firms as fm
from huiqi.kb import lists as m
from huiqi.kb.accounts import Principal
from huiqi.services.firms import refresh_profiles
from huiqi.services.lists import ListError, _entry, get_list, publicity_over
from huiqi.services.requests import now_utc

BANK_ACCOUNT_KEY = "facts.银行账号"


@lru_cache(maxsize=1)
def payment_flow() -> dict[str, Any]:
    """``data/list_payments.yaml``: ``states`` (key → label) and
    ``actions`` (key → {label, from, to, modes, needs})."""
    return yaml.safe_load(resources.files("huiqi").joinpath("data/list_payments.yaml").read_text(encoding="utf-8"))


def state_label(state: str | None) -> str:
    """Chinese label of a 兑现 state (``未通知`` for none)."""
    return payment_flow()["states"].get(state, state) if state else "未通知"


def allowed_from(action: str, mode: str) -> list[str | None]:
    """The states ``action`` may start from on a list of ``mode``."""
    spec = payment_flow()["actions"][action]
    frm = spec["from"]
    return list(frm.get(mode, [])) if isinstance(frm, dict) else list(frm)


def record_payment(session: Session, p: Principal, list_id: int, code: str, action: str, *,
                   amount_yuan: float | None = None, ref: str | None = None, note: str | None = None,
                   account: str | None = None, now: datetime | None = None) -> m.PaymentEvent:
    """Apply one 兑现 ``action`` to the firm ``code`` on list ``list_id``
    and append it to the ledger. ``amount_yuan`` defaults to the entry's
    amount (元); ``ref`` the payment voucher (拨付凭证号, needed by
    ``paid``); ``note`` the reason (``failed``, ``clawback``); ``account``
    the bank account (``confirm``, ``fix_account``). Raises
    :class:`ListError` 404 (unknown list/firm), 409 (a step not allowed
    from the current state, before the 公示 ended, with a pending
    objection), 422 (unknown action, a missing field)."""
    flow = payment_flow()["actions"]
    if action not in flow:
        raise ListError(422, f"未知兑现操作“{str(action)[:20]}”（可选：{'、'.join(flow)}）", "action")
    spec = flow[action]
    bl = get_list(session, p, list_id)
    if bl.mode not in spec["modes"]:
        raise ListError(409, f"{m.MODES[bl.mode]}名单不办理“{spec['label']}”", "action")
    now = now or now_utc()
    if bl.status != m.PUBLICIZING or not publicity_over(bl, now):
        end = bl.publicity_end.isoformat() if bl.publicity_end else "（尚未公示）"
        raise ListError(409, f"公示期满后才能办理兑现（公示截止 {end}）", "status")
    e = _entry(session, bl, code)
    if e.decision != m.INCLUDE:
        raise ListError(409, f"该企业未纳入名单（{m.DECISION_LABELS[e.decision]}），不能兑现")
    pending = session.scalar(select(func.count(m.ListObjection.id)).where(
        m.ListObjection.entry_id == e.id, m.ListObjection.status == m.OBJECTION_PENDING)) or 0
    if pending:
        raise ListError(409, "该企业有待核查的异议，核查后才能兑现")
    if e.pay_status not in allowed_from(action, bl.mode):
        raise ListError(409, f"当前兑现状态为“{state_label(e.pay_status)}”，不能“{spec['label']}”", "action")
    given = {"ref": (ref or "").strip(), "note": (note or "").strip(), "account": (account or "").strip()}
    for need in spec.get("needs", []):
        if not given[need]:
            label = {"ref": "拨付凭证号", "note": "原因", "account": "银行账号"}[need]
            raise ListError(422, f"“{spec['label']}”须填写{label}", need)
    if amount_yuan is not None and (not isinstance(amount_yuan, (int, float)) or amount_yuan < 0):
        raise ListError(422, "金额应为非负数（元）", "amount_yuan")
    if given["account"]:
        firm = session.scalar(select(fm.Firm).where(fm.Firm.code == e.firm_code))
        session.add(fm.FirmFact(firm_id=firm.id, key=BANK_ACCOUNT_KEY, value=given["account"][:64],
                                source=fm.SOURCE_VERIFIED, as_of=now.date(), import_id=None, recorded_at=now))
        session.flush()
        refresh_profiles(session, [firm.id], now)
    ev = m.PaymentEvent(list_id=bl.id, entry_id=e.id, action=action, from_status=e.pay_status, to_status=spec["to"],
                        amount_yuan=amount_yuan if amount_yuan is not None else e.amount_yuan,
                        ref=given["ref"][:200] or None, note=given["note"][:500] or None, actor=p.username, at=now)
    session.add(ev)
    e.pay_status = spec["to"]
    if spec["to"] == "paid":
        e.paid_at = now
    e.version += 1
    bl.updated_at = now
    session.flush()
    return ev


def ledger(session: Session, list_id: int) -> list[m.PaymentEvent]:
    """The 兑现 events of a list in order."""
    return list(session.scalars(select(m.PaymentEvent).where(m.PaymentEvent.list_id == list_id)
                                .order_by(m.PaymentEvent.id)))
