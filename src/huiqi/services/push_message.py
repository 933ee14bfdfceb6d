"""Push messages (推送消息): what a firm or subscriber is told, and when.

A message for one (firm, policy) result of the calculator
(:func:`huiqi.calc.engine.match` item) names the policy and its 发文字号,
the amount and its formula, why the firm matched (the conditions met,
quoting the text), how to apply or 无需申请 (免申即享), whom to call, the
original file and line range, and a link. Wording by status:

* ``eligible`` — 符合;
* ``likely`` — 可能符合（待确认：…）, only when the deciding condition was
  checked against a fact of the firm;
* ``needs_info`` — never 符合: 可能适用，需补充：<missing facts>.

Digest times (汇总): daily at 08:00 Beijing time the next morning, weekly
at 08:00 on Monday.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, timedelta, timezone
from typing import Any

from huiqi.rules.money_format import fmt_yuan

BEIJING = timezone(timedelta(hours=8))
#: environment variable: the public address of the web service, for links
ENV_PUBLIC_URL = "HUIQI_PUBLIC_URL"
STATUS_WORDS = {"eligible": "符合", "likely": "可能符合，待确认", "needs_info": "可能适用，需补充信息"}


def public_url() -> str:
    """The web service's public address (``$HUIQI_PUBLIC_URL``, default
    ``http://127.0.0.1:8000``), without a trailing slash."""
    return (os.environ.get(ENV_PUBLIC_URL) or "http://127.0.0.1:8000").rstrip("/")


def dedupe_key(*parts: Any) -> str:
    """A 40-hex digest of ``parts`` (the outbox / inbox unique key)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:40]


def amount_text(benefit: dict | None) -> str:
    """``"30万元"`` / ``"10万元至50万元"`` / ``""`` from a benefit ``{min_yuan, max_yuan}``."""
    if not benefit:
        return ""
    lo, hi = benefit.get("min_yuan"), benefit.get("max_yuan")
    if lo is None and hi is None:
        return ""
    if lo is None or hi is None or lo == hi:
        return fmt_yuan(hi if hi is not None else lo)
    return f"{fmt_yuan(lo)}至{fmt_yuan(hi)}"


def how_to_apply(apply: dict | None) -> str:
    """One line: 无需申请 for 免申即享, else the accepting body, materials, time limit and window."""
    apply = apply or {}
    if apply.get("mode") == "免申即享":
        return "无需申请（免申即享），符合条件的由主管部门直接兑现"
    parts = []
    if apply.get("accepting_body"):
        parts.append(f"受理机构：{apply['accepting_body']}")
    if apply.get("window"):
        parts.append(f"申报时间：{apply['window']}")
    if apply.get("materials"):
        parts.append(f"申报材料：{apply['materials']}")
    if apply.get("time_limit"):
        parts.append(f"办理时限：{apply['time_limit']}")
    head = "需申报" if apply.get("mode") == "需申报" else "申报方式待确认"
    return head + ("；" + "；".join(parts) if parts else "，请向责任单位咨询")


def whom_to_call(item: dict) -> str:
    """Contacts of the clause (org and phone), else the apply phone, else the accepting body."""
    out = [f"{c.get('org') or ''}{c.get('phone') or ''}".strip() for c in item.get("contacts") or []]
    out = [x for x in out if x]
    apply = item.get("apply") or {}
    if not out and apply.get("phone"):
        out.append(f"{apply.get('accepting_body') or ''}{apply['phone']}")
    if not out and apply.get("accepting_body"):
        out.append(f"{apply['accepting_body']}（电话见政策原文）")
    return "；".join(out) or "见政策原文"


def citation(item: dict) -> str:
    """``文件 000_x.txt 第62–64行`` from the item's ``source``."""
    src = item.get("source") or {}
    a, b = src.get("start_line"), src.get("end_line")
    lines = f"第{a}行" if a == b else f"第{a}–{b}行"
    return f"{src.get('file', '')} {lines}"


