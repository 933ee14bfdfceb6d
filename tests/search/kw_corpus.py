"""A knowledge base of the real bundled corpus, built once per test process
(in a temp dir, removed at exit) for the keyword-search tests."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=2)
def corpus_db_url(backend: str = "sqlite") -> str:
    """URL of a database holding the ingested corpus (``data/corpus``):
    a SQLite file (``backend="sqlite"``) or, with ``"postgresql"``, a
    PostgreSQL database of :mod:`tests.dbs` (dropped at exit)."""
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_bundled

    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="huiqi-search-test-"))
        atexit.register(shutil.rmtree, tmp, True)
        url = f"sqlite:///{tmp / 'kb.db'}"
    else:
        from tests.dbs import create_pg_database

        url = create_pg_database("corpus")
    engine = get_engine(url)
    upgrade(engine)
    report = ingest_bundled(engine, refresh_index=False)
    assert report.ok, [f.error for f in report.ingest.failed]
    assert not (report.reviewed and report.reviewed.errors), report.reviewed.errors
    engine.dispose()
    return url


@lru_cache(maxsize=1)
def corpus_engine():
    """The :class:`huiqi.search.engine.SearchEngine` of :func:`corpus_db_url`."""
    from huiqi.search.engine import open_engine

    return open_engine(corpus_db_url())
