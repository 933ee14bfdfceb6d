"""Glue: run every extractor over a clause or a document (要素抽取流水线).

* :func:`extract_clause_facts` — one clause (条款) or one service guide
  (服务指南) → :class:`~huiqi.extract.types.ClauseFacts`;
* :func:`extract_document_facts` — one parsed document →
  :class:`~huiqi.extract.types.DocumentFacts` (title, issuer 发文机关,
  发文字号, issue date 印发日期, validity 有效期, repeals 废止, level 层级,
  region 地区).

Both never raise: each extractor call is guarded, and a failure only empties
that one fact (logged at ``DEBUG``). Every span in a :class:`ClauseFacts`
indexes the clause's full text (``block.text``), even when the fact was read
from a part of it (a guide field) or from a masked copy (the responsible-unit
tag, phone and legal-basis fields blanked out so they cannot yield money).

Document rules follow the GB/T 9704-2012 layout of Chinese official documents
(公文): title (``发文机关 + 关于 + 事由 + 文种``), 发文字号 under the title,
signature (发文机关署名) and date (成文日期) at the end, 版记 (抄送 … 印发)
after them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Callable, TypeVar

from huiqi.extract.contacts import extract_contacts
from huiqi.extract.dates import (
    extract_validity,
    find_issue_date,
    is_closing_clause,
    title_period,
)
from huiqi.extract.docnumbers import (
    extract_cited_titles,
    extract_doc_numbers,
    extract_supersession,
    normalize_doc_number,
)
from huiqi.reference.guide_fields import canonical_field
from huiqi.extract import places
from huiqi.extract.money import extract_amounts, extract_rates
from huiqi.extract.numbers import parse_number
from huiqi.extract.thresholds import extract_thresholds
from huiqi.extract.types import ClauseFacts, Contact, DocumentFacts, Span, Validity
from huiqi.extract.units import extract_responsible_units
from huiqi.normalize.lines import LogicalLine, TextBlock
from huiqi.structure.model import Node, ParsedDocument

__all__ = ["extract_clause_facts", "extract_document_facts", "preload", "HOME_PROVINCE", "INHERITED_PREFIX"]

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: The province-level region meant by a bare ``自治区…`` (``自治区工业和信息化厅``):
#: the knowledge base covers Inner Mongolia, whose documents abbreviate their
#: own region this way.
HOME_PROVINCE = "内蒙古自治区"

#: Prefix of ``Validity.basis`` when a clause inherits its document's validity.
INHERITED_PREFIX = "文件有效期："

# Guide fields whose text is not read for money/thresholds (phone numbers and
# document numbers are not amounts).
_NO_MONEY_FIELDS = ("咨询电话", "监督电话", "办理依据", "办理时间", "办理地点")
# Guide fields whose numbers are contacts.
_CONTACT_FIELDS = ("咨询电话", "监督电话")
# Guide fields that state a time window, in order of preference.
_VALIDITY_FIELDS = ("办理时限", "适用范围", "政策标准")
_MAX_DEFAULT_ORG = 40
_MASK = "\n"


def _safe(what: str, fn: Callable[..., T], default: T, *args, **kwargs) -> T:
    """``fn(*args, **kwargs)``, or ``default`` (logged at DEBUG) if it raises."""
    try:
        return fn(*args, **kwargs)
    except Exception:  # an extractor bug must not stop ingestion
        _log.debug("extractor %s failed", what, exc_info=True)
        return default


def _mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with the characters in ``ranges`` replaced by line breaks.

    Same length, so offsets stay valid; line breaks are hard delimiters for
    every extractor, so nothing is read across a masked stretch.
    """
    if not ranges:
        return text
    n = len(text)
    for a, b in ranges:
        a, b = max(0, a), min(n, b)
        if a < b:
            text = text[:a] + _MASK * (b - a) + text[b:]
    return text


def _keep(items: list, full: str) -> list:
    """Items (with ``text``/``start``/``end``) whose span still reads the same in ``full``."""
    return [x for x in items if full[x.start:x.end] == x.text]


def _is_empty(v: Validity | None) -> bool:
    return v is None or (v.start is None and v.end is None and not v.relative and not v.basis)


def _shift_validity(v: Validity, offset: int) -> Validity:
    """``v`` with its spans moved by ``offset`` characters."""
    if not offset:
        return v
    return replace(v, spans=[Span(s.text, s.start + offset, s.end + offset) for s in v.spans])


def _inherit(doc_validity: Validity) -> Validity:
    """A clause's copy of its document's validity (spans dropped: they index another text)."""
    basis = INHERITED_PREFIX + (doc_validity.basis or "")
    return Validity(start=doc_validity.start, end=doc_validity.end, basis=basis,
                    relative=doc_validity.relative, spans=[])


# --- clause facts -----------------------------------------------------------------


