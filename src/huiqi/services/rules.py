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
    from huiqi.calc.engine import load_ruleset

    rs = load_ruleset(engine, rules_dir=rules_dir)
    out: list[str] = []
    for e in report.entries:
        key = e.rule.clause_key
        for c in e.cases:
            r = case_result(rs, key, c.profile, c.as_of)
            if r is None:
                out.append(f"{e.where} 用例「{c.name}」：条款不在结果中（期望 {c.status}）")
                continue
            if r["status"] != c.status:
                out.append(f"{e.where} 用例「{c.name}」：状态为 {r['status']}，期望 {c.status}")
            elif c.has_amount:
                b = r.get("benefit") or {}
                if (b.get("min_yuan"), b.get("max_yuan")) != (c.min_yuan, c.max_yuan):
                    out.append(f"{e.where} 用例「{c.name}」：金额 {b.get('min_yuan')}–{b.get('max_yuan')} 元，"
                               f"期望 {c.min_yuan}–{c.max_yuan} 元")
    return out


def case_result(rs, key: str, profile, as_of) -> dict | None:
    """The calculator's result (a :func:`huiqi.calc.engine.match` result
    dict) for the clause ``key`` of the rule set ``rs`` on one worked case,
    whoever the clause pays (受益对象): the firm's results; else the group
    for the firm's people (``for_people``, 受益对象 个人); else, for a
    clause paying a park, platform, government or financial institution
    (left out of a firm's answer), the clause evaluated alone as if it paid
    the firm, so that its status and amount can still be checked. ``None``
    when the clause is not in the rule set."""
    import dataclasses

    from huiqi.calc.engine import RuleSet, match

    out = match(profile, as_of, ruleset=rs, clause_ids=[key])
    res = out["results"] or out.get("for_people") or []
    if res:
        return res[0]
    entry = rs.get(key)
    if entry is None or not entry.beneficiary:
        return None
    alone = RuleSet([dataclasses.replace(entry, beneficiary=None)], f"{rs.fingerprint}:case")
    res = match(profile, as_of, ruleset=alone, clause_ids=[key])["results"]
    return res[0] if res else None


def preview_cases(engine: Engine, clause_key: str, body: dict) -> list[dict]:
    """Run the worked cases of a rule body (reviewed-YAML schema) for the
    clause ``clause_key`` as if the rule were published, without storing
    anything: one ``{name, as_of, expected, got, expected_yuan, got_yuan,
    formula, ok}`` per case (money in yuan). Raises ``ValueError`` for an
    unreadable body."""
    import dataclasses

    from huiqi.calc.engine import RuleSet, apply_validity_override, load_ruleset
    from huiqi.rules.store import rule_from_body

    rule = rule_from_body(clause_key, "reviewed", body)
    cases = body_cases(body)
    base = load_ruleset(engine)
    entry = base.get(clause_key)
    if entry is None:
        raise ValueError("该条款不在计算器的规则集中（无当前条款或文件未发布）")
    # a fresh entry (its firm-independent memo is rebuilt) with the previewed rule and window
    entry = dataclasses.replace(entry, rule=rule, validity=apply_validity_override(dict(entry.validity), rule.validity))
    rs = RuleSet([entry if e.key == clause_key else e for e in base.entries], "preview")
    out = []
    for c in cases:
        r = case_result(rs, clause_key, c.profile, c.as_of) or {}
        b = r.get("benefit") or {}
        got_yuan = [b.get("min_yuan"), b.get("max_yuan")] if b else None
        expected_yuan = [c.min_yuan, c.max_yuan] if c.has_amount else None
        ok = bool(r) and r.get("status") == c.status and (not c.has_amount or got_yuan == expected_yuan)
        out.append({"name": c.name, "as_of": c.as_of.isoformat(), "expected": c.status, "got": r.get("status"),
                    "expected_yuan": expected_yuan, "got_yuan": got_yuan, "formula": b.get("formula"), "ok": ok})
    return out
