"""Dates and validity windows (日期、有效期): parsing user dates and
deciding whether a window ``{start, end}`` holds on a day."""

from __future__ import annotations

import re
from datetime import date

from huiqi.reference.errors import InputError


def valid_on(validity: dict, day: date) -> bool:
    """Whether a clause with ``validity{start, end}`` (ISO strings or
    ``None``) is in force on ``day``: excluded only when a known end date is
    before ``day`` or a known start date is after it; unknown stays."""
    end, start = validity.get("end"), validity.get("start")
    try:
        if end and date.fromisoformat(end) < day:
            return False
        if start and date.fromisoformat(start) > day:
            return False
    except (TypeError, ValueError):
        return True
    return True


def parse_date(value: str | date | None) -> date | None:
    """``YYYY-MM-DD`` (also ``YYYY/MM/DD``, ``YYYY.MM.DD``, ``YYYY年M月D日``)
    → ``date``; ``None`` stays ``None``. Raises :class:`~huiqi.reference.errors.InputError`."""
    if value is None or isinstance(value, date):
        return value
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(value))
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise InputError(f"日期无效：{str(value)[:30]}（应为 YYYY-MM-DD，如 2024-06-30）")
