"""Character normalisation on real PDF-conversion noise from the corpus."""

import pytest

from huiqi.normalize.text import normalize_chars


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # stray space from a PDF line break inside a title
        ("呼和浩特市促进工业经济高质量发展 政策清单", "呼和浩特市促进工业经济高质量发展政策清单"),
        # spaces inside numbers and between digits and CJK
        ("一次性给予 10 万元奖励，全旗生产总值 1221 亿元", "一次性给予10万元奖励，全旗生产总值1221亿元"),
        # traditional glyph in 所得稅
        ("加大中小微企业设备器具所得稅税前扣除力度", "加大中小微企业设备器具所得税税前扣除力度"),
        # ASCII punctuation next to Chinese text, thousands separator kept
        ("设备、器具,单位价值在500万元以上的;最低", "设备、器具，单位价值在500万元以上的；最低"),
        ("利率(LPR)改革,按 5,000万元", "利率（LPR）改革，按5,000万元"),
        # ratio and URL untouched
        ("按1:1配套，登录<http://rst.nmg.gov.cn>办理", "按1:1配套，登录http://rst.nmg.gov.cn办理"),
        # half-width brackets of a 发文字号
        ("（内政办发[2024]24号）", "（内政办发〔2024〕24号）"),
        # markdown bold
        ("按照投资总额的 **10%** 给予一次性补贴", "按照投资总额的10%给予一次性补贴"),
        # full-width digits and percent
        ("１０％～５０％", "10%～50%"),
    ],
)
def test_normalize_chars(raw, expected):
    assert normalize_chars(raw) == expected


def test_two_phone_numbers_stay_apart():
    assert normalize_chars("中国银行巴彦浩特分行：0483-8351691 18504830377").endswith("0483-8351691 18504830377")
