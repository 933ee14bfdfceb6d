"""Retrieval benchmark for ``huiqi search`` (issue 3).

Usage::

    python benchmarks/search_bench.py [--db PATH] [--questions YAML ...] [--repeats 20] [--answers] [--json]

Without ``--db`` the bundled corpus is ingested into a temporary SQLite
database. Question sets (default: both ``benchmarks/gold/questions.yaml``
and the harder ``benchmarks/gold/questions_hard.yaml``; each is scored and
printed separately): ``questions: [{id, q, style, gold, expect: [str],
answerable}]`` where a gold entry is ``{file, line}`` or ``{snippet, file?}``
— a snippet is resolved to the line(s) of the original file(s) where it
occurs (:func:`resolve_snippets`; whitespace, punctuation and character
width ignored; without ``file`` every corpus file is searched). A result
matches a gold entry when ``source.file == file`` and
``start_line <= line <= end_line``. Only answerable questions with gold
lines count towards the metrics.

Prints Recall@1, Recall@5 and MRR@10 for: the baseline (rank_bm25
``BM25Okapi`` over default ``jieba.lcut`` of the raw clause text), the
keyword index, and — when ``huiqi.search.semantic`` provides a scorer —
the semantic index and the hybrid (RRF); then p50/p95 latency of
in-process searches and index build times.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = [ROOT / "benchmarks" / "gold" / "questions.yaml",
                     ROOT / "benchmarks" / "gold" / "questions_hard.yaml"]


def load_questions(path: Path) -> list[dict]:
    """Questions of the gold file (all of them, answerable or not), snippet
    gold entries resolved to ``{file, line}``."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    questions = list(data.get("questions") or [])
    resolve_snippets(questions)
    return questions


_DROP = None


def _flat(text: str) -> str:
    """Text reduced for snippet matching: characters normalised as huiqi
    does (width, traditional → simplified, punctuation), then whitespace
    and punctuation removed."""
    import re

    from huiqi.normalize.text import normalize_chars

    global _DROP
    if _DROP is None:
        _DROP = re.compile(r"[\s\W_]+", re.UNICODE)
    return _DROP.sub("", normalize_chars(text.replace("\n", " ")))


def _corpus_index(corpus: Path) -> dict[str, tuple[str, list[int]]]:
    """file name → (flattened text, original 1-based line of each character)."""
    from huiqi.config import corpus_files

    out = {}
    for f in corpus_files(corpus):
        chars: list[str] = []
        lines: list[int] = []
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            flat = _flat(line)
            chars.append(flat)
            lines.extend([n] * len(flat))
        out[f.name] = ("".join(chars), lines)
    return out


def resolve_snippets(questions: list[dict], corpus: Path | None = None) -> None:
    """Replace every ``{snippet, file?}`` gold entry by ``{file, line}``
    entries, one per occurrence (line of the snippet's first character).
    Raises ``ValueError`` naming the question when a snippet occurs nowhere."""
    if not any("snippet" in g for q in questions for g in q.get("gold") or []):
        return
    from huiqi.config import corpus_dir

    index = _corpus_index(corpus or corpus_dir())
    for q in questions:
        gold = []
        for g in q.get("gold") or []:
            if "snippet" not in g:
                gold.append(g)
                continue
            snip = _flat(str(g["snippet"]))
            found = []
            for name, (flat, lines) in index.items():
                if g.get("file") and name != g["file"]:
                    continue
                start = flat.find(snip)
                while start >= 0 and snip:
                    found.append({"file": name, "line": lines[start]})
                    start = flat.find(snip, start + 1)
            if not found:
                raise ValueError(f"{q.get('id')}: gold snippet not found in the corpus: {g['snippet']}")
            gold.extend(found)
        q["gold"] = gold


def first_hit(results: list[dict], gold: list[dict]) -> int | None:
    """1-based rank of the first result covering a gold line, else None. A
    result shown once for a policy stated in several documents covers the
    lines of its ``sources`` too (policy identity, issue 11)."""
    for rank, r in enumerate(results, start=1):
        for src in [r["source"], *(x["source"] for x in r.get("sources") or [])]:
            for g in gold:
                if src["file"] == g["file"] and (src["start_line"] or 0) <= int(g["line"]) <= (src["end_line"] or 0):
                    return rank
    return None


