"""Calculator data model: Kleene combination and the YAML form of rules."""

import itertools

import pytest

from huiqi.rules.model import BenefitSpec, Condition, combine_all, combine_any, negate

OUTCOMES = ["met", "unmet", "unknown", "to_confirm"]


def test_and_or_not_truth_tables():
    assert combine_all(["met", "unknown"]) == "unknown"
    assert combine_all(["unknown", "unmet"]) == "unmet"
    assert combine_all(["met", "to_confirm"]) == "to_confirm"
    assert combine_all(["to_confirm", "unknown"]) == "unknown"
    assert combine_any(["unmet", "unknown"]) == "unknown"
    assert combine_any(["unknown", "met"]) == "met"
    assert combine_any(["unmet", "to_confirm", "unknown"]) == "to_confirm"
    assert combine_all([]) == "met" and combine_any([]) == "unmet"
    assert [negate(o) for o in OUTCOMES] == ["unmet", "met", "unknown", "to_confirm"]


@pytest.mark.parametrize("a,b", list(itertools.product(OUTCOMES[:3], OUTCOMES[:3])))
def test_de_morgan_holds(a, b):
    assert negate(combine_all([a, b])) == combine_any([negate(a), negate(b)])


def test_condition_round_trip_through_yaml_form():
    tree = Condition.all_of([
        Condition.leaf("threshold", "employees", "<=", 300, unit="人", source_text="从业人数不超过300人"),
        Condition.any_of([
            Condition.leaf("membership", "qualifications", "in", ["高新技术企业"]),
            Condition.leaf("threshold", "revenue", "between", [1e6, 5e6], inclusive=False),
        ]),
        Condition.negation(Condition.leaf("text", source_text="列入严重失信主体名单")),
    ])
    d = tree.to_dict()
    assert set(d) == {"all"}
    back = Condition.from_dict(d)
    assert back.to_dict() == d
    assert back.attributes() == {"employees", "qualifications", "revenue"}
    assert len(back.leaves()) == 4
    assert back.children[1].children[1].inclusive is False


def test_bare_string_is_a_text_leaf():
    c = Condition.from_dict({"any": ["经营状况良好", {"kind": "text", "text": "具有一定知名度"}]})
    assert [leaf.kind for leaf in c.leaves()] == ["text", "text"]
    assert c.leaves()[0].source_text == "经营状况良好"


@pytest.mark.parametrize("bad,msg", [
    ({"kind": "colour"}, "未知的条件类型"),
    ({"kind": "threshold", "attribute": "employees", "operator": "=>", "value": 3}, "比较符"),
    ({"all": {"kind": "text"}}, "应为列表"),
    ({"attribute": "employees"}, "缺少 kind"),
    (42, "应为映射或文字"),
])
def test_bad_rule_yaml_names_the_path(bad, msg):
    with pytest.raises(ValueError) as exc:
        Condition.from_dict({"all": [bad]}, where="rules[0].conditions")
    assert "rules[0].conditions" in str(exc.value) and msg in str(exc.value)


def test_benefit_spec_round_trip_and_errors():
    spec = BenefitSpec("percent", rate=0.1, base="project.equipment_investment", cap_yuan=5_000_000)
    d = spec.to_dict()
    assert d == {"kind": "percent", "rate": 0.1, "base": "project.equipment_investment", "cap_yuan": 5_000_000}
    assert BenefitSpec.from_dict(d) == spec
    with pytest.raises(ValueError, match="未知字段 ratio"):
        BenefitSpec.from_dict({"kind": "percent", "ratio": 0.1})
    with pytest.raises(ValueError, match="benefit.kind"):
        BenefitSpec.from_dict({"kind": "lottery"})
