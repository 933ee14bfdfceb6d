"""Dates, issue dates and periods of validity (日期、印发日期、有效期).

Input is normalised text (full-width digits half-width, no spaces between
digits and CJK, full-width ``，；：（）``); patterns still tolerate stray
spaces. All dates are ``datetime.date``.

Why own regexes and not only jionlp (``jio.parse_time`` / ``jio.ner.extract_time``);
each point is pinned by a test in ``tests/extract/test_dates.py``:

* ``jio.ner.extract_time`` costs ~6 ms per paragraph, i.e. ~90 s for a
  15k-paragraph corpus; the regex scan here takes well under a second.
* ``jio.parse_time`` resolves open phrases against ``time_base`` ("now"):
  ``2022年1月1日后`` becomes a span ending today or at ``inf``,
  ``至2025年12月31日`` a span starting today; a policy text needs the phrase
  kind (eligibility cut-off vs. validity), not a span anchored on today.
* ``2025年底`` comes back as a fuzzy Nov–Dec span, ``补贴至2025年`` as the
  whole of 2025 (the ``至`` is lost).
* OCR's ``○`` (U+25CB) in ``二○二二年`` is read as 1922, ``廿`` drops the
  day, spaced ``2022 年 5 月 20 日`` is read as the whole year.

jionlp is kept as the last fallback of :func:`parse_date` for formats the
regexes do not know; it is imported lazily with its stdout banner silenced.
"""

from __future__ import annotations

import calendar
import contextlib
import io
import re
from bisect import bisect_left
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from huiqi.extract.types import Span, Validity
from huiqi.structure.signals import _SELF, is_closing_clause  # noqa: F401  (re-exported: a closing clause is a structural signal)

# --- date fragments ------------------------------------------------------------

_CN_VALUES = {
    "〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2,
    "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_YEAR = r"(?:19|20)\d{2}|[一二][〇○零OＯ一二三四五六七八九]{3}"
_MD = r"\d{1,2}|[一二三四五六七八九十廿卅]{1,3}"

# A calendar expression: year, optional month, optional day, optional 底/末/初.
_PERIOD = re.compile(
    rf"(?P<y>{_YEAR})\s*年(?:\s*(?P<m>{_MD})\s*月(?:\s*(?P<d>{_MD})\s*[日号])?)?"
    r"(?P<suf>底|末|初)?"
)
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)")
_FULLWIDTH = str.maketrans("０１２３４５６７８９－．／", "0123456789-./")

# Arabic-digit fragment used by the validity scanner (text is normalised).
_D = r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?(?:底|末)?"
_SEP = r"\s*(?:至|到|—+|–+|-+|－+|~|～)\s*"


def _cn_int(s: str) -> int | None:
    """Value of a small Arabic or Chinese numeral (``12``, ``十二``, ``廿一``, ``二〇二二``)."""
    if s.isdigit():
        return int(s)
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_VALUES.get(head, None) if head else 1
        ones = _CN_VALUES.get(tail, None) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    digits = [_CN_VALUES.get(ch) for ch in s]
    if any(d is None for d in digits):
        return None
    value = 0
    for d in digits:
        value = value * 10 + d
    return value


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _period_of(m: re.Match) -> tuple[date, date] | None:
    """(first day, last day) named by a :data:`_PERIOD` match, or ``None`` if invalid."""
    y = _cn_int(m.group("y"))
    mo = _cn_int(m.group("m")) if m.group("m") else None
    d = _cn_int(m.group("d")) if m.group("d") else None
    suf = m.group("suf")
    try:
        if mo is None:
            if suf in ("底", "末"):
                return date(y, 12, 1), date(y, 12, 31)
            return date(y, 1, 1), date(y, 12, 31)
        if d is None:
            if suf in ("底", "末"):
                end = _month_end(y, mo)
                return end, end
            return date(y, mo, 1), _month_end(y, mo)
        day = date(y, mo, d)
        return day, day
    except (TypeError, ValueError):
        return None


