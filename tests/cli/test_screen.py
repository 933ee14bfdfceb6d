"""``huiqi screen REGISTER`` through the CLI on the example register and on
bad inputs: the written lists are opened and checked (a firm that clearly
qualifies for a named clause is listed under it, the same firm in another
region is not)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from huiqi.cli.app import app

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "企业名录示例.csv"
AS_OF = "2025-06-30"
#: Clause of the Alxa guide (003): 小规模纳税人 with 月销售额 ≤ 10万元 → 房产税/城镇土地使用税 exemption.
PROPERTY_TAX = "房产税和城镇土地使用税税收优惠政策"
ALXA_SHOP, HOHHOT_SHOP, OSTRICH_FARM = "沙海便利店", "青城便利店", "居延鸵鸟养殖场"


@pytest.fixture(scope="module")
def db(corpus_url):
    return corpus_url


def run(*args):
    return CliRunner().invoke(app, ["screen", *map(str, args)])


def _no_traceback(res):
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def _sheet(path: Path, name: str) -> list[dict]:
    wb = load_workbook(path, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _summary(path: Path) -> list[dict]:
    wb = load_workbook(path, read_only=True)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[1], r)) for r in rows[2:] if r and r[0] is not None and len(r) > 1]


@pytest.fixture(scope="module")
def example_xlsx(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("screen") / "名单.xlsx"
    res = run(EXAMPLE, "--db", db, "--as-of", AS_OF, "--out", out)
    assert res.exit_code == 0, res.output
    return out, res


def test_example_register_lists(example_xlsx):
    out, res = example_xlsx
    assert "符合条件企业最多的条款" in res.stdout and "20 家企业" in res.stdout and "用时" in res.stdout
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["汇总", "按政策", "按企业", "错误"]
    wb.close()
    by_clause = _sheet(out, "按政策")
    tax = [r for r in by_clause if r["条款"] == PROPERTY_TAX]
    status = {r["企业名称"]: r["状态"] for r in tax}
    shop = next(n for n in status if ALXA_SHOP in n)
    assert status[shop] == "符合"
    assert not any(HOHHOT_SHOP in n for n in status)  # same facts, wrong region: not listed
    farm = next(r for r in tax if OSTRICH_FARM in r["企业名称"])
    assert farm["状态"] == "需补充信息" and "月销售额" in farm["需补充的信息"]
    src = tax[0]["原文出处"]
    assert src.startswith("003_") and "第" in src and tax[0]["所属文件"]
    # the summary's counts agree with the list
    summary = {r["条款"]: r for r in _summary(out)}[PROPERTY_TAX]
    assert summary["符合"] == sum(r["状态"] == "符合" for r in tax)
    assert summary["需补充信息"] == sum(r["状态"] == "需补充信息" for r in tax)
    assert summary["原文出处"] == src
    assert sum(summary[k] for k in ("符合", "待确认", "需补充信息", "不符合")) == 20


def test_example_register_by_firm(example_xlsx):
    out, _ = example_xlsx
    firms = _sheet(out, "按企业")
    assert [f["名录行号"] for f in firms] == list(range(2, 22))
    shop = next(f for f in firms if ALXA_SHOP in f["企业名称"])
    hohhot = next(f for f in firms if HOHHOT_SHOP in f["企业名称"])
    assert PROPERTY_TAX in shop["符合的条款"] and PROPERTY_TAX not in (hohhot["符合的条款"] or "")
    assert shop["企业规模"] == "微型" and shop["统一社会信用代码"] == "示例-0001"
    n_listed = sum(1 for r in _sheet(out, "按政策") if ALXA_SHOP in r["企业名称"])
    assert shop["符合"] + shop["待确认"] + shop["需补充信息"] == n_listed
    assert _sheet(out, "错误") == []


def test_bad_row_reported_and_others_screened(db, tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("从业人员")] = "3200万"
    lines[3] = ",".join(cells)
    reg = tmp_path / "bad.csv"
    reg.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "名单.xlsx"
    res = run(reg, "--db", db, "--as-of", AS_OF, "--out", out)
    _no_traceback(res)
    assert res.exit_code == 1
    assert "第4行（从业人员）" in res.output and "3200万" in res.output
    errors = _sheet(out, "错误")
    assert [(e["名录行号"], e["列"]) for e in errors] == [(4, "从业人员")]
    assert len(_sheet(out, "按企业")) == 19
    assert any(ALXA_SHOP in r["企业名称"] and r["条款"] == PROPERTY_TAX for r in _sheet(out, "按政策"))


def test_gbk_csv_and_parquet_output(db, tmp_path):
    reg = tmp_path / "名录_gbk.csv"
    reg.write_bytes(EXAMPLE.read_text(encoding="utf-8-sig").encode("gb18030"))
    out = tmp_path / "名单.parquet"
    res = run(reg, "--db", db, "--as-of", AS_OF, "--out", out)
    assert res.exit_code == 0, res.output
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{out}')").fetchall()
    cols = duckdb.sql(f"SELECT * FROM read_parquet('{out}')").columns
    assert cols[:4] == ["clause_id", "clause_title", "document", "status"] and "source_file" in cols
    recs = [dict(zip(cols, r)) for r in rows]
    tax = {r["name"]: r for r in recs if r["clause_title"] == PROPERTY_TAX}
    shop = next(r for n, r in tax.items() if ALXA_SHOP in n)
    assert shop["status"] == "符合" and shop["start_line"] <= shop["end_line"]
    assert not any(HOHHOT_SHOP in n for n in tax)


def test_csv_output_with_clause_filter(db, tmp_path, example_xlsx):
    tax_id = next(r["条款ID"] for r in _summary(example_xlsx[0]) if r["条款"] == PROPERTY_TAX)
    out = tmp_path / "名单.csv"
    res = run(EXAMPLE, "--db", db, "--as-of", AS_OF, "--out", out, "--clause", tax_id)
    assert res.exit_code == 0, res.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows and {r["条款ID"] for r in rows} == {str(tax_id)}
    assert any(ALXA_SHOP in r["企业名称"] and r["状态"] == "符合" for r in rows)
    assert not (tmp_path / "名单_错误.csv").exists()


def test_unknown_column_warned(db, tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text("企业名称,注册地,月销售额,纳税人类型,法人代表\n甲（虚构）,阿拉善左旗,2万元,小规模纳税人,张三\n",
                   encoding="utf-8")
    res = run(reg, "--db", db, "--as-of", AS_OF)
    assert res.exit_code == 0, res.output
    assert "未知列“法人代表”，已忽略" in res.output and "1 家企业" in res.stdout


def test_xlsx_register_with_title_row_and_extra_sheet(db, tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["企业均为虚构"])
    ws = wb.create_sheet("名录")
    ws.append(["2025年企业名录"])
    ws.merge_cells("A1:D1")
    ws.append(["企业名称", "注册地", "月销售额（万元）", "纳税人类型"])
    ws.append(["甲便利店（虚构）", "阿拉善左旗", 2, "小规模纳税人"])
    ws.append(["乙便利店（虚构）", "呼和浩特市", 2, "小规模纳税人"])
    reg = tmp_path / "名录.xlsx"
    wb.save(reg)
    out = tmp_path / "名单.xlsx"
    res = run(reg, "--db", db, "--as-of", AS_OF, "--out", out)
    assert res.exit_code == 0, res.output
    assert "只读取工作表“名录”" in res.output
    tax = [r for r in _sheet(out, "按政策") if r["条款"] == PROPERTY_TAX]
    assert [(r["企业名称"], r["名录行号"], r["状态"]) for r in tax] == [("甲便利店（虚构）", 3, "符合")]


@pytest.mark.parametrize("name, content, reason", [
    ("empty.csv", b"", "文件为空"),
    ("header.csv", "企业名称,注册地\n".encode(), "只有表头"),
    ("noregion.csv", "企业名称,地址\n甲,乙\n".encode(), "注册地"),
    ("bad.xlsx", b"PK\x03\x04 broken", "xlsx"),
])
def test_unreadable_register_writes_nothing(db, tmp_path, name, content, reason):
    reg = tmp_path / name
    reg.write_bytes(content)
    out = tmp_path / "名单.xlsx"
    res = run(reg, "--db", db, "--out", out)
    _no_traceback(res)
    assert res.exit_code == 1 and reason in res.output and name in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_file_and_bad_options(db, tmp_path):
    res = run(tmp_path / "nope.csv", "--db", db, "--out", tmp_path / "x.xlsx")
    _no_traceback(res)
    assert res.exit_code == 1 and "nope.csv: 文件不存在" in res.output and not (tmp_path / "x.xlsx").exists()
    res = run(EXAMPLE, "--db", db, "--out", tmp_path / "x.docx")
    assert res.exit_code == 2 and "不支持的输出格式" in res.output
    res = run(EXAMPLE, "--db", db, "--as-of", "2025-02-30")
    assert res.exit_code == 2 and "--as-of" in res.output
    res = run(EXAMPLE, "--db", db, "--clause", 99999999)
    assert res.exit_code == 2 and "99999999" in res.output
    _no_traceback(res)


def test_clause_out_of_force_refused(db, example_xlsx):
    # the 2021-2025 电力交易 clause of the 自治区 list: in force on 2025-06-30, expired a year later
    cid = next(r["条款ID"] for r in _summary(example_xlsx[0]) if str(r["条款"]).startswith("98.自2021年1月1日至2025年12月31日"))
    res = run(EXAMPLE, "--db", db, "--as-of", "2026-06-30", "--clause", cid)
    _no_traceback(res)
    assert res.exit_code == 2 and f"--clause {cid}: 计算日期不在有效期内" in res.output and "2025-12-31" in res.output
