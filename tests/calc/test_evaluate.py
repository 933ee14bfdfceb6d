"""Three-valued evaluation of condition trees (huiqi.calc.evaluate)."""

from datetime import date

import pytest

from huiqi.calc.evaluate import PROMPTS, FactContext, evaluate
from huiqi.rules.model import Condition as C
from huiqi.firm.profile import KNOWN_QUALIFICATIONS, load_profile

AS_OF = date(2025, 6, 30)


def ctx(**kw) -> FactContext:
    profile, _ = load_profile({"region": "阿拉善左旗", **kw})
    return FactContext.build(profile, AS_OF)


def leaf(kind, attribute=None, operator=None, value=None, **kw):
    return C.leaf(kind, attribute, operator, value, source_text=kw.pop("src", "原文"), label=kw.pop("label", ""), **kw)


EMPLOYEES_300 = leaf("threshold", "employees", "<=", 300, label="从业人数不超过300人")


# --- single leaves: each outcome ------------------------------------------


def test_threshold_met_unmet_unknown():
    assert evaluate(EMPLOYEES_300, ctx(employees=120)).outcome == "met"
    assert evaluate(EMPLOYEES_300, ctx(employees=301)).outcome == "unmet"
    ev = evaluate(EMPLOYEES_300, ctx())
    assert ev.outcome == "unknown"
    assert ev.missing == ["employees"]
    assert ev.reasons[0].detail == "缺少：从业人员"


def test_reason_detail_quotes_profile_and_source():
    ev = evaluate(EMPLOYEES_300, ctx(employees=120))
    (r,) = ev.reasons
    assert (r.condition, r.outcome, r.source_text) == ("从业人数不超过300人", "met", "原文")
    assert r.detail == "从业人员 120 人"


def test_strict_and_inclusive_bounds():
    over = leaf("threshold", "revenue", ">", 20_000_000)
    assert evaluate(over, ctx(revenue="2000万元")).outcome == "unmet"
    assert evaluate(over, ctx(revenue="2000.01万元")).outcome == "met"
    band = leaf("threshold", "project.investment", "between", [50_000_000, 100_000_000])
    p = {"kind": "新建", "investment": "1亿元"}
    assert evaluate(band, ctx(projects=[p])).outcome == "met"
    band.inclusive = False
    assert evaluate(band, ctx(projects=[p])).outcome == "unmet"


def test_text_leaf_is_to_confirm_never_met():
    t = leaf("text", label="经营状况良好")
    ev = evaluate(t, ctx(employees=10))
    assert ev.outcome == "to_confirm"
    assert ev.missing == []


def test_none_condition_is_met():
    ev = evaluate(None, ctx())
    assert ev.outcome == "met" and ev.reasons == [] and ev.missing == []


# --- derived facts --------------------------------------------------------


def test_size_class_uses_derived_fact_and_reports_underlying_keys():
    smb = leaf("membership", "size_class", "in", ["小型", "微型"], label="小微企业")
    assert evaluate(smb, ctx(industry="C3985", employees=50, revenue="1000万元")).outcome == "met"
    assert evaluate(smb, ctx(industry="C3985", employees=1200, revenue="5亿元")).outcome == "unmet"
    ev = evaluate(smb, ctx(industry="C3985"))
    assert ev.outcome == "unknown"
    assert set(ev.missing) == {"employees", "revenue"}  # not "size_class"


def test_sme_settled_by_known_indicator_even_when_size_open():
    sme = leaf("membership", "size_class", "in", ["中型", "小型", "微型"])
    # 工业: 200 employees (< 1000) caps the firm below 大型 although revenue is missing
    assert evaluate(sme, ctx(industry="制造业", employees=200)).outcome == "met"


def test_small_low_profit_qualification_from_derived_fact():
    slp = leaf("membership", "qualifications", "in", ["小型微利企业"])
    ok = ctx(taxable_income="200万元", employees=50, total_assets="3000万元")
    assert evaluate(slp, ok).outcome == "met"
    too_big = ctx(taxable_income="400万元", employees=50, total_assets="3000万元")
    assert evaluate(slp, too_big).outcome == "unmet"
    ev = evaluate(slp, ctx(employees=50))
    assert ev.outcome == "unknown"
    assert set(ev.missing) == {"taxable_income", "total_assets"}


