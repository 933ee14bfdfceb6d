"""Document identity (文件身份) and the ingest write lock.

A file's *logical identity* is its content hash plus the titles and
发文字号 (document numbers) of the documents in it — never the bare file
name. When a file is ingested:

* the same bytes already current (any name) → unchanged, nothing written;
* a current file of the same name that is recognisably the same document
  (a shared 发文字号, or a shared normalised title, see :func:`same_document`)
  → the new file is its next version and the old one is marked superseded;
* anything else — including an unrelated file that happens to share a name
  (两个不同的“通知.txt”) — is a new document; nothing is replaced.

:func:`lock_for_write` serialises ingest transactions so that the
"unchanged?" check and the version number are decided inside the write
transaction: SQLite takes its write lock at ``BEGIN IMMEDIATE``, PostgreSQL
a transaction-scoped advisory lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from huiqi.kb.models import Document, SourceFile

#: Key of the PostgreSQL advisory lock held by ingest transactions ("huiqi" in ASCII).
PG_LOCK_KEY = 0x6875_6971_69

_TITLE_DROP_RE = re.compile(r"[\s《》〈〉“”\"'‘’「」『』、，,。.：:；;！!？?·—\-_]+")
_NUMBER_DROP_RE = re.compile(r"\s+")
_NUMBER_BRACKETS = str.maketrans({"[": "〔", "【": "〔", "(": "〔", "（": "〔", "]": "〕", "】": "〕", ")": "〕", "）": "〕"})


def norm_title(title: str | None) -> str:
    """Title without spaces, quotes and punctuation, for identity comparison
    (``关于印发《支持措施》的通知`` = ``关于印发 支持措施 的通知``); ``""`` for none."""
    return _TITLE_DROP_RE.sub("", title or "")


def norm_doc_number(number: str | None) -> str:
    """发文字号 without spaces and with 〔〕 brackets (``内政发[2023]5号`` = ``内政发〔2023〕5号``)."""
    return _NUMBER_DROP_RE.sub("", number or "").translate(_NUMBER_BRACKETS)


@dataclass(frozen=True)
class Identity:
    """What identifies the documents of one file: normalised titles and 发文字号."""

    titles: frozenset[str]
    doc_numbers: frozenset[str]

    @classmethod
    def of(cls, rows) -> "Identity":
        """From document rows/dicts with ``title`` and ``doc_number`` (stubs and
        front matter included: a file of only a title is identified by it)."""
        titles, numbers = set(), set()
        for r in rows:
            get = r.get if isinstance(r, dict) else (lambda k, r=r: getattr(r, k, None))
            t, n = norm_title(get("title")), norm_doc_number(get("doc_number"))
            if len(t) >= 4:  # a two-character "title" (通知) identifies nothing
                titles.add(t)
            if n:
                numbers.add(n)
        return cls(frozenset(titles), frozenset(numbers))


def same_document(new: Identity, old: Identity) -> bool:
    """True when two files of the same name hold recognisably the same
    document: a shared 发文字号 or a shared normalised title (a revised policy
    often keeps its title under a new number). Files without any title or
    number are never the same document (there is nothing to recognise)."""
    return bool(new.doc_numbers & old.doc_numbers) or bool(new.titles & old.titles)


def lock_for_write(session: Session) -> None:
    """Take the ingest write lock at the start of ``session``'s transaction.

    SQLite: ``BEGIN IMMEDIATE`` (waits up to the connection's busy timeout,
    then raises ``OperationalError: database is locked``); PostgreSQL:
    ``pg_advisory_xact_lock`` (released at commit/rollback); other
    databases: nothing. Must be the first statement of the transaction.
    """
    conn = session.connection()
    name = conn.dialect.name
    if name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})


def current_with_sha(session: Session, sha256: str) -> SourceFile | None:
    """The current file version with these bytes (any name), or ``None``."""
    return session.scalars(
        select(SourceFile).where(SourceFile.sha256 == sha256, SourceFile.is_current.is_(True)).limit(1)
    ).first()


def predecessor(session: Session, name: str, identity: Identity) -> SourceFile | None:
    """The current file version of ``name`` that the new file supersedes
    (:func:`same_document`), or ``None`` when it is a new document."""
    for sf in session.scalars(
        select(SourceFile).where(SourceFile.name == name, SourceFile.is_current.is_(True)).order_by(SourceFile.id)
    ):
        docs = session.execute(
            select(Document.title, Document.doc_number).where(Document.source_file_id == sf.id)
        ).mappings().all()
        if same_document(identity, Identity.of(docs)):
            return sf
    return None
