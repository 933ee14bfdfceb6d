"""Decoding of text bytes: BOMs, strict UTF-8, then charset detection.

Chinese government files come as UTF-8 (with or without BOM), GB2312/GBK/
GB18030 (mainland) or Big5 (Taiwan/HK). The order of attempts is:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. NUL bytes mean a binary file (git's rule: a NUL in the first 8000 bytes);
3. strict UTF-8 — valid UTF-8 with non-ASCII bytes is almost never a
   coincidence, so it wins over any declaration;
4. an encoding declared by the container (HTML ``<meta charset>``);
5. charset-normalizer's candidates, decoded strictly;
6. a damaged file (a truncated last character, one stray byte) is still
   accepted as UTF-8 or GB18030 when at most 2 characters, or 0.1 % of them,
   need U+FFFD replacement — a random or foreign byte stream needs far more.

Legacy Chinese encodings are widened to their superset (GB2312/GBK → GB18030)
so that a rare character outside GBK does not break decoding.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from pathlib import Path

from charset_normalizer import from_bytes

from huiqi.readers.base import SourceError

BINARY_REASON = "不是文本文件（疑似二进制文件）"
UNKNOWN_ENCODING_REASON = "无法识别文本编码（不是UTF-8、GB18030/GBK或Big5等常见编码）"

# Codec name (as returned by codecs.lookup) → superset codec to decode with.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030"}

# BOM-less UTF-16/32 guesses are wrong far more often than right for short
# Chinese text (charset-normalizer reports ``utf_16_be`` for 9 GBK-encoded
# characters), and real UTF-16 text nearly always has a BOM.
_UNTRUSTED_GUESSES = {"utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le", "utf-16", "utf-32"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Largest share of U+FFFD replacements accepted by the lenient last attempt.
MAX_REPLACED_RATIO = 0.001
MAX_REPLACED_FLOOR = 2
_LENIENT_CODECS = ("utf-8", "gb18030")

# Share of "impossible in text" characters above which decoded text is refused.
MAX_BAD_CHAR_RATIO = 0.05
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def canonical_codec(name: str) -> str | None:
    """Python codec name for ``name`` (``"GB2312"`` → ``"gb18030"``), widened to its superset.

    Returns ``None`` when Python has no such codec.
    """
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(codec, codec)


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def looks_binary(data: bytes) -> bool:
    """True when ``data`` has a NUL byte in its first 8000 bytes or NULs make up over 0.1 %.

    The first rule is git's binary heuristic; the second catches text headers
    followed by binary content. Call only on BOM-less data (UTF-16/32 text has NULs).
    """
    if b"\x00" in data[:8000]:
        return True
    return data.count(b"\x00") * 1000 > len(data)


def bad_char_ratio(text: str, sample_chars: int = 65536) -> float:
    """Share of characters that do not occur in real text.

    Counted as bad: control characters other than tab/newline/CR/FF/VT,
    unassigned code points (Cn), private-use (Co) and surrogates (Cs), and
    U+FFFD. Whitespace is ignored in the denominator. For long texts three
    samples (start, middle, end) of ``sample_chars`` each are inspected.
    """
    if len(text) > 3 * sample_chars:
        mid = len(text) // 2
        text = text[:sample_chars] + text[mid : mid + sample_chars] + text[-sample_chars:]
    if "\ufffd" not in text and "".join(text.split()).isprintable():
        return 0.0  # no control, unassigned, private-use or surrogate character (C-speed check)
    total = bad = 0
    for ch, n in Counter(text).items():  # each distinct character judged once
        if ch.isspace():
            continue
        total += n
        if ch == "\ufffd":
            bad += n
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            bad += n if ch not in _ALLOWED_CONTROLS else 0
        elif cat in ("Cn", "Co", "Cs"):
            bad += n
    return bad / total if total else 0.0


def _detect(data: bytes) -> tuple[str, str] | None:
    """Decode with charset-normalizer's candidates, best first; ``None`` if none fits."""
    results = from_bytes(data)
    for match in results:
        codec = canonical_codec(match.encoding)
        if codec is None or codec in _UNTRUSTED_GUESSES:
            continue
        text = _try_decode(data, codec)
        if text is not None:
            return text, codec
    return None


def _lenient(data: bytes) -> tuple[str, str] | None:
    """Decode with replacement when only a few bytes are broken; ``None`` otherwise."""
    for codec in _LENIENT_CODECS:
        text = data.decode(codec, errors="replace")
        allowed = max(MAX_REPLACED_FLOOR, MAX_REPLACED_RATIO * len(text))
        if text and text.count("\ufffd") <= allowed:
            return text, codec
    return None


def decode_bytes(data: bytes, path: str | Path, declared: str | None = None) -> tuple[str, str]:
    """Decode file bytes to ``(text, encoding)``; see the module docstring for the order.

    ``declared`` is an encoding named by the file itself (HTML meta charset);
    it is tried after strict UTF-8 and before detection. The returned encoding
    is a Python codec name (``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``,
    ``big5`` …). Line endings are left untouched. Text from the lenient last
    attempt contains U+FFFD where bytes were broken.

    Raises :class:`SourceError` for binary data (不是文本文件) and for bytes no
    encoding decodes plausibly (无法识别文本编码).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try_decode(data, codec)
            if text is None:
                name = codec.upper().removesuffix("-SIG")
                raise SourceError(path, f"文件以{name}字节序标记（BOM）开头，但内容不是有效的{name}文本")
            return text, codec

    if looks_binary(data):
        raise SourceError(path, BINARY_REASON)

    text = _try_decode(data, "utf-8")
    if text is not None:
        decoded: tuple[str, str] | None = (text, "utf-8")
    else:
        decoded = None
        if declared:
            codec = canonical_codec(declared)
            if codec is not None and codec not in _UNTRUSTED_GUESSES:
                text = _try_decode(data, codec)
                if text is not None:
                    decoded = (text, codec)
        if decoded is None:
            decoded = _detect(data)
        if decoded is None:
            decoded = _lenient(data)
    if decoded is None:
        raise SourceError(path, UNKNOWN_ENCODING_REASON)

    if bad_char_ratio(decoded[0]) > MAX_BAD_CHAR_RATIO:
        if decoded[1] == "utf-8":
            raise SourceError(path, BINARY_REASON)
        raise SourceError(path, UNKNOWN_ENCODING_REASON)
    return decoded