def test_above_scale_industrial_qualification_from_derived_fact():
    above = leaf("membership", "qualifications", "in", ["规模以上工业企业"])
    # 国家统计局: 工业 (GB/T 4754 B/C/D) with 主营业务收入 ≥ 2000万元 — also when
    # the firm's qualification list does not name it
    assert evaluate(above, ctx(industry="C3985", revenue="3000万元")).outcome == "met"
    assert evaluate(above, ctx(industry="C3985", revenue="3000万元", qualifications=["高新技术企业"])).outcome == "met"
    assert evaluate(above, ctx(industry="C3985", revenue="1500万元")).outcome == "unmet"
    assert evaluate(above, ctx(industry="批发业", revenue="3亿元")).outcome == "unmet"
    ev = evaluate(above, ctx(industry="C3985"))
    assert (ev.outcome, ev.missing) == ("unknown", ["revenue"])
    # stated in the list: met without the figures
    assert evaluate(above, ctx(qualifications=["规模以上工业企业"])).outcome == "met"
    # one of several alternatives: a settled False does not decide the others
    either = leaf("membership", "qualifications", "in", ["规模以上工业企业", "高新技术企业"])
    assert evaluate(either, ctx(industry="C3985", revenue="1500万元")).outcome == "unknown"
    assert evaluate(either, ctx(industry="C3985", revenue="1500万元", qualifications=[])).outcome == "unmet"


@pytest.mark.parametrize(
    "attribute, value, kw, expected",
    [
        ("small_low_profit", True, dict(taxable_income="200万元", employees=50, total_assets="3000万元"), "met"),
        ("small_low_profit", True, dict(taxable_income="400万元", employees=50, total_assets="3000万元"), "unmet"),
        ("small_low_profit", False, dict(taxable_income="400万元"), "met"),
        ("small_low_profit", True, dict(employees=50), "unknown"),
        ("sme", True, dict(industry="制造业", employees=200), "met"),
        ("sme", False, dict(industry="制造业", employees=200), "unmet"),
        ("sme", True, dict(industry="制造业", employees=2000, revenue="5亿元"), "unmet"),
        ("listed", True, dict(listed=True), "met"),
        ("listed", True, dict(listed=False), "unmet"),
        ("listed", False, dict(), "unknown"),
        ("facts.是否为数据中心", True, dict(facts={"是否为数据中心": "是"}), "met"),
        ("facts.是否为数据中心", True, dict(facts={"是否为数据中心": "否"}), "unmet"),
        ("facts.是否为数据中心", True, dict(facts={"是否为数据中心": "大概"}), "unknown"),
        ("above_scale_industrial", True, dict(industry="C13", revenue="2000万元"), "met"),
    ],
)
def test_boolean_threshold(attribute, value, kw, expected):
    # small_low_profit == true (a yes/no derived fact) was unknown before: _num(True) is None
    ev = evaluate(leaf("threshold", attribute, "==", value), ctx(**kw))
    assert ev.outcome == expected, ev.reasons
    if expected == "unknown":
        assert ev.missing


def test_boolean_threshold_needs_equality():
    # 小型微利企业 >= true means nothing: not comparable, never silently met
    ev = evaluate(leaf("threshold", "small_low_profit", ">=", True),
                  ctx(taxable_income="200万元", employees=50, total_assets="3000万元"))
    assert ev.outcome == "unknown"
    # the reason names the yes/no fact in words
    assert evaluate(leaf("threshold", "sme", "==", False), ctx()).reasons[0].condition == "非中小微企业"
    assert evaluate(leaf("threshold", "small_low_profit", "==", True), ctx()).reasons[0].condition == "小型微利企业"


