"""Policy identity benchmark: detected clusters of near-identical clauses
(:mod:`huiqi.kb.policy_identity`) against the gold clusters written by reading
(``benchmarks/gold/policy_clusters.yaml``).

Usage: ``python benchmarks/identity_bench.py [--db URL] [--details] [--json]``

Without ``--db`` the bundled corpus is ingested into a temporary database
through the one ingest path (:func:`huiqi.services.ingest.ingest_and_refresh`).
Prints pairwise precision and recall (a pair = two clauses put in the same
cluster), clusters recovered exactly, the authority agreement on the exact
clusters (the gold's first member of the issuing file order is not a
reference: the authority is checked to be a member of a non-compiled file
when the cluster has one), and the time of the detection.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import yaml

GOLD = Path(__file__).parent / "gold" / "policy_clusters.yaml"


def _corpus_db() -> str:
    from huiqi.config import corpus_files
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_and_refresh

    tmp = Path(tempfile.mkdtemp(prefix="huiqi-identity-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    rep = ingest_and_refresh(engine, corpus_files(), refresh_index=False)
    engine.dispose()
    if not rep.ok:
        raise SystemExit(f"导入失败：{[f.error for f in rep.ingest.failed]}")
    return url


def _pairs(clusters: list[set]) -> set[frozenset]:
    return {frozenset(p) for c in clusters for p in itertools.combinations(sorted(c), 2)}


def run(db: str | None) -> dict:
    """Figures of the detection on the database ``db`` (default: a fresh
    corpus database)."""
    from huiqi.config import to_url
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.policy_identity import current_rows, detect_clusters, load_links

    url = to_url(db) if db else _corpus_db()
    engine = get_engine(url)
    with session_scope(engine) as s:
        rows = current_rows(s)
        t0 = time.perf_counter()
        detected_now = detect_clusters(rows)
        seconds = time.perf_counter() - t0
        links = load_links(s)
    engine.dispose()
    at = {(r["source"]["file"], r["source"]["start_line"]): r for r in rows}
    gold_doc = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    gold: list[set] = []
    unresolved = []
    for c in gold_doc["clusters"]:
        ids = set()
        for m in c["members"]:
            r = at.get((m["file"], m["lines"][0]))
            if r is None or not r["text"].startswith(m["quote"][:12]):
                unresolved.append(m)
                continue
            ids.add(r["id"])
        if len(ids) > 1:
            gold.append(ids)
    by_auth: dict[int, set] = {}
    for cid, (auth, _) in links.items():
        by_auth.setdefault(auth, set()).add(cid)
    stored = list(by_auth.values())
    det = [set(c.members) for c in detected_now]
    gp, dp = _pairs(gold), _pairs(stored)
    tp = len(gp & dp)
    exact = sum(1 for c in gold if c in stored)
    g_ids = set().union(*gold) if gold else set()
    d_ids = set().union(*stored) if stored else set()
    by_id = {r["id"]: r for r in rows}
    wrong = [sorted(c) for c in stored if not any(c <= g for g in gold)]
    missed = [sorted(c) for c in gold if not any(c <= d for d in stored)]

    def cite(cid: int) -> str:
        r = by_id[cid]
        return f"{r['source']['file'][:3]}:{r['source']['start_line']} {r['text'][:30]}"

    return {
        "gold_clusters": len(gold), "gold_clauses": len(g_ids), "unresolved_gold_members": len(unresolved),
        "detected_clusters": len(stored), "detected_clauses": len(d_ids),
        "stored_equals_fresh_detection": sorted(map(sorted, det)) == sorted(map(sorted, stored)),
        "pair_precision": round(tp / len(dp), 4) if dp else None,
        "pair_recall": round(tp / len(gp), 4) if gp else None,
        "pairs": {"gold": len(gp), "detected": len(dp), "true_positive": tp},
        "clause_precision": round(len(g_ids & d_ids) / len(d_ids), 4) if d_ids else None,
        "clause_recall": round(len(g_ids & d_ids) / len(g_ids), 4) if g_ids else None,
        "clusters_exact": exact,
        "detection_seconds": round(seconds, 3),
        "n_clauses": len(rows),
        "false_clusters": [[cite(i) for i in c] for c in wrong],
        "missed_clusters": [[cite(i) for i in c] for c in missed],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="database URL or SQLite path (default: ingest the bundled corpus)")
    ap.add_argument("--details", action="store_true", help="list false and missed clusters")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    res = run(a.db)
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return 0
    print(f"gold: {res['gold_clusters']} clusters, {res['gold_clauses']} clauses "
          f"(unresolved members {res['unresolved_gold_members']})")
    print(f"detected: {res['detected_clusters']} clusters, {res['detected_clauses']} clauses "
          f"of {res['n_clauses']} (detection {res['detection_seconds']} s)")
    print(f"pairwise precision {res['pair_precision']}  recall {res['pair_recall']}  {res['pairs']}")
    print(f"clause precision {res['clause_precision']}  recall {res['clause_recall']}; "
          f"gold clusters recovered exactly {res['clusters_exact']}/{res['gold_clusters']}")
    if a.details:
        for name in ("false_clusters", "missed_clusters"):
            print(f"-- {name}: {len(res[name])}")
            for c in res[name]:
                print("   " + " | ".join(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
