"""Literal gates of the condition patterns (huiqi.rules.regex_gate): the
strings read from a pattern's syntax tree, and that a gate never hides a
match — checked on every line of the bundled corpus (data/corpus/)."""

import re

from huiqi.config import corpus_files
from huiqi.rules import benefits, condition_atoms as A, vocab as V
from huiqi.rules.regex_gate import may_match, required_literals, search

#: the recogniser patterns scanned per comma part, and others gated by hand
PATTERNS = (
    [rx for rx, _ in V.QUALIFICATION_PATTERNS] + [V.DRAGON_RE, V.TECH_CENTER_RE]
    + [rx for rx, _ in V.TAXPAYER_PATTERNS] + [rx for rx, _ in V.SIZE_PATTERNS]
    + [rx for rx, _ in V.ENTITY_PATTERNS] + list(V.GENERIC_FIRM_RES) + [rx for rx, _ in V.OWNERSHIP_PATTERNS]
    + [V.TAX_GRADE_RE, V.LEGAL_PERSON_RE, V.LISTED_RE, V.PROJECT_DONE_RE]
    + [rx for rx, _, _ in V.INDUSTRY_PATTERNS] + [rx for rx, _ in V.PROJECT_KIND_PATTERNS]
    + [A._LAYOFF_RE, A._NO_LAYOFF_RE, A._DATE_RANGE_RE, A._DATE_ONE_RE, A._YEAR_ONE_RE, A._REGION_TRIGGER_RE,
       A._REGION_AFTER_RE, benefits._TEXT_BENEFIT_RE, V.EXCLUDE_RE, V.GOAL_RE, V.BENEFIT_RE]
)


def test_required_literals_of_vocabulary_patterns():
    # 龙头企业 with an optional level list before it: every match ends in 龙头企业
    assert required_literals(V.DRAGON_RE) == ("龙头企业",)
    assert required_literals(V.TECH_CENTER_RE) == ("企业技术中心",)
    # alternatives: one string per branch (国家高企 holds 高企, so it is dropped)
    assert set(required_literals(V.QUALIFICATION_PATTERNS[5][0])) == {"高新技术企业", "高企"}
    # 已建成投产 / 竣工投产 … all hold 投产 except the 完工/竣工 ones
    assert set(required_literals(V.PROJECT_DONE_RE)) == {"投产", "已完工", "已竣工"}
    # a pattern opening with a literal or a literal branch has no gate: the regex engine skips by itself
    assert required_literals(re.compile(r"创新型中小企业")) is None
    assert required_literals(re.compile(r"创新型中小企业"), prefixed=True) == ("创新型中小企业",)
    assert required_literals(V.ENTITY_PATTERNS[0][0]) is None
    # optional words give no requirement; a required repeat does
    assert required_literals(re.compile(r"(?:在)?上市(?:企业)?")) == ("上市",)
    assert required_literals(re.compile(r"(?:万|亿)?\d+")) is None
    assert required_literals(re.compile(r"(?:约)?\d+(?:万)?元")) == ("元",)
    assert required_literals(re.compile(r"(?<=的)(?:企业)+")) == ("企业",)
    # case-insensitive patterns and too many alternatives: no gate
    assert required_literals(re.compile(r"(?:x)?abc", re.I)) is None
    assert required_literals(benefits._TEXT_BENEFIT_RE) is None
    assert len(required_literals(benefits._TEXT_BENEFIT_RE, max_strings=24)) > 8


def test_gates_never_hide_a_match_on_corpus_lines():
    lines = [ln for f in corpus_files() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    skipped = 0
    for rx in PATTERNS:
        req = required_literals(rx, max_strings=64, prefixed=True)
        for ln in lines:
            found = rx.search(ln) is not None
            if req is not None and not any(s in ln for s in req):
                assert not found, (rx.pattern, ln)
                skipped += 1
            assert (search(rx, ln) is not None) == found
            if found:
                assert may_match(rx, ln)
    assert skipped > 1000  # the gates do skip most lines


def test_may_match_on_comma_parts():
    assert may_match(V.DRAGON_RE, "对新认定的国家级农牧业产业化重点龙头企业")
    assert not may_match(V.DRAGON_RE, "对新认定的国家级专精特新“小巨人”企业")
    firm = V.GENERIC_FIRM_RES[0]
    assert may_match(firm, "种植企业、合作社") and firm.search("、企业和合作社")
    assert not may_match(firm, "家庭农牧场")


def test_rewritten_vocabulary_patterns_find_what_the_originals_found():
    """NON_CONDITION_RE and OTHER_PARTY_BEFORE open every alternative with a
    literal (报(?<=^报) for ^报, 为(?<!认定为) for (?<!认定)为) so the regex
    engine can skip to them: on every corpus line and each of its suffixes
    (the comma parts they are run on) the matches are those of the
    original wording."""
    originals = {
        V.NON_CONDITION_RE: re.compile(V.NON_CONDITION_RE.pattern.replace("报(?<=^报)", "^报")),
        V.OTHER_PARTY_BEFORE: re.compile(V.OTHER_PARTY_BEFORE.pattern.replace(
            "为(?<!认定为)(?<!评定为)(?<!成为)(?<!列为)(?<!确定为)", "(?<!认定)(?<!评定)(?<!成)(?<!列)(?<!确定)为")),
    }
    lines = [ln for f in corpus_files() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    lines += ["报盟市审核", "上报盟市", "被认定为小微企业", "为小微企业提供担保", "成为高新技术企业"]
    for new, old in originals.items():
        assert new.pattern != old.pattern
        for ln in lines:
            for k in range(0, min(len(ln), 40), 7):
                s = ln[k:]
                assert [m.span() for m in new.finditer(s)] == [m.span() for m in old.finditer(s)], (new.pattern, s)
                assert bool(new.search(s, 0, len(s) // 2)) == bool(old.search(s, 0, len(s) // 2))
