"""Tests for huiqi.extract.numbers (number and money parsing)."""

import cn2an
import jionlp
import pytest

from huiqi.extract.numbers import parse_money, parse_money_with_currency, parse_number, to_halfwidth


@pytest.mark.parametrize(
    "s,expected",
    [
        ("500", 500.0),
        ("1.5", 1.5),
        ("5,000", 5000.0),
        ("两千", 2000.0),
        ("三", 3.0),
        ("1千", 1000.0),
        ("1.5亿", 1.5e8),
        ("一千五百", 1500.0),
        ("百分之三", 3.0),
        ("10%", 10.0),
        ("半", 0.5),
        ("５００", 500.0),
        (" 12 ", 12.0),
    ],
)
def test_parse_number(s, expected):
    assert parse_number(s) == expected


@pytest.mark.parametrize("s", ["", "abc", "2022年", "元", "万"])
def test_parse_number_rejects(s):
    assert parse_number(s) is None


@pytest.mark.parametrize(
    "s,expected",
    [
        ("500万元", 5e6),
        ("1.2亿元", 1.2e8),
        ("4.5万元", 45000.0),
        ("0.3元", 0.3),
        ("两千万元", 2e7),
        ("3000元", 3000.0),
        ("5,000万元", 5e7),
        ("500 万元", 5e6),
        ("５００万元", 5e6),
        ("十万元", 1e5),
        ("人民币五千元整", 5000.0),
    ],
)
def test_parse_money(s, expected):
    assert parse_money(s) == pytest.approx(expected)


def test_parse_money_other_currency_is_not_yuan():
    assert parse_money("1万美元") is None
    assert parse_money_with_currency("1万美元") == (10000.0, "美元")


@pytest.mark.parametrize("s", ["", "2022年", "abc", "10万—35万元"])
def test_parse_money_rejects(s):
    assert parse_money(s) is None


def test_why_own_code_cn2an_rejects_thousands_separator():
    """cn2an cannot read '5,000' nor a currency, hence our own Arabic parser."""
    with pytest.raises(Exception):
        cn2an.cn2an("5,000", "smart")
    with pytest.raises(Exception):
        cn2an.cn2an("1万美元", "smart")
    assert parse_number("5,000") == 5000.0


def test_why_own_code_jionlp_has_no_percentages_and_blurs_ranges():
    """jionlp.parse_money raises on 百分之三 and returns a list for ranges."""
    with pytest.raises(ValueError):
        jionlp.parse_money("百分之三")
    assert isinstance(jionlp.parse_money("10万元—300万元")["num"], list)
    assert parse_number("百分之三") == 3.0


def test_to_halfwidth_preserves_length_and_clause_punctuation():
    s = "给予５００万元，占１０％（含）"
    out = to_halfwidth(s)
    assert out == "给予500万元，占10%（含）"
    assert len(out) == len(s)
