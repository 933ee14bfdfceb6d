"""Service-guide field labels → canonical names (every raw variant of the Alxa guide)."""

from __future__ import annotations

import pytest

from huiqi.reference.guide_fields import FIELD_NAMES, canonical_field, is_field_label

# raw label as written in the guide → canonical field
VARIANTS = [
    ("办理依据", "办理依据"),
    ("受理机构", "受理机构"),
    ("受理单位", "受理机构"),
    ("适用范围", "适用范围"),
    ("适用范围及优惠标准", "适用范围"),
    ("适用范围及享受政策", "适用范围"),
    ("申报条件", "申报条件"),
    ("申请条件", "申报条件"),
    ("享受条件", "申报条件"),
    ("申报条件或补助", "申报条件"),
    ("申报条件或补助标准", "申报条件"),
    ("补贴对象、标准及方式", "政策标准"),
    ("补助奖励标准", "政策标准"),
    ("政策标准", "政策标准"),
    ("奖励（政策）标准", "政策标准"),
    ("奖励(政策)标准", "政策标准"),
    ("税收优惠", "政策标准"),
    ("优惠内容", "政策标准"),
    ("补贴政策", "政策标准"),
    ("贷款额度", "贷款额度"),
    ("贷款期限", "贷款期限"),
    ("贷款利率", "贷款利率"),
    ("担保方式", "担保方式"),
    ("申报流程", "申报流程"),
    ("申报流程：", "申报流程"),
    ("申报程序", "申报流程"),
    ("办理流程", "申报流程"),
    ("享受方式", "申报流程"),
    ("申报材料", "申报材料"),
    ("申报材料：", "申报材料"),
    ("申报资料", "申报材料"),
    ("申请材料", "申报材料"),
    ("申报时限/办理时限", "办理时限"),
    ("申报时限／办理时限", "办理时限"),
    ("办理时限", "办理时限"),
    ("办理时限：", "办理时限"),
    ("申报时限", "办理时限"),
    ("收费依据及标准", "收费标准"),
    ("收费依据及标准：", "收费标准"),
    ("收费依据及标准:", "收费标准"),
    ("收费标准", "收费标准"),
    ("结果送达", "结果送达"),
    ("结果送达:", "结果送达"),
    ("咨询电话", "咨询电话"),
    ("咨询电话：", "咨询电话"),
    ("咨询电话:", "咨询电话"),
    ("政策咨询", "咨询电话"),
    ("其他事项", "其他事项"),
    ("其他情况", "其他事项"),
    ("相关要求", "其他事项"),
]


@pytest.mark.parametrize("label, canonical", VARIANTS)
def test_every_raw_variant(label, canonical):
    assert canonical_field(label) == canonical
    assert is_field_label(label)


@pytest.mark.parametrize(
    "label, canonical",
    [
        (" 办理时限 ", "办理时限"),
        ("六、 办理时限", "办理时限"),
        ("十一、咨询电话", "咨询电话"),
        ("一、适用范围", "适用范围"),
    ],
)
def test_spaces_and_ordinals_ignored(label, canonical):
    assert canonical_field(label) == canonical


@pytest.mark.parametrize(
    "label",
    ["产业发展政策", "一、产业发展政策", "补贴对象", "资金用途", "", "保障措施", "总体目标"],
)
def test_unknown_labels(label):
    assert canonical_field(label) is None
    assert not is_field_label(label)


def test_field_names_cover_every_target_in_order():
    targets = {c for _, c in VARIANTS}
    assert targets <= set(FIELD_NAMES)
    assert len(FIELD_NAMES) == len(set(FIELD_NAMES))
    assert FIELD_NAMES[0] == "办理依据" and FIELD_NAMES[-2:] == ("咨询电话", "其他事项")
