"""Calculator form ↔ profile (huiqi.web.calcform)."""

from __future__ import annotations

import io

from starlette.datastructures import FormData

from huiqi.firm.profile import load_profile
from huiqi.web.calcform import field_spec, form_to_profile, workbook_bytes


def _form(items):
    return FormData(items)


def test_money_in_wan_becomes_yuan_and_blanks_stay_unknown():
    profile, values, as_of = form_to_profile(_form([
        ("region", "阿拉善左旗"), ("revenue", "3000"), ("total_assets", ""), ("employees", "80"),
        ("qualifications", "高新技术企业"), ("qualifications", "科技型中小企业"), ("as_of", "2025-06-30"),
    ]))
    p, _warnings = load_profile(profile)
    assert p.revenue == 30_000_000.0
    assert p.total_assets is None
    assert p.employees == 80
    assert p.qualifications == ["高新技术企业", "科技型中小企业"]
    assert as_of == "2025-06-30"
    assert values["revenue"] == "3000"


def test_chinese_amount_text_is_passed_through():
    profile, _v, _d = form_to_profile(_form([("region", "阿拉善左旗"), ("revenue", "1.2亿元")]))
    assert load_profile(profile)[0].revenue == 120_000_000.0


def test_next_question_answers_override_and_money_is_wan_like_the_form():
    profile, values, _ = form_to_profile(_form([
        ("region", "阿拉善左旗"), ("revenue", ""), ("nq.revenue", "250"),
        ("nq.facts.登记失业人员招用人数", "12"), ("nq.listed", "否"), ("nq.qualifications", "高新技术企业"),
        ("nq.project.equipment_investment", "150"),
    ]))
    p, _w = load_profile(profile)
    assert p.revenue == 2_500_000.0 and values["revenue"] == "250"  # asked and shown in 万元
    assert p.facts == {"登记失业人员招用人数": 12}
    assert p.listed is False
    assert p.qualifications == ["高新技术企业"]
    assert p.projects[0].equipment_investment == 1_500_000.0


def test_previous_facts_are_kept_as_hidden_fields():
    profile, values, _ = form_to_profile(_form([("region", "乌海市"), ("facts.床位数量", "30")]))
    assert profile["facts"] == {"床位数量": 30} and values["facts"] == {"床位数量": "30"}


def test_field_spec_for_fact_kinds():
    assert field_spec("revenue")["kind"] == "money"
    assert field_spec("listed")["options"] == ["是", "否"]
    assert field_spec("project.area_mu")["name"] == "project.area_mu"
    assert field_spec("projects")["name"] == "project.kind"
    assert field_spec("qualifications")["kind"] == "qualifications"
    assert field_spec("facts.贷款利息") == {"name": "facts.贷款利息", "label": "贷款利息", "kind": "fact",
                                           "unit": None, "options": None}
    assert field_spec("taxpayer_type")["options"] == ["小规模纳税人", "一般纳税人"]


