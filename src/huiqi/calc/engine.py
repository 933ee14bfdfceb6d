"""Policy calculator engine (政策计算器): one enterprise profile against every
clause of the knowledge base.

:func:`load_ruleset` (:mod:`huiqi.calc.compile`; the entries are
:mod:`huiqi.calc.entry`) compiles the knowledge base into a :class:`RuleSet`:
every clause of the current file versions (documents of kind ``document``
and ``guide``; stubs and front matter hold no clause) with its :class:`Rule`
— the reviewed rule of ``data/rules/`` (:func:`huiqi.rules.reviewed.load_reviewed_rules`)
when there is one, else the conditions, benefit and stacking extracted from
its text (:mod:`huiqi.rules.conditions`, :mod:`huiqi.calc.benefit`,
:mod:`huiqi.calc.stacking`) — its region :class:`~huiqi.calc.scope.Scope`,
validity, contacts and citation. Clauses that give nothing to a firm (no
condition, no benefit: 加强组织领导 and other government duties) are left out.
The rule set is cached per database, keyed by a fingerprint of the current
source files and the reviewed-rule files, so it is rebuilt only when either
changes. Those names are re-exported here, with the result helpers of
:mod:`huiqi.calc.results`, so callers import the calculator from one place.

:func:`match` evaluates a profile on a date and returns issue 4's JSON
contract::

    {as_of, derived{size_class, sme, small_low_profit, age_years, details},
     results[{id, key, title, text, status, reasons[{condition, outcome,
              source_text, detail}], missing, benefit{min_yuan, max_yuan,
              formula}|null, validity, contacts, source{file, start_line,
              end_line}, origin, document{id, title, level, region}, path,
              beneficiary, sources[{id, document, source}]}],
     total{min_yuan, max_yuan, excluded_by_stacking, notes},
     for_people[result …], not_for_firm{beneficiary: n},
     next_questions[{fact, prompt, settles_yuan, settles_clauses}],
     warnings}

Issue 11 (see :mod:`huiqi.calc.results`):
each policy is listed once — clauses stating the same policy in several
documents (:mod:`huiqi.kb.policy_identity`) show as the authority's result with
``sources`` citing the others; benefits paid to the firm's people (受益对象
个人) are in ``for_people`` ("惠及贵企业员工/人才", never in ``total``);
money for parks, governments and financial institutions is not listed
(``not_for_firm`` counts it). Validity follows :mod:`huiqi.rules.validity`:
never before the issue date, a title's year, 有效期待确认 when nothing is
known — such a clause is never ``eligible``; a reprint ends with its original.

Status of a clause (:data:`huiqi.rules.model.Status`), decided in this order:

1. region (适用地区, :mod:`huiqi.calc.scope`): a clause of another region is
   ``ineligible`` with a region reason. By default such clauses are *left
   out* of ``results`` — a firm in 阿拉善左旗 does not want 95 clauses of
   呼和浩特市 listed as "not for you" — unless ``all_regions=True`` (CLI
   ``--all``) or the clause is asked for by id (``clause_ids``), so a firm
   that looks at a clause of another region is told why it does not apply;
2. validity (有效期) on ``as_of``: a known end date before ``as_of`` or a
   known start date after it → ``expired`` (the reason quotes the validity
   text and date); unknown validity is kept with a caveat in
   ``validity.note``;
3. conditions (Kleene three-valued): ``met`` → ``eligible``, ``to_confirm``
   → ``likely``, ``unknown`` → ``needs_info``, ``unmet`` → ``ineligible``.
   A document of unknown region counts as ``to_confirm`` for the region.
   An *extracted* rule with no recognised condition is ``to_confirm`` too
   (``likely``): nothing was checked, so it is never reported ``eligible``;
   a *reviewed* rule without conditions really applies to every firm.

Money is yuan (元). Totals apply the stacking rules
(:func:`huiqi.calc.stacking.apply_stacking`). Expected speed: about 3 ms per
profile once the rule set is loaded (``benchmarks/calc_speed.py`` and
``benchmarks/calc_bench.py`` measure it): what does not depend on the firm —
citations, the region reason's quote, the validity on a date, and the whole
evaluation of clauses whose conditions are only text and whose amount is
fixed — is computed once per :class:`RuleEntry` (:meth:`RuleEntry.static_parts`),
and results are plain dicts built directly.

Project benefits (设备投资 × 20%) are computed from the projects that
satisfy the clause's project conditions only (:func:`qualifying_projects`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any

from huiqi.calc.benefit import compute_benefit_memo, fmt_yuan
from huiqi.calc.compile import (  # noqa: F401  (re-exported: compiling and loading rule sets)
    DOCUMENT_KINDS,
    build_ruleset,
    clear_cache,
    compile_rows,
    db_fingerprint,
    ensure_extracted,
    library_key,
    link_entries,
    load_ruleset,
    offered,
    refresh_ruleset,
)
from huiqi.calc.derived import DerivedFact
from huiqi.calc.entry import (  # noqa: F401  (re-exported: the compiled clauses)
    UNCHECKED_NOTE,
    RuleEntry,
    RuleSet,
    _has_project_leaf,
    _leaf_kinds,
    _with_subjects,
    apply_validity_override,
    validity_state,
)
from huiqi.calc.evaluate import bears_on_firm, evaluate, evaluate_shared, gate_unmet, supported  # hot path: imported once, not per clause
from huiqi.calc.plan import plan_for, scope_key, without_shadowed_copies
from huiqi.calc.results import (  # noqa: F401  (re-exported: the result contract's names)
    ACTIONABLE,
    DEFAULT_LIMIT,
    EXPECT_WEIGHT,
    FIRM_CONFIRM_REASONS,
    FIRM_QUESTIONS,
    FIRM_SOURCES,
    FOR_PEOPLE_LABEL,
    PENDING,
    STATUS_ORDER,
    Row,
    Tally,
    collapse_rows,
    complete,
    expected_yuan,
    firm_view,
    sort_key,
    split_rows,
)
from huiqi.calc.scope import resolve_firm_region
from huiqi.firm.profile import EnterpriseProfile, load_profile
from huiqi.rules.model import (
    Benefit,
    BenefitSpec,
    Condition,
    Evaluation,
    Reason,
    combine_all,
)
from huiqi.rules.validity import blocks_eligible

#: Attributes that only say who a clause is about (品种/作物; for an
#: extracted rule also the entity type 企业/个体工商户/合作社 and the size
#: 小微企业/中小企业, which the extractor reads from the subject noun — also
#: when the clause tells a bank or a government what to do for 小微企业):
#: met alone, they never make a clause "checked"
#: (:func:`huiqi.calc.evaluate.supported`).
SUBJECT_ONLY_REVIEWED = frozenset({"products"})
SUBJECT_ONLY_EXTRACTED = frozenset({"products", "entity_type", "size_class"})
#: Leaf kinds that say nothing about the firm itself: a text to confirm by
#: hand, and the region (every firm of the area meets it).
GENERIC_KINDS = frozenset({"text", "region"})
log = logging.getLogger("huiqi.calc")
_OUTCOME_STATUS = {"met": "eligible", "to_confirm": "likely", "unknown": "needs_info", "unmet": "ineligible"}
_RANK = {"unmet": 0, "unknown": 1, "to_confirm": 2, "met": 3}
#: A clause needing only facts of its own (``facts.*``) about a firm none of whose
#: stated facts bears on it: listed as ``unchecked``, not as a question to every firm.
CLAUSE_FACTS_NOTE = "本条款需要的是其特有的信息，企业已填写的信息与之无关，请对照原文确认是否适用"


class MatchError(ValueError):
    """Bad input to :func:`match` (unknown region …): ``errors`` are Chinese
    lines naming the key and the problem, like
    :class:`huiqi.firm.profile.ProfileError`."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --------------------------------------------------------------------------
