"""CPU of the search-index build and of the policy clusters, two versions of the code in turns (issue 17).

Usage::

    git worktree add /tmp/before <commit>          # or: git archive <commit> src | tar -x -C /tmp/before
    python benchmarks/index_ab.py --before /tmp/before/src [--size 10] [--repeats 3]

The corpus copies of :func:`corpus_scale.make_corpus` are ingested once
(the current code); then, in turns, each version gets a fresh copy of that
database (without its search index) and, in a fresh process (the old code
with ``PYTHONPATH`` set to ``--before``), recomputes the policy clusters
(:func:`huiqi.services.ingest.refresh_policy_identity`) and builds the
keyword index from scratch (:func:`huiqi.search.index.refresh`). Imports
and the jieba dictionary are loaded before the measured window, as they are
in an ingest by then. Prints one JSON line per round and the minimum and
median CPU seconds per version and phase, then whether the two versions
wrote the same index files (``summary.json`` compared as JSON: its unit
order follows set order) and the same ``policy_links`` rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = r"""
import json, resource, sys
db = sys.argv[1]
import cn2an, jieba, numpy, sqlalchemy  # loaded by an ingest before these phases
import huiqi.kb.queries, huiqi.kb.lifecycle, huiqi.kb.policy_identity
from huiqi.kb.db import get_engine
from huiqi.search import segment as seg
from huiqi.search.index import refresh
from huiqi.services.ingest import refresh_policy_identity
seg.tokenizer()

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

url = f"sqlite:///{db}"
engine = get_engine(url)
c = cpu(); refresh_policy_identity(engine); identity = cpu() - c
engine.dispose()
c = cpu(); out = refresh(url); index = cpu() - c
print(json.dumps({"identity": round(identity, 3), "index": round(index, 3),
                  "clauses": out["keyword"]["clauses"]}))
"""


def _round(label: str, src: str | None, db: Path, work: Path) -> dict:
    target = work / label
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy(db, target / "kb.db")
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    res = subprocess.run([sys.executable, "-c", _CHILD, str(target / "kb.db")], capture_output=True, text=True,
                         env=env, cwd=tempfile.gettempdir())
    if res.returncode:
        raise RuntimeError(f"{label} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def same_outputs(a: Path, b: Path) -> dict:
    """Whether the keyword index files and the policy links of the databases
    in directories ``a`` and ``b`` are equal."""
    ka, kb = a / "search" / "keyword", b / "search" / "keyword"
    files_a = sorted(p.relative_to(ka) for p in ka.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(kb) for p in kb.rglob("*") if p.is_file())
    differ = [str(f) for f in files_a if f in files_b and not _same_file(ka / f, kb / f)]
    links = "SELECT clause_id, authority_id, similarity FROM policy_links ORDER BY clause_id"
    la = sqlite3.connect(a / "kb.db").execute(links).fetchall()
    lb = sqlite3.connect(b / "kb.db").execute(links).fetchall()
    return {"index_files": len(files_a), "same_file_names": files_a == files_b, "differing_files": differ,
            "policy_links": len(la), "same_policy_links": la == lb}


def _same_file(x: Path, y: Path) -> bool:
    if x.name == "summary.json":
        return json.loads(x.read_text(encoding="utf-8")) == json.loads(y.read_text(encoding="utf-8"))
    return x.read_bytes() == y.read_bytes()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="src directory of the other version")
    ap.add_argument("--size", type=int, default=10, help="corpus multiplier")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import corpus_scale

    with tempfile.TemporaryDirectory(prefix="huiqi-index-ab-") as tmp:
        work = Path(tmp)
        files = [str(f) for f in corpus_scale.make_corpus(work / "corpus", args.size)]
        (work / "source").mkdir()
        db = work / "source" / "kb.db"
        corpus_scale.child_ingest(f"sqlite:///{db}", files)
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for _ in range(args.repeats):
            for label, src in (("before", args.before), ("after", None)):
                runs[label].append(_round(label, src, db, work))
            print(json.dumps({"size": args.size, **{k: v[-1] for k, v in runs.items()}}), flush=True)
        summary = {"size": args.size, "clauses": runs["after"][-1]["clauses"]}
        for phase in ("index", "identity"):
            for label in ("before", "after"):
                values = [r[phase] for r in runs[label]]
                summary[f"{phase}_{label}"] = {"min": min(values), "median": round(statistics.median(values), 3)}
            ratios = [a[phase] / b[phase] for a, b in zip(runs["after"], runs["before"]) if b[phase]]
            summary[f"{phase}_after_vs_before_median"] = round(statistics.median(ratios), 3) if ratios else None
        summary["outputs"] = same_outputs(work / "before", work / "after")
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