def metrics(ranks: list[int | None]) -> dict:
    """Recall@1, Recall@5, MRR@10 over the ranks (None = not found)."""
    n = len(ranks) or 1
    return {
        "R@1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "R@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "MRR@10": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
        "n": len(ranks),
    }


class Baseline:
    """rank_bm25 BM25Okapi over default-jieba tokens of raw clause text."""

    def __init__(self, records: list[dict]) -> None:
        import jieba
        from rank_bm25 import BM25Okapi

        jieba.setLogLevel(logging.WARNING)
        self.records = records
        self.bm25 = BM25Okapi([jieba.lcut(r["text"]) or [""] for r in records])
        self._cut = jieba.lcut

    def search(self, query: str, top: int = 10) -> list[dict]:
        """Top records for ``query`` (positive scores only)."""
        scores = self.bm25.get_scores(self._cut(query))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:top]
        return [self.records[i] for i in order if scores[i] > 0]


def _semantic_scorer(url: str, session):
    """``((scorer, build seconds), None)`` from ``huiqi.search.semantic``
    (``build_or_load(index_dir(url), clauses)``), or ``(None, reason)``."""
    try:
        from huiqi.search import semantic
    except ImportError as exc:
        return None, f"huiqi.search.semantic not importable ({exc})"
    from huiqi.kb.queries import list_policies

    try:
        t0 = time.perf_counter()
        scorer = semantic.build_or_load(semantic.index_dir(url), list_policies(session))
        return (scorer, time.perf_counter() - t0), None
    except Exception as exc:  # report, keep the keyword numbers
        return None, f"semantic index failed: {type(exc).__name__}: {exc}"


