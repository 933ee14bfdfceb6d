"""Money amounts (金额) and rates (比例/费率) in one clause's text.

Public API:

* :func:`extract_amounts` — every amount in 元 with its role;
* :func:`extract_rates` — every percentage / rate expression.

The input is a clause's normalised text (see :mod:`huiqi.normalize`), but the
functions also accept raw text: full-width digits are mapped to ASCII with a
length-preserving table and spaces inside amounts (``500 万元``) are allowed,
so spans always index the text that was passed in.

Role rules (the order of :func:`_classify`) come from reading Inner Mongolia
惠企 policy texts; see the docstring of :class:`huiqi.extract.types.Amount`
for the role vocabulary. Amounts in other currencies (美元 …) are *not*
returned (``value_yuan`` would be meaningless); thresholds keep them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from huiqi.extract.numbers import SCALES, finditer_from, parse_number, to_halfwidth
from huiqi.extract.types import Amount, Span

# ---------------------------------------------------------------- lexicon --

#: Arabic number: 500, 1.5, 5,000 (thousands separator).
#: A full-width comma counts as a separator only before 万/亿/元: 5，000万元.
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:，\d{3})+(?=\s*[万亿千元])|\d+)(?:\.\d+)?"
#: Chinese number with at least one digit character: 两千, 三十, 一千五百.
CNNUM = r"(?<![零〇一二两三四五六七八九十百千])(?=[零〇百千]*+[一二两三四五六七八九十])[零〇一二两三四五六七八九十百千]++"
#: Scale characters after an Arabic number (数位).
SCALE = r"(?:千万|百万|十万|万亿|万|亿|千|百)"
#: Currencies (币种); only 元 gives a ``value_yuan``.
CURRENCY = r"(?:美元|欧元|日元|港元|港币|英镑|元)"
#: Range separators (区间): em/en dash, hyphen(s), tildes, 至.
RANGE_SEP = r"(?:—{1,2}|–|－|-{1,2}|～|~|〜|至)"
#: Measure words that can follow 每 or "/" (计量单位).
MEASURE = (
    r"(?:吨标准煤|标准煤|立方米|平方米|平方公里|千瓦时|千伏安|千瓦|公斤|千克|人次|人·月|人·年|"
    r"万元|元|亩|头|只|峰|羽|吨|人|户|家|个|件|项|车|辆|座|单|次|台|套|张|度|年|月|季|天|日|"
    r"批|株|口|栋|间|名|所|站|位|㎡|m²|标准|床|公里|千米)"
)

_MONEY_RE = re.compile(
    rf"(?<![\d.A-Za-z])(?P<num>{NUM}|{CNNUM})\s*+(?P<scale>{SCALE})?\s*+(?P<cur>{CURRENCY})(?!化)"
    rf"(?:\s*+/\s*+(?P<per>{MEASURE}(?:\s*+[·/]\s*+{MEASURE})*))?"
)
_RANGE_LEFT_RE = re.compile(
    rf"(?<![\d.A-Za-z])(?P<num>{NUM}|{CNNUM})\s*+(?P<scale>{SCALE})?\s*+(?P<cur>元)?"
    rf"\s*+(?P<incl>[（(][^）)]{{0,10}}[）)])?\s*+{RANGE_SEP}\s*+$"
)
#: Every character a :data:`_MONEY_RE` match can start with (a digit of
#: :data:`NUM` or :data:`CNNUM`), see :func:`~huiqi.extract.numbers.finditer_from`.
_MONEY_FIRST_RE = re.compile(r"[\d零〇一二两三四五六七八九十百千]")
#: Parenthesised inclusivity notes that restate a number: （含100万元）.
_INCL_PAREN_LEFT_RE = re.compile(r"[（(]\s*(?:含|包含|包括|不含|不包含|不包括)\s*$")

_SOFT_DELIMS = "，,；;。：:\n！？!?"
_HARD_DELIMS = "；;。\n！？!?"

#: Words that put an amount into a benefit cap (上限) context.
_CAP_CUE_RE = re.compile(r"(最高|最多|上限|封顶|不超过|不超|不高于|限额|以内|最大)")
_CAP_AFTER_RE = re.compile(r"^(?:为|作为)?(?:限额|上限|封顶)")
#: Ambiguous comparators: cap/floor for a benefit, threshold for a condition.
_SOFT_UPPER_RE = re.compile(r"(不超过|不超|不高于|未超过)\s*$")
_SOFT_LOWER_RE = re.compile(r"(不低于|不少于)\s*$")
_FLOOR_CUE_RE = re.compile(r"(不低于|不少于|最低|至少)")
#: Strict comparators: the amount is a condition (门槛).
_STRICT_CMP_RE = re.compile(r"((?<![不未])超过?|(?<!不)高于|(?<!不)低于|大于|不足|小于|≥|≤|>|<|＞|＜)\s*$")
_REACH_CMP_RE = re.compile(r"(达到|达|满)\s*$")
_CAP_REACH_RE = re.compile(r"最高[^，；。]{0,3}(达到|达)\s*$")
#: Threshold suffixes after the amount: 以上 / 及以上 / 以下 / 以内.
_SUFFIX_RE = re.compile(r"^\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:及|或)?\s*(以上|以下|以内|之上|之下)")
#: "…的部分" marginal band (bracket).
_PART_RE = re.compile(
    r"^\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:及|或)?\s*(?:以上|以下|以内)?\s*(?:[（(][^）)]{0,12}[）)])?\s*的?部分"
)
_PROGRESSIVE_AFTER_RE = re.compile(
    r"^\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:以上|以下|以内)?\s*(?:[（(][^）)]{0,12}[）)])?\s*的?(?:按|部分)"
)
#: "…的" closing a condition (对…投资1亿元的，…): not followed by a benefit noun.
_COND_DE_RE = re.compile(r"^\s*(?:[（(][^）)]{0,12}[）)])?\s*的(?P<next>.{0,4})", re.S)
_BENEFIT_NOUN_RE = re.compile(
    r"^(?:一次性|资金|补助|补贴|奖励|奖补|经费|研发|支持|贴息|标准|安家|生活|购房|引才|后补助|激励|"
    r"运营|建设|工作|科研|启动|专项|财政|扶持|奖金|资助|额度|租金|培训|补偿|费用|资本|融资|"
    r"[\u4e00-\u9fff]{0,3}(?:补助|补贴|奖励|奖补|经费|支持|资金))"
)
#: Nouns naming a benefit (补助 …) vs. a measured attribute (收入 …).
_BENEFIT_ATTR_RE = re.compile(
    r"(补助|补贴|奖励|奖补|资金|贴息|额度|支持|经费|激励|补偿|限额|奖金|资助|金额|标准|给予|奖|补)"
    r"[^，；。]{0,2}$"
)
_COND_ATTR_RE = re.compile(
    r"(收入|销售额|所得额|所得|投资|投资额|产值|资产|营业额|利润|税额|纳税|年薪|薪酬|工资|成交额|交易额|"
    r"价值|贸易额|研发投入|研发费用|投入|余额|规模|营收|出口额|进口额|贷款)[^，；。]{0,3}$"
)
_GIVE_RE = re.compile(r"(给予|奖励|补贴|奖补|补助|资助|支持|兑现|发放|贴息|提供|安排)")
_TIER_CUE_RE = re.compile(r"分别")
_TOTAL_CUE_RE = re.compile(
    r"(投入|安排|设立|筹集|筹措|统筹|总额|总规模|规模为|资金池|预算|累计投入|整合|下达|出资|募集)[^，；。]{0,16}$|基金$"
)
_TOTAL_AFTER_RE = re.compile(r"^\s*(?:规模)?的?[\u4e00-\u9fff]{0,6}(?:基金|资金池)")
#: Targets and statistics (力争…, 生产总值达到…): amounts there are not conditions.
_TARGET_RE = re.compile(r"(力争|目标是|预期目标|发展目标|突破|生产总值|GDP|到20\d\d年)")
_CONDITION_INTRO_RE = re.compile(r"(对|凡|符合|对于)")
_INCREMENT_LEFT_RE = re.compile(r"每\s*(?:新增|增加|增长|多|提高)?\s*$")
_NUMERIC_COND_RE = re.compile(r"\d[^，；。]{0,10}?(?:以上|以下|以内|（含）|\(含\))")

#: 每 … (per-unit) phrases: 每亩, 每节约1吨标准煤, 每人每年, 每增加500头.
_PER_LEFT_RE = re.compile(
    rf"每\s*+(?:[\u4e00-\u9fff]{{0,8}}?)\s*+(?P<num>\d++(?:\.\d+)?|[一二两三四五六七八九十]++)?\s*+"
    rf"(?P<scale>万|千|百)?\s*+(?P<unit>{MEASURE})"
)


@dataclass
class _Tok:
    """One money token found by the scanner (internal)."""

    start: int
    end: int  # end of the token including a "/unit" suffix
    value: float | None
    currency: str
    per_after: str | None
    role: str = ""
    per: str | None = None
    range_min_of: "_Tok | None" = None  # set on a synthetic range-min token
    increment: bool = False  # the base of 每新增100万元…


# ---------------------------------------------------------------- helpers --


@lru_cache(maxsize=4096)
def _num_value(num: str, scale: str | None) -> float | None:
    """``num`` (a matched number) times the multiplier of ``scale`` (memoised: numbers repeat)."""
    v = parse_number(num)
    if v is None:
        return None
    if scale:
        v *= SCALES[scale]
    return v


class _Delims:
    """Sorted delimiter positions of one text, so that "start of the piece
    containing ``pos``" is a binary search instead of a backward scan (the
    scan made extraction quadratic on long sentences with many amounts).

    ``has(regex, start, pos)`` caches, per sentence start, the end of the
    first ``regex`` match in that sentence, so ``regex.search(text[start:pos])``
    becomes ``first_end <= pos`` in O(1) for every amount of the sentence.
    """

    def __init__(self, text: str, delims: str) -> None:
        self.text = text
        self.pos = [m.start() for m in _delim_re(delims).finditer(text)]
        self._first: dict[tuple[object, int], int | None] = {}

    def start(self, pos: int) -> int:
        """Index just after the last delimiter before ``pos`` (0 if none)."""
        i = bisect_left(self.pos, pos)
        return self.pos[i - 1] + 1 if i else 0

    def end(self, pos: int) -> int:
        """Index of the first delimiter at or after ``pos`` (``len(text)`` if none)."""
        i = bisect_left(self.pos, pos)
        return self.pos[i] if i < len(self.pos) else len(self.text)

    def has(self, regex: re.Pattern, start: int, pos: int) -> bool:
        """True when ``regex`` matches inside ``text[start:pos]`` (``start`` a piece start)."""
        key = (regex, start)
        if key not in self._first:
            m = regex.search(self.text, start, self.end(start))
            self._first[key] = m.end() if m else None
        end = self._first[key]
        return end is not None and end <= pos


@lru_cache(maxsize=8)
def _delim_re(delims: str) -> re.Pattern[str]:
    """A pattern matching any one character of ``delims``."""
    return re.compile("[" + re.escape(delims) + "]")


@lru_cache(maxsize=16)
def _delims(text: str, delims: str) -> _Delims:
    return _Delims(text, delims)


def _soft_start(text: str, pos: int) -> int:
    """Index just after the last soft delimiter before ``pos``."""
    return _delims(text, _SOFT_DELIMS).start(pos)


def _hard_start(text: str, pos: int) -> int:
    """Index just after the last hard delimiter (sentence end) before ``pos``."""
    return _delims(text, _HARD_DELIMS).start(pos)


def _sent_has(text: str, regex: re.Pattern, pos: int) -> bool:
    """``regex`` matches in the sentence part before ``pos`` (``text[_hard_start(pos):pos]``)."""
    idx = _delims(text, _HARD_DELIMS)
    return idx.has(regex, idx.start(pos), pos)


_CMP_TAIL_RE = re.compile(r"(最高|最多|不超过|不超|不高于|未超过|不低于|不少于|最低|至少|均|需|须|应|要|可|在|为|达到|达|\s)+$")


def _strip_cmp(attr: str) -> str:
    """Drop trailing comparator / filler words from a left context."""
    return _CMP_TAIL_RE.sub("", attr)


def _per_from_left(pre: str) -> str | None:
    """``per`` unit named by 每… phrases in ``pre`` (joined with ·)."""
    units = []
    for m in _PER_LEFT_RE.finditer(pre):
        unit = m.group("unit")
        num = m.group("num")
        if num and num not in ("1", "一"):
            unit = f"{num}{m.group('scale') or ''}{unit}"
        units.append(unit)
    return "·".join(units) if units else None


def _per_from_prev_segment(text: str, pos: int, prev_end: int) -> str | None:
    """``per`` from a short 每… segment just before: 每增加5000只，补贴200万元."""
    seg = _soft_start(text, pos)
    if seg == 0:
        return None
    prev_seg_start = _soft_start(text, seg - 1)
    if prev_seg_start < prev_end:
        return None
    piece = text[prev_seg_start : seg - 1].strip()
    if piece.startswith("每") and len(piece) <= 14:
        return _per_from_left(piece)
    return None


_PER_SEP_RE = re.compile(r"\s*[/·]\s*")


def _norm_per(per: str | None) -> str | None:
    if not per:
        return None
    return _PER_SEP_RE.sub("·", per.strip())


# ------------------------------------------------------------------ scan --


def _scan(text: str) -> list[_Tok]:
    """All money tokens, with synthetic range-minimum tokens inserted."""
    toks: list[_Tok] = []
    if "元" not in text and "港币" not in text and "英镑" not in text:
        return toks  # every currency of :data:`CURRENCY` holds one of these
    for m in finditer_from(_MONEY_RE, _MONEY_FIRST_RE, text):
        start = m.start()
        if _INCL_PAREN_LEFT_RE.search(text, max(0, start - 6), start):
            continue  # （含100万元）restates a bound, not a new amount
        cur = m.group("cur")
        if cur == "港币":
            cur = "港元"
        value = _num_value(m.group("num"), m.group("scale"))
        tok = _Tok(start, m.end(), value, cur, _norm_per(m.group("per")))
        left = text[max(0, start - 30) : start]
        rm = _RANGE_LEFT_RE.search(left)
        if rm and value is not None:
            off = start - len(left)
            r_start, r_end_num = off + rm.start("num"), off + rm.end("num")
            popped = bool(toks) and toks[-1].start == r_start
            if popped:
                lo = toks.pop()  # "10万元—300万元": both had their own unit
            else:
                scale = rm.group("scale") or m.group("scale")
                lo_val = _num_value(rm.group("num"), scale)
                r_end = r_end_num
                if rm.group("cur"):
                    r_end = off + rm.end("cur")
                elif rm.group("scale"):
                    r_end = off + rm.end("scale")
                lo = _Tok(r_start, r_end, lo_val, cur, None)
            if lo.value is not None and lo.value <= value:
                lo.range_min_of = tok
                toks.append(lo)
            elif popped:
                toks.append(lo)  # not a range after all (降至…): keep as is
        toks.append(tok)
    return toks


# -------------------------------------------------------------- classify --


def _context(text: str, tok: _Tok, prev_end: int) -> tuple[str, str, "_SentPre", str]:
    """(pre, post, sentence_pre, sentence_pre_since_previous_amount).

    ``sentence_pre`` is a :class:`_SentPre` (the sentence before the amount,
    searched through the cached sentence index rather than copied).
    """
    seg = _soft_start(text, tok.start)
    pre = text[max(seg, prev_end) : tok.start]
    post_end = min(len(text), tok.end + 40)
    post = text[tok.end : post_end]
    hard = _hard_start(text, tok.start)
    since = text[max(hard, prev_end) : tok.start]
    return pre, post, _SentPre(text, tok.start), since


@dataclass(frozen=True)
class _SentPre:
    """The sentence before position ``pos`` of ``text``, without copying it."""

    text: str
    pos: int

    def has(self, regex: re.Pattern) -> bool:
        """``regex.search(sentence_before_pos)`` is not None."""
        return _sent_has(self.text, regex, self.pos)


def _is_condition_attr(pre_before_cmp: str) -> bool:
    a = _strip_cmp(pre_before_cmp)
    if _BENEFIT_ATTR_RE.search(a):
        return False
    return bool(_COND_ATTR_RE.search(a))


def _classify(pre: str, post: str, sent: _SentPre, since: str, whole_progressive: bool) -> str:
    """Role of a single (non-range) amount; see module docstring."""
    target = sent.has(_TARGET_RE)
    # bracket: 超过500万元的部分 / 500万元以下（包括500万元）部分 / 超额累进 bands
    if _PART_RE.match(post) or (whole_progressive and _PROGRESSIVE_AFTER_RE.match(post)):
        return "bracket"
    # step of an incremental rule: 每新增100万元奖励2万元
    if _INCREMENT_LEFT_RE.search(pre):
        return "threshold"
    capm = None
    for capm in _CAP_CUE_RE.finditer(pre):
        pass
    # suffix 以上/以下/以内
    sm = _SUFFIX_RE.match(post)
    if sm:
        if capm is not None and capm.group(1) in ("最高", "最多", "上限", "封顶"):
            return "cap"
        if sm.group(1) == "以内" and not _is_condition_attr(pre):
            return "cap"
        return "total" if target else "threshold"
    if _STRICT_CMP_RE.search(pre):
        return "total" if target else "threshold"
    if _REACH_CMP_RE.search(pre) and not _CAP_REACH_RE.search(pre):
        if target:
            return "total"
        if _COND_DE_RE.match(post) or sent.has(_CONDITION_INTRO_RE):
            return "threshold"
        return "fixed"
    if _CAP_AFTER_RE.match(post):
        return "cap"
    soft_up = _SOFT_UPPER_RE.search(pre)
    if soft_up and _is_condition_attr(pre[: soft_up.start()]):
        return "threshold"
    soft_low = _SOFT_LOWER_RE.search(pre)
    if soft_low and _is_condition_attr(pre[: soft_low.start()]):
        return "threshold"
    if _TIER_CUE_RE.search(since):
        return "tier"
    if capm is not None:
        return "cap"
    if _FLOOR_CUE_RE.search(pre):
        return "floor"
    dm = _COND_DE_RE.match(post)
    if dm and not _BENEFIT_NOUN_RE.match(dm.group("next")) and not _GIVE_RE.search(pre):
        return "total" if target else "threshold"
    if _TOTAL_CUE_RE.search(pre) or _TOTAL_AFTER_RE.match(post):
        return "total"
    return "fixed"


#: Between two amounts of one list: 、/和/或 (after an optional bracket), or （按季…
_LIST_GAP_RE = re.compile(r"\s*+(?:[（(][^）)]{0,8}[）)])?\s*+(?:、|和|或|及|与|或者)\s*+")
_PER_PERIOD_GAP_RE = re.compile(r"\s*+[（(]\s*+按[\u4e00-\u9fff]{1,2}\s*+")


def _is_list_continuation(text: str, prev: _Tok | None, tok: _Tok) -> bool:
    if prev is None:
        return False
    gap = text[prev.end : tok.start]
    return bool(_LIST_GAP_RE.fullmatch(gap)) or bool(_PER_PERIOD_GAP_RE.fullmatch(gap))


def extract_amounts(text: str) -> list[Amount]:
    """Every money amount in 元 in ``text`` with its role (金额及其角色).

    Returns :class:`~huiqi.extract.types.Amount` objects in text order;
    ``value_yuan`` is yuan as float (``500万元`` → 5e6), ``text`` is
    ``text[start:end]``. Roles: ``fixed``, ``cap`` (最高/不超过/上限),
    ``floor`` (不低于/最低), ``per_unit`` (每亩…, …元/吨; ``per`` names the
    unit, several joined by ``·``: 每人每年 → ``人·年``), ``tier`` (分别给予
    A、B、C and step tables with a numeric condition per step), ``range_min``
    / ``range_max`` (10万元—300万元; ``300—500元`` lets 300 inherit 元),
    ``threshold`` (money as a condition: 投资2000万元及以上, 低于100万元),
    ``bracket`` (超额累进 bands, …的部分), ``total`` (budgets, pools, statistics
    and targets). Cap/floor/fixed/tier amounts also carry ``per`` when the
    text names one (每年最高500万元 → cap, per ``年``).

    Not returned: restatements inside （含100万元）, other currencies (美元),
    quantities such as 万亩/万吨 (no 元). Never raises.
    """
    if not text:
        return []
    return [Amount(*fields) for fields in _amount_fields(text)]


@lru_cache(maxsize=256)
def _amount_fields(text: str) -> tuple[tuple, ...]:
    """The fields of every :class:`Amount` of :func:`extract_amounts` as tuples.

    Memoised on the exact text: the clause pipeline, the threshold extractor
    (which needs the roles) and the rule extractor read the same text in
    turn. Tuples, so the cached result cannot be changed by a caller; every
    call of :func:`extract_amounts` builds new :class:`Amount` objects.
    """
    work = to_halfwidth(text)
    toks = _scan(work)
    whole_progressive = "超额累进" in work
    out: list[tuple[_Tok, str]] = []
    prev: _Tok | None = None
    prev_role = ""
    for tok in toks:
        if tok.range_min_of is not None:
            prev = tok
            continue  # classified together with its maximum
        prev_end = prev.end if prev is not None else 0
        pre, post, sent, since = _context(work, tok, prev_end)
        per = tok.per_after or _norm_per(_per_from_left(pre) or _per_from_prev_segment(work, tok.start, prev_end))
        lo = prev if (prev is not None and prev.range_min_of is tok) else None
        if prev is not None and prev.increment and _soft_start(work, tok.start) <= prev.start:
            per = per or work[prev.start : prev.end]  # 每新增100万元奖励2万元
        if lo is not None:
            lo_pre, _, lo_sent, lo_since = _context(work, lo, out[-1][0].end if out else 0)
            per = tok.per_after or _norm_per(_per_from_left(lo_pre))
            role = _classify(lo_pre, post, lo_sent, lo_since, whole_progressive)
            if role in ("threshold", "bracket", "tier"):
                lo.role = tok.role = role
            else:
                lo.role, tok.role = "range_min", "range_max"
            lo.per = tok.per = per
            out.append((lo, lo.role))
            out.append((tok, tok.role))
        elif _is_list_continuation(work, prev, tok) and prev_role:
            tok.role = prev_role if prev_role not in ("range_min", "range_max") else "fixed"
            tok.per = tok.per_after or (prev.per if prev is not None else None) or per
            out.append((tok, tok.role))
        else:
            role = _classify(pre, post, sent, since, whole_progressive)
            tok.increment = bool(_INCREMENT_LEFT_RE.search(pre))
            if role in ("threshold", "floor") and sent.has(_TARGET_RE):
                role = "total"  # 力争…规模不低于100亿元 is a target, not a condition
            if role == "fixed" and per:
                role = "per_unit"
            tok.role, tok.per = role, per
            out.append((tok, role))
        prev, prev_role = tok, tok.role
    _step_tiers(work, [t for t, _ in out])
    result = []
    for tok, _ in out:
        if tok.currency != "元" or tok.value is None:
            continue
        result.append((tok.value, tok.role, text[tok.start : tok.end], tok.start, tok.end, tok.per))
    return tuple(result)


#: Characters before a benefit searched for its step condition (…10万亩以上的，…).
_STEP_WINDOW = 120


def _step_tiers(text: str, toks: list[_Tok]) -> None:
    """Turn ``fixed`` benefits of a step table into ``tier`` (in place).

    A step table is ≥2 sentences/segments that each state a numeric
    condition (…10万亩以上的…) and then one fixed benefit amount.
    """
    cands = []
    for t in toks:
        if t.role != "fixed":
            continue
        hard = _hard_start(text, t.start)
        # this piece and the one before, at most _STEP_WINDOW characters back
        seg_start = max(hard, _soft_start(text, _soft_start(text, t.start) - 1), t.start - _STEP_WINDOW)
        local = text[seg_start : t.start]
        if _NUMERIC_COND_RE.search(local) or _NUMERIC_COND_RE.search(text[max(hard, t.start - 40) : t.start]):
            cands.append(t)
    if len(cands) >= 2:
        for t in cands:
            t.role = "tier"


# ----------------------------------------------------------------- rates --

_RATE_RE = re.compile(
    rf"(?:(?<![\d.])\d+(?:\.\d+)?\s*%\s*(?:{RANGE_SEP}\s*\d+(?:\.\d+)?\s*%)?"
    rf"|(?<![\d.])\d+(?:\.\d+)?\s*{RANGE_SEP}\s*\d+(?:\.\d+)?\s*%"
    rf"|百分之[零〇一二两三四五六七八九十点.\d]+)"
)
#: Every character a :data:`_RATE_RE` match can start with (a digit, 百分之).
_RATE_FIRST_RE = re.compile(r"[\d百]")
_RATE_ANCHOR_RE = re.compile(
    r"(按照|按|减按|超额累进|分别|再|由|降至|降到|下调为|下调至|提高到|提高至|不超过|不高于|不低于|不少于|最高|达到|低于|高于|超过|占|的)"
)


def extract_rates(text: str) -> list[Span]:
    """Percentages and rate expressions (比例/费率/利率), one Span per rate.

    Covers ``10%``, ``0.5%``, ``百分之三``, ranges ``10%～20%`` / ``10—20%``
    (one span), with a little left context inside the same clause piece:
    from the nearest anchor word (按/按照/减按/超额累进/的/不超过 …, within
    20 characters) or else up to 8 characters back — e.g.
    ``按设备投资总额的10%``, ``减按50%``, ``超额累进5%``. Spans index
    ``text``. Never raises.
    """
    if not text:
        return []
    work = to_halfwidth(text)
    out: list[Span] = []
    if "%" not in work and "百分之" not in work:
        return out  # every match of :data:`_RATE_RE` holds one of these
    for m in finditer_from(_RATE_RE, _RATE_FIRST_RE, work):
        s, e = m.start(), m.end()
        seg = max(_soft_start(work, s), out[-1].end if out else 0)
        window_start = max(seg, s - 20)
        window = work[window_start:s]
        start = max(seg, s - 8)
        best = None
        for am in _RATE_ANCHOR_RE.finditer(window):
            if am.group(1) == "的" and best is not None:
                continue  # prefer 按…的 to a bare 的
            best = am
        if best is not None:
            start = window_start + best.start()
            if best.group(1) == "的":
                start = max(seg, start - 6)
        out.append(Span(text[start:e], start, e))
    return out
