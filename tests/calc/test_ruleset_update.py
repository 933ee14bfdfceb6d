"""An incremental rule-set update (:mod:`huiqi.calc.ruleset_update`) equals
a full compilation after an upload that reprints a policy, a repeal and a
retired reviewed rule, on a copy of the real bundled knowledge base."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from huiqi.calc.engine import build_ruleset
from huiqi.calc.ruleset_update import update_ruleset
from huiqi.kb.db import get_engine, session_scope
from huiqi.kb.library import changes_since, library_version
from tests.search.kw_corpus import corpus_db_url

# a city list reprinting one regional measure (a cluster gains a member) and adding one of its own
CITY_LIST = """包头市支持中小企业高质量发展若干措施
包政发〔2025〕9号
一、对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业，分别给予20万元、50万元、100万元一次性奖励。（责任单位：市工业和信息化局）
二、对首次纳入规模以上工业企业统计的小微企业，给予一次性奖励10万元。（责任单位：市工业和信息化局、市统计局）
本措施自2025年1月1日起施行，有效期至2027年12月31日。
"""


def _view(rs) -> dict:
    out = {}
    for e in rs.entries:
        out[e.id] = (e.key, e.title, e.text, e.rule, e.scope.to_json(), e.validity, e.contacts, e.source,
                     e.document, e.apply, e.beneficiary, e.authority_id,
                     sorted(c["id"] for c in e.policy_sources))
    return out


def _same(a, b) -> None:
    va, vb = _view(a), _view(b)
    assert va.keys() == vb.keys()
    for cid in va:
        assert va[cid] == vb[cid], cid
    assert (a.n_clauses, a.n_reviewed, a.skipped) == (b.n_clauses, b.n_reviewed, b.skipped)


@pytest.fixture()
def engine(tmp_path):
    src = corpus_db_url().removeprefix("sqlite:///")
    shutil.copy(src, tmp_path / "kb.db")
    eng = get_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    yield eng
    eng.dispose()


def _changed_documents(engine, seq: int) -> tuple[int, ...]:
    with session_scope(engine) as s:
        return changes_since(s, seq).document_ids


def _seq(engine) -> int:
    with session_scope(engine) as s:
        return library_version(s).seq


def test_updates_equal_a_full_compilation(engine, tmp_path):
    from huiqi.kb.accounts import create_user, principal_of
    from huiqi.kb.lifecycle import set_status
    from huiqi.kb.models import Document, RuleVersion
    from huiqi.services.ingest import ingest_and_refresh

    with session_scope(engine) as s:
        rs = build_ruleset(s)
    assert rs.basis is not None and rs.basis.clauses

    # 1. an upload reprinting a regional measure
    seq = _seq(engine)
    path = tmp_path / "baotou_list.txt"
    path.write_text(CITY_LIST, encoding="utf-8")
    report = ingest_and_refresh(engine, [path], refresh_index=False)
    assert report.ok
    with session_scope(engine) as s:
        updated = update_ruleset(s, rs, "after-upload", _changed_documents(engine, seq))
        full = build_ruleset(s)
    assert updated is not None and updated is not rs
    _same(updated, full)
    new = [e for e in updated.entries if e.source["file"] == "baotou_list.txt"]
    assert new and any(e.authority_id not in (None, e.id) for e in new)  # the reprint joined its cluster
    origin = next(e for e in new if "专精特新" in e.text)
    auth = updated.get(origin.authority_id)
    assert any(c["id"] == origin.id for c in auth.policy_sources)  # and is cited by the original
    assert len(rs.entries) < len(updated.entries)  # the old set is left as it was

    # 2. a document repealed
    with session_scope(engine) as s:
        admin = principal_of(create_user(s, "admin_u", "long-enough-1", "admin"))
        doc = s.scalar(select(Document.id).where(Document.title.like("%政策清单%")))
        assert doc is not None
    seq = _seq(engine)
    with session_scope(engine) as s:
        set_status(s, admin, doc, "repealed", 0)
    with session_scope(engine) as s:
        again = update_ruleset(s, updated, "after-repeal", _changed_documents(engine, seq))
        full = build_ruleset(s)
    assert again is not None
    _same(again, full)
    assert all(e.document.get("id") != doc for e in again.entries)

    # 3. a reviewed rule retired (the change log names no clause: found by the version diff)
    used = sorted(e.key for e in again.entries if e.origin == "reviewed")
    with session_scope(engine) as s:
        v = s.scalars(select(RuleVersion).where(RuleVersion.origin == "reviewed", RuleVersion.clause_key == used[0],
                                                RuleVersion.status == "published")).one()
        v.status = "retired"
    with session_scope(engine) as s:
        last = update_ruleset(s, again, "after-retire")
        full = build_ruleset(s)
    assert last is not None
    _same(last, full)
    assert last.n_reviewed == again.n_reviewed - 1


def test_a_large_change_asks_for_a_full_compilation(engine):
    from huiqi.kb.models import RuleVersion

    with session_scope(engine) as s:
        rs = build_ruleset(s)
        for v in s.scalars(select(RuleVersion).where(RuleVersion.status == "published")):
            v.status = "retired"
    with session_scope(engine) as s:
        assert update_ruleset(s, rs, "x") is None
        rs.basis = None
        assert update_ruleset(s, rs, "x") is None
