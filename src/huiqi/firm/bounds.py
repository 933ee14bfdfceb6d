"""Plausibility bounds of enterprise-profile values (画像取值范围).

Two levels per numeric field:

* **hard bound** — a value above it cannot describe a real enterprise and
  would overflow downstream arithmetic or storage (DuckDB ``BIGINT``,
  yuan products such as 10^30 head × 300 yuan): :func:`check_bounds`
  reports it as an error (API 422, ``huiqi match`` exit 1, the register row
  skipped with its line number);
* **plausible bound** — a value above it is possible but unusual (more
  than a million employees, a trillion yuan of revenue): kept, with a
  warning naming the field, so a typing slip (万元 typed into 元) is seen.

Figures, for scale: the largest employers in the world have about 2–3
million staff, China's GDP is about 1.3 × 10^14 yuan, its cattle herd
about 10^8 head and its arable land about 1.9 × 10^9 亩.

List lengths are limited too (:data:`MAX_ITEMS`): validation is linear,
but a profile with 100,000 qualifications is not a profile.
"""

from __future__ import annotations

import math
from typing import Any

#: field → (plausible bound, hard bound, unit for messages)
_MONEY = (1e12, 1e15, "元")
BOUNDS: dict[str, tuple[float, float, str]] = {
    "employees": (1e6, 1e8, "人"),
    "revenue": _MONEY,
    "total_assets": _MONEY,
    "taxable_income": _MONEY,
    "monthly_sales": (1e11, 1e14, "元"),
    "rd_expense": _MONEY,
    "unemployment_insurance_months": (600, 1200, "个月"),
}
PROJECT_BOUNDS: dict[str, tuple[float, float, str]] = {
    "investment": _MONEY,
    "equipment_investment": _MONEY,
    "energy_saving_tce": (1e8, 1e11, "吨标准煤"),
    "water_saving_t": (1e10, 1e13, "吨"),
    "area_mu": (1e8, 1e10, "亩"),
    "head_count": (1e7, 1e9, "头/只"),
}
#: any numeric free fact (facts.<中文名>)
FACT_BOUNDS = (1e13, 1e15, "")

#: Longest lists a profile may hold.
MAX_ITEMS = {"qualifications": 200, "projects": 100, "facts": 200}


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def check_lengths(data: dict) -> list[str]:
    """Errors for over-long lists in a raw profile mapping (checked before any
    other validation, so the cost of a hostile profile stays bounded):
    ``qualifications: 最多 200 项，收到 100000 项``."""
    out = []
    for key, limit in MAX_ITEMS.items():
        v = data.get(key)
        if isinstance(v, (list, tuple, dict)) and len(v) > limit:
            out.append(f"{key}: 最多 {limit} 项，收到 {len(v)} 项")
        elif isinstance(v, str) and len(v) > 20 * limit:
            out.append(f"{key}: 过长（最多约 {limit} 项），收到 {len(v)} 个字符")
    return out


def _check(key: str, value: Any, bounds: tuple[float, float, str], errors: list[str], warnings: list[str]) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    plausible, hard, unit = bounds
    x = float(value)
    if math.isnan(x) or math.isinf(x) or abs(x) > hard:
        errors.append(f"{key}: 超出合理范围（不能超过 {_fmt(hard)}{unit}），收到 {value}")
    elif abs(x) > plausible:
        warnings.append(f"{key}: 取值 {_fmt(x)}{unit} 异常大（超过 {_fmt(plausible)}{unit}），请核对单位和数位")


def check_bounds(profile) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` of a validated
    :class:`~huiqi.firm.profile.EnterpriseProfile` against :data:`BOUNDS`,
    :data:`PROJECT_BOUNDS` and :data:`FACT_BOUNDS`; every message starts with
    the field (``projects[0].head_count: 超出合理范围…``)."""
    errors: list[str] = []
    warnings: list[str] = []
    for key, b in BOUNDS.items():
        _check(key, getattr(profile, key, None), b, errors, warnings)
    for i, p in enumerate(profile.projects):
        for key, b in PROJECT_BOUNDS.items():
            _check(f"projects[{i}].{key}", getattr(p, key, None), b, errors, warnings)
    for name, v in profile.facts.items():
        _check(f"facts.{name}", v, FACT_BOUNDS, errors, warnings)
    return errors, warnings
