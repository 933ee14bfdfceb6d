"""Administrative divisions (行政区划) and document levels (层级): reference data.

Divisions come from ``huiqi/data/divisions_nm.yaml`` (GB/T 2260 codes,
Inner Mongolia only: 内蒙古自治区, its 12 盟市 and their 旗县区). Region rule
used by search and the calculator: a firm located in a division sees the
clauses of that division, of every division above it (旗县 → 盟市 →
内蒙古自治区) and national (国家/全国) clauses.

Errors are :class:`huiqi.reference.errors.InputError` subclasses with one
Chinese sentence: :class:`UnknownRegion` for a place not in the table,
:class:`InputError` for an unknown level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from huiqi.reference.errors import InputError


class UnknownRegion(InputError):
    """A region names a place not in the division table."""


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
    :data:`LEVELS`. Raises :class:`~huiqi.reference.errors.InputError` for anything else."""
    t = _clean_region(level).lower()
    for canonical, aliases in _LEVEL_ALIASES.items():
        if t in aliases:
            return canonical
    raise InputError(f"未知层级：{t[:20] or '（空）'}（可用：{'、'.join(LEVELS)}）")
