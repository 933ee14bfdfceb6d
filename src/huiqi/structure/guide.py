"""Service guides recognised by the density of their field labels (办事指南识别).

Guides from other provinces do not all number their fields (一、办理依据 …):
labels stand alone on a line (``办理材料``), end with a colon
(``换领受理部门：``), open a line that carries the value
(``咨询电话：0838-2598521``) or come from a two-column table row. A text is a
guide when such labels are dense — at least three distinct fields and at
least a quarter of its lines — whatever its title says. The label table is
:mod:`huiqi.reference.guide_fields` (synonyms of every field).
"""

from __future__ import annotations

import re

from huiqi.reference.guide_fields import canonical_field, leading_field_label
from huiqi.normalize.lines import LogicalLine
from huiqi.normalize.markers import classify
from huiqi.structure.model import Node

__all__ = ["field_line", "is_dense_guide", "build_dense_guide"]

_LABEL_MAX = 12
_PREFIX = re.compile(rf"^([^：:，。；,;（(]{{2,{_LABEL_MAX}}})\s*[：:]")
_MIN_FIELDS = 3
_GLUED_NUMBER = re.compile(r"^\d{1,2}(?=[\u4e00-\u9fff])")
_MIN_SHARE = 0.25


def field_line(text: str) -> tuple[str, str, str] | None:
    """``(canonical field, marker label, label text)`` when ``text`` opens with a field label.

    Accepted: a bare label line (``办理材料``, ``换领受理部门：``), a numbered
    one (``三、办理程序``, ``（二）申请材料：``), ``label：value`` on one
    line (``咨询电话：0838-2598521``) and a number glued to a label that opens
    the line's text (``4申报材料4.1…``). ``None`` otherwise (also for articles
    and chapters, whose headings are not guide fields).
    """
    t = text.strip()
    m = classify(t)
    if m is not None and m.kind not in ("section", "subsection", "item", "subitem", "circled"):
        return None
    marker = m.label if m else ""
    body = (m.rest if m else t).strip()
    whole = body.rstrip("：: ").strip()
    if 2 <= len(whole) <= _LABEL_MAX and not re.search(r"[，。；,;]", whole):
        canon = canonical_field(whole)
        if canon:
            return canon, marker, whole
    p = _PREFIX.match(body)
    if p:
        canon = canonical_field(p.group(1))
        if canon:
            return canon, marker, p.group(1).strip()
    # a field number glued to its label: 4申报材料4.1合法有效的收费文件
    glued = _GLUED_NUMBER.match(body) if m is None else None
    if glued:
        label = leading_field_label(body[glued.end():])
        if label:
            return canonical_field(label), glued.group(0), label
    return None


def is_dense_guide(lines: list[LogicalLine]) -> bool:
    """True when field labels open at least 3 distinct fields and ¼ of ``lines``."""
    hits = [field_line(l.text) for l in lines]
    found = [h for h in hits if h]
    return len({h[0] for h in found}) >= _MIN_FIELDS and len(found) >= _MIN_SHARE * len(lines)


def build_dense_guide(lines: list[LogicalLine], title: str | None) -> tuple[list[LogicalLine], Node]:
    """The guide node of a dense guide: lines before the first label stay its own
    lines (title, intro); every label line opens a ``field`` child holding the
    lines up to the next label. Returns ``(header_lines, guide_node)``; the
    header is handed back empty (the guide node owns it, as for numbered guides)."""
    first = next(i for i, l in enumerate(lines) if field_line(l.text))
    children: list[Node] = []
    for line in lines[first:]:
        hit = field_line(line.text)
        if hit:
            canon, marker, label = hit
            children.append(Node(kind="field", label=marker, heading=label, role="field",
                                 lines=[line], field=canon))
        else:
            children[-1].lines.append(line)
    guide = Node(kind="guide", label="", heading=title or "服务指南", role="clause",
                 lines=list(lines[:first]), children=children)
    return [], guide
