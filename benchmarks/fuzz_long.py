"""Long fuzzing run and growth figures for the Reliability section (issue 16).

Usage::

    python benchmarks/fuzz_long.py [--files 2000] [--api-examples 300] [--sizes 4] [--json]

(a) pipeline fuzz — ``--files`` Hypothesis-generated policy-like files
    (``tests/fuzz/harness.py``; txt / gb18030 / html / docx in turn) through
    read → normalise → structure → extract, plus every seed of
    ``tests/fuzz/seeds``: uncaught exceptions, clean refusals, the slowest
    file and the largest traced memory peak;
(b) API fuzz — schemathesis (in-process ASGI, positive and negative data)
    with ``--api-examples`` examples per operation: requests sent and
    failures (5xx, undocumented status codes, bodies that do not match the
    OpenAPI document);
(c) growth — extraction time on the adversarial inputs of
    ``tests/extract/test_linear_time.py`` at n, 2n, 4n, 8n (… ``--sizes``
    doublings): linear code doubles, quadratic quadruples;
(d) budgets — an ingest in the worker process refused by the time budget
    and by the memory budget (how long the refusal takes).

Prints the figures; ``--json`` prints them as JSON. Runs on the bundled
corpus database (built on first use, as the tests do).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pipeline_fuzz(n_files: int) -> dict:
    from hypothesis import HealthCheck, given, settings

    from tests.fuzz.harness import policy_text, run_pipeline, warm_up, write_variant

    kinds = ["txt", "gb18030", "html", "docx"]
    stats = {"files": 0, "refused": 0, "exceptions": [], "max_seconds": 0.0, "max_seconds_untraced": 0.0,
             "max_peak_mb": 0.0,
             "max_chars": 0, "clauses": 0}
    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        warm_up(directory)

        @given(text=policy_text(max_pieces=400))
        @settings(max_examples=n_files, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(text):
            kind = kinds[stats["files"] % len(kinds)]
            stats["files"] += 1
            path = write_variant(text, kind, directory)
            try:
                r = run_pipeline(path, trace_memory=stats["files"] % 5 == 0)  # memory traced on every 5th file
            except Exception as exc:  # noqa: BLE001 - counted, not raised
                stats["exceptions"].append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
                return
            stats["refused"] += r.error is not None
            stats["clauses"] += r.clauses
            if r.peak_mb is None:  # untraced runs: wall time comparable to production
                stats["max_seconds_untraced"] = max(stats["max_seconds_untraced"], r.seconds)
            if r.seconds > stats["max_seconds"]:
                stats["slowest"] = {"kind": kind, "traced": r.peak_mb is not None, "chars": len(text),
                                    "seconds": round(r.seconds, 3)}
                out = ROOT / "benchmarks" / "out"
                out.mkdir(exist_ok=True)
                (out / "fuzz_slowest.txt").write_text(text, encoding="utf-8", errors="replace")
            stats["max_seconds"] = max(stats["max_seconds"], r.seconds)
            stats["max_peak_mb"] = max(stats["max_peak_mb"], r.peak_mb or 0.0)
            stats["max_chars"] = max(stats["max_chars"], len(text))

        run()
        seeds = sorted((ROOT / "tests" / "fuzz" / "seeds").glob("*"))
        seed_rows = []
        for seed in seeds:
            if seed.suffix not in (".txt", ".html", ".docx"):
                continue
            r = run_pipeline(seed, trace_memory=False)
            seed_rows.append({"seed": seed.name, "bytes": seed.stat().st_size, "seconds": round(r.seconds, 3),
                              "clauses": r.clauses, "refused": r.error is not None})
    stats["seeds"] = seed_rows
    stats["n_exceptions"] = len(stats["exceptions"])
    return stats


def api_fuzz(examples: int) -> dict:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    from huiqi.web import create_app
    from tests.search.kw_corpus import corpus_db_url

    app = create_app(corpus_db_url(), autofill=False)
    app.state.huiqi.ensure()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    out = {"operations": 0, "requests": 0, "failures": []}
    for result in schema.get_all_operations():
        op = result.ok()
        out["operations"] += 1

        @given(case=op.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            out["requests"] += 1
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - reported
            out["failures"].append(f"{op.method.upper()} {op.path}: {str(exc)[:400]}")
    out["n_failures"] = len(out["failures"])
    return out


def growth(doublings: int) -> list[dict]:
    from tests.extract.test_linear_time import CASES
    from tests.growth import best_time

    rows = []
    for name in sorted(CASES):
        fn, make, n, *_ = CASES[name]
        times = [best_time(fn, make(n * 2**k)) for k in range(doublings)]
        rows.append({"case": name, "n": n, "seconds": [round(t, 4) for t in times],
                     "last_ratio": round(times[-1] / max(times[-2], 1e-6), 2)})
    return rows


def budgets() -> dict:
    from huiqi.kb.budget import Budget, ingest_with_budget
    from huiqi.kb.db import get_engine, upgrade

    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        url = f"sqlite:///{directory / 'b.db'}"
        upgrade(get_engine(url))
        slow = directory / "q.txt"
        slow.write_text("关于通知\n一、" + "补贴100万元，" * 3000, encoding="utf-8")
        t0 = time.perf_counter()
        timeout = ingest_with_budget(url, slow, Budget(seconds=0.5, memory_mb=0))
        t_timeout = time.perf_counter() - t0
        big = directory / "big.txt"
        line = ("对年营业收入2000万元以上的企业给予最高100万元奖励。" * 40 + "\n").encode()
        with big.open("wb") as fh:
            for _ in range(12 * 1024 * 1024 // len(line)):
                fh.write(line)
        t0 = time.perf_counter()
        memory = ingest_with_budget(url, big, Budget(seconds=300, memory_mb=130))
        t_memory = time.perf_counter() - t0
    return {"timeout_error": timeout.error, "timeout_seconds": round(t_timeout, 2),
            "memory_error": memory.error, "memory_seconds": round(t_memory, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--api-examples", type=int, default=300)
    ap.add_argument("--sizes", type=int, default=4)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    figures = {"pipeline": pipeline_fuzz(args.files), "api": api_fuzz(args.api_examples),
               "growth": growth(args.sizes), "budgets": budgets()}
    figures["wall_seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    p, a = figures["pipeline"], figures["api"]
    print(f"pipeline fuzz: {p['files']} files, {p['n_exceptions']} uncaught exceptions, {p['refused']} clean refusals, "
          f"{p['clauses']} clauses; slowest {p['max_seconds_untraced']:.2f} s ({p['max_seconds']:.2f} s with memory "
          f"tracing, every 5th file), largest traced peak {p['max_peak_mb']:.0f} MB, "
          f"longest input {p['max_chars']} characters")
    print(f"  slowest: {p.get('slowest')} (text in benchmarks/out/fuzz_slowest.txt)")
    for e in p["exceptions"][:10]:
        print("   ", e)
    for s in p["seeds"]:
        print(f"  seed {s['seed']:<32} {s['bytes']:>8,} B  {s['seconds']:6.2f} s  "
              f"{'refused' if s['refused'] else str(s['clauses']) + ' clauses'}")
    print(f"API fuzz: {a['operations']} operations, {a['requests']} requests, {a['n_failures']} failing operations")
    for f in a["failures"]:
        print("   ", f)
    print("growth (seconds at n, 2n, 4n, …; last ratio: 2 = linear, 4 = quadratic):")
    for g in figures["growth"]:
        print(f"  {g['case']:<26} n={g['n']:<5} {' '.join(f'{t:.4f}' for t in g['seconds'])}  ratio {g['last_ratio']}")
    b = figures["budgets"]
    print(f"budgets: time {b['timeout_seconds']} s → {b['timeout_error']}")
    print(f"         memory {b['memory_seconds']} s → {b['memory_error']}")
    print(f"wall {figures['wall_seconds']} s")


if __name__ == "__main__":
    main()
