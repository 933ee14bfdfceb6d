"""The calculator shows each policy once, only the firm's own money, and
never calls a clause of unknown validity ``eligible`` (issue 11), on the real
bundled corpus."""

from __future__ import annotations

from datetime import date

import pytest

from huiqi.calc.engine import FOR_PEOPLE_LABEL, load_ruleset, match
from tests.search.kw_corpus import corpus_db_url

# a manufacturer in Ejin Horo banner: sees the national, regional, Ordos and
# banner documents, including the 2024 list and its reprints in the compilation
FIRM = {"region": "伊金霍洛旗", "entity_type": "企业", "industry": "C35", "employees": 120,
        "revenue": 80000000, "total_assets": 60000000, "qualifications": ["高新技术企业", "专精特新中小企业"]}
DAY = date(2024, 9, 1)


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(corpus_db_url())


@pytest.fixture(scope="module")
def res(ruleset):
    return match(FIRM, DAY, ruleset=ruleset)


def test_each_policy_once_with_its_reprints_as_sources(res, ruleset):
    auths = [ruleset.get(r["id"]).authority_id for r in res["results"]]
    clustered = [a for a in auths if a is not None]
    assert clustered and len(clustered) == len(set(clustered))
    # 47.对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业 … (000) is listed,
    # its reprint in the compilation (001, item 30) is not, and is cited as a source
    hit = [r for r in res["results"] if "“专精特新”中小企业和“小巨人”企业，分别给予20万元" in r["text"]]
    assert len(hit) == 1
    assert hit[0]["source"]["file"].startswith("000")
    files = {s["source"]["file"][:3] for s in hit[0]["sources"]}
    assert "001" in files and all(s["source"]["start_line"] for s in hit[0]["sources"])


def test_people_benefits_are_a_separate_group_outside_the_total(res, ruleset):
    assert res["for_people"], "the Ejin Horo talent measures pay people"
    ids = {r["id"] for r in res["results"]}
    for r in res["for_people"]:
        assert ruleset.get(r["id"]).beneficiary == "个人" and r["id"] not in ids
    assert all(ruleset.get(r["id"]).beneficiary not in ("个人", "园区/平台", "政府部门", "金融机构")
               for r in res["results"])
    assert FOR_PEOPLE_LABEL == "惠及贵企业员工/人才"
    # 安排1.4亿元支持自治区种业高质量发展 is a programme budget, not the firm's money
    assert not any("安排1.4亿元支持自治区种业" in r["text"] for r in res["results"])
    assert res["not_for_firm"].get("政府部门", 0) >= 1


def test_unknown_validity_is_never_eligible(res):
    for r in res["results"] + res["for_people"]:
        if r["validity"]["state"] == "unknown":
            assert r["status"] != "eligible", r["id"]
            assert r["validity"]["note"].startswith("有效期待确认")


def test_2024_list_is_not_in_force_before_2024(ruleset):
    early = match(FIRM, date(2022, 6, 30), ruleset=ruleset)
    from_list = [r for r in early["results"] if r["source"]["file"].startswith("000")]
    assert from_list and all(r["status"] == "expired" for r in from_list)
    assert all(r["validity"]["start"] == "2024-01-01" for r in from_list if not r["validity"].get("reviewed"))


def test_reprint_never_outlives_its_original(ruleset):
    capped = [e for e in ruleset.entries if e.authority_id not in (None, e.id)
              and ruleset.get(e.authority_id) is not None and ruleset.get(e.authority_id).validity.get("end")]
    assert capped
    for e in capped:
        assert e.validity.get("end") and e.validity["end"] <= ruleset.get(e.authority_id).validity["end"]


@pytest.mark.parametrize("day", [date(2024, 9, 1), date(2025, 6, 30), date(2026, 12, 6)])
def test_expired_clauses_counted_without_detail_give_the_same_answer(ruleset, day):
    full = match(FIRM, day, ruleset=ruleset)
    light = match(FIRM, day, ruleset=ruleset, detail_expired=False)
    assert light["counts"] == full["counts"] and light["total"] == full["total"]
    assert full["counts"]["expired"] > 0
    acting = [r for r in full["results"] if r["status"] != "expired"]
    assert light["results"] == acting  # expired clauses counted, not listed
    assert light["next_questions"] == full["next_questions"]


def _result(res, snippet):
    hits = [r for r in res["results"] if snippet in r["text"]]
    assert len(hits) == 1, snippet
    return hits[0]


def test_a_clause_needing_only_its_own_facts_is_not_a_question_for_every_firm(ruleset):
    # 预制菜领航企业…十强 (reviewed: facts.自治区预制菜十强类别): a software firm has told us
    # nothing that bears on it, so it is not put to the firm as 需补充信息
    soft = {"region": "伊金霍洛旗", "entity_type": "企业", "industry": "I65", "employees": 12, "revenue": 3000000}
    r = _result(match(soft, date(2024, 6, 1), ruleset=ruleset), "预制菜领航企业")
    assert r["status"] == "unchecked" and r["reasons"][-1]["condition"] == "申请条件"
    # …while a firm whose facts bear on it (a 十强 title) is asked for the rest (the sales increase)
    maker = {**soft, "industry": "C13", "facts": {"自治区预制菜十强类别": "领航企业"}}
    r = _result(match(maker, date(2024, 6, 1), ruleset=ruleset), "预制菜领航企业")
    assert r["status"] == "needs_info" and r["missing"]


def test_a_missing_fact_stays_a_question_when_the_firm_facts_bear_on_the_clause(ruleset):
    # 98. 小型微利企业 … 小规模纳税人 … 货车车船税减半: a large general taxpayer fails the first
    # two tracks, so whether it has trucks is still worth asking
    big = {"region": "包头市", "entity_type": "企业", "industry": "C26", "employees": 1500, "revenue": 2500000000,
           "total_assets": 6000000000, "taxable_income": 150000000, "taxpayer_type": "一般纳税人"}
    res = match(big, date(2024, 10, 1), ruleset=ruleset)
    r = _result(res, "98.自2021年1月1日至2025年12月31日")
    assert r["status"] == "needs_info" and all(m.startswith("facts.") for m in r["missing"])
