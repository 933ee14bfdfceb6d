"""``bad_char_ratio``: its fast path (every character printable once the
whitespace is gone) must give what the character-by-character count gives."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from huiqi.config import corpus_files
from huiqi.readers.encoding import MAX_BAD_CHAR_RATIO, bad_char_ratio


def _counted(text: str) -> float:
    """The ratio counted character by character, as the docstring defines it."""
    total = bad = 0
    for ch, n in Counter(text).items():
        if ch.isspace():
            continue
        total += n
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Cn", "Co", "Cs") or (cat == "Cc" and ch not in "\t\n\r\f\v"):
            bad += n
    return bad / total if total else 0.0


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_text_has_no_bad_characters(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert bad_char_ratio(text) == 0.0 == _counted(text)


@pytest.mark.parametrize("inserted", [
    "\t\u3000\xa0\u2028",  # whitespace of every kind: ignored
    "\u200b\ufeff",  # format characters (Cf): not printable, yet not bad
    "\x07",  # a bell (Cc)
    "\ue000\ue001",  # private use (Co)
    "\ufffd",  # a replacement character
    "\U000e0fff",  # unassigned (Cn)
])
def test_inserted_characters_count_as_defined(inserted: str) -> None:
    text = corpus_files()[0].read_text(encoding="utf-8")[:2000]
    mixed = "".join(ch + (inserted if i % 50 == 0 else "") for i, ch in enumerate(text))
    assert bad_char_ratio(mixed) == pytest.approx(_counted(mixed))


def test_mostly_control_characters_exceed_the_limit() -> None:
    text = "政策" + "".join(chr(c) for c in range(1, 32) if not chr(c).isspace()) * 20
    assert bad_char_ratio(text) > MAX_BAD_CHAR_RATIO