def policy_line(item: dict, doc_number: str | None) -> str:
    """``文件标题（文号）· 条款``."""
    doc = item.get("document") or {}
    num = f"（{doc_number}）" if doc_number else ""
    return f"{doc.get('title') or ''}{num} · {item.get('title') or ''}"


def compose(item: dict, firm_name: str | None, doc_number: str | None = None, *,
            previous_amount: float | None = None) -> tuple[str, str, str]:
    """``(subject, body, link)`` for one calculator item for one firm.
    Raises ``ValueError`` for a status that is never pushed (ineligible,
    expired, unchecked)."""
    status = item.get("status")
    if status not in STATUS_WORDS:
        raise ValueError(f"状态 {status} 不推送")
    title = item.get("title") or ""
    amount = amount_text(item.get("benefit"))
    link = f"{public_url()}/clause/{item.get('id')}"
    if status == "needs_info":
        missing = "、".join(item.get("missing") or []) or "相关信息"
        subject = f"【可能适用，需补充：{missing}】{title}"
    else:
        rise = previous_amount is not None and amount
        subject = f"【{STATUS_WORDS[status]}{'，金额提高' if rise else ''}】{title}"
    met = [r for r in item.get("reasons") or [] if r.get("outcome") == "met"]
    todo = [r for r in item.get("reasons") or [] if r.get("outcome") == "to_confirm"]
    lines = [f"企业：{firm_name or ''}", f"政策：{policy_line(item, doc_number)}"]
    if amount:
        formula = (item.get("benefit") or {}).get("formula") or ""
        lines.append(f"金额：{amount}" + (f"（计算：{formula}）" if formula else "")
                     + (f"，此前为{fmt_yuan(previous_amount)}" if previous_amount is not None else ""))
    if status == "needs_info":
        lines.append("结论：可能适用，需补充：" + ("、".join(item.get("missing") or []) or "相关信息") + "（补充后再判断，不代表符合）")
    lines.append("为什么：" + ("；".join(f"{r.get('condition')}（{r.get('detail') or ''}）" for r in met[:6]) or "—"))
    if todo:
        lines.append("待确认：" + "；".join(str(r.get("condition")) for r in todo[:6]))
    lines.append("如何申请：" + how_to_apply(item.get("apply")))
    lines.append("咨询：" + whom_to_call(item))
    lines.append("原文：" + citation(item))
    lines.append("链接：" + link)
    return subject, "\n".join(lines), link


def topic_message(entry: Any, doc_number: str | None) -> tuple[str, str, str]:
    """``(subject, body, link)`` announcing a published or changed policy
    (a :class:`huiqi.calc.engine.RuleEntry`) to a topic subscriber."""
    doc = entry.document or {}
    num = f"（{doc_number}）" if doc_number else ""
    src = entry.source or {}
    link = f"{public_url()}/clause/{entry.id}"
    body = "\n".join([f"政策：{doc.get('title') or ''}{num} · {entry.title}",
                      f"内容：{(entry.text or '')[:300]}",
                      f"原文：{src.get('file', '')} 第{src.get('start_line')}–{src.get('end_line')}行",
                      f"链接：{link}"])
    return f"【政策更新】{entry.title}", body, link


def due_at(frequency: str, at: datetime) -> datetime:
    """When a message of a subscription with ``frequency`` is due (naive
    UTC): ``at`` for instant, the next 08:00 Beijing for daily, the next
    Monday 08:00 Beijing for weekly."""
    if frequency == "instant":
        return at
    local = at.replace(tzinfo=timezone.utc).astimezone(BEIJING)
    day: date = local.date() + timedelta(days=1)
    if frequency == "weekly":
        day = local.date() + timedelta(days=7 - local.weekday())
    t = datetime(day.year, day.month, day.day, 8, tzinfo=BEIJING)
    return t.astimezone(timezone.utc).replace(tzinfo=None)
