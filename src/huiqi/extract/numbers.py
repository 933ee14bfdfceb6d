"""Parsing of written numbers and money (数字、金额解析).

Shared by :mod:`huiqi.extract.money` and :mod:`huiqi.extract.thresholds`.

Inputs are short strings such as ``500``, ``1.5``, ``5,000``, ``两千``,
``1千``, ``百分之三`` (numbers) or ``500万元``, ``1.2亿元``, ``两千万元``
(money). Arabic numerals are parsed by our own code (fast, and cn2an rejects
``5,000``); Chinese numerals go through ``cn2an`` (``smart`` mode, which also
takes mixed forms like ``1千``); ``jionlp.parse_money`` is the fallback for
money strings our grammar does not cover. Full-width digits and spaces are
tolerated: they are normalised locally before parsing.

:func:`finditer_from` is the scan the extractors share for patterns that
open with a lookbehind (amounts, rates, thresholds, phone numbers, benefit
verbs): the pattern is tried only where a match can start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache


#: Full-width → half-width for digits, letters and the ASCII signs used in
#: numbers. One character to one character, so offsets are preserved.
FULLWIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
FULLWIDTH_TABLE.update({0x3000: 0x20})
# Keep Chinese clause punctuation as is: only the characters that can be part
# of a number are mapped (digits, letters, ．, ％, －, ／, ＋, ＜, ＞, ＝).
for _c in "，；：（）！？":
    FULLWIDTH_TABLE.pop(ord(_c), None)
#: Any character :data:`FULLWIDTH_TABLE` maps: most texts (already normalised)
#: hold none, and a character-class search costs far less than a
#: dict-driven ``str.translate`` over every character.
_FULLWIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(FULLWIDTH_TABLE)) + "]")

#: Multipliers of the scale characters (数位) used after Arabic numerals.
SCALES = {
    "十": 10.0,
    "百": 100.0,
    "千": 1e3,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "万亿": 1e12,
}

#: Chinese digits and scale characters (中文数字).
CN_DIGITS = "零〇一二两三四五六七八九"
CN_UNITS = "十百千万亿"
CN_NUM_CHARS = CN_DIGITS + CN_UNITS + "壹贰叁肆伍陆柒捌玖拾佰仟"

_ARABIC_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_ARABIC_SCALED_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(十万|百万|千万|万亿|十|百|千|万|亿)$")
_PERCENT_RE = re.compile(r"^(?:百分之(.+)|(.+)%)$")
_CN_RE = re.compile(rf"^[{CN_NUM_CHARS}]+$")
_MIXED_RE = re.compile(rf"^[\d.]+[{CN_NUM_CHARS}]+$")
_MONEY_RE = re.compile(r"^(?:人民币)?(.+?)(美元|欧元|日元|港元|港币|英镑|元)(?:整)?$")
_SPACE_RE = re.compile(r"\s+")

#: Currency names (币种) recognised by :func:`parse_money_with_currency`.
CURRENCIES = ("元", "美元", "欧元", "日元", "港元", "港币", "英镑")


def to_halfwidth(s: str) -> str:
    """Map full-width digits/letters/number signs to ASCII, length-preserving.

    ``"５００万元"`` → ``"500万元"``; ``"１０％"`` → ``"10%"``. Chinese clause
    punctuation (，；：（）) is left alone so character offsets and clause
    structure survive. ``s`` itself is returned when it holds no such
    character.
    """
    if _FULLWIDTH_RE.search(s) is None:
        return s
    return s.translate(FULLWIDTH_TABLE)


def finditer_from(rx: re.Pattern[str], first: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``rx.finditer(text)``, found faster.

    ``first`` must match (at one character) every character a match of
    ``rx`` can start with — e.g. ``[\\d一二三…]`` for a pattern that opens
    with a lookbehind and then a number. ``rx`` is then tried only at those
    positions (``first.search`` skips the rest in C), instead of at every
    position of ``text``: Python's regex engine has no such skip for
    patterns that open with an assertion. Lookbehinds still see the text
    before the position, so the matches are exactly those of ``finditer``
    (leftmost, non-overlapping, in order); ``rx`` must not match the empty
    string.
    """
    search, match = first.search, rx.match
    pos = 0
    while True:
        c = search(text, pos)
        if c is None:
            return
        m = match(text, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            yield m
            pos = m.end()


_DIGIT_COMMA_RE = re.compile(r"(?<=\d)，(?=\d{3})")


def _clean(s: str) -> str:
    s = _SPACE_RE.sub("", to_halfwidth(s)).strip()
    return _DIGIT_COMMA_RE.sub(",", s)  # 5，000 (normalised punctuation) → 5,000


@lru_cache(maxsize=4096)
def _parse_chinese(s: str) -> float | None:
    """Chinese (or mixed Arabic/Chinese) numeral via cn2an ``smart`` mode."""
    try:
        import cn2an  # imported on first use: 0.3 s that the calculator rarely needs

        v = cn2an.cn2an(s, "smart")
    except Exception:  # cn2an raises plain ValueError / KeyError on odd input
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def parse_number(s: str) -> float | None:
    """Parse a written number; ``None`` when ``s`` is not one.

    Accepts Arabic (``500``, ``1.5``, ``5,000``), Arabic with a scale
    character (``1千`` → 1000.0, ``1.5亿`` → 1.5e8), Chinese numerals
    (``三`` → 3.0, ``两千`` → 2000.0, ``一千五百`` → 1500.0) and percentages,
    returned in percentage points (``百分之三`` → 3.0, ``3%`` → 3.0), i.e. the
    same scale as a threshold whose unit is ``%``. ``半`` alone is 0.5.
    Spaces and full-width digits are tolerated. Never raises.
    """
    if not s:
        return None
    s = _clean(s)
    if not s:
        return None
    m = _PERCENT_RE.match(s)
    if m:
        return parse_number(m.group(1) or m.group(2))
    m = _ARABIC_RE.match(s)
    if m:
        return float(m.group(1).replace(",", "") + (m.group(2) or ""))
    m = _ARABIC_SCALED_RE.match(s)
    if m:
        base = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        return base * SCALES[m.group(3)]
    if s == "半":
        return 0.5
    if _CN_RE.match(s) or _MIXED_RE.match(s):
        return _parse_chinese(s)
    return None


def parse_money_with_currency(s: str) -> tuple[float, str] | None:
    """Parse a money string into ``(amount, currency)``; ``None`` if not money.

    ``amount`` is in units of the currency (``1万美元`` → ``(10000.0, "美元")``,
    ``500万元`` → ``(5000000.0, "元")``). The numeric part is parsed with
    :func:`parse_number`; strings our grammar misses are retried with
    ``jionlp.parse_money``.
    """
    if not s:
        return None
    s = _clean(s)
    m = _MONEY_RE.match(s)
    if m:
        num, cur = m.group(1), m.group(2)
        if cur == "港币":
            cur = "港元"
        v = parse_number(num)
        if v is not None:
            return v, cur
    return _parse_money_jionlp(s)


@lru_cache(maxsize=1024)
def _parse_money_jionlp(s: str) -> tuple[float, str] | None:
    try:
        import jionlp  # imported lazily: it is slow to import

        r = jionlp.parse_money(s)
    except Exception:  # jionlp raises ValueError on strings it cannot read
        return None
    num = r.get("num")
    if not isinstance(num, str):  # a range (list) is not one amount
        return None
    try:
        return float(num), r.get("case") or "元"
    except ValueError:
        return None


def parse_money(s: str) -> float | None:
    """Parse a money string (金额) to yuan (元) as a float.

    ``500万元`` → 5e6, ``1.2亿元`` → 1.2e8, ``4.5万元`` → 45000.0,
    ``0.3元`` → 0.3, ``两千万元`` → 2e7, ``3000元`` → 3000.0.
    Returns ``None`` for anything that is not an amount in 元 — including
    other currencies (``1万美元`` → ``None``: no exchange rate is applied;
    use :func:`parse_money_with_currency` to read those).
    """
    r = parse_money_with_currency(s)
    if r is None or r[1] != "元":
        return None
    return r[0]
