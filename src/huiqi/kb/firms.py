"""Firm register tables (一企一档): firms under their 统一社会信用代码, their
dated and sourced facts, the imports that brought them, the corrections
firms file, and the materialised derived profile.

* :class:`Firm` — one firm (``code`` the 统一社会信用代码, unique).
* :class:`FirmFact` — one fact: ``key`` a profile key of
  :class:`huiqi.firm.profile.EnterpriseProfile` (``employees``,
  ``revenue``, ``qualifications`` …, or ``facts.<中文名>`` for a free fact
  such as ``facts.失信``), ``value`` JSON (money in yuan, dates ISO),
  ``source`` one of :data:`SOURCES`, ``as_of`` the date the fact refers to,
  ``import_id`` the :class:`FirmImport` that brought it (``None`` for a
  confirmed correction). Facts are append-only: a newer fact supersedes an
  older one in the derivation, nothing is overwritten.
* :class:`FirmImport` — one register file read (file, source, who, when,
  counts, per-row errors as Chinese lines).
* :class:`FactCorrection` — a firm's filed correction (更正申请) of one
  fact: ``status`` pending → confirmed (a 工作人员核实 fact is recorded) or
  rejected, with the officer who decided.
* :class:`FirmProfileRow` — the MATERIALISED derived profile (one row per
  firm): ``profile`` JSON (the EnterpriseProfile mapping derived by source
  priority, see :mod:`huiqi.services.firms`), ``version`` bumped on every
  change (lists freeze these versions as their register snapshot; the push
  work screens on changed versions), ``updated_at``.

Migration ``0007_firms`` creates exactly these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.kb.models import Base

# sources (数据来源)
SOURCE_MARKET = "市场监管"
SOURCE_TAX = "税务"
SOURCE_SOCIAL = "社保"
SOURCE_CREDIT = "信用"
SOURCE_QUALIFICATION = "资质名单"
SOURCE_SELF = "企业自报"
SOURCE_VERIFIED = "工作人员核实"
#: every accepted source, official registers first
SOURCES: tuple[str, ...] = (SOURCE_MARKET, SOURCE_TAX, SOURCE_SOCIAL, SOURCE_CREDIT, SOURCE_QUALIFICATION,
                            SOURCE_VERIFIED, SOURCE_SELF)

# correction states (更正申请状态)
CORRECTION_PENDING = "pending"
CORRECTION_CONFIRMED = "confirmed"
CORRECTION_REJECTED = "rejected"
CORRECTION_LABELS = {CORRECTION_PENDING: "待核实", CORRECTION_CONFIRMED: "已核实", CORRECTION_REJECTED: "不予更正"}


class Firm(Base):
    """One firm (企业): ``code`` the 统一社会信用代码 (18 characters,
    unique), ``name``, ``region`` the GB/T 2260 division code of its 注册地
    (the scope officers are checked against), ``created_at``/``updated_at``
    (UTC)."""

    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FirmImport(Base):
    """One register import (导入批次): ``file_name`` as given, ``source``
    (:data:`SOURCES`), ``actor`` (user name or ``cli``), ``at`` (UTC),
    counts (``n_rows`` read, ``n_firms`` stored, ``n_facts`` recorded,
    ``n_errors`` skipped rows), ``errors`` the per-row Chinese lines
    (``第5行（从业人员）：…``), ``changed`` the firm codes whose profile
    version changed."""

    __tablename__ = "firm_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    n_firms: Mapped[int] = mapped_column(Integer, default=0)
    n_facts: Mapped[int] = mapped_column(Integer, default=0)
    n_errors: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[Any] = mapped_column(JSON, default=list)
    changed: Mapped[Any] = mapped_column(JSON, default=list)


class FirmFact(Base):
    """One sourced, dated fact of a firm (see the module docstring).
    ``recorded_at`` is when it was stored (UTC)."""

    __tablename__ = "firm_facts"
    __table_args__ = (Index("ix_firm_facts_firm_key", "firm_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("firm_imports.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class FactCorrection(Base):
    """A correction a firm files (更正申请): the fact ``key``, the
    ``proposed`` value (JSON), the firm's ``note``, who filed it and when;
    ``status`` (:data:`CORRECTION_LABELS`), the deciding officer
    (``officer``), ``decided_at``, ``decision_note`` and the resulting
    ``fact_id`` (a 工作人员核实 fact) when confirmed."""

    __tablename__ = "fact_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    proposed: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), index=True)
    officer: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("firm_facts.id", ondelete="SET NULL"))


class FirmProfileRow(Base):
    """The materialised derived profile (企业画像) of one firm: ``code``
    (统一社会信用代码, primary key), ``region`` (division code, for SQL
    screening by region), ``profile`` (the EnterpriseProfile mapping, money
    in yuan), ``sources`` (key → the source and as_of that won),
    ``version`` (1, 2, … bumped on each change), ``updated_at`` (UTC)."""

    __tablename__ = "firm_profiles"

    code: Mapped[str] = mapped_column(String(18), ForeignKey("firms.code", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(12), index=True)
    profile: Mapped[Any] = mapped_column(JSON)
    sources: Mapped[Any] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