# matching one profile


def _as_profile(profile: Any) -> tuple[EnterpriseProfile, list[str]]:
    if isinstance(profile, EnterpriseProfile):
        return profile, []
    return load_profile(profile)


def qualifying_projects(cond: Condition | None, ctx) -> list | None:
    """The projects (项目) of the firm in ``ctx`` (a
    :class:`huiqi.calc.evaluate.FactContext`) that satisfy the project
    conditions of ``cond`` — the ones a project benefit (设备投资 × 20%) may
    be computed from, see :func:`huiqi.calc.benefit.compute_benefit`'s
    ``projects``.

    Semantics are the evaluator's (:mod:`huiqi.calc.evaluate`): a project
    satisfies a group of project leaves when it satisfies all of them. Each
    project is evaluated alone (the firm with only that project); the
    projects with the best outcome qualify (``met`` before ``to_confirm``
    before ``unknown``). Returns ``None`` — every project, the default of
    ``compute_benefit`` — when ``cond`` tests no project field, the firm has
    fewer than two projects, or no project can qualify (the clause is then
    ``ineligible`` anyway)."""
    projects = ctx.profile.projects
    if len(projects) < 2 or not _has_project_leaf(cond):
        return None
    best, chosen = 0, []
    for p in projects:
        one = copy.copy(ctx)
        one.profile = ctx.profile.model_copy(update={"projects": [p]})
        one.memo = {}  # leaf outcomes of the whole firm do not hold for the firm with one project
        rank = _RANK[evaluate(cond, one).outcome]
        if rank > best:
            best, chosen = rank, [p]
        elif rank == best and rank > 0:
            chosen.append(p)
    return chosen or None


