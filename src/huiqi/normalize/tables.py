"""Table rows as lines the extractors can read (表格行).

Readers give one physical line per table row, cells separated by a tab (Word,
HTML) or written as a markdown/pipe row (``| 1 | 任务 | 区发改局 |``). Two
kinds of table are rewritten in place, one row → one line, so that line
numbers (citations) do not move:

* a 任务分工 table — a header row naming a unit column (牵头单位, 责任单位,
  配合单位, 责任部门 …): every data row becomes a numbered item carrying its
  units as a labelled tag, ``1.任务（牵头单位：区发改局；责任单位：…）``;
  other columns (完成时限 …) are kept as ``label：value`` inside the item; an
  empty unit cell (a vertically merged cell) repeats the row above;
* a two-column row whose first cell is a service-guide field label
  (``受理机构 | 旗税务局``) becomes ``受理机构：旗税务局``.

The header row itself becomes an empty line. Anything else is left as it is.
"""

from __future__ import annotations

import re

__all__ = ["render_tables"]

_UNIT_COL = re.compile(
    r"^(?:牵头单位|责任单位|配合单位|责任部门|牵头部门|配合部门|协同单位|协办单位|参与单位|"
    r"实施单位|主责单位|责任主体|责任处室|责任科室|牵头处室|配合处室|主办单位|协办部门|责任领导)$"
)
_SEQ_COL = re.compile(r"^(?:序号|编号|序|No\.?)$", re.IGNORECASE)
_TASK_COL = re.compile(r"(?:任务|措施|事项|内容|工作|举措|政策|名称|目标)")
_SPACE = re.compile(r"[\s\u3000]+")


def _cells(line: str) -> list[str] | None:
    """Cells of a table-row line (tab-separated or ``|``-delimited), else ``None``."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    s = line.strip()
    if s.startswith("|") and s.count("|") >= 3:
        return [c.strip() for c in s.strip("|").split("|")]
    return None


def _label(cell: str) -> str:
    return _SPACE.sub("", cell).rstrip("：:")


def _render_row(cells: list[str], header: list[str], unit_cols: list[int], seq_col: int | None,
                prev_units: dict[int, str], index: int) -> str:
    seq = cells[seq_col].strip() if seq_col is not None and seq_col < len(cells) else ""
    marker = f"{seq}." if re.fullmatch(r"\d{1,3}", seq) else f"{index}."
    body: list[str] = []
    extra: list[str] = []
    for k, cell in enumerate(cells):
        if k == seq_col or k in unit_cols or not cell:
            continue
        name = header[k] if k < len(header) else ""
        if _TASK_COL.search(name) or not name:
            body.append(cell)
        else:
            extra.append(f"{name}：{cell}")
    tags: list[str] = []
    for k in unit_cols:
        value = cells[k].strip() if k < len(cells) else ""
        if not value:
            value = prev_units.get(k, "")
        prev_units[k] = value
        if value:
            tags.append(f"{header[k]}：{value}")
    text = "".join(body)
    if extra:
        text = text.rstrip("。") + ("。" if text else "") + "；".join(extra) + "。"
    if tags:
        text += "（" + "；".join(tags) + "）"
    return marker + text


def render_tables(lines: list[str]) -> list[str]:
    """``lines`` with 任务分工 rows and two-column guide rows rewritten (see module doc).

    Returns a new list of the same length (line ``i`` stays line ``i``).
    Never raises.
    """
    # the guide-field table (reference data); imported here, not at module
    # level, because the extract package imports the structure stage
    from huiqi.reference.guide_fields import canonical_field  # noqa: PLC0415

    out = list(lines)
    i = 0
    while i < len(out):
        cells = _cells(out[i])
        if cells is None:
            i += 1
            continue
        labels = [_label(c) for c in cells]
        unit_cols = [k for k, lab in enumerate(labels) if _UNIT_COL.match(lab)]
        if unit_cols and len(cells) >= 2:
            seq_col = next((k for k, lab in enumerate(labels) if _SEQ_COL.match(lab)), None)
            out[i] = ""
            prev: dict[int, str] = {}
            j, index = i + 1, 1
            while j < len(out):
                row = _cells(out[j])
                if row is None or len(row) < len(cells) - 1:
                    break
                if not any(row):
                    j += 1
                    continue
                out[j] = _render_row(row, labels, unit_cols, seq_col, prev, index)
                index += 1
                j += 1
            i = j
            continue
        filled = [c for c in cells if c]
        if len(filled) == 2 and cells[0] and canonical_field(_label(cells[0])):
            out[i] = f"{_label(cells[0])}：{filled[1]}"
        i += 1
    return out
