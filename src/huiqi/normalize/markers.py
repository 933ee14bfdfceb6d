"""Line-start markers shared by line joining and structure parsing.

A *marker* is the numbering or typographic sign that opens a heading or list
item in Chinese official documents (《党政机关公文格式》 GB/T 9704 uses
一、 （一） 1. （1） for the four levels; regulations use 第X条; compilations
add 第X篇 / 第X部分, ※ groups, —— titles and ①… sub-items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CN_NUM = "一二三四五六七八九十百零〇两"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第[{CN_NUM}\d]{{1,4}}(?:篇|部分)(?=\s|$|[\u3400-\u9fff])\s*")),
    # a mangled separator after the number (第一条?为…: a lost no-break space) is eaten
    ("chapter", re.compile(rf"^第[{CN_NUM}\d]{{1,4}}章\s*[？?]?\s*")),
    # 第十条, 第10条 and PDF/web spacing 第 1 0 条 (full-width digits are already half-width)
    ("article", re.compile(rf"^第\s*[{CN_NUM}\d](?:\s?[{CN_NUM}\d]){{0,4}}\s*条(?=\s|　|[\u3400-\u9fff（？?])\s*[？?]?\s*")),
    ("section", re.compile(rf"^[{CN_NUM}]{{1,3}}\s*、(?![{CN_NUM}]{{1,2}}、)\s*")),
    ("subsection", re.compile(rf"^[（(][{CN_NUM}]{{1,3}}[）)]\s*")),
    ("subitem", re.compile(r"^[（(]\d{1,2}[）)]\s*")),
    ("item", re.compile(r"^\d{1,3}\s*[.．、](?:(?!\d)|(?=(?:19|20)\d{2}年))\s*")),
    ("circled", re.compile(r"^[\u2460-\u2473\u2776-\u277f]\s*")),
    ("group", re.compile(r"^※\s*")),
    ("dash", re.compile(r"^——\s*")),
    ("qr", re.compile(r"^[（(]\s*(?:微信)?扫一扫")),
    ("annex", re.compile(r"^附件\s*\d{0,2}\s*(?=$|[：:]|\s|[\u3400-\u9fff])[：:]?\s*")),
]

_TITLE_END = re.compile(
    r"(?:政策|措施|举措|方案|通知|意见|办法|清单|指南|汇总|计划|规定|细则|规程|决定|公告|要点|机制|指引|手册|条例|规划|目录|纲要|通告|批复|函|规则|标准|若干政策|实施意见|工作要点|一本通|电子手册)"
    r"》?(?:[（(][^（）()]{1,30}[）)])*》?$"
)
_DOCNO = re.compile(r"〔\d{4}〕\s*第?\s*\d+\s*号|公告\s*\d{4}\s*年第?\s*\d+\s*号")

_TOC = re.compile(r"(?:[·.．…]{2,}|…+)\s*\d{1,3}\s*$")


@dataclass(frozen=True)
class Marker:
    """A recognised line-start marker.

    ``kind`` is one of ``part``, ``chapter``, ``article``, ``section``,
    ``subsection``, ``subitem``, ``item``, ``circled``, ``group``, ``dash``,
    ``qr``, ``annex``; ``label`` the marker text as written (``一、``,
    ``（一）``, ``1.``); ``rest`` the text after it.
    """

    kind: str
    label: str
    rest: str


@lru_cache(maxsize=32768)
def classify(text: str) -> Marker | None:
    """The marker opening ``text``, or ``None`` for plain prose.

    An ``item`` must be numbered 1–300 (so a wrapped ``2022.`` or a decimal
    ``2.5元`` is not an item). Cached (a :class:`Marker` is immutable): line
    joining and the structure parser ask about the same lines several times.
    """
    t = text.lstrip()
    for kind, pat in _PATTERNS:
        m = pat.match(t)
        if not m:
            continue
        if kind == "item":
            n = int(re.match(r"\d+", t).group(0))
            if n == 0 or n > 300:
                return None
        if kind == "annex":
            rest = t[m.end():]
            # "附件" alone, "附件1", "附件：…" — not a sentence that starts with 附件
            if "。" in rest or len(rest) > 60:
                return None
        label = m.group(0).strip()
        if kind in ("article", "chapter"):
            label = re.sub(r"[\s？?]+", "", label)
        return Marker(kind, label, t[m.end():].strip())
    return None


def is_toc_entry(text: str) -> bool:
    """True for a table-of-contents line (title, dot leaders, page number)."""
    # a match ends in a digit and blanks: most lines are rejected without a scan
    return text.rstrip()[-1:].isdecimal() and bool(_TOC.search(text))


def strip_toc(text: str) -> str:
    """A table-of-contents line without its leader and page number."""
    return _TOC.sub("", text).strip()


_SPACES = re.compile(r"\s+")
_TRAILING_DOCNO_NOTE = re.compile(r"[（(][^（）()]*〔[^（）()]*[）)]$")
_CLAUSE_PUNCT = re.compile(r"[。；：:，,]")
_SENTENCE_PUNCT = re.compile(r"[。；：:]")


@lru_cache(maxsize=32768)
def is_title_like(text: str) -> bool:
    """A line that reads like a document title (文件标题).

    No sentence punctuation inside, 6–90 characters, and it ends with a
    document-type word (…措施, …通知, …指南, optionally followed by
    parentheticals such as （试行） or a 发文字号). Cached (line joining asks
    about the same lines again).
    """
    t = _SPACES.sub("", text.lstrip("—"))
    t = _TRAILING_DOCNO_NOTE.sub("", t)  # a trailing （粤府〔2021〕22号）
    t = _DOCNO.sub("", t)
    if not 6 <= len(t) <= 90:
        return False
    if _CLAUSE_PUNCT.search(t.replace("，", "，")) and not t.startswith("关于"):
        if _SENTENCE_PUNCT.search(t):
            return False
        if t.count("，") > 1:
            return False
    return bool(_TITLE_END.search(t))


_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_DIGIT.update({"〇": 0, "两": 2})


def marker_number(label: str) -> int | None:
    """The ordinal of a numbering label (``第十二条`` → 12, ``（三）`` → 3, ``4.`` → 4).

    Chinese numerals up to 999 (十, 百, 零) and Arabic digits; ``None`` when
    the label holds no number.
    """
    core = re.sub(r"[第条章篇部分、.．（）()\s]", "", label)
    if not core:
        return None
    if core.isdigit():
        return int(core)
    total, cur = 0, 0
    for ch in core:
        if ch in _CN_DIGIT:
            cur = _CN_DIGIT[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur
