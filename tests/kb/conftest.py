"""Fixtures of the knowledge-base tests: a migrated SQLite database and the fake parser."""

from __future__ import annotations

import pytest

from huiqi.kb.db import get_engine, upgrade
from tests.kb import fakes


@pytest.fixture
def engine(tmp_path):
    """A fresh SQLite database file, migrated to head."""
    eng = get_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def fake_parser(monkeypatch):
    """Replace ``huiqi.structure.parse_source`` by :func:`fakes.fake_parse`."""
    fakes.install(monkeypatch)
    return fakes.fake_parse
