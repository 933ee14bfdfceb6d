#!/usr/bin/env python
"""Consultant benchmark (政策顾问基准): can a firm rely on the calculator?

Usage::

    python benchmarks/consultant_bench.py [--db URL] [--cases DIR] [--json] [--details]

Cases are ``benchmarks/gold/consultant/*.yaml`` in the format of
``benchmarks/gold/profiles/README.md`` (read by :mod:`calc_bench`), written
the way a policy consultant works: for each firm *every* policy of the
corpus that applies (status ``eligible`` / ``likely`` / ``needs_info``) and
several that must not (``ineligible``, ``expired``, ``unchecked``,
``absent``), each with a ``why`` quoting the clause. Because the positive
list of a case is complete, a result the engine calls ``eligible`` or
``likely`` that the case does not name counts against precision.

Printed figures (the targets of issue 11):

* ``eligible`` precision — results the engine calls eligible whose
  expected status is eligible (unnamed ones count as wrong); target ≥ 0.95;
* ``likely`` precision — results called likely whose expected status is
  likely or eligible; target ≥ 0.85;
* recall — expected positives (eligible / likely / needs_info) that the
  firm sees among its actionable results (a copy of a policy in another
  document counts as seen when the shown result lists it among its
  ``sources``: the policy is shown once) (the firm view: eligible, likely,
  needs_info, first 30, :func:`huiqi.calc.engine.firm_view`); target ≥ 0.9;
* amount accuracy — named results with an expected ``min_yuan`` /
  ``max_yuan`` whose amounts match (±0.5 yuan);
* duplicate policies among positive results — pairs of eligible/likely
  results of one firm whose texts are near-identical (character 3-gram
  Jaccard ≥ 0.8: the same policy shown twice);
* results to act on — ``actionable`` per firm (eligible + likely +
  needs_info), median; target ≤ 30.

Cases marked ``heldout: true`` were written (and committed) before the
engine was first run on them; their figures are also printed apart (JSON key
``heldout``): the honest out-of-sample estimate, as long as no fix looks at them.

Exit code 0 (figures are reported, not enforced); 2 for a malformed case.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import calc_bench as cb  # noqa: E402

DEFAULT_CASES = ROOT / "benchmarks" / "gold" / "consultant"
POSITIVE = ("eligible", "likely", "needs_info")


def _grams(text: str) -> set[str]:
    s = "".join((text or "").split())
    return {s[i:i + 3] for i in range(max(0, len(s) - 2))}


def duplicates(results: list[dict]) -> list[tuple[int, int]]:
    """Pairs of eligible/likely results with near-identical text (3-gram
    Jaccard ≥ 0.8)."""
    pos = [(r["id"], _grams(r["text"])) for r in results if r["status"] in ("eligible", "likely")]
    out = []
    for i in range(len(pos)):
        for j in range(i + 1, len(pos)):
            a, b = pos[i][1], pos[j][1]
            if a and b and len(a & b) / len(a | b) >= 0.8:
                out.append((pos[i][0], pos[j][0]))
    return out


def _ids(r: dict) -> list[int]:
    """The clause ids a result stands for: its own and its copies' (``sources``)."""
    return [r["id"]] + [src["id"] for src in r.get("sources") or []]


def run(db: str | None, cases_dir: Path) -> dict:
    """Run every case; returns the figures (JSON-ready)."""
    from huiqi.calc.engine import load_ruleset, match

    try:
        from huiqi.calc.engine import firm_view
    except ImportError:  # an older engine (the "before" figures): the same rule here
        def firm_view(results, limit=30):
            return [r for r in results if r["status"] in POSITIVE][:limit]
    from huiqi.config import to_url
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import list_policies

    url = to_url(db) if db else cb._corpus_db()
    cases = cb.load_cases(cases_dir)
    engine = get_engine(url)
    with session_scope(engine) as s:
        clauses = list_policies(s)
    rs = load_ruleset(engine)
    for c in cases:
        for e in c.expect:
            e.clause_id = cb.resolve(e.ref, clauses)
    keys = ("el_tp", "el_n", "li_tp", "li_n", "rec_hit", "rec_n", "amt_ok", "amt_n", "dups", "status_ok", "status_n")
    out_cases = []
    for c in cases:
        tot = dict.fromkeys(keys, 0)
        res = match(c.profile, c.as_of, ruleset=rs, all_regions=c.all_regions)
        # a policy is shown once, at its authority, with the other copies as ``sources``
        # (issue 11, policy identity): an expectation about a copy is about that result
        by_id: dict[int, dict] = {}
        for r in res["results"]:
            by_id[r["id"]] = r
        for r in res["results"]:
            for src in r.get("sources") or []:
                by_id.setdefault(src["id"], r)
        want = {e.clause_id: e for e in c.expect}
        view = {r["id"] for r in firm_view(res["results"])}
        shown = {i for r in res["results"] if r["id"] in view for i in _ids(r)}
        rows = []
        for r in res["results"]:
            e = next((want[i] for i in _ids(r) if i in want), None)
            exp = e.status if e else None
            if r["status"] == "eligible":
                tot["el_n"] += 1
                tot["el_tp"] += exp == "eligible"
                if exp != "eligible":
                    rows.append(f"  FP eligible #{r['id']} {r['title'][:30]}（期望 {exp or '未列出'}）")
            elif r["status"] == "likely":
                tot["li_n"] += 1
                tot["li_tp"] += exp in ("likely", "eligible")
                if exp not in ("likely", "eligible"):
                    rows.append(f"  FP likely #{r['id']} {r['title'][:30]}（期望 {exp or '未列出'}）")
        for e in c.expect:
            r = by_id.get(e.clause_id)
            got = r["status"] if r else "absent"
            tot["status_n"] += 1
            tot["status_ok"] += got == e.status
            if got != e.status:
                rows.append(f"  状态 #{e.clause_id}: 期望 {e.status}，得到 {got}")
            if e.status in POSITIVE:
                tot["rec_n"] += 1
                hit = e.clause_id in shown
                tot["rec_hit"] += hit
                if not hit:
                    rows.append(f"  漏报 #{e.clause_id}（期望 {e.status}，得到 {got}，不在企业的前 30 条待办中）")
            if (e.has_min or e.has_max) and r is not None:
                tot["amt_n"] += 1
                b = r.get("benefit") or {}
                ok = (not e.has_min or cb._close(e.min_yuan, b.get("min_yuan"))) and (
                    not e.has_max or cb._close(e.max_yuan, b.get("max_yuan")))
                tot["amt_ok"] += ok
                if not ok:
                    rows.append(f"  金额 #{e.clause_id}: 期望 {e.min_yuan}–{e.max_yuan}，"
                                f"得到 {b.get('min_yuan')}–{b.get('max_yuan')}")
        dups = duplicates(res["results"])
        tot["dups"] += len(dups)
        n_act = res.get("actionable", sum(r["status"] in POSITIVE for r in res["results"]))
        tot_ = res["total"]
        out_cases.append({"file": c.file, "name": c.name, "heldout": c.heldout, "actionable": n_act,
                          "duplicates": dups, "tally": tot,
                          "total": {k: tot_.get(k) or {"min_yuan": tot_["min_yuan"] if k == "eligible" else 0.0,
                                                       "max_yuan": tot_["max_yuan"] if k == "eligible" else 0.0}
                                    for k in ("eligible", "likely")}, "problems": rows})

    fig = figures(out_cases)
    fig["cases"] = out_cases
    held = [c for c in out_cases if c["heldout"]]
    fig["heldout"] = figures(held) if held else None
    return fig


