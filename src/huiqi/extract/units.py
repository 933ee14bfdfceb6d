"""Responsible units (责任单位) of a clause.

A policy item names the units that implement it in a tag at its end. Three
styles occur in 自治区/盟/市 policy lists (rules derived from the structural
survey of the Inner Mongolia policy lists, §2 "How responsible units are
attached"):

* **labelled** — ``〔责任单位：…〕``, ``（责任单位：…）``, ``（牵头单位：…；责任单位：…）``,
  ``（责任部门：…）``, ``（责任单位：…，协同单位：…）``. The unit list may itself
  contain brackets (``自治区农牧厅（乡村振兴局）``), so the tag is found by
  bracket counting and, if the brackets never balance, runs to the end of
  the clause;
* **role-worded** — ``〔自治区农牧厅（乡村振兴局）牵头负责，自治区林草局配合〕``;
* **unlabelled** — a trailing parenthetical that only lists units, often
  ending in ``按职责分工负责``: ``（内蒙古税务局、自治区财政厅按职责分工负责）``.
  It is accepted only when every part looks like an organisation name, so
  ordinary parentheticals (``（试行）``, ``（含2000吨标准煤）``) are never taken.

Inside a tag ``，``/``；`` separate groups and ``、`` separates units. A tier
prefix (``自治区``, ``市``, ``盟委`` …) written once at the head of a group
applies to the abbreviated units after it (``自治区工业和信息化厅、财政厅`` →
自治区财政厅), except for units that carry their own organisation or place
(``呼和浩特海关``, ``内蒙古税务局``, ``国网蒙东电力公司``, names starting with
各/中国/国家/内蒙古 …). ``各盟行政公署、市人民政府`` (pattern ``各X、Y人民政府``)
is one unit; a suffix written once after a list of zones is distributed
(``各开发区、和林格尔新区管委会`` → 各开发区管委会, 和林格尔新区管委会).
Names are finally mapped to their current canonical form through the alias
table ``huiqi/data/unit_aliases.yaml`` (renames and spelling variants).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from huiqi.extract.types import Span

__all__ = ["extract_responsible_units", "normalize_unit", "load_unit_aliases"]

_OPENERS = "（(〔【[［"
_CLOSERS = "）)〕】]］"
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕", "［": "〔", "］": "〕"})

#: Labels introducing a unit list inside a tag (责任单位 / 牵头单位 …).
_LABELS = (
    "责任单位", "牵头单位", "责任部门", "牵头部门", "配合单位", "协同单位",
    "协办单位", "参与单位", "配合部门", "责任主体", "主责单位", "实施单位",
)


def _spaced(word: str) -> str:
    """Regex for ``word`` allowing whitespace (a joined line break) between characters."""
    return r"\s*".join(map(re.escape, word))


_LABEL_ALT = "|".join(_spaced(w) for w in _LABELS)
#: An opening bracket directly followed by a label and a colon.
_TAG_OPEN_RE = re.compile(rf"[{re.escape(_OPENERS)}]\s*(?:{_LABEL_ALT})\s*[：:]")
#: A line opening with a label (部门分工：省财政厅牵头，…), or a 【label】 heading
#: (【政策落实单位】…): the units run to the end of the line.
_LINE_LABELS = _LABELS + ("部门分工", "责任分工", "任务分工", "分工", "政策落实单位", "落实单位",
                          "责任处室", "责任科室", "牵头处室")
_LINE_LABEL_ALT = "|".join(_spaced(w) for w in sorted(_LINE_LABELS, key=len, reverse=True))
_LINE_TAG_RE = re.compile(
    rf"(?:^|(?<=\n))[ \t]*(?:(?:{_LINE_LABEL_ALT})\s*[：:]|【\s*(?:{_LINE_LABEL_ALT})\s*】[：:]?)[ \t]*"
)
#: A label + colon anywhere inside a tag (segment boundary).
_INNER_LABEL_RE = re.compile(rf"(?:{_LABEL_ALT})\s*[：:]")
#: Everything after ``按职责分工负责；`` that is not another label is prose.
_DUTY_CUT_RE = re.compile(r"按职责分工负责\s*[；;。]")
#: Role words that may trail a unit or a group.
_ROLE_TAIL_RE = re.compile(
    r"(?:按职责分工负责|按职责分工|分工负责|牵头负责|负责落实|共同负责|牵头|配合|参与|协助|负责)$"
)
_ETC_TAIL_RE = re.compile(r"等(?:有关|相关)?(?:部门|单位)?$")
#: ``…等部门和各省级人民政府`` / ``…和各盟市``: a list joined by 和/及 before 各.
_AND_EACH_RE = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位))?(?:以及|和|及)(?=各)")
_ROLE_WORD_RE = re.compile(r"牵头|配合|按职责分工|负责")
_SPACE_RE = re.compile(r"\s+")
_TRIM = "：:、，,；;。 \t\n"

#: Tier prefixes that are written once and elided on the following units.
_TIER_PREFIXES = ("自治区党委", "自治区", "省委", "盟委", "市委", "旗委", "县委", "区委",
                  "省", "盟", "市", "旗", "县", "区")
#: Words that begin with a tier character but are not a tier prefix.
_NOT_TIER_RE = re.compile(r"^(?:市场|市政(?!府)|区域|县域|旗县|盟员|省级|省内|省外|省直|市级|区级|县级)")
#: Same, searched anywhere (for "carries its own tier / place").
_TIER_WORDS_EXCLUDED_RE = re.compile(r"市场|城市|区域|县域|都市|超市|市政(?!府)")
_OWN_TIER_RE = re.compile(r"自治区|[省盟旗县市区]")
#: Names that carry their own organisation and never take an elided prefix.
_SELF_START_RE = re.compile(
    r"^(?:各|中国|中华|中共|国家|国务院|国网|全国|内蒙古|人民银行|农业发展银行|团|其他|其它|相关|有关|所在|属地)"
)
_SELF_END_RE = re.compile(r"(?:公司|集团|银行|分行|支行|海关|大学|(?<!科)学院|学校|医院)$")

#: Organisation-name endings (used to accept unlabelled tags).
_ORG_SUFFIX_RE = re.compile(
    r"(?:人民政府|政府|行政公署|公署|管委会|管理委员会|委员会|办公室|海关|公司|集团|"
    r"银行|分行|支行|中心|大学|学院|学校|医院|研究院|科学院|法院|检察院|工会|联合会|"
    r"协会|商会|学会|基金会|供销社|联社|报社|出版社|通讯社|高校|[厅局委办署站队联协]|"
    r"(?<![东西南北中全内外局总底顶])部|(?<![场处住厕])所)$"
)
#: Generic collective endings: only with 各/有关/相关/其他 … in front.
_COLLECTIVE_RE = re.compile(r"^(?:各|有关|相关|其他|其它|所在|属地|.*有关).*(?:部门|单位|机构|园区|镇|苏木)$")
_TRAILING_PAREN_RE = re.compile(r"（[^（）]*）$")
_BAD_CHARS_RE = re.compile(r"[0-9０-９《》〔〕“”\"。%％]")

#: ``各X`` + a bare tier government: one collective unit (各盟行政公署、市人民政府).
_BARE_GOV_RE = re.compile(r"^(?:市|盟|旗|县|区|旗县|县区|旗县区|旗区|县市区|市辖区)?(?:人民政府|政府|行政公署)$")
#: Suffix written once after a list of zones (distributed to each).
_DIST_SUFFIX_RE = re.compile(r"(管委会|管理委员会|人民政府|行政公署)$")
_ZONE_END_RE = re.compile(r"(?:新区|开发区|高新区|园区|示范区|合作区|实验区|试验区|区|旗|县|盟|市)$")


@lru_cache(maxsize=1)
def load_unit_aliases() -> dict[str, str]:
    """The alias table ``huiqi/data/unit_aliases.yaml`` as ``{variant: canonical}``.

    Loaded once (cached). Raises ``FileNotFoundError`` / ``yaml.YAMLError`` if
    the packaged data file is missing or malformed, and ``ValueError`` if an
    entry lacks ``from``/``to``.
    """
    text = resources.files("huiqi").joinpath("data/unit_aliases.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    table: dict[str, str] = {}
    for entry in data.get("aliases", []):
        if not entry.get("from") or not entry.get("to"):
            raise ValueError(f"unit alias entry without from/to: {entry!r}")
        table[_clean_name(entry["from"])] = _clean_name(entry["to"])
    return table


def _clean_name(name: str) -> str:
    """Remove whitespace and use full-width brackets."""
    return _SPACE_RE.sub("", name).translate(_HALF_TO_FULL)


def normalize_unit(name: str) -> str:
    """Canonical current name of a responsible unit (责任单位规范名).

    Removes whitespace, turns half-width brackets into full-width ones and
    follows the alias table (renames such as 自治区地方金融监管局 →
    自治区地方金融管理局, variants such as 自治区人力资源和社会保障厅 →
    自治区人力资源社会保障厅; chains are followed). Unknown names come back
    cleaned but otherwise unchanged. Never raises on odd input.
    """
    cur = _clean_name(name)
    aliases = load_unit_aliases()
    seen = {cur}
    while cur in aliases:
        cur = aliases[cur]
        if cur in seen:  # defensive: a cycle in the data file
            break
        seen.add(cur)
    return cur


# --------------------------------------------------------------------------
# bracket helpers


def _find_close(text: str, i: int) -> int:
    """Index of the bracket closing the opener at ``i`` (any bracket type), or -1."""
    depth = 0
    for j in range(i, len(text)):
        ch = text[j]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
            if depth == 0:
                return j
    return -1


def _find_open(text: str, j: int) -> int:
    """Index of the bracket opening the closer at ``j`` (any bracket type), or -1."""
    depth = 0
    for i in range(j, -1, -1):
        ch = text[i]
        if ch in _CLOSERS:
            depth += 1
        elif ch in _OPENERS:
            depth -= 1
            if depth == 0:
                return i
    return -1


@lru_cache(maxsize=16)
def _top_re(seps: str) -> re.Pattern[str]:
    """A pattern matching one bracket or one character of ``seps``."""
    return re.compile("[" + re.escape(_OPENERS + _CLOSERS + seps) + "]")


def _split_top(text: str, seps: str) -> list[str]:
    """Split ``text`` on any char of ``seps`` that is not inside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    for m in _top_re(seps).finditer(text):  # only brackets and separators matter
        ch = m.group()
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth > 0:
            depth -= 1
        if depth == 0 and ch in seps:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


