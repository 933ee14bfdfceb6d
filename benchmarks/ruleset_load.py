"""Rule-set load time (rules-as-data issue): how long a fresh process takes to
get the calculator's rules from the knowledge base, at 1× and 10× the
bundled corpus.

For each size the benchmark builds a temporary SQLite knowledge base through
the one ingest path (:func:`huiqi.services.ingest.ingest_and_refresh`:
ingest, store extracted rules, import the bundled reviewed rules), then, in
fresh processes:

* ``load_ruleset`` — seconds to compile the stored rules (no extraction);
* ``huiqi match`` on ``data/examples/小店画像示例.yaml`` — wall seconds of
  the whole command from a cold process (interpreter start included).

The 10× corpus is made here: ten copies of every bundled file whose title
line and figures are altered (so texts and clause keys differ).

Usage: ``python benchmarks/ruleset_load.py [--sizes 1 10] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "examples" / "小店画像示例.yaml"


def make_corpus(directory: Path, copies: int) -> list[Path]:
    """``copies`` altered copies of every bundled corpus file in ``directory``
    (copy 0 is the original). Returns the files."""
    from huiqi.config import corpus_files

    out = []
    for k in range(copies):
        for src in corpus_files():
            text = src.read_text(encoding="utf-8")
            if k:
                lines = text.split("\n")
                for i, line in enumerate(lines):
                    if line.strip():
                        lines[i] = f"{line.rstrip()}（第{k + 1}批）"
                        break
                text = "\n".join(lines)
                # alter figures so texts differ beyond the title
                text = re.sub(r"(\d+)(万元)", lambda m: f"{int(m.group(1)) + k}{m.group(2)}", text)
            dst = directory / f"{src.stem}_{k:02d}{src.suffix}"
            dst.write_text(text, encoding="utf-8")
            out.append(dst)
    return out


def build(db: Path, files: list[Path]) -> float:
    """Ingest ``files`` with the bundled reviewed rules; returns seconds."""
    from huiqi.config import rules_dir
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_and_refresh

    engine = get_engine(f"sqlite:///{db}")
    upgrade(engine)
    t0 = time.perf_counter()
    report = ingest_and_refresh(engine, files, rules_dir=rules_dir(), refresh_index=False)
    assert report.ok, [f.error for f in report.ingest.failed]
    engine.dispose()
    return time.perf_counter() - t0


_LOAD = """
import time, sys
t0 = time.perf_counter()
from huiqi.calc.engine import load_ruleset
rs = load_ruleset(sys.argv[1])
print(time.perf_counter() - t0, len(rs.entries), rs.n_reviewed)
"""


def cold_load(db: Path) -> tuple[float, int, int]:
    """(seconds, entries, reviewed entries) of ``load_ruleset`` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _LOAD, f"sqlite:///{db}"], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def cold_match(db: Path) -> float:
    """Wall seconds of ``huiqi match`` (JSON) in a fresh process."""
    huiqi = Path(sys.executable).with_name("huiqi")
    t0 = time.perf_counter()
    subprocess.run([str(huiqi), "match", str(EXAMPLE), "--as-of", "2024-06-01", "--json", "--db", str(db)],
                   check=True, capture_output=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    """Print one row per corpus size."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    print("| corpus | clauses with rules | reviewed | ingest + rules (s) | load_ruleset, cold (s, median) "
          "| huiqi match, cold wall (s, median) |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="huiqi-rules-bench-") as tmp:
            tmp = Path(tmp)
            (tmp / "corpus").mkdir()
            files = make_corpus(tmp / "corpus", size)
            db = tmp / "kb.db"
            t_build = build(db, files)
            cold_match(db)  # first process after ingest warms the OS file cache
            loads = [cold_load(db) for _ in range(args.repeats)]
            matches = [cold_match(db) for _ in range(args.repeats)]
            print(f"| {size}× | {loads[0][1]} | {loads[0][2]} | {t_build:.1f} "
                  f"| {statistics.median(x[0] for x in loads):.2f} | {statistics.median(matches):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