def test_age_years_from_established():
    age = leaf("threshold", "age_years", ">=", 3)
    assert evaluate(age, ctx(established="2020-01-01")).outcome == "met"
    assert evaluate(age, ctx(established="2023-01-01")).outcome == "unmet"
    assert evaluate(age, ctx()).missing == ["established"]


# --- memberships ----------------------------------------------------------


def test_qualifications_unknown_until_stated():
    hte = leaf("membership", "qualifications", "in", ["高新技术企业"])
    assert "高新技术企业" in KNOWN_QUALIFICATIONS
    assert evaluate(hte, ctx(qualifications=["高企"])).outcome == "met"
    assert evaluate(hte, ctx(qualifications=[])).outcome == "unmet"  # stated: none
    ev = evaluate(hte, ctx())
    assert ev.outcome == "unknown" and ev.missing == ["qualifications"]


def test_industry_membership_via_gbt4754():
    mfg = leaf("membership", "industry", "in", ["C"])
    assert evaluate(mfg, ctx(industry="乳制品制造")).outcome == "met"
    assert evaluate(mfg, ctx(industry="软件和信息技术服务业")).outcome == "unmet"
    # 工业 (B, C, D) is broader than 制造业: needs a finer industry
    ev = evaluate(mfg, ctx(industry="工业"))
    assert ev.outcome == "unknown" and ev.missing == ["industry"]
    industrial = leaf("membership", "industry", "in", ["B", "C", "D"])
    assert evaluate(industrial, ctx(industry="工业")).outcome == "met"


def test_entity_type_and_taxpayer_type():
    gth = leaf("membership", "entity_type", "in", ["个体工商户"])
    assert evaluate(gth, ctx(entity_type="个体户")).outcome == "met"
    assert evaluate(gth, ctx(entity_type="企业")).outcome == "unmet"
    assert evaluate(gth, ctx()).outcome == "unknown"
    small = leaf("membership", "taxpayer_type", "in", ["小规模纳税人"])
    assert evaluate(small, ctx(taxpayer_type="一般纳税人")).outcome == "unmet"


def test_person_beneficiary_never_matches_an_enterprise():
    person = leaf("membership", "entity_type", "in", ["个人"])
    assert evaluate(person, ctx()).outcome == "unmet"
    assert evaluate(person, ctx(entity_type="企业")).outcome == "unmet"


def test_region_leaf_resolves_ancestors():
    alxa = leaf("region", value=["152900"], label="注册地在阿拉善盟")
    assert evaluate(alxa, ctx()).outcome == "met"  # 阿拉善左旗 ⊂ 阿拉善盟
    profile, _ = load_profile({"region": "伊金霍洛旗"})
    assert evaluate(alxa, FactContext.build(profile, AS_OF)).outcome == "unmet"
    profile, _ = load_profile({"region": "152921"})  # GB/T 2260 code of 阿拉善左旗
    assert evaluate(alxa, FactContext.build(profile, AS_OF)).outcome == "met"
    imar = leaf("region", value=["内蒙古自治区"])
    assert evaluate(imar, ctx()).outcome == "met"
    profile, _ = load_profile({"region": "火星"})
    ev = evaluate(alxa, FactContext.build(profile, AS_OF))
    assert ev.outcome == "unknown" and ev.missing == ["region"]


def test_free_facts():
    hired = leaf("threshold", "facts.登记失业人员招用人数", ">=", 1)
    assert evaluate(hired, ctx(facts={"登记失业人员招用人数": 3})).outcome == "met"
    assert evaluate(hired, ctx(facts={"登记失业人员招用人数": 0})).outcome == "unmet"
    ev = evaluate(hired, ctx())
    assert ev.outcome == "unknown" and ev.missing == ["facts.登记失业人员招用人数"]


def test_date_leaf():
    after = leaf("date", "established", ">=", "2022-01-01")
    assert evaluate(after, ctx(established="2023-05-01")).outcome == "met"
    assert evaluate(after, ctx(established="2021-12-31")).outcome == "unmet"
    assert evaluate(after, ctx()).outcome == "unknown"


