#!/usr/bin/env python
"""Rule coverage (规则覆盖率): how many of the corpus's money-giving policies
a firm can rely on.

Usage::

    python benchmarks/rule_coverage.py [--db URL] [--list] [--document N] [--json]

Issue 11 asks that every clause giving money or tax relief to firms has
either a reviewed, published rule with at least two worked cases (one that
qualifies, one that does not), or an extracted rule whose conditions are all
machine-checked. This script counts them on an ingested knowledge base (by
default the bundled corpus ingested the way ``huiqi ingest`` does it).

What is counted:

* the denominator is every *policy* (a clause, or a cluster of near-identical
  clauses counted once at its authority — :mod:`huiqi.kb.policy_identity`)
  whose rule has a benefit (``benefit`` or a track's benefit) and whose
  beneficiary (受益对象) is a firm (``企业`` or not known);
* ``reviewed`` — the authority clause, or any clause of its cluster, has a
  published reviewed rule with ≥ 2 worked cases of which at least one
  qualifies (expected ``eligible``/``likely``) and one does not;
* ``machine`` — otherwise, the extracted rule has at least one condition and
  no condition left for a person (``text`` leaves);
* everything else is ``uncovered``; ``--list`` prints those with file and
  line range, the worklist for rule writers.

Exit code 0 (a figure, not a gate).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import calc_bench as cb  # noqa: E402

QUALIFYING = {"eligible", "likely"}


def _has_benefit(rule) -> bool:
    return rule.benefit is not None or any(t.get("benefit") is not None for t in rule.tracks or [])


def _machine_checked(rule) -> bool:
    leaves = rule.conditions.leaves() if rule.conditions is not None else []
    for t in rule.tracks or []:
        if t.get("conditions") is not None:
            leaves = leaves + t["conditions"].leaves()
    return bool(leaves) and all((leaf.kind or "") != "text" for leaf in leaves)


def _good_cases(cases) -> bool:
    statuses = [c.status for c in cases]
    return (len(statuses) >= 2 and any(s in QUALIFYING for s in statuses)
            and any(s not in QUALIFYING for s in statuses))


def run(db: str | None) -> dict:
    """Coverage figures and the uncovered worklist (JSON-ready)."""
    from huiqi.calc.engine import load_ruleset
    from huiqi.config import to_url
    from huiqi.kb.db import get_engine
    from huiqi.rules.reviewed import load_reviewed_rules_report

    url = to_url(db) if db else cb._corpus_db()
    rs = load_ruleset(get_engine(url))
    report = load_reviewed_rules_report()
    good = {e.rule.clause_key for e in report.entries if _good_cases(e.cases)}

    members: dict[int, list] = defaultdict(list)
    for e in rs.entries:
        members[e.authority_id or e.id].append(e)
    rows = []
    for head_id, group in members.items():
        head = next((e for e in group if e.id == head_id), group[0])
        if not any(_has_benefit(e.rule) for e in group):
            continue
        if (head.beneficiary or "企业") != "企业":
            continue
        if any(e.origin == "reviewed" and e.key in good for e in group):
            how = "reviewed"
        elif _machine_checked(head.rule):
            how = "machine"
        else:
            how = "uncovered"
        rows.append({"id": head.id, "key": head.key, "title": head.title, "how": how,
                     "file": head.source.get("file"), "start_line": head.source.get("start_line"),
                     "end_line": head.source.get("end_line"), "copies": len(group)})
    counts = Counter(r["how"] for r in rows)
    n = len(rows)
    covered = counts["reviewed"] + counts["machine"]
    by_file: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_file[r["file"]][r["how"]] += 1
    return {"policies": n, "reviewed": counts["reviewed"], "machine": counts["machine"],
            "uncovered": counts["uncovered"], "coverage": round(covered / n, 3) if n else None,
            "by_file": {f: dict(c) for f, c in sorted(by_file.items())}, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="SQLAlchemy URL or SQLite path of an ingested knowledge base")
    ap.add_argument("--list", action="store_true", help="print every uncovered policy with its lines")
    ap.add_argument("--document", help="only list policies whose file name starts with this")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    out = run(args.db)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"policies giving firms money or tax relief: {out['policies']}")
    print(f"  reviewed rule with qualifying and non-qualifying cases: {out['reviewed']}")
    print(f"  extracted rule, every condition machine-checked:       {out['machine']}")
    print(f"  uncovered:                                             {out['uncovered']}")
    print(f"coverage: {out['coverage']:.1%}")
    for f, c in out["by_file"].items():
        print(f"  {f}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    if args.list:
        for r in out["rows"]:
            if r["how"] != "uncovered" or (args.document and not str(r["file"]).startswith(args.document)):
                continue
            print(f"{r['file']}:{r['start_line']}-{r['end_line']}\t{r['key']}\t{r['title']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
