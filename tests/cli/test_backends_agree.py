"""SQLite and PostgreSQL give the same answers (issue 10 §5): the bundled
corpus ingested through the CLI into a new database on each back end, then
``huiqi ingest --json``, ``docs --json``, ``policies --json``, ``match``
of a profile and ``screen`` of the example register compared.

Only wall times are left out of the comparison (the ingest report's
``seconds``, and the screen's closing lines with the output path and "用时"); ids, keys, lines, yuan, statuses
and the written screening list must be identical. Runs only when a
PostgreSQL database is configured (``HUIQI_TEST_PG_URL``, see tests/dbs.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huiqi.cli.app import app
from huiqi.config import corpus_files
from tests.dbs import PG_SKIP_REASON, POSTGRESQL, SQLITE, fresh_database, pg_url

pytestmark = pytest.mark.skipif(pg_url() is None, reason=PG_SKIP_REASON)

REGISTER = Path(__file__).resolve().parents[2] / "data" / "examples" / "企业名录示例.csv"
AS_OF = "2025-06-01"
#: The README's shop (a small retailer in 阿拉善左旗); one firm with a project as well.
PROFILES = {
    "shop": """\
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
""",
    "factory": """\
name: 某乳制品加工企业
region: 包头市
entity_type: 企业
industry: C14
established: 2015-03-01
employees: 260
revenue: 3.2亿元
total_assets: 5亿元
taxpayer_type: 一般纳税人
qualifications: [高新技术企业]
projects:
  - investment: 3000万元
    equipment_investment: 1200万元
""",
}


def _cli(*args: str):
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    return res


def _results(backend: str, tmp_path: Path) -> dict:
    """Everything the CLI says about the corpus on one back end."""
    out: dict = {}
    tmp_path.mkdir(parents=True, exist_ok=True)
    with fresh_database(backend, tmp_path, "agree", migrated=False) as url:
        report = json.loads(_cli("ingest", *map(str, corpus_files()), "--db", url, "--json").stdout)
        for f in report["files"]:
            f.pop("seconds")
        out["ingest"] = report
        out["docs"] = json.loads(_cli("docs", "--json", "--db", url).stdout)
        out["policies"] = json.loads(_cli("policies", "--json", "--db", url).stdout)
        for name, text in PROFILES.items():
            profile = tmp_path / f"{name}.yaml"
            profile.write_text(text, encoding="utf-8")
            out[f"match {name}"] = json.loads(
                _cli("match", str(profile), "--as-of", AS_OF, "--all", "--json", "--db", url).stdout)
        listing = tmp_path / f"名单-{backend}.csv"
        res = _cli("screen", str(REGISTER), "--as-of", AS_OF, "--out", str(listing), "--db", url)
        out["screen console"] = re.sub(r"已写出[\s\S]*", "", res.stdout)  # then the output path and 用时
        out["screen list"] = listing.read_text(encoding="utf-8-sig")
    return out


def test_ingest_policies_match_and_screen_agree(tmp_path):
    sqlite = _results(SQLITE, tmp_path / "s")
    pg = _results(POSTGRESQL, tmp_path / "p")
    # the comparison is about something: the corpus is there and answers
    assert len(sqlite["policies"]) > 1000
    assert {r["status"] for r in sqlite["match shop"]["results"]} >= {"eligible", "ineligible"}
    assert sqlite["screen list"].count("\n") > 100
    for what in sqlite:
        assert pg[what] == sqlite[what], f"{what}: PostgreSQL 与 SQLite 的结果不同"
