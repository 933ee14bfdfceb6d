"""Fixtures of the 诉求 service tests: a migrated database on each back end
with one account per part of the mechanism (see :mod:`tests.services.requests_env`)."""

from __future__ import annotations

import pytest

from huiqi.kb.db import get_engine, upgrade
from tests.dbs import backend_params, fresh_database
from tests.services.requests_env import make_accounts


@pytest.fixture(params=backend_params())
def env(request, tmp_path):
    """``(engine, principals)`` over a fresh database (SQLite file, and
    PostgreSQL when ``HUIQI_TEST_PG_URL`` is set)."""
    with fresh_database(request.param, tmp_path) as url:
        eng = get_engine(url)
        upgrade(eng)
        yield eng, make_accounts(eng)
        eng.dispose()
