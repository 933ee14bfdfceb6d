"""Knowledge-base tables (SQLAlchemy 2 declarative models).

One ingested file version is a :class:`SourceFile`; it holds
:class:`Document` rows (a file may be a compilation), each with its heading
tree (:class:`Node`) and its clauses (:class:`Clause`, 条款) with the facts
extracted from them. :class:`ClauseUnit` indexes clauses by responsible unit
(责任单位). Line numbers are 1-based lines of the ORIGINAL file, inclusive.

:class:`RuleVersion` keeps the rules of clauses (规则版本): what the
calculator, screening and the officer review read (see :mod:`huiqi.rules.store`).

The Alembic migrations (``0001_initial``, ``0002_rule_versions`` …) create
exactly these tables; a test checks that the two agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of all knowledge-base tables."""


class SourceFile(Base):
    """One version of one input file (源文件).

    ``name`` is the file name (the ``source.file`` of citations); ``version``
    counts 1, 2, … per file name (a storage sequence: unrelated files may
    share a name). The logical document (文件身份) is the *lineage*:
    ``lineage_id`` is the id of its first version, ``lineage_version`` counts
    1, 2, … within it (the version users see), and ``superseded_by_id`` names
    the file version that replaced this one (``None`` while current). A new
    file joins a lineage only when it is recognisably the same document (same
    name and the same 发文字号 or normalised title, see
    :mod:`huiqi.kb.identity`). ``is_current`` is true for the newest version
    of every lineage; older versions stay queryable. ``text`` is the whole
    original text (lines joined by ``\\n``) so citations can show original
    lines; ``kind`` the reader (txt/pdf/docx/html); ``sha256`` the hex digest
    of the file bytes.
    """

    __tablename__ = "source_files"
    __table_args__ = (
        UniqueConstraint("name", "version", name="uq_source_files_name_version"),
        Index("ix_source_files_name_current", "name", "is_current"),
        Index("ix_source_files_lineage_id", "lineage_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    n_lines: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    lineage_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lineage_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    documents: Mapped[list["Document"]] = relationship(
        back_populates="source_file", order_by="Document.seq", passive_deletes=True
    )


class Document(Base):
    """One document found in a file (文件).

    ``kind`` is ``document``/``guide``/``stub``/``front_matter``; ``seq`` its
    order in the file (0-based). ``level`` is the government level
    (国家/自治区/盟市/旗县), ``region`` the region name, ``doc_number`` the
    发文字号, ``issued`` the issue date (印发日期). ``validity_*`` are the
    document's own period of validity (有效期). ``supersedes`` and ``cited``
    are JSON lists of strings, ``context`` the enclosing compilation headings.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(
        ForeignKey("source_files.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(Text, index=True)
    region: Mapped[str | None] = mapped_column(Text, index=True)
    doc_number: Mapped[str | None] = mapped_column(Text)
    issued: Mapped[date | None] = mapped_column(Date)
    validity_start: Mapped[date | None] = mapped_column(Date)
    validity_end: Mapped[date | None] = mapped_column(Date)
    validity_basis: Mapped[str | None] = mapped_column(Text)
    validity_relative: Mapped[str | None] = mapped_column(Text)
    supersedes: Mapped[Any] = mapped_column(JSON, default=list)
    cited: Mapped[Any] = mapped_column(JSON, default=list)
    context: Mapped[Any] = mapped_column(JSON, default=list)
    has_body: Mapped[bool] = mapped_column(Boolean, default=True)
    start_line: Mapped[int | None] = mapped_column(Integer)
    end_line: Mapped[int | None] = mapped_column(Integer)

    source_file: Mapped[SourceFile] = relationship(back_populates="documents")


class Node(Base):
    """One node of a document's heading tree (标题树节点).

    ``parent_id`` is ``None`` for top-level nodes; ``seq`` is the pre-order
    position within the document (0-based). ``kind``/``role``/``label``/
    ``heading``/``field`` are those of :class:`huiqi.structure.model.Node`;
    ``text`` the normalised text of the node's own lines (children excluded).
    """

    __tablename__ = "nodes"
    __table_args__ = (Index("ix_nodes_document_seq", "document_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text, default="")
    heading: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str | None] = mapped_column(Text)
    start_line: Mapped[int | None] = mapped_column(Integer)
    end_line: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")


class Clause(Base):
    """One clause (条款): the smallest numbered item carrying policy content,
    or one whole service guide (服务指南).

    ``key`` is a stable clause key: SHA-1 hex of the document title, the
    heading path and the normalised text (for reviewed rules that must
    survive re-ingest). ``path`` is the JSON list of headings from the
    document root down to the clause; ``node_id`` the tree node it came from.
    Fact columns are JSON: ``responsible_units`` [str], ``amounts``
    [{value_yuan, role, text, per?}] (money in yuan 元), ``rates`` [str],
    ``thresholds`` [{attribute, op, value, unit, inclusive, text}],
    ``validity`` {start, end, basis, relative} (ISO dates), ``contacts``
    [{org, phone}], ``fields`` {canonical field name: text},
    ``doc_numbers`` [str], ``cited`` [str].
    """

    __tablename__ = "clauses"
    __table_args__ = (Index("ix_clauses_document_seq", "document_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    node_id: Mapped[int | None] = mapped_column(
        ForeignKey("nodes.id", ondelete="SET NULL"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40), index=True)
    path: Mapped[Any] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    start_line: Mapped[int | None] = mapped_column(Integer)
    end_line: Mapped[int | None] = mapped_column(Integer)
    responsible_units: Mapped[Any] = mapped_column(JSON, default=list)
    amounts: Mapped[Any] = mapped_column(JSON, default=list)
    rates: Mapped[Any] = mapped_column(JSON, default=list)
    thresholds: Mapped[Any] = mapped_column(JSON, default=list)
    validity: Mapped[Any] = mapped_column(JSON, default=dict)
    contacts: Mapped[Any] = mapped_column(JSON, default=list)
    fields: Mapped[Any] = mapped_column(JSON, default=dict)
    doc_numbers: Mapped[Any] = mapped_column(JSON, default=list)
    cited: Mapped[Any] = mapped_column(JSON, default=list)


class ClauseUnit(Base):
    """Responsible unit (责任单位) of a clause, one row per (clause, unit),
    for "which clauses is unit X responsible for" queries."""

    __tablename__ = "clause_units"

    clause_id: Mapped[int] = mapped_column(
        ForeignKey("clauses.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class RuleVersion(Base):
    """One version of the rule of a clause (规则版本).

    ``clause_key`` is :attr:`Clause.key` (stable across re-ingest of the same
    text); ``clause_id`` the current clause of that key when the version was
    written or last re-attached (``None`` for an orphan whose clause text
    changed). ``origin`` is ``extracted`` (written by ingest from the clause
    text; ``extractor`` is the extraction code's fingerprint) or ``reviewed``
    (written or corrected by a person). ``status`` is ``draft``,
    ``published`` (in use: at most one per key and origin) or ``retired``.
    ``body`` is the rule in the reviewed-YAML schema of
    :mod:`huiqi.rules.reviewed` (``conditions``, ``benefit``, ``tracks``,
    ``stacking``, ``validity``, ``beneficiary``, ``excerpt``, ``cases`` …,
    money in yuan). ``author`` / ``reviewer`` name who wrote and who approved
    it; ``source`` the file it was imported from. ``lock_version`` is the
    optimistic-locking counter (a stale update raises ``StaleDataError``).
    """

    __tablename__ = "rule_versions"
    __table_args__ = (
        UniqueConstraint("clause_key", "origin", "version", name="uq_rule_versions_key_origin_version"),
        Index("ix_rule_versions_key_status", "clause_key", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clause_key: Mapped[str] = mapped_column(String(40))
    clause_id: Mapped[int | None] = mapped_column(
        ForeignKey("clauses.id", ondelete="SET NULL"), index=True, nullable=True
    )
    version: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    beneficiary: Mapped[str | None] = mapped_column(String(16), nullable=True)
    body: Mapped[Any] = mapped_column(JSON, default=dict)
    extractor: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str] = mapped_column(String(128), default="")
    reviewer: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class PolicyLink(Base):
    """Policy identity (政策同一性): a clause that states the same policy as
    clauses of other documents (a regional list reprinted in a compilation,
    a city list restating a regional measure).

    One row per clause of a cluster of at least two clauses; the cluster is
    named by ``authority_id``, the clause of the issuing document (权威来源:
    not a reprint inside a compilation, earliest issue date, highest level),
    whose own row points at itself. ``similarity`` is the clause's best text
    similarity (character-shingle Jaccard, 0..1) to another member. Written
    by :func:`huiqi.kb.policy_identity.refresh_identity` after every ingest."""

    __tablename__ = "policy_links"

    clause_id: Mapped[int] = mapped_column(
        ForeignKey("clauses.id", ondelete="CASCADE"), primary_key=True
    )
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("clauses.id", ondelete="CASCADE"), index=True
    )
    similarity: Mapped[float] = mapped_column(Float, default=1.0)


# Officer-workspace tables (issue 12) live in their own modules; importing
# them here registers them on ``Base.metadata`` (migration 0003_accounts).
from huiqi.kb import accounts as _accounts, audit as _audit, lifecycle as _lifecycle  # noqa: E402,F401
# 诉求 tables (issue 14; migration 0006_requests).
from huiqi.kb import requests as _requests  # noqa: E402,F401
# Firm register (一企一档, issue 13; migration 0007_firms).
from huiqi.kb import firms as _firms  # noqa: E402,F401
# 免申即享 lists, 公示 and 兑现 (issue 13; migration 0008_lists).
from huiqi.kb import lists as _lists  # noqa: E402,F401
# Precise push (精准推送, issue 13; migration 0009_push).
from huiqi.kb import push as _push  # noqa: E402,F401
# Library version and change log (issue 17; migration 0010_library_state).
from huiqi.kb import library as _library  # noqa: E402,F401
# Stored files: 诉求 attachments and 解读 files (issue 17; migration 0011_stored_files).
from huiqi.kb import blobs as _blobs  # noqa: E402,F401
