"""Eligibility conditions (申报条件 / 享受条件 / 支持对象) of one clause as a
condition tree (条件树).

:func:`extract_conditions` reads a clause (its text, service-guide fields,
extracted thresholds, heading path and document) and returns a
:class:`~huiqi.rules.model.Condition` tree, or ``None`` when the clause
states no condition on the firm.

Where conditions are read
-------------------------
- Service guides (服务指南, a clause with ``fields``): the fields 适用范围,
  申报条件, 享受条件 and any field whose name holds 对象 or 条件, plus
  ``实施对象：`` / ``补贴对象：`` … paragraphs inside other fields. Every
  sentence of these fields is a condition unless it is a definition (是指),
  procedure (提交, 审核 …) or benefit arithmetic.
- Other clauses: the conditional part of sentences that grant something —
  ``对…的，给予…``, ``凡…的``, ``…的，给予…`` — and exclusion sentences
  (``…的，不予支持``, ``…除外``); goals (力争…, 到2025年…) and duties of
  government units (sentences without such a construction) give nothing.

How the tree is built
---------------------
Numbered lists are nested by their numbering (（一） > 1. > （1） ①).
A list is ``any`` when its lead-in says so (符合下列条件之一, 如下要求 tiers,
分别满足 / 两类 tracks, or its headings are alternative project kinds such as
节能 / 节水 / 综合利用), otherwise ``all``; each track keeps its heading as
the node label. Within a sentence, comma parts are ANDed; recognised leaves
joined by 或 — or subject words (高新技术企业、科技型中小企业) joined by
、/和/及 — are ORed. Exclusions become ``not(any(...))``.

Leaves (see :mod:`huiqi.rules.vocab` for the word lists): qualifications,
entity types, size classes (中小微企业 → {中型, 小型, 微型}), taxpayer type,
tax credit grade, ownership, listing, industry (GB/T 4754-2017 codes),
project kinds, thresholds from :func:`huiqi.extract.thresholds.extract_thresholds`
mapped to profile attributes (money in yuan, rates as fractions), dates
(2022年1月1日后建成投产 → ``project.completed >= 2022-01-01``), region words
(在阿拉善盟注册 → GB/T 2260 code) and hiring of target groups
(招用登记失业人员 → ``facts.登记失业人员招用人数 >= 1``). Anything that is a
condition but not machine-checkable becomes a ``text`` leaf (to confirm).
Every leaf's ``source_text`` is a verbatim substring of the clause text.
Region scope from the document's level/region is left to the engine.

Further rules (all general wording rules, no per-document tables):

- comma parts bounding the same attribute in the same direction are tiers
  (裁员率不高于5.5%，30人以下的企业裁员率不高于20%) and are ORed;
  ``X不受…限制`` is an exemption ORed with the preceding part;
- unrecognised words before or after recognised leaves (首次获批…,
  未开具3%增值税专用发票的…, …的农畜产品精深加工企业) become ``text`` leaves, so
  nothing is silently passed; a partly understood 或 keeps its other branch as
  text, so it is never made stricter;
- a beneficiary that is a person (人才, 教师…) or a government level (盟市,
  旗县, 示范县…) gives ``entity_type in [个人 / 地方政府]``, which no enterprise
  profile meets; subject words naming parties the applicant serves or hires
  (支持小微企业融资担保的公司, 拥有不少于1家小巨人企业的集群) give no leaf;
- thresholds that compute a benefit (…的部分, 最高…) or restate a limit
  (（按季9万元）) and goals (力争…, 到2025年…) give nothing;
- a field whose whole condition is one alternative of another field's list
  (申报条件 按小规模纳税人管理的 vs 适用范围 小规模纳税人、小型微利企业和个体工商户)
  is not an extra requirement;
- lists of applicant kinds are alternatives also when written with a
  bracket (种植企业（合作社、种植户）, 企业（合作社）) or when the last kind
  opens the next phrase (企业、合作社、家庭农场养殖…300只以上的); unknown
  kinds in the list (种植户) stay a ``text`` alternative;
- unrecognised conditions joined by 且/并/同时 between recognised leaves
  (种植500亩以上且与养殖场（户）签订饲草购销合同的) become ``text`` leaves;
- the subject after the last 的 of 或-alternatives is shared by all of them
  (研发投入占营业收入比例达到3%以上或研发投入达到5000万元以上的规模以上企业);
- 具有独立法人资格 gives ``entity_type not_in [个体工商户]`` (a 个体工商户 is no
  legal person) plus the ``text`` leaf (other firms still confirm it);
- in an exclusion the words qualifying the excluded noun are kept:
  已享受同类项目补助的家庭农牧场原则上不再享受 excludes a 家庭农牧场 *that
  already received* such aid — ``not(all(已享受同类项目补助, 家庭农牧场))``,
  the qualifier a ``text`` leaf to confirm (已享受 is procedure elsewhere,
  not here); an exclusion of benefits (技能提升补贴和职业培训补贴不得重复享受)
  is a stacking rule, no condition;
- the beneficiary (受益对象) is a positive condition when the clause has no
  entity-type / qualification condition of its own: the noun of a benefit
  sentence without a condition part (每个家庭农牧场补助…, 给予合作社…奖励)
  and the noun of a "no more / again" exclusion (不再享受, 不再重复支持,
  不得再享受, 已享受…的X) — only when every such noun is recognised and
  the clause has no conditional offer with an unrecognised subject, so a
  clause is never made stricter than written. Then ``all(A, not(all(q, A)))``
  is written ``all(A, not(q))`` (the same in Kleene logic);
- 研发费用占营业收入比例 (one year; not 近N年/平均) is the free fact
  ``facts.研发费用占营业收入比例`` (a fraction); 节能量…吨 is 吨标准煤;
  节能/节水(技术)改造(工程)项目 and 节能技改项目 are project kinds.

:func:`condition_stats` measures coverage over a list of clauses.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from huiqi.extract.thresholds import extract_thresholds
from huiqi.reference.regions import find_division
from huiqi.rules import vocab as V
from huiqi.rules.model import Condition
from huiqi.rules.vocab import GOVERNMENT, PERSON, describe

__all__ = ["condition_stats", "extract_conditions"]

# ---------------------------------------------------------------------------
# splitting helpers (aware of brackets and quotes)

_OPEN = "（(“《[【「"
_CLOSE = "）)”》]】」"


def _split(s: str, seps: str, base: int = 0) -> list[tuple[int, str]]:
    """Split ``s`` at characters of ``seps`` outside brackets; returns
    ``(offset, piece)`` with offsets relative to ``base``; pieces keep no
    separator and are not stripped (offsets stay exact)."""
    out: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(s):
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


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _cjk_len(s: str) -> int:
    return len(_CJK_RE.findall(s))


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
        """Matches of ``rx`` in the atom over words not yet taken."""
        for m in rx.finditer(self.atom):
            if _mask_free(self.taken, m.start(), m.end()):
                yield m


def _recognise_thresholds(r: _Recognition) -> None:
    """Thresholds found by the extractor (block coordinates) → threshold
    leaves, or text leaves when the attribute is unknown."""
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
    for m in r.scan(re.compile(r"未裁员(?=或)")):
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
        for m in rx.finditer(r.atom):
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


def _recognise_hiring(r: _Recognition) -> None:
    """Hiring of target groups (招用登记失业人员 …) → ``facts.<group>招用人数 >= 1``."""
    hm = re.match(r"\s*(?:以及|及|和|或)", r.atom)
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
# combining hits of one atom

_LIST_GAP_RE = re.compile(r"^[\s、,，/和或及与以]*(?:以及)?[\s、,，/和或及与]*(?:等)?[\s、,，/和或及与]*$")




def _combine_atom(hits: list[_Hit], atom: str, off: int, label: str = "") -> Condition | None:
    """Leaves of one comma part. Alternatives written with 或 are ORed,
    an alternative without recognised leaves becoming a ``text`` leaf (so a
    partly understood 或 never makes the condition stricter); otherwise
    the AND of groups, a group being subject words (高新技术企业、科技型中小企业)
    joined by 、/和/及 (ORed)."""
    if not hits:
        return None
    alts = _split_or(atom, off)
    if len(alts) >= 2 and all(_cjk_len(a) >= 4 for _, a in alts):
        shared = _shared_head(hits, alts)
        if shared is not None:
            # 研发投入占营业收入比例达到3%以上或研发投入达到5000万元以上的规模以上企业:
            # the subject after the last 的 is that of every alternative
            cut, tail = shared
            rest = [h for h in hits if h not in tail]
            head_node = _combine_and(tail, atom[cut - off:], cut)
            alt_node = _combine_atom(rest, atom[:cut - off], off) if rest else None
            if alt_node is not None:
                return Condition.all_of([alt_node, head_node], source_text=atom.strip(), label=label or _clean_label(atom))
        nodes: list[Condition] = []
        for a_off, alt in alts:
            inside = [h for h in hits if h.start >= a_off and h.end <= a_off + len(alt)]
            node = _combine_and(inside, alt, a_off) if inside else _text_leaf(alt, a_off, "guide")
            if node is None and not inside:
                continue
            if node is not None:
                nodes.append(node)
        straddling = [h for h in hits if not any(h.start >= o and h.end <= o + len(a) for o, a in alts)]
        if not straddling and len(nodes) >= 2:
            return Condition.any_of(nodes, source_text=atom.strip(), label=label or _clean_label(atom))
    return _combine_and(hits, atom, off, label)


def _shared_head(hits: list[_Hit], alts: list[tuple[int, str]]) -> tuple[int, list[_Hit]] | None:
    """``(offset after the last 的 of the last alternative, the subject hits
    after it)`` when those subjects are the head noun of all alternatives —
    no other alternative names a subject of its own; else ``None``."""
    l_off, last = alts[-1]
    depth, pos = 0, -1
    for i, ch in enumerate(last):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "的" and depth == 0:
            pos = i
    if pos < 0:
        return None
    cut = l_off + pos + 1
    tail = [h for h in hits if h.start >= cut]
    if not tail or not all(h.subject for h in tail) or not any(h.end <= cut for h in hits):
        return None
    if any(h.subject for h in hits if h.end <= cut):
        return None
    return cut, tail


def _split_or(atom: str, off: int) -> list[tuple[int, str]]:
    """Alternatives of ``atom`` separated by 或/或者 outside brackets."""
    out: list[tuple[int, str]] = []
    depth = 0
    start = 0
    i = 0
    while i < len(atom):
        ch = atom[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "或" and depth == 0 and not (atom[i + 1:i + 2] == "《" or atom[i - 1:i] == "》"):
            out.append((off + start, atom[start:i]))
            i += 2 if atom[i:i + 2] == "或者" else 1
            start = i
            continue
        i += 1
    out.append((off + start, atom[start:]))
    return [(o, a) for o, a in out if a.strip()]


_SUBJECT_NOUN_RE = re.compile(r"(?:企业|单位|机构|组织|团体|基金会|事务所|院所|高校|个体户|合作社|农牧场|公司|主体|农牧户|种植户|养殖户|养殖场)"
                              r"(?:等)?(?:单位|经营主体)?(?:[（(][^）)]{1,6}[）)])?$")


_SEP_RE = re.compile(r"[、和或及与]")


#: a recognition that must be recent (新获得, 新认定, 首次获得…) opening a list
#: of titles: the words up to the verb govern every title of the list
_RECENT_AWARD_RE = re.compile(r"^(?P<pre>[^、，,；;]*?(?:新获得|新获评|新认定为?|首次获得|首次认定为?|新评为|新晋升?为?))")


def _combine_and(hits: list[_Hit], atom: str, off: int, label: str = "") -> Condition:
    """Hits of one 或-free part: phrases separated by 、/和/及 that consist
    only of subject words (高新技术企业、科技型中小企业; 中型、小型、微型工业企业
    和…软件企业) are alternatives (ORed); otherwise everything is ANDed.
    Words before a recent-recognition verb opening a 、-list whose first
    title is unrecognised (乳业开发区企业新获得国家技术创新示范企业、单项冠军企业、
    “专精特新”小巨人企业荣誉称号的) are one ``text`` leaf ANDed with the
    list: holding a title is not enough, a person confirms it is new (when
    the first title is recognised, those words are already a leaf of their own)."""
    rm = _RECENT_AWARD_RE.match(atom)
    first = _split(atom, "、", off)[0]
    if (rm and hits and rm.end() < len(first[1].rstrip())
            and not any(h.start < first[0] + len(first[1]) for h in hits)):
        # the list's first title is unrecognised: without the cut, the words
        # before the verb would stick to it and be lost for the other titles
        pre = rm.group("pre").strip(" ，,")
        recent = _leaf("text", None, None, None, pre, _clean_label(pre) or pre)
        rest = _combine_and(hits, " " * rm.end() + atom[rm.end():], off, label)  # offsets kept
        kids = rest.children if rest.op == "all" else [rest]
        return Condition.all_of([recent, *kids], source_text=atom.strip(), label=label or _clean_label(atom))
    phrases: list[list[_Hit]] = [[hits[0]]]
    for prev, h in zip(hits, hits[1:]):
        gap = atom[max(0, prev.end - off):max(0, h.start - off)]
        bracket_alt = prev.subject and h.subject and gap.strip() in ("（", "(")  # 企业（合作社）
        if (_SEP_RE.search(gap) or bracket_alt) and not re.search(r"且|同时|并", gap):
            phrases.append([h])
        else:
            phrases[-1].append(h)
    # 种植200亩以上的合作社、家庭农牧场: the subject closing a mixed phrase
    # belongs to the list of subjects that follows
    # and (企业、合作社、家庭农场养殖鸵鸟300只以上的) the subject opening a
    # mixed phrase belongs to the list of subjects before it
    split: list[list[_Hit]] = []
    for i, p in enumerate(phrases):
        nxt = phrases[i + 1] if i + 1 < len(phrases) else None
        prv = split[-1] if split else None
        if (len(p) > 1 and p[-1].subject and not all(h.subject for h in p)
                and nxt is not None and all(h.subject for h in nxt)):
            split.extend([p[:-1], [p[-1]]])
        elif (len(p) > 1 and p[0].subject and not all(h.subject for h in p)
              and prv is not None and all(h.subject for h in prv)):
            split.extend([[p[0]], p[1:]])
        else:
            split.append(p)
    phrases = split
    # a list of subjects with unrecognised members (企业、社会团体、基金会…):
    # the recognised ones are only some of the alternatives
    pieces = _split(atom, "、和及", off)
    for h in hits:  # 种植企业（合作社、种植户）: the members of a bracket after a subject
        rel = h.end - off
        if h.subject and atom[rel:rel + 1] in "（(":
            close = next((j for j in range(rel, len(atom)) if atom[j] in "）)"), -1)
            if close > rel and any(off + rel < x.start < off + close for x in hits):
                pieces.extend(_split(atom[rel + 1:close], "、和及与", off + rel + 1))
    others = [(o, t) for o, t in pieces
              if not any(h.start < o + len(t) and h.end > o for h in hits)
              and _SUBJECT_NOUN_RE.search(t.strip().removesuffix("的")) and _cjk_len(t) >= 2]
    if not any(h.subject for h in hits):
        others = []

    def phrase_node(p: list[_Hit]) -> Condition:
        if len(p) == 1:
            return p[0].leaf
        src = atom[min(h.src_start for h in p) - off:p[-1].end - off]
        return Condition.all_of([h.leaf for h in p], source_text=src, label=_clean_label(src))

    other_leaf = None
    if others:
        o0, o1 = others[0][0], others[-1][0] + len(others[-1][1])
        src = atom[o0 - off:o1 - off].strip(" ，,、")
        other_leaf = _leaf("text", None, None, None, src, "属于：" + "、".join(_clean_label(t) for _, t in others))
    # consecutive all-subject phrases form one OR group; other phrases are ANDed
    groups: list[list[list[_Hit]]] = []
    for p in phrases:
        is_subj = all(h.subject for h in p)
        if is_subj and groups and all(h.subject for q in groups[-1] for h in q):
            groups[-1].append(p)
        else:
            groups.append([p])
    nodes: list[Condition] = []
    for g in groups:
        subj = all(h.subject for q in g for h in q)
        alts = [phrase_node(q) for q in g] if subj else [phrase_node([h for q in g for h in q])]
        if subj and other_leaf is not None:
            alts.append(other_leaf)
            other_leaf = None
        if len(alts) == 1:
            nodes.append(alts[0])
        else:
            src = atom[min(h.src_start for q in g for h in q) - off:g[-1][-1].end - off]
            nodes.append(Condition.any_of(alts, source_text=src or atom.strip(), label=_clean_label(src) or label))
    if len(nodes) == 1:
        return nodes[0]
    flat: list[Condition] = []
    for n in nodes:
        flat.extend(n.children if n.op == "all" else [n])
    return Condition.all_of(flat, source_text=atom.strip(), label=label)


def _clean_label(s: str) -> str:
    s = re.sub(r"^\s*(?:\d+[.．、]|[（(]\d+[）)]|[①-⑳]|[（(][一二三四五六七八九十]+[）)])\s*", "", s)
    s = re.sub(r"^(?:且|并且|并|同时|对于|对(?![外接象])|凡|经(?![营济费销])|须|需|应(?![用届])|或者|或)", "", s.strip())
    return s.strip(" ，,。；;：:")


_TEXT_MIN = 4


def _non_condition(s: str, exclusion: bool = False) -> bool:
    """Whether ``s`` holds procedure / definition words
    (:data:`~huiqi.rules.vocab.NON_CONDITION_RE`). In an exclusion the
    "already received" words (已享受同类项目补助) are the excluded condition,
    not procedure, so they do not count there."""
    for m in V.NON_CONDITION_RE.finditer(s):
        if exclusion and m.group(0) == "已享受":
            continue
        return True
    return False


def _text_leaf(atom: str, off: int, mode: str) -> Condition | None:
    """A ``text`` leaf for an unrecognised condition part, or ``None`` when
    the part is not a condition (generic subject, procedure, too short).
    ``mode`` ``exclusion`` is ``guide`` for the subject of an exclusion
    (already-received words are kept, see :func:`_non_condition`)."""
    o, a = _trim(off, atom)
    if _cjk_len(a) < _TEXT_MIN:
        return None
    label = _clean_label(a)
    if not label or _non_condition(a, mode == "exclusion") or V.GOAL_RE.search(a):
        return None
    if a.startswith("的"):
        return None
    core = re.sub(r"的$", "", label)
    if V.GENERIC_RE.match(core):
        return None
    if mode == "subject" and _cjk_len(core) < 3:
        return None
    return _leaf("text", None, None, None, a, label)


# ---------------------------------------------------------------------------
# sentences

_LEAD_RE = re.compile(r"^\s*(?:\d+[.．、]|[（(]\d+[）)]|[①-⑳]|[（(][一二三四五六七八九十]+[）)])?\s*"
                      r"(?:对于|对(?![外接象])|凡|经(?![营济费销])|被(?!告))?")
_INTRO_RE = re.compile(r"(?:须|需|应|应当)?(?:同时)?(?:符合|满足|具备)(?:下列|以下|如下)|(?:须|需|应)?(?:同时)?满足|条件(?:如下|为)[：:]?|如下要求|以下条件|下列条件|下列情形")
_ANY_INTRO_RE = re.compile(r"之一|任一|任意一|如下要求|分档|分别满足|两类|三类|四类|其中一|满足一项|满足其中|属于以下|属于下列|以下情形|下列情形之")
_ADDON_RE = re.compile(r"再给予|另给予|再奖励|追加|另行给予|再按")


def _condition_part(sent: str, mode: str = "subject") -> tuple[str, bool] | None:
    """The condition part of a sentence and whether it is an exclusion
    (``…的，不予支持``); ``None`` when the sentence has no such construction
    (a goal, a duty of a government unit, a bare benefit)."""
    ex = V.EXCLUDE_RE.search(sent)
    if ex:
        parts = _split(sent[:ex.start()], "，,")
        # the excluded subject is the last comma part (…，低于100吨的不予补贴)
        return (parts[-1][1] if parts else sent[:ex.start()]), True
    for b in V.BENEFIT_RE.finditer(sent):
        left = sent[:b.start()]
        # 对…的 / 凡…的 / …的，
        ms = list(re.finditer(r"(?:^\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[①-⑳])?|[，,：:。\s]|每年|按年度)"
                              r"(?:[一二三四五六七八九十]是|其中|同时)?(?:对于|对(?![外接象])|凡)", left))
        if ms:  # the last 对 before the benefit (按年度对园区考核评价，对前3名的园区给予…)
            return left[ms[-1].end():], False
        m = re.search(r"(?:^|[，,])(?P<cond>[^，,]+的)[，,][^，,]{0,12}$", left)
        if m:
            if mode == "guide" or _FIRM_START_RE.match(left):
                # every part before …的，可申请 is a condition (in a guide field, or
                # when the sentence opens with the applicant: 参保企业足额缴纳…，…的，可以申请)
                return left[:m.end("cond")], False
            return m.group("cond"), False
        # 企业主导制定并获批国际标准，每个标准分别奖励…: the part before 每/分别
        m = re.search(r"(?:^|[，,])(?P<cond>[^，,]*(?:企业|单位|主体|项目)[^，,]*)[，,](?:每[^，,]{0,6}|分别|一次性)$", left)
        if m and not _DUTY_RE.match(m.group("cond")):
            return m.group("cond"), False
    return None


_FIRM_START_RE = re.compile(r"^\s*(?:\d+[.．、]|[一二三四五六七八九十]+、)?\s*(?:参保|申请|申报|符合条件的|新办|新设立的)?"
                            r"(?:企业|单位|纳税人|个体工商户|小规模纳税人|小型微利企业|经营主体|市场主体|用人单位)")
_DUTY_RE = re.compile(r"^\s*(?:\d+[.．、])?\s*(?:支持|鼓励|推动|加大|实施|引导|推进|加强|做好|统筹|安排|落实|建立|完善|开展)")


def _subject_span(cond: str) -> str:
    """The subject of 对…的，给予: comma parts up to the first one holding 的
    (对集中连片种植500亩以上，且…签订合同的主体), else the first part — later
    parts (按投资额的15%, 根据绩效) describe the benefit; 分别/一次性 inside a
    part also starts the benefit (对“大国工匠”、“北疆工匠”分别按…)."""
    m = re.search(r"(?<=.)(?:分别|一次性|每年|每人|每个|每(?:新增)?[一]?[头吨亩只峰台套平])", cond)
    if m:
        cond = cond[:m.start()]
    parts = _split(cond, "，,")
    if not parts:
        return cond
    end = None
    for o, p in parts:
        if "的" in p:
            end = o + len(p)
            break
    if end is None:
        end = parts[0][0] + len(parts[0][1])
    return cond[:end]


_LEVEL_LIST_RE = re.compile(rf"(?P<levels>{V.LEVEL_WORD}(?:\s*[、和及或]\s*{V.LEVEL_WORD})+)(?P<rest>[^，,、]*)")


def _tracks(node: Condition) -> Condition:
    """分别给予 after a list: each listed kind is a track (any, labelled):
    a membership leaf with several values is split; a text leaf holding a
    level list (国家级、自治区级…示范基地) becomes one text leaf per level."""
    if (node.op == "leaf" and node.kind == "membership" and node.attribute == "qualifications"
            and isinstance(node.value, list) and len(node.value) > 1):
        kids = [Condition.leaf("membership", node.attribute, node.operator, [v], source_text=node.source_text, label=str(v))
                for v in node.value]
        return Condition.any_of(kids, source_text=node.source_text, label=f"分别：{node.label}")
    if node.op == "leaf" and node.kind == "text":
        m = _LEVEL_LIST_RE.search(node.source_text)
        if m:
            rest = re.sub(r"的$", "", m.group("rest"))
            kids = []
            for lm in re.finditer(V.LEVEL_WORD, m.group("levels")):
                kids.append(_leaf("text", None, None, None, lm.group(0), f"{lm.group(0)}{rest}"))
            if len(kids) >= 2:
                return Condition.any_of(kids, source_text=node.source_text, label=f"分别：{node.label}")
        items = _split(node.source_text, "、")
        if 2 <= len(items) <= 8 and all(_cjk_len(t) >= 2 and len(t) <= 16 for _, t in items):
            kids = [_leaf("text", None, None, None, t.strip(), _clean_label(t)) for _, t in items]
            return Condition.any_of(kids, source_text=node.source_text, label=f"分别：{node.label}")
        return node
    if node.op in ("all", "any"):
        node.children = [_tracks(k) for k in node.children]
    return node


_PAREN_RE = re.compile(r"[（(][^（）()]{4,}[）)]")
_PREFERENCE_RE = re.compile(r"^(?:\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)]))?\s*(?:重点支持|优先支持|主要支持|鼓励|优先|支持|引导)")


_EXCEPT_HEAD_RE = re.compile(r"^(?P<lead>\s*(?:\d+[.．、]|[（(]\d+[）)])?\s*)除(?P<x>[^，,。；]{2,40}?)(?:以)?外[，,]")
_EXCEPT_TAIL_RE = re.compile(r"(?:^|[，,])(?P<x>[^，,]{2,60}?)除外(?:[（(][^）)]*[）)])?$")
_NOT_INCLUDE_RE = re.compile(r"[，,]\s*(?:但)?(?:不包括|不含)(?P<x>[^，,]{2,80})")


_BASE_PART_RE = re.compile(r"^\s*(?:按照?|依据|根据)")


def _excludes_applicants(before: str) -> bool:
    """Whether ``…，不包括X`` (``before`` = the text up to the comma)
    excludes applicants or projects (…技术改造设备投资补助，不包括节能节水等
    绿色化改造…项目) rather than narrowing a base of calculation (按单位实际
    缴纳的社会保险费，不包括个人应缴纳的部分) or the content of a
    parenthesis (信息服务业务（仅限应用商店，不含网络出版服务）): the
    comma part before it must not open with 按/按照/依据/根据 (以 would
    catch 以工艺设备更新提升为重点的…), and no parenthesis may be open."""
    if before.count("（") + before.count("(") > before.count("）") + before.count(")"):
        return False
    last = re.split(r"[，,]", before)[-1]
    return not _BASE_PART_RE.match(last)


def _parse_sentence(sent: str, off: int, blk: _Block, mode: str) -> list[tuple[str, Condition]]:
    """Conditions of one sentence as ``(role, node)`` pairs (see
    :func:`_parse_simple`), after splitting off 除X外，… (X is an
    alternative way to qualify), …，X除外 and …，不包括X (exclusions of X)."""
    s = sent.rstrip(" \t。；;")
    m = _EXCEPT_HEAD_RE.match(s)
    if m:
        rest_off = m.end()
        x_off = off + m.start("x")
        rest = _parse_sentence(s[rest_off:], off + rest_off, blk, mode)
        x = _text_leaf(m.group("x"), x_off, "guide")
        if not rest:
            return []
        if x is None:
            return rest
        role, node = rest[0]
        alt = Condition.any_of([_relabel(x, f"属于：{_clean_label(m.group('x'))}"), node],
                               source_text=s.strip(), label="符合其一")
        return [(role, alt), *rest[1:]]
    m = _EXCEPT_TAIL_RE.search(s)
    if m and m.start("x") > 0:
        x_node = _parse_parts(m.group("x"), off + m.start("x"), blk, "guide", exclusion=True)
        out = _parse_sentence(s[:m.start()], off, blk, mode)
        if x_node is not None:
            out.append(("excl", Condition.negation(x_node, m.group("x").strip(), f"不属于：{_clean_label(m.group('x'))}")))
        return out
    m = _NOT_INCLUDE_RE.search(s)
    if m and not _excludes_applicants(s[:m.start()]):
        # …，不包括X that narrows a base of calculation or a parenthesis: no
        # condition; a benefit glued to X (…，不包括个人应缴纳的部分给予补贴) stays
        b = V.BENEFIT_RE.search(m.group("x"))
        cut = m.start("x") + b.start() if b else m.end()
        return _parse_sentence(s[:m.start()] + " " * (cut - m.start()) + s[cut:], off, blk, mode)
    if m:
        x_node = _parse_parts(m.group("x"), off + m.start("x"), blk, "guide", exclusion=True)
        out = _parse_sentence(s[:m.start()] + " " * (len(s) - m.start()), off, blk, mode)
        if x_node is not None:
            out.append(("excl", Condition.negation(x_node, m.group("x").strip(), f"不包括：{_clean_label(m.group('x'))}")))
        return out
    r = _parse_simple(s, off, blk, mode)
    return [r] if r is not None else []


def _relabel(c: Condition, label: str) -> Condition:
    c.label = label
    return c


def _parse_simple(sent: str, off: int, blk: _Block, mode: str) -> tuple[str, Condition] | None:
    """Conditions of one sentence (no 。/；inside) as ``(role, node)``:
    role ``offer`` (the condition of something granted), ``excl`` (an
    exclusion, already negated) or ``cond`` (a plain condition of a guide
    field). ``mode`` is ``guide`` (every part is a condition) or ``subject``
    (only the conditional part of a granting sentence). ``None`` for
    sentences that state no condition."""
    o, s = _trim(off, sent)
    g = V.GOAL_RE.search(s) if s else None
    if g:  # …，到2025年全区高新技术企业超过2000家: drop the goal and what follows
        cut = max(s.rfind("，", 0, g.start()), s.rfind(",", 0, g.start()))
        s = s[:cut] if cut > 0 else ""
    if not s:
        return None
    if mode == "guide" and _PREFERENCE_RE.match(s) and not V.EXCLUDE_RE.search(s):
        return None  # 重点支持… / 鼓励…: directions, not requirements
    if mode == "guide" and (V.NON_CONDITION_RE.search(s) or _ADDON_RE.search(s)):
        # definitions/procedure; still honour explicit exclusions
        if not V.EXCLUDE_RE.search(s) or "不得重复" in s:
            return None
    part = _condition_part(s, mode)
    negated = False
    role = "cond"
    if part is not None:
        cond_text, negated = part
        if negated and mode == "guide":
            pre = s[:s.find(cond_text)].rstrip("，, ")
            if _cjk_len(pre) >= _TEXT_MIN:
                pre_node = _parse_parts(pre, o, blk, mode)
                if pre_node is not None:
                    ex = _parse_simple(s[len(pre):], o + len(pre), blk, mode)
                    if ex is None:
                        return "cond", pre_node
                    return "cond", Condition.all_of([pre_node, ex[1]], source_text=s, label=_clean_label(s))
        role = "excl" if negated else "offer"
        if mode == "subject" and not negated and _ADDON_RE.search(s):
            return None
    elif mode == "guide":
        cond_text = s
    else:
        return None
    if role == "offer" and mode == "subject":
        cond_text = _subject_span(cond_text)
        if re.match(r"\s*(?:按照?|每)", cond_text) or re.search(r"(?:\d|[%％元]|的部分)\s*$", cond_text.strip()):
            return None  # 收购生鲜乳数量的10%: the base of a benefit, not a condition
    cs = s.find(cond_text)
    c_off = o + cs
    # strip the lead words (对/凡/numbering) and the trailing 的
    lm = _LEAD_RE.match(cond_text)
    if lm and lm.end():
        c_off += lm.end()
        cond_text = cond_text[lm.end():]
    # cut an intro (符合下列条件之一的): the list that follows is parsed by the caller
    im = _INTRO_RE.search(cond_text)
    if im:
        cond_text = cond_text[:im.start()]
    if negated:
        # …的家庭农牧场原则上不再享受: the adverb closes the excluded subject
        cond_text = V.EXCLUSION_ADVERB_RE.sub("", cond_text.rstrip(" ，,"))
        if _STACKING_SUBJECT_RE.search(cond_text) and "重复" in (V.EXCLUDE_RE.search(s) or [""])[0]:
            return None  # 技能提升补贴和职业培训补贴不得重复享受: a stacking rule (stacking.py)
    node = _parse_parts(cond_text, c_off, blk, "subject" if negated else mode, exclusion=negated)
    if node is None:
        return None
    if negated:
        src = blk.text[c_off:c_off + len(cond_text)].strip(" ，,")
        ex = V.EXCLUDE_RE.search(s)
        if node.op == "all" and (re.search(r"再|重复", ex.group(0) if ex else "") or V.RECEIVED_RE.search(cond_text)):
            # 已享受同类项目补助的家庭农牧场不再享受: "no more / again" presupposes
            # that the noun is who the clause is for — a beneficiary
            nouns = [k for k in node.children if k.kind != "text" and _has_firm_subject(k)]
            if nouns and len(nouns) < len(node.children):
                blk.beneficiaries.extend(copy.deepcopy(nouns))
        return role, Condition.negation(node, source_text=src or node.source_text, label=f"不属于：{_clean_label(src)}")
    if role == "offer":
        after = s[cs + len(cond_text):]
        if re.match(r"[^，,。；]{0,6}[，,]?\s*(?:每年|每人|一次性)?分别", after):
            node = _tracks(node)
        head_text = re.sub(r"[的，,\s]+$", "", cond_text)
        for rx, who, what in ((V.PERSON_HEAD_RE, PERSON, "个人"), (V.GOVERNMENT_HEAD_RE, GOVERNMENT, "地方政府")):
            pm = rx.search(head_text)
            if pm and not any(l.attribute == "entity_type" for l in node.leaves()):
                p_off = c_off + pm.start()
                who_leaf = _leaf("membership", "entity_type", "in", [who], blk.text[p_off:p_off + len(pm.group(0))],
                                 f"受益对象为{what}（{pm.group(0)}）")
                node = Condition.all_of([who_leaf, node], source_text=cond_text.strip(), label=_clean_label(cond_text))
                break
    return role, node


#: the subject of 不得重复享受 naming benefits, not firms (技能提升补贴和职业培训补贴)
_STACKING_SUBJECT_RE = re.compile(r"(?:补贴|补助|奖励|奖补|资助|政策|优惠|资金)(?:等)?$")

_PREAMBLE_RE = re.compile(r"^(?:依照|依据|根据|按照)[^，,]{0,30}(?:规定|要求)$|^(?:截至|截止|到)?(?:上年末|上年度|当年|近[一二三两\d]年)$"
                          r"|^自?\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:起|以来)?(?:至\d{4}年\d{1,2}月(?:\d{1,2}日)?)?$")
_EXEMPT_RE = re.compile(r"^(?P<x>.+?)不受[^，,]{0,10}限制$")


def _parse_parts(text: str, off: int, blk: _Block, mode: str, exclusion: bool = False) -> Condition | None:
    """AND over comma parts; in exclusions the parts of a 、/和 list are ORed.

    Unrecognised words around recognised leaves (:func:`_modifier`,
    :func:`_middle`, :func:`_head_noun`) are ANDed as ``text`` leaves also
    in an exclusion: in 已享受同类项目补助的家庭农牧场不再享受 what is excluded
    is a 家庭农牧场 *that already received* such aid — not every
    家庭农牧场 — so the exclusion is ``not(all(已享受同类项目补助, 家庭农牧场))``
    (never stricter than written; see :func:`_drop_implied`)."""
    nodes: list[Condition] = []
    or_next: list[bool] = []
    for a_off, atom in _split(text, "，,：:", off):
        if _PREAMBLE_RE.match(atom.strip()):
            continue
        or_next.append(bool(re.match(r"\s*或", atom)))
        xm = _EXEMPT_RE.match(atom.strip())
        if xm and nodes:
            x_off = a_off + atom.find(xm.group("x"))
            x_hits = _recognise(xm.group("x"), x_off, blk)
            x_node = _combine_atom(x_hits, xm.group("x"), x_off) or _text_leaf(xm.group("x"), x_off, "guide")
            if x_node is not None:
                prev = nodes.pop()
                nodes.append(Condition.any_of([prev, x_node], source_text=text.strip(), label="符合其一（或豁免）"))
            or_next.pop()
            continue
        if re.match(r"\s*(?:以及|及)", atom) and nodes and _is_hire(nodes[-1]):
            or_next[-1] = True
        hits = _recognise(atom, a_off, blk)
        if exclusion and not hits:
            items = [(o, p) for o, p in _split(atom, "、", a_off)]
            if len(items) >= 2:
                leaves = [t for o, p in items if (t := _text_leaf(p, o, "guide")) is not None]
                if len(leaves) >= 2:
                    nodes.append(Condition.any_of(leaves, source_text=atom.strip(), label=_clean_label(atom)))
                    continue
        node = _combine_atom(hits, atom, a_off, _clean_label(atom))
        if node is not None:
            extra = [x for x in (_modifier(atom, a_off, hits, exclusion), *_middle(atom, a_off, hits),
                                 _head_noun(atom, a_off, hits) or _predicate(atom, a_off, hits)) if x is not None]
            if extra:
                node = Condition.all_of([*extra, node], source_text=atom.strip(), label=_clean_label(atom))
        if node is None:
            node = _text_leaf(atom, a_off, "exclusion" if exclusion else mode)
        if node is None:
            or_next.pop()
            continue
        if or_next[-1] and nodes:
            prev = nodes.pop()
            kids = prev.children if prev.op == "any" else [prev]
            node = Condition.any_of([*kids, node], source_text=text.strip(), label="符合其一")
        nodes.append(node)
    if not nodes:
        return None
    nodes = _merge_tiers(nodes, text)
    if exclusion and len(nodes) > 1:
        return Condition.any_of(nodes, source_text=text.strip(), label=_clean_label(text))
    return nodes[0] if len(nodes) == 1 else Condition.all_of(nodes, source_text=text.strip(), label=_clean_label(text))


def _is_hire(c: Condition) -> bool:
    leaves = c.leaves()
    return bool(leaves) and all((l.attribute or "").endswith("招用人数") for l in leaves if l.kind != "text") \
        and any((l.attribute or "").endswith("招用人数") for l in leaves)




_RESTATE_RE = re.compile(r"^(?:纳税人|企业|申请人|申报单位|申报主体|(?:补助|补贴|支持|扶持|奖励|申报|实施)对象)?"
                         r"(?:应当|应|须|需|必须)?(?:已经|已)?(?:被)?(?:认定为|认定|评定为|评为|列为|列入|确定为|成为|属于|为|是|按照|按)?$")


def _modifier(atom: str, off: int, hits: list[_Hit], exclusion: bool = False) -> Condition | None:
    """A ``text`` leaf for the unrecognised words before the first recognised
    leaf of a part (未开具3%增值税专用发票的增值税小规模纳税人 → 未开具3%增值税专用发票;
    首次获批高新技术企业的… → 首次获批), so that they are confirmed rather than
    silently passed. Lead words (对/凡), 的 and bare restatements (被认定为)
    give nothing; ``exclusion``: already-received words count (已享受同类项目补助
    的家庭农牧场 → 已享受同类项目补助, see :func:`_non_condition`)."""
    first = min(h.src_start for h in hits) - off
    if first <= 0:
        return None
    if re.search(r"[、和及与或]", atom[:first]) and not atom[:first].rstrip().endswith("的"):
        return None  # 奶畜养殖场和奶农合作社: part of a list of subjects, not a modifier
    o, t = _trim(off, atom[:first])
    lm = _LEAD_RE.match(t)
    if lm and lm.end():
        o, t = o + lm.end(), t[lm.end():]
    t = re.sub(r"(?:的|之|在|和|与|及|、|，|,|\s)+$", "", t)
    core = _clean_label(t)
    if not core or _RESTATE_RE.match(core):
        return None
    need = 3 if re.search(r"首次|新", core) else _TEXT_MIN
    if _cjk_len(core) < need or V.GENERIC_RE.match(core) or _non_condition(core, exclusion) \
            or re.fullmatch(r"(?:符合(?:上述|以上|相关)?条件|经认定|相关|其|其中)", core):
        return None
    return _leaf("text", None, None, None, t, core)


def _head_noun(atom: str, off: int, hits: list[_Hit]) -> Condition | None:
    """A ``text`` leaf for the unrecognised head noun after the last 的
    (年主营业务收入达到2亿元以上的农畜产品精深加工企业 → 农畜产品精深加工企业),
    ``None`` when the head is recognised, generic or absent."""
    depth = 0
    last = -1
    for i, ch in enumerate(atom):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "的" and depth == 0:
            last = i
    last_hit = max(h.end for h in hits) - off
    if last >= 0 and last + 1 >= last_hit:
        start = last + 1  # …的农畜产品精深加工企业
    elif (last_hit < len(atom) and _SUBJECT_NOUN_RE.search(atom.rstrip("。；; "))
          and not re.match(r"\s*[和、或及与]", atom[last_hit:])):
        start = last_hit  # 200峰以上骆驼养殖场: a subject noun right after the last leaf
    else:
        return None
    h_off = off + start
    head = atom[start:]
    if any(h.end > h_off for h in hits):
        return None
    o, t = _trim(h_off, head)
    t = re.sub(r"^(?:以上|以下|及以上|及以下)", "", t)
    o = h_off + head.find(t) if t else o
    if _cjk_len(t) < 3 or V.GENERIC_RE.match(t) or V.BENEFIT_RE.search(t) or _FRAME_RE.match(t):
        return None
    return _leaf("text", None, None, None, t, t)


def _predicate(atom: str, off: int, hits: list[_Hit]) -> Condition | None:
    """A ``text`` leaf for the unrecognised words the part says its subject
    does, after the last recognised leaf when that leaf is a subject (对旅行社
    招徕区外游客给予奖励 → 招徕区外游客): being a 旅行社 is checked, what it
    did is confirmed rather than silently passed, so the clause cannot be
    ``eligible`` on the subject alone. ``None`` when the words are a head
    noun (:func:`_head_noun`), generic, benefit or procedure words, or fewer
    than four Chinese characters."""
    last = max(hits, key=lambda h: h.end)
    if not last.subject:
        return None
    tail = atom[last.end - off:]
    if "的" in tail or re.match(r"\s*[和、或及与（(]", tail):
        return None
    o, t = _trim(last.end, tail)
    t = re.sub(r"[。；;，,\s]+$", "", t)
    core = _clean_label(t)
    if (_cjk_len(core) < _TEXT_MIN or V.GENERIC_RE.match(core) or V.BENEFIT_RE.search(core)
            or _non_condition(core) or V.GOAL_RE.search(core) or _SUBJECT_NOUN_RE.search(core)
            or _GIVING_RE.match(core)):
        return None
    return _leaf("text", None, None, None, t, core)


#: words that start what is done FOR the subject, not by it (对…企业实施配套奖励,
#: 加大资金奖补力度, 以纳税信息为基础): no condition of the subject
_GIVING_RE = re.compile(r"(?:实施|加大|给予|提供|予以|享受|落实|执行|按照?|以|为|由|向)")


#: frame nouns after 的 that are no subject (在…的基础上, 在…的情况下)
_FRAME_RE = re.compile(r"^(?:基础上|情况下|前提下|期间|范围内|方面|同时|部分)")

_MIDDLE_END_RE = re.compile(r"(?:的|之|且|并|和|与|及|、|，|,|\s)+$")


def _middle(atom: str, off: int, hits: list[_Hit]) -> list[Condition]:
    """``text`` leaves for unrecognised conditions joined by 且/并 between
    two recognised leaves (种植500亩以上且与养殖场（户）签订饲草购销合同的种植企业
    → 与养殖场（户）签订饲草购销合同), so that they are confirmed rather than
    silently passed. Only a gap holding 且/并/同时 (outside brackets, no 或)
    counts, split there; a piece becomes a leaf when it keeps at least
    four Chinese characters after the trailing 的 + head noun is cut (the
    applicant noun of the part) and is no procedure or generic word; the
    first piece after an unrecognised threshold (与之签订1年以上|劳动合同)
    continues it and is skipped."""
    out: list[Condition] = []
    spans = sorted((h.src_start - off, h.end - off, h.leaf.kind == "text") for h in hits)
    for (_, e, after_text), (s2, _, _) in zip(spans, spans[1:]):
        if s2 <= e:
            continue
        gap = atom[e:s2]
        if "或" in gap or not _JOIN_SPLIT_RE.search(gap):
            continue
        pieces = _split_join(gap, e)
        if len(pieces) < 2:
            continue
        for p_off, piece in pieces:
            if after_text and p_off == pieces[0][0]:
                continue  # 与之签订1年以上|劳动合同: the rest of an unrecognised condition
            m = re.match(r"(?:的|以上|以下|以内|\s)*", piece)
            t = _MIDDLE_END_RE.sub("", piece[m.end():])
            if p_off == pieces[-1][0] and "的" in t:
                # the subject noun closing the gap (…的种植企业) is the head, not a condition
                t = re.sub(r"的[^的]{0,6}$", "", t)
            core = _clean_label(t)
            if _cjk_len(core) < _TEXT_MIN or V.NON_CONDITION_RE.search(core) or V.GENERIC_RE.match(core):
                continue
            start = p_off + m.end()
            out.append(_leaf("text", None, None, None, atom[start:start + len(t)], core))
    return out


_JOIN_SPLIT_RE = re.compile(r"并且|而且|同时|且|并(?![购入表列存网联行发])")


def _split_join(gap: str, base: int) -> list[tuple[int, str]]:
    """Pieces of ``gap`` (offset ``base``) split at 且/并/同时 outside brackets."""
    out: list[tuple[int, str]] = []
    depth = start = i = 0
    while i < len(gap):
        ch = gap[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _JOIN_SPLIT_RE.match(gap, i)
            if m:
                out.append((base + start, gap[start:i]))
                i = start = m.end()
                continue
        i += 1
    out.append((base + start, gap[start:]))
    return out


def _signature(c: Condition) -> set[tuple[str, str]]:
    out = set()
    for leaf in c.leaves():
        if leaf.kind == "threshold" and leaf.attribute and leaf.operator in (">=", ">", "<=", "<"):
            out.add((leaf.attribute, "ge" if leaf.operator in (">=", ">") else "le"))
    return out


def _merge_tiers(nodes: list[Condition], text: str) -> list[Condition]:
    """Comma parts that bound the same attribute in the same direction
    (裁员率不高于5.5%，30人以下的企业裁员率不高于20%) are alternatives
    (tiers), not cumulative: OR them. Opposite directions (18周岁以上，且不
    超过65周岁) stay ANDed."""
    out: list[Condition] = []
    sigs: list[set[tuple[str, str]]] = []
    for n in nodes:
        sig = _signature(n)
        j = next((i for i, sg in enumerate(sigs) if sg & sig), None)
        if j is None:
            out.append(n)
            sigs.append(sig)
            continue
        prev = out[j]
        kids = prev.children if prev.op == "any" and prev.label == "分档条件（符合其一）" else [prev]
        out[j] = Condition.any_of([*kids, n], source_text=text.strip(), label="分档条件（符合其一）")
        sigs[j] = sigs[j] | sig
    return out


def _parse_line(line: str, off: int, blk: _Block, mode: str) -> Condition | None:
    """Conditions of one line: the sentences (。；) of a guide field are
    ANDed; in clause text the conditions of parallel offers (一是对…免征；
    二是对…免征) are ORed (the firm qualifies by any of them). Exclusions —
    also inside brackets, （对…不予返还） — are ANDed as ``not``."""
    # exclusions in brackets are parsed on their own and blanked out
    excl: list[Condition] = []
    work = line
    for m in _PAREN_RE.finditer(line):
        inner = m.group(0)[1:-1]
        if V.EXCLUDE_RE.search(inner):
            for role, node in _parse_sentence(inner, off + m.start() + 1, blk, "subject"):
                excl.append(node if role == "excl" else Condition.negation(node, inner, f"不属于：{_clean_label(inner)}"))
            work = work[:m.start()] + " " * len(m.group(0)) + work[m.end():]
    offers: list[Condition] = []
    conds: list[Condition] = []
    for s_off, sent in _split(work, "。；;", off):
        for role, node in _parse_sentence(sent, s_off, blk, mode):
            if role == "excl":
                excl.append(node)
            elif role == "offer" and mode == "subject":
                offers.append(node)
            else:
                conds.append(node)
    nodes = list(conds)
    if len(offers) == 1:
        nodes.append(offers[0])
    elif offers:
        nodes.append(Condition.any_of(offers, source_text=line.strip(), label="符合其中一项"))
    nodes.extend(excl)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Condition.all_of(nodes, source_text=line.strip(), label=_clean_label(line)[:40])


# ---------------------------------------------------------------------------
# numbered lists


_LEVEL_RES = [
    (1, re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")),
    (1, re.compile(r"^\s*[一二三四五六七八九十]+、")),
    (2, re.compile(r"^\s*\d+[.．、](?!\d)")),
    (3, re.compile(r"^\s*[（(]\d+[）)]")),
    (3, re.compile(r"^\s*[①-⑳]")),
]


def _level(line: str) -> int:
    for lv, rx in _LEVEL_RES:
        if rx.match(line):
            return lv
    return 0


@dataclass
class _Item:
    level: int
    off: int
    text: str
    children: list["_Item"]


def _tree(block: str, base: int) -> _Item:
    root = _Item(0, base, "", [])
    stack = [root]
    for l_off, line in _split_lines(block, base):
        lv = _level(line)
        if lv == 0:
            # prose: belongs to the current container (as a plain item)
            stack[-1].children.append(_Item(99, l_off, line, []))
            continue
        while len(stack) > 1 and stack[-1].level >= lv:
            stack.pop()
        it = _Item(lv, l_off, line, [])
        stack[-1].children.append(it)
        stack.append(it)
    return root


def _split_lines(block: str, base: int) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in block.split("\n"):
        if line.strip():
            out.append((base + pos, line))
        pos += len(line) + 1
    return out


def _is_heading(text: str) -> bool:
    t = _clean_label(text)
    return bool(_INTRO_RE.search(text)) or text.rstrip().endswith(("：", ":")) or (
        len(t) <= 30 and not re.search(r"[，,；;]", t))


def _build(item: _Item, blk: _Block, mode: str) -> Condition | None:
    """Condition of a list item with its sub-items: the item's own text (a
    lead-in or heading contributes only recognised leaves and the part
    before 符合下列条件…), its prose lines (ANDed) and its numbered sub-items
    (ORed when the lead-in says 之一 / 满足一项 / 如下要求 / 属于以下 / 分别 /
    两类, or when they are alternative project kinds; else ANDed)."""
    own: list[Condition] = []
    if item.text:
        if item.children and mode == "guide" and _is_heading(item.text):
            head = item.text
            im = _INTRO_RE.search(head)
            pre = head[:im.start()] if im else head
            lm = _LEAD_RE.match(pre)
            start = lm.end() if lm else 0
            hits = _recognise(pre[start:], item.off + start, blk)
            if hits:
                own.append(_combine_atom(hits, pre[start:], item.off + start))
        else:
            c = _parse_line(item.text, item.off, blk, mode)
            if c is not None:
                own.append(c)
    lead = item.text
    kids: list[Condition] = []
    kinds: list[str] = []
    for ch in item.children:
        if ch.level == 99:
            if _INTRO_RE.search(ch.text) or _ANY_INTRO_RE.search(ch.text):
                lead += ch.text
            c = _build(ch, blk, mode)
            if c is not None:
                own.append(c)
            continue
        c = _build(ch, blk, mode)
        c = _kind_heading(ch, c)
        if c is None:
            continue
        k = next((leaf.value[0] for leaf in c.leaves() if leaf.attribute == "project.kind"), None)
        if k:
            kinds.append(k)
        kids.append(c)
    if not kids:
        if not own:
            return None
        return own[0] if len(own) == 1 else Condition.all_of(own, source_text=item.text.strip(), label=_clean_label(item.text)[:40])
    use_any = bool(_ANY_INTRO_RE.search(lead)) or (len(set(kinds)) >= 2 and len(kinds) == len(kids))
    label = _clean_label(item.text)[:40] if item.text else ""
    if use_any:
        group = Condition.any_of(kids, source_text=item.text.strip(), label=label or "符合其一")
    else:
        group = Condition.all_of(kids, source_text=item.text.strip(), label=label)
    if not own:
        return group
    return Condition.all_of([*own, group], source_text=item.text.strip(), label=label)


_KIND_HEAD_RE = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])?\s*"
                           r"(?P<kind>(?:节能|节水)(?:技术)?改造|(?:资源|固废)?综合利用|技术改造)(?:类)?(?:项目)?\s*(?:[。：:]|$)")


def _kind_heading(item: _Item, c: Condition | None) -> Condition | None:
    """A list item titled by a project kind (（一）节能技术改造。重点支持…) is
    that kind's track: add the ``project.kind`` leaf its title names."""
    m = _KIND_HEAD_RE.match(item.text)
    if not m or (c is not None and any(x.attribute == "project.kind" for x in c.leaves())):
        return c
    kind = next(k for rx, k in V.PROJECT_KIND_PATTERNS if rx.search(m.group("kind") + "项目"))
    leaf = _leaf("membership", "project.kind", "in", [kind], m.group("kind"), f"{kind}项目")
    if c is not None and c.op == "all":
        c.children = [k for k in c.children if not (k.op == "leaf" and k.kind == "text" and k.source_text == m.group("kind"))]
        c = c if c.children else None
    if c is None or (c.op == "leaf" and c.kind == "text" and c.source_text == m.group("kind")):
        return leaf
    return Condition.all_of([leaf, c], source_text=item.text.strip(), label=_clean_label(m.group("kind")))


