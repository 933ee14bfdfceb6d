"""Numeric conditions (门槛/申报条件中的数量要求) in one clause's text.

:func:`extract_thresholds` finds ``attribute op value unit`` conditions such
as 投资2000万元及以上, 从业人员2000人以下, 成立3年以上, 裁员率不高于5.5%,
100—3000头. Comparison words follow common drafting usage in Chinese policy
and legal texts (以上/以下 include the number itself):

========================================  ======  =========
words                                     op      inclusive
========================================  ======  =========
以上 及以上 不低于 不少于 达到 达 满 ≥        ``>=``  True
超过 超 高于 大于 多于                       ``>``   False
以下 及以下 不超过 不高于 未超过 以内 ≤       ``<=``  True
低于 不足 不满 小于 少于 未达到              ``<``   False
A—B, A至B (区间)                            between True (False with （不含）)
========================================  ======  =========

``（含）``/``（含X）``/``（包括X）`` make a strict bound inclusive and
``（不含）`` makes an inclusive one strict. Money values are converted to
元 with :mod:`huiqi.extract.numbers`; other units keep their scale applied
(10万亩 → 100000 亩). Money amounts are only reported when
:func:`huiqi.extract.money.extract_amounts` classifies them as a condition
(so benefit caps such as 单个项目最高不超过500万元 are not thresholds).
Not thresholds either: years (2022年), sentences with targets (力争…),
limits on a benefit (最高/最长/最多…), rate caps (不超过2%的利率).
"""

from __future__ import annotations

import re
from functools import lru_cache

from huiqi.extract.money import NUM, RANGE_SEP, SCALE, _delims, _sent_has, extract_amounts
from huiqi.extract.numbers import SCALES, finditer_from, parse_number, to_halfwidth
from huiqi.extract.types import Threshold

_CN_SMALL = r"[一二两三四五六七八九十]{1,3}|半"
_UNIT = (
    r"(?:美元|元|吨标准煤|标准煤|千瓦时|千瓦|千伏安|千伏|平方公里|平方米|立方米|㎡|m²|公斤|千克|吨|亩|头|只|峰|"
    r"匹|羽|人次|人|周岁|岁|个月|个工作日|工作日|年|天|日|小时|分钟|件|项|个|家|户|名|次|分|倍|%|台|套|"
    r"辆|座|张|位|公里|千米|床|株)"
)
_UNIT_FULL = rf"{_UNIT}(?:\s*+/\s*+(?:年|日|月|天|站|人|台))?"
#: Units a Chinese numeral may carry here (成立两年以上, 满一年, 三次).
_CN_UNITS = {"年", "个月", "人", "项", "次", "倍", "家", "个", "周岁", "岁", "天", "名", "件"}
_PAREN = r"[（(][^）)]{0,20}[）)]"

