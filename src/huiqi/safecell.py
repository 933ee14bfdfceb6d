"""Spreadsheet-safe cells (防公式注入) for every .xlsx and .csv writer.

Text from documents, registers and users must never become a live formula
in Excel or LibreOffice (OWASP "CSV injection"): a string that starts —
after leading whitespace — with ``=``, ``+``, ``-`` or ``@``, or that starts
with a tab or a carriage return, is written with a leading apostrophe
(``'=HYPERLINK(…)``), which spreadsheets show as text. Numbers, dates and
``None`` are kept as they are (they are not text and cannot be formulas).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_TRIGGERS = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is a string a spreadsheet could run as a
    formula (see the module docstring); then ``"'" + value``."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in ("\t", "\r") or value.lstrip()[:1] in _TRIGGERS:
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """:func:`safe_cell` applied to every cell of ``row``."""
    return [safe_cell(v) for v in row]


def safe_rows(rows: Iterable[Iterable[Any]]) -> Iterable[list[Any]]:
    """:func:`safe_row` applied lazily to every row of ``rows``."""
    return (safe_row(r) for r in rows)
