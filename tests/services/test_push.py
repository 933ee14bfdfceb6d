"""Precise push (精准推送) on the bundled corpus and its reviewed rules:
screening on change, transitions, inbox and outbox, dedupe across re-ingest."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from huiqi.kb.db import session_scope
from huiqi.kb.models import RuleVersion
from huiqi.kb.push import OutboxMessage, ScreenResult, Subscription
from huiqi.kb.requests import Notification
from huiqi.services.push import process
from tests.services.push_env import AT, FIRM_A, FIRM_B, corpus_copy, store_firm


@pytest.fixture
def eng(corpus_url, tmp_path):
    if not corpus_url.startswith("sqlite"):
        pytest.skip("the push tests copy the SQLite corpus file")
    e = corpus_copy(corpus_url, tmp_path)
    yield e
    e.dispose()


def _inbox(eng, code):
    with session_scope(eng) as s:
        return [n.text for n in s.scalars(select(Notification).where(
            Notification.recipient_kind == "firm", Notification.recipient == code).order_by(Notification.id))]


def _outbox(eng, channel="email"):
    with session_scope(eng) as s:
        return [(o.recipient, o.subject, o.body) for o in s.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id))]


def test_new_firms_are_screened_and_notified(eng):
    for code, name, prof in (FIRM_A, FIRM_B):
        store_firm(eng, code, name, prof)
    rep = process(eng, AT)
    assert rep.firms == 2 and rep.notified > 0
    texts = _inbox(eng, FIRM_A[0])
    # the reviewed rule for 专精特新 / 创新型中小企业: 50万元, eligible
    hit = [t for t in texts if "【符合】47." in t]
    assert hit, texts
    assert "50万元" in hit[0] and "原文：000_" in hit[0] and "第" in hit[0] and "行" in hit[0]
    assert "为什么：" in hit[0] and "如何申请：" in hit[0] and "咨询：" in hit[0] and "/clause/47" in hit[0]
    assert not any("47." in t for t in _inbox(eng, FIRM_B[0]))
    mails = _outbox(eng)
    assert any(r == "jia@example.cn" and "47." in subj for r, subj, _ in mails)
    # a likely result is pushed only when its deciding condition was checked, and never worded 符合
    for t in texts:
        if t.startswith("【可能符合"):
            assert "【符合】" not in t
    with session_scope(eng) as s:
        row = s.scalars(select(ScreenResult).where(ScreenResult.firm_code == FIRM_A[0],
                                                   ScreenResult.clause_id == 47)).one()
        assert row.status == "eligible" and row.amount_max == 500000 and row.checked
    # a second pass changes nothing
    again = process(eng, AT)
    assert again.notified == 0 and again.inbox == 0 and again.outbox == 0


def test_no_resend_after_reingest_and_identical_rule(eng):
    from huiqi.config import corpus_files, rules_dir
    from huiqi.kb.models import Clause
    from huiqi.rules.store import rekey_version
    from huiqi.services.ingest import ingest_and_refresh

    store_firm(eng, *FIRM_A)
    process(eng, AT)
    with session_scope(eng) as s:
        n_in = s.scalar(select(func.count()).select_from(Notification))
        n_out = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.channel != "screen"))
    # re-ingest the whole corpus with its reviewed rules
    ingest_and_refresh(eng, corpus_files(), rules_dir=rules_dir(), refresh_index=False)
    process(eng, AT)
    # the reviewed rule of clause 47 re-stored as a new version with the same body (as a re-import does)
    with session_scope(eng) as s:
        v = s.scalars(select(RuleVersion).where(RuleVersion.clause_id == 47, RuleVersion.origin == "reviewed",
                                                RuleVersion.status == "published")).one()
        rekey_version(s, v, s.get(Clause, 47), "测试")
    rep = process(eng, AT)
    assert rep.jobs == 1 and rep.notified == 0
    with session_scope(eng) as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == n_in
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.channel != "screen")) == n_out


def test_rule_change_amount_rise_and_firm_change(eng):
    from huiqi.rules.store import rekey_version

    store_firm(eng, *FIRM_A)
    store_firm(eng, *FIRM_B)
    process(eng, AT)
    # a new version of the rule of clause 47 raises the award: a rise is notified
    with session_scope(eng) as s:
        from huiqi.kb.models import Clause

        v = s.scalars(select(RuleVersion).where(RuleVersion.clause_id == 47, RuleVersion.origin == "reviewed",
                                                RuleVersion.status == "published")).one()
        new = rekey_version(s, v, s.get(Clause, 47), "测试")
        body = copy.deepcopy(new.body)
        _scale_amounts(body, 2)
        new.body = body
    rep = process(eng, AT)
    assert rep.rules == 1
    texts = [t for t in _inbox(eng, FIRM_A[0]) if "金额提高" in t]
    assert texts and "100万元" in texts[0] and "此前为50万元" in texts[0]
    # firm B gains the qualification: only B is screened, against every rule
    prof = copy.deepcopy(FIRM_B[2])
    prof["qualifications"] = ["专精特新中小企业"]
    prof["employees"], prof["revenue"], prof["total_assets"] = 120, 8e7, 6e7
    store_firm(eng, FIRM_B[0], FIRM_B[1], prof)
    rep = process(eng, AT)
    assert rep.firms == 1 and rep.rules == 0
    assert any("47." in t for t in _inbox(eng, FIRM_B[0]))


def _scale_amounts(node, k: float) -> None:
    """Multiply every ``amount_yuan`` of a rule body by ``k``."""
    if isinstance(node, dict):
        for key, v in node.items():
            if key == "amount_yuan" and isinstance(v, (int, float)):
                node[key] = v * k
            else:
                _scale_amounts(v, k)
    elif isinstance(node, list):
        for v in node:
            _scale_amounts(v, k)


def test_topic_subscription_gets_policy_updates(eng):
    from datetime import datetime as dt

    from huiqi.services.push_targets import keyword_terms

    process(eng, AT)  # the jobs of the corpus ingest, before anyone subscribed
    with session_scope(eng) as s:
        s.add(Subscription(owner_kind="user", owner="7", kind="topic", keywords=["专精特新"],
                           terms=keyword_terms(["专精特新"]), frequency="instant", channels=["inbox", "email"],
                           email="u7@example.cn", active=True, created_at=dt(2024, 5, 1)))
        v = s.scalars(select(RuleVersion).where(RuleVersion.clause_id == 47, RuleVersion.origin == "reviewed",
                                                RuleVersion.status == "published")).one()
        from huiqi.kb.models import Clause
        from huiqi.rules.store import rekey_version

        rekey_version(s, v, s.get(Clause, 47), "测试")
    rep = process(eng, AT)
    assert rep.topic == 1
    with session_scope(eng) as s:
        notes = list(s.scalars(select(Notification).where(Notification.recipient_kind == "user",
                                                          Notification.recipient == "7")))
        assert len(notes) == 1 and notes[0].text.startswith("【政策更新】47.")
    assert [r for r, _, _ in _outbox(eng)] == ["u7@example.cn"]