def _unit_tags(text: str, first: tuple[list[str], Span | None]) -> list[tuple[int, int]]:
    """Character ranges of every responsible-unit tag in ``text``.

    :func:`extract_responsible_units` reports the last tag only, so the tag
    found is masked and the search repeated (a clause may carry several
    labelled tags, e.g. a 牵头单位 tag mid-text and a 责任单位 tag at the end).
    """
    ranges: list[tuple[int, int]] = []
    span = first[1]
    masked = text
    for _ in range(6):
        if span is None or span.end <= span.start or (span.start, span.end) in ranges:
            break
        ranges.append((span.start, span.end))
        masked = _mask(masked, [ranges[-1]])
        span = _safe("units", extract_responsible_units, ([], None), masked)[1]
    return ranges


def _numbers(full: str, masked: str, facts: ClauseFacts) -> None:
    """Fill amounts, rates and thresholds of ``facts`` from ``masked`` (spans index ``full``)."""
    facts.amounts = _keep(_safe("amounts", extract_amounts, [], masked), full)
    facts.rates = _keep(_safe("rates", extract_rates, [], masked), full)
    facts.thresholds = _keep(_safe("thresholds", extract_thresholds, [], masked), full)


def _line_offsets(node: Node, text: str) -> tuple[list[LogicalLine], dict[int, int]]:
    """The node's lines and each line's offset in ``text`` (keyed by ``id(line)``).

    ``text`` is normally ``"\\n".join`` of the lines (see
    :meth:`TextBlock.from_lines`); otherwise every line is searched for in
    order, and a line not found is left out of the map.
    """
    lines = node.all_lines()
    offs: dict[int, int] = {}
    if "\n".join(l.text for l in lines) == text:
        pos = 0
        for ln in lines:
            offs[id(ln)] = pos
            pos += len(ln.text) + 1
        return lines, offs
    pos = 0
    for ln in lines:
        i = text.find(ln.text, pos)
        if i >= 0:
            offs[id(ln)] = i
            pos = i + len(ln.text)
    return lines, offs


_LABEL_TRIM = " \t：:"


def _field_range(child: Node, offs: dict[int, int]) -> tuple[int, int, int] | None:
    """``(heading_start, text_start, text_end)`` of a field node in the guide text.

    The field text is the subtree's text without the heading line when that
    line holds only the label (``九、咨询电话``); when the label runs on into
    content (``咨询电话：0483-8332222``) the text starts after the label.
    ``None`` when the lines cannot be placed.
    """
    lines = [l for l in child.all_lines() if id(l) in offs]
    if not lines:
        return None
    first = lines[0]
    head_start = offs[id(first)]
    text_start = head_start
    if first in child.lines:
        raw = first.text
        label = (child.label + child.heading).strip()
        stripped = raw.strip()
        if label and stripped.replace(" ", "").startswith(label.replace(" ", "")):
            # Walk the raw text past the label characters (spaces may differ).
            want = [c for c in label if not c.isspace()]
            i, k = 0, 0
            while i < len(raw) and k < len(want):
                if raw[i] == want[k]:
                    k += 1
                elif not raw[i].isspace():
                    break
                i += 1
            while i < len(raw) and raw[i] in _LABEL_TRIM:
                i += 1
            if k == len(want):
                if i >= len(raw):
                    lines = lines[1:]
                    if not lines:
                        end = head_start + len(raw)
                        return head_start, end, end
                    text_start = offs[id(lines[0])]
                else:
                    text_start = head_start + i
    last = lines[-1]
    return head_start, text_start, offs[id(last)] + len(last.text)


def _field_name(child: Node) -> str | None:
    """Canonical field name of a guide child node (``None`` for unknown labels)."""
    if child.field:
        return child.field
    return canonical_field(child.heading) or canonical_field((child.label + child.heading).strip())


def _guide_facts(node: Node, text: str, facts: ClauseFacts, issued: date | None) -> None:
    """Fields, contacts, numbers and validity of a service guide (服务指南)."""
    _, offs = _line_offsets(node, text)
    # (name, heading_start, text_start, text_end) of every field child
    found: list[tuple[str, int, int, int]] = []
    for child in node.children:
        if child.kind != "field" and child.role != "field":
            continue
        name = _field_name(child)
        rng = _field_range(child, offs)
        if name is None or rng is None:
            continue
        found.append((name, *rng))
        body = text[rng[1]:rng[2]]
        if name in facts.fields:
            facts.fields[name] = facts.fields[name] + "\n" + body
        else:
            facts.fields[name] = body

    default_org = None
    org_text = facts.fields.get("受理机构", "").strip()
    if org_text:
        first_line = org_text.split("\n", 1)[0].strip()
        if 0 < len(first_line) <= _MAX_DEFAULT_ORG:
            default_org = first_line

    contacts: list[Contact] = []
    for name, _h, a, b in found:
        if name not in _CONTACT_FIELDS:
            continue
        for c in _safe("contacts", extract_contacts, [], text[a:b], default_org=default_org):
            contacts.append(Contact(c.org, c.phone, c.text, c.start + a, c.end + a))
    facts.contacts = contacts

    masked_ranges = [(h, b) for name, h, _a, b in found if name in _NO_MONEY_FIELDS]
    masked = _mask(text, _tag_ranges(facts) + masked_ranges)
    _numbers(text, masked, facts)

    validity = Validity()
    for want in _VALIDITY_FIELDS:
        for name, _h, a, b in found:
            if name != want:
                continue
            v = _safe("validity", extract_validity, Validity(), text[a:b], issued)
            if not _is_empty(v):
                validity = _shift_validity(v, a)
                break
        if not _is_empty(validity):
            break
    if _is_empty(validity):
        validity = _safe("validity", extract_validity, Validity(), masked, issued)
    facts.validity = validity