def parse_period(s: str) -> tuple[date, date] | None:
    """First calendar expression in ``s`` as (first day, last day).

    ``2025年`` → (2025-01-01, 2025-12-31); ``2025年7月`` → (07-01, 07-31);
    ``2025年底`` → (2025-12-01, 2025-12-31); ``2025年6月底`` → (06-30, 06-30);
    ``2022年5月20日`` → (05-20, 05-20). Chinese numerals are accepted
    (``二〇二二年五月二十日``). Returns ``None`` when there is none or it is
    not a real date (``2025年2月30日``).
    """
    m = _PERIOD.search(s.translate(_FULLWIDTH))
    return _period_of(m) if m else None


_jio = None


def _jionlp():
    """jionlp, imported once with its stdout banner suppressed."""
    global _jio
    if _jio is None:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp  # noqa: PLC0415 (slow import, only when needed)
        _jio = jionlp
    return _jio


def parse_date(s: str) -> date | None:
    """The first date in ``s`` (one day, month precision at least).

    Handles ``2022年5月20日``, ``2025年7月`` (→ the 1st), ``2022-04-25``,
    ``2025/6/8``, ``2025.6.8``, Chinese numerals ``二〇二二年五月二十日`` /
    ``二○二二年五月廿日``, stray spaces, and surrounding text
    (``2022年5月20日印发``, ``（2025年2月26日）``). A bare year (``2025年``) is
    not a date: ``None``. Formats these rules do not know fall back to
    ``jio.parse_time`` (only accepted when it names a single day or month).
    Returns ``None`` for invalid dates (``2025年2月30日``); never raises.
    """
    if not s:
        return None
    t = s.translate(_FULLWIDTH)
    for m in _PERIOD.finditer(t):
        if m.group("m"):
            p = _period_of(m)
            return p[0] if p else None
    m = _ISO.search(t)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    t = t.strip()
    if not t or len(t) > 30 or not re.search(r"\d|[〇○零一二三四五六七八九十]", t):
        return None
    try:
        res = _jionlp().parse_time(t, time_base=0)
    except Exception:  # jionlp raises ValueError and others on odd strings
        return None
    if res.get("type") != "time_point" or res.get("definition") != "accurate":
        return None
    try:
        first = date.fromisoformat(res["time"][0][:10])
        last = date.fromisoformat(res["time"][1][:10])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return first if (last - first).days <= 31 else None


# --- issue date (印发日期) -------------------------------------------------------

_DATE_TEXT = (
    rf"(?:{_YEAR})\s*年\s*(?:{_MD})\s*月(?:\s*(?:{_MD})\s*[日号])?"
    r"|(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
)
_ISSUE_ONLY = re.compile(
    rf"^\s*[（(\[]?\s*(?P<date>{_DATE_TEXT})\s*[）)\]]?\s*(?:印发|发布|印制|制发|签发|通过)?\s*"
    # legal databases print the number after the date: 2006年10月26日 财建〔2006〕689号
    r"(?:[（(]?[\u4e00-\u9fff]{1,15}〔\d{4}〕\d{1,5}号[）)]?\s*)?$"
)
_ISSUE_TAIL = re.compile(rf"(?P<date>{_DATE_TEXT})\s*(?:印发|发布|印制|制发)\s*$")
# the signature date right before the disclosure note, anywhere in a run-on line:
# …办公室2021年1月24日（此件公开发布）
# a signature glued into a run-on line: …鄂尔多斯市人民政府2024年4月29日国家碳达峰试点…
_ISSUE_SIGNED = re.compile(
    rf"(?:人民政府|政府|办公厅|办公室|委员会|行政公署|[厅局委])\s*(?P<date>{_DATE_TEXT})"
    r"(?![\d日号])(?!\s*(?:起|以来|以前|以后|前|后|至|到|之|止|开始|期间|以|的|印发|发布|第|召开|审议|会议))"
)
_ISSUE_DISCLOSED = re.compile(rf"(?P<date>{_DATE_TEXT})\s*[（(]\s*此件(?:公开发布|主动公开|依申请公开|不予?公开)")


class LineSpan(NamedTuple):
    """Where a date was found: index into the list of lines, char offsets in that line."""

    line: int
    start: int
    end: int


def _issue_match(line: str, allow_tail: bool) -> tuple[date, int, int] | None:
    m = _ISSUE_ONLY.match(line) or (_ISSUE_TAIL.search(line) if allow_tail else None) or \
        _ISSUE_DISCLOSED.search(line)
    if not m:
        return None
    d = parse_date(m.group("date"))
    return (d, m.start("date"), m.end("date")) if d else None


