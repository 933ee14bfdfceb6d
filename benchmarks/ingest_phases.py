"""CPU seconds of each phase of a one-process ingest (issue 17).

Usage::

    python benchmarks/ingest_phases.py [--size 10] [--before OLD/src]

Makes ``--size`` copies of the bundled corpus (:func:`corpus_scale.make_corpus`),
ingests them into a new SQLite database with the parse pool off
(``HUIQI_INGEST_WORKERS=1``, so every phase runs in this process) and
prints one JSON line: the total and the process CPU time spent in each
phase — parse (read, normalise, heading tree), facts (document and clause
facts, rows), write, rules (extracted-rule sync), reviewed (reviewed-rule
import), identity (policy clusters), index (keyword index). Imports done
on first use count in the phase that triggers them. ``--before`` runs
another version's source tree instead (its ``src/``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10, help="copies of the bundled corpus (default 10)")
    ap.add_argument("--before", help="source directory of another version (its src/)")
    args = ap.parse_args(argv)
    os.environ["HUIQI_INGEST_WORKERS"] = "1"
    if args.before:
        sys.path.insert(0, str(Path(args.before).resolve()))
    sys.path.insert(0, str(HERE))
    import corpus_scale

    import huiqi.kb.ingest as kb_ingest
    import huiqi.search.index as search_index
    import huiqi.services.ingest as svc
    from huiqi.config import rules_dir
    from huiqi.kb.db import get_engine, upgrade

    spent: dict[str, float] = {}

    def timed(module, name: str, label: str) -> None:
        fn = getattr(module, name)

        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - t

        setattr(module, name, wrapper)

    for module, name, label in ((kb_ingest, "_parse", "parse"), (kb_ingest, "_plan", "facts"),
                                (kb_ingest, "_write", "write"), (svc, "sync_rules", "rules"),
                                (svc, "import_rules", "reviewed"), (svc, "refresh_policy_identity", "identity"),
                                (search_index, "refresh", "index")):
        timed(module, name, label)
    with tempfile.TemporaryDirectory(prefix="huiqi-phases-") as tmp:
        files = corpus_scale.make_corpus(Path(tmp) / "corpus", args.size)
        engine = get_engine(f"sqlite:///{Path(tmp) / 'kb.db'}")
        upgrade(engine)
        t = time.process_time()
        report = svc.ingest_and_refresh(engine, files, rules_dir=rules_dir())
        total = time.process_time() - t
        engine.dispose()
    print(json.dumps({"size": args.size, "ok": report.ok, "total": round(total, 2),
                      **{k: round(v, 2) for k, v in spent.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