def _tag_ranges(facts: ClauseFacts) -> list[tuple[int, int]]:
    """The responsible-unit tag of ``facts`` as a list of ranges (empty if none)."""
    s = facts.units_span
    return [(s.start, s.end)] if s is not None and s.end > s.start else []


def extract_clause_facts(
    node: Node,
    block: TextBlock | None = None,
    *,
    issued: date | None = None,
    doc_validity: Validity | None = None,
) -> ClauseFacts:
    """Facts of one clause node (条款要素).

    ``node`` is a ``role == "clause"`` node or, for a service guide, the
    ``kind == "guide"`` node whose children are ``field`` nodes; ``block``
    its text (default ``node.block()``). ``issued`` (印发日期) anchors
    relative validity (``自发布之日起``, ``有效期两年``); ``doc_validity`` is
    the document's own validity, inherited (``basis`` prefixed
    :data:`INHERITED_PREFIX`, no spans) when the clause states none.

    Ordinary clause: responsible units (责任单位) and their tag from the
    text; amounts (元), rates and thresholds from the text with every
    responsible-unit tag masked (unit names are not conditions); 发文字号,
    cited 《titles》, validity and contacts from the full text.

    Guide: ``fields`` maps each canonical field name (see
    :func:`huiqi.reference.guide_fields.canonical_field`) to the field's text
    without its heading line (repeated names are joined with ``\\n``);
    contacts come from the 咨询电话 field, unlabelled numbers owned by the
    受理机构 (its first line, if at most 40 characters); amounts and
    thresholds from the guide text with the 咨询电话 and 办理依据 fields
    masked; validity from 办理时限, then 适用范围, then 政策标准, else the
    masked text.

    All spans index ``block.text``. Never raises: a failing extractor only
    leaves its fact empty. An ordinary clause's facts are memoised per
    process on its text (:func:`_text_facts`); the result is always the
    caller's own copy.
    """
    if block is None:
        block = _safe("block", node.block, None)
        if block is None:
            return ClauseFacts()
    text = block.text or ""
    hint = getattr(node, "unit_hint", None)
    if node.kind == "guide":
        facts = _common_facts(text, hint)[0]
        _safe("guide", _guide_facts, None, node, text, facts, issued)
    else:
        facts = _copy(_text_facts(text, issued, hint))
    if _is_empty(facts.validity) and not _is_empty(doc_validity):
        facts.validity = _inherit(doc_validity)  # type: ignore[arg-type]
    return facts


def _common_facts(text: str, hint: str | None) -> tuple[ClauseFacts, tuple]:
    """Responsible units (责任单位, else those of the heading tag ``hint``),
    发文字号 and cited 《titles》 of a clause text (what every kind of clause
    reads), and the text's own last unit tag ``(units, span)``."""
    facts = ClauseFacts()
    first = _safe("units", extract_responsible_units, ([], None), text)
    facts.responsible_units, facts.units_span = list(first[0]), first[1]
    if not facts.responsible_units and hint:
        # the enclosing heading's tag (一、强化科技创新（区科技局牵头）) names the units
        facts.responsible_units = list(_safe("units", extract_responsible_units, ([], None), hint)[0])
    facts.doc_numbers = _safe("doc_numbers", extract_doc_numbers, [], text)
    facts.cited_documents = _safe("cited", extract_cited_titles, [], text)
    return facts, first


#: Distinct ordinary clause texts whose facts one process keeps
#: (:func:`_text_facts`): a reprinted clause (a yearly 政策清单 repeating
#: last year's items, a city reprinting a regional measure, boilerplate such
#: as 本办法由…负责解释) is read once per ingest.
TEXT_FACTS_CACHE = 16_384


