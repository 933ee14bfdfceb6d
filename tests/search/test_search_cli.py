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
