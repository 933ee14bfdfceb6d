"""A ``sum`` benefit (两部分之和): 按投资总额的20%给予补贴，每只种鸵鸟3000元，
最高不超过50万元 — the text of the Alxa 种鸵鸟场建设补贴 guide in the bundled
corpus."""

from __future__ import annotations

import pytest

from huiqi.calc.benefit import compute_benefit, compute_benefit_memo
from huiqi.firm.profile import load_profile
from huiqi.rules.model import BenefitSpec
from huiqi.rules.reviewed import parse_benefit

OSTRICH = {
    "kind": "sum", "cap_yuan": 500000,
    "parts": [
        {"kind": "percent", "rate": 0.2, "base": "project.investment", "formula": "投资总额 × 20%"},
        {"kind": "per_unit", "unit_yuan": 3000, "quantity": "facts.引进优质种鸵鸟只数", "formula": "只数 × 3000元"},
    ],
}


def _firm(investment, birds=None):
    d = {"region": "阿拉善右旗", "projects": [{"kind": "养殖", "investment": investment}]}
    if birds is not None:
        d["facts"] = {"引进优质种鸵鸟只数": birds}
    return load_profile(d)[0]


def test_parts_are_added_then_capped():
    spec = parse_benefit(OSTRICH, "benefit")
    both = compute_benefit(spec, _firm(1500000, 50))
    assert (both.min_yuan, both.max_yuan, both.missing) == (450000, 450000, [])
    capped = compute_benefit(spec, _firm(2000000, 100))  # 40万 + 30万 = 70万 → 50万
    assert (capped.min_yuan, capped.max_yuan) == (500000, 500000) and "上限 50万元" in capped.formula
    open_part = compute_benefit(spec, _firm(1500000))  # birds unknown: at least the investment part
    assert (open_part.min_yuan, open_part.max_yuan) == (300000, 500000)
    assert open_part.missing == ["facts.引进优质种鸵鸟只数"]


def test_a_sum_round_trips_and_is_memoised_by_every_part():
    spec = parse_benefit(OSTRICH, "benefit")
    assert BenefitSpec.from_dict(spec.to_dict()) == spec
    memo: dict = {}
    a = compute_benefit_memo(spec, _firm(1500000, 50), None, memo)
    b = compute_benefit_memo(spec, _firm(1500000, 10), None, memo)  # same investment, other birds
    assert (a.max_yuan, b.max_yuan) == (450000, 330000)


@pytest.mark.parametrize("bad, word", [
    ({"kind": "sum", "parts": [OSTRICH["parts"][0]]}, "至少两个分项"),
    ({"kind": "percent", "rate": 0.1, "base": "revenue", "parts": OSTRICH["parts"]}, "只有 sum"),
    ({"kind": "sum", "parts": [OSTRICH["parts"][0], {"kind": "percent", "rate": 2, "base": "revenue"}]}, "parts[1].rate"),
])
def test_bad_sums_name_the_field(bad, word):
    with pytest.raises(ValueError, match=word.replace("[", r"\[").replace("]", r"\]")):
        parse_benefit(bad, "benefit")
