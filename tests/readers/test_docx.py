"""DOCX reader: body order with tables in place, merged cells, corrupt files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from huiqi.readers import SourceError, read_source

# Real text from the corpus (seed 003).
INTRO = "为帮助盟内广大民营经济经营主体全面清晰掌握政策申报要素，确保政策红利高效兑现。"
AFTER = "（二）申报流程：企业线上提交申请。"


def _save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def _reason(path: Path) -> str:
    with pytest.raises(SourceError) as info:
        read_source(path)
    return info.value.reason


def test_paragraphs_and_table_in_body_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(INTRO)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["政策名称", "受理机构", "办理时限"], ["科技创新券", "盟科技局", "15个工作日"], ["稳岗返还", "盟人社局", "即时办结"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph(AFTER)
    src = read_source(_save(document, tmp_path / "guide.docx"))
    assert src.lines == [
        INTRO,
        "政策名称\t受理机构\t办理时限",
        "科技创新券\t盟科技局\t15个工作日",
        "稳岗返还\t盟人社局\t即时办结",
        AFTER,
    ]
    assert (src.kind, src.encoding) == ("docx", "docx")
    assert src.meta["tables"] == 1


def test_merged_cells_are_not_repeated(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "一、产业发展"  # horizontal span
    table.cell(1, 0).merge(table.cell(2, 0)).text = "申报条件"  # vertical span
    table.cell(1, 1).text = "条件一"
    table.cell(1, 2).text = "材料一"
    table.cell(2, 1).text = "条件二"
    table.cell(2, 2).text = "材料二"
    src = read_source(_save(document, tmp_path / "merged.docx"))
    assert src.lines == [
        "一、产业发展",
        "申报条件\t条件一\t材料一",
        "\t条件二\t材料二",
    ]
    # python-docx's row.cells repeats merged cells; our rows must not.
    assert [c.text for c in table.rows[0].cells].count("一、产业发展") == 3


def test_multi_paragraph_cell_stays_on_one_line(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    cell = table.cell(0, 0)
    cell.text = "1.营业执照"
    cell.add_paragraph("2.申请表")
    table.cell(0, 1).text = "原件"
    src = read_source(_save(document, tmp_path / "cell.docx"))
    assert src.lines == ["1.营业执照 2.申请表\t原件"]


def test_soft_line_break_splits_paragraph(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    run = paragraph.add_run("第一行")
    run.add_break()
    paragraph.add_run("第二行")
    document.add_paragraph("")
    document.add_paragraph("第四行")
    src = read_source(_save(document, tmp_path / "br.docx"))
    assert src.lines == ["第一行", "第二行", "", "第四行"]


def test_empty_docx(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    assert "文件为空" in _reason(_save(document, tmp_path / "empty.docx"))


def test_corrupt_docx_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes("不是Word文件".encode("utf-8"))
    assert "DOCX" in _reason(path)


def test_corrupt_docx_truncated(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(INTRO)
    buf = io.BytesIO()
    document.save(buf)
    path = tmp_path / "cut.docx"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert "损坏" in _reason(path)


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "损坏" in _reason(path)


def test_legacy_doc_renamed(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert ".doc" in _reason(path)
