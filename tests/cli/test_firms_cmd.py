"""``huiqi firms import|show``: the example register (CSV and xlsx) stored
with per-row errors, a qualification list, exit codes, the profile with
sources."""

from __future__ import annotations

import json

from openpyxl import Workbook
from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.services.firms_env import example_rows, uscc, write_register


def test_import_and_show(tmp_path):
    db = str(tmp_path / "f.db")
    runner = CliRunner()
    rows = example_rows()
    rows[4]["成立日期"] = "去年"
    path = write_register(tmp_path / "企业名录.csv", rows)
    r = runner.invoke(app, ["firms", "import", str(path), "--db", db, "--as-of", "2025-12-31", "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)
    assert (rep["n_firms"], rep["n_new"], len(rep["changed"])) == (19, 19, 19)
    assert len(rep["errors"]) == 1 and rep["errors"][0].startswith("第6行（成立日期）")
    # an xlsx qualification list of the same firms, the qualification taken from the file name
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年高新技术企业名单"])
    ws.append(["序号", "企业名称", "统一社会信用代码", "注册地"])
    ws.append([1, rows[0]["企业名称"], uscc(1), rows[0]["注册地"]])
    xlsx = tmp_path / "2025年高新技术企业名单.xlsx"
    wb.save(xlsx)
    r = runner.invoke(app, ["firms", "import", str(xlsx), "--source", "资质名单", "--db", db])
    assert r.exit_code == 0, r.output
    assert "画像变化 1 家" in r.stdout
    r = runner.invoke(app, ["firms", "show", uscc(1), "--db", db, "--json"])
    view = json.loads(r.stdout)
    assert view["profile"]["qualifications"] == ["高新技术企业"] and view["profile_version"] == 2
    assert view["sources"]["qualifications"]["source"] == "资质名单"
    assert view["sources"]["employees"] == {"source": "市场监管", "as_of": "2025-12-31"}
    r = runner.invoke(app, ["firms", "show", uscc(1), "--db", db])
    assert r.exit_code == 0 and "资质名单" in r.stdout
    assert runner.invoke(app, ["firms", "show", uscc(99), "--db", db]).exit_code == 1
    bad = runner.invoke(app, ["firms", "import", str(path), "--source", "百度", "--db", db])
    assert bad.exit_code == 2 and "未知数据来源" in bad.output
    missing = runner.invoke(app, ["firms", "import", str(tmp_path / "nope.csv"), "--db", db])
    assert missing.exit_code == 2 and "文件不存在" in missing.output
