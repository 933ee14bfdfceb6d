#!/usr/bin/env python
"""Unseen-documents benchmark: real excerpts from other provinces, scored against gold.

Usage (from the repository root)::

    python benchmarks/unseen_bench.py [--details] [--show-heldout] [--json]

The documents in ``benchmarks/unseen/docs/`` are short excerpts of public Chinese
government texts (notices, 若干措施, 办法 with 第X条, 任务分工 lists and tables,
service guides; .txt, .html, .docx) from provinces other than the bundled corpus;
``benchmarks/unseen/gold.yaml`` holds the gold written by reading each excerpt
(format described at its top), with the source URL of each text. Files marked
``heldout: true`` were never looked at while tuning the parser and are reported
in their own column.

Each file goes through the library exactly as ``huiqi ingest`` does it
(:func:`huiqi.readers.read_source` → :func:`huiqi.structure.parse_source` →
:func:`huiqi.extract.extract_document_facts` / ``extract_clause_facts``), no
database involved. Measures (the table of issue 15):

* items found — a gold item counts when one parser clause holds its snippet and
  no other gold item's snippet (merged items do not count);
* responsible-unit P/R/F1 over (item, unit) pairs, units alias-normalised,
  collective names (各街道, 有关部门, 区直各部门 …) left out on both sides; the same
  restricted to files whose units sit in a 任务分工 table (``table units``);
* guides recognised (a ``guide`` document in the file) and guide fields found
  (gold canonical field names present in the guide's ``fields``); files marked
  ``not_guide`` (a look-alike such as a 服务承诺) count when made a guide;
* 发文字号, issue date, validity (start and end both equal), level — exact
  match of the file's facts: for each fact, the first document in file order
  (policy document or guide) that states it;
* contacts P/R/F1 over (org, phone) pairs of the clauses and of the documents'
  back matter: phones compared as digits, orgs equal when both are missing or one
  contains the other;
* amounts P/R/F1 over per-file multisets of ``value_yuan`` (relative tolerance 1e-6).

Exit code 0; figures are information, targets are those of issue 15.
Dependencies: the huiqi package and PyYAML.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from huiqi.extract import extract_clause_facts, extract_document_facts  # noqa: E402
from huiqi.extract.units import normalize_unit  # noqa: E402
from huiqi.normalize.text import normalize_chars  # noqa: E402
from huiqi.readers import SourceError, read_source  # noqa: E402
from huiqi.structure import parse_source  # noqa: E402

UNSEEN_DIR = REPO_ROOT / "benchmarks" / "unseen"
DOCS_DIR = UNSEEN_DIR / "docs"
GOLD = UNSEEN_DIR / "gold.yaml"
REL_TOL = 1e-6
_GENERIC = re.compile(r"^(?:各|有关|相关|其他|其它|全区|全市|全省|全县)|各")

TARGETS = {
    "items found": "≥ 0.95",
    "unit F1": "≥ 0.90",
    "table unit F1": "≥ 0.90",
    "guides recognised": "≥ 0.90",
    "guide fields found": "≥ 0.85",
    "发文字号": "≥ 0.90",
    "issue date": "≥ 0.85",
    "validity": "≥ 0.80",
    "contacts F1": "≥ 0.85",
}


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", normalize_chars(str(s)))


def _unit(s: str) -> str:
    return normalize_unit(_norm(s))


def _digits(s: str) -> str:
    return "".join(re.findall(r"\d", str(s)))


@dataclass
class Tally:
    """Counts of one split (tuning, held-out or all)."""

    items: list[int] = field(default_factory=lambda: [0, 0])
    units: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, pred, gold
    table_units: list[int] = field(default_factory=lambda: [0, 0, 0])
    guides: list[int] = field(default_factory=lambda: [0, 0])
    guide_fields: list[int] = field(default_factory=lambda: [0, 0])
    false_guides: list[int] = field(default_factory=lambda: [0, 0])  # look-alikes made guides
    facts: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    contacts: list[int] = field(default_factory=lambda: [0, 0, 0])
    amounts: list[int] = field(default_factory=lambda: [0, 0, 0])

    def add(self, o: "Tally") -> None:
        for name in ("items", "units", "table_units", "guides", "guide_fields", "false_guides", "contacts",
                     "amounts"):
            a, b = getattr(self, name), getattr(o, name)
            for i in range(len(a)):
                a[i] += b[i]
        for k, v in o.facts.items():
            self.facts[k][0] += v[0]
            self.facts[k][1] += v[1]


def _f1(tp: int, pred: int, gold: int) -> float | None:
    if not pred and not gold:
        return None
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b}" if b else "–"


@dataclass
class FileResult:
    """Parsed output of one file, as the benchmark sees it."""

    clauses: list[tuple[str, list[str], object]]  # (normalised text, units, facts)
    docs: list
    doc_facts: list
    error: str | None = None


def run_file(path: Path) -> FileResult:
    """Read, parse and extract one file the way ``huiqi ingest`` does."""
    try:
        source = read_source(path)
    except SourceError as exc:
        return FileResult([], [], [], error=str(exc))
    docs = parse_source(source)
    clauses = []
    dfacts = []
    for doc in docs:
        df = extract_document_facts(doc)
        dfacts.append(df)
        for _path, node in doc.clauses():
            block = node.block()
            cf = extract_clause_facts(node, block, issued=df.issued, doc_validity=df.validity)
            clauses.append((re.sub(r"\s+", "", block.text), list(cf.responsible_units), cf))
    return FileResult(clauses, docs, dfacts)


def _file_fact(res: FileResult, name: str):
    for doc, df in zip(res.docs, res.doc_facts):
        if doc.kind not in ("document", "guide"):
            continue
        if name == "validity":
            v = df.validity
            if v.start is not None or v.end is not None:
                return (v.start, v.end)
            continue
        val = getattr(df, name)
        if val:
            return val
    return None


def score_file(name: str, gold: dict, res: FileResult, details: list) -> Tally:
    """Score one file into a :class:`Tally`; mismatches go to ``details``."""
    t = Tally()
    items = [_norm(s) for s in gold.get("items") or []]
    gold_units = gold.get("units")
    for k, snip in enumerate(items):
        holders = [c for c in res.clauses if snip in c[0]]
        clean = [c for c in holders if not any(o in c[0] for j, o in enumerate(items) if j != k)]
        t.items[1] += 1
        if clean:
            t.items[0] += 1
        else:
            details.append((name, "item", snip, "merged" if holders else "missing"))
        if gold_units is not None:
            g = {_unit(u) for u in gold_units[k] if not _GENERIC.search(_norm(u))}
            best = min(clean or holders, key=lambda c: len(c[0])) if (clean or holders) else None
            p = {_unit(u) for u in (best[1] if best else []) if not _GENERIC.search(u)}
            tp = len(g & p)
            for tally in ([t.units, t.table_units] if gold.get("table_units") else [t.units]):
                tally[0] += tp
                tally[1] += len(p)
                tally[2] += len(g)
            if g != p:
                details.append((name, "units", snip, f"gold {sorted(g)} got {sorted(p)}"))
    if gold.get("not_guide"):
        t.false_guides[1] += 1
        t.false_guides[0] += any(d.kind == "guide" for d in res.docs)
        if any(d.kind == "guide" for d in res.docs):
            details.append((name, "guide", "not a guide", "guide"))
    if "guide" in gold:
        guides = [d for d in res.docs if d.kind == "guide"]
        t.guides[1] += 1
        t.guides[0] += bool(guides)
        found: set[str] = set()
        for _txt, _u, cf in res.clauses:
            found |= set(cf.fields)
        want = set(gold["guide"])
        t.guide_fields[0] += len(want & found) if guides else 0
        t.guide_fields[1] += len(want)
        if not guides or want - found:
            details.append((name, "guide", sorted(want), f"guide={bool(guides)} fields {sorted(found)}"))
    for key, fact in (("doc_number", "doc_number"), ("issued", "issued"), ("level", "level"),
                      ("validity", "validity"), ("title", "title")):
        if key not in gold:
            continue
        want = gold[key]
        got = _file_fact(res, fact)
        if key == "doc_number":
            ok = got is not None and _norm(got) == _norm(want)
        elif key == "validity":
            want = (want.get("start"), want.get("end"))
            ok = got == want
        elif key == "title":
            ok = got is not None and _norm(got) == _norm(want)
        elif key == "issued":
            ok = got == (want if isinstance(want, date) else date.fromisoformat(str(want)))
        else:
            ok = got == want
        t.facts[key][1] += 1
        t.facts[key][0] += ok
        if not ok:
            details.append((name, key, str(want), str(got)))
    if "contacts" in gold:
        g = [(None if o is None else _norm(o), _digits(p)) for o, p in gold["contacts"]]
        found = [c for _t, _u, cf in res.clauses for c in cf.contacts]
        found += [c for df in res.doc_facts for c in getattr(df, "contacts", [])]
        p = [(c.org and _norm(c.org), _digits(c.phone)) for c in found]
        p = list(dict.fromkeys(p))
        used = set()
        tp = 0
        for go, gp in g:
            for j, (po, pp) in enumerate(p):
                if j in used or pp != gp:
                    continue
                if (go is None and po is None) or (go and po and (go in po or po in go)):
                    used.add(j)
                    tp += 1
                    break
        t.contacts[0] += tp
        t.contacts[1] += len(p)
        t.contacts[2] += len(g)
        if tp != len(g) or len(p) != len(g):
            details.append((name, "contacts", g, p))
    if "amounts" in gold:
        g = [float(x) for x in gold["amounts"]]
        p = [a.value_yuan for _t, _u, cf in res.clauses for a in cf.amounts if a.value_yuan is not None]
        left = list(p)
        tp = 0
        for v in g:
            for j, w in enumerate(left):
                if abs(v - w) <= REL_TOL * max(abs(v), abs(w), 1.0):
                    tp += 1
                    left.pop(j)
                    break
        t.amounts[0] += tp
        t.amounts[1] += len(p)
        t.amounts[2] += len(g)
        if tp != len(g) or len(p) != len(g):
            details.append((name, "amounts", sorted(g), sorted(p)))
    return t


def figures(t: Tally) -> dict[str, str]:
    """The table rows of one split as display strings."""

    def frac(a, b):
        return f"{a}/{b} ({a / b:.2f})" if b else "–"

    def f1(x):
        v = _f1(*x)
        return "–" if v is None else f"{v:.2f} ({x[0]}/{x[2]} gold, {x[1]} found)"

    out = {
        "items found": frac(*t.items),
        "unit F1": f1(t.units),
        "table unit F1": f1(t.table_units),
        "guides recognised": frac(*t.guides),
        "guide fields found": frac(*t.guide_fields),
        "look-alikes taken as guides": frac(*t.false_guides),
    }
    for key, label in (("doc_number", "发文字号"), ("issued", "issue date"), ("validity", "validity"),
                       ("level", "level"), ("title", "html title")):
        out[label] = frac(*t.facts[key]) if key in t.facts else "–"
    out["contacts F1"] = f1(t.contacts)
    out["amounts F1"] = f1(t.amounts)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--details", action="store_true", help="print every mismatch (tuning files only)")
    ap.add_argument("--show-heldout", action="store_true", help="with --details, include held-out files")
    ap.add_argument("--json", action="store_true", help="figures as JSON")
    ap.add_argument("--batch", type=int, help="only files of this held-out batch (gold key 'batch')")
    args = ap.parse_args(argv)

    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["files"]
    if args.batch is not None:
        gold = {k: v for k, v in gold.items() if v.get("batch", 1) == args.batch}
    splits = {"tuning": Tally(), "held-out": Tally(), "all": Tally()}
    by_type: dict[str, Tally] = defaultdict(Tally)
    by_format: dict[str, Tally] = defaultdict(Tally)
    details: list = []
    errors = []
    for name, g in gold.items():
        res = run_file(DOCS_DIR / name)
        if res.error:
            errors.append(res.error)
        file_details: list = []
        t = score_file(name, g, res, file_details)
        held = bool(g.get("heldout"))
        if not held or args.show_heldout:
            details.extend(file_details)
        splits["held-out" if held else "tuning"].add(t)
        splits["all"].add(t)
        by_type[g.get("type", "?")].add(t)
        by_format[Path(name).suffix.lstrip(".")].add(t)

    n_files = len(gold)
    n_held = sum(1 for g in gold.values() if g.get("heldout"))
    provinces = sorted({g.get("province", "?") for g in gold.values()})
    table = {k: figures(v) for k, v in splits.items()}
    if args.json:
        print(json.dumps({"files": n_files, "heldout": n_held, "splits": table,
                          "by_type": {k: figures(v) for k, v in by_type.items()},
                          "by_format": {k: figures(v) for k, v in by_format.items()},
                          "errors": errors}, ensure_ascii=False, indent=2))
        return 0
    print(f"unseen documents: {n_files} files ({n_held} held out), {len(provinces)} provinces: "
          + "、".join(provinces))
    rows = list(table["all"])
    w = max(len(r) for r in rows) + 2
    print(f"{'measure':<{w}}{'tuning':<30}{'held-out':<30}{'all':<30}target")
    for r in rows:
        print(f"{r:<{w}}{table['tuning'][r]:<30}{table['held-out'][r]:<30}{table['all'][r]:<30}"
              f"{TARGETS.get(r, '')}")
    for title, groups in (("by type", by_type), ("by format", by_format)):
        print(f"\n{title}:")
        for k, v in sorted(groups.items()):
            f = figures(v)
            print(f"  {k:<8} items {f['items found']:<16} units {f['unit F1']:<30} "
                  f"docno {f['发文字号']:<14} date {f['issue date']:<14} level {f['level']}")
    for e in errors:
        print("error:", e)
    if args.details:
        print("\nmismatches:")
        for d in details:
            print("  ", *d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
