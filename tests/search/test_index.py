"""Persisted keyword index (huiqi.search.index): built at ingest, reused
while the clauses are unchanged, rebuilt when a document changes."""

import shutil

import pytest
from typer.testing import CliRunner

from huiqi.cli.app import app
from huiqi.config import corpus_dir
from huiqi.kb.db import get_engine, upgrade
from huiqi.kb.ingest import ingest_paths
from huiqi.search.engine import open_engine
from huiqi.search.index import KeywordIndex, index_dir, refresh
from tests.dbs import POSTGRESQL, backend_params, fresh_database

SMALL = "004_fdc1b544d65218b6.txt"  # 内蒙古自治区促进工业经济平稳增长行动方案, 168 lines


def _ingest(url, path):
    engine = get_engine(url)
    upgrade(engine)
    report = ingest_paths(engine, [path])
    engine.dispose()
    assert report.ok


def _connections(url) -> int:
    """Open connections to the PostgreSQL database of ``url`` (other than the one asking)."""
    from sqlalchemy import text

    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    finally:
        engine.dispose()


@pytest.fixture(params=backend_params())
def kb_url(request, tmp_path):
    """An empty migrated database: SQLite file or new PostgreSQL database."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_refresh_builds_reuses_and_rebuilds_on_change(tmp_path, kb_url):
    src = tmp_path / SMALL
    shutil.copy(corpus_dir() / SMALL, src)
    url = kb_url
    _ingest(url, src)

    first = refresh(url, semantic=False)
    assert first["keyword"]["rebuilt"] and first["keyword"]["clauses"] > 40
    if url.startswith(POSTGRESQL):  # a directory of its own under the data dir, no pooled connection left open
        assert index_dir(url).parent.parent.name.startswith("postgresql-huiqi_t")
        assert _connections(url) == 0
    else:
        assert (tmp_path / "search" / "keyword" / "state.json").is_file()  # beside the database
    fp = KeywordIndex.stored_fingerprint(index_dir(url))
    assert refresh(url, semantic=False)["keyword"]["changed"] is False

    # a changed document (new version of the file) changes the fingerprint
    text = src.read_text(encoding="utf-8")
    assert "延续实施 6 个月" in text
    src.write_text(text.replace("延续实施 6 个月", "延续实施 9 个月"), encoding="utf-8")
    _ingest(url, src)
    again = refresh(url, semantic=False)
    assert again["keyword"]["changed"] and KeywordIndex.stored_fingerprint(index_dir(url)) != fp
    # incremental: the new version's clauses are added, the old ones retired, nothing rebuilt
    assert not again["keyword"]["rebuilt"] and again["keyword"]["added"] > 40 and again["keyword"]["retired"] > 40
    rows = open_engine(url).search("制造业中小微企业 延缓缴纳 税费", top=1)
    assert rows and "延续实施9个月" in rows[0]["text"].replace(" ", "")
    if url.startswith(POSTGRESQL):
        assert _connections(url) == 0


def test_open_engine_loads_the_persisted_index(tmp_path):
    src = tmp_path / SMALL
    shutil.copy(corpus_dir() / SMALL, src)
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    _ingest(url, src)
    refresh(url, semantic=False)
    engine = open_engine(url, rebuild=False)
    assert engine.keyword.build_seconds == 0.0  # loaded, not built
    assert engine.search("六税两费", top=1)


def test_cli_ingest_writes_the_search_index(tmp_path):
    src = tmp_path / SMALL
    shutil.copy(corpus_dir() / SMALL, src)
    db = tmp_path / "kb.db"
    res = CliRunner().invoke(app, ["ingest", str(src), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "search" / "keyword" / "state.json").is_file()
    assert list((tmp_path / "search" / "keyword").glob("e*/records.jsonl"))
