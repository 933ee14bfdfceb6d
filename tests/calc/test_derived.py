"""Derived facts: size class (工信部联企业〔2011〕300号), 小型微利企业, age."""

from datetime import date

import pytest

from huiqi.calc.derived import above_scale_industrial, age_years, derive_all, is_sme, size_class, small_low_profit
from huiqi.firm.profile import load_profile


def prof(**kw):
    return load_profile({"region": "伊金霍洛旗", **kw})[0]


@pytest.mark.parametrize(
    "industry, facts, expected",
    [
        # 工业: 1000人/4亿元 both reached → 大型; one short → 中型 (大型 needs both)
        ("C3985", dict(employees=1000, revenue="4亿元"), "大型"),
        ("C3985", dict(employees=999, revenue="4亿元"), "中型"),
        ("C3985", dict(employees=1000, revenue=399_999_999), "中型"),
        ("制造业", dict(employees=300, revenue="2000万元"), "中型"),
        ("制造业", dict(employees=300, revenue="1999万元"), "小型"),  # 中型 needs BOTH (且)
        ("工业", dict(employees=20, revenue="300万元"), "小型"),
        ("工业", dict(employees=19, revenue="3亿元"), "微型"),  # one under 小型 → 微型 (或)
        ("B06", dict(employees=500, revenue="299万元"), "微型"),
        # 零售业: 300人/2亿元
        ("零售业", dict(employees=300, revenue="2亿元"), "大型"),
        ("F52", dict(employees=299, revenue="2亿元"), "中型"),
        ("F52", dict(employees=50, revenue="500万元"), "中型"),
        ("F52", dict(employees=10, revenue="100万元"), "小型"),
        ("F52", dict(employees=9, revenue="100万元"), "微型"),
        # 批发业 200人/4亿元
        ("批发业", dict(employees=200, revenue="4亿元"), "大型"),
        ("F51", dict(employees=5, revenue="1000万元"), "小型"),
        ("F51", dict(employees=4, revenue="1000万元"), "微型"),
        # 农林牧渔业: revenue only
        ("A03", dict(revenue="2亿元"), "大型"),
        ("畜牧业", dict(revenue="500万元"), "中型"),
        ("A01", dict(revenue="49.99万元"), "微型"),
        # 建筑业: revenue and assets
        ("E47", dict(revenue="6000万元", total_assets="5000万元"), "中型"),
        ("E47", dict(revenue="6000万元", total_assets="4999万元"), "小型"),
        # 软件和信息技术服务业
        ("软件和信息技术服务业", dict(employees=10, revenue="50万元"), "小型"),
        ("I65", dict(employees=300, revenue="1亿元"), "大型"),
        # 信息传输业 (I63/I64): 2000人/10亿元
        ("I64", dict(employees=1999, revenue="20亿元"), "中型"),
        # 交通运输业 includes 装卸搬运 (G591); 仓储业 is G592–599
        ("G54", dict(employees=20, revenue="200万元"), "小型"),
        ("G591", dict(employees=300, revenue="3000万元"), "中型"),
        ("G592", dict(employees=100, revenue="1000万元"), "中型"),
        ("G60", dict(employees=1000, revenue="3亿元"), "大型"),
        # 住宿业 / 餐饮业
        ("H62", dict(employees=100, revenue="2000万元"), "中型"),
        # 房地产开发经营: revenue and assets
        ("K701", dict(revenue="1000万元", total_assets="5000万元"), "中型"),
        ("K701", dict(revenue="100万元", total_assets="1999万元"), "微型"),
        # 物业管理
        ("K702", dict(employees=100, revenue="500万元"), "小型"),
        # 租赁和商务服务业: employees and assets
        ("L72", dict(employees=300, total_assets="12亿元"), "大型"),
        ("L72", dict(employees=10, total_assets="100万元"), "小型"),
        # 其他未列明行业: employees only (科学研究 M73, 铁路运输 G53)
        ("M73", dict(employees=300), "大型"),
        ("M73", dict(employees=99), "小型"),
        ("G53", dict(employees=9), "微型"),
    ],
)
def test_size_class(industry, facts, expected):
    fact = size_class(prof(industry=industry, **facts))
    assert fact.value == expected, fact.reason
    assert fact.missing == []
    assert fact.source.startswith("《中小企业划型标准规定》（工信部联企业〔2011〕300号）第四条（")
    assert expected in fact.reason


def test_size_class_missing_facts():
    f = size_class(prof(industry="C", employees=500))
    assert f.value is None and f.missing == ["revenue"]
    assert "不高于中型" in f.reason
    f = size_class(prof(industry="C"))
    assert f.value is None and f.missing == ["employees", "revenue"]
    f = size_class(prof(employees=500, revenue="1亿元"))
    assert f.value is None and f.missing[0] == "industry"


def test_size_class_settled_despite_missing_fact():
    # one indicator under the 小型 lower bound settles 微型 whatever the other is
    f = size_class(prof(industry="C", employees=12))
    assert f.value == "微型" and f.missing == []


