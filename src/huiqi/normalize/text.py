"""Character-level normalisation of policy text (文本规范化).

Rules (each from the PDF-conversion noise observed in real policy files):
full-width digits and Latin letters → half-width (so number parsers work);
traditional → simplified characters via OpenCC ``t2s`` (also fixes 稅→税);
markdown remnants (``**bold**``, ``<http://…>`` autolinks) removed;
ASCII ``,;:()!?`` next to Chinese text → full-width Chinese punctuation,
except inside numbers (``5,000``, ``1:1``) and URLs; ``[2024]`` inside a
发文字号 → ``〔2024〕``; spaces between CJK characters, and between digits
and CJK characters (``1221 亿元``), removed, while spaces between two numbers
or two Latin words are kept (two phone numbers, English).

Web-scraping artefacts: pinyin glosses that some mirrors insert after a
character (``自治區(qū)``, ``辦(bàn)公(gōng)廳``) are removed before anything
else — a gloss is a bracketed run of Latin letters with at least one tone
mark right after a CJK character. The year brackets of a 发文字号 written
``[2024]``, ``［2024］``, ``【2024】``, ``﹝2024﹞`` or ``(2024)`` before a serial
number and 号 become ``〔2024〕``.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_FULLWIDTH.update({0xFF05: ord("%"), 0xFF0B: ord("+"), 0x3000: ord(" "), 0x00A0: ord(" "),
                   0x2002: ord(" "), 0x2003: ord(" "), 0x2009: ord(" "), ord("\t"): ord(" ")})
#: Dropped characters: zero-width marks, and NUL (PostgreSQL text cannot hold it).
_ZERO_WIDTH = {0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None, 0x2060: None, 0x00: None}

#: Whether a text holds a character of the tables above (most lines hold
#: none: translating is then skipped, as it would change nothing).
_ZERO_WIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _ZERO_WIDTH) + "]")
_FULLWIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _FULLWIDTH) + "]")


def _translate(text: str, table: dict, present: re.Pattern[str]) -> str:
    """``text.translate(table)``, skipped when no character of ``table`` is ``present``."""
    return text.translate(table) if present.search(text) else text


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u00b7《》〈〉【】〔〕"
_NEAR = f"[{_CJK}{_CJK_PUNCT}]"

_BOLD = re.compile(r"\*\*")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_DOCNO_BRACKET = re.compile(
    r"\[(\d{4})\]|[［【﹝〔（(]\s*((?:19|20)\d{2})\s*[］】﹞〕）)](?=\s*第?\s*\d{1,5}\s*[号號])"
)
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
#: A pinyin gloss after a CJK character: 區(qū), 辦(bàn) — at least one tone mark.
#: (The bracket is matched first and the character before it tested by a
#: lookbehind after it: a pattern opening with a character class is scanned
#: for in C, one opening with a lookbehind is tried at every position.)
_PINYIN_GLOSS = re.compile(
    rf"[（(](?<=[\u3400-\u9fff][（(])(?=[a-z{_TONE}]{{0,7}}[{_TONE}])[a-z{_TONE}]{{1,8}}[)）]"
)
_URL = re.compile(r"https?://[^\s\u3400-\u9fff，。；）)]+")
# a space is dropped when one side is CJK (or CJK punctuation) and the other
# side is CJK, CJK punctuation, a digit or %, or when it sits between a digit
# and a CJK character.
_SPACE = re.compile(
    rf"(?<={_NEAR})\s+(?=[{_CJK}{_CJK_PUNCT}\dA-Za-z%.(（])|(?<=[\dA-Za-z%.)）])\s+(?={_NEAR})"
)
_ANY_SPACE = re.compile(r"\s")
_COMMA = re.compile(r",(?!\d{3}(?!\d))|(?<!\d),")
_SEMI = re.compile(r";")
_COLON = re.compile(r"(?<!\d):|:(?!\d)")
_EXCL = re.compile(rf"(?<={_NEAR})!|!(?={_NEAR})")
_QUES = re.compile(rf"(?<={_NEAR})\?|\?(?={_NEAR})")


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def _punct(segment: str) -> str:
    # each pattern only where its character occurs (patterns opening with a
    # lookbehind are tried at every position of the text)
    if "," in segment:
        segment = _COMMA.sub("，", segment)
    if ";" in segment:
        segment = _SEMI.sub("；", segment)
    if ":" in segment:
        segment = _COLON.sub("：", segment)
    segment = segment.replace("(", "（").replace(")", "）")
    if "!" in segment:
        segment = _EXCL.sub("！", segment)
    if "?" in segment:
        segment = _QUES.sub("？", segment)
    return segment


@lru_cache(maxsize=65536)
def normalize_chars(text: str) -> str:
    """Normalise one line of policy text (see the module docstring).

    ``text`` must not contain line breaks. Returns the normalised string;
    never raises. Full-width commas used as thousands separators are left to
    the number parsers (``5，000万元``). Cached (a pure function of the
    line: the join rules test a line more than once, and reprinted lines
    recur across documents).
    """
    if not text:
        return text
    s = _PINYIN_GLOSS.sub("", _translate(text, _ZERO_WIDTH, _ZERO_WIDTH_RE))
    s = _translate(s, _FULLWIDTH, _FULLWIDTH_RE)
    s = _BOLD.sub("", s)
    s = _AUTOLINK.sub(r"\1", s)
    s = _opencc().convert(s)
    s = _DOCNO_BRACKET.sub(lambda m: f"〔{m.group(1) or m.group(2)}〕", s)
    # punctuation outside URLs only
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(s):
        out.append(_punct(s[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_punct(s[pos:]))
    s = "".join(out)
    if _ANY_SPACE.search(s):
        s = _SPACE.sub("", s)
        s = re.sub(r" {2,}", " ", s)
    return s.strip()
