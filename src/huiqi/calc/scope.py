"""Region scope (适用地区) of a policy document and the firm's registered place.

Rule (issue 4, "Region scope"): a document applies to the area governed by
its issuing level —

* 国家 (national, or region 全国/国家/中央 …) → every firm;
* 自治区 → firms registered in 内蒙古自治区;
* 盟市 → firms registered in that league/city (阿拉善盟, 呼和浩特市 …);
* 旗县 → firms registered in that banner/county/district (伊金霍洛旗 …);
* level and region both unknown → the document is kept, with a caveat: the
  region check is ``to_confirm`` (a person must confirm it applies);
* a 盟市/旗县 level without a recognisable region → likewise ``to_confirm``.

Divisions are the GB/T 2260 table of Inner Mongolia
(``huiqi/data/divisions_nm.yaml``, from jionlp's location data) read through
:mod:`huiqi.search.filters`, so 阿拉善左旗 → 阿拉善盟 → 内蒙古自治区 resolves.
A firm registered outside Inner Mongolia (北京市海淀区, or a code such as
110108) is recognised through jionlp's nationwide location data (loaded only
for such places) and sees national documents only.

:func:`resolve_firm_region` raises :class:`UnknownFirmRegion` (a
``ValueError`` whose message is one Chinese line naming ``region``) for a
place it cannot recognise.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from huiqi.reference.regions import (
    NATIONAL_NAMES,
    ancestors,
    depth,
    divisions,
    find_division,
)

#: GB/T 2260 code of the autonomous region (内蒙古自治区).
NM_CODE = "150000"
NM_NAME = "内蒙古自治区"
_NM_PREFIXES = ("内蒙古自治区", "内蒙古")
_LEVEL_DEPTH = {"自治区": 0, "盟市": 1, "旗县": 2}
_CODE_RE = re.compile(r"^\d{6}$")
_HINT = "应为旗县区或盟市名称（如 阿拉善左旗、鄂尔多斯市伊金霍洛旗、呼和浩特市）或 6 位行政区划代码（如 152921）"


class UnknownFirmRegion(ValueError):
    """The firm's 注册地 cannot be recognised; ``str(exc)`` is one Chinese
    line starting with ``region:``."""


@dataclass(frozen=True)
class FirmRegion:
    """The firm's registered place (注册地), resolved.

    ``text`` as given; ``name`` the most specific recognised division
    (阿拉善左旗); ``code`` its GB/T 2260 code (``None`` when unknown);
    ``chain`` the Inner Mongolia division codes from the most specific up to
    150000 (empty outside Inner Mongolia); ``province`` the province-level
    name (内蒙古自治区, 北京市 …); ``names`` the names of ``chain`` (same
    order), for messages.
    """

    text: str
    name: str
    code: str | None
    chain: tuple[str, ...] = ()
    province: str = NM_NAME
    names: tuple[str, ...] = field(default=())

    @property
    def inner_mongolia(self) -> bool:
        """Whether the firm is registered in 内蒙古自治区."""
        return bool(self.chain)

    @property
    def display(self) -> str:
        """Chinese description: ``阿拉善左旗（阿拉善盟，内蒙古自治区）``."""
        if not self.chain:
            return self.name if self.name == self.province else f"{self.name}（{self.province}）"
        above = "，".join(self.names[1:])
        return f"{self.name}（{above}）" if above else self.name


def _in_chain_names(rest: str, chain: list[str]) -> bool:
    """Whether ``rest`` is only made of names/aliases of the divisions in
    ``chain`` (e.g. 阿拉善盟阿拉善左旗)."""
    names = sorted({n for c in chain for n in (divisions()[c].name, *divisions()[c].aliases) if n},
                   key=len, reverse=True)
    while rest:
        for n in names:
            if rest.startswith(n):
                rest = rest[len(n):]
                break
        else:
            return False
    return True


@lru_cache(maxsize=1)
def _jionlp():
    """jionlp, imported with its banner silenced (it prints on import)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    return jionlp


