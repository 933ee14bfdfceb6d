"""A knowledge base of the real bundled corpus, built once per test process
(in a temp dir, removed at exit) for the keyword-search tests."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def corpus_db_url() -> str:
    """SQLite URL of a database holding the ingested corpus (``data/corpus``)
    with its reviewed rules (``data/rules``), as ``huiqi ingest`` stores them."""
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_bundled

    tmp = Path(tempfile.mkdtemp(prefix="huiqi-search-test-"))
    atexit.register(shutil.rmtree, tmp, True)
    url = f"sqlite:///{tmp / 'kb.db'}"
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
