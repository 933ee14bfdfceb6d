"""Stored files (文件存储): the bytes of 诉求 attachments and 解读 files kept
in the database, beside the rows that cite them.

Issue 17: several ``huiqi serve`` hosts share one database, so a file a
firm uploads on one host must be downloadable on every other. A file on
the uploading host's disk is state only that host has; a row of
``stored_files`` is written in the same transaction as the attachment or
解读 that names it (both or neither), and any host reads it back. Files
are small (诉求 attachments ≤ 10 MB, :data:`huiqi.services.requests.MAX_ATTACHMENT_BYTES`),
so a ``LargeBinary`` column (PostgreSQL ``bytea``, SQLite ``BLOB``) is enough.

``stored_name`` is the random name (``secrets.token_hex`` + suffix) the
citing row already keeps; files stored on disk by an earlier version are
still read from there by the web layer when no row exists.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from huiqi.kb.models import Base


class StoredFile(Base):
    """One stored file: ``stored_name`` (unique random name), ``size``
    (bytes), ``sha256`` (hex), ``content`` and ``created_at`` (UTC)."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


def put_file(session: Session, stored_name: str, data: bytes) -> StoredFile:
    """Store ``data`` under ``stored_name`` in ``session``'s transaction
    (flushed; the caller commits with the row that cites it). Raises
    ``sqlalchemy.exc.IntegrityError`` when the name is taken."""
    row = StoredFile(stored_name=stored_name, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     content=data, created_at=datetime.now(UTC).replace(tzinfo=None))
    session.add(row)
    session.flush()
    return row


def read_file(session: Session, stored_name: str) -> bytes | None:
    """The bytes stored under ``stored_name``, or ``None``."""
    return session.execute(select(StoredFile.content).where(StoredFile.stored_name == stored_name)).scalar()


def delete_file(session: Session, stored_name: str) -> bool:
    """Remove the file stored under ``stored_name``; whether one was there."""
    return bool(session.execute(delete(StoredFile).where(StoredFile.stored_name == stored_name)).rowcount)
