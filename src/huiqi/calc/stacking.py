"""Stacking (叠加) applied to a firm's results: :func:`apply_stacking`. The
stacking rules themselves are extracted by :mod:`huiqi.rules.stacking`."""


from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from huiqi.rules.money_format import fmt_yuan
from huiqi.rules.stacking import (
    COUNTED_STATUSES,
)


def _get(item: Mapping, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _money(benefit: Any, key: str) -> float | None:
    if benefit is None:
        return None
    v = benefit.get(key) if isinstance(benefit, Mapping) else getattr(benefit, key, None)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def apply_stacking(items: list[dict]) -> dict:
    """Total of benefits under stacking rules (合计，按叠加规则).

    ``items``: ``{id, status, benefit: {min_yuan, max_yuan} | Benefit | None,
    stacking: Stacking | None}``. Only ``eligible`` / ``likely`` items with a
    benefit count. Items sharing a stacking ``group`` (either mode) count
    once: the one with the highest ``max_yuan`` is kept (ties: the first
    listed); the group adds the largest ``min_yuan`` of its counted members to
    the minimum (the firm may choose the surer one) and the kept ``max_yuan``
    to the maximum. ``None`` amounts count as 0.

    Returns ``{min_yuan, max_yuan, excluded_by_stacking: [ids],
    notes: [Chinese reason per excluded id]}`` (yuan).
    """
    counted = [it for it in items if _get(it, "status") in COUNTED_STATUSES and _get(it, "benefit") is not None]
    groups: dict[str, list[Mapping]] = {}
    order: list[tuple[str | None, Mapping]] = []
    for it in counted:
        st = _get(it, "stacking")
        g = getattr(st, "group", None) if st is not None and not isinstance(st, Mapping) else (
            st.get("group") if isinstance(st, Mapping) else None)
        if g:
            if g not in groups:
                groups[g] = []
                order.append((g, it))
            groups[g].append(it)
        else:
            order.append((None, it))
    total_min = 0.0
    total_max = 0.0
    excluded: list[Any] = []
    notes: list[str] = []
    for g, it in order:
        if g is None:
            total_min += _money(_get(it, "benefit"), "min_yuan") or 0.0
            total_max += _money(_get(it, "benefit"), "max_yuan") or 0.0
            continue
        members = groups[g]
        keep = members[0]
        for m in members[1:]:
            if (_money(_get(m, "benefit"), "max_yuan") or 0.0) > (_money(_get(keep, "benefit"), "max_yuan") or 0.0):
                keep = m
        total_max += _money(_get(keep, "benefit"), "max_yuan") or 0.0
        total_min += max((_money(_get(m, "benefit"), "min_yuan") or 0.0) for m in members)
        kst = _get(keep, "stacking")
        mode = getattr(kst, "mode", None) if not isinstance(kst, Mapping) else kst.get("mode")
        for m in members:
            if m is keep:
                continue
            excluded.append(_get(m, "id"))
            mst = _get(m, "stacking")
            quote = getattr(mst, "source_text", "") if not isinstance(mst, Mapping) else mst.get("source_text", "")
            principle = "就高不叠加" if mode == "highest" else "不得重复享受"
            scope = g.split(":", 1)[1] if ":" in g else g
            notes.append(
                f"条款 {_get(m, 'id')} 未计入合计：与条款 {_get(keep, 'id')} 属同一叠加组（{scope}），"
                f"按“{principle}”只计金额较高的条款 {_get(keep, 'id')}"
                f"（最高 {fmt_yuan(_money(_get(keep, 'benefit'), 'max_yuan'))}，本条最高 "
                f"{fmt_yuan(_money(_get(m, 'benefit'), 'max_yuan'))}）"
                + (f"；依据：“{quote}”" if quote else ""))
    return {"min_yuan": total_min, "max_yuan": total_max, "excluded_by_stacking": excluded, "notes": notes}
