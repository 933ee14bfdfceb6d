"""The cheaper scans of huiqi.normalize (patterns opening with a character
class instead of a lookbehind, substring gates before a regex) give exactly
what the plain forms give: on every line of the bundled corpus and on
random strings of the characters the patterns care about."""

from __future__ import annotations

import random
import re

import pytest

from huiqi.normalize import join, markers, text
from tests.conftest import CORPUS

#: The plain forms the modules' patterns are rewritten from.
ARABIC = re.compile(r"(?<![\d.．A-Za-z])(\d{1,2})[.．、](?=[\u4e00-\u9fff“（(A-Za-z])")
BARE_NUM = re.compile(r"(?<![\d.．A-Za-z])(\d{1,2})(?=[\u4e00-\u9fff])")
TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[（(](?=[a-z{TONE}]{{0,7}}[{TONE}])[a-z{TONE}]{{1,8}}[)）]")
TOC = re.compile(r"(?:[·.．…]{2,}|…+)\s*\d{1,3}\s*$")

ALPHABET = list("0123456789..．、,;:!?()（）[]【】 \t　abXYāǎù企业第号年元…·-—“") + ["\u4e00", "區", "\n"]


def _strings():
    rnd = random.Random(17)
    lines = [l for f in sorted(CORPUS.glob("*.txt")) for l in f.read_text(encoding="utf-8").split("\n")]
    rand = ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40))) for _ in range(20000)]
    return lines + rand + ["12.企业", "a12.企业", "第3.5条", "1适用范围2设定依据3受理范围", "目录……12", "自治區(qū)政府"]


STRINGS = _strings()


@pytest.mark.parametrize("plain,ours", [(ARABIC, join._ARABIC), (BARE_NUM, join._BARE_NUM),
                                        (PINYIN_GLOSS, text._PINYIN_GLOSS)])
def test_character_first_patterns_match_as_the_lookbehind_forms(plain, ours):
    for s in STRINGS:
        assert [(m.span(), m.group(0)) for m in ours.finditer(s)] == \
            [(m.span(), m.group(0)) for m in plain.finditer(s)], s
    assert ours.pattern != plain.pattern


def test_toc_gate_agrees_with_the_pattern():
    hits = 0
    for s in STRINGS:
        want = bool(TOC.search(s))
        hits += want
        assert markers.is_toc_entry(s) == want, s
    assert hits > 0


def test_gated_normalisation_equals_every_substitution_applied():
    def plain(s: str) -> str:
        out = []
        pos = 0
        for m in text._URL.finditer(s):
            out.append(_all_punct(s[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(_all_punct(s[pos:]))
        return re.sub(r" {2,}", " ", text._SPACE.sub("", "".join(out))).strip()

    def _all_punct(seg: str) -> str:
        seg = text._COMMA.sub("，", seg)
        seg = text._SEMI.sub("；", seg)
        seg = text._COLON.sub("：", seg)
        seg = seg.replace("(", "（").replace(")", "）")
        return text._QUES.sub("？", text._EXCL.sub("！", seg))

    for s in STRINGS:
        s = s.replace("\n", "")
        # the steps before the punctuation are shared; compare from there on
        pre = text._translate(text._PINYIN_GLOSS.sub("", text._translate(s, text._ZERO_WIDTH, text._ZERO_WIDTH_RE)),
                              text._FULLWIDTH, text._FULLWIDTH_RE)
        pre = text._opencc().convert(text._AUTOLINK.sub(r"\1", text._BOLD.sub("", pre)))
        pre = text._DOCNO_BRACKET.sub(lambda m: f"〔{m.group(1) or m.group(2)}〕", pre)
        assert text.normalize_chars.__wrapped__(s) == plain(pre), s
