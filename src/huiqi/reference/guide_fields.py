"""Service-guide field labels (办事指南要素) → canonical field names.

A 涉企政策服务指南 entry is a run of headings ``一、办理依据`` … ``十、咨询电话``
whose wording varies between guides (申报条件 / 申请条件 / 享受条件 …). This
module maps every raw label to one canonical name so guides can be compared
and stored uniformly. The table follows the field-schema survey of the 阿拉善盟
2025 service guide (reference notes, §2.1 "Every distinct heading label"),
plus a few common synonyms from other Chinese 办事指南 (受理部门, 办理程序,
联系电话 …).

Decision on the bank loan cards (贷款额度 / 贷款期限 / 贷款利率 / 担保方式):
they keep their own canonical names instead of collapsing into 政策标准,
because one card carries all four and a single ``政策标准`` key would have to
concatenate them (``ClauseFacts.fields`` is a ``dict[str, str]``).
"""

from __future__ import annotations

import re

__all__ = ["FIELD_NAMES", "canonical_field", "is_field_label"]

#: Canonical field names in display order.
FIELD_NAMES: tuple[str, ...] = (
    "办理依据",  # legal basis
    "受理机构",  # accepting body
    "适用范围",  # scope
    "申报条件",  # eligibility
    "政策标准",  # the benefit: subsidy, reward, tax relief
    "贷款额度",  # loan cards: amount
    "贷款期限",  # loan cards: term
    "贷款利率",  # loan cards: interest rate
    "担保方式",  # loan cards: collateral / guarantee
    "申报流程",  # process
    "申报材料",  # materials
    "办理时限",  # time limit
    "收费标准",  # fees
    "结果送达",  # result delivery
    "咨询电话",  # contact
    "其他事项",  # miscellaneous
)

_VARIANTS: dict[str, tuple[str, ...]] = {
    "办理依据": ("办理依据", "设定依据", "实施依据", "法律依据"),
    "受理机构": ("受理机构", "受理单位", "受理部门", "办理机构", "实施机构"),
    "适用范围": ("适用范围", "适用范围及优惠标准", "适用范围及享受政策", "适用对象", "支持范围"),
    "申报条件": (
        "申报条件", "申请条件", "享受条件", "申报条件或补助", "申报条件或补助标准",
        "办理条件", "受理条件", "支持条件",
    ),
    "政策标准": (
        "补贴对象、标准及方式", "补助奖励标准", "政策标准", "奖励（政策）标准", "奖励政策标准",
        "税收优惠", "优惠内容", "补贴政策", "补贴标准", "奖励标准", "补助标准", "支持标准",
        "优惠政策", "政策内容",
    ),
    "贷款额度": ("贷款额度",),
    "贷款期限": ("贷款期限",),
    "贷款利率": ("贷款利率",),
    "担保方式": ("担保方式",),
    "申报流程": ("申报流程", "申报程序", "办理流程", "享受方式", "办理程序", "申请流程", "申请程序"),
    "申报材料": ("申报材料", "申报资料", "申请材料", "办理材料", "申请资料"),
    "办理时限": ("申报时限/办理时限", "办理时限", "申报时限", "承诺时限", "法定时限", "申报时间"),
    "收费标准": ("收费依据及标准", "收费标准", "收费依据"),
    "结果送达": ("结果送达",),
    "咨询电话": ("咨询电话", "政策咨询", "联系电话", "咨询方式", "联系方式"),
    "其他事项": ("其他事项", "其他情况", "相关要求", "其他说明", "注意事项"),
}

_LOOKUP: dict[str, str] = {raw: canon for canon, raws in _VARIANTS.items() for raw in raws}

#: A leading heading marker: 一、 / （一） / (一) / 1. / 1、
_MARKER_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])\s*")
_FOLD = str.maketrans({"(": "（", ")": "）", "／": "/", "，": "、", ",": "、"})
_SPACE_RE = re.compile(r"\s+")


def _key(label: str) -> str:
    """Lookup key: marker, trailing colon and spaces removed, brackets/slash unified."""
    s = _MARKER_RE.sub("", label)
    s = _SPACE_RE.sub("", s).translate(_FOLD)
    return s.rstrip("：:。.")


def canonical_field(label: str) -> str | None:
    """Canonical service-guide field name of a heading label, or ``None``.

    ``label`` is a raw heading label (``办理时限``, ``咨询电话：``,
    ``申报时限/办理时限``, ``奖励(政策)标准``, even with its ordinal
    ``六、 办理时限``); a leading ordinal, trailing ``：``/``:`` and spaces are
    ignored, half-width brackets and ``／`` are folded. Returns one of
    :data:`FIELD_NAMES`, or ``None`` for a label that is not a known field.
    """
    return _LOOKUP.get(_key(label))


def is_field_label(label: str) -> bool:
    """True if ``label`` is a known service-guide field heading (see :func:`canonical_field`)."""
    return canonical_field(label) is not None