def _benefit_for(spec: BenefitSpec | None, cond: Condition | None, ctx, profile: EnterpriseProfile,
                 projects: bool, memo: dict) -> Benefit | None:
    """The benefit of ``spec`` for the firm, project bases restricted to the
    projects qualifying under ``cond`` (``projects``: the entry tests some
    project field); memoised in ``memo`` (per clause and spec, see
    :func:`huiqi.calc.benefit.compute_benefit_memo`)."""
    if spec is None:
        return None
    qualifying = qualifying_projects(cond, ctx) if projects else None
    return compute_benefit_memo(spec, profile, qualifying, memo)


#: For each status, the outcome a machine-checkable leaf must have for the
#: status to rest on something concrete about the firm.
_CONCRETE = {"eligible": "met", "likely": "met", "needs_info": "unknown", "ineligible": "unmet"}


def is_checked(status: str, kinds: list[str], reasons: list[Reason], reviewed_unconditional: bool = False) -> bool:
    """Whether a clause's status was decided by a machine-checkable fact
    of the firm (``checked``): an ``eligible``/``likely`` clause needs some
    non-text condition met, a ``needs_info`` one some non-text condition
    unknown, an ``ineligible`` one some non-text condition unmet. A clause
    whose conditions are only text (获批国家级制造业创新中心) was not matched
    to the firm at all: it is listed, but its money is kept out of the
    total and out of the next questions. A reviewed rule without
    conditions (``reviewed_unconditional``) applies to every firm: checked."""
    if reviewed_unconditional:
        return True
    want = _CONCRETE.get(status)
    if want is None:
        return any(k != "text" for k in kinds)
    for k, r in zip(kinds, reasons):
        if k != "text" and r.outcome == want:
            return True
    return False


def refine_status(status: str, kinds: list[str], reasons: list[Reason], *, reviewed: bool,
                  unconditional: bool = False) -> str:
    """The honest status of a clause from its Kleene status (状态含义):

    * ``eligible`` stays only when some condition about the firm itself
      (not a text to confirm, not — for an extracted rule — the region) was
      checked and met; a reviewed rule without conditions applies to every
      firm of its region and stays ``eligible``;
    * ``likely`` likewise needs such a met condition (only named
      to-confirm conditions remain);
    * otherwise nothing about the firm could be checked: ``unchecked``
      (listed last, never in totals or headline counts).

    ``needs_info``, ``ineligible`` and ``expired`` are returned unchanged.
    ``kinds`` are the leaf kinds aligned with ``reasons`` (one reason per
    leaf, tree order)."""
    if status not in ("eligible", "likely"):
        return status
    if unconditional:
        return status
    generic = {"text"} if reviewed else GENERIC_KINDS
    for k, r in zip(kinds, reasons):
        if k not in generic and r.outcome == "met":
            return status
    return "unchecked"


