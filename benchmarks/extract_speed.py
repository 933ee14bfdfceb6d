"""Speed benchmark of fact extraction (要素抽取) on the bundled corpus.

Usage::

    python benchmarks/extract_speed.py [--corpus DIR] [--repeat 3] [--json]

Measures, on the real text of every ``.txt`` file of ``data/corpus`` (or
``--corpus``), the best of ``--repeat`` runs of:

(a) clause facts — :func:`huiqi.extract.extract_clause_facts` over every
    clause of every parsed document (``huiqi.structure.parse_source``), as
    ingest runs it; target ≤ 2 s per 1,500 clauses;
(b) numbers — amounts, rates and thresholds
    (``huiqi.extract.money`` / ``thresholds``) over every sentence of the
    corpus; target ≤ 3 s;
(c) validity — :func:`huiqi.extract.dates.extract_validity` over ~15,000
    paragraphs (the corpus lines plus pairwise joins, as wrapped sentences
    come out of PDFs); target ≤ 1 s;
(d) responsible units — :func:`huiqi.extract.units.extract_responsible_units`
    over every numbered item (``1.`` …) of the corpus, lines joined;
    target ≤ 0.2 s per 100 items;
(e) for reference, jionlp's ``ner.extract_time`` on 40 paragraphs holding
    年: the per-paragraph cost shows why validity has its own parser
    (15,000 paragraphs × that cost is far above target (c)).

These targets were timed assertions in the tests before; timings belong
here, where a slow or busy machine shows as a number, not a failed test.
Prints a table; ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def corpus_texts(corpus: Path) -> list[tuple[Path, str]]:
    """(path, text) of every ``.txt`` file of ``corpus``, sorted by name."""
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))]


def best_of(repeat: int, fn) -> tuple[float, object]:
    """(best wall time in seconds, last result) of ``repeat`` calls of ``fn``."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def numbered_items(text: str) -> list[str]:
    """Numbered items (a line opening with ``1.`` …) with their continuation
    lines joined, up to the next numbered item or heading."""
    out: list[str] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if re.match(r"^\d+\.(?!\d)", line):
            if current:
                out.append("".join(current))
            current = [line]
        elif re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])", line):
            if current:
                out.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current:
        out.append("".join(current))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from huiqi.extract import extract_clause_facts
    from huiqi.extract.dates import extract_validity
    from huiqi.extract.money import extract_amounts, extract_rates
    from huiqi.extract.numbers import to_halfwidth
    from huiqi.extract.thresholds import extract_thresholds
    from huiqi.extract.units import extract_responsible_units
    from huiqi.readers import read_source
    from huiqi.structure import parse_source

    files = corpus_texts(args.corpus)
    if not files:
        raise SystemExit(f"{args.corpus}: 没有 .txt 文件")
    rows = []

    clauses = [node for p, _t in files for doc in parse_source(read_source(p)) for _path, node in doc.clauses()]
    t, _ = best_of(args.repeat, lambda: [extract_clause_facts(n) for n in clauses])
    rows.append(("(a) clause facts", len(clauses), "clauses", t, 2.0 * len(clauses) / 1500))

    text = "".join(t for _p, t in files)
    # spaces next to digits removed, as the normalize stage does
    chunks = [re.sub(r"(?<=\d)\s+|\s+(?=\d)", "", c) for c in re.split(r"[。\n]+", text) if c.strip()]

    def numbers():
        for c in chunks:
            extract_amounts(c)
            extract_rates(c)
            extract_thresholds(c)

    t, _ = best_of(args.repeat, numbers)
    rows.append(("(b) amounts, rates, thresholds", len(chunks), "sentences", t, 3.0))

    lines = [to_halfwidth(x).strip() for _p, tx in files for x in tx.split("\n") if x.strip()]
    paras = lines + [a + b for a, b in zip(lines, lines[1:])][: max(0, 15000 - len(lines))]
    extract_validity("自2021年1月1日至2025年12月31日，")  # compile the patterns first
    t, _ = best_of(args.repeat, lambda: [extract_validity(p) for p in paras])
    rows.append(("(c) validity", len(paras), "paragraphs", t, 1.0))

    items = [it for _p, tx in files for it in numbered_items(tx)]
    t, _ = best_of(args.repeat, lambda: [extract_responsible_units(it) for it in items])
    rows.append(("(d) responsible units", len(items), "items", t, 0.2 * len(items) / 100))

    from huiqi.extract.dates import _jionlp

    import logging

    jio = _jionlp()
    sample = [p for p in lines if "年" in p][:40]
    logging.disable(logging.CRITICAL)  # jionlp logs a traceback for every phrase it cannot read
    try:
        t, _ = best_of(1, lambda: [jio.ner.extract_time(p, time_base=0) for p in sample])
    finally:
        logging.disable(logging.NOTSET)
    per = t / max(len(sample), 1)
    rows.append(("(e) jionlp extract_time (reference)", len(sample), "paragraphs", t, None))

    if args.json:
        print(json.dumps([{"step": s, "n": n, "unit": u, "seconds": round(t, 4),
                           "target_seconds": None if tg is None else round(tg, 3)} for s, n, u, t, tg in rows],
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{'step':<38}{'n':>8}  {'unit':<11}{'seconds':>9}{'target':>9}  ok")
    for s, n, u, t, tg in rows:
        ok = "" if tg is None else ("yes" if t <= tg else "NO")
        print(f"{s:<38}{n:>8}  {u:<11}{t:>9.3f}{'' if tg is None else f'{tg:9.2f}':>9}  {ok}")
    print(f"jionlp extract_time: {per * 1000:.1f} ms per paragraph → {per * 15000:.0f} s for 15,000 paragraphs "
          f"(target (c): 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