# --------------------------------------------------------------------------
# unit-name rules


def _tier_prefix(name: str) -> str | None:
    """The tier prefix a name starts with (``自治区``, ``市委`` …), if any."""
    if _NOT_TIER_RE.match(name):
        return None
    for p in _TIER_PREFIXES:
        if name.startswith(p) and len(name) > len(p) + 1:
            return p
    return None


def _is_self_standing(name: str) -> bool:
    """True if the name carries its own organisation or place (no elided prefix)."""
    if _SELF_START_RE.match(name) or _SELF_END_RE.search(name):
        return True
    return bool(_OWN_TIER_RE.search(_TIER_WORDS_EXCLUDED_RE.sub("", name)))


def _looks_like_org(name: str) -> bool:
    """True if ``name`` looks like an organisation name (used for unlabelled tags)."""
    if not 3 <= len(name) <= 40 or _BAD_CHARS_RE.search(name):
        return False
    if name in load_unit_aliases():
        return True
    core = _TRAILING_PAREN_RE.sub("", name)  # 自治区农牧厅（乡村振兴局）
    return bool(_ORG_SUFFIX_RE.search(core) or _COLLECTIVE_RE.match(core))


def _anchored(name: str) -> bool:
    """True if a name is unambiguous on its own (tier prefix, own organisation, alias)."""
    return bool(_tier_prefix(name) or _SELF_START_RE.match(name) or name in load_unit_aliases())