def _best_track(entry: RuleEntry, main: Evaluation, ctx, profile) -> tuple[Evaluation, Benefit | None, str, list[str]]:
    """Evaluate the rule's tracks (申报类别) on top of the main conditions.

    The firm qualifies by its best track (best outcome, then largest
    amount): that track gives the status, the reasons and the amount. A
    track that pays more and is still open (not unmet) is named in the
    formula and adds its missing facts, so the next question can settle it
    (its money is not added: tracks are alternatives). A project benefit
    counts only the projects that satisfy the rule's and the track's
    project conditions (:func:`qualifying_projects`). Returns
    (evaluation, benefit, track name, leaf kinds aligned with the reasons)."""
    rule = entry.rule
    with_projects = entry.static_parts()["projects"]
    done = []
    stores = entry.static_parts().setdefault("shared_tracks", [{} for _ in rule.tracks])
    amounts = entry.static_parts().setdefault("benefit_tracks", [{} for _ in rule.tracks])
    for t, store, amount_memo in zip(rule.tracks, stores, amounts):
        tcond = t.get("conditions")
        ev = evaluate_shared(tcond, ctx, store)
        out = combine_all([main.outcome, ev.outcome])
        spec = t.get("benefit") or rule.benefit
        both = None
        if with_projects and spec is not None:
            parts = [c for c in (rule.conditions, tcond) if c is not None]
            both = parts[0] if len(parts) == 1 else (Condition.all_of(parts) if parts else None)
        b = _benefit_for(spec, both, ctx, profile, with_projects, amount_memo)
        money = (b.max_yuan or 0.0) if b is not None else 0.0
        # ties of the combined outcome go to the track whose own conditions
        # hold best (a sure 1万元 before an open 3万元), then to the money
        done.append(((_RANK[out], _RANK[ev.outcome], money), out, ev, b, t.get("name") or "", tcond))
    best = max(done, key=lambda d: d[0])
    _, out, ev, b, name, cond = best
    reasons = list(main.reasons) + [Reason(f"【{name}】{r.condition}", r.outcome, r.source_text, r.detail)
                                    for r in ev.reasons]
    missing = list(dict.fromkeys([*main.missing, *ev.missing])) if out == "unknown" else []
    if out != "unmet" and b is not None:
        top = b.max_yuan or 0.0
        better = [d for d in done if d is not best and d[1] != "unmet" and d[3] is not None
                  and (d[3].max_yuan or 0.0) > top]
        if better:
            hi = max(better, key=lambda d: d[3].max_yuan or 0.0)
            for d in better:
                missing.extend(m for m in d[2].missing if m not in missing)
            b = Benefit(b.min_yuan, b.max_yuan,
                        f"{b.formula}（按“{name}”计；若符合“{hi[4]}”，最多 {fmt_yuan(hi[3].max_yuan)}）",
                        list(b.missing))
    kinds = entry.static_parts()["kinds"] + _leaf_kinds(cond)
    return Evaluation(out, reasons, missing), b, name, kinds


def _reason_json(r: Reason) -> dict:
    return {"condition": r.condition, "outcome": r.outcome, "source_text": r.source_text, "detail": r.detail}


def _counted(entry: RuleEntry, status: str, validity: dict, has_benefit: bool = False) -> Row:
    """A row made only to be counted (and collapsed with its policy's
    copies), never listed: see :func:`match`'s ``detail``."""
    return Row(entry, status, sort_key(status, 0.0, validity, entry.id), None, has_benefit)


def _complete_result(entry: RuleEntry, region_check: tuple[str, str], state: str, note: str,
                     reasons: list[Reason], extra: list[dict], track: str, r: dict) -> None:
    """Fill the light result ``r`` of ``entry`` with its reasons (region,
    validity, conditions, then ``extra``), citation, contacts and how to
    apply (see :func:`huiqi.calc.results.complete`)."""
    st = entry.static_parts()
    region_out, region_detail = region_check
    out = [{"condition": entry.scope.label, "outcome": region_out, "source_text": st["where"],
            "detail": region_detail + st["caveat"]}]
    if state in ("expired", "not_yet"):
        out.append({"condition": "有效期", "outcome": "unmet",
                    "source_text": entry.validity.get("basis") or "", "detail": note})
    elif state == "in_force":
        out.append({"condition": "有效期", "outcome": "met",
                    "source_text": entry.validity.get("basis") or "", "detail": note})
    out.extend(_reason_json(x) for x in reasons)
    out.extend(extra)
    base = st["result"]
    r.update({"key": base["key"], "title": base["title"], "text": base["text"], "reasons": out,
              "contacts": list(base["contacts"]), "source": dict(base["source"]), "origin": base["origin"],
              "apply": base["apply"], "document": dict(base["document"]), "path": list(base["path"])})
    if track:
        r["track"] = track


