"""Test databases on both back ends: SQLite files and PostgreSQL databases.

The PostgreSQL variant of a database-backed test runs when
``HUIQI_TEST_PG_URL`` (or ``pytest --pg-url``) names a PostgreSQL database
the tests may use to create and drop other databases, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/huiqi_test`` (``.ci/run``
starts a throwaway cluster and sets it). Without it the PostgreSQL variants
are skipped with :data:`PG_SKIP_REASON`.

Every PostgreSQL test database is a new database named
``huiqi_t<pid>_<n>_<tag>``: migrated ones are copied from a template migrated
once per test process, and all of them are dropped when the test (or the
process) is done, so tests never see each other's rows.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ENV_PG_URL = "HUIQI_TEST_PG_URL"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
PG_SKIP_REASON = (f"PostgreSQL 变体未运行：未设置 {ENV_PG_URL}（或 pytest --pg-url），"
                  "例如 postgresql+psycopg://postgres@127.0.0.1:5432/huiqi_test；.ci/run 会启动临时集群并设置它")


def pg_url() -> str | None:
    """The PostgreSQL URL of ``$HUIQI_TEST_PG_URL``, or ``None``."""
    raw = os.environ.get(ENV_PG_URL, "").strip()
    return raw or None


def backend_params() -> list:
    """``params`` for a fixture parametrized over both back ends: ``"sqlite"``
    and ``"postgresql"`` (the latter skipped when no PostgreSQL is given)."""
    return [SQLITE, pytest.param(POSTGRESQL, marks=pytest.mark.skipif(pg_url() is None, reason=PG_SKIP_REASON))]


_counter = itertools.count(1)
_created: list[str] = []
_template: list[str] = []


def _admin():
    """An AUTOCOMMIT engine on the database of ``$HUIQI_TEST_PG_URL`` (CREATE
    and DROP DATABASE cannot run inside a transaction)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    url = pg_url()
    if url is None:
        pytest.skip(PG_SKIP_REASON)
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _url_of(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(pg_url()).set(database=name).render_as_string(hide_password=False)


def _name_of(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or ""


def _create(name: str, template: str | None = None, icu_locale: str | None = None) -> None:
    from sqlalchemy import text

    eng = _admin()
    try:
        with eng.connect() as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            if icu_locale:
                suffix = f" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icu_locale}'"
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        eng.dispose()
    _created.append(name)


def _migrated_template() -> str:
    """Name of this process's template database, migrated to head once."""
    if not _template:
        from huiqi.kb.db import get_engine, upgrade

        name = f"huiqi_t{os.getpid()}_template"
        _create(name)
        eng = get_engine(_url_of(name))
        try:
            upgrade(eng)
        finally:
            eng.dispose()
        _template.append(name)
    return _template[0]


def create_pg_database(tag: str = "kb", migrated: bool = True, icu_locale: str | None = None) -> str:
    """A new, empty PostgreSQL database; returns its SQLAlchemy URL.

    ``migrated`` copies the schema at head from the template (no Alembic run
    per test); otherwise the database has no tables at all. ``icu_locale``
    (e.g. ``"en"``) creates it with that ICU collation instead of the
    cluster's ``C.UTF-8`` (then without tables: run the migrations). Dropped
    by :func:`drop_pg_database` or at process exit.
    """
    tag = re.sub(r"[^a-z0-9_]", "_", tag.lower())
    name = f"huiqi_t{os.getpid()}_{next(_counter)}_{tag}"[:63]
    if icu_locale:
        _create(name, icu_locale=icu_locale)
    else:
        _create(name, _migrated_template() if migrated else None)
    return _url_of(name)


def drop_pg_database(url: str) -> None:
    """Drop the database of ``url`` (its open connections are closed first)
    and forget the process-wide caches keyed by it."""
    from sqlalchemy import text

    name = _name_of(url)
    _forget_caches(url)
    eng = _admin()
    try:
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        eng.dispose()
    if name in _created:
        _created.remove(name)


def _forget_caches(url: str) -> None:
    """Drop the search engine cached for ``url`` (its pooled connections)."""
    try:
        from huiqi.search import engine as search_engine

        cached = getattr(search_engine, "_engines", None)
        if isinstance(cached, dict):
            cached.pop(url, None)
    except ImportError:  # pragma: no cover
        pass


@atexit.register
def _drop_leftovers() -> None:
    """Drop every database this process created and did not drop yet (the
    template last)."""
    if not _created or pg_url() is None:
        return
    from sqlalchemy import text

    eng = _admin()
    try:
        with eng.connect() as conn:
            for name in reversed(list(_created)):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception:  # the cluster may already be gone; nothing to keep consistent
        pass
    finally:
        eng.dispose()
        _created.clear()


@contextmanager
def fresh_database(backend: str, directory: Path, name: str = "kb", migrated: bool = True) -> Iterator[str]:
    """The URL of a new empty database on ``backend`` (``"sqlite"`` or
    ``"postgresql"``), removed afterwards.

    SQLite: the file ``directory/<name>.db`` (migrated to head when
    ``migrated``). PostgreSQL: :func:`create_pg_database`.
    """
    if backend == SQLITE:
        url = f"sqlite:///{Path(directory) / f'{name}.db'}"
        if migrated:
            from huiqi.kb.db import get_engine, upgrade

            eng = get_engine(url)
            upgrade(eng)
            eng.dispose()
        yield url
        return
    url = create_pg_database(name, migrated=migrated)
    try:
        yield url
    finally:
        drop_pg_database(url)
