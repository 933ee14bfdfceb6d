"""Enterprise profile loading: files, money strings, bad input (issue 4)."""

from datetime import date

import pytest

from huiqi.firm.profile import EnterpriseProfile, ProfileError, load_profile, normalise_qualification

YAML_PROFILE = """\
name: 某乳业有限公司
region: 阿拉善盟阿拉善左旗
industry: 乳制品制造
established: 2015-06-01
employees: 120
revenue: 3200万元
total_assets: 1.2亿元
taxable_income: 280万
qualifications: [高企, 小巨人, 专精特新]
listed: false
projects:
  - name: 节能改造
    kind: 节能改造
    investment: 5,000万
    completed: 2023-05-20
    energy_saving_tce: 1200
facts:
  登记失业人员招用人数: 3
"""


def test_yaml_file(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(YAML_PROFILE, encoding="utf-8")
    p, warnings = load_profile(f)
    assert warnings == []
    assert p.region == "阿拉善盟阿拉善左旗"
    assert p.established == date(2015, 6, 1)
    assert p.revenue == 32_000_000.0
    assert p.total_assets == 120_000_000.0
    assert p.taxable_income == 2_800_000.0
    assert p.qualifications == ["高新技术企业", "专精特新“小巨人”企业", "专精特新中小企业"]
    assert p.listed is False
    assert p.projects[0].investment == 50_000_000.0
    assert p.projects[0].completed == date(2023, 5, 20)
    assert p.projects[0].energy_saving_tce == 1200.0
    assert p.facts == {"登记失业人员招用人数": 3}


def test_json_file(tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{"region": "152921", "employees": 8, "monthly_sales": "两千万元", "revenue": 5000}', encoding="utf-8")
    p, _ = load_profile(str(f))
    assert p.region == "152921"
    assert p.employees == 8
    assert p.monthly_sales == 20_000_000.0
    assert p.revenue == 5000.0


def test_toml_file(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(
        'region = "伊金霍洛旗"\nestablished = 2021-03-15\nrevenue = "1.2亿元"\n'
        'qualifications = ["科小"]\n[[projects]]\nkind = "养殖"\nhead_count = 300\n',
        encoding="utf-8",
    )
    p, _ = load_profile(f)
    assert p.established == date(2021, 3, 15)
    assert p.revenue == 120_000_000.0
    assert p.qualifications == ["科技型中小企业"]
    assert p.projects[0].head_count == 300


def test_missing_facts_are_none_not_zero():
    p, _ = load_profile({"region": "呼和浩特市"})
    for key in ("employees", "revenue", "total_assets", "taxable_income", "listed", "established", "layoff_rate"):
        assert getattr(p, key) is None, key
    assert p.qualifications == [] and p.projects == [] and p.facts == {}


def test_unknown_key_warned_and_ignored():
    p, warnings = load_profile({"region": "呼和浩特市", "employes": 5, "projects": [{"name": "x", "colour": "red"}]})
    assert p.employees is None
    assert "employes: 未知字段，已忽略" in warnings
    assert "projects[0].colour: 未知字段，已忽略" in warnings


def test_chinese_key_names_accepted():
    p, warnings = load_profile({"注册地": "乌海市", "从业人员": 12})
    assert (p.region, p.employees, warnings) == ("乌海市", 12, [])


def _error(data) -> str:
    with pytest.raises(ProfileError) as ei:
        load_profile(data)
    return str(ei.value)


def test_money_string_for_employees_is_an_error():
    assert _error({"region": "x", "employees": "3200万"}) == 'employees: 应为整数人数，收到 "3200万"'


def test_negative_numbers():
    msg = _error({"region": "x", "employees": -3, "revenue": "-5万元", "projects": [{"area_mu": -1}]})
    assert "employees: 不能为负数，收到 -3" in msg
    assert 'revenue: 金额不能为负数，收到 "-5万元"' in msg
    assert "projects[0].area_mu: 不能为负数" in msg


def test_impossible_date():
    assert _error({"region": "x", "established": "2024-02-30"}) == 'established: 日期不存在，收到 "2024-02-30"'


def test_impossible_date_in_yaml_does_not_crash_yaml(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("region: x\nestablished: 2023-02-29\n", encoding="utf-8")
    assert "established: 日期不存在" in _error(f)


def test_missing_region():
    assert _error({"employees": 3}).startswith("region: 缺少必填项")


def test_unknown_region_kept_as_text():
    p, _ = load_profile({"region": "火星殖民地"})
    assert p.region == "火星殖民地"


def test_malformed_json(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"region": "x",\n "employees": }', encoding="utf-8")
    msg = _error(f)
    assert msg.startswith("bad.json: JSON 格式错误（第2行")


def test_malformed_yaml(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("region: x\nqualifications: [高企\nemployees: 3\n", encoding="utf-8")
    assert _error(f).startswith("bad.yaml: YAML 格式错误")


def test_malformed_toml_and_missing_file(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('region = "x"\nestablished = 2024-02-30\n', encoding="utf-8")
    assert _error(f).startswith("bad.toml: TOML 格式错误")
    assert _error(tmp_path / "none.yaml") == "none.yaml: 文件不存在"


def test_top_level_not_a_mapping(tmp_path):
    f = tmp_path / "list.yaml"
    f.write_text("- region: x\n", encoding="utf-8")
    assert "顶层应为键值映射" in _error(f)


def test_several_problems_reported_together():
    with pytest.raises(ProfileError) as ei:
        load_profile({"region": "x", "tax_credit_grade": "E", "layoff_rate": 3, "listed": "maybe"})
    keys = [e.split(":")[0] for e in ei.value.errors]
    assert keys == ["tax_credit_grade", "layoff_rate", "listed"]


def test_unknown_qualification_kept_and_warned():
    p, warnings = load_profile({"region": "x", "qualifications": "高企、某某示范企业"})
    assert p.qualifications == ["高新技术企业", "某某示范企业"]
    assert warnings == ['qualifications: 未识别的资质名称 "某某示范企业"，已保留原文']


def test_qualification_quotes_normalised():
    assert normalise_qualification('专精特新"小巨人"企业') == "专精特新“小巨人”企业"
    assert normalise_qualification("专精特新「小巨人」企业") == "专精特新“小巨人”企业"


def test_lenient_forms():
    p, _ = load_profile({"region": "x", "employees": "35人", "layoff_rate": "3%", "tax_credit_grade": "a级",
                         "taxpayer_type": "小规模", "established": "2020年3月5日", "listed": "否"})
    assert (p.employees, p.layoff_rate, p.tax_credit_grade) == (35, 0.03, "A")
    assert (p.taxpayer_type, p.established, p.listed) == ("小规模纳税人", date(2020, 3, 5), False)


def test_model_rejects_unknown_field_directly():
    with pytest.raises(Exception):
        EnterpriseProfile(region="x", employes=3)


def test_unresolvable_industry_kept_and_warned():
    p, warnings = load_profile({"region": "x", "industry": "火箭回收业"})
    assert p.industry == "火箭回收业"
    assert warnings and warnings[0].startswith("industry: 无法识别的行业")


def test_unreadable_money():
    assert _error({"region": "x", "revenue": "很多"}).startswith("revenue: 应为金额")
    assert _error({"region": "x", "revenue": True}).startswith("revenue: 应为金额")


def test_inner_mongolia_leading_firm_title_is_the_national_one():
    """国家或自治区级农牧业产业化重点龙头企业 (the Hohhot dairy measures' words):
    a firm typing its Inner Mongolia title holds the canonical qualification
    the conditions test, without an “未识别” warning (issue 11)."""
    from huiqi.firm.profile import load_profile

    for typed, canon in [("自治区级农牧业产业化重点龙头企业", "自治区级农业产业化重点龙头企业"),
                         ("国家级农牧业产业化龙头企业", "国家级农业产业化重点龙头企业"),
                         ("市级农牧业产业化重点龙头企业", "盟市级农业产业化重点龙头企业")]:
        p, warnings = load_profile({"region": "和林格尔县", "qualifications": [typed]})
        assert p.qualifications == [canon] and warnings == []
    p, warnings = load_profile({"region": "和林格尔县", "qualifications": ["农牧业示范联合体"]})
    assert p.qualifications == ["农牧业示范联合体"] and warnings
