"""``huiqi search`` through the Typer app."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.search.kw_corpus import corpus_db_url

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["search", *args, "--db", corpus_db_url()])


def test_json_output_is_only_json():
    res = _run("稳岗返还怎么申请", "--top", "3", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 3 and rows[0]["document"]["title"] == "失业保险稳岗返还服务指南"


def test_table_output():
    res = _run("六税两费", "--top", "2")
    assert res.exit_code == 0
    assert "六税两费" in res.stdout


def test_bad_inputs_are_one_line_errors():
    for args in (["   "], ["补贴", "--region", "火星"], ["补贴", "--valid-at", "2024-13-01"]):
        res = _run(*args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output
    res = _run("😀😀", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []


def test_more_bad_inputs_through_the_cli():
    # 10,000 characters: cut to the first 200, still a normal answer
    res = _run("稳岗返还" * 2500, "--top", "2", "--json")
    assert res.exit_code == 0 and "稳岗返还" in json.loads(res.stdout)[0]["text"]
    # only punctuation, SQL, HTML: empty result with a clear message, no traceback
    for q in ("？？？！！。。", "'; DROP TABLE clauses; --", "<script>alert(1)</script>"):
        res = _run(q)
        assert res.exit_code == 0 and "未找到" in res.stdout and "Traceback" not in res.output, q
    # an unknown region is named in the error
    res = _run("补贴", "--region", "火星", "--json")
    assert res.exit_code == 2 and "火星" in res.output and res.stdout.strip() == ""


def test_ask_bad_inputs_through_the_cli():
    for q in ("？？？", "'; DROP TABLE clauses; --", "😀" * 50, "税" * 10000):
        res = runner.invoke(app, ["ask", q, "--json", "--db", corpus_db_url()])
        assert res.exit_code == 0, (q[:10], res.output)
        data = json.loads(res.stdout)
        assert data["found"] is False and data["citations"] == []
