"""Benefit computation (金额计算): a :class:`~huiqi.rules.model.BenefitSpec`
and an enterprise profile → yuan. The specs come from :mod:`huiqi.rules.benefits`
(extraction, whose module docstring describes the kinds) or a reviewed rule."""


from __future__ import annotations

import re
from typing import Any

from huiqi.extract.numbers import parse_number, to_halfwidth
from huiqi.firm.profile import EnterpriseProfile, Project, parse_money_value
from huiqi.rules.model import Benefit, BenefitSpec
from huiqi.rules.money_format import (
    fmt_tier_bound,
    fmt_yuan,
    is_money_attr,
    pct,
)

#: 企业所得税法定税率 25%, 《中华人民共和国企业所得税法》第四条.
_ATTR_LABELS = {
    "rd_expense": "研发费用", "taxable_income": "应纳税所得额", "revenue": "营业收入",
    "monthly_sales": "月销售额", "total_assets": "资产总额", "employees": "从业人员",
    "project.investment": "项目投资", "project.equipment_investment": "设备投资",
    "project.area_mu": "面积", "project.head_count": "头/只数",
    "project.energy_saving_tce": "年节能量", "project.water_saving_t": "年节水量",
}


#: A base the firm seldom knows → a wider figure it does know that bounds it
#: from above (生产性投资 is part of a project's investment, 项目生产性投资 ≤
#: 项目投资): when the base is unknown, the amount is at most the same rate
#: of the wider figure (min 0), instead of the clause's cap alone.
WIDER_BASES: dict[str, str] = {
    "facts.项目生产性投资": "project.investment",
}


def attribute_label(attr: str) -> str:
    """Chinese label of an attribute name (``project.equipment_investment`` →
    ``设备投资``, ``facts.登记失业人员招用人数`` → ``登记失业人员招用人数``)."""
    if attr.startswith("facts."):
        return attr[len("facts."):]
    return _ATTR_LABELS.get(attr, attr)


def _fmt_qty(attr: str, v: float) -> str:
    if is_money_attr(attr):
        return fmt_yuan(v)
    unit = {"project.area_mu": "亩", "project.head_count": "头/只", "project.energy_saving_tce": "吨标准煤",
            "project.water_saving_t": "吨"}.get(attr, "")
    if not unit and attr.startswith("facts.") and attr.endswith("人数"):
        unit = "人"
    return f"{v:g}{unit}"


