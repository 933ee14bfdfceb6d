"""The calculator engine (huiqi.calc.engine) on the real bundled corpus.

These tests check what the engine itself decides — region scope, validity,
reviewed rules replacing extraction, tracks, totals, caching, errors — using
reviewed rules written here into a temporary rules directory, so they do not
depend on how well extraction reads a particular clause.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from huiqi.calc.engine import (
    MatchError,
    refine_status,
    RuleSet,
    clear_cache,
    is_checked,
    load_ruleset,
    match,
    validity_state,
)
from huiqi.rules.model import Reason
from huiqi.firm.profile import ProfileError

SHOP = {"region": "阿拉善左旗", "entity_type": "企业", "industry": "F52", "employees": 5,
        "revenue": 300000, "total_assets": 500000, "taxable_income": 50000,
        "monthly_sales": 25000, "taxpayer_type": "小规模纳税人"}
DAY = date(2025, 6, 1)
#: a day the 2024 list (000) is in force: its title's year, no other validity stated
LIST_DAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def url(corpus_url):
    """The corpus database (SQLite, and PostgreSQL when configured)."""
    return corpus_url


@pytest.fixture(scope="module")
def ruleset(url, tmp_path_factory):
    """The corpus rule set with no reviewed rules (an empty rules dir)."""
    return load_ruleset(url, rules_dir=tmp_path_factory.mktemp("norules"))


def _clause(url, doc_part: str, text_part: str) -> dict:
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import list_policies

    with session_scope(get_engine(url)) as s:
        hits = [c for c in list_policies(s)
                if doc_part in (c["document"]["title"] or "") and text_part in c["text"]]
    assert len(hits) == 1, [h["id"] for h in hits]
    return hits[0]


def _rules_dir(tmp_path, rules: list[dict]):
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "test.yaml").write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8")
    return d


# --------------------------------------------------------------------------
# rule set


def test_ruleset_covers_current_clauses_and_is_cached(url, ruleset):
    assert isinstance(ruleset, RuleSet)
    assert 0 < len(ruleset) < ruleset.n_clauses
    assert len(ruleset) + ruleset.skipped == ruleset.n_clauses
    assert ruleset.problems == []
    kinds = {e.document["kind"] for e in ruleset.entries}
    assert kinds <= {"document", "guide"}
    for e in ruleset.entries:
        assert e.has_offer()
        assert e.source["file"] and e.source["start_line"] <= e.source["end_line"]


def test_guide_scopes_follow_document_level(ruleset):
    alxa = [e for e in ruleset.entries if e.document["region"] == "阿拉善盟"]
    assert alxa and all(e.scope.code == "152900" for e in alxa)
    national = [e for e in ruleset.entries if e.document["level"] == "国家"]
    assert national and all(e.scope.kind == "national" for e in national)


def test_reviewed_rule_replaces_extraction_and_cache_refreshes(url, tmp_path):
    c = _clause(url, "房产税和城镇土地使用税税收优惠政策", "对月销售额不超过3万元的小规模纳税人免征房产税")
    rules_dir = _rules_dir(tmp_path, [{
        "clause_key": c["key"], "title": "测试", "excerpt": "对月销售额不超过3万元的小规模纳税人免征房产税",
        "conditions": {"kind": "threshold", "attribute": "monthly_sales", "operator": "<=", "value": 30000,
                       "text": "月销售额不超过3万元"},
        "benefit": {"kind": "fixed", "amount_yuan": 1234},
    }])
    rs = load_ruleset(url, rules_dir=rules_dir)
    assert rs.n_reviewed == 1 and rs.get(c["id"]).origin == "reviewed"
    res = match(SHOP, DAY, ruleset=rs, clause_ids=[c["id"]])
    (r,) = res["results"]
    assert r["origin"] == "reviewed" and r["status"] == "eligible" and r["checked"]
    assert r["benefit"]["min_yuan"] == r["benefit"]["max_yuan"] == 1234
    assert r["source"]["file"].startswith("003") and r["source"]["start_line"] > 0
    assert any(x["condition"] == "月销售额不超过3万元" and x["outcome"] == "met" for x in r["reasons"])
    assert res["total"]["min_yuan"] == 1234
    # a firm over the threshold is ineligible, with the reason quoting the text
    big = match({**SHOP, "monthly_sales": 50000}, DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert big["status"] == "ineligible"
    assert any(x["outcome"] == "unmet" and x["source_text"] == "月销售额不超过3万元" for x in big["reasons"])
    # editing the rules file gives a new rule set (fingerprint includes the files)
    (rules_dir / "test.yaml").write_text((rules_dir / "test.yaml").read_text(encoding="utf-8")
                                         .replace("1234", "4321"), encoding="utf-8")
    import os
    st = os.stat(rules_dir / "test.yaml")
    os.utime(rules_dir / "test.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    rs2 = load_ruleset(url, rules_dir=rules_dir)
    assert rs2 is not rs
    assert match(SHOP, DAY, ruleset=rs2, clause_ids=[c["id"]])["results"][0]["benefit"]["max_yuan"] == 4321


def test_tracks_best_track_and_open_better_track(url, tmp_path):
    c = _clause(url, "技术合同认定登记优惠政策服务指南", "转让技术成果")
    rules_dir = _rules_dir(tmp_path, [{
        "clause_key": c["key"], "excerpt": "转让技术成果",
        "tracks": [
            {"name": "卖方", "conditions": {"kind": "threshold", "attribute": "facts.卖方交易额", "operator": ">",
                                           "value": 0, "text": "转让技术成果"},
             "benefit": {"kind": "percent", "rate": 0.1, "base": "facts.卖方交易额", "cap_yuan": 1000000}},
            {"name": "买方", "conditions": {"kind": "threshold", "attribute": "facts.买方交易额", "operator": ">",
                                           "value": 0, "text": "购买技术成果"},
             "benefit": {"kind": "percent", "rate": 0.1, "base": "facts.买方交易额", "cap_yuan": 2000000}},
        ],
    }])
    rs = load_ruleset(url, rules_dir=rules_dir)
    firm = {"region": "阿拉善左旗", "facts": {"卖方交易额": 3000000}}
    r = match(firm, DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert r["status"] == "eligible" and r["track"] == "卖方"
    # the buyer track is still open (unknown) and pays more: named in the
    # formula, its fact asked for, its money not added (tracks are alternatives)
    assert r["benefit"]["min_yuan"] == r["benefit"]["max_yuan"] == 300000
    assert "买方" in r["benefit"]["formula"] and "facts.买方交易额" in r["missing"]
    firm["facts"]["买方交易额"] = 5000000
    r = match(firm, DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert r["track"] == "买方" and r["benefit"]["max_yuan"] == 500000
    firm["facts"]["买方交易额"] = 0
    r = match(firm, DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert "买方" not in r["benefit"]["formula"] and r["missing"] == []


def test_stacking_group_counts_once(url, tmp_path):
    a = _clause(url, "房产税和城镇土地使用税税收优惠政策", "对月销售额不超过3万元的小规模纳税人免征房产税")
    b = _clause(url, "“六税两费”税收优惠政策", "减半征收资源税")
    stack = {"group": "测试组", "mode": "highest", "source_text": "就高不叠加"}
    rules_dir = _rules_dir(tmp_path, [
        {"clause_key": a["key"], "excerpt": "小规模纳税人", "benefit": {"kind": "fixed", "amount_yuan": 100},
         "stacking": stack},
        {"clause_key": b["key"], "excerpt": "小规模纳税人", "benefit": {"kind": "fixed", "amount_yuan": 300},
         "stacking": stack},
    ])
    rs = load_ruleset(url, rules_dir=rules_dir)
    res = match(SHOP, DAY, ruleset=rs, clause_ids=[a["id"], b["id"]])
    assert {r["status"] for r in res["results"]} == {"eligible"}
    assert res["total"]["max_yuan"] == 300 and res["total"]["excluded_by_stacking"] == [a["id"]]


# --------------------------------------------------------------------------
# region and validity


def test_other_regions_are_left_out_unless_asked(ruleset):
    res = match({"region": "呼和浩特市"}, DAY, ruleset=ruleset)
    regions = {r["document"]["region"] for r in res["results"]}
    assert "阿拉善盟" not in regions and "伊金霍洛旗" not in regions
    assert "呼和浩特市" in regions
    every = match({"region": "呼和浩特市"}, DAY, ruleset=ruleset, all_regions=True)
    alxa = [r for r in every["results"] if r["document"]["region"] == "阿拉善盟"]
    assert alxa and all(r["status"] == "ineligible" for r in alxa)
    first = alxa[0]["reasons"][0]
    assert first["condition"] == "适用地区：阿拉善盟" and first["outcome"] == "unmet"
    assert "呼和浩特市" in first["detail"]


def test_firm_outside_inner_mongolia_sees_national_clauses_only(ruleset):
    res = match({"region": "北京市海淀区"}, DAY, ruleset=ruleset)
    assert res["results"] and {r["document"]["level"] for r in res["results"]} <= {"国家", None}
    assert any("不在内蒙古自治区" in w for w in res["warnings"])


def test_expired_clause_quotes_its_validity(ruleset):
    ended = [e for e in ruleset.entries if e.validity.get("end") == "2025-12-31"
             and e.scope.kind != "division" or (e.validity.get("end") == "2025-12-31" and e.scope.code == "150000")]
    assert ended
    ids = [e.id for e in ended[:5]]
    before = match(SHOP, date(2025, 12, 31), ruleset=ruleset, clause_ids=ids)
    assert all(r["status"] != "expired" for r in before["results"])
    after = match(SHOP, date(2026, 1, 1), ruleset=ruleset, clause_ids=ids)
    for r in after["results"]:
        assert r["status"] == "expired"
        v = next(x for x in r["reasons"] if x["condition"] == "有效期")
        assert v["outcome"] == "unmet" and "2025-12-31" in v["detail"]
    assert after["total"]["max_yuan"] == 0


def test_validity_state():
    assert validity_state({"end": "2024-05-19", "basis": "政策有效期两年"}, date(2024, 6, 1))[0] == "expired"
    state, note = validity_state({"start": "2025-03-01", "end": "2026-12-31"}, date(2025, 1, 1))
    assert state == "not_yet" and "2025-03-01" in note
    assert validity_state({}, date(2025, 1, 1))[0] == "unknown"
    assert validity_state({"relative": "自发布之日起执行"}, date(2025, 1, 1))[1].startswith("有效期待确认：起止日期未知")
    assert validity_state({"start": "2023-01-01", "end": "2027-12-31"}, date(2025, 1, 1))[0] == "in_force"


# --------------------------------------------------------------------------
# contract, statuses and errors


def test_result_contract(ruleset):
    res = match(SHOP, DAY, ruleset=ruleset)
    assert set(res) == {"as_of", "derived", "results", "counts", "actionable", "total", "for_people",
                        "not_for_firm", "next_questions", "warnings"}
    assert res["as_of"] == "2025-06-01"
    assert res["derived"]["size_class"] == "微型" and res["derived"]["small_low_profit"] is True
    assert "source" in res["derived"]["details"]["size_class"]
    order = ["eligible", "likely", "needs_info", "unchecked", "ineligible", "expired"]
    statuses = [r["status"] for r in res["results"]]
    assert statuses == sorted(statuses, key=order.index)
    for r in res["results"]:
        assert {"id", "title", "text", "status", "reasons", "missing", "benefit", "validity", "contacts",
                "source", "origin", "document", "apply", "expected_yuan"} <= set(r)
        assert r["apply"]["mode"] in ("免申即享", "需申报", "待确认")
        assert r["reasons"][0]["condition"].startswith("适用地区")
        if r["benefit"] is not None:
            assert {"min_yuan", "max_yuan", "formula"} <= set(r["benefit"])
        if r["status"] == "needs_info":
            assert r["missing"]
    assert set(res["total"]) >= {"min_yuan", "max_yuan", "eligible", "likely", "excluded_by_stacking"}
    assert res["counts"]["unchecked"] >= 1 and res["actionable"] == sum(
        res["counts"][s] for s in ("eligible", "likely", "needs_info"))
    for q in res["next_questions"]:
        assert q["prompt"] and q["settles_clauses"] >= 1


def test_unchecked_extracted_clause_is_unchecked_and_not_summed(ruleset):
    unchecked = [e for e in ruleset.entries if e.origin == "extracted" and e.rule.conditions is None
                 and not e.rule.tracks and e.rule.benefit is not None and e.scope.kind == "national"]
    if not unchecked:
        pytest.skip("extraction found a condition in every clause with money")
    res = match(SHOP, DAY, ruleset=ruleset, clause_ids=[e.id for e in unchecked[:3]])
    for r in res["results"]:
        assert r["status"] == "unchecked" and r["checked"] is False
        assert any(x["condition"] == "申请条件" and x["outcome"] == "to_confirm" for x in r["reasons"])
    assert res["total"]["max_yuan"] == 0


def test_is_checked():
    met, text = Reason("a", "met"), Reason("b", "to_confirm")
    assert is_checked("likely", ["membership", "text"], [met, text])
    assert not is_checked("likely", ["text", "text"], [text, text])
    assert is_checked("needs_info", ["threshold"], [Reason("a", "unknown")])
    assert is_checked("eligible", [], [], reviewed_unconditional=True)


def test_refine_status():
    met, text, region = Reason("a", "met"), Reason("b", "to_confirm"), Reason("r", "met")
    assert refine_status("likely", ["membership", "text"], [met, text], reviewed=False) == "likely"
    assert refine_status("likely", ["text"], [text], reviewed=False) == "unchecked"
    # a region met is nothing about the firm for an extracted rule
    assert refine_status("eligible", ["region"], [region], reviewed=False) == "unchecked"
    assert refine_status("eligible", ["region"], [region], reviewed=True) == "eligible"
    assert refine_status("eligible", [], [], reviewed=True, unconditional=True) == "eligible"
    assert refine_status("needs_info", ["text"], [text], reviewed=False) == "needs_info"


def test_profile_as_path_and_model(ruleset, tmp_path):
    p = tmp_path / "firm.yaml"
    p.write_text("region: 阿拉善左旗\nmonthly_sales: 2.5万元\nfoo: 1\n", encoding="utf-8")
    res = match(p, DAY, ruleset=ruleset)
    assert any(w.startswith("foo:") for w in res["warnings"])


def test_bad_input_errors(ruleset):
    with pytest.raises(MatchError) as exc:
        match({"region": "火星"}, DAY, ruleset=ruleset)
    assert str(exc.value).startswith("region:")
    with pytest.raises(ProfileError):
        match({"region": "阿拉善左旗", "employees": "3200万"}, DAY, ruleset=ruleset)
    with pytest.raises(MatchError):
        match(SHOP, DAY, ruleset=ruleset, clause_ids=[10**9])
    with pytest.raises(MatchError) as exc:
        match(SHOP, "2025-02-30", ruleset=ruleset)
    assert str(exc.value).startswith("as_of:")
    assert match(SHOP, "2025-06-01", ruleset=ruleset)["as_of"] == "2025-06-01"


def test_clear_cache_forces_rebuild(url, tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    a = load_ruleset(url, rules_dir=d)
    assert load_ruleset(url, rules_dir=d) is a
    clear_cache()
    assert load_ruleset(url, rules_dir=d) is not a


# --------------------------------------------------------------------------
# benchmark gold cases (benchmarks/gold/profiles) stay resolvable


def _bench():
    """benchmarks/calc_bench.py as a module (registered in sys.modules, which
    its dataclasses need)."""
    import importlib.util
    import sys
    from pathlib import Path

    if "calc_bench" in sys.modules:
        return sys.modules["calc_bench"]
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "calc_bench.py"
    spec = importlib.util.spec_from_file_location("calc_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["calc_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_cases_resolve_to_one_clause(url):
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import list_policies

    bench = _bench()
    cases = bench.load_cases()
    assert len(cases) >= 12
    with session_scope(get_engine(url)) as s:
        clauses = list_policies(s)
    for c in cases:
        for e in c.expect:
            assert bench.resolve(e.ref, clauses) > 0, (c.file, e.ref)
    with pytest.raises(bench.CaseError):
        bench.resolve({"file": "003", "doc": "", "text": "服务指南"}, clauses)


def test_benchmark_scoring():
    bench = _bench()
    rows = [{"expected": "eligible", "got": "eligible"}, {"expected": "likely", "got": "eligible"},
            {"expected": "eligible", "got": "needs_info"}, {"expected": "ineligible", "got": "ineligible"}]
    pr = bench.eligible_pr(rows)
    assert (pr["tp"], pr["fp"], pr["fn"]) == (1, 1, 1) and pr["precision"] == 0.5


# --------------------------------------------------------------------------
# project benefits, validity overrides, screening pieces

TECH_CONDITIONS = {"all": [
    {"kind": "membership", "attribute": "project.kind", "operator": "in", "value": ["技术改造"], "text": "技术改造项目"},
    {"kind": "threshold", "attribute": "project.investment", "operator": ">=", "value": 20000000,
     "text": "投资2000万元及以上"},
    {"kind": "membership", "attribute": "project.status", "operator": "in", "value": ["建成投产"], "text": "已完工"},
]}
TECH_BENEFIT = {"kind": "percent", "rate": 0.2, "base": "project.equipment_investment", "cap_yuan": 5000000}
PROJECT_A = {"name": "技改项目A", "kind": "技术改造", "investment": 30000000, "equipment_investment": 5000000,
             "status": "建成投产"}
PROJECT_B = {"name": "新建项目B", "kind": "新建", "investment": 60000000, "equipment_investment": 40000000,
             "status": "在建"}


def test_project_benefit_counts_only_qualifying_projects(url, tmp_path):
    c = _clause(url, "推动产业高质量发展政策清单", "按照当年技术改造设备投资的20%")
    rules_dir = _rules_dir(tmp_path, [
        {"clause_key": c["key"], "excerpt": "技术改造设备投资的20%", "conditions": TECH_CONDITIONS,
         "benefit": TECH_BENEFIT}])
    rs = load_ruleset(url, rules_dir=rules_dir)
    firm = {"region": "包头市", "projects": [PROJECT_A, PROJECT_B]}
    r = match(firm, LIST_DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    # A qualifies: 500万 × 20% = 100万; B (新建, 在建) would give the 500万 cap
    assert r["status"] == "eligible"
    assert r["benefit"]["min_yuan"] == r["benefit"]["max_yuan"] == 1000000
    # the order of the projects does not matter
    firm["projects"] = [PROJECT_B, PROJECT_A]
    assert match(firm, LIST_DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]["benefit"]["max_yuan"] == 1000000
    # a second qualifying project with more equipment investment counts (best single project)
    big = {**PROJECT_A, "name": "技改项目C", "equipment_investment": 10000000}
    firm["projects"] = [PROJECT_A, PROJECT_B, big]
    assert match(firm, LIST_DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]["benefit"]["max_yuan"] == 2000000
    # a project whose status is unknown still counts when no project is known to qualify
    open_a = {k: v for k, v in PROJECT_A.items() if k != "status"}
    firm["projects"] = [open_a, PROJECT_B]
    r = match(firm, LIST_DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert r["status"] == "needs_info" and r["benefit"]["max_yuan"] == 1000000
    # only B: not eligible at all
    firm["projects"] = [PROJECT_B]
    assert match(firm, LIST_DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]["status"] == "ineligible"


def test_project_benefit_of_a_track_counts_only_projects_of_that_track(url, tmp_path):
    c = _clause(url, "推动产业高质量发展政策清单", "对年节能量2000吨标准煤以上")
    rules_dir = _rules_dir(tmp_path, [{
        "clause_key": c["key"], "excerpt": "节能",
        "tracks": [{"name": "节能", "conditions": {"all": [
            {"kind": "membership", "attribute": "project.kind", "operator": "in", "value": ["节能改造"],
             "text": "节能技术改造项目"},
            {"kind": "threshold", "attribute": "project.energy_saving_tce", "operator": ">=", "value": 2000,
             "text": "年节能量2000吨标准煤以上"}]},
            "benefit": {"kind": "per_unit", "unit_yuan": 200, "quantity": "project.energy_saving_tce",
                        "cap_yuan": 5000000}}],
    }])
    rs = load_ruleset(url, rules_dir=rules_dir)
    firm = {"region": "包头市", "projects": [
        {"name": "节能项目", "kind": "节能改造", "energy_saving_tce": 3000},
        {"name": "养殖项目", "kind": "养殖", "energy_saving_tce": 9000}]}
    r = match(firm, LIST_DAY, ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert r["status"] == "eligible" and r["track"] == "节能"
    assert r["benefit"]["max_yuan"] == 600000  # 3000 吨 × 200元, not the 养殖 project's 9000 吨


HOHHOT_DEADLINE = "政策受理截止期限为2022年12月31日"


def test_reviewed_validity_override_expires_clause(url, tmp_path):
    c = _clause(url, "呼和浩特市促进工业经济高质量发展政策清单", HOHHOT_DEADLINE)
    rules_dir = _rules_dir(tmp_path, [{
        "clause_key": c["key"], "excerpt": HOHHOT_DEADLINE,
        "benefit": {"kind": "fixed", "amount_yuan": 500},
        "validity": {"end": "2022-12-31", "text": HOHHOT_DEADLINE},
    }])
    rs = load_ruleset(url, rules_dir=rules_dir)
    entry = rs.get(c["id"])
    # the document is valid two years (to 2024-05-19); the clause only to the deadline
    assert c["validity"]["end"] > "2022-12-31"
    assert entry.validity["end"] == "2022-12-31" and entry.validity["start"] == c["validity"]["start"]
    firm = {"region": "呼和浩特市赛罕区"}
    before = match(firm, date(2022, 10, 1), ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert before["status"] == "eligible" and before["validity"]["state"] == "in_force"
    after = match(firm, date(2023, 3, 1), ruleset=rs, clause_ids=[c["id"]])["results"][0]
    assert after["status"] == "expired"
    v = next(x for x in after["reasons"] if x["condition"] == "有效期")
    assert v["outcome"] == "unmet" and v["source_text"] == HOHHOT_DEADLINE and "2022-12-31" in v["detail"]
    assert after["validity"]["basis"] == HOHHOT_DEADLINE and after["validity"]["reviewed"] is True
    # batch screening leaves the clause out on the same dates
    assert entry.screening_rule(date(2023, 3, 1)) is None
    assert entry.screening_rule(date(2022, 10, 1))[0] == c["id"]


def test_screening_condition_states_how_the_engine_decides(ruleset):
    unchecked = next(e for e in ruleset.entries if e.unchecked)
    cond = unchecked.screening_condition()
    assert cond.kind == "text" and cond.label == "申请条件"
    tracked = [e for e in ruleset.entries if e.rule.tracks]
    for e in tracked:
        cond = e.screening_condition()
        if all(t.get("conditions") is not None for t in e.rule.tracks):
            assert cond is not None and cond.op in ("any", "all")
    plain = next(e for e in ruleset.entries if e.rule.conditions is not None and not e.rule.tracks)
    assert plain.screening_condition() is plain.rule.conditions


def test_results_do_not_share_mutable_parts_between_calls(ruleset):
    a = match(SHOP, DAY, ruleset=ruleset)["results"][0]
    a["source"]["file"] = "changed"
    a["validity"]["state"] = "changed"
    a["document"]["title"] = "changed"
    b = next(r for r in match(SHOP, DAY, ruleset=ruleset)["results"] if r["id"] == a["id"])
    assert b["source"]["file"] != "changed" and b["validity"]["state"] != "changed"
    assert b["document"]["title"] != "changed"