def _clean_unit(raw: str) -> str:
    """One raw list item → bare unit name (role words, 等, punctuation removed)."""
    name = _clean_name(raw).strip(_TRIM)
    if name.startswith("由"):
        name = name[1:]
    while True:
        new = _ETC_TAIL_RE.sub("", _ROLE_TAIL_RE.sub("", name)).strip(_TRIM)
        if new == name:
            return name
        name = new


def _split_units(group: str) -> list[str]:
    """Split one group on ``、`` (outside brackets); ``A等部门和各B`` also splits."""
    return _split_top(_AND_EACH_RE.sub("、", group), "、")


def _expand_group(items: list[str], inherited: str | None = None) -> tuple[list[str], str | None]:
    """Apply the 各X、Y人民政府, distributed-suffix and prefix-elision rules to one group.

    ``inherited`` is the tier prefix active at the end of the previous group;
    it applies only when this group's first unit is a bare abbreviation
    (``自治区发展改革委，商务厅`` — a comma written for 、). Returns the
    expanded names and the prefix active at the end of the group.
    """
    names = [n for n in (_clean_unit(x) for x in items) if n]
    # 各X、Y人民政府 → one collective unit.
    merged: list[str] = []
    whole: set[int] = set()
    i = 0
    while i < len(names):
        cur = names[i]
        if (
            i + 1 < len(names)
            and cur.startswith("各")
            and _ORG_SUFFIX_RE.search(cur)
            and _BARE_GOV_RE.match(names[i + 1])
        ):
            whole.add(len(merged))
            merged.append(f"{cur}、{names[i + 1]}")
            i += 2
            continue
        merged.append(cur)
        i += 1
    # Distributed suffix: 各开发区、和林格尔新区管委会.
    if len(merged) > 1:
        m = _DIST_SUFFIX_RE.search(merged[-1])
        if m and (len(merged) - 1) not in whole:
            suffix = m.group(1)
            for k in range(len(merged) - 1):
                n = merged[k]
                if k not in whole and _ZONE_END_RE.search(n) and not _ORG_SUFFIX_RE.search(n):
                    merged[k] = n + suffix
    # Prefix elision: 自治区工业和信息化厅、财政厅.
    out: list[str] = []
    active: str | None = None
    if merged and inherited and not _tier_prefix(merged[0]) and not _is_self_standing(merged[0]):
        active = inherited
    for k, n in enumerate(merged):
        p = _tier_prefix(n)
        if p:
            active = p
            out.append(n)
        elif k in whole or active is None or _is_self_standing(n):
            out.append(n)
        else:
            out.append(active + n)
    return out, active