# ---------------------------------------------------------------------------
# simplification


def _simplify(c: Condition | None) -> Condition | None:
    """Flatten nested all/any, drop empty connectives, unwrap singletons."""
    if c is None or c.op == "leaf":
        return c
    kids = [k for k in (_simplify(x) for x in c.children) if k is not None]
    if c.op == "not":
        return Condition.negation(kids[0], c.source_text, c.label) if kids else None
    flat: list[Condition] = []
    for k in kids:
        if k.op == c.op and not (c.op == "any" and k.label and k.label != c.label):
            flat.extend(k.children)
        else:
            flat.append(k)
    # drop exact duplicates (same leaf twice from field + text)
    seen: set[str] = set()
    uniq = []
    for k in flat:
        if k.op == "leaf" and k.kind != "text":
            key = repr((k.kind, k.attribute, k.operator, k.value))
        else:
            key = repr(k.to_dict())
        if key not in seen:
            seen.add(key)
            uniq.append(k)
    if not uniq:
        return None
    if len(uniq) == 1 and not (c.op == "any" and c.label and uniq[0].op == "leaf" and False):
        return uniq[0]
    return Condition(c.op, uniq, source_text=c.source_text, label=c.label)


# ---------------------------------------------------------------------------
# entry point

_GUIDE_FIELDS = ("适用范围", "申报条件", "享受条件")
_OBJECT_RE = re.compile(r"(?:^|\n)\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])?\s*"
                        r"(?:实施|补贴|补助|支持|申报|扶持|奖励|享受|适用)(?:对象|主体|条件)\s*(?:[：:]\s*\n?|\n)")
