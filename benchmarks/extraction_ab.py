"""Extraction CPU of two versions of the code, in turns, with a check that they agree (issue 17).

Usage::

    git worktree add /tmp/before <commit>      # or: git archive <commit> src | tar -x -C /tmp/before
    python benchmarks/extraction_ab.py --before /tmp/before/src [--size 10] [--repeats 3]

Measures the two extraction stages of an ingest on the same corpus copies
(:func:`corpus_scale.make_corpus`), each in a fresh process, old and new
code in turns (CPU seconds drift with the other jobs of a shared machine):

* facts — :func:`huiqi.extract.extract_document_facts` and
  :func:`huiqi.extract.extract_clause_facts` over every document and clause
  of the parsed corpus (parsing is not timed);
* rules — :func:`huiqi.rules.store.extract_rule` (conditions, benefit,
  stacking), :func:`~huiqi.rules.store.beneficiary_of` and
  :func:`~huiqi.rules.store.rule_body` over the clause rows an ingest
  stores (read once from a knowledge base built with the new code, then
  given to both versions).

Each run also prints a SHA-1 of everything it extracted; the script fails
when the two versions disagree. Prints one JSON line per round, then the
minimum and median per stage and version.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_FACTS = """
import dataclasses, hashlib, json, sys, time
from pathlib import Path
from huiqi.extract import extract_clause_facts, extract_document_facts
from huiqi.readers import read_source
from huiqi.structure import parse_source
docs = [doc for p in json.loads(sys.argv[1]) for doc in parse_source(read_source(Path(p)))]
t = time.process_time()
outs = []
for doc in docs:
    df = extract_document_facts(doc)
    outs.append(df)
    for _path, node in doc.clauses():
        outs.append(extract_clause_facts(node, node.block(), issued=df.issued, doc_validity=df.validity))
cpu = time.process_time() - t
h = hashlib.sha1()
for o in outs:
    h.update(json.dumps(dataclasses.asdict(o), ensure_ascii=False, sort_keys=True, default=str).encode())
print(json.dumps({"cpu": round(cpu, 2), "digest": h.hexdigest()[:16], "n": len(outs)}))
"""

_RULES = """
import hashlib, json, pickle, sys, time
from huiqi.rules.store import beneficiary_of, extract_rule, rule_body
rows = pickle.loads(open(sys.argv[1], "rb").read())
extract_rule(rows[0])  # imports the extractors outside the timed loop
t = time.process_time()
outs = []
for row in rows:
    rule, problems = extract_rule(row)
    outs.append((beneficiary_of(rule, row.get("text")), rule_body(rule), problems))
cpu = time.process_time() - t
h = hashlib.sha1()
for o in outs:
    h.update(json.dumps(o, ensure_ascii=False, sort_keys=True, default=str).encode())
print(json.dumps({"cpu": round(cpu, 2), "digest": h.hexdigest()[:16], "n": len(outs)}))
"""


def _run(code: str, arg: str, src: str | None) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src:
        env["PYTHONPATH"] = src
    res = subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True, env=env,
                         cwd=tempfile.gettempdir())
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def _clause_rows(files: list[str], work: Path) -> Path:
    """Ingest ``files`` into a fresh SQLite KB with this checkout's code and
    pickle the clause rows rule extraction reads (one per clause key)."""
    sys.path.insert(0, str(HERE))
    import corpus_scale

    db = work / "kb.db"
    corpus_scale.child_ingest(f"sqlite:///{db}", files, None)
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.rules.store import _current_keys, _rows_by_id

    with session_scope(get_engine(f"sqlite:///{db}")) as s:
        keys = _current_keys(s)
        first: dict[str, int] = {}
        for key, cid, _d, _k in keys:
            first.setdefault(key, cid)
        full = _rows_by_id(s, sorted(first.values()), {d: k for _key, _c, d, k in keys})
        rows = [full[c] for c in first.values() if c in full]
    out = work / "rows.pkl"
    out.write_bytes(pickle.dumps(rows))
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
        rows = _clause_rows(files, work)
        runs: dict[str, list[float]] = {"facts before": [], "facts after": [], "rules before": [], "rules after": []}
        digests: dict[str, set[str]] = {"facts": set(), "rules": set()}
        for _ in range(args.repeats):
            line = {}
            for stage, code, arg in (("facts", _FACTS, json.dumps(files)), ("rules", _RULES, str(rows))):
                for label, src in (("before", args.before), ("after", None)):
                    r = _run(code, arg, src)
                    runs[f"{stage} {label}"].append(r["cpu"])
                    digests[stage].add(r["digest"])
                    line[f"{stage} {label}"] = r["cpu"]
            print(json.dumps({"size": args.size, **line}), flush=True)
    summary = {k: {"min": min(v), "median": statistics.median(v), "runs": v} for k, v in runs.items()}
    print(json.dumps(summary, indent=2))
    same = all(len(d) == 1 for d in digests.values())
    print("outputs identical" if same else f"OUTPUTS DIFFER: {digests}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