def find_issue_date(
    lines: list[str], tail: int = 8, head: int = 8
) -> tuple[date, LineSpan] | None:
    """Issue date (印发日期 / 成文日期) of one document from its line texts.

    Rule (GB/T 9704 layout): the date closes the document, on a line of its
    own (``2025年6月8日``, ``(2025年2月26日)``, ``2025年7月``) or in the
    imprint line ``…2022年5月20日印发``. The last ``tail`` non-blank lines are
    searched from the end and the last such line wins. If none is found, the
    first ``head`` non-blank lines are searched for a date-only line (the
    cover page of a compilation: issuer lines then ``2025年7月``), and last
    a signature glued into a run-on line among them
    (``…鄂尔多斯市人民政府2024年4月29日国家碳达峰…``). Month-only dates give
    the 1st. Returns ``(date, LineSpan(line_index, start, end))``
    with offsets into ``lines[line_index]``, or ``None``.
    """
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i].strip():
            continue
        seen += 1
        if seen > tail:
            break
        hit = _issue_match(lines[i], allow_tail=True)
        if hit:
            return hit[0], LineSpan(i, hit[1], hit[2])
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > head:
            break
        hit = _issue_match(line, allow_tail=False)
        if hit:
            return hit[0], LineSpan(i, hit[1], hit[2])
    # last resort: a signature glued into a run-on first line (web text without breaks)
    for i, line in enumerate(lines[:head]):
        m = _ISSUE_SIGNED.search(line)
        if m:
            d = parse_date(m.group("date"))
            if d:
                return d, LineSpan(i, m.start("date"), m.end("date"))
    return None


# --- title period ----------------------------------------------------------------

_TITLE_RANGE = re.compile(
    rf"[（(]\s*((?:19|20)\d{{2}})\s*年?{_SEP}((?:19|20)\d{{2}})\s*年?\s*[）)]"
    rf"|((?:19|20)\d{{2}})\s*年?{_SEP}((?:19|20)\d{{2}})\s*年"
)
_TITLE_YEAR = re.compile(r"[（(]\s*((?:19|20)\d{2})\s*年\s*[）)]")


def title_period(title: str) -> tuple[date | None, date | None]:
    """Period named in a title (标题年限): ``（2024—2027年）`` → (2024-01-01, 2027-12-31).

    Accepts any dash or ``至``/``到`` between the years, with or without
    brackets (``行动计划（2022-2025年）``, ``三年成长计划（2023—2025）``) and a
    bracketed single year ``（2024年）`` → that whole year. Version years
    (``（2021年版）``) and reversed ranges are ignored: ``(None, None)``.
    """
    m = _TITLE_RANGE.search(title or "")
    if m:
        y1 = int(m.group(1) or m.group(3))
        y2 = int(m.group(2) or m.group(4))
        if y1 <= y2:
            return date(y1, 1, 1), date(y2, 12, 31)
        return None, None
    m = _TITLE_YEAR.search(title or "")
    if m:
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    return None, None


# --- validity (有效期) --------------------------------------------------------------

_PREFILTER = re.compile(r"\d{4}\s*年|之日起|有效期|试行|暂定|长期")

_LABEL = (
    r"(?:政策执行期限|执行期限|执行时间|执行期|实施期限|实施时间|实施期|试点期限|试点时间|"
    r"试点期|试行期限|试行期|有效期限|有效期|政策期限)"
)
_SENTENCE_END = re.compile(r"[。；！？\n]")
_CLAUSE_BOUNDARY = "，,。；;：:\n"
_ENUM_BEFORE = re.compile(r"(?:^|[\n。；）)])\s*[（(]?(?:\d{1,3}|[一二三四五六七八九十]{1,3})[、.．)）]\s*$")

