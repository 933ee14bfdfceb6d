"""Incremental keyword index (issue 17): adding, replacing and retiring
documents updates the index in place and on disk, and scores exactly like
a full rebuild over the same clauses."""

import shutil

import numpy as np
import pytest

from huiqi.config import corpus_dir
from huiqi.kb.db import get_engine, session_scope, upgrade
from huiqi.kb.ingest import ingest_paths
from huiqi.search import segment as seg
from huiqi.search.engine import SearchEngine
from huiqi.search.index import (
    KeywordIndex,
    build_from_session,
    build_or_load,
    index_dir,
    kb_mark,
    refresh,
    stored_state,
)

SMALL = "004_fdc1b544d65218b6.txt"  # 内蒙古自治区促进工业经济平稳增长行动方案
OTHER = "000_d6d39994a278070f.txt"
QUERIES = ["制造业中小微企业 延缓缴纳 税费", "稳岗返还", "技术改造 补贴", "专精特新 奖励 100万元", "贷款贴息"]


@pytest.fixture
def kb(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    engine = get_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def _copy(tmp_path, name):
    dst = tmp_path / name
    shutil.copy(corpus_dir() / name, dst)
    return dst


def _by_id(index: KeywordIndex, tokens) -> dict[int, float]:
    s = index.scores(tokens)
    return {cid: float(s[pos]) for cid, pos in index.position.items() if s[pos] > 0}


def _same_scores(a: KeywordIndex, b: KeywordIndex):
    assert set(a.position) == set(b.position)
    hits = 0
    for q in QUERIES:
        toks = seg.expand_query(q)[0]
        sa, sb = _by_id(a, toks), _by_id(b, toks)
        assert sa.keys() == sb.keys(), q
        hits += bool(sa)
        for cid in sa:
            assert sa[cid] == pytest.approx(sb[cid], rel=1e-5), (q, cid)
    assert hits >= 3


def test_sync_adds_replaces_and_retires_like_a_full_rebuild(tmp_path, kb):
    url, engine = kb
    small, other = _copy(tmp_path, SMALL), _copy(tmp_path, OTHER)
    assert ingest_paths(engine, [small]).ok
    with session_scope(engine) as s:
        index = build_from_session(s)
        n_small = len(index)
        assert index.covers() == kb_mark(s)

    # a new document: only its clauses are added
    assert ingest_paths(engine, [other]).ok
    with session_scope(engine) as s:
        assert index.covers() != kb_mark(s)
        change = index.sync(s)
        assert change["retired"] == 0 and change["added"] == len(index) - n_small > 0
        assert index.covers() == kb_mark(s)
        _same_scores(index, build_from_session(s))

    # a new version of a file: its old clauses retired, the new ones added
    text = small.read_text(encoding="utf-8")
    small.write_text(text.replace("延续实施 6 个月", "延续实施 9 个月"), encoding="utf-8")
    assert ingest_paths(engine, [small]).ok
    with session_scope(engine) as s:
        change = index.sync(s)
        assert change["added"] == change["retired"] == n_small
        full = build_from_session(s)
        _same_scores(index, full)
        assert index.fingerprint == full.fingerprint
        assert index.sync(s) == {"added": 0, "retired": 0, "seconds": pytest.approx(0, abs=5)}

    # the search engine over the updated index finds the new text and never the old
    rows = SearchEngine(index).search("制造业中小微企业 延缓缴纳 税费", top=3)
    assert "延续实施9个月" in rows[0]["text"].replace(" ", "")
    assert not any("延续实施6个月" in r["text"].replace(" ", "") for r in rows)


def test_apply_retire_by_id_and_filters_skip_retired(tmp_path, kb):
    url, engine = kb
    assert ingest_paths(engine, [_copy(tmp_path, SMALL)]).ok
    with session_scope(engine) as s:
        index = build_from_session(s)
    se = SearchEngine(index)
    top = se.search("稳岗返还", top=1)[0]["id"]
    with session_scope(engine) as s:
        assert index.apply(s, retired=[top]) == {"added": 0, "retired": 1}
    assert top not in [r["id"] for r in se.search("稳岗返还", top=20)]
    assert top not in [r["id"] for r in se.search("稳岗返还", top=20, valid_at="2024-01-01", mode="keyword")]
    with session_scope(engine) as s:
        assert index.apply(s, added=[top]) == {"added": 1, "retired": 0}
    assert se.search("稳岗返还", top=1)[0]["id"] == top


def test_persisted_index_is_appended_then_compacted(tmp_path, kb):
    url, engine = kb
    small, other = _copy(tmp_path, SMALL), _copy(tmp_path, OTHER)
    assert ingest_paths(engine, [small]).ok
    legacy = index_dir(url)  # files of the earlier bm25s index (kw-3) are removed
    (legacy / "headings").mkdir(parents=True)
    (legacy / "records.json").write_text("[]", encoding="utf-8")
    first = refresh(url, semantic=False)["keyword"]
    assert not (legacy / "records.json").exists() and not (legacy / "headings").exists()
    assert first["rebuilt"] and first["generation"] == 1
    state = stored_state(url)
    assert state["generation"] == 1 and state["covers"]["clauses"] == first["clauses"]

    assert ingest_paths(engine, [other]).ok
    second = refresh(url, semantic=False)["keyword"]
    assert not second["rebuilt"] and second["added"] > 0 and second["retired"] == 0
    assert stored_state(url)["generation"] == 2 and stored_state(url)["epoch"] == state["epoch"]  # appended

    # replacing the larger share of the rows compacts into a new epoch
    text = other.read_text(encoding="utf-8")
    other.write_text(text + "\n\n附：本通知自发布之日起施行。\n", encoding="utf-8")
    assert ingest_paths(engine, [other]).ok
    third = refresh(url, semantic=False)["keyword"]
    assert third["retired"] > 0 and stored_state(url)["epoch"] == state["epoch"] + 1
    assert len(list(index_dir(url).glob("e*"))) == 1

    loaded = KeywordIndex.load(index_dir(url))
    with session_scope(engine) as s:
        assert loaded.covers() == kb_mark(s)
        assert loaded.sync(s)["added"] == 0
        _same_scores(loaded, build_from_session(s))
        again = build_or_load(url, s)
    assert again.generation == loaded.generation == 3
    assert np.array_equal(np.sort(again.columns.ids[again.alive]), np.sort(loaded.columns.ids[loaded.alive]))