@lru_cache(maxsize=TEXT_FACTS_CACHE)
def _text_facts(text: str, issued: date | None, hint: str | None) -> ClauseFacts:
    """The facts of an ordinary clause (not a guide) from its text alone,
    before the document's validity is inherited: they depend on nothing
    else than ``text``, the issue date (relative validity) and the heading
    tag ``hint``, so they are memoised on those. Shared: callers get a
    :func:`_copy`."""
    facts, first = _common_facts(text, hint)
    tags = _safe("unit tags", _unit_tags, [], text, first)
    _numbers(text, _mask(text, tags), facts)
    facts.validity = _safe("validity", extract_validity, Validity(), text, issued)
    facts.contacts = _safe("contacts", extract_contacts, [], text, require_cue=True)
    return facts


def _copy(facts: ClauseFacts) -> ClauseFacts:
    """A copy of the memoised ``facts`` whose every fact is a copy as well
    (a caller may change what it is given without changing the memo); the
    facts are flat dataclasses (a validity also holds its spans), so this
    is ``copy.deepcopy`` at a tenth of its cost."""
    validity = _clone(facts.validity)
    validity.spans = [_clone(s) for s in validity.spans]
    return ClauseFacts(
        responsible_units=list(facts.responsible_units),
        units_span=_clone(facts.units_span) if facts.units_span is not None else None,
        amounts=[_clone(a) for a in facts.amounts], rates=[_clone(r) for r in facts.rates],
        thresholds=[_clone(t) for t in facts.thresholds], validity=validity,
        doc_numbers=[_clone(d) for d in facts.doc_numbers],
        cited_documents=[_clone(c) for c in facts.cited_documents],
        contacts=[_clone(c) for c in facts.contacts], fields=dict(facts.fields))


def _clone(item: T) -> T:
    """A shallow copy of a dataclass instance (its ``__dict__`` copied)."""
    twin = object.__new__(type(item))
    twin.__dict__.update(item.__dict__)
    return twin


# --- document facts ---------------------------------------------------------------

_TAIL_LINES = 10
_HEAD_LINES = 6
_SPACE_RE = re.compile(r"\s+")
_SENTENCE_PUNCT_RE = re.compile(r"[，。；：:,;！？!?《》“”\"]")
# Endings of an organisation name (机关名称), GB/T 9704 署名 and common usage.
_ORG_END_RE = re.compile(
    r"(?:人民政府|政府|办公厅|办公室|委员会|行政公署|公署|管委会|管理委员会|总局|总署|部门|"
    r"中共中央|国务院|党委|中心|银行|联合会|[厅局部委办署院])$"
)
_ORG_CHARS_RE = re.compile(r"^[\u4e00-\u9fff0-9（）()]{2,30}$")
_NOT_ORG_START_RE = re.compile(r"^(?:抄送|主送|印发|关于|附件|各|全体|特此)")
_PLACE_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:自治区|省|市|盟|旗|县|区)$")
# Words after the issuer in a title: 发文机关 + 关于/印发/转发/发布 + 事由.
_TITLE_VERB_RE = re.compile(r"关于|联合印发|联合发布|印发|转发|发布")
_NATIONAL_RE = re.compile(
    r"^(?:中共中央|中央|国务院|全国|我国|国家|中国人民银行|人民银行|海关总署|"
    r"[\u4e00-\u9fff]{0,8}总署|[\u4e00-\u9fff]{0,8}总局|"
    r"(?:财政|商务|科技|科学技术|工业和信息化|人力资源社会保障|人力资源和社会保障|农业农村|"
    r"自然资源|生态环境|住房和城乡建设|交通运输|水利|文化和旅游|教育|民政|司法|公安|外交|"
    r"应急管理|审计|退役军人事务|国家安全|卫生健康|国家卫生健康)部)"
)
_HOME_ABBR_RE = re.compile(r"^自治区")
_BARE_PROVINCE_RE = re.compile(r"^省(?!级|内|外|市|直)[\u4e00-\u9fff]{1,20}?(?:人民政府|政府|办公厅|厅|局|委|委员会|办)")
_BARE_CITY_RE = re.compile(r"^(?:市|盟)(?!场|级|内|外|直|民)[\u4e00-\u9fff]{1,20}?(?:人民政府|政府|行政公署|公署|办公室|局|委|委员会|办)")
_BARE_COUNTY_RE = re.compile(r"^(?:区|县|旗)(?!域|级|内|外|直)[\u4e00-\u9fff]{1,20}?(?:人民政府|政府|办公室|局|委|委员会|办)")
_LEVELS = ("国家", "自治区", "盟市", "旗县")


def _compact(s: str | None) -> str:
    """``s`` without whitespace and leading dashes (——标题)."""
    return _SPACE_RE.sub("", s or "").lstrip("—－-–")


def _is_org(name: str) -> bool:
    """True if ``name`` reads as one organisation name (ends with 厅/局/人民政府/…)."""
    return bool(
        _ORG_CHARS_RE.match(name)
        and not _NOT_ORG_START_RE.match(name)
        and _ORG_END_RE.search(name)
    )


