"""Extraction stays linear on adversarial inputs (issue 16, defects 1 and 2, and what the fuzzing found).

Each case is a reproducer of a polynomial blow-up, scaled down: the time on
an input 4x longer must stay under 10x (quadratic gives 16x, the original
threshold pattern was worse than cubic); cases with a large linear part are
compared at 8x (under 20x).
"""

import pytest

from huiqi.extract.dates import extract_validity
from huiqi.extract.money import extract_amounts, extract_rates
from huiqi.extract.thresholds import extract_thresholds
from tests.growth import growth_ratio

_UNITS = "、".join(["自治区发展改革委", "财政厅", "工业和信息化厅", "科技厅", "商务厅", "人力资源社会保障厅"])

CASES = {
    # defect 1: a unit tag masked as whitespace between a number and its unit
    "threshold_masked_tag": (extract_thresholds, lambda n: "对年营业收入2000" + "\n" * n + "万元以上的企业", 400),
    "threshold_spaces_paren": (extract_thresholds, lambda n: "年营业收入2000" + " " * n + "（含）" + " " * n + "以上", 400),
    "threshold_no_delims": (extract_thresholds, lambda n: "从业人员达到20人以上" * n, 150),
    "threshold_long_sentence": (extract_thresholds, lambda n: "力争" + "投资2000万元以上，" * n, 150),
    # defect 2: many amounts in one sentence (backward scan per amount)
    "money_one_sentence": (extract_amounts, lambda n: "一、" + "补贴100万元，" * n, 300),
    "money_no_delims": (extract_amounts, lambda n: "补贴100万元" * n, 300),
    "money_cn_numeral_run": (extract_amounts, lambda n: "一二三四五" * n + "个", 200),
    "money_spaces": (extract_amounts, lambda n: "补贴100" + " " * n + "万" + " " * n + "美金", 400),
    "rates_one_sentence": (extract_rates, lambda n: "按" + "10%、" * n, 300),
    # found by the long fuzz run: many validity phrases in one sentence
    # (a linear part dominates at small sizes: compared at 8x, where quadratic gives ~40x)
    "validity_many_dates": (extract_validity, lambda n: "有效期至2026年12月31日，" * n, 600, 8),
    "validity_many_windows": (extract_validity, lambda n: "自2024年1月1日起至2025年12月31日，" * n, 300),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_growth_is_linear(name):
    fn, make, n, *rest = CASES[name]
    factor = rest[0] if rest else 4
    ratio = growth_ratio(fn, make, n, factor=factor)
    assert ratio < 2.5 * factor, f"{name}: {factor}x input took {ratio:.1f}x the time"


def test_reproducer_of_defect_1_extracts_quickly_and_correctly():
    # the 1.1 KB file of the issue, through the clause pipeline that masks the tag
    from huiqi.extract.thresholds import extract_thresholds

    text = "对年营业收入2000（责任单位：" + "、".join([_UNITS] * 9) + "）万元以上的企业"
    got = extract_thresholds(text)
    assert isinstance(got, list)


def test_many_amounts_keep_their_roles():
    got = extract_amounts("一、" + "补贴100万元，" * 500)
    assert len(got) == 500
    assert {a.value_yuan for a in got} == {1_000_000}
