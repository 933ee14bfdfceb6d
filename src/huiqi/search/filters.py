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

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources


class SearchError(ValueError):
    """A user-facing search error (one Chinese sentence in ``str(exc)``)."""


class UnknownRegion(SearchError):
    """The region filter names a place not in the division table."""


NATIONAL_NAMES = frozenset({"全国", "国家", "中国", "中华人民共和国", "中央"})

LEVELS = ("国家", "自治区", "盟市", "旗县")
"""Document levels (层级) stored by the knowledge base, top to bottom."""

_LEVEL_ALIASES = {
    "国家": ("国家", "国家级", "全国", "中央", "national", "country"),
    "自治区": ("自治区", "自治区级", "省", "省级", "区级", "内蒙古", "province", "region"),
    "盟市": ("盟市", "盟市级", "盟", "市", "地市", "市级", "盟级", "league", "city", "prefecture"),
    "旗县": ("旗县", "旗县级", "旗", "县", "区县", "县级", "旗县区", "banner", "county"),
}


@dataclass(frozen=True)
class Division:
    """An administrative division: ``code`` (GB/T 2260), ``name``, ``parent``
    code (``None`` for the autonomous region) and ``aliases``."""

    code: str
    name: str
    parent: str | None
    aliases: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """All divisions of ``divisions_nm.yaml`` keyed by code."""
    import yaml

    raw = yaml.safe_load(
        resources.files("huiqi.data").joinpath("divisions_nm.yaml").read_text(encoding="utf-8")
    )
    top = raw["region"]
    out = {str(top["code"]): Division(str(top["code"]), top["name"], None, tuple(top.get("aliases") or ()))}
    for league in raw.get("leagues") or []:
        lcode = str(league["code"])
        out[lcode] = Division(lcode, league["name"], str(top["code"]), tuple(league.get("aliases") or ()))
        for county in league.get("counties") or []:
            ccode = str(county["code"])
            out[ccode] = Division(ccode, county["name"], lcode, tuple(county.get("aliases") or ()))
    return out


_SUFFIX_RE = re.compile(r"(?:盟|市|旗|县|区)$")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every name and alias (also the name without its 盟/市/旗/县/区 suffix
    when at least two characters remain and unambiguous) → division code."""
    names: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for d in divisions().values():
        for n in (d.name, *d.aliases):
            names.setdefault(n, d.code)
        stem = _SUFFIX_RE.sub("", d.name)
        if len(stem) >= 2 and stem != d.name:
            short.setdefault(stem, set()).add(d.code)
    for stem, codes in short.items():
        if len(codes) == 1 and stem not in names:
            names[stem] = next(iter(codes))
    return names


def _clean_region(text: str) -> str:
    return re.sub(r"\s+", "", text or "").strip()


def find_division(text: str | None) -> Division | None:
    """The division named by ``text``: an exact name/alias, otherwise the
    most specific (lowest level, longest) division name contained in it
    (鄂尔多斯市伊金霍洛旗 → 伊金霍洛旗). ``None`` when nothing matches."""
    t = _clean_region(text or "")
    if not t:
        return None
    names = _names()
    code = names.get(t)
    if code is None:
        best: tuple[int, int] | None = None
        for name, c in names.items():
            if len(name) >= 2 and name in t:
                rank = (depth(c), len(name))
                if best is None or rank > best:
                    best, code = rank, c
    return divisions().get(code) if code else None


def depth(code: str) -> int:
    """0 for the autonomous region, 1 for a league/city, 2 for a banner/county."""
    n = 0
    d = divisions()[code]
    while d.parent is not None:
        n += 1
        d = divisions()[d.parent]
    return n


def ancestors(code: str) -> list[str]:
    """``code`` and the codes above it, most specific first."""
    out = [code]
    d = divisions()[code]
    while d.parent is not None:
        out.append(d.parent)
        d = divisions()[d.parent]
    return out


def resolve_region(region: str) -> list[str]:
    """The division codes visible from a firm located in ``region`` (itself
    and its ancestors). Raises :class:`UnknownRegion` with a Chinese
    message when ``region`` is not a national name nor a known division of
    Inner Mongolia. A national name (全国 …) gives ``[]`` (only national)."""
    t = _clean_region(region)
    if t in NATIONAL_NAMES:
        return []
    code = _names().get(t)
    if code is None:
        raise UnknownRegion(
            f"未知地区：{t[:40] or '（空）'}（支持内蒙古自治区及其 12 个盟市、旗县区，如 阿拉善盟、阿拉善左旗）"
        )
    return ancestors(code)


def is_national(document: dict) -> bool:
    """Whether a document applies nationwide (层级 国家 or region 全国 …)."""
    return document.get("level") == "国家" or _clean_region(document.get("region") or "") in NATIONAL_NAMES


def region_visible(document: dict, visible_codes: list[str] | None) -> bool:
    """Whether a document (``{level, region}``) applies to a firm whose
    visible division codes are ``visible_codes`` (see :func:`resolve_region`;
    ``None`` means no region filter)."""
    if visible_codes is None or is_national(document):
        return True
    region = document.get("region")
    if not region:
        return not document.get("level")  # unknown region & level: keep
    div = find_division(region)
    return div is not None and div.code in set(visible_codes)


def normalize_level(level: str) -> str:
    """A level name or alias (国家级, 省级, 盟市, 旗县 …) → one of
    :data:`LEVELS`. Raises :class:`SearchError` for anything else."""
    t = _clean_region(level).lower()
    for canonical, aliases in _LEVEL_ALIASES.items():
        if t in aliases:
            return canonical
    raise SearchError(f"未知层级：{t[:20] or '（空）'}（可用：{'、'.join(LEVELS)}）")


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
    → ``date``; ``None`` stays ``None``. Raises :class:`SearchError`."""
    if value is None or isinstance(value, date):
        return value
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(value))
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise SearchError(f"日期无效：{str(value)[:30]}（应为 YYYY-MM-DD，如 2024-06-30）")


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