def _decide(entry: RuleEntry, ev: Evaluation, track: str, region_out: str, state: str, validity: dict,
            note: str, ctx, common_facts: frozenset[str]) -> tuple[str, list[dict]]:
    """``(status, extra reasons)`` of ``entry`` from its evaluation ``ev``
    (best ``track``), region outcome and validity (``state``, ``validity``,
    ``note``): the status rules of :func:`match` (状态含义) — unchecked
    when nothing about the firm was checked, never eligible with 有效期待确认."""
    st = entry.static_parts()
    rule = entry.rule
    extra: list[dict] = []  # reasons added by the status rules below, listed last
    if region_out == "unmet":
        status = "ineligible"
    elif state in ("expired", "not_yet"):
        status = "expired"
    else:
        status = _OUTCOME_STATUS[combine_all([region_out, ev.outcome])]
        if status in ("eligible", "likely", "needs_info") and not st["unconditional"]:
            generic = {"text"} if rule.origin == "reviewed" else GENERIC_KINDS
            subject = SUBJECT_ONLY_REVIEWED if rule.origin == "reviewed" else SUBJECT_ONLY_EXTRACTED
            trees = [rule.conditions] if not entry.unchecked else []
            if track:
                trees += [t.get("conditions") for t in rule.tracks if (t.get("name") or "") == track]
            if status == "needs_info":
                # only facts peculiar to this clause are missing (facts.自治区预制菜十强类别, tested
                # by no other policy) and nothing the firm told us bears on it, met or unmet, in any
                # track: nothing was checked — not a question to put to every firm of the region
                every = trees + [t.get("conditions") for t in rule.tracks]
                if ev.missing and all(m.startswith("facts.") and m not in common_facts for m in ev.missing) \
                        and not any(bears_on_firm(t, ctx, {"text", "region"}, frozenset()) for t in every):
                    status = "unchecked"
                    extra.append({"condition": "申请条件", "outcome": "to_confirm", "source_text": "",
                                  "detail": CLAUSE_FACTS_NOTE})
            elif not any(supported(t, ctx, generic, subject) for t in trees):
                status = "unchecked"
        if status == "eligible" and blocks_eligible(validity):  # 有效期待确认: never "eligible"
            status = "likely"
            extra.append({"condition": "有效期", "outcome": "to_confirm", "source_text": "", "detail": note})
    return status, extra


