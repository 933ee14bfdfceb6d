"""Exports are safe (issue 16, defects 9 and 10): register text never
becomes a spreadsheet formula in any .xlsx or .csv writer, and a row with an
out-of-range value is skipped with its line number instead of aborting."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from huiqi.cli.app import app
from huiqi.safecell import safe_cell
from tests.search.kw_corpus import corpus_db_url

SRC = Path(__file__).resolve().parents[2] / "src" / "huiqi"
EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "企业名录示例.csv"
EVIL = ['=HYPERLINK("http://x","点我")', '  +1+1', '@SUM(1,2)', '\t-2+3', '\r=1', '-10']


def _dangerous(value) -> bool:
    return isinstance(value, str) and bool(value) and (value[0] in "\t\r" or value.lstrip()[:1] in "=+-@")


def _register(tmp_path: Path) -> Path:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, first = rows[0], rows[1]
    out = [header]
    for i, name in enumerate(EVIL):
        cells = list(first)
        cells[0], cells[1], cells[2] = str(i + 1), name, f"EVIL-{i}"
        out.append(cells)
    bad = list(first)
    bad[0], bad[1], bad[7] = "99", "越界企业", "9223372036854775808"  # 从业人员
    out.append(bad)
    path = tmp_path / "名录.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(out)
    return path


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evil")
    reg = _register(tmp)
    outs = {}
    for suffix in (".xlsx", ".csv"):
        out = tmp / f"名单{suffix}"
        res = CliRunner().invoke(app, ["screen", str(reg), "--db", corpus_db_url(), "--as-of", "2025-06-30",
                                       "--out", str(out)])
        # exit 1 signals the skipped row; the lists are still written
        assert res.exit_code == 1 and out.is_file(), res.output
        outs[suffix] = (out, res.output)
    return outs


def test_out_of_range_row_is_skipped_with_its_line(screened):
    _, output = screened[".xlsx"]
    assert "第8行（从业人员）" in output and "超出合理范围" in output and "已跳过" in output
    assert "内部错误" not in output


def test_xlsx_has_no_formula_and_no_live_text(screened):
    out, _ = screened[".xlsx"]
    wb = load_workbook(out)  # not read-only: data_type tells formulas apart
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not _dangerous(cell.value), (ws.title, cell.coordinate, cell.value)
                seen += isinstance(cell.value, str) and "HYPERLINK" in cell.value
    assert seen >= 1  # the firm is listed, as text


def test_csv_cells_are_text(screened):
    out, _ = screened[".csv"]
    files = [out] + list(out.parent.glob(f"{out.stem}_错误.csv"))
    seen = 0
    for f in files:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for v in row:
                    assert not _dangerous(v), (f.name, v)
                    seen += "HYPERLINK" in v
    assert seen >= 1


def test_safe_cell_rules():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("  @x") == "'  @x" and safe_cell("\tx") == "'\tx"
    assert safe_cell("\r=1") == "'\r=1" and safe_cell("-5") == "'-5"
    assert safe_cell("正常文字") == "正常文字" and safe_cell(-5) == -5 and safe_cell(None) is None


def test_every_writer_uses_safe_cells():
    """Every module that writes .xlsx (openpyxl Workbook) or .csv (csv.writer)
    passes its cells through huiqi.safecell."""
    writers = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(", text):
            writers.append(path.name)
            assert "safecell" in text or "_safe_cell" in text, f"{path} writes spreadsheets without huiqi.safecell"
    assert {"screen_cmd.py", "batch.py", "calcform.py"} <= set(writers)


def test_calculator_export_is_safe():
    from huiqi.web.calcform import workbook_bytes
    import io

    result = {"as_of": "2025-01-01", "total": {}, "results": [
        {"clause_id": 1, "status": "eligible", "text": "=cmd|' /C calc'!A0", "path": ["@x"],
         "document": {"title": "+标题"}, "reasons": [{"condition": "-1", "outcome": "met"}], "missing": []}],
        "next_questions": [], "warnings": []}
    data = workbook_bytes(result, {"name": "=HYPERLINK(\"http://x\")"})
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not _dangerous(cell.value), (cell.coordinate, cell.value)
