"""Parallel parsing (process pool) in ingest_paths: same rows as one
process, file order kept, a bad file reported and skipped."""

import shutil

import pytest
from sqlalchemy import select

from huiqi.config import corpus_dir
from huiqi.kb.db import get_engine, session_scope, upgrade
from huiqi.kb.ingest import ENV_WORKERS, ingest_paths
from huiqi.kb.models import Clause, SourceFile

FILES = ["004_fdc1b544d65218b6.txt", "002_2eea5c05658e5303.txt"]


def _ingest(tmp_path, name, workers, monkeypatch, paths):
    monkeypatch.setenv(ENV_WORKERS, str(workers))
    engine = get_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    report = ingest_paths(engine, paths)
    with session_scope(engine) as s:
        files = s.execute(select(SourceFile.name).order_by(SourceFile.id)).scalars().all()
        keys = s.execute(select(Clause.key).order_by(Clause.id)).scalars().all()
    engine.dispose()
    return report, files, keys


def test_pool_writes_what_one_process_writes(tmp_path, monkeypatch):
    import threading

    from huiqi.kb import ingest as ingest_mod

    if threading.active_count() > 1:  # an earlier test left a thread: the pool is (rightly) not used
        pytest.skip("other threads running: ingest_paths parses without a pool")
    monkeypatch.setenv(ENV_WORKERS, "2")
    assert ingest_mod._workers(4) == 2
    src = tmp_path / "in"
    src.mkdir()
    paths = []
    for name in FILES:
        shutil.copy(corpus_dir() / name, src / name)
        paths.append(src / name)
    bad = src / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    paths = [paths[0], bad, paths[1], paths[0]]  # the last one is unchanged by then
    one = _ingest(tmp_path, "one.db", 1, monkeypatch, paths)
    pool = _ingest(tmp_path, "pool.db", 2, monkeypatch, paths)
    assert [f.status for f in pool[0].files] == [f.status for f in one[0].files] == \
        ["added", "failed", "added", "unchanged"]
    assert pool[0].files[1].error.startswith(str(bad))
    assert pool[1] == one[1] == FILES  # written in file order
    assert pool[2] == one[2] and len(pool[2]) > 50
    assert [f.clauses for f in pool[0].files] == [f.clauses for f in one[0].files]