def _split_orgs(s: str, allow_places: bool = False) -> list[str] | None:
    """Organisation names of a line that holds only names (``财政部 税务总局``), else ``None``.

    Names are separated by spaces or ``、``; with ``allow_places`` a bare
    place name (``鄂尔多斯市``) also counts. A line whose spaces are PDF
    artefacts inside one name is read as that one name.
    """
    s = (s or "").strip().lstrip("—－-–").strip()
    if not s or _SENTENCE_PUNCT_RE.search(s):
        return None

    def ok(p: str) -> bool:
        return _is_org(p) or (allow_places and bool(_PLACE_NAME_RE.match(p)))

    parts = [p for p in re.split(r"[\s、]+", s) if p]
    if parts and all(ok(p) for p in parts):
        return parts
    joined = _SPACE_RE.sub("", s)
    if "、" not in joined and ok(joined):
        return [joined]
    return None


def _title_lines(lines: list[LogicalLine], title: str | None) -> set[int]:
    """Indexes of ``lines`` that carry (part of) the title."""
    t = _compact(title)
    out: set[int] = set()
    if len(t) < 4:
        return out
    for i, ln in enumerate(lines):
        c = _compact(ln.text)
        if len(c) >= 4 and (c in t or t in c):
            out.add(i)
    return out


