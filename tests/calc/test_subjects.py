"""Subjects checked against the firm (issue 11): species/crops, founder
groups, OR branches that test nothing about the firm, support of a status,
tax relief bounded by the tax paid."""

from datetime import date

from huiqi.calc.benefit import compute_benefit
from huiqi.calc.evaluate import FactContext, evaluate, supported
from huiqi.calc.subjects import (
    founder_conditions,
    product_condition,
    products_outcome,
    prune_unchecked_branches,
)
from huiqi.firm.profile import load_profile
from huiqi.reference.industries import resolve_industry
from huiqi.rules.model import BenefitSpec, Condition

L = Condition.leaf
DAY = date(2025, 6, 1)


def _ctx(**profile):
    p, _ = load_profile({"region": "阿拉善左旗", **profile})
    return FactContext.build(p, DAY)


def test_species_of_a_farming_clause_are_checked():
    leaf = product_condition("对新建和改造升级300只以上鸵鸟规模化养殖基地给予补贴")
    assert leaf is not None and leaf.attribute == "products" and leaf.value == ["鸵鸟"]
    beef, _ = load_profile({"region": "阿拉善左旗", "industry": "A03", "products": ["肉牛"]})
    ostrich, _ = load_profile({"region": "阿拉善左旗", "industry": "A03",
                               "projects": [{"name": "鸵鸟规模化养殖基地", "kind": "养殖"}]})
    assert products_outcome(leaf.value, beef, resolve_industry("A03"))[0] == "unmet"
    assert products_outcome(leaf.value, ostrich, resolve_industry("A03"))[0] == "met"  # from the project name
    # a firm outside farming that states no products is not the subject; a farm that states none is asked
    shop, _ = load_profile({"region": "阿拉善左旗", "industry": "F52"})
    farm, _ = load_profile({"region": "阿拉善左旗", "industry": "A03"})
    assert products_outcome(leaf.value, shop, resolve_industry("F52"))[0] == "unmet"
    assert products_outcome(leaf.value, farm, resolve_industry("A03")) == ("unknown", "缺少：品种/作物", ["products"])


def test_narrower_species_drop_the_wider_name():
    leaf = product_condition("对育种能力评价达到良好等级以上的奶牛育种企业给予奖励，并根据种公牛每年排名结果奖励")
    assert leaf.value == ["奶牛"]  # 种公牛 is a 奶牛 here, so a beef farm does not pass
    beef, _ = load_profile({"region": "阿拉善左旗", "products": ["肉牛"]})
    assert products_outcome(leaf.value, beef, None)[0] == "unmet"
    assert product_condition("加强组织领导，落实责任") is None


def test_founder_groups_in_a_start_up_clause_use_owner_groups():
    text = "对首次创办小微企业的离校2年内高校毕业生、退役军人给予一次性创业补贴"
    cond = Condition.all_of([L("text", source_text="离校2年内高校毕业生、退役军人", label="离校2年内高校毕业生、退役军人")])
    out = founder_conditions(cond, text)
    leaf = next(x for x in out.leaves() if x.attribute == "owner_groups")
    assert leaf.value == ["退役军人", "高校毕业生"]
    assert evaluate(out, _ctx(owner_groups=["退役军人"])).outcome == "to_confirm"  # the text stays to confirm
    assert evaluate(out, _ctx(owner_groups=[])).outcome == "unmet"
    assert evaluate(out, _ctx()).outcome == "unknown"
    # a group that is hired is not a founder
    hire = "招用自主就业退役士兵，与其签订1年以上劳动合同的企业，自主创业的除外"
    c2 = Condition.all_of([L("text", source_text="招用自主就业退役士兵", label="招用自主就业退役士兵")])
    assert founder_conditions(c2, hire) is c2


def test_or_branch_testing_nothing_about_the_firm_is_pruned():
    bank = L("text", source_text="对辖区内金融机构当年投向中小微企业的普惠金融贷款", label="金融机构贷款")
    firm = Condition.all_of([L("region", value=["152921"]), L("threshold", "age_years", ">=", 2.0)])
    pruned = prune_unchecked_branches(Condition.any_of([bank, firm]))
    young = _ctx(established="2024-05-01")
    assert evaluate(Condition.any_of([bank, firm]), young).outcome == "to_confirm"  # what misled the firm
    assert evaluate(pruned, young).outcome == "unmet"  # 正常运营2年以上 is not overridden


