"""Region scope (适用地区) of documents and firms: huiqi.calc.scope."""

from __future__ import annotations

import pytest

from huiqi.calc.scope import (
    FirmRegion,
    UnknownFirmRegion,
    document_scope,
    region_outcome,
    resolve_firm_region,
)


@pytest.mark.parametrize("text", ["阿拉善左旗", "阿拉善盟阿拉善左旗", "内蒙古自治区阿拉善盟阿拉善左旗", "152921", "阿左旗"])
def test_alxa_left_banner_resolves_up_to_the_region(text):
    firm = resolve_firm_region(text)
    assert firm.code == "152921"
    assert firm.chain == ("152921", "152900", "150000")
    assert firm.names == ("阿拉善左旗", "阿拉善盟", "内蒙古自治区")
    assert firm.inner_mongolia


def test_league_level_firm_and_display():
    firm = resolve_firm_region("呼和浩特")
    assert firm.chain == ("150100", "150000")
    assert firm.display == "呼和浩特市（内蒙古自治区）"


def test_address_with_street_keeps_the_banner():
    firm = resolve_firm_region("鄂尔多斯市伊金霍洛旗阿勒腾席热镇")
    assert firm.code == "150627"


def test_place_outside_inner_mongolia_sees_only_national():
    firm = resolve_firm_region("北京市海淀区")
    assert not firm.inner_mongolia and firm.province == "北京市"
    assert document_scope({"level": "国家", "region": "全国"}).check(firm)[0] == "met"
    assert document_scope({"level": "自治区", "region": "内蒙古自治区"}).check(firm)[0] == "unmet"


@pytest.mark.parametrize("bad", ["火星", "", "全国", "159999", "999999"])
def test_unknown_region_is_a_chinese_error_naming_region(bad):
    with pytest.raises(UnknownFirmRegion) as exc:
        resolve_firm_region(bad)
    msg = str(exc.value)
    assert msg.startswith("region:") and "\n" not in msg


def test_document_scopes_by_level():
    firm = resolve_firm_region("伊金霍洛旗")
    other = resolve_firm_region("阿拉善左旗")
    banner = document_scope({"level": "旗县", "region": "鄂尔多斯市伊金霍洛旗"})
    assert (banner.kind, banner.code) == ("division", "150627")
    assert banner.check(firm)[0] == "met" and banner.check(other)[0] == "unmet"
    league = document_scope({"level": "盟市", "region": "阿拉善盟"})
    assert league.check(other)[0] == "met" and league.check(firm)[0] == "unmet"
    region = document_scope({"level": "自治区", "region": None})
    assert region.code == "150000" and region.check(firm)[0] == "met"
    national = document_scope({"level": "国家", "region": None})
    assert national.kind == "national" and national.check(firm)[0] == "met"


def test_unknown_document_scope_applies_with_caveat():
    firm = resolve_firm_region("伊金霍洛旗")
    s = document_scope({"level": None, "region": None})
    outcome, detail = s.check(firm)
    assert s.kind == "unknown" and outcome == "to_confirm"
    assert "待确认" in detail
    assert document_scope({"level": "盟市", "region": None}).check(firm)[0] == "to_confirm"


def test_level_broader_region_gets_a_caveat():
    s = document_scope({"level": "旗县", "region": "鄂尔多斯市"})
    assert s.code == "150600" and "旗县" in s.caveat


def test_region_leaf_outcome():
    firm: FirmRegion = resolve_firm_region("阿拉善左旗")
    assert region_outcome(firm, ["阿拉善盟"]) == "met"
    assert region_outcome(firm, ["150600", "呼和浩特市"]) == "unmet"
    assert region_outcome(firm, ["全国"]) == "met"
    assert region_outcome(firm, ["某某开发区"]) == "to_confirm"
