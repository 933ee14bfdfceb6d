"""Fixtures of the knowledge-base tests: a migrated database on each back
end (SQLite, and PostgreSQL when configured, see :mod:`tests.dbs`) and the
fake parser."""

from __future__ import annotations

import pytest

from huiqi.kb.db import get_engine, upgrade
from tests.dbs import backend_params, fresh_database
from tests.kb import fakes


@pytest.fixture(params=backend_params())
def engine(request, tmp_path):
    """A fresh database migrated to head: a SQLite file (``[sqlite]``) or a
    new PostgreSQL database (``[postgresql]``), dropped after the test."""
    with fresh_database(request.param, tmp_path) as url:
        eng = get_engine(url)
        upgrade(eng)
        yield eng
        eng.dispose()


@pytest.fixture
def fake_parser(monkeypatch):
    """Replace ``huiqi.structure.parse_source`` by :func:`fakes.fake_parse`."""
    fakes.install(monkeypatch)
    return fakes.fake_parse
