"""Contacts (咨询电话): phone numbers with the organisation they belong to.

Service guides end with a 咨询电话 field whose lines pair an organisation or a
region with one or more numbers. The forms handled (see the reference notes
on the 涉企政策服务指南, §6 "Contact data"):

* ``Org：number`` (``：`` or ``:``, optional space);
* several numbers after one org, separated by a space, ``、``, ``，`` or ``/``;
* a number alone on the next line → the org of the line before
  (``Org：`` with the number wrapped onto the next line, or a second number);
* ``Org：人名 number`` → the person's name is dropped, the org kept;
* a number with no label at all → ``default_org`` (the caller passes the
  guide's 受理机构, e.g. ``主管税务局`` for ``0483-8332222、12366``).

Numbers recognised: landlines with an area code (``0483-8351369``,
``0483—8331872`` with an em dash, ``（0471）5259599``, ``04838351369``),
mobiles (``18504830377``, ``+86 185 0483 0377``), 5-digit public hotlines
(``12345``, ``12366``, ``12367``, ``95566``…, also under an area code:
``0838-12345``) and ``400``/``800`` numbers.
jionlp's ``extract_phone_number`` is not used: it misses the hotlines and
number pairs written without a space, returns cell phones before landlines
(not in text order), and importing it prints a banner to stdout.
"""

from __future__ import annotations

import re

from huiqi.extract.numbers import finditer_from
from huiqi.extract.types import Contact

__all__ = ["extract_contacts", "normalize_phone"]

_DASH = r"[-—–－‐‑~～]"
_PHONE_RE = re.compile(
    # landline immediately followed by a mobile (the space between them lost)
    rf"(?P<combo>(?<!\d)0\d{{2,3}}\s*{_DASH}\s*\d{{7,8}}?(?=1[3-9]\d{{9}}(?!\d)))"
    # landline with area code: 0483-8351369, 0483—8331872, （0471）5259599
    rf"|(?P<land>(?<!\d)(?:[（(]0\d{{2,3}}[)）]\s*|0\d{{2,3}}\s*{_DASH}\s*)\d{{7,8}}(?:转\d{{1,5}})?(?!\d))"
    # mobile: 18504830377, +86 185-0483-0377
    rf"|(?P<mobile>(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{{4}}){{2}}(?!\d))"
    # 400 / 800 service numbers
    rf"|(?P<service>(?<!\d)[48]00{_DASH}?\d{{3}}{_DASH}?\d{{4}}(?!\d))"
    # landline written without separator: 04838351369
    rf"|(?P<bare>(?<!\d)0\d{{10,11}}(?!\d))"
    # a public hotline under an area code: 0838-12345 (the city's 12345 line)
    rf"|(?P<areahot>(?<!\d)0\d{{2,3}}\s*{_DASH}\s*(?:12\d{{3}}|96\d{{3}})(?!\d))"
    # 5-digit public hotlines: 12345, 12366, 95566 (not an amount or a date)
    r"|(?P<hotline>(?<![\d.．])(?:12\d{3}|95\d{3}|96\d{3})(?![\d.．%％万亿元年月日天个人家户项千百吨亩号]))"
    # a local number without area code (2805093, 88905037): only after a phone cue
    r"|(?P<local>(?<![\d.．\-—A-Za-z@])[2-8]\d{6,7}(?![\d.．%％万亿元年月日天个人家户项千百吨亩号@A-Za-z]))"
)
#: Every character a :data:`_PHONE_RE` match can start with (ASCII digits,
#: ``+86``, the bracket of ``（0471）``, only before a 0), see
#: :func:`~huiqi.extract.numbers.finditer_from`.
_PHONE_FIRST_RE = re.compile(r"[0-9+]|[（(](?=0)")
#: Words that make a number a phone number (电话, 咨询, 热线 …).
_CUE_RE = re.compile(r"电话|热线|咨询|联系|手机|座机|传真|拨打|致电|服务台|客服|专线|举报|投诉")
_CUE_WINDOW = 60
_DIGITS_RE = re.compile(r"\d+")
_ANY_DIGIT_RE = re.compile(r"\d")
_SEP_ONLY_RE = re.compile(r"^[\s、，,；;/／或及和与]*$")
_LINE_MARKER_RE = re.compile(r"^[\s\-·•*]*(?:\d+[.、．]|[（(]\d+[)）]|[①-⑳])?\s*")
_KEYWORD_ALT = (
    r"(?:政策咨询|咨询电话|联系电话|办公电话|服务电话|咨询热线|服务热线|投诉电话|举报电话|"
    r"联系方式|咨询方式|固定电话|电话号码|热线电话|热线|电话|手机号码|手机|座机|传真|"
    r"联系人员|联系人|咨询|联系)"
)
#: Keywords at either end of a label piece (盟工信局咨询电话 / 咨询电话盟工信局).
_KEYWORD_RE = re.compile(rf"^(?:{_KEYWORD_ALT})+|(?:{_KEYWORD_ALT})+$")
_VERB_PREFIX_RE = re.compile(r"^(?:如有疑问|如需咨询|请|可|欢迎)?(?:拨打|致电|联系|咨询)?")
_PERSON_RE = re.compile(r"^(?:联系人)?[\u4e00-\u9fff]{2,4}(?:老师|先生|女士|同志|科长|主任)?$")
_ORG_END_RE = re.compile(
    r"(?:局|厅|委|办|中心|大厅|旗|区|县|市|盟|镇|行|司|馆|站|所|科|处|室|部|院|会|队|署|社|关|组|园|校|点|台|窗口|机构|部门|单位)$"
)
#: Boundary between two office names written without a space (…局|盟…).
_GLUED_ORGS_RE = re.compile(r"(?<=[局厅委办])(?=(?:自治区|盟|市|旗|县)(?!场))")
_COLON_RE = re.compile(r"[：:]")
_ADDRESS_RE = re.compile(r"地址|\d+号|[路街道]\d|交汇处|[\d一二三四五六七八九十]+楼(?!宇)|\d+层|\d+室|路与[\u4e00-\u9fff]{1,8}路")
_ADDRESS_SPLIT_RE = re.compile(r"\d+号|交汇处|[\d一二三四五六七八九十]+楼|\d+层|\d+室|地址[：:]?|[路街]\d+")
_ORG_PERSONS_RE = re.compile(
    r"^(.{2,}(?:处|科|室|局|厅|委|办|中心|部|院|所|站|队|司|馆|窗口|组))"
    r"((?:[\u4e00-\u9fff]{2,3}[、，,]?){1,3})$"
)
_PIECE_SEP_RE = re.compile(r"[，,；;。]")
_SPACE_RE = re.compile(r"\s+")
_TRIM = " \t、，,；;/／：:（）()"


