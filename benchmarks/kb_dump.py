"""Dump what an ingest stored, to compare two versions of the code row for row.

Usage::

    python benchmarks/kb_dump.py OUT.jsonl [FILE_OR_DIR ...]

Ingests the files given (default: the bundled corpus with its reviewed
rules, as ``huiqi ingest`` does) into a fresh SQLite database through
:func:`huiqi.services.ingest.ingest_and_refresh`, then writes every row of
the knowledge-base tables (source files, documents, nodes, clauses, clause
units, rule versions, policy links, library changes, screen results) as
one JSON line each, in id order, without the columns that differ from run
to run (timestamps, the temporary path), then one line per file of the
persisted keyword index (SHA-1 of its bytes; of each array for ``.npz``
files, whose zip headers carry times). Two dumps made before and after a
change of the code are then compared with ``diff`` or ``cmp``; any
difference is a change of what is stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

TABLES = ("source_files", "documents", "nodes", "clauses", "clause_units", "rule_versions",
          "policy_links", "library_changes", "screen_results")
#: columns whose values depend on when or where the ingest ran
VOLATILE = {"ingested_at", "created_at", "updated_at", "path", "at", "computed_at", "changed_at"}


def dump(db: Path, out) -> int:
    """Write the rows of :data:`TABLES` of the SQLite database ``db`` to ``out``; returns the row count."""
    con = sqlite3.connect(db)
    n = 0
    for table in TABLES:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        if not cols:
            continue
        keep = [c for c in cols if c not in VOLATILE]
        order = "id" if "id" in cols else ", ".join(keep)
        for row in con.execute(f"SELECT {', '.join(keep)} FROM {table} ORDER BY {order}"):
            out.write(json.dumps({"table": table, **dict(zip(keep, row))}, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    con.close()
    return n


def dump_index(directory: Path, out) -> int:
    """One line per file under the keyword-index directory ``directory``
    (``state.json`` without its timestamps, other JSON files with sorted keys); returns the count."""
    import numpy as np

    n = 0
    for f in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = f.relative_to(directory).as_posix()
        if f.suffix == ".npz":
            with np.load(f) as z:
                digest = {k: hashlib.sha1(z[k].tobytes()).hexdigest() for k in sorted(z.files)}
        elif f.suffix == ".json" and f.name != "state.json":  # key order may follow set iteration
            digest = hashlib.sha1(json.dumps(json.loads(f.read_text(encoding="utf-8")), sort_keys=True,
                                             ensure_ascii=False).encode("utf-8")).hexdigest()
        elif f.name == "state.json":
            state = json.loads(f.read_text(encoding="utf-8"))
            digest = {k: v for k, v in state.items() if "time" not in k and not k.endswith("_at")}
        elif f.suffix == ".lock":
            continue
        else:
            digest = hashlib.sha1(f.read_bytes()).hexdigest()
        out.write(json.dumps({"index": rel, "digest": digest}, ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n


def main(argv: list[str]) -> int:
    from huiqi.config import corpus_files, rules_dir
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_and_refresh

    out_path, inputs = Path(argv[0]), [Path(a) for a in argv[1:]]
    files: list[Path] = []
    for p in inputs:
        files.extend(sorted(x for x in p.iterdir() if x.is_file()) if p.is_dir() else [p])
    with tempfile.TemporaryDirectory(prefix="huiqi-dump-") as tmp:
        db = Path(tmp) / "kb.db"
        engine = get_engine(f"sqlite:///{db}")
        upgrade(engine)
        report = ingest_and_refresh(engine, files or corpus_files(), rules_dir=rules_dir())
        engine.dispose()
        from huiqi.search.index import index_dir

        with out_path.open("w", encoding="utf-8") as out:
            n = dump(db, out)
            n += dump_index(index_dir(f"sqlite:///{db}"), out)
    print(f"{n} rows → {out_path} (ok: {report.ok})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