def test_a_met_condition_counts_only_where_it_carries_the_outcome():
    person = L("text", source_text="离校两年内未就业的高校毕业生灵活就业", label="高校毕业生灵活就业")
    hired = Condition.all_of([L("threshold", "facts.高校毕业生招用人数", ">=", 1),
                              L("membership", "size_class", "in", ["小型", "微型"])])
    cond = Condition.any_of([hired, person])
    ctx = _ctx(employees=3, revenue=500000, facts={"高校毕业生招用人数": 0})
    assert evaluate(cond, ctx).outcome == "to_confirm"
    assert not supported(cond, ctx)  # 小微企业 met inside the failed branch does not count
    ctx2 = _ctx(employees=3, revenue=500000, facts={"高校毕业生招用人数": 2})
    assert supported(cond, ctx2)
    assert not supported(L("membership", "size_class", "in", ["小型", "微型"]), ctx2,
                         subject_only={"size_class"})


def test_tax_relief_is_bounded_by_the_tax_paid():
    spec = BenefitSpec("per_unit", unit_yuan=7800, quantity="facts.脱贫人口招用人数", years=3,
                       bounded_by="facts.当年实际缴纳税费", formula="每人每年7800元 × 人数 × 3年")
    p, _ = load_profile({"region": "阿拉善左旗", "facts": {"脱贫人口招用人数": 4, "当年实际缴纳税费": 20000}})
    b = compute_benefit(spec, p)
    assert (b.min_yuan, b.max_yuan) == (60000.0, 60000.0)  # 4 × 7800 × 3 = 93600, but 2万元 a year × 3
    p2, _ = load_profile({"region": "阿拉善左旗", "facts": {"脱贫人口招用人数": 1, "当年实际缴纳税费": 20000}})
    assert compute_benefit(spec, p2).max_yuan == 23400.0  # under the bound: unchanged
    p3, _ = load_profile({"region": "阿拉善左旗", "facts": {"脱贫人口招用人数": 4}})
    b3 = compute_benefit(spec, p3)
    assert b3.max_yuan == 93600.0 and "facts.当年实际缴纳税费" in b3.missing


def test_owner_groups_profile_key():
    p, _ = load_profile({"region": "阿拉善左旗", "owner_groups": "退伍军人、大学毕业生"})
    assert p.owner_groups == ["退役军人", "高校毕业生"]
    import pytest

    from huiqi.firm.profile import ProfileError

    with pytest.raises(ProfileError, match="owner_groups"):
        load_profile({"region": "阿拉善左旗", "owner_groups": ["宇航员"]})


def test_a_reviewed_rule_may_say_the_product_words_do_not_restrict_applicants():
    from huiqi.calc.engine import _with_subjects
    from huiqi.rules.reviewed import rule_from_dict, rule_to_dict
    from huiqi.rules.store import rule_body, rule_from_body

    # the species words name priority chains for attracting investment, not who may apply
    row = {"text": "紧密围绕我区绿色农畜产品加工、新能源、新材料等产业集群招引外资项目；对首次认定的高新技术企业给予30万元奖励",
           "path": []}
    raw = {"clause_key": "a" * 40, "excerpt": "对首次认定的高新技术企业给予30万元奖励",
           "conditions": {"kind": "membership", "attribute": "qualifications", "operator": "in",
                          "value": ["高新技术企业"], "text": "高新技术企业"}}
    by_default, _, _ = rule_from_dict(raw)
    assert any(leaf.attribute == "products" for leaf in _with_subjects(by_default, row).conditions.leaves())
    rule, _, _ = rule_from_dict({**raw, "product_subject": False})
    assert not rule.product_subject
    assert _with_subjects(rule, row).conditions is rule.conditions
    # the flag survives the YAML form and the stored body
    assert rule_to_dict(rule)["product_subject"] is False
    assert rule_from_body(rule.clause_key, "reviewed", rule_body(rule)).product_subject is False