def normalize_phone(raw: str) -> str:
    """Canonical form of a phone number as written.

    Landlines become ``AREA-LOCAL`` (``0483—8331872`` → ``0483-8331872``,
    ``（0471）5259599`` → ``0471-5259599``, ``04838351369`` → ``0483-8351369``;
    area codes starting ``01``/``02`` have 3 digits, others 4); an extension
    is kept as ``-转NNN``; mobiles become 11 digits (``+86`` dropped); 400/800
    numbers ``400-xxx-xxxx``; hotlines are returned as digits. Never raises.
    """
    digits = "".join(_DIGITS_RE.findall(raw.split("转")[0]))
    ext = raw.split("转")[1] if "转" in raw else ""
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return digits
    if digits[:3] in ("400", "800") and len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    hot = re.match(rf"^\s*(0\d{{2,3}})\s*{_DASH}\s*((?:12|96)\d{{3}})\s*$", raw)
    if hot:
        return f"{hot.group(1)}-{hot.group(2)}"
    if digits.startswith("0") and len(digits) >= 10:
        m = re.match(r"[（(](0\d{2,3})[)）]", raw.strip()) or re.match(rf"(0\d{{2,3}})\s*{_DASH}", raw.strip())
        area_len = len(m.group(1)) if m else (3 if digits[1] in "12" else 4)
        out = f"{digits[:area_len]}-{digits[area_len:]}"
        return f"{out}-转{ext}" if ext else out
    return digits


def _is_person(piece: str) -> bool:
    """True if ``piece`` looks like a person's name rather than an organisation."""
    return bool(_PERSON_RE.match(piece)) and not _ORG_END_RE.search(piece)


def _clean_org(piece: str) -> str | None:
    """One label piece → organisation/region name, or ``None`` (keyword, person, empty)."""
    piece = _LINE_MARKER_RE.sub("", piece).strip(_TRIM)
    # keywords around the name: 盟工信局咨询电话 / 咨询电话盟工信局
    piece = _KEYWORD_RE.sub(" ", piece).strip(_TRIM)
    piece = _VERB_PREFIX_RE.sub("", piece).strip(_TRIM)
    if not piece or len(piece) > 40:
        return None
    # an address is not an organisation: keep what follows its last street/number token
    if _ADDRESS_RE.search(piece):
        tail = _ADDRESS_SPLIT_RE.split(piece)[-1]
        tail = re.sub(r"[（(][^（）()]*[）)]?$", "", tail).strip(_TRIM)
        piece = tail if len(tail) >= 3 and _ORG_END_RE.search(tail) and not _ADDRESS_RE.search(tail) else ""
        if not piece:
            return None
    # an office followed by the names of its contact persons: 投资促进处刘庆秋、崔意涵
    named = _ORG_PERSONS_RE.match(piece)
    if named and not _ORG_END_RE.search(named.group(2)):
        piece = named.group(1)
    parts = [p for p in _SPACE_RE.split(piece) if p]
    if len(parts) == 1:
        # spaces removed by normalisation: 盟科技局盟科技创新发展中心
        halves = _GLUED_ORGS_RE.split(piece)
        if len(halves) > 1 and all(len(h) >= 3 and _ORG_END_RE.search(h) for h in halves):
            parts = halves
    if len(parts) > 1:
        orgs = [p for p in parts if not _is_person(p)]
        if not orgs:
            return None
        # 盟科技局 盟科技创新发展中心 → two offices sharing the number
        if all(_ORG_END_RE.search(p) for p in orgs) and len(orgs) > 1:
            return "、".join(orgs)
        return "".join(orgs)
    return None if _is_person(piece) else piece


