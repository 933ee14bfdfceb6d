"""Rule-set catch-up after one upload (issue 17: several hosts): a full
compilation of the library versus the incremental update of
:mod:`huiqi.calc.ruleset_update`, on a copy of an ingested knowledge base.

Usage::

    python benchmarks/ruleset_update.py --db PATH/kb.db [--copy-of K]

The database (SQLite file; e.g. ``size-10/kb.db`` kept by
``benchmarks/corpus_scale.py --keep``) is copied to a temporary directory.
The rule set is compiled; then one further altered copy of a bundled file
(:func:`corpus_scale.alter`, copy number ``--copy-of``) is ingested through
:func:`huiqi.services.ingest.ingest_and_refresh` and the rule set is
brought up to date both ways. Prints CPU seconds of each and checks that
both hold the same entries.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="SQLite file of an ingested knowledge base")
    ap.add_argument("--copy-of", type=int, default=997, help="copy number of the uploaded file")
    args = ap.parse_args(argv)

    from corpus_scale import alter

    from huiqi.calc.engine import build_ruleset
    from huiqi.calc.ruleset_update import update_ruleset
    from huiqi.config import corpus_dir
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.library import changes_since, library_version
    from huiqi.services.ingest import ingest_and_refresh

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.db"
        shutil.copy(args.db, db)
        engine = get_engine(f"sqlite:///{db}")
        t = time.process_time()
        with session_scope(engine) as s:
            rs = build_ruleset(s)
            seq = library_version(s).seq
        print(f"full compilation: {time.process_time() - t:.2f} s CPU, {len(rs.entries)} entries")
        src = sorted(corpus_dir().glob("*.txt"))[-1]
        upload = Path(tmp) / f"upload_{args.copy_of}_{src.name}"
        upload.write_text(alter(src.read_text(encoding="utf-8"), args.copy_of), encoding="utf-8")
        t = time.process_time()
        ingest_and_refresh(engine, [upload], refresh_index=False)
        print(f"upload ({src.name}, altered): ingest {time.process_time() - t:.2f} s CPU")
        with session_scope(engine) as s:
            docs = changes_since(s, seq).document_ids
            t = time.process_time()
            new = update_ruleset(s, rs, "bench", docs)
            inc = time.process_time() - t
            t = time.process_time()
            full = build_ruleset(s)
            whole = time.process_time() - t
        assert new is not None, "a full compilation was needed"
        same = sorted((e.id, e.authority_id, e.rule == f.rule) for e, f in zip(
            sorted(new.entries, key=lambda e: e.id), sorted(full.entries, key=lambda e: e.id)))
        ok = len(new.entries) == len(full.entries) and all(x[2] for x in same)
        print(f"after the upload: incremental update {inc:.2f} s CPU, full compilation {whole:.2f} s CPU "
              f"({whole / max(inc, 1e-9):.0f}×); {len(new.entries)} entries, same as full: {ok}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