_SCOPE_ONLY_RE = re.compile(r"^\s*(?:全盟|全市|全旗|全区|全自治区|全县)(?:各旗区|各旗县区|各旗县|各地|范围内)?[。；]?\s*$")


_SENTENCE_RE = re.compile(r"[^。；;\n]+[。；;]?")


def _exclusion_sentences(value: str, text: str) -> list[tuple[str, int]]:
    """Exclusions written in a guide field that holds no conditions
    (其他事项: …项目未完工的企业不得申报; 政策标准: …不得重复享受; 申报流程):
    each sentence with an exclusion phrase (:data:`huiqi.rules.vocab.EXCLUDE_RE`)
    as a block. A sentence introducing a list (属于以下情形之一的项目不予支持：)
    is left out: the parser reads list items as alternatives to meet, not as
    cases to exclude. Returns (block, offset in the clause text) pairs."""
    pos = text.find(value)
    base = pos if pos >= 0 else 0
    out: list[tuple[str, int]] = []
    for m in _SENTENCE_RE.finditer(value):
        sent = m.group(0)
        if not V.EXCLUDE_RE.search(sent) or sent.rstrip().endswith(("：", ":")):
            continue
        out.append((sent, base + m.start()))
    return out


def _field_blocks(fields: Mapping[str, Any], text: str) -> list[tuple[str, int]]:
    """(block text, offset in clause text) of the condition-bearing fields."""
    out: list[tuple[str, int]] = []
    for name, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            continue
        if name in _GUIDE_FIELDS or "对象" in name or "条件" in name:
            if _SCOPE_ONLY_RE.match(value):
                continue
            out.append((value, max(text.find(value), 0)))
        else:
            out.extend(_exclusion_sentences(value, text))
            # 实施对象：… inside 政策标准 and the like: up to the next numbered heading
            for m in _OBJECT_RE.finditer(value):
                rest = value[m.end():]
                stop = re.search(r"\n\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)])", rest)
                seg = rest[:stop.start()] if stop else rest
                pos = text.find(value)
                out.append((seg, (pos if pos >= 0 else 0) + m.end()))
    return out


