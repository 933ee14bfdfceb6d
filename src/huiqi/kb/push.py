"""Precise-push tables (精准推送): subscriptions, the last screening result
per (firm, policy, rule version), and the outbox.

* :class:`Subscription` — a firm or a user subscribes (订阅) either to a
  topic (``kind`` ``topic``: ``keywords`` as typed and ``terms`` segmented
  like search, ``region`` a GB/T 2260 code, ``level``
  国家/自治区/盟市/旗县, ``department`` a responsible unit, ``industry`` a
  GB/T 4754 code or name) or simply to 政策我能享受的 (``kind``
  ``eligible``). ``frequency`` instant/daily/weekly, ``channels`` a list of
  inbox/email/sms/wecom with the addresses ``email``, ``phone``,
  ``wecom_id``.
* :class:`ScreenResult` — the last result (筛查结果) of one firm
  (统一社会信用代码 ``firm_code``) for one policy (``policy_key``, the
  clause key) under one published rule version (``rule_version_id``;
  ``rule_digest`` a digest of the rule body, equal across re-ingests of an
  unchanged rule): ``status`` (eligible / likely / needs_info /
  ineligible), ``amount_min``/``amount_max`` in yuan, ``why`` (reasons, the
  formula, citation), ``checked`` (the deciding condition was checked
  against a fact of the firm). Only results that are or were eligible or
  likely are stored: no row means "never eligible nor likely".
* :class:`OutboxMessage` — one message to send (发件箱): ``channel``
  (inbox/email/sms/wecom, or ``screen`` for a screening job written in the
  same transaction as its cause), ``recipient``, ``subject``, ``body``,
  ``dedupe_key`` (UNIQUE: nothing is sent twice), ``status``
  pending/sent/failed, ``attempts``, ``next_attempt_at`` (UTC; a digest
  message waits until its digest time), ``batch`` instant/daily/weekly,
  ``last_error``, ``created_at``, ``sent_at``.

The in-app inbox is :class:`huiqi.kb.requests.Notification` (recipient
kind ``firm`` or ``user``); migration ``0009_push`` adds its
``dedupe_key`` (UNIQUE) and ``link``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.kb.models import Base

FREQUENCIES = ("instant", "daily", "weekly")
FREQUENCY_LABELS = {"instant": "即时", "daily": "每日汇总", "weekly": "每周汇总"}
CHANNELS = ("inbox", "email", "sms", "wecom")
CHANNEL_LABELS = {"inbox": "站内信", "email": "电子邮件", "sms": "短信", "wecom": "企业微信"}
KIND_TOPIC = "topic"
KIND_ELIGIBLE = "eligible"
KIND_LABELS = {KIND_TOPIC: "按主题订阅", KIND_ELIGIBLE: "政策我能享受的"}
#: outbox channel of a screening job (not sent to anyone: processed by the push service)
CHANNEL_SCREEN = "screen"
OUTBOX_PENDING, OUTBOX_SENT, OUTBOX_FAILED = "pending", "sent", "failed"


class Subscription(Base):
    """One subscription (订阅), see the module docstring. ``owner_kind``
    ``user`` (``owner`` the user id as text) or ``firm`` (``owner`` the
    统一社会信用代码); ``created_by`` the user id; ``active`` false once
    deleted (kept for the audit trail)."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_owner", "owner_kind", "owner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(8))
    owner: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    keywords: Mapped[Any] = mapped_column(JSON, default=list)
    terms: Mapped[Any] = mapped_column(JSON, default=list)
    region: Mapped[str | None] = mapped_column(String(12))
    level: Mapped[str | None] = mapped_column(String(8))
    department: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(String(32))
    frequency: Mapped[str] = mapped_column(String(8))
    channels: Mapped[Any] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    wecom_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ScreenResult(Base):
    """The last screening result of a firm for a policy under one rule
    version (see the module docstring)."""

    __tablename__ = "screen_results"
    __table_args__ = (
        UniqueConstraint("firm_code", "policy_key", "rule_version_id", name="uq_screen_results"),
        Index("ix_screen_results_policy", "policy_key", "firm_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_code: Mapped[str] = mapped_column(String(18))
    policy_key: Mapped[str] = mapped_column(String(40))
    clause_id: Mapped[int | None] = mapped_column(Integer)
    rule_version_id: Mapped[int] = mapped_column(Integer)
    rule_digest: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))
    amount_min: Mapped[float | None] = mapped_column(Float)
    amount_max: Mapped[float | None] = mapped_column(Float)
    why: Mapped[Any] = mapped_column(JSON, default=dict)
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    profile_version: Mapped[int | None] = mapped_column(Integer)
    screened_at: Mapped[datetime] = mapped_column(DateTime)


class OutboxMessage(Base):
    """One outbox message (see the module docstring)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(8), default=OUTBOX_PENDING)
    batch: Mapped[str] = mapped_column(String(8), default="instant")
    firm_code: Mapped[str | None] = mapped_column(String(18), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
