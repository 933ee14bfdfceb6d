"""GB/T 4754-2017 industry resolution."""

import pytest

from huiqi.reference.industries import division_names, resolve_industry, section_names


def test_table_is_complete():
    assert list(section_names()) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    divs = division_names()
    assert len(divs) == 97 and divs["01"] == "农业" and divs["97"] == "国际组织"
    assert divs["65"] == "软件和信息技术服务业"


@pytest.mark.parametrize(
    "query, section, division, code",
    [
        ("C3985", "C", "39", "C3985"),
        ("C", "C", None, "C"),
        ("39", "C", "39", "C39"),
        ("c39", "C", "39", "C39"),
        ("制造业", "C", None, "C"),
        ("乳制品制造", "C", "14", "C144"),
        ("乳制品制造业", "C", "14", "C144"),
        ("软件和信息技术服务业", "I", "65", "I65"),
        ("农林牧渔业", "A", None, "A"),  # 、 separators ignored
        ("C1449", "C", "14", "C1449"),
        ("C1399", "C", "13", "C1399"),  # unlisted class: division's name
    ],
)
def test_resolve(query, section, division, code):
    ind = resolve_industry(query)
    assert ind is not None
    assert (ind.section, ind.division, ind.code) == (section, division, code)


def test_unlisted_class_takes_division_name():
    assert resolve_industry("C1399").name == "农副食品加工业"


def test_alias_industry_spans_sections():
    ind = resolve_industry("工业")
    assert ind.covered_codes() == ("B", "C", "D")
    assert ind.section is None
    assert not ind.is_within("C")
    assert resolve_industry("C3985").is_within("C") and resolve_industry("C3985").is_within("C39")


@pytest.mark.parametrize("query", ["A39", "Z", "99", "C1234", "航天飞机", "", "   "])
def test_unknown_is_none(query):
    assert resolve_industry(query) is None