#: Possessive ``\s*+`` everywhere: every optional part starts with a
#: non-space, so giving whitespace back can never help a match, and plain
#: ``\s*`` around optional groups backtracked polynomially on long runs of
#: whitespace (unit tags masked as newlines: 1 KB took 26 s).
_QTY_RE = re.compile(
    rf"(?<![\d.A-Za-z第])"
    rf"(?:(?P<n1>{NUM}|{_CN_SMALL})\s*+(?P<s1>{SCALE})?\s*+(?P<u1>{_UNIT_FULL})?\s*+(?P<p1>{_PAREN})?\s*+"
    rf"{RANGE_SEP}\s*+)?"
    rf"(?P<n>{NUM}|{_CN_SMALL})\s*+(?P<s>{SCALE})?\s*+(?P<p0>{_PAREN})?\s*+(?P<u>{_UNIT_FULL})(?!民币)"
)
#: Every character a :data:`_QTY_RE` match can start with (a digit of
#: :data:`~huiqi.extract.money.NUM` or of ``_CN_SMALL``), see
#: :func:`~huiqi.extract.numbers.finditer_from`.
_QTY_FIRST_RE = re.compile(r"[\d一二两三四五六七八九十半]")
_SUFFIX_RE = re.compile(
    rf"\s*+(?P<p1>{_PAREN})?\s*+(?P<suf>及以上|以上|之上|及以下|以下|之下|以内|之内)?\s*+(?P<p2>{_PAREN})?"
)
_PREFIX_RE = re.compile(
    r"(?P<cmp>不低于|不少于|不超过|不高于|未超过|未达到|未达|未满|不超|不足|不满|超过|超出|超|高于|大于|多于|低于|小于|"
    r"少于|(?<![下到送传抵表发直])达到|(?<![下到送传抵表发直])达|满|≥|≤|＞|＜|>|<)\s*+(?:为|在)?\s*+$"
)
_CMP_OPS = {
    "不低于": (">=", True), "不少于": (">=", True), "达到": (">=", True), "达": (">=", True),
    "满": (">=", True), "≥": (">=", True),
    "超过": (">", False), "超出": (">", False), "超": (">", False), "高于": (">", False),
    "大于": (">", False), "多于": (">", False), ">": (">", False), "＞": (">", False),
    "不超过": ("<=", True), "不高于": ("<=", True), "未超过": ("<=", True), "不超": ("<=", True),
    "≤": ("<=", True),
    "低于": ("<", False), "小于": ("<", False), "少于": ("<", False), "不足": ("<", False),
    "不满": ("<", False), "未满": ("<", False), "未达到": ("<", False), "未达": ("<", False), "<": ("<", False), "＜": ("<", False),
}
_SUFFIX_OPS = {
    "以上": (">=", True), "及以上": (">=", True), "之上": (">=", True),
    "以下": ("<=", True), "及以下": ("<=", True), "之下": ("<=", True),
    "以内": ("<=", True), "之内": ("<=", True),
}
_NEUTRAL_CMP = {"达到", "达", "满"}
_LIMIT_WORDS_RE = re.compile(r"(最高|最多|最长|上限|最大|封顶|最低|最少)[^，；。]{0,2}$")
_BENEFIT_AFTER_RE = re.compile(
    r"\s*+(?:[）)])?\s*+的?[\u4e00-\u9fff]{0,2}(?:利率|标准|比例给予|补助|补贴|奖励|额度|贴息|支持|奖补|拨付|发放|兑现)"
)
_BENEFIT_ATTR_RE = re.compile(r"(支持|补贴|补助|奖励|奖补|贴息|资助|扶持)$")
_TARGET_STAT_RE = re.compile(r"(到20\d\d年|20\d\d年底|截至|截止)")
_COND_INTRO_RE = re.compile(r"(对|凡|符合|申请|申报)")
_TARGET_RE = re.compile(r"(力争|目标任务|发展目标|预期目标|到20\d\d年)")
_GIVE_BEFORE_RANGE_RE = re.compile(r"(支持|给予|培育|建设|新建|安排|扶持|引进|拨付|补贴|奖励|每)[^，；。]{0,6}$")
_ATTR_CUT_RE = re.compile(r"(?:[、，；。：,;:（）()“”\"《》\s]|\d+\.|\d+日|或者|或|并且|且|并|以及|和|对于|对|凡|其中|其|为|是|即|的)")
_ATTR_TRAIL_RE = re.compile(r"(?:均|需|须|应|要|已|都|需要|必须|要求|在|为|达到|达|累计|合计|应当|\s)+$")
_ATTR_LEAD_RE = re.compile(r"^(?:且|或|并|及|对|对于|凡|其|即|、|\s)+")
_RATIO_WORDS = ("比例", "比重", "占比")
_DEFAULT_ATTR = {"人": "人数", "岁": "年龄", "年": "年限", "个月": "时长", "元": "金额", "%": "比例"}
_SOFT_DELIMS = "，,；;。：:\n！？!?"
_HARD_DELIMS = "；;。\n！？!?"


@lru_cache(maxsize=4096)
def _value(num: str, scale: str | None) -> float | None:
    """``num`` (a matched number) times the multiplier of ``scale`` (memoised: numbers repeat)."""
    v = parse_number(num)
    if v is None:
        return None
    return v * SCALES[scale] if scale else v


_SPACES_RE = re.compile(r"\s+")
_SLASH_RE = re.compile(r"\s*/\s*")


def _norm_unit(unit: str) -> str:
    unit = _SPACES_RE.sub("", unit)
    if unit == "周岁":
        return "岁"
    if unit in ("㎡", "m²"):
        return "平方米"
    return unit


@lru_cache(maxsize=1024)
def _unit_of(raw: str) -> str:
    """The unit of a matched unit group (``元 / 年`` → ``元/年``, ``周岁`` → ``岁``)."""
    return _norm_unit(_SLASH_RE.sub("/", raw))


#: Characters of left context read before a number (the comparator, the
#: attribute noun phrase: the attribute keeps at most 20 characters).
_LEFT_WINDOW = 100