_DATE_ONLY_RE = re.compile(r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_TITLE_THEN_NO_RE = re.compile(r"(?:通知|意见|办法|方案|措施|规定|细则|决定|公告|批复|通告|规划|计划)》?\s*[（(]\s*$")


def _doc_number(title: str | None, head: list[LogicalLine]) -> str | None:
    """发文字号 of the document: in the title, on a title line, or alone on a header line.

    A header line counts only before the first sentence (a line with ``，``
    or ``。``), so numbers cited by the preamble are not taken.
    """
    spans = _safe("doc_numbers", extract_doc_numbers, [], title or "")
    if spans:
        return normalize_doc_number(spans[0].text)
    titles = _title_lines(head, title)
    for i, ln in enumerate(head[:_HEAD_LINES]):
        text = ln.text.strip()
        spans = _safe("doc_numbers", extract_doc_numbers, [], text)
        if i in titles and spans:
            return normalize_doc_number(spans[-1].text)
        if spans:
            rest = (text[: spans[0].start] + text[spans[0].end:]).strip(" （）()〔〕[]【】")
            # the number alone, or after the date (2006年10月26日 财建〔2006〕689号)
            if not rest or _DATE_ONLY_RE.match(rest):
                return normalize_doc_number(spans[0].text)
            # a title followed by its number in brackets: …的通知（嘉政办发〔2021〕7号）
            before = text[: spans[0].start]
            if _TITLE_THEN_NO_RE.search(before) and not re.search(r"[《，。；]", before):
                return normalize_doc_number(spans[0].text)
        if i not in titles and re.search(r"[，。]", text):
            break
    return None


def _meta_source(meta) -> str | None:
    """The page's 来源 when it names one organisation (新昌县人民政府), else ``None``."""
    src = (getattr(meta, "source", None) or "").strip()
    m = re.match(r"^[\u4e00-\u9fff]{2,30}", src)
    if not m:
        return None
    name = m.group(0)
    # 来源：新昌县人民政府关键词：… — cut at the first organisation ending
    cut = re.search(r"(?:人民政府|政府|办公厅|办公室|委员会|行政公署|管委会|[厅局委办署])", name)
    if cut:
        name = name[: cut.end()]
    return name if _is_org(name) else None


def _issuer_from_title(title: str | None) -> str | None:
    """发文机关 named before ``关于/印发/转发/发布`` in the title, joined with ``、``.

    ``财政部 工业和信息化部关于…`` → ``财政部、工业和信息化部``;
    ``内蒙古自治区工业和信息化厅关于…`` → ``内蒙古自治区工业和信息化厅``.
    """
    t = (title or "").strip().lstrip("—－-–").strip()
    t = re.sub(r"^【([^】]{2,20})】", r"\1", t)  # 【嘉定区】关于… : a place tag names the issuer
    m = _TITLE_VERB_RE.search(t)
    if not m or m.start() < 2:
        return None
    parts = _split_orgs(t[: m.start()], allow_places=True)
    return "、".join(parts) if parts else None


def _issuer_from_tail(texts: list[str], hit_line: int, hit_start: int) -> str | None:
    """Signature (发文机关署名) on the date line before the date or on the lines above it."""
    prefix = texts[hit_line][:hit_start].strip(" \t（(〔[")
    if prefix:
        parts = _split_orgs(prefix)
        return "、".join(parts) if parts else None
    found: list[list[str]] = []
    i = hit_line - 1
    while i >= 0 and len(found) < 3:
        if not texts[i].strip():
            i -= 1
            continue
        parts = _split_orgs(texts[i])
        if not parts:
            break
        found.insert(0, parts)
        i -= 1
    names = [p for parts in found for p in parts]
    return "、".join(dict.fromkeys(names)) if names else None


def _issuer_from_header(head: list[LogicalLine], title: str | None) -> str | None:
    """Issuer lines right after the title (a cover: ``阿拉善盟发展和改革委员会`` …)."""
    titles = _title_lines(head, title)
    names: list[str] = []
    for i, ln in enumerate(head[:_HEAD_LINES + len(titles)]):
        text = ln.text.strip()
        if i in titles or not text or text in ("附件",):
            if names:
                break
            continue
        parts = _split_orgs(text)
        if parts:
            names.extend(parts)
            continue
        if names or _SENTENCE_PUNCT_RE.search(text):
            break
    return "、".join(dict.fromkeys(names)) if names else None


def preload() -> None:
    """Load what document extraction otherwise loads on first use (jionlp
    and its administrative-division dictionary, about 0.35 s of CPU; cn2an
    and its patterns, about 0.3 s), so that worker processes forked
    afterwards share them instead of each loading them
    (:func:`huiqi.kb.ingest.ingest_paths`' parsing pool). Never raises."""
    parse_number("一千五百")  # imports cn2an (Chinese numerals)
    if places.available():
        with contextlib.suppress(Exception), contextlib.redirect_stdout(io.StringIO()):
            places.parse_location(HOME_PROVINCE)


_PLACE_FALLBACK_RE = re.compile(
    r"^(?P<prov>[\u4e00-\u9fff]{2,6}?(?:省|自治区))?"
    r"(?P<city>[\u4e00-\u9fff]{2,6}?(?:盟|市)(?![场政民级]))?"
    r"(?P<county>[\u4e00-\u9fff]{2,6}?(?:旗|县))?"
)


@lru_cache(maxsize=4096)
def _place_level(name: str) -> tuple[str, str] | None:
    """``(level, region)`` of a name that starts with a place (地名开头), else ``None``.

    Places are recognised with jionlp's administrative-division parser
    (``jio.parse_location``, made cheaper by :mod:`huiqi.extract.places`
    with identical results), accepted only when the names it found open
    ``name`` (``国家发展改革委…支持内蒙古…`` is not a 内蒙古 document). The
    finest division present wins: county (旗/县/区) → ``旗县``, city
    (盟/市) → ``盟市``, province → ``自治区``. A bare ``自治区…`` means
    :data:`HOME_PROVINCE`. Without jionlp a small regex is used.
    """
    name = _compact(name)
    if not name:
        return None
    if _HOME_ABBR_RE.match(name):
        return "自治区", HOME_PROVINCE
    # a bare tier prefix (省人民政府, 省财政厅, 市人民政府, 区发改局): the level, place unnamed
    if _BARE_PROVINCE_RE.match(name):
        return "自治区", None
    if _BARE_CITY_RE.match(name):
        return "盟市", None
    if _BARE_COUNTY_RE.match(name):
        return "旗县", None
    if places.available():
        try:
            r = places.parse_location(name)
        except Exception:
            r = None
        if r:
            detail = r.get("detail") or ""
            head = name[: len(name) - len(detail)] if detail and name.endswith(detail) else (
                name if not detail else "")
            found = [(lvl, r.get(key)) for key, lvl in
                     (("county", "旗县"), ("city", "盟市"), ("province", "自治区")) if r.get(key)]
            if head and found and any(head.startswith(n[:2]) for _l, n in found):
                for lvl, n in found:
                    stem = re.sub(r"(?:自治区|省|市|盟|旗|县|区)$", "", n)[:2]
                    if stem and stem in head:
                        return lvl, n
        return None
    m = _PLACE_FALLBACK_RE.match(name)
    if m:
        for key, lvl in (("county", "旗县"), ("city", "盟市"), ("prov", "自治区")):
            if m.group(key):
                return lvl, m.group(key)
    return None


def _infer_level(*names: str | None) -> tuple[str | None, str | None]:
    """``(level, region)`` from issuer/title names (first that names a place or a national body)."""
    for name in names:
        if not name:
            continue
        local = _place_level(name)
        if local:
            return local
        if _NATIONAL_RE.match(_compact(name)):
            return "国家", "全国"
    return None, None


def _normalize_level_hint(hint: str | None) -> tuple[str | None, str | None]:
    """Level (国家/自治区/盟市/旗县) and stated region of a compilation heading's level wording.

    ``国家级`` → (国家, 全国); ``自治区级`` → (自治区, None); ``内蒙古自治区`` →
    (自治区, 内蒙古自治区); ``市级`` → (盟市, None); ``鄂尔多斯市级`` → (盟市,
    鄂尔多斯市); ``旗级`` → (旗县, None); ``伊金霍洛旗`` → (旗县, 伊金霍洛旗).
    """
    h = _compact(hint)
    if not h:
        return None, None
    if h in _LEVELS:
        return h, ("全国" if h == "国家" else None)
    place = re.sub(r"(?:级)?(?:政策|层面)?$", "", h)
    if "国家" in h or h in ("中央", "全国"):
        return "国家", "全国"
    if "自治区" in h or "省" in h:
        return "自治区", (place if place not in ("自治区", "省") else None)
    if re.search(r"[旗县]", h) or (h.endswith(("区级", "区")) and "自治区" not in h):
        return "旗县", (place if place not in ("旗", "县", "区", "旗县", "县区", "旗县区") else None)
    if re.search(r"[盟市]", h):
        return "盟市", (place if place not in ("盟", "市", "盟市") else None)
    return None, None


def _level_region(doc: ParsedDocument, issuer: str | None) -> tuple[str | None, str | None]:
    """Level and region: from ``doc.level_hint``, else inferred from issuer and title."""
    title = (doc.title or "").strip().lstrip("—－-–").strip()
    # 中共阿拉善盟委员会… / 关于建立阿拉善盟…机制 name their place after a prefix
    bare = re.sub(r"^(?:中共|关于(?:建立|做好|进一步|加快|印发)?)", "", title)
    level, region = _normalize_level_hint(doc.level_hint)
    if level is None:
        return _infer_level(issuer, title, bare if bare != title else None)
    if region is None and doc.context:
        # the compilation heading may name the place (（四）伊金霍洛旗政策)
        heading = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", doc.context[-1])
        lvl, reg = _normalize_level_hint(heading)
        if lvl == level:
            region = reg
    if region is None:
        lvl, reg = _infer_level(issuer, title)
        if lvl == level:
            region = reg
        elif level == "自治区":
            region = HOME_PROVINCE
    return level, region


def _own_text(node: Node) -> str:
    return "\n".join(l.text for l in node.lines)


def _merge_validity(cands: list[Validity]) -> Validity:
    """The best of several validity readings: the first with an end date (its start
    filled from the first reading with a start if missing), else the first one."""
    cands = [v for v in cands if not _is_empty(v)]
    if not cands:
        return Validity()
    with_end = [v for v in cands if v.end is not None]
    if not with_end:
        return cands[0]
    best = with_end[0]
    if best.start is None:
        starter = next((v for v in cands if v.start is not None), None)
        if starter is not None and starter.start <= best.end:
            basis = "；".join(b for b in (starter.basis, best.basis) if b)
            rel = "；".join(r for r in (starter.relative, best.relative) if r) or None
            best = Validity(start=starter.start, end=best.end, basis=basis, relative=rel,
                            spans=list(starter.spans) + list(best.spans))
    return best


def extract_document_facts(doc: ParsedDocument) -> DocumentFacts:
    """Document-level facts (文件要素) of one parsed document.

    * ``title`` — ``doc.title``;
    * ``doc_number`` — the first 发文字号 in the title, on a title line, or
      alone on a header line before the preamble (``（内工信经运字〔2022〕405号）``),
      normalised (:func:`normalize_doc_number`);
    * ``issued`` — :func:`find_issue_date` over the document's lines (the
      date closing the last 10 lines, else a cover date in the first ones);
    * ``issuer`` — the signature: organisation-only line(s) just above that
      closing date (or before it on the same line), else organisation lines
      right after the title (cover), else the title's prefix before
      ``关于/印发/转发/发布`` (``财政部 工业和信息化部关于…`` →
      ``财政部、工业和信息化部``);
    * ``validity`` — from closing clauses (``role == "closing"`` or
      :func:`is_closing_clause`), then the tail and header lines, resolved
      against ``issued``; the first reading with an end date wins; a missing
      end (or nothing at all) is taken from a period in the title
      (:func:`title_period`, ``（2024—2027年）``);
    * ``supersedes`` — :func:`extract_supersession` over closing clauses and tail;
    * ``cited_documents`` — 《titles》 cited in the header (title excluded)
      and the preamble;
    * ``level``/``region`` — from ``doc.level_hint`` (wordings such as
      国家级/自治区级/鄂尔多斯市级/旗级 normalised to 国家/自治区/盟市/旗县), else
      inferred from the issuer, then the title: national bodies → (国家,
      全国), provinces/自治区 → 自治区, 盟/市 → 盟市, 旗/县/区 → 旗县.

    Never raises; an unreadable fact stays ``None``/empty.
    """
    facts = DocumentFacts(title=doc.title)
    _safe("document", _fill_document_facts, None, doc, facts)
    return facts


def _fill_document_facts(doc: ParsedDocument, facts: DocumentFacts) -> None:
    """Body of :func:`extract_document_facts` (fills ``facts`` in place)."""
    try:
        lines = doc.all_lines()
    except Exception:
        _log.debug("document without lines", exc_info=True)
        lines = []
    texts = [l.text for l in lines]
    # the header, and the first lines after it (a title or 发文字号 line may
    # open the first node when a document has no numbered clause)
    head = lines[:max(_HEAD_LINES, len(doc.header))]
    meta = getattr(doc, "meta", None)
    wrapper = getattr(doc, "wrapper", None)
    wrap = _safe("wrapper", extract_document_facts, None, wrapper) if wrapper is not None else None

    facts.doc_number = _safe("doc_number", _doc_number, None, doc.title, head)
    if facts.doc_number is None and meta is not None and getattr(meta, "doc_number", None):
        spans = _safe("doc_numbers", extract_doc_numbers, [], meta.doc_number)
        if spans:
            facts.doc_number = normalize_doc_number(spans[0].text)
    if facts.doc_number is None and wrap is not None:
        facts.doc_number = wrap.doc_number
    if not facts.title and meta is not None:
        facts.title = getattr(meta, "title", None)

    hit = _safe("issued", find_issue_date, None, texts, _TAIL_LINES, 8)
    if hit is None:
        # a wrapping notice's date, the page's 成文日期, then its publication date
        fallback = (wrap.issued if wrap is not None else None) or (
            getattr(meta, "issued", None) or getattr(meta, "published", None) if meta is not None else None)
        facts.issued = fallback
    tail_issuer = None
    if hit is not None:
        facts.issued = hit[0]
        line_index = hit[1].line
        if line_index >= len(texts) - _TAIL_LINES:
            tail_issuer = _safe("issuer", _issuer_from_tail, None, texts, line_index, hit[1].start)
    elif texts:
        last = next((t for t in reversed(texts) if t.strip()), "")
        parts = _split_orgs(last)
        if parts and not any(t.lstrip().startswith("抄送") for t in texts[-4:]):
            tail_issuer = "、".join(parts)
    first_line = re.sub(r"^\s*(?:\d{1,3}[、.．]|[（(]?[一二三四五六七八九十]{1,3}[、）)])\s*", "", texts[0]) if texts else ""
    facts.issuer = (
        tail_issuer
        or _safe("issuer", _issuer_from_header, None, head, doc.title)
        or _safe("issuer", _issuer_from_title, None, doc.title or facts.title)
        or (getattr(meta, "issuer", None) if meta is not None else None)
        or _meta_source(meta)
        or (wrap.issuer if wrap is not None else None)
        # no title found: a first line that reads 发文机关 + 关于… names the issuer
        or (_safe("issuer", _issuer_from_title, None, first_line[:60]) if not (doc.title or facts.title) else None)
    )

    # Closing clauses (附则/施行条款) anywhere in the tree.
    closing: list[str] = []
    for top in doc.nodes:
        for n in top.walk():
            own = _own_text(n)
            if own and (n.role == "closing" or _safe("closing", is_closing_clause, False, own)):
                closing.append(own)
    node_line_ids = {id(l) for top in doc.nodes for l in top.all_lines()}
    tail_texts = [l.text for l in doc.tail]
    tail_texts += [l.text for l in lines[-_TAIL_LINES:]
                   if id(l) not in node_line_ids and l.text not in tail_texts]
    titles = _title_lines(list(doc.header), doc.title)
    header_texts = [l.text for i, l in enumerate(doc.header) if i not in titles]

    cands = [_safe("validity", extract_validity, Validity(), t, facts.issued)
             for t in closing + tail_texts + header_texts]
    validity = _merge_validity(cands)
    t_start, t_end = _safe("title_period", title_period, (None, None), doc.title or "")
    if t_end is not None and validity.end is None:
        basis = "；".join(b for b in (validity.basis, doc.title) if b)
        validity = Validity(start=validity.start or t_start, end=t_end, basis=basis,
                            relative=validity.relative, spans=list(validity.spans))
    facts.validity = validity

    facts.contacts = _safe("contacts", extract_contacts, [], "\n".join(tail_texts), require_cue=True)

    supersedes: list[str] = []
    for t in closing + ["\n".join(tail_texts)]:
        supersedes.extend(_safe("supersession", extract_supersession, [], t))
    facts.supersedes = list(dict.fromkeys(supersedes))

    preamble = [_own_text(n) for n in doc.nodes if n.role == "preamble"]
    cited: list[str] = []
    for t in header_texts + preamble:
        cited.extend(s.text for s in _safe("cited", extract_cited_titles, [], t))
    facts.cited_documents = list(dict.fromkeys(cited))

    facts.level, facts.region = _safe("level", _level_region, (None, None), doc, facts.issuer)
    if facts.level is None and facts.title and facts.title != doc.title:
        # the page metadata's 标题 (名称：通辽市人民政府办公室关于…)
        facts.level, facts.region = _safe("level", _infer_level, (None, None),
                                          _issuer_from_title(facts.title), facts.title)
    if facts.level is None and wrap is not None:
        facts.level, facts.region = wrap.level, wrap.region