@lru_cache(maxsize=1)
def _national_codes() -> dict[str, tuple[str, str]]:
    """GB/T 2260 code → (province name, full place name) for all of China,
    from jionlp's location data (``china_location_loader``)."""
    jio = _jionlp()
    with contextlib.redirect_stdout(io.StringIO()):
        loc = jio.china_location_loader(detail=True)
    out: dict[str, tuple[str, str]] = {}

    def walk(node: dict, province: str, prefix: str) -> None:
        for name, sub in node.items():
            if name.startswith("_") or not isinstance(sub, dict):
                continue
            full = prefix + (name if not prefix.endswith(name) else "")
            code = sub.get("_admin_code")
            if code:
                out.setdefault(str(code), (province, full))
            walk(sub, province, full)

    for pname, pnode in loc.items():
        if pname.startswith("_") or not isinstance(pnode, dict):
            continue
        code = pnode.get("_admin_code")
        if code:
            out[str(code)] = (pname, pname)
        walk(pnode, pname, pname)
    return out


def _parse_elsewhere(text: str) -> tuple[str, str] | None:
    """(province, place) of a place outside the table via jionlp's
    ``parse_location``; ``None`` when it finds no province."""
    jio = _jionlp()
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            res = jio.parse_location(text, town_village=False)
        except Exception:  # jionlp raises on odd input; treat as unknown
            return None
    province = res.get("province")
    if not province:
        return None
    place = "".join(x for x in dict.fromkeys((res.get("province"), res.get("city"), res.get("county"))) if x)
    return province, place


def _from_division(text: str, code: str) -> FirmRegion:
    chain = ancestors(code)
    return FirmRegion(text, divisions()[code].name, code, tuple(chain), NM_NAME,
                      tuple(divisions()[c].name for c in chain))


def resolve_firm_region(value: str | int | None) -> FirmRegion:
    """The firm's 注册地 → :class:`FirmRegion`.

    ``value`` is free text (阿拉善盟阿拉善左旗, 伊金霍洛旗, 呼和浩特, 内蒙古自治区
    鄂尔多斯市伊金霍洛旗, an address starting with them) or a 6-digit GB/T 2260
    code (152921). Inner Mongolia places resolve through the division table;
    other Chinese places (北京市海淀区, 440305) through jionlp. Raises
    :class:`UnknownFirmRegion` for an empty value, a nationwide name (全国)
    and anything unrecognised.
    """
    text = re.sub(r"\s+", "", str(value if value is not None else ""))
    if not text:
        raise UnknownFirmRegion(f"region: 注册地不能为空（{_HINT}）")
    if text in NATIONAL_NAMES:
        raise UnknownFirmRegion(f"region: “{text}”不是具体的注册地（{_HINT}）")
    if _CODE_RE.match(text):
        if text in divisions():
            return _from_division(text, text)
        if text.startswith("15"):
            raise UnknownFirmRegion(f"region: “{text}”不是内蒙古自治区现行的行政区划代码（{_HINT}）")
        hit = _national_codes().get(text)
        if hit is None:
            raise UnknownFirmRegion(f"region: 未知的行政区划代码“{text}”（{_HINT}）")
        return FirmRegion(text, hit[1], text, (), hit[0])
    div = find_division(text)
    if div is not None:
        chain = ancestors(div.code)
        rest = text
        for p in _NM_PREFIXES:
            if rest.startswith(p) and div.code != NM_CODE:
                rest = rest[len(p):]
                break
        if _in_chain_names(rest, chain):
            return _from_division(text, div.code)
        # extra words (an address, or a same-named place elsewhere): ask jionlp
        other = _parse_elsewhere(text)
        if other is None or other[0] == NM_NAME:
            return _from_division(text, div.code)
        return FirmRegion(text, other[1], None, (), other[0])
    other = _parse_elsewhere(text)
    if other is not None and other[0] != NM_NAME:
        return FirmRegion(text, other[1], None, (), other[0])
    raise UnknownFirmRegion(f"region: 无法识别的注册地“{text[:40]}”（{_HINT}）")


ScopeKind = Literal["national", "division", "unknown"]