# --- projects -------------------------------------------------------------

RETROFIT = C.all_of([
    leaf("membership", "project.kind", "in", ["技术改造"]),
    leaf("threshold", "project.investment", ">=", 20_000_000),
    leaf("date", "project.completed", ">=", "2022-01-01"),
])


def test_one_project_must_satisfy_all_project_leaves():
    a = {"name": "A线", "kind": "技术改造", "investment": "500万元", "completed": "2023-01-01"}
    b = {"name": "B线", "kind": "新建", "investment": "3000万元", "completed": "2023-01-01"}
    # each leaf is met by some project, but no single project meets all
    assert evaluate(RETROFIT, ctx(projects=[a, b])).outcome == "unmet"
    c = {"name": "C线", "kind": "技改", "investment": "3000万元", "completed": "2023-01-01"}
    ev = evaluate(RETROFIT, ctx(projects=[a, c]))
    assert ev.outcome == "met"
    assert [r.outcome for r in ev.reasons] == ["met", "met", "met"]
    assert all(r.detail.startswith("C线") for r in ev.reasons)


def test_projects_missing_or_incomplete_is_unknown():
    ev = evaluate(RETROFIT, ctx())
    assert ev.outcome == "unknown" and ev.missing == ["projects"]
    ev = evaluate(RETROFIT, ctx(projects=[{"kind": "技术改造", "investment": "3000万元"}]))
    assert ev.outcome == "unknown" and ev.missing == ["project.completed"]


# --- connectives: Kleene logic ---------------------------------------------


def test_all_any_not_three_valued():
    met = EMPLOYEES_300
    unknown = leaf("threshold", "revenue", ">=", 1)
    text = leaf("text", label="无重大安全事故")
    c = ctx(employees=10)
    assert evaluate(C.all_of([met, unknown]), c).outcome == "unknown"
    assert evaluate(C.all_of([met, text]), c).outcome == "to_confirm"
    assert evaluate(C.all_of([unknown, text]), c).outcome == "unknown"
    assert evaluate(C.any_of([met, unknown]), c).outcome == "met"
    assert evaluate(C.any_of([unknown, text]), c).outcome == "to_confirm"
    unmet = leaf("threshold", "employees", ">", 100)
    assert evaluate(C.all_of([unmet, unknown]), c).outcome == "unmet"
    assert evaluate(C.any_of([unmet, unknown]), c).outcome == "unknown"
    assert evaluate(C.negation(unmet), c).outcome == "met"
    assert evaluate(C.negation(text), c).outcome == "to_confirm"
    assert evaluate(C.negation(unknown), c).outcome == "unknown"


def test_missing_only_when_it_matters():
    unknown = leaf("threshold", "revenue", ">=", 1)
    unmet = leaf("threshold", "employees", ">", 100)
    c = ctx(employees=10)
    # settled: a missing fact would not change the outcome
    assert evaluate(C.all_of([unmet, unknown]), c).missing == []
    assert evaluate(C.any_of([EMPLOYEES_300, unknown]), c).missing == []
    ev = evaluate(C.all_of([EMPLOYEES_300, unknown, leaf("threshold", "total_assets", "<=", 1e8)]), c)
    assert ev.missing == ["revenue", "total_assets"]


def test_reasons_in_tree_order_with_negated_view():
    blacklisted = leaf("text", label="列入严重失信名单")
    tree = C.all_of([EMPLOYEES_300, C.negation(C.any_of([blacklisted])), leaf("threshold", "revenue", ">=", 1)])
    ev = evaluate(tree, ctx(employees=10))
    assert [r.condition for r in ev.reasons] == ["从业人数不超过300人", "不属于：列入严重失信名单", "营业收入不低于1元"]
    unmet = leaf("threshold", "employees", ">", 100, label="从业人员超过100人")
    ev = evaluate(C.negation(unmet), ctx(employees=10))
    assert ev.outcome == "met" and ev.reasons[0].outcome == "met"  # 不属于 … holds