def extract_conditions(clause: Mapping) -> Condition | None:
    """Condition tree of a clause's eligibility conditions, or ``None``.

    ``clause`` keys: ``text`` (normalised clause text), ``fields``
    (service-guide fields such as 适用范围, 申报条件, 享受条件, 政策标准; may be
    empty), ``thresholds`` (as stored in the knowledge base; re-derived here
    with positions by :func:`~huiqi.extract.thresholds.extract_thresholds`),
    ``path`` (heading strings), ``document`` ({title, level, region, kind};
    ``region`` resolves 我盟/我市/我旗). See the module docstring for the rules.
    Every leaf carries a verbatim ``source_text`` and a Chinese ``label``.
    Never raises for well-formed input; a non-mapping raises ``TypeError``.
    """
    if not isinstance(clause, Mapping):
        raise TypeError(f"extract_conditions: 条款应为映射，收到 {type(clause).__name__}")
    text = clause.get("text") or ""
    fields = clause.get("fields") or {}
    doc = clause.get("document") or {}
    doc_region = doc.get("region") if isinstance(doc, Mapping) else None
    parts: list[Condition] = []
    named: list[Condition] = []  # beneficiaries named by exclusions
    guide = isinstance(fields, Mapping) and bool(fields)
    if guide:
        for block, base in _field_blocks(fields, text):
            blk = _Block(text, base, block, doc_region)
            node = _build(_tree(block, base), blk, "guide")
            named.extend(blk.beneficiaries)
            if node is not None:
                parts.append(node)
    else:
        blk = _Block(text, 0, text, doc_region)
        node = _build(_tree(text, 0), blk, "subject")
        named.extend(blk.beneficiaries)
        if node is not None:
            parts.append(node)
    parts = [p for p in (_simplify(x) for x in parts) if p is not None]
    if not any(_has_firm_subject(p) for p in parts):
        who = _beneficiary(text, _Block(text, 0, text, doc_region), named, scan=not guide)
        if who is not None:
            parts.insert(0, who)
    if not parts:
        return None
    parts = _drop_subsumed(parts)
    if not parts:
        return None
    return _drop_implied(_simplify(parts[0] if len(parts) == 1 else Condition.all_of(parts)))