def _evaluate_entry(entry: RuleEntry, ctx, profile: EnterpriseProfile,
                    as_of: date, region_check: tuple[str, str], common_facts: frozenset[str] = frozenset(),
                    detail: frozenset[str] | None = None) -> Row:
    """The :class:`Row` of ``entry`` for the firm of ``ctx`` on ``as_of``
    (``region_check``: its scope's ``(outcome, detail)``): counted only
    when its status is not in ``detail``, else with a light result."""
    st = entry.static_parts()
    rule = entry.rule
    region_out = region_check[0]
    state, note, validity = entry.validity_on(as_of)
    done = st.get("evaluated")  # set once for a firm-independent entry
    if done is not None:
        # a firm-independent entry's status depends on its region outcome and validity only
        memo_key = (region_out, state, blocks_eligible(validity))
        known = st.get("status_memo", {}).get(memo_key)
        if detail is not None and known is not None and known not in detail:
            return _counted(entry, known, validity, known == "unchecked" and done[1] is not None)
    if done is not None:
        ev, benefit, track, kinds = done
    else:
        if entry.unchecked:
            # nothing machine-checkable was found: never claim "eligible" unchecked
            main = Evaluation("to_confirm", [Reason("申请条件", "to_confirm", "", UNCHECKED_NOTE)], [])
        else:
            main = evaluate_shared(rule.conditions, ctx, st.setdefault("shared_main", {}))
        track = ""
        if rule.tracks:
            ev, benefit, track, kinds = _best_track(entry, main, ctx, profile)
        else:
            ev = main
            kinds = st["kinds"]
            benefit = _benefit_for(rule.benefit, rule.conditions, ctx, profile, st["projects"],
                                   st.setdefault("benefit_memo", {}))
        if st["firm_independent"]:
            st["evaluated"] = (ev, benefit, track, kinds)  # read-only from now on
    status, extra = _decide(entry, ev, track, region_out, state, validity, note, ctx, common_facts)
    if done is not None:
        st.setdefault("status_memo", {})[memo_key] = status
    if detail is not None and status not in detail:
        return _counted(entry, status, validity, status == "unchecked" and benefit is not None)
    missing = list(ev.missing)
    if benefit is not None and status not in ("ineligible", "expired"):
        missing.extend(m for m in benefit.missing if m not in missing)
    if done is not None:  # firm-independent: "checked" depends on the status only
        memo = st.setdefault("checked", {})
        checked = memo.get(status)
        if checked is None:
            checked = memo[status] = is_checked(status, kinds, ev.reasons, st["unconditional"])
    else:
        checked = is_checked(status, kinds, ev.reasons, st["unconditional"])
    out = {"id": entry.id, "status": status, "missing": missing,
           "benefit": benefit.to_json() if benefit is not None else None,
           "validity": dict(validity), "checked": checked}
    out["expected_yuan"] = expected = expected_yuan(out)
    # the rest (reasons, citation, contacts, how to apply) only when shown
    out[PENDING] = partial(_complete_result, entry, region_check, state, note, ev.reasons, extra, track)
    return Row(entry, status, sort_key(status, expected, validity, entry.id), out, benefit is not None)


#: Statuses :func:`match` always works out in full (totals and next questions use them).
_ALWAYS_DETAILED = frozenset({"eligible", "likely", "needs_info"})


def _derived_json(derived: dict[str, DerivedFact]) -> dict:
    out: dict[str, Any] = {k: d.value for k, d in derived.items()}
    out["details"] = {k: {"value": d.value, "source": d.source, "reason": d.reason, "missing": list(d.missing)}
                      for k, d in derived.items()}
    return out


_row_key = attrgetter("key")


