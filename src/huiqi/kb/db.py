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


def is_empty(engine: Engine) -> bool:
    """True when the database has no ingested source file (or no tables)."""
    from sqlalchemy import func, select

    from huiqi.kb.models import SourceFile

    if not inspect(engine).has_table(SourceFile.__tablename__):
        return True
    with Session(engine) as s:
        return not s.scalar(select(func.count()).select_from(SourceFile))


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