def test_prompts_cover_profile_keys():
    for key in ("employees", "revenue", "qualifications", "industry", "projects", "project.investment",
                "taxpayer_type", "established", "region"):
        assert PROMPTS[key].endswith("？")
    assert PROMPTS["employees"] == "贵企业从业人员有多少人？"


@pytest.mark.parametrize("n", [50])
def test_evaluation_is_fast(n):
    """Not a timing assertion: a smoke check that evaluation is cheap enough
    to run the whole tree many times (the engine evaluates ~300 clauses)."""
    c = ctx(employees=120, industry="C3985", revenue="3000万元", projects=[{"kind": "技术改造", "investment": "3000万元"}])
    for _ in range(n):
        evaluate(RETROFIT, c)


def test_fact_values_written_with_units():
    hired = leaf("threshold", "facts.登记失业人员招用人数", ">=", 3)
    assert evaluate(hired, ctx(facts={"登记失业人员招用人数": "3人"})).outcome == "met"
    assert evaluate(hired, ctx(facts={"登记失业人员招用人数": "两人"})).outcome == "unmet"
    output = leaf("threshold", "facts.产值", ">=", 100_000_000)
    assert evaluate(output, ctx(facts={"产值": "1.2亿元"})).outcome == "met"
    ev = evaluate(output, ctx(facts={"产值": "很多"}))
    assert ev.outcome == "unknown" and "无法比较" in ev.reasons[0].detail



# --- 成立年限 counted in full years ----------------------------------------


@pytest.mark.parametrize(
    "established, operator, value, outcome",
    [
        # 注册时间在3年以内 (<= 3): 3 years 4 months is over, 2 years 11 months within
        ("2022-02-28", "<=", 3, "unmet"),
        ("2022-08-01", "<=", 3, "met"),
        # 成立超过3年 (> 3): 3 years 4 months is over 3 years although 3 full years
        ("2022-02-28", ">", 3, "met"),
        ("2022-08-01", ">", 3, "unmet"),
        # lower bounds and strict upper bounds mean the same on full years
        ("2022-02-28", ">=", 3, "met"),
        ("2022-08-01", ">=", 3, "unmet"),
        ("2022-02-28", "<", 3, "unmet"),
        # a range [1, 3]: 3 years 4 months is outside
        ("2022-02-28", "between", [1, 3], "unmet"),
        ("2023-02-28", "between", [1, 3], "met"),
    ],
)
def test_age_bounds_read_full_years(established, operator, value, outcome):
    age = leaf("threshold", "age_years", operator, value, label="成立年限")
    ev = evaluate(age, ctx(established=established))  # AS_OF 2025-06-30
    assert ev.outcome == outcome


def test_rd_intensity_follows_from_rd_expense_and_revenue():
    ratio = leaf("threshold", "facts.研发费用占营业收入比例", ">=", 0.03, label="研发投入占营业收入比例达到3%以上")
    assert evaluate(ratio, ctx(rd_expense="500万元", revenue="6000万元")).outcome == "met"  # 8.3%
    assert evaluate(ratio, ctx(rd_expense="100万元", revenue="6000万元")).outcome == "unmet"  # 1.7%
    # a stated figure wins over the computed one
    assert evaluate(ratio, ctx(rd_expense="100万元", revenue="6000万元",
                               facts={"研发费用占营业收入比例": "4%"})).outcome == "met"
    ev = evaluate(ratio, ctx(revenue="6000万元"))
    assert ev.outcome == "unknown" and ev.missing == ["rd_expense"]  # asks for the field, not the ratio



def test_project_kind_also_read_from_the_project_name():
    smart = C.all_of([leaf("membership", "project.kind", "in", ["智能制造", "机器换人", "数字化改造"], label="智能制造项目")])
    named = ctx(projects=[{"name": "智能制造数字化车间", "kind": "技术改造", "investment": 12000000}])
    plain = ctx(projects=[{"name": "新厂房", "kind": "技术改造", "investment": 12000000}])
    assert evaluate(smart, named).outcome == "met"
    assert evaluate(smart, plain).outcome == "unmet"
