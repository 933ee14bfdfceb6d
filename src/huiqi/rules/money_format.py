"""Display of money and rates (金额显示): yuan as 万元 / 亿元 text, percentages
and tier bounds. Pure functions, shared by rule extraction, benefit
computation, stacking and the pages."""

from __future__ import annotations

import re


def fmt_yuan(v: float | None) -> str:
    """Display an amount in yuan as Chinese text: ``800万元``, ``1.2亿元``,
    ``7800元`` (万元 from 1万 up, 亿元 from 1亿 up); ``未知`` for ``None``."""
    if v is None:
        return "未知"
    if abs(v) >= 1e8:
        x, unit = v / 1e8, "亿元"
    elif abs(v) >= 1e4:
        x, unit = v / 1e4, "万元"
    else:
        x, unit = v, "元"
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return f"{s}{unit}"


def pct(r: float) -> str:
    """A rate as a percentage text: ``0.2`` → ``20%``."""
    return f"{r * 100:.4f}".rstrip("0").rstrip(".") + "%"


def fmt_tier_bound(v: float, attr: str) -> str:
    """A tier boundary for display: money attributes in 万元, others as numbers."""
    if is_money_attr(attr):
        return fmt_yuan(v)
    return f"{v:g}"


def is_money_attr(attr: str) -> bool:
    """Whether an attribute holds money in yuan (营业收入, 项目投资, ``facts.*额`` …)."""
    return attr in ("rd_expense", "taxable_income", "revenue", "monthly_sales", "total_assets",
                    "project.investment", "project.equipment_investment") or (
        attr.startswith("facts.") and re.search(r"(额|投资|收入|费用|利息|金额|资金)$", attr) is not None)