def test_size_class_unknown_industry_but_same_everywhere():
    f = size_class(prof(employees=3, revenue="10万元", total_assets="10万元"))
    assert f.value == "微型"


def test_size_class_not_covered_and_too_broad():
    f = size_class(prof(industry="J66", employees=5))
    assert f.value is None and f.missing == []  # 金融业: not in the standard
    f = size_class(prof(industry="K70", employees=5, revenue="1亿元"))
    assert f.value is None and f.missing == ["industry"]  # 房地产业 must be narrowed
    f = size_class(prof(industry="火箭回收业", employees=5))
    assert f.value is None and f.missing == ["industry"]


def test_sme_from_ceiling():
    assert is_sme(prof(industry="C", employees=500)).value is True  # ≤ 中型 whatever the revenue
    assert is_sme(prof(industry="C", employees=5000)).value is None
    assert is_sme(prof(industry="C", employees=5000, revenue="5亿元")).value is False


@pytest.mark.parametrize(
    "facts, expected, missing",
    [
        (dict(taxable_income="300万元", employees=300, total_assets="5000万元"), True, []),  # boundary qualifies
        (dict(taxable_income=3_000_001, employees=300, total_assets="5000万元"), False, []),
        (dict(taxable_income="300万元", employees=301, total_assets="5000万元"), False, []),
        (dict(taxable_income="300万元", employees=300, total_assets="5000.01万元"), False, []),
        (dict(taxable_income="100万元", employees=20), None, ["total_assets"]),
        (dict(employees=400), False, []),  # one excess settles it
        (dict(), None, ["taxable_income", "employees", "total_assets"]),
    ],
)
def test_small_low_profit(facts, expected, missing):
    f = small_low_profit(prof(**facts))
    assert f.value is expected, f.reason
    assert f.missing == missing
    assert "2022年第13号" in f.source


def test_small_low_profit_individual_business():
    f = small_low_profit(prof(entity_type="个体工商户", taxable_income=1000, employees=1, total_assets=1000))
    assert f.value is False


def test_age_years():
    p = prof(established="2020-02-29")
    assert age_years(p, date(2024, 2, 28)).value == 3
    assert age_years(p, date(2024, 2, 29)).value == 4
    assert age_years(prof(), date(2024, 1, 1)).missing == ["established"]
    assert age_years(p, date(2019, 1, 1)).value is None


def test_derive_all_keys():
    d = derive_all(prof(industry="C", employees=50, revenue="5000万元", taxable_income="200万",
                        total_assets="3000万", established="2018-01-01"), date(2024, 6, 1))
    assert {k: v.value for k, v in d.items()} == {
        "size_class": "小型", "sme": True, "small_low_profit": True, "age_years": 6,
        "above_scale_industrial": True,
    }
    assert all(v.to_json()["source"] for v in d.values())


@pytest.mark.parametrize(
    "facts, expected, missing",
    [
        # 国家统计局: 工业 (B/C/D) and 主营业务收入 ≥ 2000万元 (及以上: the bound is in)
        (dict(industry="C3985", revenue="2000万元"), True, []),
        (dict(industry="B06", revenue="3亿元"), True, []),
        (dict(industry="D44", revenue="5000万元"), True, []),
        (dict(industry="C3985", revenue="1999.99万元"), False, []),
        (dict(industry="F51", revenue="3亿元"), False, []),  # 批发业 is no industry
        (dict(industry="I65", revenue="3亿元"), False, []),
        (dict(revenue="500万元"), False, []),  # under 2000万元 settles it whatever the industry
        (dict(industry="C"), None, ["revenue"]),
        (dict(revenue="3000万元"), None, ["industry"]),
        (dict(), None, ["industry", "revenue"]),
    ],
)
def test_above_scale_industrial(facts, expected, missing):
    f = above_scale_industrial(prof(**facts))
    assert f.value is expected, f.reason
    assert f.missing == missing
    assert "国家统计局" in f.source and "2000万元" in f.source


def test_above_scale_industrial_individual_business_and_declared():
    f = above_scale_industrial(prof(entity_type="个体工商户", industry="C13", revenue="3000万元"))
    assert f.value is False
    # a firm that says it is 规上 is taken at its word while the revenue is unknown
    declared = above_scale_industrial(prof(industry="C13", qualifications=["规模以上工业企业"]))
    assert declared.value is True and "自报" in declared.reason
    # … but not against a known revenue under the bound
    assert above_scale_industrial(prof(industry="C13", revenue="800万元",
                                       qualifications=["规模以上工业企业"])).value is False


def test_free_fact_rd_intensity():
    from huiqi.calc.derived import free_fact

    assert free_fact(prof(rd_expense="500万元", revenue="5000万元"), "研发费用占营业收入比例") == (0.1, [])
    assert free_fact(prof(revenue="5000万元"), "研发费用占营业收入比例") == (None, ["rd_expense"])
    assert free_fact(prof(rd_expense=1, revenue=0), "研发费用占营业收入比例") == (None, ["revenue"])
    assert free_fact(prof(), "年产值") is None  # not a fact the profile settles
