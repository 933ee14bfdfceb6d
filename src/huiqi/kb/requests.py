"""诉求 (firms' requests) tables: the request itself, its append-only event
log (诉求办理台账), its clocks (时限), the escalations issued on them (提醒、
催办、督办、通报), the inbox of notifications, and the officer-maintained
working-day calendar overrides.

Mechanism: 阿拉善盟 民营企业诉求受理帮办代办 (seed 003, lines 3826–3868): 1
working day to route (分办转办); 3 working days for 一般 matters and 无法办理
(with reasons); at most 10 for 复杂; every 10 for 难以短期办理 (阶段性结果);
"谁办理、谁反馈"; 重新办理 when the firm is dissatisfied; 回访 by the 盟
service department; 台账; 通报 and 督办.

Concurrency: :class:`Request` carries ``version`` (optimistic lock: the
service updates with ``WHERE version = :v``); events are unique per
``(request_id, seq)`` and per ``(request_id, dedupe_key)`` (a double submit
of the same form yields one event); escalations are unique per
``(clock_id, rung)`` (two ticks never issue a rung twice). Migration
``0006_requests`` adds triggers that refuse UPDATE and DELETE on
``request_events``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.kb.models import Base

# states (状态)
SUBMITTED = "submitted"
ROUTED_EXTERNAL = "routed_external"
NOT_ACCEPTED = "not_accepted"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
REPLIED = "replied"
REVISIT = "revisit"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
STATUS_LABELS = {
    SUBMITTED: "待分办", ROUTED_EXTERNAL: "已转政务服务渠道", NOT_ACCEPTED: "不予受理", ASSIGNED: "已转办待签收",
    IN_PROGRESS: "办理中", REPLIED: "已反馈待企业意见", REVISIT: "待回访", CLOSED: "已办结", WITHDRAWN: "已撤回",
}
OPEN_STATES = (SUBMITTED, ASSIGNED, IN_PROGRESS, REPLIED, REVISIT)

# classes (分类) and their limits in working days (003:3844)
CLASS_GENERAL = "一般"
CLASS_COMPLEX = "复杂"
CLASS_LONG = "难以短期办理"
CLASS_REFUSE = "无法办理"
CLASS_EXTERNAL = "政务服务渠道"
CLASSES = (CLASS_GENERAL, CLASS_COMPLEX, CLASS_LONG, CLASS_REFUSE, CLASS_EXTERNAL)

# clock kinds (时限种类)
CLOCK_TRIAGE = "triage"
CLOCK_SIGN = "sign"
CLOCK_REPLY = "reply"
CLOCK_INTERIM = "interim"
CLOCK_FINAL = "final"
CLOCK_REOPEN = "reopen_reply"
CLOCK_OPINION = "opinion"
CLOCK_REVISIT = "revisit"
CLOCK_LABELS = {
    CLOCK_TRIAGE: "分办转办", CLOCK_SIGN: "签收", CLOCK_REPLY: "办结反馈", CLOCK_INTERIM: "阶段性反馈",
    CLOCK_FINAL: "承诺办结", CLOCK_REOPEN: "重新办理反馈", CLOCK_OPINION: "企业意见", CLOCK_REVISIT: "回访",
}

# escalation rungs (督办阶梯)
RUNG_REMIND = "提醒"
RUNG_URGE = "催办"
RUNG_SUPERVISE = "督办"
RUNG_NOTICE = "通报"
RUNGS = (RUNG_REMIND, RUNG_URGE, RUNG_SUPERVISE, RUNG_NOTICE)


class Request(Base):
    """One 诉求. ``no`` the number shown to people (``SQ-2026-000001``);
    ``query_code`` the 进度查询码 (with the last 4 digits of
    ``contact_phone`` it opens the public status page); ``firm_code`` the
    统一社会信用代码 of the firm; ``submit_key`` the form token of the
    submission (unique: a double submit creates one request); ``region`` the division code concerned (the
    scope officers are checked against); ``unit`` the 承办 unit after
    routing; ``request_class`` one of :data:`CLASSES`; ``status`` one of
    :data:`STATUS_LABELS`; ``version`` the optimistic lock; counters
    ``return_count`` (退回) and ``reopen_count`` (重新办理)."""

    __tablename__ = "requests"
    __table_args__ = (Index("ix_requests_status_region", "status", "region"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[str | None] = mapped_column(String(24), unique=True)
    submit_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    query_code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(12), index=True)
    firm_code: Mapped[str] = mapped_column(String(18), index=True)
    firm_name: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    clause_ids: Mapped[Any] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)
    request_class: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(Text)
    external_channel: Mapped[str | None] = mapped_column(Text)
    declared_due: Mapped[date | None] = mapped_column(Date)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    routed_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class RequestEvent(Base):
    """One step of a 诉求 (append-only; the 台账 and the audit trail):
    ``seq`` 1, 2, … per request; ``kind`` the transition (``submit``,
    ``route``, ``sign``, ``reply`` …) or ``escalate``/``clock_recomputed``;
    ``from_status``/``to_status``; the actor (user id, name, unit; ``None``
    and ``system`` for the tick); ``payload`` the form's fields;
    ``visible_to_firm``; ``dedupe_key`` the form token of the submit."""

    __tablename__ = "request_events"
    __table_args__ = (UniqueConstraint("request_id", "seq", name="uq_request_events_seq"),
                      UniqueConstraint("request_id", "dedupe_key", name="uq_request_events_dedupe"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_unit: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[Any] = mapped_column(JSON, default=dict)
    visible_to_firm: Mapped[bool] = mapped_column(Boolean, default=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(64))


class RequestClock(Base):
    """One time limit (时限) as a row: ``kind`` (:data:`CLOCK_LABELS`),
    ``n`` the sequence of that kind on the request (interim 1, 2, …),
    ``days`` the limit in working days (``None`` for a declared date),
    ``start_at`` (UTC) and ``start_date`` (the local day of receipt, not
    counted), ``due_date`` (end of that local day), ``met_at``,
    ``breached_at`` (set by the tick: the end of ``due_date``),
    ``cancelled_at``, ``provisional`` (the calendar was 待确认 somewhere in
    the span) and ``unit`` (who must act)."""

    __tablename__ = "request_clocks"
    __table_args__ = (UniqueConstraint("request_id", "kind", "n", name="uq_request_clocks_kind_n"),
                      Index("ix_request_clocks_open", "met_at", "cancelled_at", "due_date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    n: Mapped[int] = mapped_column(Integer, default=1)
    days: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(Text)
    start_at: Mapped[datetime] = mapped_column(DateTime)
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    met_at: Mapped[datetime | None] = mapped_column(DateTime)
    breached_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)


class RequestEscalation(Base):
    """One rung of the escalation ladder issued on one clock: ``rung`` one
    of :data:`RUNGS`, at most once per clock (unique), with the tick's
    ``issued_at`` and ``overdue_days`` (working days past due)."""

    __tablename__ = "request_escalations"
    __table_args__ = (UniqueConstraint("clock_id", "rung", name="uq_request_escalations_clock_rung"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("request_clocks.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    rung: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(Text)
    overdue_days: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(DateTime)


class Notification(Base):
    """The inbox (站内通知) until the push issue's outbox exists: one message
    to a ``recipient_kind`` (``unit``, ``firm``, ``region``) named by
    ``recipient`` (a unit name, a 统一社会信用代码, a division code)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient", "recipient_kind", "recipient"),
                      Index("uq_notifications_dedupe", "dedupe_key", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: push messages (精准推送, migration 0009_push): unique per message, and a link to the policy
    dedupe_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link: Mapped[str | None] = mapped_column(Text, nullable=True)


class RequestAttachment(Base):
    """A file of a request (材料): ``file_name`` as uploaded, ``stored_name``
    the random name under ``<derived dir>/request_attachments``, ``size`` in
    bytes, who uploaded it and when."""

    __tablename__ = "request_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    stored_name: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)


class CalendarOverride(Base):
    """One day of the working-day calendar set by an officer or imported
    from the yearly 放假安排 notice: ``is_workday``, ``note`` (holiday name
    or 调休), ``source_doc`` (the notice), who and when."""

    __tablename__ = "work_calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    source_doc: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