def _fact_number(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        s = to_halfwidth(v.strip())
        if re.search(r"[万亿]|元$", s):
            try:
                return parse_money_value(s)
            except ValueError:
                pass
        m = re.match(r"^(\d+(?:\.\d+)?)", s.replace(",", ""))
        if m:
            return float(m.group(1))
        return parse_number(s)
    return None


def _values(attr: str, profile: EnterpriseProfile, projects: list[Project] | None) -> list[float]:
    """Known values of ``attr``: one for profile keys and facts, one per
    project with the field known for ``project.*``."""
    if attr.startswith("project."):
        field = attr.split(".", 1)[1]
        out = []
        for p in (projects if projects is not None else profile.projects):
            v = getattr(p, field, None)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append(float(v))
        return out
    if attr.startswith("facts."):
        v = _fact_number((profile.facts or {}).get(attr[len("facts."):]))
        return [] if v is None else [v]
    v = getattr(profile, attr, None)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return [float(v)]
    return []


def _apply_caps(x: float, spec: BenefitSpec) -> tuple[float, list[str]]:
    """Per-year amount → total over ``years`` with annual and overall caps."""
    notes = []
    if spec.annual_cap_yuan is not None:
        notes.append(f"每年上限 {fmt_yuan(spec.annual_cap_yuan)}")
        x = min(x, spec.annual_cap_yuan)
    if spec.years and spec.years > 1:
        x *= spec.years
        notes.append(f"× {spec.years}年")
    if spec.cap_yuan is not None:
        notes.append(f"上限 {fmt_yuan(spec.cap_yuan)}")
        x = min(x, spec.cap_yuan)
    return x, notes


def _upper_bound(spec: BenefitSpec) -> float | None:
    """Largest possible amount from caps alone (``None``: unbounded)."""
    per_year = spec.annual_cap_yuan
    total = per_year * (spec.years or 1) if per_year is not None else None
    if spec.cap_yuan is not None:
        total = spec.cap_yuan if total is None else min(total, spec.cap_yuan)
    return total


def _tier_value(t: dict, base: float) -> float:
    if t.get("rate") is not None:
        return base * float(t["rate"])
    return float(t.get("amount_yuan") or 0.0)


def _in_tier(t: dict, v: float) -> bool:
    lo = float(t.get("min") or 0.0)
    hi = t.get("max")
    if v < lo:
        return False
    if hi is None:
        return True
    return v <= float(hi) if t.get("upper_inclusive") else v < float(hi)


def compute_benefit(spec: BenefitSpec | None, profile: EnterpriseProfile,
                    projects: list[Project] | None = None) -> Benefit | None:
    """Amount of a benefit for a profile — :func:`_compute` (see there),
    then bounded by the firm's own figure named by ``spec.bounded_by``
    (以实际缴纳的税款为限: each year's amount never exceeds the tax the firm
    pays; ``years`` × that figure over several years). An unknown bound
    figure leaves the amount as the text gives it and names the key in
    ``missing``."""
    b = _compute(spec, profile, projects)
    if b is None or spec is None or not spec.bounded_by:
        return b
    vals = _values(spec.bounded_by, profile, None)
    label = attribute_label(spec.bounded_by)
    if not vals:
        return Benefit(b.min_yuan, b.max_yuan, f"{b.formula}（以{label}为限，画像未提供）",
                       list(dict.fromkeys([*b.missing, spec.bounded_by])))
    bound = max(vals) * (spec.years or 1)
    lo = None if b.min_yuan is None else min(b.min_yuan, bound)
    hi = bound if b.max_yuan is None else min(b.max_yuan, bound)
    if (b.max_yuan is None or b.max_yuan > bound):
        return Benefit(lo, hi, f"{b.formula}；以{label} {fmt_yuan(max(vals))}" +
                       (f" × {spec.years}年" if (spec.years or 1) > 1 else "") + f" 为限 = {fmt_yuan(hi)}",
                       list(b.missing))
    return b


def _inputs(spec: BenefitSpec, profile: EnterpriseProfile, projects: list[Project] | None) -> tuple:
    """The figures :func:`compute_benefit` reads for ``spec`` (its base or
    quantity, ``bounded_by``, the base's :data:`WIDER_BASES` figure, and
    those of each part of a ``sum``)."""
    if spec.kind == "sum":
        return (tuple(_inputs(p, profile, projects) for p in spec.parts),
                tuple(_values(spec.bounded_by, profile, None)) if spec.bounded_by else ())
    base = spec.base if spec.kind in ("percent", "tiers", "progressive") else spec.quantity
    return (tuple(_values(base, profile, projects)) if base and spec.kind not in ("fixed", "text") else (),
            tuple(_values(spec.bounded_by, profile, None)) if spec.bounded_by else (),
            tuple(_values(WIDER_BASES[base], profile, projects)) if base in WIDER_BASES else ())


def compute_benefit_memo(spec: BenefitSpec | None, profile: EnterpriseProfile,
                         projects: list[Project] | None, memo: dict) -> Benefit | None:
    """:func:`compute_benefit`, memoised in ``memo`` (one dict per clause,
    kept across firms) by the only figures it reads: the known values of
    the spec's base or quantity (per qualifying project for ``project.*``),
    of ``bounded_by`` and of the base's :data:`WIDER_BASES` figure. Firms with the same figures — every firm, for a
    fixed amount — share one :class:`Benefit`: treat it as read-only."""
    if spec is None:
        return None
    key = _inputs(spec, profile, projects)
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= 256:  # a clause read with many different figures: start again
            memo.clear()
        hit = memo[key] = compute_benefit(spec, profile, projects)
    return hit


def _compute(spec: BenefitSpec | None, profile: EnterpriseProfile,
             projects: list[Project] | None = None) -> Benefit | None:
    """Amount of a benefit for a profile (享受金额), in yuan.

    ``spec`` ``None`` → ``None``. ``projects`` restricts project bases to
    the qualifying projects (default: every project of the profile); the
    best single project is used. Known base → ``min_yuan == max_yuan`` (upper
    bound rates/units give ``min_yuan`` 0); unknown base or quantity →
    ``missing`` names the key and the range is what the text fixes alone
    (0..cap, the tier amounts, ``None``..``None`` when nothing bounds it).
    ``formula`` is Chinese with amounts in 万元, e.g. ``设备投资 800万元 × 10% =
    80万元（上限 500万元）``. Never raises for a valid spec.
    """
    if spec is None:
        return None
    k = spec.kind
    if k == "fixed":
        lo = spec.min_yuan if spec.min_yuan is not None else spec.amount_yuan
        hi = spec.max_yuan if spec.max_yuan is not None else spec.amount_yuan
        y = spec.years or 1
        lo = lo * y if lo is not None else None
        hi = hi * y if hi is not None else None
        if lo is not None and hi is not None and lo == hi:
            f = f"{spec.formula or fmt_yuan(lo / y)}" + (f" × {y}年 = {fmt_yuan(hi)}" if y > 1 else "")
        else:
            f = spec.formula or f"{fmt_yuan(lo)}至{fmt_yuan(hi)}"
            if y > 1:
                f += f" × {y}年"
        return Benefit(lo, hi, f)
    if k == "sum":
        return _sum(spec, profile, projects)
    if k == "text":
        ub = _upper_bound(spec)
        if ub is not None:
            return Benefit(0.0, ub, f"{spec.formula}（按上限 {fmt_yuan(ub)} 计最大值）")
        return Benefit(None, None, spec.formula or "条款未给出可计算的金额")
    base_attr = spec.base if k in ("percent", "tiers", "progressive") else spec.quantity
    if not base_attr:
        return Benefit(None, None, spec.formula or "缺少计算基数", [])
    label = attribute_label(base_attr)
    vals = _values(base_attr, profile, projects)
    upto = k in ("percent", "per_unit") and spec.min_yuan == 0
    if not vals and k == "percent" and base_attr in WIDER_BASES:
        wider = WIDER_BASES[base_attr]
        wider_vals = _values(wider, profile, projects)
        if wider_vals:
            x, f = max((_one(spec, v, wider, attribute_label(wider)) for v in wider_vals), key=lambda t: t[0])
            return Benefit(0.0, x, f"{label}未知，不超过{attribute_label(wider)}：{f}（为上限，实际不超过此数）",
                           [base_attr])
    if not vals:
        ub = _upper_bound(spec)
        if k == "tiers" and spec.tiers and all(t.get("rate") is None for t in spec.tiers):
            amts = [float(t.get("amount_yuan") or 0.0) for t in spec.tiers]
            lo, hi = min(amts) * (spec.years or 1), max(amts) * (spec.years or 1)
            return Benefit(lo, hi, f"{label}未知：{spec.formula}，按档次 {fmt_yuan(lo)}至{fmt_yuan(hi)}", [base_attr])
        if ub is not None:
            return Benefit(0.0, ub, f"{label}未知：{spec.formula}，最高 {fmt_yuan(ub)}", [base_attr])
        return Benefit(None, None, f"{label}未知：{spec.formula}", [base_attr])
    best: tuple[float, str] | None = None
    for v in vals:
        x, f = _one(spec, v, base_attr, label)
        if best is None or x > best[0]:
            best = (x, f)
    assert best is not None
    x, f = best
    return Benefit(0.0 if upto else x, x, f + ("（为上限，实际不超过此数）" if upto else ""))


def _sum(spec: BenefitSpec, profile: EnterpriseProfile, projects: list[Project] | None) -> Benefit:
    """A ``sum`` benefit: each part computed on its own (an unknown part
    adds 0 to the minimum and its own maximum, or no maximum, to the
    maximum), the total capped at ``cap_yuan``; ``missing`` joins the
    parts' missing keys."""
    parts = [compute_benefit(p, profile, projects) for p in spec.parts]
    parts = [b for b in parts if b is not None]
    lo = sum(b.min_yuan or 0.0 for b in parts)
    hi = None if any(b.max_yuan is None for b in parts) else sum(b.max_yuan for b in parts)
    missing = list(dict.fromkeys(m for b in parts for m in b.missing))
    formula = " + ".join(f"（{b.formula}）" for b in parts)
    total = fmt_yuan(lo) if hi == lo else f"{fmt_yuan(lo)}至{fmt_yuan(hi)}" if hi is not None else f"{fmt_yuan(lo)}以上"
    formula += f" = {total}"
    cap = spec.cap_yuan
    if cap is not None and (hi is None or hi > cap):
        lo, hi = min(lo, cap), cap
        formula += f"，上限 {fmt_yuan(cap)}"
    return Benefit(lo, hi, formula, missing)


def _one(spec: BenefitSpec, v: float, attr: str, label: str) -> tuple[float, str]:
    """Amount and formula for one base value."""
    k = spec.kind
    shown = f"{label} {_fmt_qty(attr, v)}"
    if k == "percent":
        mult = spec.months or 1
        raw = v * mult * (spec.rate or 0.0)
        expr = f"{shown}" + (f" × {mult}个月" if mult > 1 else "") + f" × {pct(spec.rate or 0.0)}"
    elif k == "per_unit":
        unit = spec.unit_yuan or 0.0
        if spec.per_item_cap_yuan is not None:
            unit = min(unit, spec.per_item_cap_yuan * (12 if spec.months else 1))
        if spec.months:
            raw = unit * v * spec.months / 12
            per_month = unit / 12
            expr = f"{shown} × {fmt_yuan(per_month)}/月 × {spec.months}个月"
        else:
            raw = unit * v
            expr = f"{shown} × {fmt_yuan(unit)}"
    elif k == "tiers":
        mult = spec.months or 1
        base = v * mult
        hit = next((t for t in spec.tiers if _in_tier(t, v)), None)
        if hit is None:
            return 0.0, f"{shown} 未达到任何档次：{spec.formula}"
        raw = _tier_value(hit, base)
        lo, hi = hit.get("min"), hit.get("max")
        rng = f"{fmt_tier_bound(float(lo or 0), attr)}–{fmt_tier_bound(float(hi), attr) if hi is not None else '以上'}"
        if hit.get("rate") is not None:
            expr = f"{shown}" + (f" × {mult}个月" if mult > 1 else "") + f" × {pct(float(hit['rate']))}（{rng}档）"
        else:
            expr = f"{shown} 属 {rng} 档"
    else:  # progressive
        raw = 0.0
        parts = []
        for b in sorted(spec.tiers, key=lambda t: float(t.get("min") or 0)):
            lo = float(b.get("min") or 0.0)
            hi = b.get("max")
            top = v if hi is None else min(v, float(hi))
            if top <= lo:
                continue
            raw += (top - lo) * float(b["rate"])
            parts.append(f"{fmt_yuan(top - lo)} × {pct(float(b['rate']))}")
        expr = f"{shown}，" + " + ".join(parts) if parts else shown
    x, notes = _apply_caps(raw, spec)
    f = f"{expr} = {fmt_yuan(raw)}"
    if notes:
        f += "（" + "，".join(notes) + "）"
    if x != raw:
        f += f" → {fmt_yuan(x)}"
    return x, f