_WINDOW = re.compile(
    rf"(?P<label>{_LABEL}(?:暂定|暂|统一)?(?:为|是|：|:)?\s*)?(?P<pre>[自从])?\s*"
    rf"(?P<a>{_D}|(?:19|20)\d{{2}})\s*(?:起)?{_SEP}(?P<b>{_D})\s*(?:止|为止)?"
)
_END_LABELLED = re.compile(
    rf"{_LABEL}\s*(?:延长|延续|顺延)?(?:为)?\s*(?:至|到)\s*(?P<b>{_D})\s*(?:止|为止)?"
)
_END_VERB = re.compile(
    r"(?:补贴|补助|奖补|执行|实施|施行|延续|延长|顺延|享受|减免|优惠|政策|试行|征收|返还|发放)"
    rf"[^，。；\d截]{{0,6}}?至\s*(?P<b>{_D})\s*(?:止|为止)?"
    rf"|(?:延续|延长|顺延)(?:实施|执行)?到\s*(?P<b2>{_D})\s*(?:止|为止)?"
)
_START = re.compile(
    rf"(?:[自从]\s*)?(?P<a>{_D})\s*(?:起|开始)\s*(?:正式)?(?:施行|实施|执行|试行|生效|启用)(?!的)"
)
# 自2025年1月1日起，… opening a clause: the rule that follows starts then.
_START_CLAUSE = re.compile(rf"[自从]\s*(?P<a>{_D})\s*起\s*(?=[，,])")
_REL_START = re.compile(
    r"(?:自|从)\s*(?:本[\u4e00-\u9fff]{0,8}?)?(?:发布|印发|公布|颁布|发文|下发|出台)之日起\s*"
    r"(?:(?P<n>\d+|[一二两三四五六七八九十百]+)\s*(?:日|天)后\s*)?(?:开始)?(?:正式)?"
    r"(?:施行|实施|执行|试行|生效)"
)
_DURATION = re.compile(
    r"(?:(?:有效期|试行期|实施期|执行期|试点期)(?:限)?(?:暂定)?(?:为|是)?|暂定|(?<=试行))\s*"
    r"(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?:个)?\s*(?P<unit>年|月)(?![\d底末初])"
)
_LONG_TERM = re.compile(r"长期(?:执行|有效|实施|施行)")


@dataclass
class _Cand:
    """One validity phrase found in the text."""

    kind: str  # window | end | start | relstart | duration | longterm
    prio: int
    pos: int
    end_pos: int
    start: date | None = None
    end: date | None = None
    relative: str | None = None
    days: int = 0  # relstart: days after issue
    dur: tuple[int, str] | None = None  # duration: (n, "年"|"月")


@lru_cache(maxsize=16)
def _sentence_ends(text: str) -> list[int]:
    """Sorted positions of the sentence delimiters 。；！？ and line breaks of ``text``."""
    return [m.start() for m in _SENTENCE_END.finditer(text)]


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(a, b)``: the sentence (between 。；！？ or line breaks) around
    ``text[start:end]``, found by binary search (a backward scan per phrase
    made validity extraction quadratic on long sentences)."""
    ends = _sentence_ends(text)
    i = bisect_left(ends, start)
    a = ends[i - 1] + 1 if i else 0
    j = bisect_left(ends, end)
    b = ends[j] if j < len(ends) else len(text)
    return a, b


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence (between 。；！？ or line breaks) around ``text[start:end]``."""
    a, b = _sentence_span(text, start, end)
    return text[a:b]


@lru_cache(maxsize=4096)
def _self_ref_in(text: str, a: int, b: int) -> bool:
    return bool(_SELF.search(text[a:b]))


def _self_ref(text: str, start: int, end: int) -> bool:
    """The sentence around the phrase names this document itself (本政策…); cached per sentence."""
    return _self_ref_in(text, *_sentence_span(text, start, end))


def _clause_start(text: str, pos: int) -> bool:
    """True when ``pos`` begins a clause: text start, after ，。；： or an enumerator."""
    j = pos
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if j == 0 or text[j - 1] in _CLAUSE_BOUNDARY:
        return True
    return bool(_ENUM_BEFORE.search(text, max(0, j - 12), j))


def _clause_follows(text: str, pos: int) -> str | None:
    """What follows a window: ``boundary``, ``verb`` (执行/实施…) or ``None``."""
    rest = text[pos : pos + 8].lstrip()
    if rest.startswith(("期间", "以内")):
        rest = rest[2:].lstrip()
    if not rest or rest[0] in _CLAUSE_BOUNDARY:
        return "boundary"
    if re.match(r"(?:执行|实施|施行|有效|试行)", rest):
        return "verb"
    return None