def _seg_start(text: str, pos: int, delims: str) -> int:
    """Index just after the last of ``delims`` before ``pos`` (binary search
    over cached delimiter positions, not a backward scan)."""
    return _delims(text, delims).start(pos)


def _attribute(left: str) -> str:
    """Noun phrase just before the comparator (``left`` ends at it)."""
    a = _ATTR_TRAIL_RE.sub("", left)
    cut = None
    for m in _ATTR_CUT_RE.finditer(a):
        cut = m
    if cut is not None:
        tail = a[cut.end() :]
        if cut.group(0) == "的" and tail in _RATIO_WORDS:
            # 科技人员占企业当年职工总数的比例: keep the whole ratio phrase
            prev = None
            for m in _ATTR_CUT_RE.finditer(a[: cut.start()]):
                if m.group(0) != "的":
                    prev = m
            a = a[prev.end() :] if prev is not None else a
        else:
            a = tail
    a = _ATTR_LEAD_RE.sub("", _ATTR_TRAIL_RE.sub("", a))
    return a[-20:]


_INCL_PAREN_RE = re.compile(r"^[（(]\s*(不含|不包含|不包括|含|包含|包括)\s*(?:[\d.]|[，,]|[）)])")


def _is_incl_paren(p: str | None) -> bool:
    """（含）, （含20万吨）, （含，当量值）, （不含） — not （不包括数据中心）."""
    return bool(p) and bool(_INCL_PAREN_RE.match(p))


def _apply_paren(op: str, inclusive: bool, parens: list[str]) -> tuple[str, bool]:
    for p in parens:
        if not _is_incl_paren(p):
            continue
        if "不含" in p or "不包含" in p or "不包括" in p:
            inclusive = False
            op = {">=": ">", "<=": "<"}.get(op, op)
        elif "含" in p or "包括" in p:
            inclusive = True
            op = {">": ">=", "<": "<="}.get(op, op)
    return op, inclusive


def extract_thresholds(text: str) -> list[Threshold]:
    """Numeric conditions in ``text`` as :class:`~huiqi.extract.types.Threshold`.

    ``attribute`` is the short noun phrase before the number with verbs such
    as 在/达到/为 stripped (empty phrases inherit the attribute of a threshold
    joined by 且/或 just before, else a generic name like 人数/年龄/金额);
    ``op``/``inclusive`` follow the module table; ``value`` (and ``value_max``
    for ``between``) are floats in ``unit`` (money in 元). ``text`` spans the
    number, its unit and the comparison words. Results are in text order.
    Never raises.
    """
    if not text:
        return []
    work = to_halfwidth(text)
    money_roles = {(a.start, a.end): a.role for a in extract_amounts(text)}
    money_starts = {s: r for (s, _), r in money_roles.items()}
    out: list[Threshold] = []
    for m in finditer_from(_QTY_RE, _QTY_FIRST_RE, work):
        t = _one(work, text, m, money_roles, money_starts, out)
        if t is not None:
            out.append(t)
    return out


