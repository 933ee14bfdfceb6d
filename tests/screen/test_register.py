"""Enterprise registers (huiqi.screen.register): CSV in UTF-8 / GBK, .xlsx
with title rows, two-level headers and extra sheets, JSON/YAML lists; bad
rows named by row, column and problem; unreadable files refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from huiqi.screen.register import (
    RegisterError,
    map_header,
    profile_to_record,
    read_register,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "企业名录示例.csv"


def _example_rows() -> list[list[str]]:
    import csv

    return list(csv.reader(EXAMPLE.read_text(encoding="utf-8-sig").splitlines()))


def _by_name(reg, fragment: str):
    return next(r for r in reg.rows if fragment in (r.profile.name or ""))


def test_example_register_reads_every_firm():
    reg = read_register(EXAMPLE)
    assert reg.kind == "csv" and reg.header_row == 1
    assert len(reg.rows) == 20 and not reg.errors and not reg.warnings
    shop = _by_name(reg, "沙海便利店")
    assert shop.row == 2 and shop.credit_code == "示例-0001"
    p = shop.profile
    assert p.region == "阿拉善盟阿拉善左旗" and p.industry == "F52" and p.employees == 5
    assert p.revenue == 300_000 and p.monthly_sales == 25_000  # 营业收入（万元） 30 → yuan
    dairy = _by_name(reg, "草原乳业").profile
    assert dairy.qualifications == ["高新技术企业", "专精特新中小企业"]
    assert dairy.projects[0].kind == "技术改造" and dairy.projects[0].investment == 30_000_000
    assert dairy.projects[0].completed == date(2024, 10, 1)
    assert _by_name(reg, "贺兰山下").profile.facts == {"登记失业人员招用人数": "3"}
    # a blank 资质 cell leaves the list unstated (unknown), not "none"
    assert "qualifications" not in shop.profile.model_fields_set


def test_gbk_csv_reads_like_utf8(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8-sig")
    gbk = tmp_path / "名录_gbk.csv"
    gbk.write_bytes(text.encode("gb18030"))
    a, b = read_register(EXAMPLE), read_register(gbk)
    assert b.encoding == "gb18030"
    assert [r.profile for r in a.rows] == [r.profile for r in b.rows]


def test_bad_row_named_and_skipped_others_kept(tmp_path):
    rows = _example_rows()
    header = rows[0]
    emp, region = header.index("从业人员"), header.index("注册地")
    rows[3][emp] = "3200万"          # row 4 of the file
    rows[5][region] = "火星"           # row 6
    rows[7][header.index("成立日期")] = "2024-02-30"  # row 8
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    reg = read_register(p)
    lines = {e.row: e.line() for e in reg.errors}
    assert set(lines) == {4, 6, 8}
    assert lines[4].startswith("第4行（从业人员）：") and "3200万" in lines[4]
    assert lines[6].startswith("第6行（注册地）：") and "火星" in lines[6]
    assert lines[8].startswith("第8行（成立日期）：") and "日期不存在" in lines[8]
    assert len(reg.rows) == 17 and {r.row for r in reg.rows}.isdisjoint({4, 6, 8})


def test_unknown_column_warned_and_ignored(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("序号,企业名称,注册地,从业人数,法人代表\n1,甲（虚构）,伊金霍洛旗,12,张三\n", encoding="utf-8")
    reg = read_register(p)
    assert reg.warnings == ["未知列“法人代表”，已忽略"]  # 序号 is ignored silently
    assert reg.rows[0].profile.employees == 12


def test_unknown_industry_is_a_kept_warning(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("企业名称,注册地,行业\n甲（虚构）,伊金霍洛旗,某未知行业\n", encoding="utf-8")
    reg = read_register(p)
    assert len(reg.rows) == 1 and not reg.errors
    (w,) = reg.problems
    assert not w.skipped and w.line().startswith("第2行（行业）：无法识别的行业")


@pytest.mark.parametrize("content, reason", [
    (b"", "文件为空"),
    (b"\n\n", "文件为空"),
    ("企业名称,注册地\n".encode(), "只有表头"),
    ("企业名称,地址\n甲,乙\n".encode(), "注册地列"),
    (b"\x00\x01\x02binary\x00", "不是文本文件"),
])
def test_unreadable_csv(tmp_path, content, reason):
    p = tmp_path / "r.csv"
    p.write_bytes(content)
    with pytest.raises(RegisterError) as e:
        read_register(p)
    assert str(e.value).startswith("r.csv: ") and reason in str(e.value)
    assert "\n" not in str(e.value)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(RegisterError, match="文件不存在"):
        read_register(tmp_path / "nope.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RegisterError, match="另存为 .xlsx"):
        read_register(tmp_path / "old.xls")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip file at all")
    with pytest.raises(RegisterError, match="不是有效的 .xlsx"):
        read_register(tmp_path / "fake.xlsx")


def _workbook(path: Path, build) -> Path:
    wb = Workbook()
    build(wb)
    wb.save(path)
    return path


def test_xlsx_with_merged_title_and_extra_sheets(tmp_path):
    rows = _example_rows()

    def build(wb):
        notes = wb.active
        notes.title = "填表说明"
        notes.append(["本表为示例，企业均为虚构"])
        ws = wb.create_sheet("企业名录")
        ws.append(["2025年企业名录（示例）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        for r in rows:
            ws.append([int(x) if x.isdigit() and len(x) < 7 else (x or None) for x in r])
        wb.create_sheet("空表")

    reg = read_register(_workbook(tmp_path / "名录.xlsx", build))
    assert reg.kind == "xlsx" and reg.sheet == "企业名录" and reg.header_row == 2
    assert reg.warnings == ["只读取工作表“企业名录”，未读取：填表说明"]
    assert len(reg.rows) == 20 and not reg.errors
    shop = _by_name(reg, "沙海便利店")
    assert shop.row == 3 and shop.profile.revenue == 300_000 and shop.profile.employees == 5


def test_xlsx_two_level_header_and_real_dates(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["企业名称", "注册地", "经营指标", None, "成立日期"])
        ws.append([None, None, "从业人员", "营业收入（亿元）", None])
        ws.merge_cells("A1:A2")
        ws.merge_cells("B1:B2")
        ws.merge_cells("C1:D1")
        ws.merge_cells("E1:E2")
        ws.append(["甲公司（虚构）", 152921, 30, 1.5, date(2020, 5, 1)])
        ws.append([None, None, None, None, None])
        ws.append(["乙公司（虚构）", "包头市", "很多", 0.2, "2019/3/5"])

    reg = read_register(_workbook(tmp_path / "two.xlsx", build))
    assert reg.header_row == 2
    (a,) = reg.rows
    assert a.row == 3 and a.profile.region == "152921" and a.profile.revenue == 150_000_000
    assert a.profile.established == date(2020, 5, 1) and a.profile.employees == 30
    (e,) = reg.errors
    assert e.row == 5 and e.column == "从业人员" and "很多" in e.message


def test_json_and_yaml_lists(tmp_path):
    items = [
        {"企业名称": "甲（虚构）", "注册地": "阿拉善左旗", "营业收入": "3200万元", "资质": "高企、科小",
         "项目": [{"kind": "养殖", "head_count": 500}]},
        {"name": "乙（虚构）", "region": "伊金霍洛旗", "employees": -3, "法人": "张三"},
        "not a mapping",
    ]
    j = tmp_path / "r.json"
    j.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    reg = read_register(j)
    (a,) = reg.rows
    assert a.profile.revenue == 32_000_000 and a.profile.qualifications == ["高新技术企业", "科技型中小企业"]
    assert a.profile.projects[0].head_count == 500
    assert [(e.row, e.column) for e in reg.errors] == [(2, "employees"), (3, "")]
    assert reg.warnings == ["未知字段“法人”（第2个），已忽略"]
    y = tmp_path / "r.yaml"
    y.write_text("企业:\n  - {企业名称: 丙, 注册地: 包头市, 成立日期: 2024-02-30}\n  - {注册地: 包头市}\n",
                 encoding="utf-8")
    reg = read_register(y)
    assert len(reg.rows) == 1 and reg.errors[0].line().startswith("第1个企业（成立日期）：日期不存在")
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"broken.json: JSON 格式错误（第1行"):
        read_register(tmp_path / "broken.json")


def test_header_mapping():
    assert map_header("营业收入（万元）").key == "revenue" and map_header("营业收入（万元）").scale == 1e4
    assert map_header("资产总额(亿元)").scale == 1e8
    assert map_header("从业人员（人）").key == "employees" and map_header("从业人员（人）").scale == 1.0
    assert map_header(" 注册地* ").key == "region"
    assert map_header("facts.登记失业人员招用人数").key == "facts.登记失业人员招用人数"
    assert map_header("项目投资（万元）").key == "project.investment"
    assert map_header("统一社会信用代码").key == "credit_code"
    assert map_header("法定代表人").key is None


def test_record_round_trip(tmp_path):
    reg = read_register(EXAMPLE)
    recs = [profile_to_record(r.profile) for r in reg.rows]
    headers = list(dict.fromkeys(k for r in recs for k in r))
    p = tmp_path / "again.json"
    p.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    again = read_register(p)
    for a, b in zip(reg.rows, again.rows):
        assert a.profile.model_dump(exclude={"projects", "facts"}) == b.profile.model_dump(exclude={"projects", "facts"})
    assert "营业收入（万元）" in headers