def answer_metrics(questions: list[dict], engine) -> dict:
    """Score :func:`huiqi.search.answer.answer`: for answerable questions the
    fraction that are found and whose answer contains every ``expect`` string
    (whitespace removed on both sides); for unanswerable ones the fraction
    with ``found=False``."""
    import re

    from huiqi.search.answer import answer

    def norm(t: str) -> str:
        return re.sub(r"\s+", "", t)

    ok = rejected = n_a = n_u = 0
    failures = []
    for q in questions:
        a = answer(q["q"], engine=engine)
        if q.get("answerable", True):
            n_a += 1
            good = a["found"] and all(norm(str(e)) in norm(a["answer"]) for e in q.get("expect") or [])
            ok += good
        else:
            n_u += 1
            good = not a["found"]
            rejected += good
        if not good:
            failures.append(q.get("id"))
    return {
        "answerable": n_a,
        "expect_complete": ok / (n_a or 1),
        "unanswerable": n_u,
        "unanswerable_rejected": rejected / (n_u or 1),
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="existing database (default: ingest the corpus into a temp db)")
    ap.add_argument("--questions", type=Path, nargs="+", default=DEFAULT_QUESTIONS,
                    help="question set YAML files (each scored separately)")
    ap.add_argument("--repeats", type=int, default=20, help="latency passes over the questions")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--semantic-weights", type=float, nargs="+", default=[1.0, 0.3, 0.1],
                    help="semantic weights of the hybrid to compare")
    ap.add_argument("--no-semantic", action="store_true", help="skip the semantic index (fast)")
    ap.add_argument("--misses", action="store_true", help="list misses at 5 and answer failures")
    ap.add_argument("--answers", action="store_true",
                    help="also score huiqi ask answers (expect strings; found=false when unanswerable)")
    args = ap.parse_args(argv)

    from huiqi.config import corpus_files, to_url
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.kb.ingest import ingest_paths
    from huiqi.search.engine import SearchEngine
    from huiqi.search.index import build_from_session, index_dir

    tmp = None
    if args.db:
        url = to_url(args.db)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="huiqi-bench-")
        url = to_url(Path(tmp.name) / "bench.db")
    engine = get_engine(url)
    upgrade(engine)
    if not args.db:
        t0 = time.perf_counter()
        ingest_paths(engine, corpus_files())
        ingest_s = time.perf_counter() - t0
    else:
        ingest_s = None

    sets = {Path(p).name: load_questions(Path(p)) for p in args.questions}

    with session_scope(engine) as s:
        t0 = time.perf_counter()
        kw_index = build_from_session(s)
        kw_build = time.perf_counter() - t0
        kw_index.save(index_dir(url))
        sem, sem_note = (None, "semantic index skipped (--no-semantic)") if args.no_semantic else _semantic_scorer(url, s)
    sem_scorer, sem_build = (sem if sem else (None, None))

    systems: dict[str, callable] = {}
    base = Baseline(kw_index.records)
    systems["baseline (rank_bm25 + jieba)"] = lambda q: base.search(q, 10)
    kw_engine = SearchEngine(kw_index)
    systems["keyword (BM25 + dict + synonyms)"] = lambda q: kw_engine.search(q, top=10, mode="keyword")
    main_engine = kw_engine
    if sem_scorer is not None:
        hy_engine = SearchEngine(kw_index, semantic=sem_scorer)
        systems["semantic"] = lambda q: hy_engine.search(q, top=10, mode="semantic")
        for w in args.semantic_weights:
            eng = SearchEngine(kw_index, semantic=sem_scorer, semantic_weight=w)
            systems[f"hybrid (RRF k=60, semantic weight {w:g})"] = (
                lambda q, eng=eng: eng.search(q, top=10, mode="hybrid"))
        main_engine = hy_engine

    results = {}
    for set_name, questions in sets.items():
        scored = [q for q in questions if q.get("answerable", True) and q.get("gold")]
        table = {}
        misses: dict[str, list] = {}
        for name, fn in systems.items():
            ranks = []
            for q in scored:
                rank = first_hit(fn(q["q"]), q["gold"])
                ranks.append(rank)
                if rank is None or rank > 5:
                    misses.setdefault(name, []).append((q.get("id"), q["q"], rank))
            table[name] = metrics(ranks)
        results[set_name] = {
            "questions": len(questions),
            "scored": len(scored),
            "paraphrased_or_situational": sum(1 for q in questions if q.get("style") in ("paraphrase", "situational")),
            "metrics": table,
            "misses": misses,
            "answers": answer_metrics(questions, kw_engine) if args.answers else None,
        }

    # latency of the default search path (hybrid when available)
    all_q = [q["q"] for qs in sets.values() for q in qs]
    lat: list[float] = []
    for _ in range(args.repeats):
        for q in all_q:
            t0 = time.perf_counter()
            main_engine.search(q, top=10)
            lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    latency = {
        "engine": "hybrid" if main_engine is not kw_engine else "keyword",
        "queries": len(lat),
        "p50_ms": statistics.median(lat) if lat else None,
        "p95_ms": lat[int(0.95 * (len(lat) - 1))] if lat else None,
    }
    out = {
        "sets": {k: {kk: vv for kk, vv in v.items() if kk != "misses"} for k, v in results.items()},
        "latency": latency,
        "build_seconds": {"ingest": ingest_s, "keyword_index": kw_build, "semantic_index": sem_build},
        "notes": [n for n in (sem_note,) if n],
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for set_name, r in results.items():
            print(f"\n== {set_name}: {r['questions']} questions ({r['scored']} scored, "
                  f"{r['paraphrased_or_situational']} paraphrased/situational)")
            print(f"{'system':42s} {'R@1':>6s} {'R@5':>6s} {'MRR@10':>7s}")
            for name, m in r["metrics"].items():
                print(f"{name:42s} {m['R@1']:6.3f} {m['R@5']:6.3f} {m['MRR@10']:7.3f}")
            a = r["answers"]
            if a is not None:
                print(f"answers: expect-complete {a['expect_complete']:.3f} ({a['answerable']} answerable)"
                      + (f", unanswerable found=false {a['unanswerable_rejected']:.3f} ({a['unanswerable']})"
                         if a["unanswerable"] else ""))
                if args.misses and a["failures"]:
                    print("  answer failures: " + " ".join(str(x) for x in a["failures"]))
            if args.misses:
                for name, rows in r["misses"].items():
                    print(f"  -- misses@5: {name}")
                    for qid, q, rank in rows:
                        print(f"     {qid}: {q} (rank {rank})")
        print(f"\nlatency ({latency['engine']}, {latency['queries']} searches): "
              f"p50 {latency['p50_ms']:.2f} ms, p95 {latency['p95_ms']:.2f} ms")
        b = out["build_seconds"]
        print("build: " + ", ".join(f"{k} {v:.2f} s" for k, v in b.items() if v is not None))
        for n in out["notes"]:
            print("note:", n)
    if tmp is not None:
        engine.dispose()
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
