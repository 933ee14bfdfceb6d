"""Search filters (筛选): region, level, responsible unit, valid-on-date, document.

Every filter is a predicate over an indexed clause record (the dict kept by
:class:`huiqi.search.index.KeywordIndex`: ``document{id, level, region}``,
``responsible_units``, ``fields``, ``contacts``, ``validity{start, end}``).

Region (地区) rule: a firm located in a division sees the clauses of that
division, of every division above it (旗县 → 盟市 → 内蒙古自治区) and
national (国家/全国) clauses. Documents whose region and level are both
unknown stay visible (nothing says they do not apply). Divisions come from
``huiqi/data/divisions_nm.yaml`` (GB/T 2260 codes, Inner Mongolia only); a
region outside that table raises :class:`UnknownRegion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from huiqi.reference.calendar import parse_date, valid_on
from huiqi.reference.errors import InputError
from huiqi.reference.regions import (  # re-exported: search filters speak of regions
    LEVELS,
    NATIONAL_NAMES,
    Division,
    UnknownRegion,
    _clean_region,
    ancestors,
    depth,
    divisions,
    find_division,
    is_national,
    normalize_level,
    region_visible,
    resolve_region,
)

#: A user-facing search error (one Chinese sentence in ``str(exc)``): the
#: shared input-error class of :mod:`huiqi.reference.errors`, so an unknown
#: region, level or date raised by the reference tables is a search error too.
SearchError = InputError

__all__ = [
    "LEVELS", "NATIONAL_NAMES", "Division", "Filters", "SearchError", "UnknownRegion", "ancestors",
    "depth", "divisions", "find_division", "is_national", "normalize_level", "parse_date",
    "region_visible", "resolve_region", "unit_matches", "valid_on",
]


def unit_matches(record: dict, unit: str) -> bool:
    """Whether ``unit`` (责任单位 / 受理机构, substring match, whitespace
    ignored) appears in a clause's responsible units, its 受理机构 field or
    a contact organisation."""
    u = _clean_region(unit)
    if not u:
        return True
    names = list(record.get("responsible_units") or [])
    fields = record.get("fields") or {}
    names.extend(str(v) for k, v in fields.items() if "受理" in k or "单位" in k or "部门" in k)
    names.extend(c.get("org") or "" for c in record.get("contacts") or [])
    return any(u in _clean_region(n) for n in names)


@dataclass
class Filters:
    """A set of filters; ``None`` fields are not applied. Build with
    :meth:`make` which validates and normalises the raw user values."""

    region_codes: list[str] | None = None
    level: str | None = None
    unit: str | None = None
    valid_at: date | None = None
    doc: int | None = None

    @classmethod
    def make(cls, region=None, level=None, unit=None, valid_at=None, doc=None) -> "Filters":
        """Validate raw values; raises :class:`UnknownRegion` / :class:`SearchError`."""
        return cls(
            region_codes=resolve_region(region) if region not in (None, "") else None,
            level=normalize_level(level) if level not in (None, "") else None,
            unit=unit or None,
            valid_at=parse_date(valid_at) if valid_at not in (None, "") else None,
            doc=int(doc) if doc is not None else None,
        )

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any(x is not None for x in (self.region_codes, self.level, self.unit, self.valid_at, self.doc))

    def accepts(self, record: dict) -> bool:
        """Whether an indexed clause record passes every filter."""
        doc = record["document"]
        if self.doc is not None and doc.get("id") != self.doc:
            return False
        if self.level is not None and doc.get("level") != self.level:
            return False
        if not region_visible(doc, self.region_codes):
            return False
        if self.unit is not None and not unit_matches(record, self.unit):
            return False
        if self.valid_at is not None and not valid_on(record.get("validity") or {}, self.valid_at):
            return False
        return True
