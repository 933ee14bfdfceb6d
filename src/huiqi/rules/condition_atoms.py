"""Leaf recognition for condition extraction (条件识别): the words of one
comma part (an "atom") of a condition sentence recognised as leaves —
thresholds, 裁员率, qualifications, firm kinds, hiring of target groups,
dates and region words — with the bracket-aware splitting helpers the
other stages share.

Part of :mod:`huiqi.rules.conditions` (see there for the rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from huiqi.extract.thresholds import _QTY_FIRST_RE, extract_thresholds
from huiqi.reference.regions import find_division
from huiqi.rules import vocab as V
from huiqi.rules.model import Condition
from huiqi.rules.regex_gate import may_match
from huiqi.rules.vocab import describe


# ---------------------------------------------------------------------------
# splitting helpers (aware of brackets and quotes)

_OPEN = "（(“《[【「"
_CLOSE = "）)”》]】」"


@lru_cache(maxsize=32)
def _split_re(seps: str) -> re.Pattern[str]:
    """A pattern matching one bracket, quote or character of ``seps``."""
    return re.compile("[" + re.escape(_OPEN + _CLOSE + seps) + "]")


def _split(s: str, seps: str, base: int = 0) -> list[tuple[int, str]]:
    """Split ``s`` at characters of ``seps`` outside brackets; returns
    ``(offset, piece)`` with offsets relative to ``base``; pieces keep no
    separator and are not stripped (offsets stay exact)."""
    out: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for m in _split_re(seps).finditer(s):  # only brackets and separators matter
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            if ch == "," and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit():
                continue  # 5,000万元
            out.append((base + start, s[start:i]))
            start = i + 1
    out.append((base + start, s[start:]))
    return [(o, p) for o, p in out if p.strip()]


def _trim(off: int, s: str, chars: str = " \t\r\n，,、；;。：:") -> tuple[int, str]:
    """Strip ``chars`` from both ends keeping the offset exact."""
    left = len(s) - len(s.lstrip(chars))
    s2 = s.strip(chars)
    return off + left, s2


_NON_CJK_RE = re.compile(r"[^\u4e00-\u9fff]+")


def _cjk_len(s: str) -> int:
    """How many CJK unified ideographs (U+4E00–U+9FFF) ``s`` holds."""
    return len(_NON_CJK_RE.sub("", s))  # what is left once the rest is cut: no list of matches


# ---------------------------------------------------------------------------
# leaf recognition inside one comma part ("atom")


@dataclass
class _Hit:
    start: int  # offsets in the block text
    end: int
    leaf: Condition
    subject: bool = False  # a kind of firm (joins with 、/和/及 as OR)
    src_start: int = -1  # where the quoted source begins (the attribute words of a threshold)

    def __post_init__(self) -> None:
        if self.src_start < 0:
            self.src_start = self.start


class _Block:
    """A text being parsed: the clause ``text``, the part ``[base, base +
    len(part))`` under analysis, the document region and the thresholds of
    the part (clause-text offsets), extracted on first use only — most
    clauses have no conditional sentence at all."""

    def __init__(self, text: str, base: int, part: str, doc_region: str | None) -> None:
        self.text = text
        self.base = base
        self.part = part
        self.doc_region = doc_region
        self._thresholds: list | None = None
        #: beneficiaries named by exclusions (已享受…的家庭农牧场不再享受), see
        #: :func:`_parse_simple` and :func:`_beneficiary`
        self.beneficiaries: list[Condition] = []

    @property
    def thresholds(self) -> list:
        if self._thresholds is None:
            self._thresholds = _thresholds_in(self.text, self.base, self.part)
        return self._thresholds


def _in_brackets(s: str, pos: int) -> bool:
    depth = 0
    for ch in s[:pos]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    return depth > 0


def _last_de(s: str) -> int:
    """Position of the last 的 of ``s`` outside brackets and quotes (the
    start of a head noun: …的农畜产品精深加工企业), ``-1`` when there is none."""
    depth, pos = 0, -1
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "的" and depth == 0:
            pos = i
    return pos


def _mask_free(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    return all(e <= a or s >= b for a, b in taken)


def _leaf(kind: str, attribute: str | None, operator: str | None, value: Any, src: str, label: str,
          unit: str | None = None, inclusive: bool = True) -> Condition:
    return Condition.leaf(kind, attribute, operator, value, unit=unit, inclusive=inclusive,
                          source_text=src, label=label)


_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_DATE_RANGE_RE = re.compile(_DATE + r"(?:（含）)?\s*(?:至|到|—|－|-|~)\s*" + _DATE + r"(?:（含）)?")
_DATE_ONE_RE = re.compile(r"(?:自|从)?" + _DATE + r"(?:（含）)?\s*(?P<dir>以后|之后|后|起|以来|以前|之前|前)")
_YEAR_ONE_RE = re.compile(r"(?:自|从)?(?P<y>\d{4})年(?![\d（(]*\d{1,2}月)(?:（含）)?\s*(?P<dir>以后|之后|后|起|以来|以前|之前|前)")
_COMPLETED_RE = re.compile(r"建成|投产|竣工|完工|投入运营|并网|新建|改扩建|扩建")
_ESTABLISHED_RE = re.compile(r"成立|新注册|工商注册|注册登记|登记注册|新设立|登记设立|设立登记")

_REGION_TRIGGER_RE = re.compile(
    r"(?:行政区域内|行政辖区内|辖区内|境内|区域内|范围内|内)?(?:依法)?(?:落地)?"
    r"(?:注册登记|登记注册|工商注册|注册成立|注册|登记|落户)"
)
_REGION_AFTER_RE = re.compile(
    r"(?:注册地|所在地|纳税地)[^，；。]{0,4}?(?:均|须|应|需)?(?:在|为|位于)(?P<place>我区|我盟|我市|我旗|本市|本旗|本盟|[\u4e00-\u9fff]{2,10})"
)
_PRONOUNS = [
    (re.compile(r"(?:我区|全区|区内|自治区|本区)$"), "region"),
    (re.compile(r"(?:我盟|全盟|盟内|本盟)$"), "league"),
    (re.compile(r"(?:我市|全市|市内|本市)$"), "city"),
    (re.compile(r"(?:我旗|全旗|旗内|本旗|我县|本县)$"), "banner"),
]


def _pronoun_division(kind: str, doc_region: str | None):
    """Division meant by 我区/我盟/我市/我旗 given the document region."""
    if kind == "region":
        return find_division("内蒙古自治区")
    d = find_division(doc_region) if doc_region else None
    if d is None:
        return None
    if kind in ("league", "city"):
        # the league/city the document belongs to
        from huiqi.reference.regions import divisions

        while d.parent is not None and divisions()[d.parent].parent is not None:
            d = divisions()[d.parent]
    return d


@lru_cache(maxsize=4096)
def _place_before(window: str, doc_region: str | None):
    """(division, matched length) for a place name ending ``window``."""
    for rx, kind in _PRONOUNS:
        m = rx.search(window)
        if m:
            d = _pronoun_division(kind, doc_region)
            return (d, len(m.group(0))) if d else (None, 0)
    for k in range(min(12, len(window)), 1, -1):
        cand = window[-k:]
        d = find_division(cand)
        if d is None:
            continue
        names = (d.name, *d.aliases, re.sub(r"(?:盟|市|旗|县|区)$", "", d.name))
        if any(n and cand.endswith(n) and cand.startswith(n[:1]) for n in names) and cand in names:
            return d, k
    return None, 0


_NO_LAYOFF_RE = re.compile(r"未裁员(?=或)")
_LAYOFF_RE = re.compile(r"裁员率(?:不高于|不超过|低于)[^，；。]{0,24}?[（(]?(?P<v>\d+(?:\.\d+)?)%[）)]?")
_TITLE_RE = re.compile(r"《[^》]*》")
def _threshold_label(attr: str, op: str, value: Any, inclusive: bool) -> str:
    """``从业人员不超过300人``, ``项目投资不低于2000万元`` (see :func:`huiqi.calc.evaluate.describe`)."""
    label = describe(Condition.leaf("threshold", attr, op, value, inclusive=inclusive))
    return label if inclusive or op != "between" else f"{label}（不含端点）"


_NEVER_RE = re.compile(r"(?!x)x")
_FIRM_ATTRS = frozenset({"qualifications", "size_class", "entity_type", "ownership", "industry", "taxpayer_type"})


def mode_done(atom: str) -> bool:
    """建成投产 words name a project state only next to a project (项目)."""
    return "项目" in atom or "投资" in atom


@dataclass
class _Recognition:
    """The state of recognising the leaves of one comma part (atom): the
    part and its offset in the block, the hits so far, the spans already
    taken (a later recogniser never reads them again), the indexes of
    unmapped threshold hits, and the ends of "other party" subjects
    (支持小微企业融资担保的公司: the firm serves them)."""

    atom: str
    off: int
    blk: _Block
    hits: list[_Hit] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)
    unmapped: list[int] = field(default_factory=list)
    other_end: list[int] = field(default_factory=list)

    def add(self, s: int, e: int, leaf: Condition, subject: bool = False) -> None:
        """Record a leaf found at atom positions ``s:e`` (``subject``: it
        names the kind of firm) unless the words belong to another party."""
        atom = self.atom
        if subject and leaf.attribute in _FIRM_ATTRS and (
                V.OTHER_PARTY_BEFORE.search(atom, 0, s)
                or (self.other_end and _LIST_GAP_RE.match(atom[self.other_end[-1]:s]) and s >= self.other_end[-1])):
            self.taken.append((s, e))  # 支持小微企业融资担保的公司: the firm serves them (and the list that follows)
            self.other_end.append(e)
            return
        self.hits.append(_Hit(self.off + s, self.off + e, leaf, subject))
        self.taken.append((s, e))

    def scan(self, rx: re.Pattern[str]):
        """Matches of ``rx`` in the atom over words not yet taken (lazily:
        words taken while they are read count for the later matches)."""
        atom = self.atom
        if not may_match(rx, atom):
            return ()  # none of the words every match holds: nothing to find
        m = rx.search(atom)
        if m is None:
            return ()  # most patterns find nothing: no generator
        return self._scan_from(rx, m.start())

    def _scan_from(self, rx: re.Pattern[str], pos: int):
        # the matches of finditer from the first one on (none starts before it)
        for m in rx.finditer(self.atom, pos):
            if _mask_free(self.taken, m.start(), m.end()):
                yield m


def _may_hold_threshold(blk: _Block, off: int, n: int) -> bool:
    """Whether the block text at ``off .. off + n`` (clause-text offsets)
    holds a character a threshold can start with (a digit or Chinese
    numeral: :data:`huiqi.extract.thresholds._QTY_FIRST_RE`). Every
    threshold's span starts at its number, so a stretch without one holds
    no threshold and the block's thresholds need not be extracted for it.
    The block text is read, not the atom: an atom may have brackets
    blanked out (:func:`huiqi.rules.condition_parse._parse_line`)."""
    lo = max(0, off - blk.base)
    return _QTY_FIRST_RE.search(blk.part, lo, max(lo, off - blk.base + n)) is not None


def _recognise_thresholds(r: _Recognition) -> None:
    """Thresholds found by the extractor (block coordinates) → threshold
    leaves, or text leaves when the attribute is unknown."""
    if not _may_hold_threshold(r.blk, r.off, len(r.atom)):
        return  # no number: no threshold lies in the atom (skips extracting the block's)
    cond_parens = [(m.start(), m.end()) for m in _PAREN_RE.finditer(r.atom) if "的" in m.group(0)]
    for t in r.blk.thresholds:
        s, e = t.start - r.off, t.end - r.off
        if s < 0 or e > len(r.atom):
            continue
        if "（按" in t.attribute:
            continue  # 月销售额不超过3万元（按季9万元）: the same limit stated per quarter
        if any(a < s < b for a, b in cond_parens):
            continue  # （超过100人的企业达到5%）: a special case told in brackets
        after = r.blk.text[t.end:t.end + 3]
        if after.startswith("的部分"):
            continue  # 不超过200万元的部分: how a benefit is computed
        mapped = V.threshold_attribute(t.attribute, t.unit)
        a_start = r.blk.text.rfind(t.attribute, max(0, t.start - 30), t.start) if t.attribute else -1
        src_start = a_start if a_start >= r.off else t.start
        if src_start - r.off <= 3:
            src_start = r.off  # the attribute starts the part: quote it whole
        src = r.blk.text[src_start:t.end]
        if mapped is None:
            if src_start == t.start or _cjk_len(src) < _TEXT_MIN:
                src_start = r.off  # no clear attribute: quote the part up to the number
                src = r.blk.text[src_start:t.end]
            r.hits.append(_Hit(t.start, t.end, _leaf("text", None, None, None, src, _clean_label(src)), src_start=src_start))
            r.taken.append((s, e))
            r.unmapped.append(len(r.hits) - 1)
            continue
        attr, scale = mapped
        src_start = max(src_start, r.off)
        if t.op == "between":
            value: Any = [t.value * scale, (t.value_max or t.value) * scale]
        else:
            value = t.value * scale
        if attr == "employees" or attr.endswith("head_count") or attr == "unemployment_insurance_months":
            value = [round(v) for v in value] if isinstance(value, list) else round(value)
        label = _threshold_label(attr, t.op, value, t.inclusive)
        r.hits.append(_Hit(t.start, t.end, _leaf("threshold", attr, t.op, value, src, label, unit=t.unit, inclusive=t.inclusive),
                         src_start=src_start))
        r.taken.append((s, e))



def _recognise_layoff(r: _Recognition) -> None:
    """未裁员 / 裁员率不高于X% → ``layoff_rate`` thresholds."""
    for m in r.scan(_NO_LAYOFF_RE):
        r.add(m.start(), m.end(), _leaf("threshold", "layoff_rate", "<=", 0.0, m.group(0), "上年度未裁员", unit="%"))
    for m in r.scan(_LAYOFF_RE):
        v = float(m.group("v")) / 100
        r.add(m.start(), m.end(), _leaf("threshold", "layoff_rate", "<=", v, m.group(0), f"裁员率不高于{m.group('v')}%", unit="%"))


def _recognise_qualifications(r: _Recognition) -> None:
    """Qualifications (高新技术企业, 专精特新, 龙头企业 levels, 技术中心 levels)."""
    counted = V.COUNTED_RE.search(r.atom)
    if counted:  # 拥有不少于1家小巨人企业: about other firms — the whole part stays text
        r.taken.append((counted.end(), len(r.atom)))
    for rx, name in V.QUALIFICATION_PATTERNS:
        for m in r.scan(rx):
            if V.QUAL_NOT_HELD_BEFORE.search(r.atom, 0, m.start()) or V.QUAL_NOT_HELD_AFTER.match(r.atom, m.end()):
                r.taken.append((m.start(), m.end()))
                continue
            r.add(m.start(), m.end(), _leaf("membership", "qualifications", "in", [name], m.group(0), name), True)
    for m in r.scan(V.DRAGON_RE):
        names = V.dragon_names(m.group("levels"))
        r.add(m.start(), m.end(), _leaf("membership", "qualifications", "in", names, m.group(0), m.group(0)), True)
    for m in r.scan(V.TECH_CENTER_RE):
        names = V.tech_center_names(m.group("levels"))
        r.add(m.start(), m.end(), _leaf("membership", "qualifications", "in", names, m.group(0), m.group(0)), True)


def _recognise_firm_kinds(r: _Recognition) -> None:
    """Taxpayer type, size, entity type, ownership, tax credit grade, industry, legal person, listing and project kind and status."""
    for rx, name in V.TAXPAYER_PATTERNS:
        for m in r.scan(rx):
            r.add(m.start(), m.end(), _leaf("membership", "taxpayer_type", "in", [name], m.group(0), name), True)
    for rx, sizes in V.SIZE_PATTERNS:
        for m in r.scan(rx):
            label = {3: "中小微企业", 2: "小微企业", 1: "微型企业"}[len(sizes)]
            r.add(m.start(), m.end(), _leaf("membership", "size_class", "in", list(sizes), m.group(0), label), True)
    for rx, names in V.ENTITY_PATTERNS:
        for m in r.scan(rx):
            label = names[0] if len(names) == 1 else f"{m.group(0)}（{'或'.join(names)}）"
            r.add(m.start(), m.end(), _leaf("membership", "entity_type", "in", list(names), m.group(0), label), True)
    for rx in V.GENERIC_FIRM_RES:
        for m in rx.finditer(r.atom) if may_match(rx, r.atom) else ():
            if _mask_free(r.taken, m.start("firm"), m.end("firm")):
                r.add(m.start("firm"), m.end("firm"), _leaf("membership", "entity_type", "in", ["企业"], m.group("firm"), "企业"), True)
    for rx, name in V.OWNERSHIP_PATTERNS:
        for m in r.scan(rx):
            r.add(m.start(), m.end(), _leaf("membership", "ownership", "in", [name], m.group(0), f"{name}企业"), True)
    for m in r.scan(V.TAX_GRADE_RE):
        grades = re.findall(r"[ABM]", m.group("grades"))
        if m.group("above"):
            order = ["A", "B", "M"]
            grades = order[: max(order.index(g) for g in grades) + 1]
        r.add(m.start(), m.end(), _leaf("membership", "tax_credit_grade", "in", grades, m.group(0),
                                      f"纳税信用等级{'、'.join(grades)}级"))
    for rx, codes, name in V.INDUSTRY_PATTERNS:
        for m in r.scan(rx):
            r.add(m.start(), m.end(), _leaf("membership", "industry", "in", list(codes), m.group(0), f"{name}（{'、'.join(codes)}）"), True)
    for m in r.scan(V.LEGAL_PERSON_RE):
        r.add(m.start(), m.end(), _leaf("membership", "entity_type", "not_in", ["个体工商户"], m.group(0),
                                      "不是个体工商户（个体工商户不具有法人资格）"))
        r.hits.append(_Hit(r.off + m.start(), r.off + m.end(), _leaf("text", None, None, None, m.group(0), m.group(0))))
    if not V.NOT_LISTED_RE.search(r.atom):
        for m in r.scan(V.LISTED_RE):
            r.add(m.start(), m.end(), _leaf("membership", "listed", "in", [True], m.group(0), "已上市"), True)
    for m in r.scan(V.PROJECT_DONE_RE if mode_done(r.atom) else _NEVER_RE):
        r.add(m.start(), m.end(), _leaf("membership", "project.status", "in", ["建成投产"], m.group(0), "项目已建成投产"))
    for rx, kind in V.PROJECT_KIND_PATTERNS:
        for m in r.scan(rx):
            r.add(m.start(), m.end(), _leaf("membership", "project.kind", "in", [kind], m.group(0), f"{kind}项目"))


_JOIN_LEAD_RE = re.compile(r"\s*(?:以及|及|和|或)")


def _recognise_hiring(r: _Recognition) -> None:
    """Hiring of target groups (招用登记失业人员 …) → ``facts.<group>招用人数 >= 1``."""
    hm = _JOIN_LEAD_RE.match(r.atom)
    if hm is None or not V.HIRE_RE.search(r.blk.text, max(0, r.off - 60), r.off):
        hm = next((m for m in V.HIRE_RE.finditer(r.atom) if not _in_brackets(r.atom, m.start())), None)
    if hm:
        for rx, fact in V.HIRE_GROUPS:
            for m in rx.finditer(r.atom, hm.start()):
                if _mask_free(r.taken, m.start(), m.end()):
                    src = r.atom[hm.start():m.end()] if m.start() - hm.end() <= 12 else m.group(0)
                    s0 = hm.start() if m.start() - hm.end() <= 12 else m.start()
                    r.add(s0, m.end(), _leaf("threshold", f"facts.{fact}", ">=", 1, src, f"招用{fact.removesuffix('招用人数')}"), True)
                    break


def _recognise_dates(r: _Recognition) -> None:
    """Dates of establishment or completion (2022年1月1日以后成立, 2022年（含）以后新建)."""
    ctx_attr = "project.completed" if _COMPLETED_RE.search(r.atom) else ("established" if _ESTABLISHED_RE.search(r.atom) else None)
    if ctx_attr:
        for m in r.scan(_DATE_RANGE_RE):
            lo = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            hi = f"{int(m.group(4)):04d}-{int(m.group(5)):02d}-{int(m.group(6)):02d}"
            r.add(m.start(), m.end(), _leaf("date", ctx_attr, "between", [lo, hi], m.group(0), f"{'建成投产' if ctx_attr == 'project.completed' else '成立'}日期在{m.group(0)}"))
        for m in r.scan(_DATE_ONE_RE):
            iso = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            op = "<=" if "前" in m.group("dir") else ">="
            r.add(m.start(), m.end(), _leaf("date", ctx_attr, op, iso, m.group(0),
                                          f"{'建成投产' if ctx_attr == 'project.completed' else '成立'}日期{m.group(0)}"))
        for m in r.scan(_YEAR_ONE_RE):  # 2022年（含）以后新建: from 1 January / up to 31 December
            after = "前" not in m.group("dir")
            year = int(m.group("y"))
            if not 1990 <= year <= 2100:
                continue
            iso = f"{year:04d}-01-01" if after else f"{year:04d}-12-31"
            r.add(m.start(), m.end(), _leaf("date", ctx_attr, ">=" if after else "<=", iso, m.group(0),
                                          f"{'建成投产' if ctx_attr == 'project.completed' else '成立'}日期{m.group(0)}"))


def _recognise_regions(r: _Recognition) -> None:
    """Region words (注册在伊金霍洛旗, 在阿拉善盟境内) → region leaves."""
    for m in _REGION_TRIGGER_RE.finditer(r.atom):
        window = r.atom[max(0, m.start() - 14):m.start()]
        d, k = _place_before(window, r.blk.doc_region)
        if d is None or not _mask_free(r.taken, m.start() - k, m.end()):
            continue
        s0 = m.start() - k
        if s0 > 0 and r.atom[s0 - 1] in "在于":
            s0 -= 1
        r.add(s0, m.end(), _leaf("region", None, None, [d.code], r.atom[s0:m.end()], f"注册地在{d.name}"))
        break
    for m in _REGION_AFTER_RE.finditer(r.atom):
        place = m.group("place")
        d, k = _place_before(place, r.blk.doc_region)
        if d is None or not _mask_free(r.taken, m.start(), m.end()):
            continue
        end = m.start("place") + len(place) if k == len(place) else m.end()
        r.add(m.start(), end, _leaf("region", None, None, [d.code], r.atom[m.start():end], f"注册地在{d.name}"))


#: Recognisers run in this order on every comma part: earlier ones take their
#: words, so later ones never read them again.
_RECOGNISERS = (_recognise_thresholds, _recognise_layoff, _recognise_qualifications, _recognise_firm_kinds,
                _recognise_hiring, _recognise_dates, _recognise_regions)


def _recognise(atom: str, off: int, blk: _Block) -> list[_Hit]:
    """Leaves recognised in ``atom`` (at block offset ``off``), in text order:
    every recogniser of :data:`_RECOGNISERS` in turn, then numbers that only
    describe hired groups are dropped; a part with only unrecognised numbers
    gives no hit (it becomes one text leaf)."""
    r = _Recognition(atom, off, blk, taken=[(m.start(), m.end()) for m in _TITLE_RE.finditer(atom)])
    for recogniser in _RECOGNISERS:
        recogniser(r)
    hits, unmapped = r.hits, r.unmapped
    hires = [h for h in hits if (h.leaf.attribute or "").endswith("招用人数")]
    if hires and unmapped:
        # 16-24岁登记失业青年: numbers describing the hired groups, not the firm
        drop = {id(hits[i]) for i in unmapped if hits[i].start > hires[0].start - 30}
        hits = [h for h in hits if id(h) not in drop]
        unmapped = [i for i, h in enumerate(hits) if h.leaf.kind == "text"]
    if len(unmapped) == len(hits):
        return []  # only unrecognised numbers: the whole part becomes one text leaf
    hits.sort(key=lambda h: h.start)
    return hits




# ---------------------------------------------------------------------------
# helpers shared by the later stages


_LIST_GAP_RE = re.compile(r"^[\s、,，/和或及与以]*(?:以及)?[\s、,，/和或及与]*(?:等)?[\s、,，/和或及与]*$")


_TEXT_MIN = 4


_LABEL_NUMBER_RE = re.compile(r"^\s*(?:\d+[.．、]|[（(]\d+[）)]|[①-⑳]|[（(][一二三四五六七八九十]+[）)])\s*")
_LABEL_LEAD_RE = re.compile(r"^(?:且|并且|并|同时|对于|对(?![外接象])|凡|经(?![营济费销])|须|需|应(?![用届])|或者|或)")


def _clean_label(s: str) -> str:
    s = _LABEL_NUMBER_RE.sub("", s)
    s = _LABEL_LEAD_RE.sub("", s.strip())
    return s.strip(" ，,。；;：:")


_PAREN_RE = re.compile(r"[（(][^（）()]{4,}[）)]")


def _thresholds_in(text: str, base: int, block: str) -> list:
    """Thresholds of ``block`` (at ``base`` in ``text``) in clause-text offsets."""
    out = []
    for t in extract_thresholds(block):
        t.start += base
        t.end += base
        out.append(t)
    return out


def _has_firm_subject(node: Condition | None) -> bool:
    """Whether ``node`` names the kind of firm positively (a membership
    leaf on entity type, qualification, size, ownership, industry or
    taxpayer type that is not under a ``not``)."""
    if node is None:
        return False
    if node.op == "not":
        return False
    if node.op == "leaf":
        return node.kind == "membership" and node.operator == "in" and node.attribute in _FIRM_ATTRS
    return any(_has_firm_subject(k) for k in node.children)
