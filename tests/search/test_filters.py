"""Region / level / date / unit filters."""

from __future__ import annotations

from datetime import date

import pytest

from huiqi.search import filters as f


def test_division_table_has_twelve_leagues():
    divs = f.divisions()
    leagues = [d for d in divs.values() if d.parent == "150000"]
    assert len(leagues) == 12
    assert divs["152921"].name == "阿拉善左旗" and divs["152921"].parent == "152900"


def test_resolve_banner_sees_league_and_region():
    codes = f.resolve_region("阿拉善左旗")
    assert codes == ["152921", "152900", "150000"]
    assert f.resolve_region("阿左旗") == codes  # common short name


def test_unknown_region_raises_clear_error():
    with pytest.raises(f.UnknownRegion, match="未知地区"):
        f.resolve_region("火星市")


def test_region_visibility():
    codes = f.resolve_region("阿拉善左旗")
    assert f.region_visible({"level": "盟市", "region": "阿拉善盟"}, codes)
    assert f.region_visible({"level": "自治区", "region": "内蒙古自治区"}, codes)
    assert f.region_visible({"level": "国家", "region": "全国"}, codes)
    assert not f.region_visible({"level": "盟市", "region": "呼和浩特市"}, codes)
    assert not f.region_visible({"level": "旗县", "region": "鄂尔多斯市伊金霍洛旗"}, codes)
    assert f.region_visible({"level": None, "region": None}, codes)


def test_compound_region_resolves_to_most_specific():
    assert f.find_division("鄂尔多斯市伊金霍洛旗").name == "伊金霍洛旗"
    assert f.find_division("鄂尔多斯").name == "鄂尔多斯市"


def test_levels_and_dates():
    assert f.normalize_level("省级") == "自治区"
    assert f.normalize_level("旗县") == "旗县"
    with pytest.raises(f.SearchError):
        f.normalize_level("乡镇级别")
    assert f.parse_date("2024年6月30日") == date(2024, 6, 30)
    with pytest.raises(f.SearchError, match="日期无效"):
        f.parse_date("2024-13-01")


def test_valid_on_keeps_unknown_and_drops_ended():
    day = date(2025, 1, 1)
    assert f.valid_on({"start": None, "end": None}, day)
    assert not f.valid_on({"end": "2024-05-19"}, day)
    assert f.valid_on({"end": "2025-12-31"}, day)
    assert not f.valid_on({"start": "2026-01-01"}, day)


def test_unit_matches_units_and_guide_fields():
    rec = {"responsible_units": ["自治区工业和信息化厅"], "fields": {"受理机构": "阿拉善盟各级失业保险经办机构"}}
    assert f.unit_matches(rec, "工业和信息化厅")
    assert f.unit_matches(rec, "失业保险经办机构")
    assert not f.unit_matches(rec, "税务局")
