#!/usr/bin/env python
"""Parser benchmark: run the huiqi CLI on the bundled corpus and score it against gold files.

Usage (from anywhere; the CLI runs from the repository root)::

    python benchmarks/parser_bench.py [--db URL] [--skip-ingest] [--json] [--details]
                                      [--gold-dir DIR]

Steps:

1. Unless ``--db`` is given, create a temporary SQLite database
   (``sqlite:///<tmpdir>/bench.db``).
2. Unless ``--skip-ingest``, run ``[sys.executable, "-m", "huiqi", "ingest", "--db", url]``
   (no path = the bundled corpus ``data/corpus/``) and time its wall clock.
3. Run ``huiqi docs --json --db url`` and ``huiqi policies --json --db url`` and parse
   their JSON (contract: /tmp/gold.md, "Gold files and benchmark: shared conventions").
4. Score against ``benchmarks/gold/*.yaml`` and print a table of figures with targets
   and PASS/FAIL (``--json``: the same figures as JSON; ``--details``: every mismatch as
   (file, line, expected, got)).

Figures and targets:

* ``ingest_seconds`` ≤ 10 s.
* Clause count per file (``clauses`` in structure.yaml, exact), kind=guide count
  (``guides``, exact), kind=document-with-body count (``documents`` exact or
  ``documents_min``), kind=stub count (``stubs``, exact).
* Document boundary recall per file: the fraction of gold ``doc_starts`` for which some
  parser document of the same file starts within ±3 original lines (target ≥ 0.95, a
  benchmark default); kind agreement of those matches is reported for information.
* Responsible units (责任单位): precision/recall/F1 over (clause, unit) pairs of the gold
  clauses (target F1 ≥ 0.97).
* Contacts (咨询电话) on the guides: P/R/F1 over (org, phone) pairs (target F1 ≥ 0.95);
  phone-only F1 for information.
* Money amounts (金额): P/R/F1 over per-clause multisets of ``value_yuan`` (floats equal
  within relative tolerance 1e-6; target F1 ≥ 0.90), role agreement of the matched
  values, and the number of gold clauses the parser has a clause for.

Clause matching (from the shared conventions): a gold clause keyed by ``file`` and
``line`` matches the parser clause with ``source.file == file`` (compared by base name)
and ``start_line <= line <= end_line``; if several, the one with the smallest range.

``contacts.yaml`` and ``amounts.yaml`` are optional: when missing, their figures are
skipped with a note. Exit code: 0, unless a CLI command failed or printed invalid
JSON (then 2). Dependencies: stdlib + PyYAML.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD_DIR = REPO_ROOT / "benchmarks" / "gold"

INGEST_SECONDS_TARGET = 10.0
BOUNDARY_TOLERANCE_LINES = 3
BOUNDARY_RECALL_TARGET = 0.95
UNITS_F1_TARGET = 0.97
CONTACTS_F1_TARGET = 0.95
AMOUNTS_F1_TARGET = 0.90
AMOUNT_REL_TOL = 1e-6
CLI_TIMEOUT_SECONDS = 900


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """One benchmark figure (a row of the output table).

    ``value`` is a number, a string like ``"231/256"`` or ``None`` (skipped);
    ``target`` is a human-readable target (``"≤ 10"``, ``"= 110"``, ``""`` for
    information-only rows); ``status`` is ``PASS``, ``FAIL``, ``INFO`` or ``SKIP``.
    """

    name: str
    value: Any
    target: str = ""
    status: str = "INFO"
    note: str = ""


@dataclass
class Mismatch:
    """One mismatch for ``--details``: where (``file``, ``line``), what was expected, what came out."""

    metric: str
    file: str
    line: int | None
    expected: Any
    got: Any


@dataclass
class Report:
    """Accumulated figures, mismatches and notes of one benchmark run."""

    figures: list[Figure] = field(default_factory=list)
    details: list[Mismatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: "Report") -> None:
        """Append another report's figures, details and notes to this one."""
        self.figures.extend(other.figures)
        self.details.extend(other.details)
        self.notes.extend(other.notes)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts.

    ``tp`` true positives, ``n_pred`` predicted items, ``n_gold`` gold items. An empty
    denominator gives 1.0 when the other side is empty too (nothing to find, nothing
    found) and 0.0 otherwise.
    """
    if n_pred:
        p = tp / n_pred
    else:
        p = 1.0 if n_gold == 0 else 0.0
    if n_gold:
        r = tp / n_gold
    else:
        r = 1.0 if n_pred == 0 else 0.0
    f1 = 2 * p * r / (p + r) if (p + r) else 0.0
    return p, r, f1


def _status(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --------------------------------------------------------------------------- matching


def file_key(name: str | None) -> str:
    """Base name of a source file path (gold files are keyed by corpus file name)."""
    return os.path.basename(str(name or "")).strip()


def _source(item: dict) -> dict:
    src = item.get("source") or {}
    return src if isinstance(src, dict) else {}


def clause_index(clauses: Iterable[dict]) -> dict[str, list[dict]]:
    """Group parser clauses (``policies --json`` items) by source file base name.

    Returns ``{file_name: [clause, ...]}``; clauses without ``source.start_line`` /
    ``end_line`` are dropped.
    """
    out: dict[str, list[dict]] = defaultdict(list)
    for c in clauses:
        src = _source(c)
        if src.get("start_line") is None or src.get("end_line") is None:
            continue
        out[file_key(src.get("file"))].append(c)
    return out


def match_clause(index: dict[str, list[dict]], file: str, line: int) -> dict | None:
    """The parser clause containing original line ``line`` of ``file``, or ``None``.

    Rule (shared gold conventions): ``source.file == file`` and
    ``start_line <= line <= end_line``; among several, the smallest range
    (``end_line - start_line``), then the latest start.
    """
    best = None
    best_key = None
    for c in index.get(file_key(file), ()):
        src = _source(c)
        s, e = int(src["start_line"]), int(src["end_line"])
        if s <= line <= e:
            key = (e - s, -s)
            if best_key is None or key < best_key:
                best, best_key = c, key
    return best


def _clause_id(c: dict | None) -> Any:
    if c is None:
        return None
    if c.get("id") is not None:
        return c["id"]
    src = _source(c)
    return (file_key(src.get("file")), src.get("start_line"), src.get("end_line"))


def _shared_matches(index: dict, gold_items: list[dict]) -> int:
    """Number of gold clauses whose parser clause is also matched by another gold clause."""
    owners: dict[Any, int] = Counter()
    for g in gold_items:
        c = match_clause(index, g["file"], int(g["line"]))
        if c is not None:
            owners[_clause_id(c)] += 1
    return sum(n for n in owners.values() if n > 1)


# --------------------------------------------------------------------------- structure


def score_structure(gold: dict, docs: list[dict], clauses: list[dict],
                    tolerance: int = BOUNDARY_TOLERANCE_LINES) -> Report:
    """Score document structure against ``structure.yaml``.

    ``gold`` is the parsed YAML (``{"files": [...]}``), ``docs`` the ``docs --json``
    array and ``clauses`` the ``policies --json`` array. Per gold file: clause count
    (clauses whose ``source.file`` is that file), counts of kind=guide docs, kind=document
    docs with ``has_body``, kind=stub docs, and boundary recall (a gold start is found
    when a parser document of that file, of any kind, has ``source.start_line`` within
    ``tolerance`` lines). Returns a :class:`Report`.
    """
    rep = Report()
    docs_by_file: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        docs_by_file[file_key(_source(d).get("file") or d.get("source_file"))].append(d)
    clause_counts = Counter(file_key(_source(c).get("file")) for c in clauses)

    for fg in gold.get("files", []):
        fname = file_key(fg["file"])
        short = fname.split("_")[0]
        fdocs = docs_by_file.get(fname, [])
        kinds = Counter(d.get("kind") for d in fdocs)
        n_docs_body = sum(1 for d in fdocs if d.get("kind") == "document" and d.get("has_body", True))

        if "clauses" in fg:
            got = clause_counts.get(fname, 0)
            rep.figures.append(Figure(f"{short} clauses", got, f"= {fg['clauses']}",
                                      _status(got == fg["clauses"])))
        if "guides" in fg:
            got = kinds.get("guide", 0)
            rep.figures.append(Figure(f"{short} guides", got, f"= {fg['guides']}",
                                      _status(got == fg["guides"])))
        if "documents" in fg:
            got = n_docs_body
            rep.figures.append(Figure(f"{short} documents", got, f"= {fg['documents']}",
                                      _status(got == fg["documents"])))
        if "documents_min" in fg:
            got = n_docs_body
            rep.figures.append(Figure(f"{short} documents", got, f"≥ {fg['documents_min']}",
                                      _status(got >= fg["documents_min"])))
        if "stubs" in fg:
            got = kinds.get("stub", 0)
            note = ""
            if "stubs_distinct_titles" in fg:
                titles = {(d.get("title") or "").strip() for d in fdocs if d.get("kind") == "stub"}
                note = f"distinct stub titles {len(titles)} (gold {fg['stubs_distinct_titles']})"
            rep.figures.append(Figure(f"{short} stubs", got, f"= {fg['stubs']}",
                                      _status(got == fg["stubs"]), note))

        starts = fg.get("doc_starts") or []
        if starts:
            found = kind_ok = 0
            parser_starts = sorted(
                (int(_source(d)["start_line"]), d) for d in fdocs
                if _source(d).get("start_line") is not None
            )
            for gs in starts:
                gl = int(gs["line"])
                near = [(abs(pl - gl), pl, d) for pl, d in parser_starts if abs(pl - gl) <= tolerance]
                if near:
                    found += 1
                    _, pl, d = min(near, key=lambda t: t[:2])
                    if d.get("kind") == gs.get("kind"):
                        kind_ok += 1
                    else:
                        rep.details.append(Mismatch("doc kind", fname, gl,
                                                    f"{gs.get('kind')} {gs.get('title', '')}",
                                                    f"{d.get('kind')} {d.get('title', '')} @ {pl}"))
                else:
                    nearest = min(parser_starts, key=lambda t: abs(t[0] - gl))[0] if parser_starts else None
                    rep.details.append(Mismatch("doc boundary", fname, gl,
                                                f"{gs.get('kind')} {gs.get('title', '')}",
                                                f"nearest parser doc start: {nearest}"))
            recall = found / len(starts)
            rep.figures.append(Figure(f"{short} boundary recall (±{tolerance})", round(recall, 4),
                                      f"≥ {BOUNDARY_RECALL_TARGET}",
                                      _status(recall >= BOUNDARY_RECALL_TARGET),
                                      f"{found}/{len(starts)}; kind agrees {kind_ok}/{found}"))
    return rep


# --------------------------------------------------------------------------- units


def score_units(gold: dict, clauses: list[dict]) -> Report:
    """Score responsible units (责任单位) against ``units.yaml``.

    Pairs are (gold clause, unit name); each gold clause's predicted units are the
    ``responsible_units`` of its matched parser clause (empty when unmatched), compared
    as sets by exact string. Only gold clauses are scored. Returns P/R/F1 figures (target
    F1 ≥ 0.97) plus counts of unmatched gold clauses and of gold clauses that share a
    parser clause with another gold clause (a sign of merged items).
    """
    rep = Report()
    items = gold.get("clauses") or []
    index = clause_index(clauses)
    tp = n_pred = n_gold = 0
    unmatched = exact = 0
    for g in items:
        line = int(g["line"])
        gset = set(g.get("units") or [])
        c = match_clause(index, g["file"], line)
        if c is None:
            unmatched += 1
            pset: set[str] = set()
        else:
            pset = set(c.get("responsible_units") or [])
        tp += len(gset & pset)
        n_pred += len(pset)
        n_gold += len(gset)
        if gset == pset and c is not None:
            exact += 1
        elif gset != pset or c is None:
            rep.details.append(Mismatch("units", file_key(g["file"]), line,
                                        sorted(gset),
                                        "NO CLAUSE" if c is None else sorted(pset)))
    p, r, f1 = prf(tp, n_pred, n_gold)
    rep.figures.append(Figure("units precision", round(p, 4)))
    rep.figures.append(Figure("units recall", round(r, 4)))
    rep.figures.append(Figure("units F1", round(f1, 4), f"≥ {UNITS_F1_TARGET}",
                              _status(f1 >= UNITS_F1_TARGET),
                              f"{len(items)} gold clauses, {n_gold} pairs"))
    rep.figures.append(Figure("units clauses exact", f"{exact}/{len(items)}",
                              note=f"unmatched {unmatched}; sharing a parser clause "
                                   f"{_shared_matches(index, items)}"))
    return rep


# --------------------------------------------------------------------------- contacts


def norm_org(org: str | None) -> str:
    """Organisation name for comparison: whitespace and punctuation (Unicode P*) removed."""
    return "".join(ch for ch in (org or "")
                   if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _multiset_tp(gold: list, pred: list) -> int:
    return sum((Counter(gold) & Counter(pred)).values())


def score_contacts(gold: dict, clauses: list[dict]) -> Report:
    """Score guide contacts (咨询电话) against ``contacts.yaml``.

    For each gold guide, the matched parser clause's ``contacts`` ``[{org, phone}]``
    are compared with the gold list as multisets of ``(norm_org(org), phone)`` pairs
    (phones compared exactly, as stripped strings) and, separately, as multisets of
    phones. Returns pair P/R/F1 (target F1 ≥ 0.95) and phone-only F1.
    """
    rep = Report()
    guides = gold.get("guides") or []
    index = clause_index(clauses)
    tp = n_pred = n_gold = 0
    ptp = 0
    unmatched = 0
    for g in guides:
        line = int(g["line"])
        gpairs = [(norm_org(x.get("org")), str(x.get("phone", "")).strip()) for x in g.get("contacts") or []]
        c = match_clause(index, g["file"], line)
        if c is None:
            unmatched += 1
            ppairs: list[tuple[str, str]] = []
        else:
            ppairs = [(norm_org(x.get("org")), str(x.get("phone", "")).strip())
                      for x in c.get("contacts") or []]
        t = _multiset_tp(gpairs, ppairs)
        tp += t
        n_pred += len(ppairs)
        n_gold += len(gpairs)
        ptp += _multiset_tp([p for _, p in gpairs], [p for _, p in ppairs])
        if t != len(gpairs) or t != len(ppairs):
            rep.details.append(Mismatch("contacts", file_key(g["file"]), line,
                                        sorted(Counter(gpairs) - Counter(ppairs)),
                                        "NO CLAUSE" if c is None else sorted(Counter(ppairs) - Counter(gpairs))))
    p, r, f1 = prf(tp, n_pred, n_gold)
    _, _, pf1 = prf(ptp, n_pred, n_gold)
    rep.figures.append(Figure("contacts precision", round(p, 4)))
    rep.figures.append(Figure("contacts recall", round(r, 4)))
    rep.figures.append(Figure("contacts F1 (org, phone)", round(f1, 4), f"≥ {CONTACTS_F1_TARGET}",
                              _status(f1 >= CONTACTS_F1_TARGET),
                              f"{len(guides)} guides, {n_gold} pairs, unmatched guides {unmatched}"))
    rep.figures.append(Figure("contacts F1 (phone only)", round(pf1, 4)))
    return rep


# --------------------------------------------------------------------------- amounts


def _close(a: float, b: float, rel_tol: float) -> bool:
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=0.0) or a == b


def match_amounts(gold: list[dict], pred: list[dict], rel_tol: float = AMOUNT_REL_TOL
                  ) -> tuple[int, int, list[float], list[float]]:
    """Match two multisets of amounts by ``value_yuan`` (relative tolerance ``rel_tol``).

    ``gold``/``pred`` are lists of ``{"value_yuan": float, "role": str}``; predicted
    amounts whose ``value_yuan`` is ``None`` are ignored. Each gold value takes at most
    one predicted value, preferring one with the same role. Returns
    ``(matched, role_agreements, unmatched_gold_values, unmatched_pred_values)``.
    """
    pool = [(float(p["value_yuan"]), p.get("role")) for p in pred if p.get("value_yuan") is not None]
    used = [False] * len(pool)
    matched = roles = 0
    missing: list[float] = []
    for g in gold:
        gv, gr = float(g["value_yuan"]), g.get("role")
        cands = [i for i, (pv, _) in enumerate(pool) if not used[i] and _close(gv, pv, rel_tol)]
        if not cands:
            missing.append(gv)
            continue
        same = [i for i in cands if pool[i][1] == gr]
        i = (same or cands)[0]
        used[i] = True
        matched += 1
        roles += pool[i][1] == gr
    extra = [pool[i][0] for i in range(len(pool)) if not used[i]]
    return matched, roles, missing, extra


def score_amounts(gold: dict, clauses: list[dict], rel_tol: float = AMOUNT_REL_TOL) -> Report:
    """Score money amounts (金额, yuan) against ``amounts.yaml``.

    Per gold clause, the matched parser clause's ``amounts`` are compared with the gold
    list as multisets of ``value_yuan`` (see :func:`match_amounts`). Returns P/R/F1
    (target F1 ≥ 0.90), role agreement among matched values, and how many gold clauses
    have a parser clause.
    """
    rep = Report()
    items = gold.get("clauses") or []
    index = clause_index(clauses)
    tp = n_pred = n_gold = roles = 0
    found = 0
    for g in items:
        line = int(g["line"])
        gam = g.get("amounts") or []
        c = match_clause(index, g["file"], line)
        pam = [] if c is None else [a for a in (c.get("amounts") or []) if a.get("value_yuan") is not None]
        if c is not None:
            found += 1
        m, ro, missing, extra = match_amounts(gam, pam, rel_tol)
        tp += m
        roles += ro
        n_pred += len(pam)
        n_gold += len(gam)
        if missing or extra or c is None:
            rep.details.append(Mismatch("amounts", file_key(g["file"]), line,
                                        {"missing": missing} if c is not None else sorted(float(a["value_yuan"]) for a in gam),
                                        "NO CLAUSE" if c is None else {"extra": extra}))
    p, r, f1 = prf(tp, n_pred, n_gold)
    rep.figures.append(Figure("amounts precision", round(p, 4)))
    rep.figures.append(Figure("amounts recall", round(r, 4)))
    rep.figures.append(Figure("amounts F1 (value_yuan)", round(f1, 4), f"≥ {AMOUNTS_F1_TARGET}",
                              _status(f1 >= AMOUNTS_F1_TARGET), f"{n_gold} gold amounts"))
    rep.figures.append(Figure("amounts role agreement", round(roles / tp, 4) if tp else None,
                              note=f"{roles}/{tp} matched values"))
    rep.figures.append(Figure("amounts gold clauses matched", f"{found}/{len(items)}"))
    return rep


# --------------------------------------------------------------------------- driver


def load_gold(gold_dir: Path) -> dict[str, dict | None]:
    """Load ``structure``, ``units``, ``contacts`` and ``amounts`` YAML from ``gold_dir``.

    Returns ``{name: parsed_yaml or None}`` (``None`` when the file does not exist).
    Raises ``yaml.YAMLError`` on a malformed file.
    """
    out: dict[str, dict | None] = {}
    for name in ("structure", "units", "contacts", "amounts"):
        p = gold_dir / f"{name}.yaml"
        out[name] = yaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else None
    return out


def score_all(gold: dict[str, dict | None], docs: list[dict], clauses: list[dict]) -> Report:
    """Run every scorer whose gold file is present; missing ones become SKIP rows with a note."""
    rep = Report()
    scorers = {
        "structure": lambda g: score_structure(g, docs, clauses),
        "units": lambda g: score_units(g, clauses),
        "contacts": lambda g: score_contacts(g, clauses),
        "amounts": lambda g: score_amounts(g, clauses),
    }
    for name, fn in scorers.items():
        g = gold.get(name)
        if g is None:
            rep.figures.append(Figure(f"{name} (gold missing)", None, status="SKIP"))
            rep.notes.append(f"benchmarks/gold/{name}.yaml not found: {name} metrics skipped")
            continue
        rep.extend(fn(g))
    return rep


class CliError(RuntimeError):
    """A huiqi CLI command failed (non-zero exit) or printed invalid JSON."""


def run_cli(args: list[str], timeout: float = CLI_TIMEOUT_SECONDS) -> tuple[str, float]:
    """Run ``python -m huiqi <args>`` from the repo root; return (stdout, wall seconds).

    Raises :class:`CliError` on a non-zero exit code or a timeout.
    """
    cmd = [sys.executable, "-m", "huiqi", *args]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True,
                              encoding="utf-8", timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise CliError(f"{' '.join(cmd[2:])}: timed out after {timeout} s") from exc
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
        raise CliError(f"{' '.join(cmd[2:])}: exit code {proc.returncode}: " + " | ".join(tail))
    return proc.stdout, dt


def run_json(args: list[str]) -> list[dict]:
    """Run a ``--json`` CLI command and parse its stdout as a JSON array (raises CliError)."""
    out, _ = run_cli(args)
    try:
        data = json.loads(out)
    except json.JSONDecodeError as exc:
        raise CliError(f"{' '.join(args)}: invalid JSON on stdout: {exc}") from exc
    if not isinstance(data, list):
        raise CliError(f"{' '.join(args)}: expected a JSON array, got {type(data).__name__}")
    return data


def render_table(figures: list[Figure]) -> str:
    """Plain-text table: figure, value, target, status, note."""
    rows = [("figure", "value", "target", "status", "note")]
    for f in figures:
        v = "-" if f.value is None else str(f.value)
        rows.append((f.name, v, f.target, f.status, f.note))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[i] + " " * (widths[i] - _width(r[i])) for i in range(4)]
        lines.append("  ".join(cells + [r[4]]).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0, or 2 when the CLI failed)."""
    ap = argparse.ArgumentParser(description="Benchmark the huiqi parser against gold files.")
    ap.add_argument("--db", help="SQLAlchemy URL (default: a temporary SQLite file)")
    ap.add_argument("--skip-ingest", action="store_true", help="do not run ingest; score the db as is")
    ap.add_argument("--json", action="store_true", help="print figures (and details) as JSON")
    ap.add_argument("--details", action="store_true", help="list each mismatch (file, line, expected, got)")
    ap.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD_DIR, help="directory of gold YAML files")
    ns = ap.parse_args(argv)

    tmp = None
    url = ns.db
    if not url:
        tmp = tempfile.TemporaryDirectory(prefix="huiqi-bench-")
        url = f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    report = Report()
    try:
        if ns.skip_ingest:
            report.figures.append(Figure("ingest seconds", None, f"≤ {INGEST_SECONDS_TARGET:g}", "SKIP"))
        else:
            _, dt = run_cli(["ingest", "--db", url])
            report.figures.append(Figure("ingest seconds", round(dt, 2), f"≤ {INGEST_SECONDS_TARGET:g}",
                                         _status(dt <= INGEST_SECONDS_TARGET)))
        docs = run_json(["docs", "--json", "--db", url])
        clauses = run_json(["policies", "--json", "--db", url])
    except CliError as exc:
        print(f"CLI failed: {exc}", file=sys.stderr)
        if tmp:
            tmp.cleanup()
        return 2
    gold = load_gold(ns.gold_dir)
    report.extend(score_all(gold, docs, clauses))
    report.notes.insert(0, f"db {url}; {len(docs)} docs, {len(clauses)} clauses")

    if ns.json:
        out: dict[str, Any] = {"figures": [asdict(f) for f in report.figures], "notes": report.notes}
        if ns.details:
            out["details"] = [asdict(d) for d in report.details]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(render_table(report.figures))
        for n in report.notes:
            print(f"note: {n}")
        if ns.details:
            print()
            print(f"{len(report.details)} mismatches:")
            for d in report.details:
                print(f"  [{d.metric}] {d.file}:{d.line}  expected {d.expected}  got {d.got}")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