# ---------------------------------------------------------------------------
# beneficiary of a benefit sentence (受益对象)

_BENEFIT_NOUN = r"(?:补助|补贴|奖励|奖补|资助|贴息)"
#: 每个家庭农牧场补助资金不超过10万元: the noun between 每个/每家/每户 and the benefit
_EACH_RE = re.compile(rf"每(?:个|家|户)(?P<np>[^，,。；;：:\d]{{2,16}}?)(?:的)?(?:{_BENEFIT_NOUN}|最高|可获得?)")
#: 给予合作社一次性奖励 / 给予家庭农场每个5万元补助: the noun right after 给予
_GRANT_RE = re.compile(rf"给予(?P<np>[^，,。；;：:\d]{{2,16}}?)(?=一次性|每|最高|不超过|不低于|\d|[一二三四五六七八九十百千]+万|{_BENEFIT_NOUN}|资金)")


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


def _beneficiary(text: str, blk: _Block, named: list[Condition] = (), scan: bool = True) -> Condition | None:
    """The beneficiary (受益对象) a clause's benefit sentences name, as a
    positive condition, or ``None``.

    Benefit sentences without a 对…/凡…/…的 condition part still say who
    gets the money: 每个家庭农牧场补助资金不超过10万元, 给予合作社一次性奖励.
    When that noun is an entity type or qualification the profile states
    (家庭农牧场 → ``entity_type in [家庭农牧场]``), the clause is for it.
    ``named`` are the nouns of "no more / again" exclusions
    (已享受同类项目补助的家庭农牧场原则上不再享受: the 家庭农牧场 are who
    the clause is for); ``scan`` looks for the benefit sentences (clause
    text; not for service guides, whose conditions are in their fields).
    Called only when the clause has no such condition already (see
    :func:`extract_conditions`). Nothing is returned — so the clause is
    never made stricter than written — when some benefit sentence names a
    beneficiary that is not recognised (每家企业…, 给予项目单位…), names
    other conditions (每个存栏300头以上的合作社), or when the clause has a
    conditional offer (对…给予, …的，给予) whose subject is not recognised:
    those benefits may go to other firms. Several recognised beneficiaries
    are alternatives (``any``)."""
    found: list[Condition] = list(named)
    if not found and not scan:
        return None
    for s_off, sent in _split(text, "。；;\n"):
        part = _condition_part(sent)
        if part is not None and not part[1]:
            return None  # a conditional offer without a recognised subject (else the tree has one)
        for rx in (_EACH_RE, _GRANT_RE) if scan else ():
            for m in rx.finditer(sent):
                np_off, np = _trim(s_off + m.start("np"), m.group("np"), " 的，,、")
                if not _SUBJECT_NOUN_RE.search(np):
                    continue  # 给予一次性奖励, 每个项目…: no beneficiary named
                hits = _recognise(np, np_off, blk)
                if not hits or not all(h.subject and h.leaf.attribute in _FIRM_ATTRS for h in hits):
                    return None
                node = _combine_atom(hits, np, np_off, f"受益对象：{np}")
                if node is None or node.op not in ("leaf", "any"):
                    return None  # 家庭农场(…)高新技术企业: not a plain list of beneficiaries
                found.append(node)
    if not found:
        return None
    uniq: dict[tuple, Condition] = {}
    for f in found:  # the same beneficiary named twice counts once
        uniq.setdefault(_leaf_key(f) if f.op == "leaf" else (repr(f.to_dict()),), f)
    kids = list(uniq.values())
    if len(kids) == 1:
        return _relabel(kids[0], f"受益对象：{kids[0].label or kids[0].source_text}")
    return Condition.any_of(kids, source_text=kids[0].source_text, label="受益对象（符合其一）")