# 有效期 of a certificate, licence, contract … is not the policy's validity.
_OTHER_VALIDITY = re.compile(
    r"证书?|资格|认定|许可|执照|资质|备案|登记|协议|合同|贷款|担保|授信|专利|商标|批复|批文"
)


def _about_other_thing(text: str, pos: int) -> bool:
    """True when the label at ``pos`` belongs to a certificate or contract (证书有效期…)."""
    return bool(_OTHER_VALIDITY.search(text, max(0, pos - 6), pos))


def _cn_count(s: str) -> int | None:
    return _cn_int(s) if s else None


def _window_dates(m: re.Match) -> tuple[date, date] | None:
    a, b = m.group("a"), m.group("b")
    pb = parse_period(b)
    if pb is None:
        return None
    if "年" not in a:  # bare first year of 2022—2025年: the second must be a bare year too
        if "月" in b:
            return None
        return date(int(a), 1, 1), pb[1]
    pa = parse_period(a)
    if pa is None or pa[0] > pb[1]:
        return None
    return pa[0], pb[1]


class _Taken:
    """Spans already used by :func:`_scan`, kept sorted and non-overlapping
    (every span is either free when added or from the same finditer as the
    others), so "free?" is a binary search instead of a scan of all of them."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def append(self, span: tuple[int, int]) -> None:
        """Record ``span`` = ``(start, end)``."""
        i = bisect_left(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])

    def free(self, s: int, e: int) -> bool:
        """Whether ``[s, e)`` overlaps no recorded span."""
        i = bisect_left(self.starts, e)  # spans starting before e
        if i == 0:
            return True
        # non-overlapping spans sorted by start have sorted ends: the last one decides
        return not (self.ends[i - 1] > s)


def _scan(text: str) -> tuple[list[_Cand], list[tuple[int, int, date, date, str]]]:
    """Validity candidates, and windows that read as conditions (在…之间) or periods."""
    cands: list[_Cand] = []
    between: list[tuple[int, int, date, date, str]] = []
    taken = _Taken()
    free = taken.free

    def add(c: _Cand) -> None:
        cands.append(c)
        taken.append((c.pos, c.end_pos))

    for m in _WINDOW.finditer(text):
        dates = _window_dates(m)
        if dates is None:
            continue
        s = m.start() if not m.group("label") else m.start("label")
        if m.group("label") and _about_other_thing(text, s):
            taken.append((m.start(), m.end()))
            continue
        if m.group("label"):
            prio = 5 if _self_ref(text, s, m.end()) else 4
        else:
            follows = _clause_follows(text, m.end())
            if follows == "verb" or (follows and _clause_start(text, m.start())):
                prio = 5 if follows == "verb" and _self_ref(text, s, m.end()) else 3
            else:
                bracketed = (m.start() > 0 and text[m.start() - 1] in "（(") and text[
                    m.end() : m.end() + 1
                ] in ("）", ")")
                kind = "period" if bracketed else "between"
                between.append((m.start(), m.end(), dates[0], dates[1], kind))
                taken.append((m.start(), m.end()))
                continue
        add(_Cand("window", prio, s, m.end(), dates[0], dates[1]))

    for m in _END_LABELLED.finditer(text):
        p = parse_period(m.group("b"))
        if p and free(m.start(), m.end()) and not _about_other_thing(text, m.start()):
            prio = 5 if _self_ref(text, m.start(), m.end()) else 4
            add(_Cand("end", prio, m.start(), m.end(), end=p[1]))
    for m in _END_VERB.finditer(text):
        p = parse_period(m.group("b") or m.group("b2"))
        if p and free(m.start(), m.end()):
            add(_Cand("end", 2, m.start(), m.end(), end=p[1]))
    for m in _START.finditer(text):
        p = parse_period(m.group("a"))
        if p and free(m.start(), m.end()):
            prio = 5 if _self_ref(text, m.start(), m.end()) else 3
            add(_Cand("start", prio, m.start(), m.end(), start=p[0]))
    for m in _START_CLAUSE.finditer(text):
        p = parse_period(m.group("a"))
        if p and free(m.start(), m.end()) and _clause_start(text, m.start()):
            prio = 5 if _self_ref(text, m.start(), m.end()) else 3
            add(_Cand("start", prio, m.start(), m.end(), start=p[0]))
    for m in _REL_START.finditer(text):
        if free(m.start(), m.end()):
            prio = 5 if _self_ref(text, m.start(), m.end()) else 4
            days = _cn_count(m.group("n")) or 0
            add(_Cand("relstart", prio, m.start(), m.end(), relative=m.group(0), days=days))
    for m in _DURATION.finditer(text):
        n = _cn_count(m.group("n"))
        if n and free(m.start(), m.end()) and not _about_other_thing(text, m.start()):
            prio = 5 if _self_ref(text, m.start(), m.end()) else 4
            add(_Cand("duration", prio, m.start(), m.end(), relative=m.group(0),
                      dur=(n, m.group("unit"))))
    for m in _LONG_TERM.finditer(text):
        if free(m.start(), m.end()):
            prio = 5 if _self_ref(text, m.start(), m.end()) else 3
            add(_Cand("longterm", prio, m.start(), m.end(), relative="长期"))
    cands.sort(key=lambda c: (-c.prio, c.pos))
    return cands, between


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _select(cands: list[_Cand]) -> list[_Cand]:
    """The candidates that make up the validity (see :func:`extract_validity`)."""
    best = cands[0]
    used = [best]
    if best.kind in ("start", "relstart"):
        for c in cands[1:]:
            if (c.kind in ("end", "duration") and c.prio >= 4) or (
                c.kind == "window" and best.start is not None and c.start == best.start
            ):
                used.append(c)
                break
    elif best.kind in ("end", "duration"):
        for c in cands[1:]:
            if c.kind in ("start", "relstart") and c.prio >= 4:
                used.append(c)
                break
    return used


def extract_validity(text: str, issued: date | None = None) -> Validity:
    """Period of validity (有效期 / 执行期限) stated in ``text``.

    Phrases recognised (priority in brackets, higher wins):

    * self-referential clauses, i.e. any phrase below in a sentence naming
      the text itself (``本政策/本办法/本公告/本清单…``) [5];
    * durations after 试行 / 暂定 (``自2023年1月1日起试行2年``, ``暂定三年``) [4];
    * labelled windows and ends: ``执行期限至2025年12月31日``,
      ``有效期至…``, ``执行时间为2022—2025年``, ``试点期限暂定为2022年至2024年``,
      ``政策执行期限延长至2023年4月30日``; relative starts
      ``自发布之日起执行`` / ``自印发之日起施行`` / ``自发布之日起30日后施行``;
      durations ``有效期两年`` / ``试行期一年`` [4];
    * windows that open a clause and are followed by ``，``/``。`` or a verb
      (``自2021年1月1日至2025年12月31日，对…``, ``2022年1月1日至2024年12月31日，对…``,
      ``从2024年到2026年，``); start dates ``自2024年11月1日起施行``;
      ``长期执行`` (``relative='长期'``, no end) [3];
    * a verb running to a date: ``补贴至2025年`` (→ 2025-12-31),
      ``…费率政策至2025年底`` [2].

    Not validity (see :func:`extract_date_conditions`): eligibility cut-offs
    (``对2022年1月1日后获得…``, ``2019年以后``, ``应在A至B之间``, ``在A至B期间新购置``),
    targets (``力争2024年``, ``到2025年底``), deadlines (``2025年底前``),
    statistics (``截至…``), and repeal dates (``自…起废止/停止执行``).

    Rule for several phrases: the highest priority wins, ties go to the
    earliest. A winning start (``…起施行``) takes its end from the first
    labelled end or duration [≥4], or from a window with the same start; a
    winning end or duration takes its start from the first start of
    priority ≥4. Windows stand alone. Bare year ends run to 31 Dec, month
    ends to the month's last day.

    Relative rules are kept verbatim in ``relative`` (joined by ``；``) and
    resolved when ``issued`` (印发日期) is given: ``自发布之日起…`` → start =
    ``issued`` (+ N days for ``…N日后施行``); ``有效期N年`` / ``试行期N年`` /
    ``N个月`` → end = anchor + N years/months − 1 day, where the anchor is the
    start if known, else ``issued`` (which then also becomes the start).
    ``basis`` is the verbatim text of the phrases used (one stretch of text
    when they share a sentence), ``spans`` their :class:`Span` in ``text``.
    Returns an empty :class:`Validity` when nothing is found; never raises.
    """
    if not text or not _PREFILTER.search(text):
        return Validity()
    cands, _ = _scan(text)
    if not cands:
        return Validity()
    used = _select(cands)
    v = Validity()
    rels: list[str] = []
    duration: tuple[int, str] | None = None
    for c in used:
        if c.kind == "window":
            v.start, v.end = c.start, c.end
        elif c.kind == "start":
            v.start = c.start
        elif c.kind == "end":
            v.end = c.end
        elif c.kind == "relstart":
            rels.append(c.relative)
            if issued is not None and v.start is None:
                v.start = issued + timedelta(days=c.days)
        elif c.kind == "duration":
            rels.append(c.relative)
            duration = c.dur
        elif c.kind == "longterm":
            rels.append("长期")
    if duration and v.end is None:
        anchor = v.start or issued
        if anchor is not None:
            n, unit = duration
            months = n * 12 if unit == "年" else n
            v.end = _add_months(anchor, months) - timedelta(days=1)
            v.start = v.start or anchor
    v.relative = "；".join(rels) if rels else None
    spans = sorted((Span(text[c.pos : c.end_pos], c.pos, c.end_pos) for c in used),
                   key=lambda s: s.start)
    v.spans = spans
    lo, hi = spans[0].start, spans[-1].end
    if len(spans) == 1 or not _SENTENCE_END.search(text, lo, hi):
        v.basis = text[lo:hi]
    else:
        v.basis = "…".join(s.text for s in spans)
    return v


# --- date conditions ------------------------------------------------------------------

_AFTER = re.compile(
    rf"(?P<a>{_D})\s*(?:[（(]含[）)])?\s*(?:以后|之后|后|起)(?!\s*(?:施行|实施|执行|试行|生效|停止|废止|失效))"
)
_BEFORE = re.compile(
    rf"(?P<a>{_D})\s*(?:[（(]含[）)])?\s*(?:以前|之前|前)"
    rf"|截止(?:日期|期限|时间)?(?:为|是|：|:)?\s*(?P<c>{_D})"
)
_TARGET = re.compile(rf"(?:力争|争取|预计|目标|到)\s*(?:在\s*)?(?P<a>{_D})")


def extract_date_conditions(text: str) -> list[tuple[str, date | None, date | None, Span]]:
    """Dates that are conditions or targets, not validity (日期条件、目标年份).

    Returns ``(kind, start, end, span)`` tuples in text order:

    * ``after``: ``对2022年1月1日后获得…``, ``2019年以后``, ``2022年（含）以后``
      → (first day, ``None``);
    * ``before``: ``2025年底前``, ``政策受理截止期限为2022年12月31日`` →
      (``None``, last day);
    * ``between``: windows inside a sentence such as
      ``应在2024年1月1日至2025年12月31日之间`` or ``在…期间新购置`` →
      (first day, last day);
    * ``period``: a bracketed year range inside a sentence, usually a cited
      plan's title (``…实施方案（2021-2025年）》``) → (first day, last day);
    * ``target``: ``力争2024年…``, ``到2025年底``, ``到2030年`` →
      (``None``, last day of that period).

    Phrases already read as validity by :func:`extract_validity` are not
    repeated. Never raises.
    """
    if not text or not re.search(r"\d{4}\s*年", text):
        return []
    cands, between = _scan(text)
    taken = [(c.pos, c.end_pos) for c in cands] + [(a, b) for a, b, *_ in between]
    out: list[tuple[str, date | None, date | None, Span]] = [
        (kind, s, e, Span(text[a:b], a, b)) for a, b, s, e, kind in between
    ]

    def free(s: int, e: int) -> bool:
        return not any(s < b and a < e for a, b in taken)

    for kind, rx in (("after", _AFTER), ("before", _BEFORE), ("target", _TARGET)):
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            frag = m.group("a") if m.group("a") else m.group("c")
            p = parse_period(frag)
            if p is None:
                continue
            if kind == "after":
                out.append((kind, p[0], None, Span(m.group(0), m.start(), m.end())))
            else:
                out.append((kind, None, p[1], Span(m.group(0), m.start(), m.end())))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda t: t[3].start)
    return out


# --- closing clause ----------------------------------------------------------------------
