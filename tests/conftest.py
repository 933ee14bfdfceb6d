"""Shared fixtures: paths to the bundled corpus, and the database back ends
(SQLite always; PostgreSQL when ``HUIQI_TEST_PG_URL`` or ``--pg-url`` is
given, see :mod:`tests.dbs`)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.dbs import ENV_PG_URL, backend_params

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def pytest_addoption(parser):
    parser.addoption("--pg-url", default=None,
                     help=f"PostgreSQL URL for the PostgreSQL variants of the database tests (overrides ${ENV_PG_URL})")


_PG_DATA_DIR: list[str] = []


def pytest_configure(config):
    """``--pg-url`` sets ``$HUIQI_TEST_PG_URL``. With PostgreSQL on, derived
    indexes of PostgreSQL test databases go to a temporary data dir (removed
    at the end), never into the checkout's ``var/``."""
    url = config.getoption("--pg-url")
    if url:
        os.environ[ENV_PG_URL] = url
    if os.environ.get(ENV_PG_URL, "").strip() and not os.environ.get("HUIQI_DATA_DIR"):
        _PG_DATA_DIR.append(tempfile.mkdtemp(prefix="huiqi-test-data-"))
        os.environ["HUIQI_DATA_DIR"] = _PG_DATA_DIR[0]


def pytest_unconfigure(config):
    for d in _PG_DATA_DIR:
        shutil.rmtree(d, ignore_errors=True)


def corpus_file(prefix: str) -> Path:
    """The bundled corpus file whose name starts with ``prefix`` (e.g. ``"003"``)."""
    return next(CORPUS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def corpus_lines():
    """``prefix -> list of original lines`` for the bundled corpus, read once."""
    cache: dict[str, list[str]] = {}

    def get(prefix: str) -> list[str]:
        if prefix not in cache:
            cache[prefix] = corpus_file(prefix).read_text(encoding="utf-8").split("\n")
        return cache[prefix]

    return get


@pytest.fixture(scope="session", params=backend_params())
def corpus_url(request) -> str:
    """URL of a database holding the ingested bundled corpus, once per back
    end (``[sqlite]``, ``[postgresql]``) and test process; read-only."""
    from tests.search.kw_corpus import corpus_db_url

    return corpus_db_url(request.param)
