"""Industry codes and names (国民经济行业分类, GB/T 4754-2017).

The table in ``huiqi/data/industries.yaml`` holds the 20 sections (门类,
``A``–``T``), the 97 divisions (大类, ``01``–``97``), a few common groups and
classes (中类/小类) and informal aliases (别名: 工业 → B/C/D). Codes are
written with their section letter: ``"C"``, ``"C39"``, ``"C144"``, ``"C3985"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_CODE_RE = re.compile(r"^([A-Ta-t])?\s*(\d{2}(?:\d{1,2})?)?$")


@dataclass(frozen=True)
class Industry:
    """A resolved industry (行业).

    ``section`` is the 门类 letter (``"C"``), ``division`` the two-digit 大类
    (``"39"``) or ``None`` for a whole section, ``code`` the most specific
    code (``"C3985"``, ``"C39"``, ``"C"``), ``name`` its Chinese name.
    ``codes`` lists every code the industry covers: ``(code,)`` normally,
    several codes for an alias such as 工业 → ``("B", "C", "D")``; then
    ``section``/``division`` are ``None`` when the covered codes disagree.
    """

    section: str | None
    division: str | None
    code: str
    name: str
    codes: tuple[str, ...] = ()

    def covered_codes(self) -> tuple[str, ...]:
        """The codes this industry covers (``codes`` or ``(code,)``)."""
        return self.codes or (self.code,)

    def is_within(self, code: str) -> bool:
        """True when every covered code lies inside ``code`` (a section
        letter or section+digits prefix, e.g. ``"C"`` or ``"C39"``).

        ``resolve_industry("C3985").is_within("C") is True``;
        ``resolve_industry("工业").is_within("C") is False`` (B and D are not).
        """
        code = code.strip().upper()
        return all(c.startswith(code) for c in self.covered_codes())


@dataclass(frozen=True)
class _Table:
    sections: dict[str, str]
    divisions: dict[str, tuple[str, str]]  # "39" -> ("C", name)
    details: dict[str, str]  # "3985" -> name
    aliases: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _table() -> _Table:
    text = resources.files("huiqi").joinpath("data/industries.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return _Table(
        sections={str(k): str(v) for k, v in raw["sections"].items()},
        divisions={str(k): (str(v[0]), str(v[1])) for k, v in raw["divisions"].items()},
        details={str(k): str(v) for k, v in raw.get("details", {}).items()},
        aliases={str(k): tuple(str(c) for c in v) for k, v in raw.get("aliases", {}).items()},
    )


def section_names() -> dict[str, str]:
    """``{"A": "农、林、牧、渔业", …, "T": "国际组织"}`` (GB/T 4754-2017 门类)."""
    return dict(_table().sections)


def division_names() -> dict[str, str]:
    """``{"01": "农业", …, "97": "国际组织"}`` (GB/T 4754-2017 大类)."""
    return {k: v[1] for k, v in _table().divisions.items()}


def _from_code(section: str | None, digits: str | None) -> Industry | None:
    t = _table()
    if digits is None:
        if section is None or section not in t.sections:
            return None
        return Industry(section, None, section, t.sections[section])
    division = digits[:2]
    if division not in t.divisions:
        return None
    div_section, div_name = t.divisions[division]
    if section is not None and section != div_section:
        return None  # e.g. "A39": letter and digits disagree
    name = div_name
    for n in range(len(digits), 2, -1):  # most specific known name
        if digits[:n] in t.details:
            name = t.details[digits[:n]]
            break
    return Industry(div_section, division, div_section + digits, name)


def _from_codes(name: str, codes: tuple[str, ...]) -> Industry | None:
    parts = [resolve_industry(c) for c in codes]
    if any(p is None for p in parts):
        return None
    sections = {p.section for p in parts}
    divisions = {p.division for p in parts}
    section = sections.pop() if len(sections) == 1 else None
    division = divisions.pop() if len(divisions) == 1 and section else None
    code = codes[0] if len(codes) == 1 else name
    return Industry(section, division, code, name, tuple(p.code for p in parts))


def _normalise_name(s: str) -> str:
    return re.sub(r"[\s、，,]", "", s)


def resolve_industry(code_or_name: str) -> Industry | None:
    """Resolve a GB/T 4754-2017 code or Chinese name to an :class:`Industry`.

    Accepts a code (``"C3985"``, ``"C"``, ``"39"``, ``"c39"``, ``"3985"``), a
    section/division/group name (``"制造业"``, ``"乳制品制造"``,
    ``"软件和信息技术服务业"``, with or without the 、 separators), an alias
    (``"工业"`` → sections B, C and D) or a name that contains, or is
    contained in, exactly one known name (``"乳制品制造业"`` → C144).
    Returns ``None`` for anything unknown or ambiguous; never raises.
    """
    if not isinstance(code_or_name, str):
        return None
    s = code_or_name.strip()
    if not s:
        return None
    m = _CODE_RE.match(s.replace(" ", ""))
    if m and (m.group(1) or m.group(2)):
        return _from_code(m.group(1).upper() if m.group(1) else None, m.group(2))
    t = _table()
    key = _normalise_name(s)
    names: list[tuple[str, str]] = []  # (normalised name, code)
    names += [(_normalise_name(v), k) for k, v in t.sections.items()]
    names += [(_normalise_name(v[1]), v[0] + k) for k, v in t.divisions.items()]
    names += [(_normalise_name(v), t.divisions[k[:2]][0] + k) for k, v in t.details.items()]
    exact = [code for n, code in names if n == key]
    if exact:
        # prefer the broadest entry for a name shared by levels (65 and I65 …)
        return resolve_industry(min(exact, key=len))
    if key in t.aliases:
        return _from_codes(key, t.aliases[key])
    # containment: a known name inside the query ("乳制品制造业" ⊇ "乳制品制造",
    # the longest such name wins), else the query inside known names
    # ("乳制品" ⊆ "乳制品制造", the shortest wins); ties → ambiguous → None
    inside = [(n, code) for n, code in names if len(n) >= 2 and n in key]
    if inside:
        size = max(len(n) for n, _ in inside)
    else:
        inside = [(n, code) for n, code in names if len(key) >= 3 and key in n]
        if not inside:
            return None
        size = min(len(n) for n, _ in inside)
    best = {code for n, code in inside if len(n) == size}
    if len(best) != 1:
        return None
    return resolve_industry(best.pop())
