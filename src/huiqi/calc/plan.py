"""Which clauses a match must evaluate (匹配计划): the region index, policy
identity and validity worked out once per firm region and date.

A firm's answer depends on its region for *which* clauses can apply, on
the date for *which* are in force, and on policy identity (issue 11: one
policy, several sources) for *which copy* speaks for a policy. None of
that depends on the firm's other facts, so :func:`plan_for` computes it
once per (region chain, date) and keeps it on the rule set
(:class:`huiqi.calc.engine.RuleSet`, discarded with it when the library
changes). :func:`huiqi.calc.engine.match` then evaluates only
:attr:`MatchPlan.live`: at 10× the bundled corpus about a third of the
clauses of the firm's region.

The plan reproduces exactly what evaluating every clause and then
collapsing the copies of a policy gives (``tests/calc/test_plan.py``
checks it result by result):

* a copy whose issuing clause (``authority_id``) applies to the firm too,
  with the same beneficiary group, is never shown (the issuing clause
  is), so it is not evaluated (:func:`without_shadowed_copies`);
* a clause for a park, government or bank (:data:`NOT_FOR_FIRM`) is only
  counted, policies once (``not_for_firm``);
* a clause not in force on the date is ``expired`` whatever the firm
  says: it is counted (``expired_firm``, each policy once, and only when
  no copy of the policy is in force — an in-force copy is listed before
  an expired one) and not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Beneficiaries whose money is not the firm's: 园区/平台, government and
#: financial-institution budgets (left out of a firm's results and totals).
NOT_FOR_FIRM = ("园区/平台", "政府部门", "金融机构")
#: Plans kept per rule set (region chains × dates); the oldest half is dropped beyond.
MAX_PLANS = 512


def beneficiary_group(entry: Any) -> str:
    """``firm``, ``people`` (受益对象 个人) or ``other`` (:data:`NOT_FOR_FIRM`):
    which list of :func:`huiqi.calc.engine.split_by_beneficiary` an
    entry's result goes to."""
    ben = entry.beneficiary
    return "people" if ben == "个人" else "other" if ben in NOT_FOR_FIRM else "firm"


def scope_key(entry: Any) -> tuple:
    """The key of an entry's region scope in ``RuleSet.by_scope``."""
    return entry.scope.kind, entry.scope.code, entry.scope.caveat


def without_shadowed_copies(pairs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """``pairs`` (entry, anything) without the copies of a policy whose
    issuing clause (``entry.authority_id``) is itself among them and goes
    to the same :func:`beneficiary_group`: the policy is shown by its
    issuing clause, with the copies as ``sources``. Order kept."""
    present = {e.id: beneficiary_group(e) for e, _ in pairs}
    out = []
    for pair in pairs:
        e = pair[0]
        auth = e.authority_id
        if auth is not None and auth != e.id and present.get(auth) == beneficiary_group(e):
            continue
        out.append(pair)
    return out


@dataclass
class MatchPlan:
    """What :func:`huiqi.calc.engine.match` evaluates for firms of one
    region on one date.

    ``live`` — ``(entry, scope key)`` of the entries in force, of the
    firm's region, not shadowed, not for a park/government/bank, in
    rule-set order; ``expired_firm`` — policies
    for the firm (beneficiary group ``firm``) counted ``expired``;
    ``not_for_firm`` — {beneficiary: policies}, every status."""

    live: list = field(default_factory=list)
    expired_firm: int = 0
    not_for_firm: dict[str, int] = field(default_factory=dict)


def plan_for(ruleset: Any, chain: tuple[str, ...], applies: Any, as_of: date) -> MatchPlan:
    """The :class:`MatchPlan` of ``ruleset`` for a firm whose division
    chain is ``chain`` (``FirmRegion.chain``: the key the plan is cached
    by) on ``as_of``. ``applies(scope) -> bool`` says whether a scope can
    apply to the firm (its check is not ``unmet``). Cached on the rule set
    (at most :data:`MAX_PLANS`)."""
    cache = ruleset.plans
    key = (chain, as_of)
    plan = cache.get(key)
    if plan is not None:
        return plan
    pairs = []
    for group in ruleset.by_scope().values():
        if applies(group[0].scope):
            pairs.extend((e, None) for e in group)
    plan = MatchPlan()
    other: dict[str, set] = {}
    kept = []
    for e, _ in pairs:
        if beneficiary_group(e) == "other":
            other.setdefault(e.beneficiary, set()).add(e.authority_id or e.id)
        else:
            kept.append((e, None))
    kept = without_shadowed_copies(kept)
    # an expired clause is counted once per policy, and only when no copy of it is in force
    expired_policies: set = set()
    live_policies: set = set()
    for e, _ in kept:
        group = beneficiary_group(e)
        policy = (group, e.authority_id or e.id)
        if e.in_force_on(as_of):
            plan.live.append((e, scope_key(e)))
            live_policies.add(policy)
        elif group == "firm":
            expired_policies.add(policy)
    plan.expired_firm = len(expired_policies - live_policies)
    plan.not_for_firm = {ben: len(p) for ben, p in other.items()}
    if len(cache) >= MAX_PLANS:
        for k in list(cache)[: MAX_PLANS // 2]:
            del cache[k]
    cache[key] = plan
    return plan