@dataclass(frozen=True)
class Scope:
    """Where a document applies (适用地区).

    ``kind``: ``national`` (everywhere), ``division`` (the area of division
    ``code``, named ``name``), ``unknown`` (level/region not recognised: kept
    with a caveat). ``level`` and ``region`` are the document's own values;
    ``caveat`` a Chinese note when the scope was inferred or is unknown.
    """

    kind: ScopeKind
    code: str | None = None
    name: str = ""
    level: str | None = None
    region: str | None = None
    caveat: str = ""

    @property
    def label(self) -> str:
        """Chinese label: ``适用地区：阿拉善盟`` / ``适用地区：全国`` /
        ``适用地区：未注明``."""
        if self.kind == "national":
            return "适用地区：全国"
        if self.kind == "division":
            return f"适用地区：{self.name}"
        return "适用地区：未注明"

    def check(self, firm: FirmRegion) -> tuple[str, str]:
        """``(outcome, detail)`` for a firm: ``met`` when the firm is
        registered inside the scope, ``unmet`` outside, ``to_confirm`` for an
        unknown scope. ``detail`` is a Chinese sentence."""
        where = f"企业注册地：{firm.display}"
        if self.kind == "national":
            return "met", f"{where}；国家政策全国适用"
        if self.kind == "unknown":
            return "to_confirm", f"{where}；{self.caveat or '文件未注明层级与地区，适用范围待确认'}"
        if self.code in firm.chain:
            return "met", f"{where}；属于{self.name}"
        return "unmet", f"{where}；不在{self.name}范围内"

    def applies_to_codes(self, chain: tuple[str, ...] | list[str]) -> bool | None:
        """Vectorisable form of :meth:`check`: ``True``/``False`` for a firm
        whose division chain is ``chain``; ``None`` for an unknown scope."""
        if self.kind == "national":
            return True
        if self.kind == "unknown":
            return None
        return self.code in chain

    def to_json(self) -> dict:
        """``{kind, code, name, level, region, caveat}``."""
        return {"kind": self.kind, "code": self.code, "name": self.name, "level": self.level,
                "region": self.region, "caveat": self.caveat}


def document_scope(document: dict) -> Scope:
    """The :class:`Scope` of a document ``{level, region}`` (values as stored
    by the knowledge base: level 国家/自治区/盟市/旗县 or ``None``).

    National when the level is 国家 or the region a national name; otherwise
    the most specific division named by ``region`` (鄂尔多斯市伊金霍洛旗 →
    伊金霍洛旗); a 自治区 document without region → 内蒙古自治区. When the
    named division is broader than the level says (a 旗县 document whose
    region names only a city) the scope is that division with a caveat.
    Anything else is ``unknown`` (kept, to be confirmed).
    """
    level = (document.get("level") or None)
    region = (document.get("region") or None)
    region_clean = re.sub(r"\s+", "", region or "")
    if level == "国家" or region_clean in NATIONAL_NAMES:
        return Scope("national", None, "全国", level, region)
    div = find_division(region_clean) if region_clean else None
    if div is None and level == "自治区" and not region_clean:
        div = divisions()[NM_CODE]
    if div is None:
        if not level and not region:
            caveat = "文件未注明层级与地区，适用范围待确认"
        elif region:
            caveat = f"文件地区“{region}”无法识别，适用范围待确认"
        else:
            caveat = f"文件为{level}级但未注明地区，适用范围待确认"
        return Scope("unknown", None, "", level, region, caveat)
    caveat = ""
    want = _LEVEL_DEPTH.get(level or "")
    if want is not None and depth(div.code) < want:
        caveat = f"文件为{level}级，但地区只写到{div.name}"
    return Scope("division", div.code, div.name, level, region, caveat)


def region_outcome(firm: FirmRegion, places: list[str] | tuple[str, ...]) -> str:
    """Outcome of a ``region`` condition leaf (model kind ``region``):
    ``met`` when the firm lies in any of ``places`` (GB/T 2260 codes or
    names; a national name always holds), ``unmet`` when every place was
    recognised and none contains the firm, ``to_confirm`` when some place
    could not be recognised."""
    unknown = False
    for p in places:
        s = re.sub(r"\s+", "", str(p))
        if s in NATIONAL_NAMES:
            return "met"
        code = s if s in divisions() else (d.code if (d := find_division(s)) else None)
        if code is None:
            unknown = True
        elif code in firm.chain:
            return "met"
    return "to_confirm" if unknown else "unmet"