def match(
    profile: Any,
    as_of: date | str | None = None,
    *,
    db: Any = None,
    ruleset: RuleSet | None = None,
    all_regions: bool = False,
    clause_ids: Iterable[int | str] | None = None,
    view: str = "all",
    limit: int | None = 30,
    include: Iterable[str] = ACTIONABLE,
    offset: int = 0,
    detail_expired: bool = True,
    detail: Iterable[str] | None = None,
    lazy: bool = False,
) -> dict:
    """Evaluate an enterprise profile against the knowledge base.

    ``profile`` — a file path (JSON/YAML/TOML), a mapping (issue 4's profile
    contract) or an :class:`EnterpriseProfile`; ``as_of`` — evaluation date
    (a ``date`` or an ISO string; default today); ``ruleset`` — a :class:`RuleSet` (default
    :func:`load_ruleset` of ``db``); ``all_regions`` — also list clauses of
    other regions (as ``ineligible``); ``clause_ids`` — only these clauses
    (ids or clause keys), listed even when of another region; ``view``
    ``"all"`` (every result, the default for library callers and
    benchmarks) or ``"firm"`` (:func:`firm_view`: the results of statuses
    ``include`` — default eligible, likely, needs_info — from ``offset``,
    at most ``limit``; ``counts`` still count everything).
    ``detail_expired=False`` (for callers that do not list ``expired``
    results, e.g. ``/api/match`` by default): a clause not in force on
    ``as_of`` is counted in ``counts["expired"]`` but not listed, and its
    conditions and amount are not evaluated (a third to a half of the
    work on a date when older lists have lapsed). The other results,
    counts and totals are the same either way.

    ``detail`` (statuses, e.g. those ``/api/match`` lists): results of
    other statuses are counted (``counts``, the 未核对 note of ``total``)
    but not listed and not worked out in full — an ``ineligible`` clause
    whose main conditions include a single test the firm fails (行业, 规模)
    is settled by that test alone. ``eligible``, ``likely`` and
    ``needs_info`` are always detailed (totals and next questions need
    them); ``None`` = every status (``detail_expired=False``: every status
    but ``expired``).

    ``lazy=True`` (for a caller that shows results only through
    :func:`firm_view`, e.g. ``/api/match``): ``results`` and ``for_people``
    are *light* — reasons, citation, contacts and how to apply are filled
    in by :func:`firm_view` (:func:`huiqi.calc.results.complete`) for the
    results it shows, not for the hundreds of ``needs_info`` a firm of a
    large library has. Order, counts, totals and next questions are the
    same.

    Copies of a policy whose issuing clause applies to the firm too are
    not evaluated (:func:`huiqi.calc.plan.without_shadowed_copies`): the policy is
    reported once, by its issuing clause, with the copies in ``sources``.

    Results are ordered by status (eligible, likely, needs_info,
    unchecked, ineligible, expired), then by ``expected_yuan`` for this
    firm (:func:`expected_yuan`), then by validity end (deadline). Each
    carries ``apply`` (:mod:`huiqi.calc.apply`: 免申即享/需申报, 受理机构,
    申报材料, 办理时限, 申报时间, 咨询电话). ``total`` keeps what is certain
    (``eligible``: {min_yuan, max_yuan}) apart from what is likely
    (``likely``: the extra a confirmation could add); its ``min_yuan`` is
    the certain minimum and ``max_yuan`` the maximum with likely clauses.

    Returns the dict described in the module docstring (JSON-ready: dates
    ISO, money yuan). Raises :class:`huiqi.firm.profile.ProfileError` for a
    bad profile and :class:`MatchError` for an unknown region (messages
    name the key, in Chinese).
    """
    from huiqi.calc.evaluate import FactContext
    from huiqi.calc.questions import next_questions
    from huiqi.calc.scope import UnknownFirmRegion
    from huiqi.calc.stacking import apply_stacking

    prof, warnings = _as_profile(profile)
    if isinstance(as_of, str):
        from huiqi.reference.calendar import parse_date
        from huiqi.reference.errors import InputError as SearchError

        try:
            as_of = parse_date(as_of)
        except SearchError as exc:
            raise MatchError([f"as_of: {exc}"]) from None
    as_of = as_of or date.today()
    try:
        firm = resolve_firm_region(prof.region)
    except UnknownFirmRegion as exc:
        raise MatchError([str(exc)]) from None
    rs = ruleset if ruleset is not None else load_ruleset(db)
    ctx = FactContext.build(prof, as_of)

    if clause_ids is not None:
        wanted = []
        for ref in clause_ids:
            e = rs.get(ref)
            if e is None:
                raise MatchError([f"clause: 没有编号为 {ref} 的条款（或该条款不给企业任何支持）"])
            wanted.append(e)
        entries, explicit = wanted, True
    else:
        entries, explicit = rs.entries, all_regions

    scope_cache: dict[tuple, tuple[str, str]] = {}
    results = []
    if explicit:
        pairs = []
        for entry in entries:
            sk = scope_key(entry)
            check = scope_cache.get(sk)
            if check is None:
                check = scope_cache[sk] = entry.scope.check(firm)
            pairs.append((entry, check))
    if detail is not None:
        detail = frozenset(detail) | _ALWAYS_DETAILED
    elif not detail_expired:
        detail = frozenset(STATUS_ORDER) - {"expired"}
    plan = None
    if not explicit and detail is not None and "expired" not in detail:
        # the region index, policy identity and validity, worked out once per region and date
        plan = plan_for(rs, firm.chain, lambda scope: scope.check(firm)[0] != "unmet", as_of)
        pairs = []
        for entry, sk in plan.live:
            check = scope_cache.get(sk)
            if check is None:
                check = scope_cache[sk] = entry.scope.check(firm)
            pairs.append((entry, check))
    elif not explicit:  # region index: only the scopes that can apply to the firm are evaluated
        pairs = []
        for sk, group in rs.by_scope().items():
            check = group[0].scope.check(firm)
            if check[0] != "unmet":
                pairs.extend((entry, check) for entry in group)
        pairs = without_shadowed_copies(pairs)
    common = rs.common_facts()
    rows: list[Row] = []
    tally = Tally()  # counted-only rows in no policy cluster: counted, not sorted or collapsed
    for entry, check in pairs:
        if detail is not None and check[0] != "unmet":
            # a plan holds only clauses in force on the date
            if plan is None and "expired" not in detail and not entry.in_force_on(as_of):
                row = _counted(entry, "expired", entry.validity_on(as_of)[2])
            elif ("ineligible" not in detail and (gates := entry.static_parts().get("gates"))
                  and (plan is not None or entry.in_force_on(as_of)) and gate_unmet(gates, ctx)):
                row = _counted(entry, "ineligible", entry.validity_on(as_of)[2])
            else:
                row = _evaluate_entry(entry, ctx, prof, as_of, check, common, detail)
        else:
            row = _evaluate_entry(entry, ctx, prof, as_of, check, common, detail)
        if not tally.takes(row):
            rows.append(row)
    rows.sort(key=_row_key)
    firm_rows, people_rows, not_for_firm = split_rows(rows, tally.other)
    firm_rows = collapse_rows(firm_rows)
    people_rows = collapse_rows(people_rows)
    results = [row.result for row in firm_rows if row.result is not None]
    for_people = [row.result for row in people_rows if row.result is not None]

    # only eligible (确定) and likely (可能) clauses are summed, separately;
    # unchecked clauses (nothing about the firm checked) never are
    def _items(statuses: tuple[str, ...]) -> list[dict]:
        return [{"id": row.entry.id, "status": row.status, "benefit": row.result["benefit"],
                 "stacking": row.entry.rule.stacking} for row in firm_rows if row.status in statuses]

    certain = apply_stacking(_items(("eligible",)))
    stacked = apply_stacking(_items(("eligible", "likely")))
    notes = list(stacked.get("notes") or [])
    n_unchecked = tally.unchecked_with_amount + sum(
        1 for row in firm_rows if row.status == "unchecked" and row.has_benefit)
    if n_unchecked:
        notes.append(f"另有 {n_unchecked} 条条款的条件未能与企业信息自动比对（未核对），其金额未计入合计")
    total = {
        "min_yuan": certain.get("min_yuan"),
        "max_yuan": stacked.get("max_yuan"),
        "eligible": {"min_yuan": certain.get("min_yuan"), "max_yuan": certain.get("max_yuan")},
        "likely": {"min_yuan": max(0.0, (stacked.get("min_yuan") or 0.0) - (certain.get("min_yuan") or 0.0)),
                   "max_yuan": max(0.0, (stacked.get("max_yuan") or 0.0) - (certain.get("max_yuan") or 0.0))},
        "excluded_by_stacking": list(stacked.get("excluded_by_stacking") or []),
        "notes": notes,
    }
    counts = dict(tally.counts)
    for row in firm_rows:
        counts[row.status] += 1
    if plan is not None:  # counted by the plan, never evaluated
        counts["expired"] += plan.expired_firm
        not_for_firm = dict(plan.not_for_firm)
    if rs.problems:
        warnings = [*warnings, f"知识库中有 {len(rs.problems)} 处规则无法读取或抽取失败，相关条款按无条件、无金额处理"]
    if not firm.inner_mongolia:
        warnings = [*warnings, f"region: 注册地“{firm.name}”不在内蒙古自治区，只适用国家政策"]
    questions = next_questions(results, limit=None, specs=rs.fact_specs())
    shown = results
    if view == "firm":  # the firm's short list: also the ten questions that unlock the most money
        shown = firm_view(results, limit=limit, include=include, offset=offset)
        questions = questions[:FIRM_QUESTIONS]
    elif not lazy:
        for r in results:
            complete(r)
    if not lazy:
        for r in for_people:
            complete(r)
    return {
        "as_of": as_of.isoformat(),
        "derived": _derived_json(ctx.derived),
        "results": shown,
        "counts": counts,
        "actionable": counts["eligible"] + counts["likely"] + counts["needs_info"],
        "total": total,
        "for_people": for_people,
        "not_for_firm": not_for_firm,
        "next_questions": questions,
        "warnings": warnings,
    }


