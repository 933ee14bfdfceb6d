"""Service-guide field labels (办事指南要素) → canonical field names.

A 涉企政策服务指南 entry is a run of headings ``一、办理依据`` … ``十、咨询电话``
whose wording varies between guides (申报条件 / 申请条件 / 享受条件 …). This
module maps every raw label to one canonical name so guides can be compared
and stored uniformly. The table follows the field-schema survey of the 阿拉善盟
2025 service guide (reference notes, §2.1 "Every distinct heading label"),
plus the synonyms of other provinces' 办事指南 / 申报指南 / 服务指南 (受理单位,
所需材料, 基本流程, 办理时效, 承诺时限, 办理地点, 咨询方式, 监督电话, 政策依据 …).

Decision on the bank loan cards (贷款额度 / 贷款期限 / 贷款利率 / 担保方式):
they keep their own canonical names instead of collapsing into 政策标准,
because one card carries all four and a single ``政策标准`` key would have to
concatenate them (``ClauseFacts.fields`` is a ``dict[str, str]``).
"""

from __future__ import annotations

import re

__all__ = ["FIELD_NAMES", "canonical_field", "is_field_label", "leading_field_label"]

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
    "办理地点",  # where to apply (受理地点, 办公地址)
    "办理时间",  # office hours (办公时间, 受理时间)
    "监督电话",  # complaints / supervision line (监督投诉电话)
    "咨询电话",  # contact
    "其他事项",  # miscellaneous
)

_VARIANTS: dict[str, tuple[str, ...]] = {
    "办理依据": ("办理依据", "设定依据", "实施依据", "法律依据", "政策依据", "法定依据", "办事依据",
                 "申报依据", "依据"),
    "受理机构": ("受理机构", "受理单位", "受理部门", "办理机构", "实施机构", "实施主体", "办理部门",
                 "办理单位", "受理机关", "实施机关", "责任部门", "主管部门", "承办机构", "受理窗口"),
    "适用范围": ("适用范围", "适用范围及优惠标准", "适用范围及享受政策", "适用对象", "支持范围"),
    "申报条件": (
        "申报条件", "申请条件", "享受条件", "申报条件或补助", "申报条件或补助标准",
        "办理条件", "受理条件", "支持条件", "审批条件", "申领条件", "享受对象", "申报对象",
        "申请对象", "适用条件", "准予批准的条件",
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
    "申报流程": ("申报流程", "申报程序", "办理流程", "享受方式", "办理程序", "申请流程", "申请程序",
                 "基本流程", "办事流程", "办理步骤", "申办流程", "申领流程", "审批流程", "办理环节",
                 "申请方式", "申报方式", "办理方式"),
    "申报材料": ("申报材料", "申报资料", "申请材料", "办理材料", "申请资料", "所需材料", "提交材料",
                 "材料清单", "申报材料清单", "申请材料目录", "所需资料", "需提交材料", "办事材料"),
    "办理时限": ("申报时限/办理时限", "办理时限", "申报时限", "承诺时限", "法定时限", "申报时间",
                 "办理时效", "办结时限", "承诺办结时限", "法定办结时限", "申请时间", "受理时限",
                 "时限", "申报期限", "办理期限", "审核时限"),
    "收费标准": ("收费依据及标准", "收费标准", "收费依据", "收费情况", "是否收费", "收费", "办理费用",
                 "费用标准", "收费项目"),
    "结果送达": ("结果送达", "送达方式", "办理结果", "结果名称", "审批结果"),
    "咨询电话": ("咨询电话", "政策咨询", "联系电话", "咨询方式", "联系方式", "咨询热线", "联系人及电话",
                 "咨询途径", "服务电话"),
    "监督电话": ("监督电话", "投诉电话", "监督投诉电话", "投诉举报电话", "监督投诉方式", "监督投诉",
                 "投诉方式", "举报电话", "监督方式"),
    "办理地点": ("办理地点", "受理地点", "办公地址", "办理地址", "受理地址", "申报地点", "窗口地址"),
    "办理时间": ("办理时间", "办公时间", "受理时间", "窗口办公时间"),
    "其他事项": ("其他事项", "其他情况", "相关要求", "其他说明", "注意事项", "温馨提示", "特别提示",
                 "备注"),
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
    ignored, half-width brackets and ``／`` are folded. A label of 3–10
    characters that qualifies a known label (``换领受理部门``, ``项目申报时限``)
    takes the longest known label it ends with. Returns one of
    :data:`FIELD_NAMES`, or ``None`` for a label that is not a known field.
    """
    key = _key(label)
    hit = _LOOKUP.get(key)
    if hit is None and 3 <= len(key) <= 10 and re.fullmatch(r"[\u4e00-\u9fff/、（）]+", key):
        # a qualified label: 换领受理部门, 申领所需材料, 项目申报时限 — the longest
        # known label it ends with (at least 3 characters, or 时限)
        for n in range(len(key) - 1, 1, -1):
            tail = key[-n:]
            if tail in _LOOKUP and (n >= 3 or tail == "时限"):
                return _LOOKUP[tail]
    return hit


def is_field_label(label: str) -> bool:
    """True if ``label`` is a known service-guide field heading (see :func:`canonical_field`)."""
    return canonical_field(label) is not None


def leading_field_label(text: str, max_len: int = 8) -> str | None:
    """The known field label ``text`` opens with, no separator after it.

    ``申报材料4.1合法有效的收费文件`` → ``申报材料``; the longest exact label
    (2–``max_len`` characters) wins; ``None`` when ``text`` opens with none.
    Used for guides whose numbered fields were glued into one paragraph
    (``1适用范围…2设定依据…``).
    """
    for n in range(min(max_len, len(text)), 1, -1):
        if text[:n] in _LOOKUP:
            return text[:n]
    return None
