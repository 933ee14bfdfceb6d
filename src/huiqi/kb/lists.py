"""免申即享 list tables (名单): a list for one policy clause with its frozen
inputs, its per-firm entries, public objections (异议) and the 兑现 ledger.

* :class:`BenefitList` — ``mode`` A (自动享受，不拨付), B (数据比对后直接拨付),
  C (推送后企业确认并提供账户再拨付), D (邀请未匹配企业申报); the frozen
  inputs: ``rule_version_id`` (the published rule version used),
  ``snapshot`` (统一社会信用代码 → ``firm_profiles.version`` screened),
  ``as_of``; the citation (``source_file``, ``start_line``, ``end_line``);
  the workflow ``status`` (:data:`LIST_STATUS_LABELS`), who created,
  submitted and approved it (four eyes), the ``meeting_ref`` (党组会 /
  行署会议纪要), the 公示 window (``publicity_start``/``publicity_end``,
  ``working_days``) and ``limit_days`` (the policy's own time limit in
  working days, for timeliness). ``version`` is the optimistic lock.
* :class:`ListEntry` — one firm on a list: its match (``match_status``,
  ``amount_yuan``, ``formula``, ``reasons``), ``risk_flags``, the officer's
  ``decision`` (include / exclude / hold) and ``reason``, the 兑现
  ``pay_status``; ``version`` the optimistic lock.
* :class:`ListObjection` — an objection filed on the public 公示 page.
* :class:`PaymentEvent` — append-only 兑现 ledger: one row per transition
  of an entry (notified → confirmed → requested → paid | failed → …,
  clawback), with amount and reference.

Migration ``0008_lists`` creates exactly these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.kb.models import Base

MODES = {"A": "自动享受（不拨付资金）", "B": "数据比对后直接拨付", "C": "推送后企业确认账户再拨付", "D": "邀请未匹配企业申报"}
#: modes that pay money: only published reviewed rules may feed them
MONEY_MODES = ("B", "C")

DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
PUBLICIZING = "publicizing"
CLOSED = "closed"
LIST_STATUS_LABELS = {DRAFT: "待提交", SUBMITTED: "待审批", APPROVED: "已审批待公示", PUBLICIZING: "公示中",
                      CLOSED: "已办结"}

INCLUDE = "include"
EXCLUDE = "exclude"
HOLD = "hold"
DECISION_LABELS = {INCLUDE: "纳入", EXCLUDE: "剔除", HOLD: "暂缓"}

OBJECTION_PENDING = "pending"
OBJECTION_UPHELD = "upheld"
OBJECTION_DISMISSED = "dismissed"
OBJECTION_LABELS = {OBJECTION_PENDING: "待核查", OBJECTION_UPHELD: "异议成立", OBJECTION_DISMISSED: "异议不成立"}


class BenefitList(Base):
    """One 免申即享 list (see the module docstring)."""

    __tablename__ = "benefit_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clause_id: Mapped[int] = mapped_column(Integer)
    clause_key: Mapped[str] = mapped_column(String(40), index=True)
    rule_version_id: Mapped[int | None] = mapped_column(Integer)
    rule_origin: Mapped[str] = mapped_column(String(16))
    stacking_group: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(1))
    as_of: Mapped[date] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(Text)
    document_title: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(Text)
    start_line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int] = mapped_column(Integer)
    content: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[Any] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), index=True)
    limit_days: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    meeting_ref: Mapped[str | None] = mapped_column(Text)
    working_days: Mapped[int | None] = mapped_column(Integer)
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_end: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ListEntry(Base):
    """One firm on a list (see the module docstring). ``profile_version``
    the frozen ``firm_profiles.version``; ``amount_yuan`` in yuan (元);
    ``pay_status`` the 兑现 state (``None`` before notification)."""

    __tablename__ = "list_entries"
    __table_args__ = (UniqueConstraint("list_id", "firm_code", name="uq_list_entries_firm"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("benefit_lists.id", ondelete="CASCADE"), index=True)
    firm_code: Mapped[str] = mapped_column(String(18), index=True)
    firm_name: Mapped[str | None] = mapped_column(Text)
    profile_version: Mapped[int] = mapped_column(Integer)
    match_status: Mapped[str] = mapped_column(String(16))
    amount_yuan: Mapped[float | None] = mapped_column(Float)
    formula: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[Any] = mapped_column(JSON, default=list)
    risk_flags: Mapped[Any] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    pay_status: Mapped[str | None] = mapped_column(String(16))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ListObjection(Base):
    """An objection (异议) filed on the public 公示 page against one entry:
    ``content``, the objector's name and phone (never shown publicly),
    ``ip_hash`` (SHA-256 of the address, for rate limiting), ``status``
    (:data:`OBJECTION_LABELS`) and the officer's decision."""

    __tablename__ = "list_objections"
    __table_args__ = (Index("ix_list_objections_ip_at", "ip_hash", "filed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("benefit_lists.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)


class PaymentEvent(Base):
    """One 兑现 transition of an entry (append-only): ``action`` (a key of
    ``data/list_payments.yaml``), ``from_status``/``to_status``,
    ``amount_yuan``, ``ref`` (拨付凭证号 / 退回原因 …), ``note``, who and when."""

    __tablename__ = "payment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("benefit_lists.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    amount_yuan: Mapped[float | None] = mapped_column(Float)
    ref: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