def _one(work, text, m, money_roles, money_starts, prev_out) -> Threshold | None:
    unit_raw = m.group("u")
    unit = _unit_of(unit_raw)
    base_unit = unit.split("/")[0]
    num = m.group("n")
    is_cn = not num[0].isdigit()
    if is_cn and base_unit not in _CN_UNITS and base_unit not in ("元", "美元"):
        return None
    value = _value(num, m.group("s"))
    if value is None:
        return None
    is_range = m.group("n1") is not None
    lo = None
    if is_range:
        u1 = m.group("u1")
        if u1 and _unit_of(u1) != unit:
            return None
        lo = _value(m.group("n1"), m.group("s1") or m.group("s"))
        if lo is None or lo > value:
            return None
    start = m.start() if is_range else m.start("n")
    end = m.end()
    # the cheap rejections first (every rejection gives None, in any order)
    if base_unit == "年" and (value >= 1900 or (lo is not None and lo >= 1900)):
        return None  # a calendar year, not a duration
    # money: only conditions as judged by the amount extractor
    if base_unit == "元":
        role = money_starts.get(start) or money_starts.get(m.start("n"))
        if role != "threshold":
            return None
    if _sent_has(work, _TARGET_RE, start):
        return None
    seg = max(_seg_start(work, start, _SOFT_DELIMS), start - _LEFT_WINDOW)
    left = work[seg:start]
    sm = _SUFFIX_RE.match(work, end)
    suf = sm.group("suf") if sm else None
    parens = [(m.group("p1") or "") + (m.group("p0") or ""), sm.group("p1") or "" if sm else "", sm.group("p2") or "" if sm else ""]
    if sm and not suf and parens[1] and not _is_incl_paren(parens[1]):
        sm = None  # a parenthesis that is not about inclusivity ends the match
        parens = parens[:1]
    pm = _PREFIX_RE.search(left)
    cmp_word = pm.group("cmp") if pm else None
    if is_range:
        if base_unit == "%" and not work[end : end + 1] == "的":
            return None
        if cmp_word is None and _GIVE_BEFORE_RANGE_RE.search(left) and base_unit != "元":
            return None
        op, inclusive = "between", not any("不含" in p for p in parens if p and "不含" in p[:3])
        attr_left = left[: pm.start()] if pm else left
    else:
        if cmp_word and (cmp_word not in _NEUTRAL_CMP or not suf):
            op, inclusive = _CMP_OPS[cmp_word]
        elif suf:
            op, inclusive = _SUFFIX_OPS[suf]
        elif cmp_word:
            op, inclusive = _CMP_OPS[cmp_word]
        else:
            alt = _alternative(work, start, prev_out, text)
            return alt(value, unit, m, end) if alt else None
        op, inclusive = _apply_paren(op, inclusive, parens)
        attr_left = left[: pm.start()] if pm else left
        if _LIMIT_WORDS_RE.search(attr_left) and base_unit != "元":
            return None  # 最长不超过3年, 最多不超过三次: limits of a benefit
        after_pos = sm.end() if sm else end
        if base_unit != "元" and cmp_word and _BENEFIT_AFTER_RE.match(work, after_pos):
            return None  # 不超过2%的利率 describes a benefit, not an applicant
        if base_unit != "元" and _BENEFIT_ATTR_RE.search(_ATTR_TRAIL_RE.sub("", attr_left)):
            return None  # 连续支持不超过3年: a limit of the benefit itself
        if cmp_word in ("达到", "达") and not suf and base_unit != "元":
            # 达到 without 以上: a condition only in 对…达到X(的) sentences
            if not (work[after_pos : after_pos + 1] == "的" or _sent_has(work, _COND_INTRO_RE, start)):
                return None
    if sm and (suf or any(_is_incl_paren(p) for p in parens[1:])):
        end = sm.end("p2") if _is_incl_paren(sm.group("p2")) else (sm.end("suf") if suf else sm.end("p1"))
    attr = _attribute(attr_left)
    if not attr:
        attr = _inherit_attr(work, start, prev_out) or _DEFAULT_ATTR.get(base_unit, "数量")
    return Threshold(
        attribute=attr,
        op=op,
        value=lo if is_range else value,
        unit=unit,
        inclusive=inclusive,
        text=text[start:end],
        start=start,
        end=end,
        value_max=value if is_range else None,
    )


_JOIN_GAP_RE = re.compile(r"[，,、]?\s*+(?:且|或|并且|但)?\s*+(?:不超过|不高于|不低于|不少于|低于|高于|超过|小于|大于|在|为)?\s*+")
_ALT_GAP_RE = re.compile(r"\s*+[（(]\s*+按([\u4e00-\u9fff]{1,2})\s*+")


def _inherit_attr(work: str, start: int, prev_out: list[Threshold]) -> str | None:
    """Attribute of the previous threshold when joined by 且/或/、 (年龄18周岁以上，且不超过65周岁)."""
    if not prev_out:
        return None
    prev = prev_out[-1]
    gap = work[prev.end : start]
    if _JOIN_GAP_RE.fullmatch(gap):
        return prev.attribute
    return None


def _alternative(work: str, start: int, prev_out: list[Threshold], text: str):
    """（按季9万元） right after a threshold: same op, attribute + （按季）."""
    if not prev_out:
        return None
    prev = prev_out[-1]
    gap = work[prev.end : start]
    gm = _ALT_GAP_RE.fullmatch(gap)
    if not gm:
        return None

    def build(value: float, unit: str, m: re.Match, end: int) -> Threshold:
        return Threshold(
            attribute=f"{prev.attribute}（按{gm.group(1)}）",
            op=prev.op,
            value=value,
            unit=unit,
            inclusive=prev.inclusive,
            text=text[m.start("n") : end],
            start=m.start("n"),
            end=end,
        )

    return build
