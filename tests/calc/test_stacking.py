"""Tests of huiqi.calc.stacking on clause texts quoted from data/corpus/."""

from __future__ import annotations

from huiqi.calc.stacking import apply_stacking
from huiqi.rules.model import Benefit, Stacking
from huiqi.rules.stacking import (
    DOCUMENT_SCOPE,
    document_stacking,
    extract_stacking,
    is_document_wide,
)

WAN = 10_000


def clause(text: str, doc_id: int = 7, **fields: str) -> dict:
    return {"text": text, "fields": fields, "document": {"id": doc_id, "title": "测试文件", "level": "旗县",
                                                         "region": "伊金霍洛旗", "kind": "文件"}}


# 001_4322e846ed20b2fa.txt — 鄂尔多斯 燃料电池汽车 (四)
SAME_PROJECT = "（四）对同一项目符合多项政策的，按照就高不重复原则给予支持。"
# 001 — 伊金霍洛旗 新能源新材料产业人才政策 13.
DOC_WIDE = "本政策与我旗现行政策交叉重复的，按照“就高不重复”的原则执行。"
# 003_e1d845096e57fa27.txt — 鸵鸟产业优质牧草种植项目服务指南
OSTRICH = "对于已享受过财政资金支持的基建投资等性质类同项目，不得重复享受本政策补贴。鸵鸟产业相关补贴资金、奖励资金总额，全盟每年最高200万元。"
# 003 — 企业吸纳重点群体 / 退役士兵 (two guides, two documents)
HIRING = "2.企业招用就业人员既可以适用上述规定的税收优惠政策，又可以适用其他扶持就业专项税收优惠政策的，企业可以选择适用最优惠的政策，但不得重复享受。"
VETERANS = "4.企业既可以适用上述税收优惠政策，又可以适用其他扶持就业专项税收优惠政策的，可以选择适用最优惠的政策，但不得重复享受。"


def test_highest_within_document_and_scope():
    st = extract_stacking(clause(SAME_PROJECT, doc_id=32))
    assert st is not None and st.mode == "highest"
    assert st.group == f"doc32:{DOCUMENT_SCOPE}"  # 符合多项政策的: the document's principle
    assert st.source_text.startswith("（四）对同一项目")


def test_document_wide_rule_is_found_among_clauses():
    clauses = [clause("1.对新引进人才给予10万元安家补贴。", doc_id=53), clause(DOC_WIDE, doc_id=53)]
    st = document_stacking(clauses)
    assert st is not None and is_document_wide(st) and st.mode == "highest"
    assert st.group == f"doc53:{DOCUMENT_SCOPE}"
    assert extract_stacking(clauses[0]) is None


def test_exclusive_similar_projects_from_guide_field():
    st = extract_stacking(clause("鸵鸟产业优质牧草种植项目服务指南", doc_id=79, 政策标准=OSTRICH))
    assert st is not None and st.mode == "exclusive" and st.group == "doc79:同类项目"
    assert not is_document_wide(st)


def test_cross_document_family_shares_one_group():
    a = extract_stacking(clause("…", doc_id=106, 申报条件=HIRING))
    b = extract_stacking(clause("…", doc_id=107, 申报条件=VETERANS))
    assert a is not None and b is not None
    assert a.mode == b.mode == "highest"  # 选择适用最优惠 … 但不得重复享受
    assert a.group == b.group == "就业专项税收优惠"


def test_named_pair_of_subsidies():
    st = extract_stacking(clause("每人每年享受补贴次数最多不超过三次，同一职业（工种）同一等级只能申请并享受一次，"
                                 "且技能提升补贴和职业培训补贴不得重复享受；", doc_id=48))
    assert st is not None and st.mode == "exclusive" and st.group == "技能提升补贴+职业培训补贴"


def test_no_stacking_words():
    assert extract_stacking(clause("对首次认定的高新技术企业给予一次性30万元研发经费奖励。")) is None
    assert extract_stacking({}) is None


def _item(i, status, lo, hi, group=None, mode="highest"):
    return {"id": i, "status": status,
            "benefit": None if lo is None and hi is None else {"min_yuan": lo, "max_yuan": hi},
            "stacking": Stacking(group, mode, "按照就高不重复原则") if group else None}


def test_apply_stacking_keeps_highest_and_explains():
    items = [
        _item(1, "eligible", 50 * WAN, 50 * WAN, "g"),
        _item(2, "eligible", 0, 200 * WAN, "g"),
        _item(3, "likely", 10 * WAN, 10 * WAN),
        _item(4, "needs_info", 0, 500 * WAN),          # not counted
        _item(5, "ineligible", 100 * WAN, 100 * WAN, "g"),  # not counted, not "excluded"
        _item(6, "eligible", None, None),                # no amount
    ]
    out = apply_stacking(items)
    assert out["excluded_by_stacking"] == [1]
    assert out["max_yuan"] == 200 * WAN + 10 * WAN
    # the surer clause 1 guarantees 50万元 within the group
    assert out["min_yuan"] == 50 * WAN + 10 * WAN
    assert len(out["notes"]) == 1 and "条款 1" in out["notes"][0] and "条款 2" in out["notes"][0]
    assert "就高不叠加" in out["notes"][0]


def test_apply_stacking_exclusive_ties_keep_first_and_accepts_benefit_objects():
    items = [
        {"id": "a", "status": "eligible", "benefit": Benefit(30 * WAN, 30 * WAN, ""), "stacking": Stacking("x", "exclusive")},
        {"id": "b", "status": "eligible", "benefit": Benefit(30 * WAN, 30 * WAN, ""), "stacking": Stacking("x", "exclusive")},
        {"id": "c", "status": "eligible", "benefit": Benefit(5 * WAN, 5 * WAN, ""), "stacking": Stacking("y", "exclusive")},
    ]
    out = apply_stacking(items)
    assert out["excluded_by_stacking"] == ["b"]
    assert (out["min_yuan"], out["max_yuan"]) == (35 * WAN, 35 * WAN)
    assert "不得重复享受" in out["notes"][0]


def test_apply_stacking_empty():
    assert apply_stacking([]) == {"min_yuan": 0.0, "max_yuan": 0.0, "excluded_by_stacking": [], "notes": []}
