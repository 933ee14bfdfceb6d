"""``huiqi rules …``: rule versions stored in the knowledge base, on a copy
of the corpus database (ingested with its reviewed rules)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.search.kw_corpus import corpus_db_url

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    """A private copy of the corpus database (these tests write rule versions)."""
    src = corpus_db_url().removeprefix("sqlite:///")
    dst = tmp_path / "kb.db"
    shutil.copy(src, dst)
    return str(dst)


def _run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def _json(*args):
    res = _run(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_list_published_reviewed_rules_have_the_contract(db):
    from huiqi.rules.reviewed import load_reviewed_rules_report

    rows = _json("rules", "list", "--status", "published", "--origin", "reviewed", "--db", db)
    shipped = load_reviewed_rules_report().rules
    assert {r["clause_key"] for r in rows} == set(shipped)
    r = rows[0]
    assert set(r) >= {"id", "clause_id", "clause_key", "version", "origin", "status", "beneficiary", "title",
                      "benefit", "author", "reviewer", "updated"}
    assert all(x["origin"] == "reviewed" and x["status"] == "published" and x["clause_id"] for x in rows)
    # every current clause has an extracted version too
    extracted = _json("rules", "list", "--origin", "extracted", "--db", db)
    assert len({x["clause_key"] for x in extracted}) > 1000


def test_show_gives_the_rule_in_the_yaml_schema(db):
    rows = _json("rules", "list", "--origin", "reviewed", "--db", db)
    d = _json("rules", "show", str(rows[0]["id"]), "--db", db)
    assert d["rule"]["clause_key"] == rows[0]["clause_key"]
    assert d["rule"]["excerpt"] and ("benefit" in d["rule"] or "conditions" in d["rule"])
    assert _run("rules", "show", "999999", "--db", db).exit_code == 2


def test_import_is_idempotent_and_a_change_makes_a_new_version(db, tmp_path):
    out = tmp_path / "export"
    assert _run("rules", "export", "--out", str(out), "--db", db).exit_code == 0
    files = sorted(out.glob("*.yaml"))
    assert files
    res = _json("rules", "import", str(out), "--db", db)
    assert res["added"] == 0 and res["unchanged"] > 0 and res["errors"] == []
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    rule = data["rules"][0]
    rule["reviewer_note"] = (rule.get("reviewer_note") or "") + "（复核）"
    files[0].write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    res = _json("rules", "import", str(files[0]), "--author", "张三", "--reviewer", "李四", "--db", db)
    assert res["added"] == 1 and res["retired"] == 1
    versions = [x for x in _json("rules", "list", "--origin", "reviewed", "--db", db)
                if x["clause_key"] == rule["clause_key"]]
    assert sorted((v["version"], v["status"]) for v in versions) == [(1, "retired"), (2, "published")]
    assert [v["author"] for v in versions if v["status"] == "published"] == ["张三"]


def test_import_reports_bad_rules_by_file_and_path(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - clause_key: nothex\n    excerpt: x\n", encoding="utf-8")
    res = _run("rules", "import", str(bad), "--db", db)
    assert res.exit_code == 1
    assert "bad.yaml: rules[0].clause_key" in res.output


def test_check_passes_on_the_shipped_rules_and_finds_an_orphan(db, tmp_path):
    res = _run("rules", "check", "--db", db)
    assert res.exit_code == 0, res.output
    assert "问题 0 处" in res.output
    orphan = tmp_path / "o.yaml"
    orphan.write_text(f"rules:\n  - clause_key: {'f' * 40}\n    excerpt: 旧条款\n"
                      f"    benefit: {{kind: fixed, amount_yuan: 1}}\n", encoding="utf-8")
    assert _run("rules", "import", str(orphan), "--db", db).exit_code == 0
    orphans = _json("rules", "orphans", "--db", db)
    assert [o["clause_key"] for o in orphans] == ["f" * 40]
    res = _run("rules", "check", "--db", db)
    assert res.exit_code == 1 and "知识库中没有该条款" in res.output


def test_rekey_moves_a_rule_to_another_clause_after_a_diff(db, tmp_path):
    orphan = tmp_path / "o.yaml"
    orphan.write_text(f"rules:\n  - clause_key: {'e' * 40}\n    excerpt: 旧条款\n"
                      f"    benefit: {{kind: fixed, amount_yuan: 5}}\n", encoding="utf-8")
    _run("rules", "import", str(orphan), "--db", db)
    vid = _json("rules", "orphans", "--db", db)[0]["id"]
    clause = _json("policies", "--db", db)[0]
    res = _run("rules", "rekey", str(vid), str(clause["id"]), "--yes", "--db", db)
    assert res.exit_code == 0, res.output
    assert "+++ 新条款" in res.output and "已挂接" in res.output
    assert _json("rules", "orphans", "--db", db) == []
    moved = [x for x in _json("rules", "list", "--status", "published", "--origin", "reviewed", "--db", db)
             if x["clause_key"] == clause["key"]]
    assert moved and moved[0]["clause_id"] == clause["id"] and moved[0]["benefit"]["amount_yuan"] == 5


def test_empty_knowledge_base_is_exit_2(tmp_path):
    res = _run("rules", "check", "--db", str(tmp_path / "empty.db"))
    assert res.exit_code == 2 and "知识库为空" in res.output
