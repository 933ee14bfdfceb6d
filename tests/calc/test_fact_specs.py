"""How free facts are asked (``huiqi.calc.fact_specs``): kind, unit and
choices read from the reviewed and extracted rules of the bundled corpus,
and the next questions and calculator page that use them."""

from __future__ import annotations

from datetime import date

import pytest

from huiqi.calc.engine import load_ruleset, match
from huiqi.calc.fact_specs import FactSpec, fact_specs, prompt_for_fact
from huiqi.rules.model import BenefitSpec, Condition, Rule
from tests.search.kw_corpus import corpus_db_url


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(corpus_db_url())


def test_specs_follow_how_the_rules_compare_each_fact(ruleset):
    specs = ruleset.fact_specs()
    hitech = specs["facts.高新技术企业认定类型"]  # 首次认定 / 重新认定 rewards
    assert hitech.kind == "choice" and {"首次认定", "重新认定"} <= set(hitech.choices)
    assert specs["facts.由个体工商户转型升级为企业"].kind == "yes_no"
    hires = specs["facts.登记失业人员招用人数"]
    assert (hires.kind, hires.unit, hires.money) == ("number", "人", False)
    tax = specs["facts.当年实际缴纳税费"]  # 以实际缴纳的税款为限: bounded_by is money
    assert (tax.kind, tax.unit, tax.money) == ("number", "元", True)


class _Entry:
    def __init__(self, rule):
        self.rule = rule


def test_a_fact_compared_as_a_number_anywhere_is_a_number():
    leaf = Condition.leaf
    rules = [
        Rule("k", conditions=leaf("membership", "facts.带动就业人数", "in", ["是"])),
        Rule("k", conditions=leaf("threshold", "facts.带动就业人数", ">=", 30, unit="人")),
        Rule("k", conditions=leaf("threshold", "facts.年出口额", ">=", 1000000, unit="万元")),
        Rule("k", conditions=None, benefit=BenefitSpec(kind="per_unit", unit_yuan=100.0, quantity="facts.增加量（吨）")),
    ]
    specs = fact_specs([_Entry(r) for r in rules])
    assert specs["facts.带动就业人数"] == FactSpec("number", "人", False)
    assert specs["facts.年出口额"] == FactSpec("number", "元", True)  # stored in yuan whatever the text's unit
    assert specs["facts.增加量（吨）"].unit == "吨"  # the unit written in the name
    assert prompt_for_fact("facts.年出口额", specs["facts.年出口额"], money_unit="万元") == "请提供：年出口额（万元）"
    assert prompt_for_fact("facts.增加量（吨）", specs["facts.增加量（吨）"]) == "请提供：增加量（吨）"


def test_next_questions_carry_the_unit_and_choices(ruleset):
    firm = {"region": "呼和浩特市", "industry": "C39", "employees": 80, "revenue": 30000000,
            "qualifications": ["高新技术企业"]}
    out = match(firm, date(2024, 9, 1), ruleset=ruleset)
    free = [q for q in out["next_questions"] if q["fact"].startswith("facts.")]
    assert free, "a high-tech firm is asked free facts"
    for q in free:
        spec = ruleset.fact_specs()[q["fact"]]
        assert q["kind"] == spec.kind and q["unit"] == spec.unit
        if spec.kind == "choice":
            assert all(c in q["prompt"] for c in spec.choices[:2])
        elif spec.kind == "number" and spec.unit:
            assert spec.unit in q["prompt"]
        elif spec.kind == "yes_no":
            assert q["prompt"].endswith("（是/否）")
