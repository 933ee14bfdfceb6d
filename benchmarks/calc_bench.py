#!/usr/bin/env python
"""Calculator benchmark (政策计算器基准): profile cases against the bundled corpus.

Usage::

    python benchmarks/calc_bench.py [--db URL] [--cases DIR] [--repeats N] [--json] [--details]

Steps:

1. Unless ``--db`` is given, ingest the bundled corpus into a temporary SQLite
   database (in-process, :func:`huiqi.services.ingest.ingest_bundled`).
2. Compile the rule set once (:func:`huiqi.calc.engine.load_ruleset`) and time it.
3. For every case of ``benchmarks/gold/profiles/*.yaml`` (format: that
   directory's README.md) resolve each clause reference (corpus file prefix
   + part of the document title + text snippet) to exactly one current clause
   id, run :func:`huiqi.calc.engine.match` and compare the status and, when
   given, ``min_yuan`` / ``max_yuan`` (±0.5 yuan) of each named clause.
4. Print per-case PASS/FAIL, the precision and recall of ``eligible`` over all
   named clauses (a clause the engine calls eligible that the case does not
   is a false positive, and the reverse a false negative), and the p50 / p95
   latency of ``match()`` for one profile against the whole knowledge base
   (``--repeats`` runs of every case, rule set loaded; target p50 ≤ 100 ms).

Expected values in the cases come from reading the clause text, never from
the engine. Exit code 0 (the figures are reported, not enforced), 2 when a
case file is malformed or a reference does not resolve.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = ROOT / "benchmarks" / "gold" / "profiles"
STATUSES = ("eligible", "likely", "needs_info", "unchecked", "ineligible", "expired", "absent")
TOLERANCE = 0.5  # yuan


class CaseError(ValueError):
    """A malformed case file or a reference that does not resolve."""


@dataclass
class Expectation:
    """One named clause of a case: reference, expected status and amounts."""

    ref: dict
    status: str
    min_yuan: float | None = None
    max_yuan: float | None = None
    has_min: bool = False
    has_max: bool = False
    why: str = ""
    clause_id: int | None = None


@dataclass
class Case:
    """One profile case (see benchmarks/gold/profiles/README.md)."""

    file: str
    name: str
    as_of: date
    profile: dict
    expect: list[Expectation]
    all_regions: bool = False
    clause_refs: list[dict] | None = None
    questions_include: list[str] = field(default_factory=list)
    heldout: bool = False  # written before the engine was run on it (consultant_bench reports it apart)


def _ref(d, where: str) -> dict:
    if not isinstance(d, dict) or not d.get("text"):
        raise CaseError(f"{where}: ref 应为 {{file, doc, text}} 映射且必须有 text")
    return {"file": str(d.get("file") or ""), "doc": str(d.get("doc") or ""), "text": str(d["text"])}


def load_case(path: Path) -> Case:
    """Read and validate one case file; raises :class:`CaseError`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseError(f"{path.name}: YAML 格式错误：{exc}") from None
    if not isinstance(raw, dict):
        raise CaseError(f"{path.name}: 顶层应为映射")
    as_of = raw.get("as_of")
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    if not isinstance(as_of, date):
        raise CaseError(f"{path.name}: as_of 应为日期")
    if not isinstance(raw.get("profile"), dict):
        raise CaseError(f"{path.name}: profile 应为映射")
    expect = []
    for i, e in enumerate(raw.get("expect") or []):
        where = f"{path.name}: expect[{i}]"
        if not isinstance(e, dict) or e.get("status") not in STATUSES:
            raise CaseError(f"{where}: status 应为 {', '.join(STATUSES)} 之一")
        if not str(e.get("why") or "").strip():
            raise CaseError(f"{where}: 缺少 why（依据原文的理由）")
        expect.append(Expectation(_ref(e.get("ref"), where), e["status"],
                                  e.get("min_yuan"), e.get("max_yuan"),
                                  "min_yuan" in e, "max_yuan" in e, str(e["why"])))
    if not expect:
        raise CaseError(f"{path.name}: expect 为空")
    opts = raw.get("options") or {}
    refs = opts.get("clauses")
    return Case(path.name, str(raw.get("name") or path.stem), as_of, raw["profile"], expect,
                bool(opts.get("all_regions")),
                [_ref(r, f"{path.name}: options.clauses[{i}]") for i, r in enumerate(refs)] if refs else None,
                list(raw.get("questions_include") or []), bool(raw.get("heldout")))


