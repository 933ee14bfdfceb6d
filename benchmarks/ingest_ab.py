"""Ingest CPU of two versions of the code, measured in turns on the same files (issue 17).

Usage::

    git archive <commit> src | tar -x -C /tmp/before      # the other version's source tree
    python benchmarks/ingest_ab.py --before /tmp/before/src [--sizes 1 10] [--repeats 4]

On a shared machine CPU seconds drift with the other jobs' load, so one
run of the old code and one of the new are not comparable. This script
measures them in turns (old ingest, new ingest, floor; again …) on the same
corpus copies (:func:`corpus_scale.make_corpus`), each in a fresh process:
the ingest and the floor are :func:`corpus_scale.child_ingest` and
:func:`corpus_scale.child_floor`, the old code is run with ``PYTHONPATH``
set to ``--before``. Prints one JSON line per round and, per size, the
minimum and median CPU seconds and the ratios to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(fn: str, args: list, src: str | None) -> dict:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import corpus_scale as m; "
            f"print(json.dumps(m.{fn}(*json.loads(sys.argv[1]))))")
    res = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True, env=env,
                         cwd=tempfile.gettempdir())
    if res.returncode:
        raise RuntimeError(f"{fn} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def measure(size: int, repeats: int, before: str, work: Path) -> dict:
    """Rounds of (before, after, floor) at ``size``; returns the summary."""
    sys.path.insert(0, str(HERE))
    import corpus_scale

    files = [str(f) for f in corpus_scale.make_corpus(work / f"corpus-{size}", size)]
    runs: dict[str, list[float]] = {"floor": [], "before": [], "after": []}
    for _ in range(repeats):
        for label, src in (("before", before), ("after", None)):
            db = work / f"{label}-{size}" / "kb.db"
            shutil.rmtree(db.parent, ignore_errors=True)
            db.parent.mkdir(parents=True)
            runs[label].append(_run("child_ingest", [f"sqlite:///{db}", files, None], src)["cpu"])
        runs["floor"].append(_run("child_floor", [files], None)["cpu"])
        print(json.dumps({"size": size, **{k: v[-1] for k, v in runs.items()}}), flush=True)
    out: dict = {"size": size}
    for k, v in runs.items():
        out[k] = {"min": min(v), "median": round(statistics.median(v), 2), "runs": v}
    for k in ("before", "after"):
        out[k]["vs_floor_min"] = round(min(runs[k]) / min(runs["floor"]), 2)
        out[k]["vs_floor_median"] = round(statistics.median(runs[k]) / statistics.median(runs["floor"]), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="source directory of the other version (its src/)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1, 10])
    ap.add_argument("--repeats", type=int, default=4)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="huiqi-ab-") as tmp:
        summary = [measure(size, args.repeats, str(Path(args.before).resolve()), Path(tmp)) for size in args.sizes]
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
