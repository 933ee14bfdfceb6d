"""The 公示 notice of a 免申即享 list (名单公示通知): when an approved list's
公示 starts, every included firm gets an inbox message and, through the
outbox, an e-mail (its 政策我能享受的 subscription or the register's e-mail
fact) in the same transaction as the status change. The message names the
policy, the amount and formula, the 公示 period, 无需申请 for modes A/B (the
firm confirms its account in mode C), the citation and the public page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.rules.money_format import fmt_yuan
from huiqi.services.push_message import public_url
from huiqi.services.push_targets import Targets

MODE_ACTIONS = {"A": "无需申请，自动享受", "B": "无需申请，数据比对后直接兑现", "C": "请在公示期后确认并提供收款账户",
                "D": "请按申报指南提出申请"}


def notify_publicity(session: Session, bl, at: datetime) -> int:
    """Queue and write the notices of list ``bl`` (a
    :class:`huiqi.kb.lists.BenefitList` entering 公示) for its included
    firms; returns the number of firms told. Dedupe per (list, firm)."""
    from huiqi.kb import lists as lm
    from huiqi.kb.firms import FirmProfileRow

    entries = list(session.scalars(select(lm.ListEntry).where(lm.ListEntry.list_id == bl.id,
                                                              lm.ListEntry.decision == lm.INCLUDE)))
    if not entries:
        return 0
    profiles = dict(session.execute(select(FirmProfileRow.code, FirmProfileRow.profile).where(
        FirmProfileRow.code.in_([e.firm_code for e in entries]))).all())
    targets = Targets(session, at)
    link = f"{public_url()}/gongshi/{bl.id}"
    for e in entries:
        amount = fmt_yuan(e.amount_yuan) if e.amount_yuan is not None else "按政策标准"
        subject = f"【免申即享名单公示】{bl.title}"
        body = "\n".join([
            f"企业：{e.firm_name or e.firm_code}",
            f"政策：{bl.document_title or ''} · {bl.title}",
            f"金额：{amount}" + (f"（计算：{e.formula}）" if e.formula else ""),
            f"公示期：{bl.publicity_start} 至 {bl.publicity_end}（{bl.working_days}个工作日），对名单有异议可在公示页提出",
            f"如何享受：{MODE_ACTIONS.get(bl.mode, '')}",
            f"原文：{bl.source_file} 第{bl.start_line}–{bl.end_line}行",
            f"链接：{link}",
        ])
        targets.firm_message(e.firm_code, profiles.get(e.firm_code) or {}, f"list:{bl.id}", "publicity", "listed",
                             e.amount_yuan, subject, body, link)
    targets.flush()
    return len(entries)