def figures(cases: list[dict]) -> dict:
    """The issue-11 figures summed over ``cases`` (each with its ``tally``
    and ``actionable``): precisions, recall, accuracies as ratios 0–1
    (``None`` when nothing was counted), duplicate pairs, results to act on."""
    tot: dict[str, int] = {}
    for c in cases:
        for k, v in c["tally"].items():
            tot[k] = tot.get(k, 0) + v
    actionable = [c["actionable"] for c in cases]

    def ratio(a: str, b: str) -> float | None:
        return round(tot.get(a, 0) / tot[b], 3) if tot.get(b) else None

    return {
        "n_cases": len(cases),
        "eligible_precision": ratio("el_tp", "el_n"), "eligible_n": tot.get("el_n", 0),
        "likely_precision": ratio("li_tp", "li_n"), "likely_n": tot.get("li_n", 0),
        "recall": ratio("rec_hit", "rec_n"), "recall_n": tot.get("rec_n", 0),
        "amount_accuracy": ratio("amt_ok", "amt_n"), "amount_n": tot.get("amt_n", 0),
        "status_accuracy": ratio("status_ok", "status_n"), "status_n": tot.get("status_n", 0),
        "duplicate_pairs": tot.get("dups", 0),
        "actionable_median": statistics.median(actionable) if actionable else None,
        "actionable_max": max(actionable) if actionable else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="SQLAlchemy URL or SQLite path of an ingested knowledge base")
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true", help="print every problem of every case")
    args = ap.parse_args(argv)
    try:
        fig = run(args.db, args.cases)
    except cb.CaseError as exc:
        print(f"用例错误：{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(fig, ensure_ascii=False, indent=2))
        return 0
    for c in fig["cases"]:
        el, li = c["total"]["eligible"], c["total"]["likely"]
        mark = "［留出］" if c["heldout"] else ""
        print(f"{mark}{c['file']}  {c['name']}：待办 {c['actionable']} 条，确定 {el['max_yuan']:,.0f} 元，"
              f"可能另有 {li['max_yuan']:,.0f} 元，重复 {len(c['duplicates'])} 对，问题 {len(c['problems'])} 处")
        if args.details:
            for p in c["problems"]:
                print(p)

    def f(x):
        return "-" if x is None else f"{x:.2f}"

    def report(fig: dict, title: str) -> None:
        print()
        print(f"{title}：用例 {fig['n_cases']} 个")
        print(f"eligible precision {f(fig['eligible_precision'])}（{fig['eligible_n']} 条，目标 ≥ 0.95）")
        print(f"likely precision {f(fig['likely_precision'])}（{fig['likely_n']} 条，目标 ≥ 0.85）")
        print(f"recall {f(fig['recall'])}（{fig['recall_n']} 条应享政策在企业前 30 条待办中，目标 ≥ 0.9）")
        print(f"amount accuracy {f(fig['amount_accuracy'])}（{fig['amount_n']} 条有金额期望）")
        print(f"status accuracy {f(fig['status_accuracy'])}（{fig['status_n']} 条期望）")
        print(f"duplicate policies among positive results：{fig['duplicate_pairs']} 对")
        print(f"results to act on：median {fig['actionable_median']}，max {fig['actionable_max']}（目标 median ≤ 30）")

    report(fig, "全部用例")
    if fig.get("heldout"):
        report(fig["heldout"], "留出用例（heldout: true，写好后才第一次运行计算器）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