def _parse_units(content: str) -> list[str]:
    """Unit names (expanded, not yet alias-normalised) of a tag's inner text."""
    cut = _DUTY_CUT_RE.search(content)
    if cut and not _INNER_LABEL_RE.match(content, cut.end()):
        content = content[: cut.start()]
    units: list[str] = []
    for segment in _INNER_LABEL_RE.split(content):
        active: str | None = None
        for group in _split_top(segment, "，,；;"):
            names, active = _expand_group(_split_units(group), active)
            units.extend(names)
    return units


def _dedupe(names: list[str]) -> list[str]:
    """Alias-normalise and drop duplicates, keeping first-seen order."""
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        c = normalize_unit(n)
        if c and c not in seen:
            seen.add(c)
            out.append(c)
    return out


# --------------------------------------------------------------------------
# tag finders


def _line_tag_matches(text: str):
    """The matches of ``_LINE_TAG_RE.finditer(text)``: a match starts a line,
    so the pattern is tried at the line starts only (``finditer`` tries it
    at every position)."""
    last_end = 0
    start = 0
    while start >= 0:
        if start >= last_end:
            m = _LINE_TAG_RE.match(text, start)
            if m:
                yield m
                last_end = m.end()
        start = text.find("\n", start)
        if start >= 0:
            start += 1


def _line_tags(text: str) -> list[tuple[int, int, list[str]]]:
    """Labelled unit lines (``部门分工：省财政厅牵头，各地配合。``, ``【政策落实单位】盟财政局``)."""
    tags = []
    for m in _line_tag_matches(text):
        nl = text.find("\n", m.end())
        end = len(text) if nl == -1 else nl
        content = text[m.end():end].strip().rstrip("。；;，,")
        first = re.search(r"[。]", content)
        if first:
            content = content[: first.start()]
        names = [n for n in _parse_units(content) if n and len(n) <= 40 and not _BAD_CHARS_RE.search(n)
                 and _looks_like_org(n)]
        tags.append((m.start(), end, names))
    return tags