def _drop_implied(c: Condition | None) -> Condition | None:
    """``all(A, not(all(q, A)))`` → ``all(A, not(q))``: inside an exclusion
    a leaf that the clause already requires (its beneficiary 家庭农牧场) adds
    nothing — what is excluded is the qualifier (已享受同类项目补助). Exact
    (A ∧ ¬(q ∧ A) ≡ A ∧ ¬q in Kleene logic), so nothing gets stricter or
    looser; it only keeps the explanation from quoting the beneficiary as
    an exclusion."""
    if c is None or c.op == "leaf":
        return c
    c.children = [_drop_implied(k) for k in c.children]
    if c.op != "all":
        return c
    required = {_leaf_key(k) for k in c.children if k.op == "leaf" and k.kind != "text"}
    if not required:
        return c
    for i, k in enumerate(c.children):
        inner = k.children[0] if k.op == "not" and k.children else None
        if inner is None or inner.op != "all":
            continue
        rest = [x for x in inner.children if not (x.op == "leaf" and _leaf_key(x) in required)]
        if rest and len(rest) < len(inner.children):
            body = rest[0] if len(rest) == 1 else Condition.all_of(rest, inner.source_text, inner.label)
            c.children[i] = Condition.negation(body, k.source_text, k.label)
    return c


