"""Validity windows a document supports (huiqi.rules.validity)."""

from __future__ import annotations

from huiqi.rules.validity import (
    UNKNOWN_NOTE,
    blocks_eligible,
    cap_reprint,
    effective_validity,
    is_unknown,
    title_year,
)

LIST_2024 = "内蒙古自治区2024年坚持稳中求进以进促稳推动产业高质量发展政策清单"


def test_title_year():
    assert title_year(LIST_2024) == 2024
    assert title_year("内蒙古自治区人民政府办公厅关于印发自治区低空经济高质量发展实施方案（2024—2027年）的通知") is None
    assert title_year("内蒙古自治区促进工业经济平稳增长行动方案") is None


def test_list_without_validity_takes_its_year():
    v = effective_validity({"start": None, "end": None}, {"title": LIST_2024, "issued": None})
    assert (v["start"], v["end"], v["inferred"]) == ("2024-01-01", "2024-12-31", "title_year")
    assert LIST_2024 in v["basis"]


def test_clause_dates_win_over_the_title_year():
    # 000 item 98: 自2021年1月1日至2025年12月31日 … 免征企业所得税地方分享部分: the end stays 2025
    v = effective_validity({"start": "2021-01-01", "end": "2025-12-31", "basis": "自2021年1月1日至2025年12月31日"},
                           {"title": LIST_2024, "issued": None})
    assert v["end"] == "2025-12-31" and v["basis"].startswith("自2021年")


def test_never_in_force_before_the_issue_date():
    # 002 (印发 2022-05-20) restates 「2022年1月1日至2024年12月31日」 六税两费
    v = effective_validity({"start": "2022-01-01", "end": "2024-12-31"},
                           {"title": "呼和浩特市促进工业经济高质量发展政策清单", "issued": "2022-05-20"})
    assert (v["start"], v["end"]) == ("2022-05-20", "2024-12-31")


def test_compilation_title_year_and_unknown():
    v = effective_validity({}, {"title": "企业所得税税收优惠政策", "issued": None},
                           container_title="阿拉善盟2025年促进民营经济高质量发展")
    assert (v["start"], v["end"]) == ("2025-01-01", "2025-12-31")
    nothing = effective_validity({}, {"title": "企业所得税税收优惠政策", "issued": None})
    assert is_unknown(nothing)
    assert blocks_eligible({"state": "unknown", "note": UNKNOWN_NOTE})
    assert not blocks_eligible({"state": "in_force"})


def test_reprint_never_outlives_its_original():
    assert cap_reprint({"start": None, "end": None}, {"start": "2024-01-01", "end": "2024-12-31"})["end"] == "2024-12-31"
    assert cap_reprint({"end": "2026-12-31"}, {"end": "2024-12-31"})["capped_by"] == "original"
    assert cap_reprint({"end": "2023-12-31"}, {"end": "2024-12-31"})["end"] == "2023-12-31"


def test_title_year_is_the_earliest_start_without_an_issue_date():
    # 000 item 58 「补贴至2025年」 and item 98 「自2021年1月1日至2025年12月31日」 in the 2024 list
    doc = {"title": LIST_2024, "issued": None}
    assert effective_validity({"end": "2025-12-31"}, doc)["start"] == "2024-01-01"
    v = effective_validity({"start": "2021-01-01", "end": "2025-12-31"}, doc)
    assert (v["start"], v["end"]) == ("2024-01-01", "2025-12-31")
