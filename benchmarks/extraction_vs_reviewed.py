"""How far the calculator gets on text alone: extracted rules against the
reviewed rules' worked cases (抽取规则 vs 审核规则).

Usage::

    python benchmarks/extraction_vs_reviewed.py [--db URL] [--details] [--json]

Every reviewed rule (``data/rules/*.yaml``) carries worked cases: a profile,
a date, the status and the amount a reader worked out from the clause. The
tests run those cases with the reviewed rules in force. This benchmark runs
the same cases with **no** reviewed rule (an empty rules directory), i.e. on
what :mod:`huiqi.rules.conditions` and :mod:`huiqi.calc.benefit` read
from the text — what a document nobody has reviewed yet gets. It reports:

- clauses present: the clause is in the extracted rule set at all (a clause
  with no condition and no amount found is left out);
- status agreement: the extracted status equals the reviewed case's; and
  the looser agreement that counts ``likely`` (conditions left to confirm)
  as agreeing with ``eligible``;
- amount agreement: for cases with an expected amount, ``(min_yuan,
  max_yuan)`` equal; and the looser "the expected maximum is within the
  extracted range".

Without ``--db`` the bundled corpus is ingested into a temporary database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 0.5


def run(db: str) -> dict:
    """Figures and per-case rows (JSON-ready)."""
    from huiqi.calc.engine import load_ruleset, match
    from huiqi.rules.reviewed import load_reviewed_rules_report

    report = load_reviewed_rules_report()
    if report.errors:
        raise SystemExit("审核规则有误：\n" + "\n".join(report.errors))
    extracted = load_ruleset(db, reviewed=False)  # the stored extracted rules only
    rows = []
    for entry in report.entries:
        key = entry.rule.clause_key
        present = extracted.get(key) is not None
        for case in entry.cases:
            row = {"rule": entry.where, "case": case.name, "present": present, "expected": case.status,
                   "expected_yuan": [case.min_yuan, case.max_yuan] if case.has_amount else None}
            if present:
                res = match(case.profile, case.as_of, ruleset=extracted, clause_ids=[key])["results"][0]
                b = res["benefit"] or {}
                row.update(got=res["status"], got_yuan=[b.get("min_yuan"), b.get("max_yuan")] if b else None,
                           formula=b.get("formula"))
            else:
                row.update(got=None, got_yuan=None, formula=None)
            rows.append(row)

    n = len(rows)
    clauses = {r["rule"]: r["present"] for r in rows}
    status_eq = sum(1 for r in rows if r["got"] == r["expected"])
    loose = sum(1 for r in rows if r["got"] == r["expected"]
                or (r["expected"] == "eligible" and r["got"] == "likely"))
    with_amount = [r for r in rows if r["expected_yuan"] and r["expected_yuan"][1] is not None]
    amount_eq = sum(1 for r in with_amount if r["got_yuan"]
                    and all(_close(a, b) for a, b in zip(r["got_yuan"], r["expected_yuan"])))
    amount_in = sum(1 for r in with_amount if r["got_yuan"] and r["got_yuan"][1] is not None
                    and (r["got_yuan"][0] or 0) - 0.5 <= r["expected_yuan"][1] <= r["got_yuan"][1] + 0.5)
    confusion = Counter((r["expected"], r["got"] or "absent") for r in rows)
    return {
        "rules": len(clauses), "clauses_present": sum(clauses.values()), "cases": n,
        "status_equal": status_eq, "status_equal_or_likely": loose,
        "cases_with_amount": len(with_amount), "amount_equal": amount_eq, "amount_within_range": amount_in,
        "confusion": {f"{e} → {g}": k for (e, g), k in sorted(confusion.items())},
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="数据库（默认：把内置语料导入临时数据库）")
    ap.add_argument("--details", action="store_true", help="列出不一致的用例")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from calc_bench import _corpus_db

    from huiqi.config import to_url

    out = run(to_url(args.db) if args.db else _corpus_db())
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return 0
    pct = lambda a, b: f"{a}/{b} ({a / b:.0%})" if b else "0/0"  # noqa: E731
    print(f"审核规则 {out['rules']} 条，用例 {out['cases']} 个；仅凭文本抽取（不用审核规则）：")
    print(f"  条款在抽取规则集中：{pct(out['clauses_present'], out['rules'])}")
    print(f"  状态一致：{pct(out['status_equal'], out['cases'])}；"
          f"把 likely 算作 eligible：{pct(out['status_equal_or_likely'], out['cases'])}")
    print(f"  金额一致（有金额的用例）：{pct(out['amount_equal'], out['cases_with_amount'])}；"
          f"期望最高额落在抽取区间内：{pct(out['amount_within_range'], out['cases_with_amount'])}")
    print("  状态对照（审核 → 抽取）：")
    for k, v in out["confusion"].items():
        print(f"    {k}: {v}")
    if args.details:
        for r in out["rows"]:
            if r["got"] != r["expected"] or (r["expected_yuan"] and r["got_yuan"] != r["expected_yuan"]):
                print(f"- {r['rule']} {r['case']}: {r['expected']} {r['expected_yuan']} → {r['got']} "
                      f"{r['got_yuan']} {r['formula'] or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
