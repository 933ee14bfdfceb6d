"""The match plan (``huiqi.calc.plan``) and the counted-only statuses of
``match(detail=…)`` give the same answer as evaluating every clause and
collapsing the copies afterwards, on the real bundled corpus (issue 11:
/api/match at 10× the corpus)."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from huiqi.calc.engine import load_ruleset, match
from huiqi.calc.evaluate import FactContext, gate_leaves, gate_unmet, leaf_key
from huiqi.calc.plan import beneficiary_group, plan_for, without_shadowed_copies
from huiqi.calc.scope import resolve_firm_region
from huiqi.firm.profile import load_profile
from huiqi.rules.model import Condition
from tests.search.kw_corpus import corpus_db_url

FIRMS = [
    {"region": "伊金霍洛旗", "entity_type": "企业", "industry": "C35", "employees": 120, "revenue": 80000000,
     "total_assets": 60000000, "qualifications": ["高新技术企业", "专精特新中小企业"]},
    {"region": "阿拉善左旗", "industry": "F52", "employees": 5, "revenue": 300000, "entity_type": "个体工商户",
     "owner_groups": ["退役军人"]},
    {"region": "临河区", "industry": "A01", "employees": 6, "products": ["苜蓿"], "entity_type": "家庭农牧场"},
    {"region": "呼和浩特市", "industry": "C14", "employees": 300, "revenue": 500000000,
     "projects": [{"kind": "技术改造", "investment": 20000000, "name": "乳制品生产线改造"},
                  {"kind": "新建", "investment": 5000000, "name": "牛羊肉冷库"}]},
    {"region": "北京市海淀区", "industry": "I65"},
]
DAYS = [date(2023, 6, 30), date(2024, 9, 1), date(2026, 12, 6)]
ACTING = ("eligible", "likely", "needs_info")


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(corpus_db_url())


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("firm", range(len(FIRMS)))
@pytest.mark.parametrize("detail", [ACTING, ("unchecked",), ("ineligible",)])
def test_counted_only_statuses_change_nothing_but_the_list(ruleset, firm, day, detail):
    full = match(FIRMS[firm], day, ruleset=ruleset)
    light = match(FIRMS[firm], day, ruleset=ruleset, detail=detail)
    listed = set(detail) | set(ACTING)
    assert light["counts"] == full["counts"]
    assert light["total"] == full["total"]
    assert light["next_questions"] == full["next_questions"]
    assert light["not_for_firm"] == full["not_for_firm"]
    assert light["results"] == [r for r in full["results"] if r["status"] in listed]
    assert light["for_people"] == [r for r in full["for_people"] if r["status"] in listed]


def test_the_plan_evaluates_fewer_clauses_and_counts_the_rest(ruleset):
    full = match(FIRMS[0], DAYS[1], ruleset=ruleset)
    firm = resolve_firm_region(FIRMS[0]["region"])
    plan = plan_for(ruleset, firm.chain, lambda s: s.check(firm)[0] != "unmet", DAYS[1])
    in_region = sum(len(g) for g in ruleset.by_scope().values() if g[0].scope.check(firm)[0] != "unmet")
    assert 0 < len(plan.live) < in_region
    assert all(e.in_force_on(DAYS[1]) for e, _ in plan.live)
    assert plan.expired_firm == full["counts"]["expired"] > 0
    assert plan.not_for_firm == full["not_for_firm"]
    # cached per region chain and date
    assert plan_for(ruleset, firm.chain, lambda s: True, DAYS[1]) is plan


class _E:
    def __init__(self, id, auth, ben=None):
        self.id, self.authority_id, self.beneficiary = id, auth, ben


def test_a_copy_is_shadowed_only_by_its_issuing_clause_in_the_same_group():
    a, copy_a, b_copy, p_auth, p_copy = _E(1, 1), _E(2, 1), _E(3, 9), _E(4, 4, "个人"), _E(5, 4)
    kept = [e.id for e, _ in without_shadowed_copies([(e, None) for e in (a, copy_a, b_copy, p_auth, p_copy)])]
    # 2 is a copy of 1 (listed); 3's issuing clause 9 is not there; 5 pays the firm, 4 a person
    assert kept == [1, 3, 4, 5]
    assert beneficiary_group(p_auth) == "people" and beneficiary_group(_E(6, None, "金融机构")) == "other"


def test_equal_leaves_share_an_outcome_but_not_across_firms():
    small = Condition.leaf("membership", "size_class", "in", ["小型", "微型"])
    again = copy.deepcopy(small)
    assert leaf_key(small) == leaf_key(again) and leaf_key(small) is not None
    ctx = FactContext.build(load_profile({"region": "阿拉善左旗", "employees": 5, "revenue": 300000,
                                          "industry": "F52"})[0], date(2025, 1, 1))
    big = FactContext.build(load_profile({"region": "阿拉善左旗", "employees": 900, "revenue": 900000000,
                                          "industry": "C26"})[0], date(2025, 1, 1))
    tree = Condition.all_of([Condition.leaf("text", None, None, None, source_text="经营状况良好"), small])
    gates = gate_leaves(tree)
    assert [g[0] for g in gates] == [small]
    assert not gate_unmet(gates, ctx)
    assert gate_unmet(gates, big)  # a large firm fails 小微 alone: the clause is ineligible
    assert leaf_key(Condition.leaf("threshold", "employees", ">=", True)) != \
        leaf_key(Condition.leaf("threshold", "employees", ">=", 1))


def test_an_evaluation_is_shared_only_between_firms_whose_leaves_agree(ruleset):
    from huiqi.calc.evaluate import evaluate, evaluate_shared

    def ctx_of(profile):
        return FactContext.build(load_profile(profile)[0], date(2025, 6, 30))

    firms = [ctx_of(f) for f in FIRMS] + [ctx_of({**FIRMS[1], "employees": 8}), ctx_of({**FIRMS[1], "employees": 9})]
    trees = [e.rule.conditions for e in ruleset.entries if e.rule.conditions is not None][:400]
    shared = 0
    for tree in trees:
        store: dict = {}
        seen = []
        for ctx in firms:
            got = evaluate_shared(tree, ctx, store)
            assert got == evaluate(tree, ctx)
            shared += any(got is s for s in seen)
            seen.append(got)
    assert shared > 0  # firms agreeing on every leaf of a tree get the same (shared) evaluation


@pytest.mark.parametrize("firm", range(len(FIRMS)))
def test_light_results_complete_to_the_same_firm_view(ruleset, firm):
    """``match(lazy=True)`` (what /api/match uses) fills reasons, citation and
    how to apply only in :func:`firm_view`; what the firm sees, the
    order, counts, totals and questions are those of a full match."""
    from huiqi.calc.engine import firm_view
    from huiqi.calc.results import PENDING

    day = DAYS[1]
    full = match(FIRMS[firm], day, ruleset=ruleset, detail=ACTING)
    light = match(FIRMS[firm], day, ruleset=ruleset, detail=ACTING, lazy=True)
    for key in ("counts", "total", "next_questions", "not_for_firm"):
        assert light[key] == full[key]
    assert [r["id"] for r in light["results"]] == [r["id"] for r in full["results"]]
    if any(r["status"] == "needs_info" for r in light["results"]):
        assert any(PENDING in r for r in light["results"])  # not completed before it is shown
    for group in ("results", "for_people"):
        for offset in (0, 5):
            shown = firm_view(light[group], limit=10, offset=offset)
            assert shown == firm_view(full[group], limit=10, offset=offset)
            assert all(PENDING not in r and r["reasons"] and "source" in r for r in shown)