def _labelled_tags(text: str) -> list[tuple[int, int, list[str]]]:
    """All labelled tags: ``(start, end, units)``; ``end`` is exclusive."""
    tags = []
    pos = 0
    while True:
        m = _TAG_OPEN_RE.search(text, pos)
        if not m:
            return tags
        close = _find_close(text, m.start())
        if close == -1:  # never balances: greedy to the end of the clause
            end = len(text.rstrip())
            content = text[m.start() + 1 : end].rstrip(_CLOSERS + " \t\n")
        else:
            end = close + 1
            content = text[m.start() + 1 : close]
        # prose after the unit list (…市财政局等有关部门。以下政策措施均需…不再单独列出)
        stop = content.find("。")
        if stop > 0 and not _INNER_LABEL_RE.match(content, stop + 1):
            content = content[:stop]
        names = [
            n for n in _parse_units(content)
            if n and len(n) <= 40 and not _BAD_CHARS_RE.search(n)
        ]
        tags.append((m.start(), end, names))
        pos = end


def _trailing_tag(text: str) -> tuple[int, int, list[str]] | None:
    """The clause-final unlabelled or role-worded tag, if it lists only units."""
    stripped = text.rstrip(" \t\n。；;．.，,")
    if not stripped or stripped[-1] not in _CLOSERS:
        return None
    close = len(stripped) - 1
    start = _find_open(stripped, close)
    if start == -1:
        return None
    content = stripped[start + 1 : close]
    if not content.strip() or len(content) > 400 or _BAD_CHARS_RE.search(content):
        return None
    groups = [
        _split_units(g) for g in _split_top(_DUTY_CUT_RE.split(content)[0], "，,；;")
    ]
    names: list[str] = []
    active: str | None = None
    for g in groups:
        expanded, active = _expand_group(g, active)
        names.extend(expanded)
    if not names or not all(_looks_like_org(n) for n in names):
        return None
    before = text[:start].rstrip(" \t")
    at_boundary = not before or before[-1] in "。；;！!？?\n：:"
    has_roles = bool(_ROLE_WORD_RE.search(content))
    first_anchored = all(_anchored(_clean_unit(g[0])) for g in groups if g and _clean_unit(g[0]))
    if not (at_boundary or has_roles or first_anchored):
        return None
    return start, close + 1, names


def extract_responsible_units(text: str) -> tuple[list[str], Span | None]:
    """Responsible units (责任单位) named by a clause's tag.

    ``text`` is the (normalised) clause text. Returns ``(units, span)``:
    ``units`` are canonical unit names (prefix elision expanded, aliases
    applied, duplicates removed, in order of appearance); ``span`` is the
    whole tag, brackets included (``span.text == text[span.start:span.end]``).
    Labelled tags (责任单位/牵头单位/责任部门 …) are taken anywhere in the
    text, bracketed or as a labelled line (``部门分工：省财政厅牵头，…`` /
    ``【政策落实单位】…``, units up to the line's first 。) — with several, the
    units of all of them are returned and ``span`` is the last one; otherwise a clause-final parenthetical is taken if it
    lists only organisation names and either follows a sentence end
    (``。``/``；``), carries role words (牵头/配合/按职责分工负责) or starts
    every group with an unambiguous name (tier prefix, 内蒙古…, alias).
    Every unit named in the tag is returned — lead (牵头), responsible
    (责任) and cooperating (配合/协同) units alike, in the order written.
    No tag → ``([], None)``; a labelled tag naming nothing usable →
    ``([], span)``. Never raises.
    """
    if not text:
        return [], None
    tags = sorted(_labelled_tags(text) + _line_tags(text))
    if tags:
        units = _dedupe([n for _, _, names in tags for n in names])
        start, end, _ = tags[-1]
        return units, Span(text[start:end], start, end)
    tag = _trailing_tag(text)
    if tag is None:
        return [], None
    start, end, names = tag
    return _dedupe(names), Span(text[start:end], start, end)