def _leaf_key(c: Condition) -> tuple:
    return (c.kind, c.attribute, c.operator, repr(c.value))


def _drop_subsumed(parts: list[Condition]) -> list[Condition]:
    """A field whose whole condition is one subject leaf that another field
    lists as one alternative (适用范围: 小规模纳税人、小型微利企业和个体工商户;
    申报条件: 按小规模纳税人管理的) describes one case of that list, not an
    extra requirement: drop it."""
    alts: set[tuple] = set()
    for p in parts:
        for node in _walk_nodes(p):
            if node.op == "any":
                alts.update(_leaf_key(k) for k in node.children if k.op == "leaf")
    out = []
    for p in parts:
        if p.op == "leaf" and p.kind == "membership" and _leaf_key(p) in alts and \
                not any(_leaf_key(k) == _leaf_key(p) for k in p.children):
            # only when the any-list lives in another part
            owners = [q for q in parts if q is not p and any(
                n.op == "any" and any(k.op == "leaf" and _leaf_key(k) == _leaf_key(p) for k in n.children)
                for n in _walk_nodes(q))]
            if owners:
                continue
        out.append(p)
    return out


def _walk_nodes(c: Condition):
    yield c
    for k in c.children:
        yield from _walk_nodes(k)


def _thresholds_in(text: str, base: int, block: str) -> list:
    """Thresholds of ``block`` (at ``base`` in ``text``) in clause-text offsets."""
    out = []
    for t in extract_thresholds(block):
        t.start += base
        t.end += base
        out.append(t)
    return out