def _org_from_label(label: str) -> str | None:
    """The organisation named by the text in front of a number (``Org：人名``).

    A candidate is accepted when a colon follows it (``Org：``) or when it
    ends like an organisation or region (``…局``, ``…旗``); prose in front of
    a number (``加快推进与12345热线…``) names nobody.
    """
    for piece in reversed(_PIECE_SEP_RE.split(label)):
        parts = _COLON_RE.split(piece)
        for k in range(len(parts) - 1, -1, -1):
            org = _clean_org(parts[k])
            if org and (k < len(parts) - 1 or _ORG_END_RE.search(org)):
                return org
    return None


def _pieces(text: str):
    """Yield ``(line_start_offset, line_text)`` for every line of ``text``."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _has_cue(line: str, start: int) -> bool:
    """A phone cue in the same sentence before ``start`` (at most 60 characters back)."""
    lo = max(0, start - _CUE_WINDOW)
    stop = max(line.rfind(ch, lo, start) for ch in "。！？")
    return bool(_CUE_RE.search(line, max(lo, stop + 1), start))


def extract_contacts(text: str, default_org: str | None = None, require_cue: bool = False) -> list[Contact]:
    """Contacts (咨询电话) in a block of text, in text order.

    ``text`` is normalised text, usually a guide's 咨询电话 field (several
    lines joined by ``\\n``); ``default_org`` names the owner of numbers that
    carry no label and follow no labelled line (the guide's 受理机构).
    Returns one :class:`Contact` per (org, phone) pair, duplicates removed:
    ``org`` is the organisation or region (person names dropped, ``None`` if
    nothing names it and no default is given), ``phone`` the normalised
    number (see :func:`normalize_phone`), ``text``/``start``/``end`` the
    number as written and its offsets in ``text``. With ``require_cue``
    (prose, not a contact field) a number counts only after a phone cue in
    the same sentence (电话, 咨询, 热线, 联系人 …), so ``12320`` in a sentence
    is not a contact; local numbers without area code (``2805093``) always
    need a cue outside contact fields. Never raises.
    """
    contacts: list[Contact] = []
    seen: set[tuple[str | None, str]] = set()
    last_org: str | None = None  # org of the previous number (continuation lines)
    pending: str | None = None  # a label line ending in ：with its number on the next line

    def add(org: str | None, raw: str, start: int) -> None:
        phone = normalize_phone(raw)
        key = (org, phone)
        if key not in seen:
            seen.add(key)
            contacts.append(Contact(org=org, phone=phone, text=raw, start=start, end=start + len(raw)))

    for base, line in _pieces(text):
        # every phone pattern holds digits: a line without any is not scanned
        matches = [m for m in finditer_from(_PHONE_RE, _PHONE_FIRST_RE, line) if not require_cue or _has_cue(line, m.start())] \
            if _ANY_DIGIT_RE.search(line) else []
        if not matches:
            stripped = line.strip()
            if stripped and stripped[-1] in "：:":
                pending = _org_from_label(stripped)
            elif stripped:
                pending = None
            continue
        prev_end = 0
        line_org: str | None = None
        for k, m in enumerate(matches):
            label = line[prev_end : m.start()]
            if k > 0 and _SEP_ONLY_RE.match(label):
                org = line_org
            else:
                org = _org_from_label(label) if label.strip() else None
                if org is None:
                    org = pending or (last_org if k == 0 else line_org) or last_org or default_org
            line_org = org
            if m.group("combo"):
                raw = m.group("combo")
                add(org, raw, base + m.start())
                mob = re.match(r"1[3-9]\d{9}", line[m.end() :])
                if mob:
                    add(org, mob.group(0), base + m.end())
                    prev_end = m.end() + len(mob.group(0))
                    continue
            else:
                add(org, m.group(0), base + m.start())
            prev_end = m.end()
        last_org = line_org
        pending = None
    return contacts
