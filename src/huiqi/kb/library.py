"""Library version and change log (文库版本与变更记录): what every host of one
database catches up to.

Several ``huiqi serve`` processes (standing in for hosts) share one
database. Whatever a search index or a compiled rule set is derived from —
source files and their clauses, the lifecycle of documents (publish,
repeal, metadata corrections), rule versions, policy clusters — changes only
through writers that call :func:`record_change` **in the transaction of the
change**. Each call takes the next number of the one-row counter
``library_state.seq`` (an ``UPDATE … SET seq = seq + 1``: the row lock
serialises writers, so sequence numbers are committed in order, never with
a gap a reader could skip) and appends a row to ``library_changes``.

A host remembers the ``seq`` its derived state reflects and reads
:func:`library_version` (one primary-key lookup) to see whether it is
behind, then :func:`changes_since` to know what moved (documents → search
index, rule set and caches; rules only → rule set). ``library_id`` (random,
written by the migration) makes ``(library_id, seq)`` a key for derived
files that a different database at the same URL can never share.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from huiqi.kb.models import Base

#: change kinds: a file version / document visibility changed (search index,
#: rule set and caches follow), rule versions changed (rule set follows),
#: policy clusters recomputed (search and rule set follow)
KIND_DOCUMENT = "document"
KIND_RULES = "rules"
KIND_IDENTITY = "identity"
KINDS = (KIND_DOCUMENT, KIND_RULES, KIND_IDENTITY)
#: the id of the one row of ``library_state``
STATE_ROW = 1


class LibraryState(Base):
    """The one row (id 1) holding the latest change number ``seq`` and the
    database's random ``library_id``."""

    __tablename__ = "library_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class LibraryChange(Base):
    """One committed change of the library: ``seq`` (1, 2, …), ``at`` (UTC),
    ``kind`` (:data:`KINDS`), ``action`` (``added``, ``replaced``,
    ``published``, ``repealed``, ``edited``, ``approved``, ``imported``,
    ``extracted``, ``rekeyed``, ``recomputed`` …) and the ids it concerns."""

    __tablename__ = "library_changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    source_file_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rule_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[Any] = mapped_column(JSON, nullable=True)


@dataclass(frozen=True)
class LibraryVersion:
    """Where a database's library stands: ``library_id`` (random per
    database) and ``seq`` (number of the latest committed change, 0 before
    any). ``key`` is ``"<library_id>:<seq>"``, the name of derived state."""

    library_id: str
    seq: int

    @property
    def key(self) -> str:
        return f"{self.library_id}:{self.seq}"


def new_library_id() -> str:
    """A random 32-hex-digit library id."""
    return uuid.uuid4().hex


def record_change(session: Session, kind: str, action: str, *, source_file_id: int | None = None,
                  document_id: int | None = None, rule_version_id: int | None = None,
                  detail: Any = None) -> int:
    """Append a change in ``session``'s transaction and return its ``seq``.
    Call it as late as possible in the writing transaction: the counter row
    stays locked until commit (other writers wait; readers never do).
    Raises ``ValueError`` for an unknown ``kind``; SQLAlchemy errors when the
    database cannot be written."""
    if kind not in KINDS:
        raise ValueError(f"未知变更类型：{kind}")
    seq = session.execute(update(LibraryState).where(LibraryState.id == STATE_ROW)
                          .values(seq=LibraryState.seq + 1).returning(LibraryState.seq)).scalar()
    if seq is None:  # a database migrated without its row (never by 0010_library_state)
        session.add(LibraryState(id=STATE_ROW, library_id=new_library_id(), seq=1))
        session.flush()
        seq = 1
    session.add(LibraryChange(seq=seq, at=datetime.now(timezone.utc).replace(tzinfo=None), kind=kind,
                              action=action, source_file_id=source_file_id, document_id=document_id,
                              rule_version_id=rule_version_id, detail=detail))
    session.flush()
    return int(seq)


def library_version(session: Session) -> LibraryVersion | None:
    """The :class:`LibraryVersion` of the database (one primary-key read), or
    ``None`` when the table is missing (a database not migrated yet)."""
    try:
        row = session.execute(select(LibraryState.library_id, LibraryState.seq)
                              .where(LibraryState.id == STATE_ROW)).first()
    except SQLAlchemyError:
        session.rollback()
        return None
    return None if row is None else LibraryVersion(row[0], int(row[1] or 0))


@dataclass(frozen=True)
class ChangeSummary:
    """What moved between two versions: ``seq`` (the latest change read),
    ``kinds`` (the change kinds seen), ``count`` (how many changes),
    ``source_file_ids`` / ``document_ids`` / ``rule_version_ids`` (ids
    named by the changes). ``documents`` is true when the search index must
    follow (a document or policy-cluster change)."""

    seq: int
    kinds: frozenset[str]
    count: int
    source_file_ids: tuple[int, ...] = ()
    document_ids: tuple[int, ...] = ()
    rule_version_ids: tuple[int, ...] = ()

    @property
    def documents(self) -> bool:
        return bool(self.kinds & {KIND_DOCUMENT, KIND_IDENTITY})

    @property
    def rules(self) -> bool:
        return bool(self.kinds)


def changes_since(session: Session, seq: int, limit: int = 10_000) -> ChangeSummary:
    """The changes after ``seq`` (at most ``limit``, oldest first), summed up
    (see :class:`ChangeSummary`; ``seq`` unchanged and no kinds when there is
    none). One range read on the primary key."""
    rows = session.execute(
        select(LibraryChange.seq, LibraryChange.kind, LibraryChange.source_file_id, LibraryChange.document_id,
               LibraryChange.rule_version_id)
        .where(LibraryChange.seq > seq).order_by(LibraryChange.seq).limit(limit)).all()
    if not rows:
        return ChangeSummary(seq, frozenset(), 0)

    def ids(i: int) -> tuple[int, ...]:
        return tuple(sorted({int(r[i]) for r in rows if r[i] is not None}))

    return ChangeSummary(int(rows[-1][0]), frozenset(r[1] for r in rows), len(rows), ids(2), ids(3), ids(4))
