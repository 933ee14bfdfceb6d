"""Concurrent writers and document identity (issue 16, defects 5 and 6).

Two ``huiqi ingest`` processes on the same new SQLite database must give one
version and exit 0 (the "unchanged?" check and the version number are decided
under the write lock). PostgreSQL runs the same check when
``HUIQI_TEST_PG_URL`` points at a scratch database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from huiqi.config import corpus_files
from huiqi.kb.db import get_engine, session_scope
from huiqi.kb.models import SourceFile


def _ingest_twice_at_once(db: str, path: Path, tmp_path: Path) -> list[subprocess.CompletedProcess]:
    env = dict(os.environ, HUIQI_DATA_DIR=str(tmp_path / "data"))
    cmd = [sys.executable, "-m", "huiqi", "ingest", str(path), "--db", db, "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(cmd, p.returncode, stdout, stderr))
    return out


def _check_one_version(url: str, runs: list[subprocess.CompletedProcess]) -> None:
    for r in runs:
        assert r.returncode == 0, r.stderr[-2000:]
    engine = get_engine(url)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SourceFile)) == 1
        sf = s.scalars(select(SourceFile)).one()
        assert (sf.version, sf.lineage_version, sf.is_current) == (1, 1, True)
    statuses = sorted('"unchanged"' in r.stdout for r in runs)
    assert statuses == [False, True]  # one wrote, the other found it current


def test_two_processes_same_new_sqlite_db(tmp_path):
    src = corpus_files()[0]
    db = tmp_path / "c.db"
    runs = _ingest_twice_at_once(str(db), src, tmp_path)
    _check_one_version(f"sqlite:///{db}", runs)


@pytest.mark.skipif(not os.environ.get("HUIQI_TEST_PG_URL"), reason="HUIQI_TEST_PG_URL not set (PostgreSQL scratch database)")
def test_two_processes_same_postgresql_db(tmp_path):
    from sqlalchemy import text

    url = os.environ["HUIQI_TEST_PG_URL"]
    engine = get_engine(url)
    with engine.begin() as conn:  # a scratch database: start empty
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    runs = _ingest_twice_at_once(url, corpus_files()[0], tmp_path)
    _check_one_version(url, runs)
