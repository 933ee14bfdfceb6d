"""Speed benchmark of the policy calculator (issue 4, "Speed").

Usage::

    python benchmarks/calc_speed.py [--db PATH] [--n 100000] [--single 200]
                                    [--as-of 2025-06-30] [--all-clauses]
                                    [--out eligible.parquet|eligible.xlsx] [--json]

Without ``--db`` the bundled corpus is ingested into a temporary SQLite
database. Prints:

(a) single profile — p50/p95 of :func:`huiqi.calc.engine.match` in-process
    against the whole knowledge base (rule set loaded once; ``--single``
    synthetic profiles, each matched once after one warm-up call). Target
    p50 ≤ 100 ms.
(b) batch — ``--n`` synthetic profiles (:func:`huiqi.screen.batch.synthetic_profiles`)
    screened by :func:`huiqi.screen.batch.screen` against every clause with
    machine-checkable conditions that is in force on the date (region scope
    included; ``--all-clauses`` also takes the clauses whose only checkable
    condition is the region): wall time, pairs evaluated, pairs/s. Target
    ≤ 60 s on 2 cores for 100,000 profiles. Generation time is reported
    separately. ``--out`` writes the per-clause eligible firm lists
    (Parquet via DuckDB COPY, or .xlsx) and reports that time too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_db(path: Path) -> None:
    """Ingest the bundled corpus and its reviewed rules into a SQLite database at ``path``."""
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_bundled

    engine = get_engine(f"sqlite:///{path}")
    upgrade(engine)
    ingest_bundled(engine, refresh_index=False)
    engine.dispose()


def percentile(values: list[float], q: float) -> float:
    """``q``-th percentile (0–100) by linear interpolation."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def single_profile(ruleset, as_of: date, n: int, seed: int) -> dict:
    """p50/p95 (ms) of ``engine.match`` for ``n`` synthetic profiles."""
    import duckdb

    from huiqi.screen.batch import synthetic_profiles, table_profiles
    from huiqi.calc.engine import MatchError, match

    con = duckdb.connect()
    synthetic_profiles(n, seed=seed + 1, as_of=as_of, con=con)
    profiles = [p for _, p in table_profiles(con)]
    match(profiles[0], as_of, ruleset=ruleset)  # warm-up (lazy imports, caches)
    times, failed = [], 0
    for prof in profiles:
        t0 = time.perf_counter()
        try:
            match(prof, as_of, ruleset=ruleset)
        except MatchError:
            failed += 1
            continue
        times.append((time.perf_counter() - t0) * 1000)
    return {"profiles": len(times), "region_errors": failed, "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95), "max_ms": max(times) if times else None}


def scaled(cond, factor: float):
    """A copy of a condition tree with every numeric threshold multiplied
    by ``factor`` (stress test: distinct conditions that DuckDB cannot
    share)."""
    from dataclasses import replace

    if cond is None:
        return None
    if cond.op != "leaf":
        return replace(cond, children=[scaled(c, factor) for c in cond.children])
    v = cond.value
    if cond.kind == "threshold" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return replace(cond, value=v * factor)
    if cond.kind == "threshold" and isinstance(v, list) and all(isinstance(x, (int, float)) for x in v):
        return replace(cond, value=[x * factor for x in v])
    return cond


def batch(ruleset, as_of: date, n: int, seed: int, all_clauses: bool, out: Path | None,
          replicate: int = 1) -> dict:
    """Generate ``n`` profiles and screen them; timings in seconds."""
    import duckdb

    from huiqi.screen.batch import rules_from_ruleset, ruleset_titles, screen, synthetic_profiles

    rules = rules_from_ruleset(ruleset, as_of, machine_checkable_only=not all_clauses)
    if replicate > 1:
        rules = [(f"{cid}#{r}", scaled(cond, 1 + r / 100), scope)
                 for r in range(replicate) for cid, cond, scope in rules]
    con = duckdb.connect()
    t0 = time.perf_counter()
    rel = synthetic_profiles(n, seed=seed, as_of=as_of, con=con)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = screen(rel, rules, as_of, con=con)
    wall = time.perf_counter() - t0
    totals = {k: sum(getattr(s, k) for s in res.summary) for k in ("eligible", "likely", "needs_info", "ineligible")}
    info = {
        "profiles": res.n_profiles,
        "clauses": res.n_clauses,
        "distinct_conditions": res.n_columns,
        "pairs": res.pairs,
        "generate_s": gen,
        "screen_s": wall,
        "pairs_per_s": res.pairs / wall if wall else None,
        "outcomes": totals,
        "clauses_with_eligible_firms": sum(1 for s in res.summary if s.eligible),
        "compile_errors": len(res.errors),
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "replicate": replicate,
    }
    if out is not None:
        t0 = time.perf_counter()
        rows = res.write_eligible(out, titles=ruleset_titles(ruleset))
        info["output"] = {"path": str(out), "rows": rows, "seconds": time.perf_counter() - t0}
    return info


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit code (0, or 1 when a target is missed)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="knowledge base (SQLite path or URL); default: ingest the corpus into a temp DB")
    ap.add_argument("--n", type=int, default=100_000, help="synthetic profiles for the batch (default 100000)")
    ap.add_argument("--single", type=int, default=200, help="profiles for the single-profile timing (default 200)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--as-of", default="2025-06-30", help="evaluation date (default 2025-06-30)")
    ap.add_argument("--all-clauses", action="store_true", help="also screen clauses checkable by region only")
    ap.add_argument("--out", type=Path, help="write eligible lists to .parquet or .xlsx")
    ap.add_argument("--replicate", type=int, default=1,
                    help="stress: screen each clause R times with thresholds scaled by 1+r/100 (default 1)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)

    from huiqi.calc.engine import load_ruleset

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        ingest_s = None
        if db is None:
            db = str(Path(tmp) / "kb.db")
            t0 = time.perf_counter()
            build_db(Path(db))
            ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ruleset = load_ruleset(db)
        load_s = time.perf_counter() - t0
        report = {
            "cpus": os.cpu_count(),
            "ingest_s": ingest_s,
            "ruleset": {"entries": len(ruleset), "clauses": ruleset.n_clauses, "load_s": load_s},
            "single": single_profile(ruleset, as_of, args.single, args.seed) if args.single else None,
            "batch": batch(ruleset, as_of, args.n, args.seed, args.all_clauses, args.out,
                           args.replicate) if args.n else None,
        }
    ok = True
    if report["single"] and report["single"]["p50_ms"] > 100:
        ok = False
    if report["batch"] and args.n >= 100_000 and report["batch"]["screen_s"] > 60:
        ok = False
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0 if ok else 1
    rs = report["ruleset"]
    built = f"corpus ingested in {report['ingest_s']:.2f} s, " if report["ingest_s"] is not None else ""
    print(f"knowledge base: {rs['entries']} clauses offering something (of {rs['clauses']}); "
          f"{built}rule set built in {rs['load_s']:.2f} s; {report['cpus']} CPUs")
    s = report["single"]
    if s:
        print(f"(a) single profile, engine.match over the whole KB: p50 {s['p50_ms']:.1f} ms, "
              f"p95 {s['p95_ms']:.1f} ms, max {s['max_ms']:.1f} ms ({s['profiles']} profiles; target p50 ≤ 100 ms)")
    b = report["batch"]
    if b:
        o = b["outcomes"]
        print(f"(b) batch: {b['profiles']:,} profiles × {b['clauses']} clauses ({b['distinct_conditions']} distinct "
              f"conditions) = {b['pairs']:,} pairs in {b['screen_s']:.2f} s → {b['pairs_per_s']:,.0f} pairs/s "
              f"(DuckDB threads {b['threads']}; target ≤ 60 s)"
              + (f" [stress: each clause ×{b['replicate']} with scaled thresholds]" if b["replicate"] > 1 else ""))
        print(f"    generation of the profiles: {b['generate_s']:.2f} s; outcomes: eligible {o['eligible']:,}, "
              f"likely {o['likely']:,}, needs_info {o['needs_info']:,}, ineligible {o['ineligible']:,}; "
              f"{b['clauses_with_eligible_firms']} clauses have eligible firms")
        if "output" in b:
            print(f"    wrote {b['output']['rows']:,} rows to {b['output']['path']} in {b['output']['seconds']:.2f} s")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