def condition_stats(clauses: list[Mapping]) -> dict:
    """Coverage of :func:`extract_conditions` over ``clauses`` (mappings as
    for :func:`extract_conditions`, e.g. ``huiqi policies --json``).

    Returns ``{"clauses", "with_conditions", "leaves", "checkable_leaves",
    "text_leaves", "clauses_with_checkable", "by_kind": {kind: n},
    "by_attribute": {attribute: n}}`` — *checkable* leaves are all but
    ``text`` leaves. A measurement helper, not used at run time.
    """
    by_kind: dict[str, int] = {}
    by_attr: dict[str, int] = {}
    n_tree = n_checkable = 0
    for cl in clauses:
        tree = extract_conditions(cl)
        if tree is None:
            continue
        n_tree += 1
        leaves = tree.leaves()
        if any(x.kind != "text" for x in leaves):
            n_checkable += 1
        for x in leaves:
            by_kind[x.kind or ""] = by_kind.get(x.kind or "", 0) + 1
            if x.kind != "text":
                key = x.attribute or x.kind or ""
                by_attr[key] = by_attr.get(key, 0) + 1
    total = sum(by_kind.values())
    return {
        "clauses": len(clauses), "with_conditions": n_tree, "leaves": total,
        "checkable_leaves": total - by_kind.get("text", 0), "text_leaves": by_kind.get("text", 0),
        "clauses_with_checkable": n_checkable, "by_kind": by_kind,
        "by_attribute": dict(sorted(by_attr.items(), key=lambda kv: -kv[1])),
    }
