"""``huiqi match`` on implausible and absurd values (issue 16, defect 13)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.search.kw_corpus import corpus_db_url


def test_implausible_value_warns_and_absurd_value_fails(tmp_path):
    db = corpus_db_url()
    p = tmp_path / "cattle.yaml"
    p.write_text("region: 伊金霍洛旗\nprojects:\n  - kind: 养殖\n    head_count: 50000000\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["match", str(p), "--db", db, "--json"])
    assert res.exit_code == 0
    assert "projects[0].head_count" in res.stderr
    assert any(w.startswith("projects[0].head_count") for w in json.loads(res.stdout)["warnings"])
    p.write_text("region: 伊金霍洛旗\nprojects:\n  - kind: 养殖\n    head_count: 1000000000000000000000000000000\n",
                 encoding="utf-8")
    res = CliRunner().invoke(app, ["match", str(p), "--db", db])
    assert res.exit_code == 2 and "projects[0].head_count" in res.output and "超出合理范围" in res.output