def load_cases(directory: Path = DEFAULT_CASES) -> list[Case]:
    """Every ``*.yaml`` case of ``directory``, sorted by file name."""
    return [load_case(p) for p in sorted(Path(directory).glob("*.yaml"))]


def resolve(ref: dict, clauses: list[dict]) -> int:
    """The id of the one current clause matching ``ref`` (file prefix, part of
    the document title, text snippet; white space ignored); raises
    :class:`CaseError` when none or several match."""
    def squash(s: str) -> str:
        return "".join((s or "").split())

    text, doc = squash(ref["text"]), squash(ref["doc"])
    hits = [c for c in clauses
            if c["source"]["file"].startswith(ref["file"])
            and doc in squash(c["document"]["title"] or "")
            and text in squash(c["text"])]
    if len(hits) != 1:
        raise CaseError(f"引用 {ref} 匹配到 {len(hits)} 条条款（应恰好 1 条）"
                        + (f"：{[h['id'] for h in hits][:8]}" if hits else ""))
    return hits[0]["id"]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= TOLERANCE


def score_case(case: Case, result: dict) -> list[dict]:
    """Compare one case's expectations with a :func:`match` result: one row
    ``{clause_id, expected, got, ok, problems, why}`` per expectation."""
    by_id = {r["id"]: r for r in result["results"]}
    rows = []
    for e in case.expect:
        r = by_id.get(e.clause_id)
        got = r["status"] if r is not None else "absent"
        problems = []
        if got != e.status:
            problems.append(f"状态应为 {e.status}，得到 {got}")
        b = (r or {}).get("benefit") or {}
        if e.has_min and not _close(e.min_yuan, b.get("min_yuan")):
            problems.append(f"min_yuan 应为 {e.min_yuan}，得到 {b.get('min_yuan')}")
        if e.has_max and not _close(e.max_yuan, b.get("max_yuan")):
            problems.append(f"max_yuan 应为 {e.max_yuan}，得到 {b.get('max_yuan')}")
        rows.append({"clause_id": e.clause_id, "expected": e.status, "got": got,
                     "benefit": (r or {}).get("benefit"), "ok": not problems,
                     "problems": problems, "why": e.why,
                     "reasons": [f"{x['condition']}={x['outcome']}" for x in (r or {}).get("reasons", [])]})
    if case.questions_include:
        facts = {q["fact"] for q in result["next_questions"]}
        missing = [f for f in case.questions_include if f not in facts]
        if missing:
            rows.append({"clause_id": None, "expected": "questions", "got": sorted(facts)[:8],
                         "benefit": None, "ok": False, "problems": [f"next_questions 缺少 {missing}"],
                         "why": "", "reasons": []})
    return rows


def eligible_pr(rows: list[dict]) -> dict:
    """Precision/recall of ``eligible`` over scored rows."""
    tp = sum(r["expected"] == "eligible" and r["got"] == "eligible" for r in rows)
    fp = sum(r["expected"] != "eligible" and r["got"] == "eligible" for r in rows)
    fn = sum(r["expected"] == "eligible" and r["got"] != "eligible" for r in rows)
    return {"tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None}


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(q * (len(xs) - 1))))
    return xs[k]


