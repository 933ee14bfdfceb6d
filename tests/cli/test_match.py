"""``huiqi match PROFILE`` through the CLI: JSON contract, table, bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from huiqi.cli.app import app

SHOP_YAML = """\
name: 巴彦浩特某便利店
region: 阿拉善左旗
entity_type: 企业
industry: F52
employees: 5
revenue: 30万元
total_assets: 50万元
taxable_income: 5万元
monthly_sales: 25000
taxpayer_type: 小规模纳税人
"""


@pytest.fixture(scope="module")
def db(corpus_url):
    return corpus_url


def run(*args):
    return CliRunner().invoke(app, ["match", *map(str, args)])


def _no_traceback(res):
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_json_contract(db, tmp_path):
    p = tmp_path / "shop.yaml"
    p.write_text(SHOP_YAML, encoding="utf-8")
    res = run(p, "--db", db, "--as-of", "2025-06-01", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["as_of"] == "2025-06-01"
    assert data["derived"]["size_class"] == "微型"
    assert {"min_yuan", "max_yuan", "excluded_by_stacking"} <= set(data["total"])
    statuses = {r["status"] for r in data["results"]}
    assert statuses <= {"eligible", "likely", "needs_info", "unchecked", "ineligible", "expired"}
    r = data["results"][0]
    assert {"id", "title", "text", "status", "reasons", "missing", "benefit", "validity", "contacts",
            "source", "origin", "document"} <= set(r)
    # default: no clause of another league or banner is listed
    assert not any(x["document"]["region"] in ("呼和浩特市", "鄂尔多斯市", "伊金霍洛旗") for x in data["results"])


def test_table_output(db, tmp_path):
    p = tmp_path / "shop.json"
    p.write_text(json.dumps({"region": "阿拉善左旗", "monthly_sales": 25000, "taxpayer_type": "小规模纳税人"},
                            ensure_ascii=False), encoding="utf-8")
    res = run(p, "--db", db, "--as-of", "2025-06-01")
    assert res.exit_code == 0, res.output
    assert "政策计算结果" in res.stdout and "合计" in res.stdout
    assert "下一个问题" in res.stdout


def test_clause_option_shows_other_region_as_ineligible(db, tmp_path):
    p = tmp_path / "hohhot.yaml"
    p.write_text("region: 呼和浩特市\n", encoding="utf-8")
    res = run(p, "--db", db, "--as-of", "2025-06-01", "--json")
    listed = {r["id"] for r in json.loads(res.stdout)["results"]}
    every = json.loads(run(p, "--db", db, "--as-of", "2025-06-01", "--json", "--all").stdout)["results"]
    alxa = [r for r in every if r["document"]["region"] == "阿拉善盟"]
    assert alxa and not ({r["id"] for r in alxa} & listed)
    one = json.loads(run(p, "--db", db, "--json", "--clause", alxa[0]["id"]).stdout)["results"]
    assert [r["status"] for r in one] == ["ineligible"]


def test_unknown_key_is_a_warning(db, tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text("region: 阿拉善左旗\ncolour: 红\n", encoding="utf-8")
    res = run(p, "--db", db, "--json")
    assert res.exit_code == 0
    assert "colour" in res.stderr
    assert any(w.startswith("colour") for w in json.loads(res.stdout)["warnings"])


@pytest.mark.parametrize("name,content,needle", [
    ("bad.json", '{"region": "阿拉善左旗", ', "JSON 格式错误"),
    ("bad.yaml", "region: [阿拉善左旗\nemployees: 3\n", "YAML 格式错误"),
    ("type.yaml", "region: 阿拉善左旗\nemployees: 3200万\n", "employees"),
    ("neg.yaml", "region: 阿拉善左旗\nrevenue: -5\n", "revenue"),
    ("date.yaml", "region: 阿拉善左旗\nestablished: 2023-02-30\n", "established"),
    ("region.yaml", "region: 火星\n", "region"),
    ("noregion.yaml", "employees: 3\n", "region"),
    ("list.yaml", "- 1\n- 2\n", "顶层"),
])
def test_bad_profiles(db, tmp_path, name, content, needle):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    res = run(p, "--db", db)
    assert res.exit_code == 2, res.output
    _no_traceback(res)
    err = res.stderr.strip()
    assert needle in err and len(err.splitlines()) == 1
    assert res.stdout == ""


def test_missing_file_and_bad_date(db, tmp_path):
    res = run(tmp_path / "nope.yaml", "--db", db)
    assert res.exit_code == 2 and "文件不存在" in res.stderr
    _no_traceback(res)
    p = tmp_path / "ok.yaml"
    p.write_text("region: 阿拉善左旗\n", encoding="utf-8")
    res = run(p, "--db", db, "--as-of", "2025-13-01")
    assert res.exit_code == 2 and res.stderr.startswith("--as-of")
    _no_traceback(res)
