"""Extracted rule versions written by huiqi.rules.store.sync_extracted on the
ingested bundled corpus: the rows read for extraction, the versions written
when the extraction code changes, and the screening job naming them."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select, update

from huiqi.kb.db import get_engine, session_scope
from huiqi.kb.models import RuleVersion
from huiqi.kb.push import OutboxMessage
from huiqi.kb.queries import clauses_by_ids
from huiqi.rules import store
from tests.search.kw_corpus import corpus_db_url


@pytest.fixture()
def corpus_copy(tmp_path):
    db = tmp_path / "kb.db"
    shutil.copy(corpus_db_url().removeprefix("sqlite:///"), db)
    eng = get_engine(f"sqlite:///{db}")
    yield eng
    eng.dispose()


def test_rows_read_for_extraction_match_the_clause_records(corpus_copy):
    with session_scope(corpus_copy) as s:
        keys = store._current_keys(s)
        ids = [cid for _key, cid, _d, _k in keys[:300]]
        kinds = {d: k for _key, _c, d, k in keys}
        rows = store._rows_by_id(s, ids, kinds)
        full = {r["id"]: r for r, _validity in clauses_by_ids(s, ids)}
    assert sorted(rows) == sorted(ids)
    for cid, row in rows.items():
        ref = full[cid]
        for k in ("key", "text", "path", "fields", "amounts"):
            assert row[k] == ref[k], k
        for k in ("id", "title", "level", "region"):
            assert row["document"][k] == ref["document"][k], k
        assert row["document"]["kind"] in store.DOCUMENT_KINDS
        # extraction gives the same rule from the narrow row as from the full one
        assert store.rule_body(store.extract_rule(row)[0]) == store.rule_body(store.extract_rule(ref)[0])


@pytest.mark.parametrize("n_old", [5, None])  # a few keys (looked up by key) or all of them
def test_new_extractor_writes_new_versions_and_names_them_in_the_screen_job(corpus_copy, n_old):
    with session_scope(corpus_copy) as s:
        q = select(RuleVersion.id).where(RuleVersion.origin == "extracted", RuleVersion.status == "published")
        all_ids = sorted(s.scalars(q))
        old = all_ids[:n_old] if n_old else all_ids
        before = {v.clause_key: (v.version, v.body, v.beneficiary, v.title) for v in
                  s.scalars(select(RuleVersion).where(RuleVersion.id.in_(old)))}
        s.execute(update(RuleVersion).where(RuleVersion.id.in_(old)).values(extractor="older-code"))
    assert len(before) == (n_old or len(all_ids)) and (n_old or len(before) >= 900)  # both ways of reading ids back
    with session_scope(corpus_copy) as s:
        rep = store.sync_extracted(s)
    assert rep.written == rep.retired == len(before) and not rep.problems
    with session_scope(corpus_copy) as s:
        new = s.scalars(select(RuleVersion).where(RuleVersion.origin == "extracted", RuleVersion.status == "published",
                                                  RuleVersion.clause_key.in_(list(before)))).all()
        assert {v.clause_key for v in new} == set(before)
        for v in new:
            version, body, beneficiary, title = before[v.clause_key]
            assert v.extractor == store.extractor_version() and v.version == version + 1
            assert (v.body, v.beneficiary, v.title) == (body, beneficiary, title)  # same code: same rule
        retired = s.scalars(select(RuleVersion.status).where(RuleVersion.id.in_(old))).all()
        assert set(retired) == {"retired"}
        job = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "screen")
                        .order_by(OutboxMessage.id.desc())).first()
        assert json.loads(job.body)["versions"] == sorted(v.id for v in new)
    with session_scope(corpus_copy) as s:
        assert store.sync_extracted(s).written == 0  # nothing left to do


def _live_versions(engine) -> dict[int, tuple]:
    with session_scope(engine) as s:
        return {v.id: (v.clause_key, v.clause_id, v.status, v.extractor) for v in s.scalars(select(RuleVersion))}


def test_sync_of_an_upload_leaves_nothing_for_a_full_sync(corpus_copy, tmp_path):
    """A new version of a corpus file with one paragraph reworded: the sync
    scoped to that file extracts the new keys, orphans the keys the old
    version lost (clause_id None) and re-attaches the kept ones; a full
    sync afterwards finds nothing left to do."""
    from huiqi.config import corpus_files
    from huiqi.kb.ingest import ingest_paths
    from huiqi.kb.models import Clause

    src = sorted(corpus_files(), key=lambda p: p.stat().st_size)[1]
    lines = src.read_text(encoding="utf-8").split("\n")
    i = max(range(len(lines)), key=lambda k: len(lines[k]) if "企业" in lines[k] else 0)
    lines[i] = lines[i].replace("企业", "市场主体", 1)
    new = tmp_path / "upload" / src.name
    new.parent.mkdir()
    new.write_text("\n".join(lines), encoding="utf-8")
    with session_scope(corpus_copy) as s:
        old_keys = set(s.scalars(select(Clause.key)))
    report = ingest_paths(corpus_copy, [new])
    [fr] = report.files
    assert fr.status == "added" and fr.version == 2
    with session_scope(corpus_copy) as s:
        rep = store.sync_extracted(s, source_file_ids=[fr.source_file_id])
        new_keys = set(s.scalars(select(Clause.key).where(Clause.document_id.in_(
            select(store.Document.id).where(store.Document.source_file_id == fr.source_file_id)))))
    assert rep.written == len(new_keys - old_keys) >= 1
    assert rep.attached >= 1  # the kept keys now point at the new version's clauses
    after = _live_versions(corpus_copy)
    orphans = [v for v in after.values() if v[2] == "published" and v[1] is None]
    assert orphans  # the reworded paragraph's old key has no current clause
    with session_scope(corpus_copy) as s:
        full = store.sync_extracted(s)
    assert (full.written, full.retired, full.attached) == (0, 0, 0)
    assert _live_versions(corpus_copy) == after