def _corpus_db() -> str:
    """The bundled corpus ingested the way ``huiqi ingest`` does it (the one
    ingest path, :func:`huiqi.services.ingest.ingest_bundled`: extracted
    rules, the reviewed rules of ``data/rules`` and the policy clusters)."""
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_bundled

    tmp = Path(tempfile.mkdtemp(prefix="huiqi-calc-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    report = ingest_bundled(engine, refresh_index=False)
    engine.dispose()
    if not report.ok:
        raise SystemExit(f"导入失败：{[f.error for f in report.ingest.failed]}")
    return url


def run(db: str | None, cases_dir: Path, repeats: int) -> dict:
    """Run every case; returns the figures (JSON-ready)."""
    from huiqi.calc.engine import load_ruleset, match
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import list_policies

    from huiqi.config import to_url

    url = to_url(db) if db else _corpus_db()
    cases = load_cases(cases_dir)
    engine = get_engine(url)
    with session_scope(engine) as s:
        clauses = list_policies(s)
    t0 = time.perf_counter()
    rs = load_ruleset(engine)
    build = time.perf_counter() - t0
    for c in cases:
        for e in c.expect:
            e.clause_id = resolve(e.ref, clauses)
    out_cases, all_rows, times = [], [], []
    for c in cases:
        ids = [resolve(r, clauses) for r in c.clause_refs] if c.clause_refs else None
        res = None
        for _ in range(max(1, repeats)):
            t = time.perf_counter()
            res = match(c.profile, c.as_of, ruleset=rs, all_regions=c.all_regions, clause_ids=ids)
            times.append(time.perf_counter() - t)
        rows = score_case(c, res)
        all_rows.extend(r for r in rows if r["clause_id"] is not None)
        out_cases.append({"file": c.file, "name": c.name, "ok": all(r["ok"] for r in rows), "rows": rows,
                          "n_results": len(res["results"]), "total": res["total"],
                          "next_question": (res["next_questions"] or [{}])[0].get("fact")})
    ms = [t * 1000 for t in times]
    return {
        "cases": out_cases,
        "passed": sum(c["ok"] for c in out_cases),
        "n_cases": len(out_cases),
        "expectations_ok": sum(r["ok"] for r in all_rows),
        "n_expectations": len(all_rows),
        "eligible": eligible_pr(all_rows),
        "ruleset": {"entries": len(rs), "clauses": rs.n_clauses, "reviewed": rs.n_reviewed,
                    "skipped": rs.skipped, "problems": len(rs.problems), "build_seconds": round(build, 2)},
        "latency_ms": {"p50": round(statistics.median(ms), 1), "p95": round(_percentile(ms, 0.95), 1),
                       "max": round(max(ms), 1), "runs": len(ms)},
    }


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="SQLAlchemy URL or SQLite path of an ingested knowledge base")
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--repeats", type=int, default=5, help="match() runs per case for the latency figures")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true", help="print every expectation, also the passing ones")
    args = ap.parse_args(argv)
    try:
        fig = run(args.db, args.cases, args.repeats)
    except CaseError as exc:
        print(f"用例错误：{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(fig, ensure_ascii=False, indent=2))
        return 0
    for c in fig["cases"]:
        print(f"{'PASS' if c['ok'] else 'FAIL'}  {c['file']}  {c['name']}  "
              f"（{c['n_results']} 条结果，合计 {c['total']['min_yuan']:,.0f}–{c['total']['max_yuan']:,.0f} 元，"
              f"下一问：{c['next_question']}）")
        for r in c["rows"]:
            if args.details or not r["ok"]:
                mark = "  ok " if r["ok"] else "  !! "
                print(f"{mark}条款 {r['clause_id']}: 期望 {r['expected']}，得到 {r['got']} "
                      f"{'；'.join(r['problems'])}")
                if not r["ok"]:
                    b = r["benefit"]
                    if b:
                        print(f"       金额：{b.get('min_yuan')}–{b.get('max_yuan')}（{b.get('formula')}）")
                    if r["reasons"]:
                        print(f"       理由：{'；'.join(r['reasons'])[:300]}")
    e, rs, lat = fig["eligible"], fig["ruleset"], fig["latency_ms"]
    print()
    print(f"用例通过 {fig['passed']}/{fig['n_cases']}；条款期望通过 {fig['expectations_ok']}/{fig['n_expectations']}")
    print(f"eligible：precision {_fmt(e['precision'])}，recall {_fmt(e['recall'])}（TP {e['tp']}，FP {e['fp']}，FN {e['fn']}）")
    print(f"规则集：{rs['entries']} 条可计算条款（共读 {rs['clauses']} 条，{rs['reviewed']} 条用审核规则，"
          f"{rs['skipped']} 条无条件无金额未收录，{rs['problems']} 处问题），编译 {rs['build_seconds']} s")
    print(f"match() 延迟：p50 {lat['p50']} ms，p95 {lat['p95']} ms，最大 {lat['max']} ms（{lat['runs']} 次，目标 p50 ≤ 100 ms）")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