def test_workbook_has_one_row_per_result_and_no_formulas():
    from openpyxl import load_workbook

    result = {
        "as_of": "2025-01-01",
        "results": [
            {"id": 1, "title": "=HYPERLINK(\"http://evil\")", "status": "eligible", "reasons": [
                {"condition": "适用地区", "outcome": "met", "source_text": "x"}], "missing": [],
             "benefit": {"min_yuan": 1000.0, "max_yuan": 5000.0, "formula": "定额"}, "validity": {},
             "contacts": [{"org": "人社局", "phone": "0471-1"}], "source": {"file": "a.txt", "start_line": 3, "end_line": 4},
             "document": {"id": 1, "title": "文件"}},
            {"id": 2, "title": "乙", "status": "needs_info", "reasons": [], "missing": ["revenue"], "benefit": None,
             "validity": {}, "contacts": [], "source": {"file": "a.txt", "start_line": 5, "end_line": 5},
             "document": {"id": 1, "title": "文件"}},
        ],
        "total": {"min_yuan": 1000.0, "max_yuan": 5000.0, "excluded_by_stacking": []},
        "next_questions": [{"fact": "revenue", "prompt": "营业收入？", "settles_yuan": 0.0, "settles_clauses": 1}],
    }
    wb = load_workbook(io.BytesIO(workbook_bytes(result, {"region": "乌海市", "qualifications": [], "facts": {}})))
    ws = wb["测算结果"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("符合", 1) and rows[0][4:6] == (1000, 5000)
    assert rows[0][2].startswith("'=")  # never a formula
    assert rows[1][0] == "需补充信息" and rows[1][8] == "revenue"
    assert wb["待补充信息"]["A2"].value == "营业收入？"
    assert ("注册地", "乌海市") in list(wb["企业画像"].iter_rows(values_only=True))


def test_thousands_separators_are_read_not_cut():
    from huiqi.web.calcform import plain_number

    assert plain_number("20,000") == "20000"
    assert plain_number("２０，０００") == "20000"
    assert plain_number("1,250.5") == "1250.5"
    assert plain_number("3200万元") == "3200万元"
    profile, _v, _d = form_to_profile(_form([("region", "阿拉善左旗"), ("revenue", "20,000"),
                                             ("nq.project.investment", "1,500")]))
    p, _w = load_profile(profile)
    assert p.revenue == 200_000_000.0  # 20,000 万元 = 2亿元, never 2万元
    assert p.projects[0].investment == 15_000_000.0


def test_free_facts_are_asked_as_the_rules_compare_them():
    """A money fact is asked in 万元 like the form's other money fields and
    kept with its unit (0.8 → 0.8万元 = 8000元); a yes/no fact is a 是/否
    select; a choice lists the rules' values and 无."""
    from huiqi.web.calcform import field_spec

    money = field_spec("facts.当年实际缴纳税费", {"kind": "number", "unit": "元", "choices": []})
    assert (money["kind"], money["unit"], money.get("wan")) == ("money", "万元", True)
    count = field_spec("facts.登记失业人员招用人数", {"kind": "number", "unit": "人", "choices": []})
    assert (count["kind"], count["unit"]) == ("float", "人")
    yes_no = field_spec("facts.由个体工商户转型升级为企业", {"kind": "yes_no", "unit": None, "choices": ["是", "否"]})
    assert yes_no["kind"] == "bool" and yes_no["options"] == ["是", "否"]
    choice = field_spec("facts.高新技术企业认定类型", {"kind": "choice", "unit": None, "choices": ["首次认定", "重新认定"]})
    assert choice["options"] == ["首次认定", "重新认定", "无"]
    profile, values, _ = form_to_profile(_form([("region", "阿拉善左旗"), ("nq.wan.facts.当年实际缴纳税费", "0.8"),
                                                ("nq.facts.登记失业人员招用人数", "3")]))
    assert profile["facts"] == {"当年实际缴纳税费": "0.8万元", "登记失业人员招用人数": 3}
    assert values["facts"]["当年实际缴纳税费"] == "0.8万元"  # re-posted with its unit, never read as 0.8元


def test_the_calculator_page_asks_a_money_fact_in_wan():
    """The page's next question for a money fact (跨境电商年出口额, compared in
    yuan by the rules) shows 万元 and posts ``nq.wan.facts.…``; the answer
    is kept with its unit."""
    from fastapi.testclient import TestClient

    from huiqi.web.app import create_app
    from tests.search.kw_corpus import corpus_db_url
    import os

    old = os.environ.get("HUIQI_DB")
    os.environ["HUIQI_DB"] = corpus_db_url()
    try:
        with TestClient(create_app()) as c:
            form = {"region": "阿拉善左旗", "industry": "F52", "entity_type": "个体工商户", "employees": "3",
                    "owner_groups": "退役军人", "as_of": "2024-09-01"}
            page = c.post("/calc", data=form).text
            assert "nq.wan.facts.跨境电商年出口额" in page and "跨境电商年出口额（万元）" in page
            answered = c.post("/calc", data={**form, "nq.wan.facts.跨境电商年出口额": "30"}).text
            assert 'name="facts.跨境电商年出口额" value="30万元"' in answered
    finally:
        if old is None:
            os.environ.pop("HUIQI_DB", None)
        else:
            os.environ["HUIQI_DB"] = old
