"""Derived facts (派生事实) computed from an enterprise profile.

- ``size_class`` — 企业规模 大型/中型/小型/微型 per 《中小企业划型标准规定》
  （工信部联企业〔2011〕300号）第四条, thresholds in
  ``huiqi/data/sme_size_rules.yaml``;
- ``sme`` — 中小微型企业 (True when the size is 中型, 小型 or 微型);
- ``small_low_profit`` — 小型微利企业 per 财政部 税务总局公告2022年第13号第三条
  / 2023年第12号;
- ``age_years`` — 企业成立年限, full years since ``established``;
- ``above_scale_industrial`` — 规模以上工业企业 per 国家统计局's statistical
  standard (since 2011): industry in GB/T 4754 sections B/C/D and annual
  main-business revenue ≥ 2000万元.

Every fact is three-valued: a value, or ``None`` (unknown) with the profile
keys whose absence keeps it open in ``missing``. Each carries its rule's
source and a Chinese reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from huiqi.firm.profile import EnterpriseProfile
from huiqi.reference.industries import Industry, resolve_industry

#: Size classes from largest to smallest (企业规模).
SIZE_CLASSES = ("大型", "中型", "小型", "微型")
SME_SOURCE = "《中小企业划型标准规定》（工信部联企业〔2011〕300号）"
SMALL_LOW_PROFIT_SOURCE = (
    "《财政部 税务总局关于进一步实施小微企业所得税优惠政策的公告》（财政部 税务总局公告2022年第13号）第三条；"
    "《财政部 税务总局关于进一步支持小微企业和个体工商户发展有关税费政策的公告》（财政部 税务总局公告2023年第12号）"
)
#: 小型微利企业 limits (inclusive, "不超过"): taxable income and assets in yuan.
SMALL_LOW_PROFIT_LIMITS = {"taxable_income": 3_000_000.0, "employees": 300, "total_assets": 50_000_000.0}

_LABELS = {"employees": "从业人员", "revenue": "营业收入", "total_assets": "资产总额", "taxable_income": "年应纳税所得额"}


@dataclass
class DerivedFact:
    """One derived fact.

    ``key`` (``"size_class"`` …), ``value`` (``None`` = unknown), ``source``
    (the rule's document and article), ``reason`` (Chinese explanation),
    ``missing`` (profile keys that would settle an unknown value),
    ``source_text`` (the rule's wording, when quoted).
    """

    key: str
    value: Any
    source: str
    reason: str
    missing: list[str] = field(default_factory=list)
    source_text: str | None = None

    def to_json(self) -> dict:
        """JSON-ready dict of all fields."""
        return asdict(self)


def _fmt(key: str, v: float) -> str:
    if key == "employees":
        return f"{int(v)}人"
    wan = v / 1e4
    if wan == int(wan):
        return f"{int(wan)}万元"
    if wan == round(wan, 4):
        return f"{round(wan, 4)}万元"
    return f"{v:.2f}元"


@dataclass(frozen=True)
class _Category:
    name: str
    clause: str
    text: str
    tiers: dict[str, dict[str, float]]  # 大型/中型/小型 → indicator → lower bound

    @property
    def indicators(self) -> list[str]:
        return list(self.tiers["小型"])


@dataclass(frozen=True)
class _Rules:
    categories: dict[str, _Category]
    mapping: dict[str, str | None]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("huiqi").joinpath("data/sme_size_rules.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    cats = {
        name: _Category(name, c["clause"], c["text"], {t: {k: float(v) for k, v in b.items()} for t, b in c["tiers"].items()})
        for name, c in raw["categories"].items()
    }
    return _Rules(cats, {str(k): v for k, v in raw["mapping"].items()})


def size_category(industry: Industry) -> tuple[str | None, str]:
    """The 300号 industry category (行业类别) of a resolved industry.

    Returns ``(category, status)``: ``("工业", "ok")``; ``(None,
    "not_covered")`` for industries the standard does not cover (金融业 …);
    ``(None, "too_broad")`` when the code must be narrowed first (``G``,
    ``G59`` 装卸搬运和仓储业, ``K70`` 房地产业) or an alias spans several
    categories. The longest matching code prefix in the rules' mapping wins.
    """
    mapping = _rules().mapping
    found: set[str | None] = set()
    for code in industry.covered_codes():
        hit = next((code[:n] for n in range(len(code), 0, -1) if code[:n] in mapping), None)
        if hit is None:
            if any(k.startswith(code) for k in mapping):
                return None, "too_broad"
            return None, "not_covered"
        found.add(mapping[hit])
    if len(found) != 1:
        return None, "too_broad"
    cat = found.pop()
    return (cat, "ok") if cat else (None, "not_covered")


def _classify(cat: _Category, profile: EnterpriseProfile) -> tuple[str | None, str | None, list[str], list[str]]:
    """``(value, ceiling, missing, notes)`` for one category.

    Each known indicator alone places the firm in the highest tier whose
    lower bound it reaches (else 微型); the class is the lowest of these
    (中、小型须同时满足下限; 一项低于小型下限即为微型). With unknown
    indicators the known ones give only a ceiling, which settles 微型.
    """
    known_rank: list[int] = []
    missing: list[str] = []
    notes: list[str] = []
    for ind in cat.indicators:
        v = getattr(profile, ind)
        if v is None:
            missing.append(ind)
            continue
        rank = 3
        for r, tier in enumerate(SIZE_CLASSES[:3]):
            if v >= cat.tiers[tier][ind]:
                rank = r
                break
        known_rank.append(rank)
        tier = SIZE_CLASSES[rank]
        if rank < 3:
            notes.append(f"{_LABELS[ind]}{_fmt(ind, v)}，达到{tier}下限{_fmt(ind, cat.tiers[tier][ind])}")
        else:
            notes.append(f"{_LABELS[ind]}{_fmt(ind, v)}，低于小型下限{_fmt(ind, cat.tiers['小型'][ind])}")
    if not known_rank:
        return None, None, missing, notes
    lowest = max(known_rank)
    if missing and lowest < 3:
        return None, SIZE_CLASSES[lowest], missing, notes
    return SIZE_CLASSES[lowest], SIZE_CLASSES[lowest], [], notes


def size_class(profile: EnterpriseProfile) -> DerivedFact:
    """企业规模 (enterprise size class): 大型 / 中型 / 小型 / 微型 or ``None``.

    Rule: 《中小企业划型标准规定》（工信部联企业〔2011〕300号）第四条 — per
    industry category, 中型 and 小型 need every listed indicator (从业人员
    ``employees``, 营业收入 ``revenue``, 资产总额 ``total_assets``) at or above
    the tier's lower bound (“且”), one indicator under the 小型 lower bound
    makes 微型 (“或”), and 大型 needs every indicator at or above the 中型
    upper limit (第六条). The industry comes from ``profile.industry``
    (GB/T 4754-2017, see :func:`huiqi.reference.industries.resolve_industry`).

    ``value`` is ``None`` when facts are missing (``missing`` names them:
    ``industry`` and/or indicators) or the industry is not covered by the
    standard (金融业 — then ``missing`` is empty). When the industry is
    unknown but every category gives the same class, that class is returned.
    """
    rules = _rules()
    if profile.industry is None:
        results = {name: _classify(cat, profile) for name, cat in rules.categories.items()}
        values = {r[0] for r in results.values()}
        if len(values) == 1 and None not in values:
            v = values.pop()
            return DerivedFact("size_class", v, f"{SME_SOURCE}第四条",
                               f"行业未知，但按第四条所列各行业标准均为{v}企业。")
        extra = sorted({m for r in results.values() for m in r[2]})
        return DerivedFact("size_class", None, f"{SME_SOURCE}第四条",
                           "行业未知：企业规模须按所属行业的标准划分。", ["industry", *extra])
    industry = resolve_industry(profile.industry)
    if industry is None:
        return DerivedFact("size_class", None, f"{SME_SOURCE}第四条",
                           f"无法识别行业“{profile.industry}”（应为 GB/T 4754-2017 代码或名称）。", ["industry"])
    cat_name, status = size_category(industry)
    if cat_name is None:
        if status == "too_broad":
            return DerivedFact("size_class", None, f"{SME_SOURCE}第四条",
                               f"行业“{industry.name}”包含标准中的多个行业类别，须细化到所属大类或中类。", ["industry"])
        return DerivedFact("size_class", None, f"{SME_SOURCE}第二条",
                           f"行业“{industry.name}”不在本规定适用范围内（如金融业另有划型标准）。", [])
    cat = rules.categories[cat_name]
    value, ceiling, missing, notes = _classify(cat, profile)
    source = f"{SME_SOURCE}第四条{cat.clause.removeprefix('第四条')}"
    about = [x for x in dict.fromkeys((industry.name, industry.code)) if x != cat_name]
    head = f"行业类别：{cat_name}" + (f"（{'，'.join(about)}）" if about else "") + "。"
    body = "；".join(notes)
    rule = "中型、小型须同时满足各项下限，任一项低于小型下限即为微型"
    if value is not None:
        reason = f"{head}{body}。{rule}，故为{value}企业。"
    elif ceiling is not None:
        names = "、".join(_LABELS[m] for m in missing)
        reason = f"{head}{body}。缺少{names}，只能确定不高于{ceiling}。"
    else:
        names = "、".join(_LABELS[m] for m in missing)
        reason = f"{head}缺少{names}，无法划型。"
    return DerivedFact("size_class", value, source, reason, missing, cat.text)


def is_sme(profile: EnterpriseProfile) -> DerivedFact:
    """中小微型企业 (SME): True when the size class is 中型/小型/微型, False
    for 大型, ``None`` when unknown. With some indicators missing it is still
    settled when the known ones already cap the class at 中型 or below.
    Rule: 工信部联企业〔2011〕300号 第四条."""
    sc = size_class(profile)
    if sc.value is not None:
        return DerivedFact("sme", sc.value != "大型", sc.source, sc.reason, [], sc.source_text)
    industry = resolve_industry(profile.industry) if profile.industry else None
    cat_name = size_category(industry)[0] if industry else None
    if cat_name is not None:
        _, ceiling, _, _ = _classify(_rules().categories[cat_name], profile)
        if ceiling is not None and ceiling != "大型":
            return DerivedFact("sme", True, sc.source, f"{sc.reason}不高于{ceiling}即属中小微型企业。", [], sc.source_text)
    return DerivedFact("sme", None, sc.source, sc.reason, sc.missing, sc.source_text)


def small_low_profit(profile: EnterpriseProfile) -> DerivedFact:
    """小型微利企业 (small low-profit enterprise): True / False / ``None``.

    Rule (财政部 税务总局公告2022年第13号第三条, 2023年第12号): 从事国家非限制
    和禁止行业，且同时符合年度应纳税所得额不超过300万元（``taxable_income`` ≤
    3,000,000 元）、从业人数不超过300人（``employees`` ≤ 300）、资产总额不超过
    5000万元（``total_assets`` ≤ 50,000,000 元）. Limits are inclusive. Any one
    known excess settles False; all three known and within → True; otherwise
    ``None`` with the missing keys. A 个体工商户 pays no 企业所得税 and is not
    one (False). The 非限制和禁止行业 condition is not checked (noted in the
    reason). The limits apply to the annual average of quarterly values,
    which the profile's figures are taken to be.
    """
    src = SMALL_LOW_PROFIT_SOURCE
    text = "小型微利企业是指从事国家非限制和禁止行业，且同时符合年度应纳税所得额不超过300万元、从业人数不超过300人、资产总额不超过5000万元等三个条件的企业。"
    if profile.entity_type == "个体工商户":
        return DerivedFact("small_low_profit", False, src, "个体工商户不缴纳企业所得税，不属于小型微利企业。", [], text)
    over, within, missing = [], [], []
    for key, limit in SMALL_LOW_PROFIT_LIMITS.items():
        v = getattr(profile, key)
        if v is None:
            missing.append(key)
        elif v > limit:
            over.append(f"{_LABELS[key]}{_fmt(key, v)}超过{_fmt(key, limit)}")
        else:
            within.append(f"{_LABELS[key]}{_fmt(key, v)}不超过{_fmt(key, limit)}")
    if over:
        return DerivedFact("small_low_profit", False, src, "；".join(over) + "，不属于小型微利企业。", [], text)
    if missing:
        declared = "小型微利企业" in profile.qualifications
        names = "、".join(_LABELS[m] for m in missing)
        if declared:
            return DerivedFact("small_low_profit", True, src,
                               f"企业自报为小型微利企业（缺少{names}，未能核对）。", [], text)
        done = ("；".join(within) + "；") if within else ""
        return DerivedFact("small_low_profit", None, src, f"{done}缺少{names}，无法判断。", missing, text)
    return DerivedFact("small_low_profit", True, src,
                       "；".join(within) + "，同时符合三个条件（是否属国家限制和禁止行业未核对）。", [], text)


def age_years(profile: EnterpriseProfile, as_of: date) -> DerivedFact:
    """企业成立年限: full years (整年) from ``established`` (成立日期) to
    ``as_of``; ``None`` with ``missing=["established"]`` when unknown, and
    ``None`` (no missing key) when ``established`` is after ``as_of``."""
    src = "成立日期（established）至计算日期的整年数"
    est = profile.established
    if est is None:
        return DerivedFact("age_years", None, src, "缺少成立日期，无法计算成立年限。", ["established"])
    if est > as_of:
        return DerivedFact("age_years", None, src, f"成立日期 {est.isoformat()} 晚于计算日期 {as_of.isoformat()}。")
    years = as_of.year - est.year - ((as_of.month, as_of.day) < (est.month, est.day))
    return DerivedFact("age_years", years, src, f"{est.isoformat()} 成立，至 {as_of.isoformat()} 满 {years} 年。")


def full_year_comparison(operator: str | None, value: Any, inclusive: bool = True) -> tuple[str | None, Any, bool]:
    """A comparison on the exact age rewritten for ``age_years`` (成立年限,
    *full* years): ``(operator, value, inclusive)``.

    ``age_years`` counts full years, so 成立3年4个月 is 3. An upper bound such
    as 注册时间在3年以内 / 未超过3年 (``<= 3``) must then read ``< 3``: the firm
    is within 3 years only while fewer than 3 full years have passed (the
    anniversary day itself excepted); likewise 成立超过3年 (``> 3``) reads
    ``>= 3`` and a range ``between [lo, hi]`` reads ``[lo, hi - 1]``. Lower
    bounds (满3年, 3年以上: ``>=``) and strict upper bounds (未满3年: ``<``)
    already mean the same on full years and are returned unchanged, as are
    non-integer bounds (half a year cannot be told from full years).
    """
    def whole(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and float(v) == int(v)

    if operator == "<=" and whole(value):
        return "<", value, inclusive
    if operator == ">" and whole(value):
        return ">=", value, inclusive
    if operator == "between" and isinstance(value, (list, tuple)) and len(value) == 2 \
            and all(whole(v) for v in value):
        lo, hi = value
        if not inclusive:
            lo = lo + 1
        return "between", [lo, hi - 1], True
    return operator, value, inclusive


#: Free facts (facts.<中文名>) that follow from profile fields when the firm
#: did not state them: name → (the profile fields read, their Chinese names).
#: 研发费用占营业收入比例 (研发投入强度, a fraction) = 研发费用 ÷ 营业收入.
FREE_FACT_SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "研发费用占营业收入比例": (("rd_expense", "revenue"), "研发费用 ÷ 营业收入"),
}


def free_fact(profile: EnterpriseProfile, name: str) -> tuple[Any, list[str]] | None:
    """The value of the free fact ``name`` (without ``facts.``) computed from
    the profile's own fields (:data:`FREE_FACT_SOURCES`), as ``(value,
    missing profile keys)``: ``(0.083, [])``, or ``(None, ["rd_expense"])``
    when a field it needs is unknown (a zero or negative 营业收入 gives no
    ratio: ``(None, ["revenue"])``); ``None`` when ``name`` is no such fact."""
    src = FREE_FACT_SOURCES.get(name)
    if src is None:
        return None
    if name == "研发费用占营业收入比例":
        rd, rev = profile.rd_expense, profile.revenue
        missing = [k for k, v in (("rd_expense", rd), ("revenue", rev)) if v is None]
        if missing:
            return None, missing
        if rev <= 0:
            return None, ["revenue"]
        return rd / rev, []
    return None  # pragma: no cover - every listed fact is computed above


ABOVE_SCALE_SOURCE = (
    "国家统计局规模以上工业统计标准：经国务院批准，自2011年起规模以上工业企业的统计起点为"
    "年主营业务收入2000万元及以上的工业法人企业（《中国统计年鉴》工业主要统计指标解释）；"
    "工业 = GB/T 4754-2017 门类 B 采矿业、C 制造业、D 电力、热力、燃气及水生产和供应业"
)
#: 规模以上工业企业: annual main-business revenue lower bound in yuan (inclusive, 及以上).
ABOVE_SCALE_REVENUE = 20_000_000.0
#: GB/T 4754-2017 sections that make up 工业 (industry) in the statistics.
INDUSTRIAL_SECTIONS = ("B", "C", "D")


def above_scale_industrial(profile: EnterpriseProfile) -> DerivedFact:
    """规模以上工业企业 (industrial enterprise above designated size): True /
    False / ``None``.

    Rule (国家统计局, since 2011, see :data:`ABOVE_SCALE_SOURCE`): an
    industrial legal-person enterprise — industry in GB/T 4754-2017 section
    B, C or D — with annual main-business revenue (主营业务收入) of at least
    2000万元 (``revenue`` ≥ 20,000,000 元; the profile's 营业收入 stands in for
    主营业务收入, noted in the reason). A 个体工商户 is no legal-person
    enterprise (False); a known revenue under 2000万元 settles False whatever
    the industry; a resolved industry outside B/C/D settles False. Otherwise
    ``None`` with ``missing`` = the keys that would settle it (``industry``
    when unknown, unresolved or spanning industrial and other sections;
    ``revenue`` when unknown). A firm listing 规模以上工业企业 in its
    qualifications is taken at its word when the revenue is unknown.
    """
    src = ABOVE_SCALE_SOURCE
    text = "年主营业务收入2000万元及以上的工业法人企业"
    limit = _fmt("revenue", ABOVE_SCALE_REVENUE)
    if profile.entity_type == "个体工商户":
        return DerivedFact("above_scale_industrial", False, src, "个体工商户不是工业法人企业，不属于规模以上工业企业。", [], text)
    rev = profile.revenue
    if rev is not None and rev < ABOVE_SCALE_REVENUE:
        return DerivedFact("above_scale_industrial", False, src,
                           f"营业收入{_fmt('revenue', rev)}低于{limit}，不属于规模以上工业企业。", [], text)
    industrial: bool | None = None
    missing: list[str] = []
    ind_note = ""
    if profile.industry is None:
        missing.append("industry")
    else:
        industry = resolve_industry(profile.industry)
        if industry is None:
            missing.append("industry")
            ind_note = f"无法识别行业“{profile.industry}”；"
        else:
            inside = [any(c.startswith(s) for s in INDUSTRIAL_SECTIONS) for c in industry.covered_codes()]
            if all(inside):
                industrial = True
                ind_note = f"行业{industry.name}（{industry.code}）属于工业；"
            elif not any(inside):
                return DerivedFact("above_scale_industrial", False, src,
                                   f"行业{industry.name}（{industry.code}）不属于工业（采矿业、制造业、电力热力燃气及水生产和供应业），"
                                   "不属于规模以上工业企业。", [], text)
            else:
                missing.append("industry")
                ind_note = f"行业{industry.name}既含工业也含其他门类，须细化；"
    if rev is None:
        missing.append("revenue")
    if missing:
        if "规模以上工业企业" in profile.qualifications and industrial is not False:
            return DerivedFact("above_scale_industrial", True, src, "企业自报为规模以上工业企业（未能核对行业与营业收入）。", [], text)
        names = "、".join({"industry": "行业", "revenue": "营业收入"}[m] for m in missing)
        return DerivedFact("above_scale_industrial", None, src, f"{ind_note}缺少{names}，无法判断是否规模以上工业企业。",
                           missing, text)
    return DerivedFact("above_scale_industrial", True, src,
                       f"{ind_note}营业收入{_fmt('revenue', rev)}不低于{limit}（以营业收入代主营业务收入），属于规模以上工业企业。",
                       [], text)


def derive_all(profile: EnterpriseProfile, as_of: date) -> dict[str, DerivedFact]:
    """All derived facts: ``{"size_class", "sme", "small_low_profit",
    "age_years", "above_scale_industrial"}`` → :class:`DerivedFact`,
    evaluated on ``as_of``."""
    return {
        "size_class": size_class(profile),
        "sme": is_sme(profile),
        "small_low_profit": small_low_profit(profile),
        "age_years": age_years(profile, as_of),
        "above_scale_industrial": above_scale_industrial(profile),
    }