def test_any_farm_product_is_not_any_product_word():
    """农畜产品 in a processing clause is met by a farm product or a firm of a
    farming/food industry, never by a coal-chemical or hydrogen product word
    (text of the 自治区 measures on 农畜产品精深加工, issue 11)."""
    leaf = product_condition("对当年农畜产品精深加工量达到1000吨以上或年销售收入达2亿元以上的重点加工企业")
    assert leaf is not None and leaf.value == ["农畜产品"]
    coal, _ = load_profile({"region": "伊金霍洛旗", "industry": "C26", "products": ["煤基新材料"]})
    hydrogen, _ = load_profile({"region": "东胜区", "industry": "C38", "products": ["氢燃料电池"]})
    dairy, _ = load_profile({"region": "和林格尔县", "industry": "C14", "products": ["液态奶"]})
    beef, _ = load_profile({"region": "阿拉善左旗", "industry": "A03", "products": ["肉牛"]})
    assert products_outcome(leaf.value, coal, resolve_industry("C26"))[0] == "unmet"
    assert products_outcome(leaf.value, hydrogen, resolve_industry("C38"))[0] == "unmet"
    assert products_outcome(leaf.value, dairy, resolve_industry("C14"))[0] == "met"
    assert products_outcome(leaf.value, beef, resolve_industry("A03"))[0] == "met"


def test_selling_a_farm_product_does_not_make_a_farm_or_a_processor():
    """A cross-border online shop selling 奶酪 and 奶制品 is no 奶畜养殖场 and no
    乳制品加工企业 (issue 11 error class 6: sector and species words); a farming
    project of a firm of another industry still counts."""
    leaf = product_condition("对通过布病、牛结核病等自治区级净化创建场评估的奶畜养殖场奖励50万元")
    assert leaf is not None
    shop, _ = load_profile({"region": "科尔沁区", "industry": "F5292", "products": ["牛肉干", "奶制品"]})
    out, detail, _ = products_outcome(leaf.value, shop, resolve_industry("F5292"))
    assert out == "unmet" and "企业行业为" in detail
    dairy_farm, _ = load_profile({"region": "科尔沁区", "industry": "A0311", "products": ["奶牛"]})
    assert products_outcome(leaf.value, dairy_farm, resolve_industry("A0311"))[0] == "met"
    miner_with_ranch, _ = load_profile({"region": "伊金霍洛旗", "industry": "B06",
                                         "projects": [{"name": "奶牛养殖牧场", "kind": "养殖"}]})
    assert products_outcome(leaf.value, miner_with_ranch, resolve_industry("B06"))[0] == "met"


def test_a_park_subject_is_a_fact_not_a_confirmation():
    """对乳业开发区新落地企业设置5年成长期 (Hohhot list item 40): where the firm
    sits is asked as facts.所在园区, not left for a person to confirm, so a
    firm elsewhere does not read 很可能 (issue 11); a reviewer's compound
    text stays as written."""
    from huiqi.calc.subjects import PARK_FACT, park_conditions, park_subject

    assert park_subject("乳业开发区新落地企业设置5年成长期") == "乳业开发区"
    assert park_subject("乳业开发区企业") == "乳业开发区"
    assert park_subject("入驻乳业开发区的企业以商招商引入乳制品…，且引进项目已建成投产") is None
    assert park_subject("经营状况良好") is None
    cond = Condition.all_of([L("text", label="乳业开发区新落地企业设置5年成长期",
                               source_text="乳业开发区新落地企业设置5年成长期"),
                             L("text", label="年销售收入增速超过10%的", source_text="年销售收入增速超过10%的")])
    out = park_conditions(cond)
    park = [leaf for leaf in out.leaves() if leaf.attribute == PARK_FACT]
    assert len(park) == 1 and park[0].value == ["乳业开发区"]
    elsewhere = evaluate(park[0], _ctx(industry="C14"))
    assert elsewhere.outcome == "unknown" and elsewhere.missing == [PARK_FACT]
    assert evaluate(park[0], _ctx(industry="C14", facts={"所在园区": "呼和浩特乳业开发区"})).outcome == "met"
    assert evaluate(park[0], _ctx(industry="C14", facts={"所在园区": "金山开发区"})).outcome == "unmet"
    assert park_conditions(L("text", label="经营状况良好", source_text="经营状况良好")).kind == "text"
