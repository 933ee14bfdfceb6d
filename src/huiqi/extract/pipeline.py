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
from huiqi.extract.fields import canonical_field
from huiqi.extract.money import extract_amounts, extract_rates
from huiqi.extract.thresholds import extract_thresholds
from huiqi.extract.types import ClauseFacts, Contact, DocumentFacts, Span, Validity
from huiqi.extract.units import extract_responsible_units
from huiqi.normalize.lines import LogicalLine, TextBlock
from huiqi.structure.model import Node, ParsedDocument

__all__ = ["extract_clause_facts", "extract_document_facts", "HOME_PROVINCE", "INHERITED_PREFIX"]

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
_NO_MONEY_FIELDS = ("咨询电话", "办理依据")
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
    chars = list(text)
    for a, b in ranges:
        for i in range(max(0, a), min(len(chars), b)):
            chars[i] = _MASK
    return "".join(chars)


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
        if name != "咨询电话":
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
    :func:`huiqi.extract.fields.canonical_field`) to the field's text
    without its heading line (repeated names are joined with ``\\n``);
    contacts come from the 咨询电话 field, unlabelled numbers owned by the
    受理机构 (its first line, if at most 40 characters); amounts and
    thresholds from the guide text with the 咨询电话 and 办理依据 fields
    masked; validity from 办理时限, then 适用范围, then 政策标准, else the
    masked text.

    All spans index ``block.text``. Never raises: a failing extractor only
    leaves its fact empty.
    """
    facts = ClauseFacts()
    if block is None:
        block = _safe("block", node.block, None)
        if block is None:
            return facts
    text = block.text or ""

    first = _safe("units", extract_responsible_units, ([], None), text)
    facts.responsible_units, facts.units_span = list(first[0]), first[1]
    facts.doc_numbers = _safe("doc_numbers", extract_doc_numbers, [], text)
    facts.cited_documents = _safe("cited", extract_cited_titles, [], text)

    if node.kind == "guide":
        _guide_facts(node, text, facts, issued)
    else:
        tags = _safe("unit tags", _unit_tags, [], text, first)
        _numbers(text, _mask(text, tags), facts)
        facts.validity = _safe("validity", extract_validity, Validity(), text, issued)
        facts.contacts = _safe("contacts", extract_contacts, [], text)

    if _is_empty(facts.validity) and not _is_empty(doc_validity):
        facts.validity = _inherit(doc_validity)  # type: ignore[arg-type]
    return facts
