"""Database access: engines, schema migrations, sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session

from huiqi.config import sqlite_path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """Per-connection SQLite settings: foreign keys on, WAL journal."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def get_engine(url: str) -> Engine:
    """Create an engine for the SQLAlchemy ``url``.

    For a SQLite file the parent directory is created, and every connection
    gets ``PRAGMA foreign_keys=ON`` and the WAL journal. Raises
    ``sqlalchemy.exc.ArgumentError`` on a malformed URL and
    ``ModuleNotFoundError`` when the URL's driver is not installed.
    """
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    is_sqlite = url.startswith("sqlite")
    # SQLite: wait up to 30 s for another writer's lock instead of 5 s
    engine = create_engine(url, connect_args={"timeout": 30} if is_sqlite else {})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine | None = None):
    """An Alembic ``Config`` pointing at the packaged migrations directory
    (no ``alembic.ini`` needed); ``sqlalchemy.url`` set from ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the schema migrations up to ``revision`` (default head) on ``engine``.

    A no-op when the database is already there. Raises SQLAlchemy errors
    when the database cannot be reached.
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return  # already at head: skip loading Alembic (a CLI call's start-up time)
    from alembic import command

    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from huiqi.kb.identity import PG_LOCK_KEY

    cfg = alembic_config(engine)
    if revision == "head":
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        if current and current == set(ScriptDirectory.from_config(cfg).get_heads()):
            return  # already there: no write lock for read-only commands
    with engine.begin() as conn:
        # one migrating process at a time (two first `huiqi ingest` runs on a new database)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def head_revision() -> str | None:
    """The head revision of the packaged migrations, read from the migration
    files (``revision = "…"`` / ``down_revision = "…"``) without loading
    Alembic; ``None`` when it cannot be told (several heads, no files)."""
    import re

    revs, downs = set(), set()
    for f in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = f.read_text(encoding="utf-8")
        m = re.search(r'^revision\s*=\s*["\']([^"\']+)["\']', text, flags=re.M)
        d = re.search(r'^down_revision\s*=\s*["\']([^"\']+)["\']', text, flags=re.M)
        if m:
            revs.add(m.group(1))
        if d:
            downs.add(d.group(1))
    heads = revs - downs
    return next(iter(heads)) if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database's ``alembic_version`` table, or
    ``None`` (no table yet, or the database cannot be read)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def is_empty(engine: Engine) -> bool:
    """True when the database has no ingested source file (or no tables)."""
    from sqlalchemy import func, select

    from huiqi.kb.models import SourceFile

    if not inspect(engine).has_table(SourceFile.__tablename__):
        return True
    with Session(engine) as s:
        return not s.scalar(select(func.count()).select_from(SourceFile))


@contextmanager
def disposing(engine: Engine) -> Iterator[Engine]:
    """Yield ``engine`` and dispose of it afterwards, closing its pooled
    connections at once (a PostgreSQL server limits and counts them; an
    engine left to the garbage collector keeps one open)."""
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on normal exit, rolled back
    (and the exception re-raised) on error, always closed."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
