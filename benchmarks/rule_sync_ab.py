"""CPU of the rule phase of an ingest (huiqi.rules.store.sync_extracted), two
versions of the code in turns, with a check that they store the same rows (issue 17).

Usage::

    git worktree add /tmp/before <commit>
    python benchmarks/rule_sync_ab.py --before /tmp/before/src [--size 10] [--repeats 3]

Ingests the corpus copies of :func:`corpus_scale.make_corpus` once with this
checkout's code, deletes every rule version (and the screening jobs naming
them), and then, in turns and each in a fresh process on its own copy of that
database, runs :func:`huiqi.services.ingest.sync_rules` with the old code
(``PYTHONPATH`` = ``--before``) and with this checkout's — the phase an ingest
runs after writing the files. The modules the phase uses are imported
before the clock starts. Prints one JSON line per round, then the minimum
and median CPU seconds per version, and compares the rows each version
stored (rule versions without their ``extractor`` fingerprint and
timestamps, screening jobs, library changes); the script fails when they
differ.
"""

from __future__ import annotations

import argparse
import hashlib
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

_SYNC = """
import json, sys, time
import huiqi.extract.pipeline, huiqi.kb.ingest, huiqi.kb.queries, huiqi.rules.store
from huiqi.extract.numbers import parse_number
from huiqi.kb.db import get_engine
from huiqi.rules import benefits, conditions, stacking
from huiqi.services.ingest import sync_rules
parse_number("一千二百万")  # cn2an, loaded on first use
huiqi.rules.store.extractor_version()
engine = get_engine(f"sqlite:///{sys.argv[1]}")
t = time.process_time()
rep = sync_rules(engine)
print(json.dumps({"cpu": round(time.process_time() - t, 2), "written": rep.written}))
"""

#: columns that differ from run to run or between versions of the code
_SKIP = {"extractor", "created_at", "updated_at", "next_attempt_at", "at", "changed_at"}


def _digest(db: Path) -> str:
    """SHA-1 of the rows the rule phase writes (see the module docstring)."""
    con = sqlite3.connect(db)
    h = hashlib.sha1()
    for table in ("rule_versions", "outbox", "library_changes"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in _SKIP]
        for row in con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid"):
            h.update(json.dumps([table, *row], ensure_ascii=False, default=str).encode())
    con.close()
    return h.hexdigest()[:16]


def _run(db: Path, work: Path, src: str | None) -> dict:
    copy = work / "sync.db"
    shutil.copy(db, copy)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src:
        env["PYTHONPATH"] = src
    res = subprocess.run([sys.executable, "-c", _SYNC, str(copy)], capture_output=True, text=True, env=env,
                         cwd=tempfile.gettempdir())
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["digest"] = _digest(copy)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="src directory of the other version")
    ap.add_argument("--size", type=int, default=10, help="corpus multiplier (corpus_scale)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import corpus_scale

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = [str(f) for f in corpus_scale.make_corpus(work / "corpus", args.size)]
        db = work / "kb.db"
        corpus_scale.child_ingest(f"sqlite:///{db}", files, None)
        con = sqlite3.connect(db)
        con.execute("DELETE FROM rule_versions")
        con.execute("DELETE FROM outbox")
        con.commit()
        con.close()
        runs: dict[str, list[float]] = {"before": [], "after": []}
        digests: set[str] = set()
        for _ in range(args.repeats):
            line = {}
            for label, src in (("before", args.before), ("after", None)):
                r = _run(db, work, src)
                runs[label].append(r["cpu"])
                digests.add(r["digest"])
                line[label] = r["cpu"]
                line["written"] = r["written"]
            print(json.dumps({"size": args.size, **line}), flush=True)
    summary = {k: {"min": min(v), "median": statistics.median(v), "runs": v} for k, v in runs.items()}
    summary["after/before (min)"] = round(summary["after"]["min"] / summary["before"]["min"], 3)
    print(json.dumps(summary, indent=2))
    same = len(digests) == 1
    print("stored rows identical" if same else f"STORED ROWS DIFFER: {digests}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
