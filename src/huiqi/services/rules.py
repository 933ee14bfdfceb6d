"""Rule checks that need the calculator (规则检查): worked cases (测试用例) of
reviewed rules run through :func:`huiqi.calc.engine.match`, and the stored
reviewed rules seen as a :class:`~huiqi.rules.reviewed.RulesReport`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from huiqi.rules.reviewed import ReviewedEntry, RulesReport
from huiqi.rules.store import body_cases, list_versions, rule_from_body


def stored_report(session: Session) -> RulesReport:
    """The published reviewed versions as a :class:`RulesReport` (``file``
    of an entry is ``规则版本 <id>``), so the YAML checks
    (:func:`huiqi.rules.reviewed.excerpt_problems`) apply to stored rules.
    A body that cannot be read is an error line."""
    report = RulesReport()
    for v in list_versions(session, status="published", origin="reviewed"):
        try:
            rule = rule_from_body(v.clause_key, "reviewed", v.body)
            cases = body_cases(v.body or {})
        except (ValueError, KeyError, TypeError) as exc:
            report.errors.append(f"规则版本 {v.id}: 无法读取：{exc}")
            continue
        rule.title = rule.title or v.title or ""
        report.rules[v.clause_key] = rule
        report.entries.append(ReviewedEntry(rule, (v.body or {}).get("excerpt") or "", cases,
                                            f"规则版本 {v.id}", 0, v.beneficiary))
    return report


def case_failures(engine: Engine, report: RulesReport, rules_dir: Path | None = None) -> list[str]:
    """Run every worked case of ``report`` through the calculator on the
    knowledge base ``engine`` (previewing the files of ``rules_dir`` when
    given, see :func:`huiqi.calc.engine.build_ruleset`) and return one
    Chinese line per case whose status or amount (yuan) differs."""
    from huiqi.calc.engine import load_ruleset, match

    rs = load_ruleset(engine, rules_dir=rules_dir)
    out: list[str] = []
    for e in report.entries:
        key = e.rule.clause_key
        for c in e.cases:
            res = match(c.profile, c.as_of, ruleset=rs, clause_ids=[key])["results"]
            if not res:
                out.append(f"{e.where} 用例「{c.name}」：条款不在结果中（期望 {c.status}）")
                continue
            r = res[0]
            if r["status"] != c.status:
                out.append(f"{e.where} 用例「{c.name}」：状态为 {r['status']}，期望 {c.status}")
            elif c.has_amount:
                b = r.get("benefit") or {}
                if (b.get("min_yuan"), b.get("max_yuan")) != (c.min_yuan, c.max_yuan):
                    out.append(f"{e.where} 用例「{c.name}」：金额 {b.get('min_yuan')}–{b.get('max_yuan')} 元，"
                               f"期望 {c.min_yuan}–{c.max_yuan} 元")
    return out
