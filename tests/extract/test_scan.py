"""The faster scans of the extractors find exactly what the plain ones find (issue 17).

:func:`huiqi.extract.numbers.finditer_from` tries a pattern only where a
match can start; each pattern used with it is compared with its own
``finditer`` on the corpus text and on random strings over the characters
the pattern reads. The other helpers are compared with the plain loops
they replaced.
"""

import random
from pathlib import Path

import pytest

from huiqi.extract import contacts, money, thresholds, units
from huiqi.extract.money import extract_amounts
from huiqi.extract.numbers import FULLWIDTH_TABLE, finditer_from, to_halfwidth
from huiqi.rules import condition_parse, vocab

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"

#: (pattern, first-character pattern, characters for random strings)
PAIRS = {
    "money": (money._MONEY_RE, money._MONEY_FIRST_RE, "0123456789０１.,，、元万亿千百十一二两三四五六七八九零〇美/亩每至—-~ （含）"),
    "rate": (money._RATE_RE, money._RATE_FIRST_RE, "0123456789.%％百分之零一二三点—-~至、 "),
    "quantity": (thresholds._QTY_RE, thresholds._QTY_FIRST_RE,
                 "0123456789０.,，一二两三四五六七八九十半第万千百元人年岁亩吨%个月以上下（含）至—-~/ "),
    "phone": (contacts._PHONE_RE, contacts._PHONE_FIRST_RE, "0123456789０１+8６（()）-—~ 转电话.%万元年号@aA"),
    "intro": (condition_parse._INTRO_RE, condition_parse._INTRO_FIRST_RE,
              "须需应当同时符合满足具备下列以下如下条件为：:要求情形之一企业，"),
    "benefit": (vocab.BENEFIT_RE, vocab.BENEFIT_FIRST_RE,
                "分别一次性每个家户年人只头亩按照最高可再择优给予奖励补贴助奖补资助贴息偿减按免征半返还扣兑现以享受申请依照注报均即方，。"),
}


def _corpus_lines() -> list[str]:
    lines = [ln for p in sorted(CORPUS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").split("\n") if ln.strip()]
    assert lines, "the bundled corpus is missing"
    return lines


def _random(alphabet: str, n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


def _spans(matches) -> list:
    return [(m.span(), m.groups()) for m in matches]


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_finditer_from_finds_what_finditer_finds(name):
    rx, first, alphabet = PAIRS[name]
    lines = _corpus_lines()
    texts = lines + [to_halfwidth(ln) for ln in lines] + _random(alphabet, 20000, seed=len(name))
    found = 0
    for s in texts:
        want = _spans(rx.finditer(s))
        assert _spans(finditer_from(rx, first, s)) == want, s
        found += len(want)
    assert found > 100  # the comparison saw matches, not only empty results


def test_finditer_from_respects_lookbehind_before_the_position():
    # 5万元 inside 15万元 must not match on its own (the pattern's lookbehind sees the 1)
    assert [m.group(0) for m in finditer_from(money._MONEY_RE, money._MONEY_FIRST_RE, "补贴15万元")] == ["15万元"]


def test_to_halfwidth_fast_path_and_table():
    plain = "对企业给予50万元奖励，（含）；"
    assert to_halfwidth(plain) is plain
    for code, target in FULLWIDTH_TABLE.items():
        assert to_halfwidth("给予" + chr(code)) == "给予" + chr(target)
    assert to_halfwidth("５００万元，　１０％") == "500万元， 10%"


def test_extract_amounts_memo_returns_fresh_objects():
    text = "对新认定的企业一次性给予50万元奖励。"
    first = extract_amounts(text)
    first[0].role = "changed"
    first.clear()
    again = extract_amounts(text)
    assert [(a.value_yuan, a.role, a.text) for a in again] == [(500000.0, "fixed", "50万元")]


def _split_top_loop(text: str, seps: str) -> list[str]:
    """The character loop :func:`units._split_top` replaced."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in units._OPENERS:
            depth += 1
        elif ch in units._CLOSERS and depth > 0:
            depth -= 1
        if depth == 0 and ch in seps:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def test_split_top_matches_character_loop():
    texts = _corpus_lines() + _random("（(〔【[［）)〕】]］，,；;、局厅 ", 20000, seed=7)
    for seps in ("，,；;", "、"):
        for s in texts:
            assert units._split_top(s, seps) == _split_top_loop(s, seps), s


def test_line_tags_tried_at_line_starts_only():
    rnd = random.Random(11)
    words = ["部门分工", "责任单位", "牵头单位", "：", ":", "【", "】", "\n", " ", "\t", "财政局", "，", "。"]
    texts = _corpus_lines() + ["\n".join(_corpus_lines()[:400])]
    texts += ["".join(rnd.choice(words) for _ in range(rnd.randint(1, 15))) for _ in range(20000)]
    found = 0
    for s in texts:
        want = [m.span() for m in units._LINE_TAG_RE.finditer(s)]
        assert [m.span() for m in units._line_tag_matches(s)] == want, repr(s)
        found += len(want)
    assert found > 100
