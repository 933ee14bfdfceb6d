"""Policy calculator engine (政策计算器): one enterprise profile against every
clause of the knowledge base.

:func:`load_ruleset` compiles the knowledge base into a :class:`RuleSet`:
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
changes.

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
import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import attrgetter
from datetime import date
from pathlib import Path
from typing import Any

from huiqi.calc.apply import apply_info
from huiqi.calc.benefit import compute_benefit_memo, fmt_yuan
from huiqi.calc.derived import DerivedFact
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
from huiqi.calc.evaluate import bears_on_firm, evaluate, evaluate_shared, gate_leaves, gate_unmet, supported  # hot path: imported once, not per clause
from huiqi.calc.scope import Scope, document_scope, resolve_firm_region
from huiqi.rules.validity import UNKNOWN_NOTE, blocks_eligible, cap_reprint, effective_validity
from huiqi.firm.profile import EnterpriseProfile, load_profile
from huiqi.rules.model import (
    Benefit,
    BenefitSpec,
    Condition,
    Evaluation,
    Reason,
    Rule,
    Stacking,
    combine_all,
)

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
#: Document kinds whose clauses the calculator reads.
DOCUMENT_KINDS = ("document", "guide")
_TITLE_MAX = 40
#: Reason shown for an extracted clause without any recognised condition.
UNCHECKED_NOTE = "未能从条款中识别出可自动核对的申请条件，请对照原文确认是否符合"
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
# the rule set


@dataclass
class RuleEntry:
    """One clause compiled for the calculator.

    ``id`` (clause id), ``key`` (stable clause key), ``title`` (short
    heading: the last heading of the path, at most 40 characters), ``text``, ``path`` (heading strings), ``rule``
    (:class:`~huiqi.rules.model.Rule`; ``rule.origin`` is ``reviewed`` or
    ``extracted``), ``scope`` (:class:`~huiqi.calc.scope.Scope`),
    ``validity`` {start, end, basis, relative} (ISO dates or ``None``),
    ``contacts`` [{org, phone}], ``source`` {file, start_line, end_line}
    (1-based original lines), ``document`` {id, title, level, region, kind}.

    The parts of a calculator result that do not depend on the firm (the
    citation, the document, the region reason's quote, the leaf kinds, the
    validity on a date) are computed once per entry and reused by every
    :func:`match` call.
    """

    id: int
    key: str
    title: str
    text: str
    path: list[str]
    rule: Rule
    scope: Scope
    validity: dict
    contacts: list
    source: dict
    document: dict
    apply: dict = field(default_factory=dict)
    #: 受益对象 (企业 / 个人 / 园区/平台 / 政府部门 / 金融机构 / 其他; None = not known, read as 企业)
    beneficiary: str | None = None
    #: clause id of the authority of the entry's policy cluster (None = not in a cluster)
    authority_id: int | None = None
    #: citations of the other clauses stating the same policy [{id, document{id, title, level, region}, source}]
    policy_sources: list = field(default_factory=list)
    #: ``validity`` before a reprint's was capped by its original's (see :func:`_attach_policy_facts`)
    own_validity: dict | None = field(default=None, compare=False)
    _static: dict | None = field(default=None, init=False, repr=False, compare=False)
    _validity_memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def origin(self) -> str:
        """``reviewed`` or ``extracted``."""
        return self.rule.origin

    @property
    def unchecked(self) -> bool:
        """An extracted rule in which no condition and no track was
        recognised: nothing can be checked, so the clause is "to confirm"
        (never ``eligible``) — in :func:`match` and in batch screening."""
        r = self.rule
        return r.conditions is None and not r.tracks and r.origin == "extracted"

    def static_parts(self) -> dict:
        """Firm-independent pieces of a result, computed once: ``result``
        (the fields ``id``, ``key``, ``title``, ``text``, ``contacts``,
        ``source``, ``origin``, ``document``, ``path`` of a result),
        ``where`` (the region reason's quote: document title, level,
        region), ``caveat`` (suffix of the region reason's detail),
        ``kinds`` (leaf kinds of the main conditions, aligned with their
        reasons), ``unconditional`` (a reviewed rule without conditions or
        tracks: applies to every firm of its region), ``projects``
        (whether any condition, tracks included, tests a project field) and
        ``firm_independent`` (no condition, track included, tests a fact of
        the firm — only text to confirm — and no benefit needs one: fixed
        amounts or text; the evaluation and the amount are then the same for
        every firm and are computed once, see :func:`_evaluate_entry`)."""
        st = self._static
        if st is None:
            doc = self.document
            rule = self.rule
            trees = [rule.conditions, *(t.get("conditions") for t in rule.tracks)]
            st = {
                "result": {"id": self.id, "key": self.key, "title": self.title, "text": self.text,
                           "contacts": self.contacts, "source": self.source, "origin": rule.origin,
                           "apply": self.apply,
                           "document": {k: doc.get(k) for k in ("id", "title", "level", "region")},
                           "path": self.path},
                "where": "，".join(x for x in (doc.get("title"), doc.get("level"), doc.get("region")) if x),
                "caveat": f"（{self.scope.caveat}）" if self.scope.caveat else "",
                "kinds": _leaf_kinds(rule.conditions),
                "unconditional": rule.origin == "reviewed" and rule.conditions is None and not rule.tracks,
                "projects": any(_has_project_leaf(t) for t in trees),
                # leaves that alone settle "ineligible" (see match's detail): main conditions only
                "gates": gate_leaves(rule.conditions) if not rule.tracks and not self.unchecked else (),
                "firm_independent": (
                    all(t is None or all(leaf.kind == "text" for leaf in t.leaves()) for t in trees)
                    and all(b is None or b.kind in ("fixed", "text")
                            for b in (rule.benefit, *(t.get("benefit") for t in rule.tracks)))),
            }
            self._static = st
        return st

    def validity_on(self, as_of: date) -> tuple[str, str, dict]:
        """``(state, note, validity)`` of the clause on ``as_of``:
        :func:`validity_state` of :attr:`validity` and the result's
        ``validity`` object {start, end, basis, relative, state, note, and
        ``reviewed: true`` when a reviewed rule set the window} (memoised
        per date; treat the dict as read-only)."""
        hit = self._validity_memo.get(as_of)
        if hit is None:
            state, note = validity_state(self.validity, as_of)
            v = {k: self.validity.get(k) for k in ("start", "end", "basis", "relative")}
            for k in ("inferred", "capped_by"):
                if self.validity.get(k):
                    v[k] = self.validity[k]
            v["state"] = state
            v["note"] = note
            if self.validity.get("reviewed"):
                v["reviewed"] = True  # window set by a reviewed rule (Rule.validity)
            if len(self._validity_memo) >= 64:
                self._validity_memo.clear()
            hit = self._validity_memo[as_of] = (state, note, v)
        return hit

    def in_force_on(self, as_of: date) -> bool:
        """Whether the clause is not ``expired`` / ``not_yet`` on ``as_of``
        (unknown validity counts as in force, with a caveat)."""
        return self.validity_on(as_of)[0] not in ("expired", "not_yet")

    def main_condition(self) -> Condition | None:
        """The rule's own conditions; for an :attr:`unchecked` extracted rule
        a ``text`` leaf 申请条件 (:data:`UNCHECKED_NOTE`): to confirm."""
        if self.unchecked:
            return Condition.leaf("text", label="申请条件", source_text=UNCHECKED_NOTE)
        return self.rule.conditions

    def screening_condition(self) -> Condition | None:
        """One condition tree whose outcome is the outcome :func:`match`
        gives this clause before region scope and validity (used by batch
        screening, :func:`huiqi.screen.batch.rules_from_ruleset`): the
        :meth:`main_condition` AND-ed with the OR of the track conditions
        (the engine keeps the firm's best track, whose outcome is the best
        one; a track without conditions is always met, so then the OR is
        dropped). ``None`` = no condition (every firm qualifies)."""
        cond = self.main_condition()
        tracks = [t.get("conditions") for t in self.rule.tracks if t.get("conditions") is not None]
        if self.rule.tracks and len(tracks) == len(self.rule.tracks):
            any_track = Condition.any_of(tracks)
            cond = any_track if cond is None else Condition.all_of([cond, any_track])
        return cond

    def screening_rule(self, as_of: date | None = None) -> tuple[int, Condition | None, Scope] | None:
        """``(clause id, screening condition, scope)`` for batch screening
        (:func:`huiqi.screen.batch.screen`), or ``None`` when ``as_of`` is
        given and the clause is not in force on it (every firm would be
        ``expired``): the same pieces :func:`match` decides with, so batch
        and engine cannot drift apart."""
        if as_of is not None and not self.in_force_on(as_of):
            return None
        return self.id, self.screening_condition(), self.scope

    def has_offer(self) -> bool:
        """Whether the clause gives something to firms: a condition, a
        benefit or a track."""
        r = self.rule
        return r.conditions is not None or r.benefit is not None or bool(r.tracks)


@dataclass
class RuleSet:
    """All clauses of a knowledge base compiled for the calculator.

    ``entries`` — :class:`RuleEntry` of every clause offering something to
    firms, in file/document/clause order; ``fingerprint`` — what the cache
    is keyed by; ``n_clauses`` — clauses read; ``n_reviewed`` — entries
    using a reviewed rule; ``skipped`` — clauses left out (no condition, no
    benefit); ``problems`` — Chinese lines for clauses whose extraction
    failed (their rule falls back to "no condition, no benefit") and for
    invalid reviewed-rule files; ``build_seconds`` — time spent compiling.
    """

    entries: list[RuleEntry]
    fingerprint: str = ""
    n_clauses: int = 0
    n_reviewed: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    build_seconds: float = 0.0
    _by_id: dict[int, RuleEntry] = field(default_factory=dict, repr=False)
    _by_key: dict[str, RuleEntry] = field(default_factory=dict, repr=False)
    _by_scope: dict[tuple, list[RuleEntry]] = field(default_factory=dict, repr=False)
    _common_facts: frozenset[str] | None = field(default=None, repr=False)
    #: :class:`huiqi.calc.plan.MatchPlan` per (region chain, date), filled by :func:`huiqi.calc.plan.plan_for`
    plans: dict = field(default_factory=dict, repr=False, compare=False)
    #: what the set was built from (:class:`huiqi.calc.ruleset_update.Basis`; ``None`` for a preview)
    basis: Any = field(default=None, repr=False, compare=False)

    def common_facts(self) -> frozenset[str]:
        """Free facts (``facts.<中文名>``) that the conditions of two or more
        policies test (a cluster of reprints counts once): questions worth
        putting to any firm (登记失业人员招用人数), unlike a fact peculiar to
        one clause (自治区预制菜十强类别)."""
        if self._common_facts is None:
            users: dict[str, set[int]] = {}
            for e in self.entries:
                trees = [e.rule.conditions, *(t.get("conditions") for t in e.rule.tracks)]
                for t in trees:
                    for leaf in t.leaves() if t is not None else ():
                        if (leaf.attribute or "").startswith("facts."):
                            users.setdefault(leaf.attribute, set()).add(e.authority_id or e.id)
            self._common_facts = frozenset(a for a, who in users.items() if len(who) >= 2)
        return self._common_facts

    def by_scope(self) -> dict[tuple, list[RuleEntry]]:
        """Entries grouped by region scope ``(kind, code, caveat)`` (the
        region index :func:`match` uses: a firm's region is checked once per
        scope, and only the groups that can apply are evaluated)."""
        if not self._by_scope:
            for e in self.entries:
                self._by_scope.setdefault(scope_key(e), []).append(e)
        return self._by_scope

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}
        self._by_key = {e.key: e for e in self.entries}

    def get(self, ref: int | str) -> RuleEntry | None:
        """The entry of a clause id (int or digit string) or clause key."""
        if type(ref) is int:
            return self._by_id.get(ref)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            return self._by_id.get(int(ref))
        return self._by_key.get(str(ref))

    def __len__(self) -> int:
        return len(self.entries)


def _short_title(path: list[str], doc_title: str | None) -> str:
    head = (path[-1] if path else "") or doc_title or ""
    head = head.strip().rstrip("…").strip()
    return head if len(head) <= _TITLE_MAX else head[: _TITLE_MAX - 1] + "…"


def _entry(row: dict, rule: Rule, doc_contacts: list | None = None) -> RuleEntry:
    """The :class:`RuleEntry` of one clause row (:func:`huiqi.rules.store.clause_rows`)
    and its rule."""
    doc = row["document"]
    return RuleEntry(
        id=row["id"],
        key=row["key"],
        title=_short_title(row.get("path") or [], doc.get("title")),
        text=row["text"],
        path=list(row.get("path") or []),
        rule=rule,
        scope=document_scope(doc),
        validity=apply_validity_override(
            effective_validity(row.get("validity") or {}, doc, row.get("container_title")), rule.validity),
        contacts=list(row.get("contacts") or []),
        source=dict(row["source"]),
        document={k: doc.get(k) for k in ("id", "title", "level", "region", "kind")},
        apply=apply_info(row.get("text") or "", row.get("fields"), row.get("responsible_units"),
                         row.get("contacts"), doc_contacts),
    )


def apply_validity_override(validity: dict, override: Mapping | None) -> dict:
    """A clause's validity {start, end, basis, relative} corrected by a
    reviewed rule's ``validity`` {start?, end?, text} (:attr:`Rule.validity
    <huiqi.rules.model.Rule.validity>`): the dates it gives replace the
    clause's, its ``text`` becomes the ``basis`` quoted in the result, and
    ``reviewed`` is set to ``True``. ``override`` ``None`` → ``validity``
    unchanged."""
    if not override:
        return validity
    out = dict(validity)
    for k in ("start", "end"):
        if override.get(k):
            out[k] = str(override[k])
    out["basis"] = override.get("text") or out.get("basis")
    out["reviewed"] = True
    return out


def _with_subjects(rule: Rule, row: Mapping) -> Rule:
    """A rule with the clause's subjects checked against the firm: for an
    extracted rule, founder groups (:func:`~huiqi.calc.subjects.founder_conditions`)
    and OR branches testing nothing about the firm pruned
    (:func:`~huiqi.calc.subjects.prune_unchecked_branches`), a park subject
    (乳业开发区企业) asked as ``facts.所在园区`` (:func:`~huiqi.calc.subjects.park_conditions`); for every rule, the product/species subject
    (:func:`huiqi.calc.subjects.product_condition`: 养殖300只以上鸵鸟 is for
    ostrich farms) AND-ed to its conditions; the rule unchanged when the
    clause names none, a reviewed rule already tests ``products``, or a
    reviewed rule says ``product_subject: false``. Applies to reviewed rules
    too (a reviewer states the numbers; the species words are the clause's
    own). Returns a copy; the cached rule is not touched."""
    from huiqi.calc.subjects import founder_conditions, park_conditions, product_condition, prune_unchecked_branches

    if rule.origin == "extracted":
        founders = park_conditions(prune_unchecked_branches(founder_conditions(rule.conditions, row.get("text") or "")))
        if founders is not rule.conditions:
            rule = copy.copy(rule)
            rule.conditions = founders
    if not rule.product_subject:
        return rule
    trees = [rule.conditions, *(t.get("conditions") for t in rule.tracks)]
    if any(t is not None and any(leaf.attribute == "products" for leaf in t.leaves()) for t in trees):
        return rule
    leaf = product_condition(" ".join([*(row.get("path") or [])[-2:], row.get("text") or ""]))
    if leaf is None:
        return rule
    out = copy.copy(rule)
    out.conditions = leaf if rule.conditions is None else Condition.all_of([rule.conditions, leaf])
    return out


def _spread_document_stacking(entries: list[RuleEntry]) -> None:
    """A document-wide stacking principle (本政策与其他政策交叉重复的按就高不
    重复…, :func:`huiqi.calc.stacking.is_document_wide`) stated in one clause
    applies to every extracted clause of the same document that states no
    stacking rule of its own."""
    from huiqi.rules.stacking import is_document_wide

    wide: dict[Any, Stacking] = {}
    for e in entries:
        st = e.rule.stacking
        if is_document_wide(st) and e.document.get("id") not in wide:
            wide[e.document.get("id")] = st
    for e in entries:
        st = wide.get(e.document.get("id"))
        if st is not None and e.rule.stacking is None and e.origin == "extracted":
            e.rule.stacking = st


def build_ruleset(session, rules_dir: Path | None = None, fingerprint: str = "", *,
                  reviewed: bool = True) -> RuleSet:
    """Compile the current clauses of the database behind ``session`` (a
    SQLAlchemy ``Session``) into a :class:`RuleSet` from the stored rule
    versions (:func:`huiqi.rules.store.published_rules`): per clause the
    published reviewed version where there is one, else the published
    extracted one. Clauses without a stored extracted version of the
    current extraction code (a database written by older code) are
    extracted in memory here; :func:`load_ruleset` stores them first so
    this happens once.

    ``rules_dir`` (a directory of reviewed-rule YAML files) previews those
    files instead of the stored reviewed versions, without writing anything
    (``huiqi match --rules DIR``, tests). ``reviewed=False`` ignores
    reviewed rules altogether (the calculator on text alone, as
    ``benchmarks/extraction_vs_reviewed.py`` measures it). Never raises
    for a bad clause or rule: see ``RuleSet.problems``."""
    with _gc_paused():  # ~10^5–10^6 long-lived objects: collecting while building them cost a third of the time
        return _build(session, rules_dir, fingerprint, reviewed)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector (restored on exit, also on error)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(session, rules_dir: Path | None, fingerprint: str, reviewed: bool) -> RuleSet:
    from huiqi.rules import store
    from huiqi.rules.reviewed import load_reviewed_rules_report

    t0 = time.perf_counter()
    rows = store.clause_rows(session)
    _add_container_titles(session, rows)
    extracted, stored_reviewed, problems = store.published_rules(session)
    if rules_dir is not None:
        report = load_reviewed_rules_report(rules_dir)
        problems.extend(report.errors)
        chosen = report.rules
    else:
        chosen = stored_reviewed
    if not reviewed:
        chosen = {}
    basis = None
    if rules_dir is None and reviewed:
        from huiqi.calc.ruleset_update import snapshot

        basis = snapshot(session)  # what an incremental update compares against
    compiled = compile_rows(rows, chosen, extracted, problems)
    _attach_policy_facts(session, rows, compiled, chosen)
    entries, skipped, n_reviewed = offered(compiled)
    rs = RuleSet(entries, fingerprint, len(rows), n_reviewed, skipped, problems, time.perf_counter() - t0)
    if basis is not None:
        basis.cited = {r["id"]: _citation(r) for r in rows if r["id"] in basis.links}
        rs.basis = basis
    return rs


def offered(compiled: list[RuleEntry]) -> tuple[list[RuleEntry], int, int]:
    """``(entries, skipped, n_reviewed)``: the compiled entries that offer
    firms something (:meth:`RuleEntry.has_offer`), how many were left out,
    and how many of those kept use a reviewed rule."""
    entries = [e for e in compiled if e.has_offer()]
    return entries, len(compiled) - len(entries), sum(e.origin == "reviewed" for e in entries)


def compile_rows(rows: list[dict], chosen: Mapping, extracted: dict, problems: list[str]) -> list[RuleEntry]:
    """The :class:`RuleEntry` of each clause row (:func:`huiqi.rules.store.clause_rows`
    dicts, whole documents), from the reviewed rule ``chosen`` by clause key,
    else the ``extracted`` one (extracted in memory, and added to
    ``extracted``, when missing; failures appended to ``problems``), with
    subjects and document-wide stacking; beneficiary and policy identity
    are not filled in yet (:func:`_attach_policy_facts`)."""
    from huiqi.rules import store

    compiled = []
    doc_contacts: dict[Any, list] = {}
    for row in rows:  # a document's contacts (联系方式) stand for clauses that name none
        if row.get("contacts"):
            doc_contacts.setdefault(row["document"].get("id"), list(row["contacts"]))
    for row in rows:
        rule = chosen.get(row["key"])
        if rule is None:
            rule = extracted.get(row["key"])
            if rule is None:
                rule, bad = store.extract_rule(row)
                problems.extend(bad)
                extracted[row["key"]] = rule
            else:
                rule = copy.copy(rule)  # document-wide stacking is filled in per entry
        rule = _with_subjects(rule, row)
        compiled.append(_entry(row, rule, doc_contacts.get(row["document"].get("id"))))
    _spread_document_stacking(compiled)
    return compiled


def _engine_of(db: Any):
    """(SQLAlchemy engine, url, owned) for ``db``: an Engine, a URL / SQLite
    path, or ``None`` (the configured database, see
    :func:`huiqi.config.resolve_db`)."""
    from sqlalchemy import Engine

    if isinstance(db, Engine):
        return db, db.url.render_as_string(hide_password=True), False
    from huiqi.config import resolve_db_url
    from huiqi.kb.db import get_engine

    url = resolve_db_url(str(db) if db is not None else None)
    return get_engine(url), url, True


def library_key(session) -> str:
    """What a compiled rule set is keyed by: the library version
    (:func:`huiqi.kb.library.library_version`, ``lib=<library id>:<seq>``,
    one primary-key read that every change of clauses, documents, rule
    versions and policy clusters moves), or for a database without the
    change log the older fingerprints (:func:`db_fingerprint` and
    :func:`huiqi.rules.store.rules_fingerprint`)."""
    from huiqi.kb.library import library_version

    v = library_version(session)
    if v is not None:
        return f"lib={v.key}"
    from huiqi.rules.store import rules_fingerprint

    return f"{db_fingerprint(session)}|{rules_fingerprint(session)}"


def _rules_files(rules_dir: Path | None) -> str:
    """Names, sizes and modification times of the preview rule files of
    ``rules_dir`` (``""`` without one)."""
    from huiqi.rules.reviewed import rule_files

    parts = []
    if rules_dir is not None:
        for p in rule_files(rules_dir):
            try:
                st = p.stat()
            except OSError:
                continue
            parts.append(f"{p}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def ensure_extracted(engine) -> int:
    """Store the extracted rule of every current clause that has none of the
    current extraction code (:func:`huiqi.rules.store.sync_extracted`), in
    its own transaction; returns how many were written. A concurrent writer
    that stored them first is not an error (0 is returned)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from huiqi.kb.db import session_scope
    from huiqi.kb.identity import lock_for_write
    from huiqi.rules.store import sync_extracted

    try:
        with session_scope(engine) as s:
            lock_for_write(s)  # another process may be storing them right now
            return sync_extracted(s).written
    except (IntegrityError, OperationalError) as exc:
        # a concurrent writer, a locked or read-only database, an old schema: the rules are
        # extracted in memory instead (every process pays for it until they are stored)
        log.warning("抽取规则未能保存（%s: %s），本进程在内存中抽取", type(exc).__name__, str(exc).splitlines()[0])
        return 0


def db_fingerprint(session) -> str:
    """Fingerprint of the knowledge base content: count and largest id of
    the current source files, and the largest clause id (changes on every
    ingest of a new or changed file)."""
    from sqlalchemy import func, select

    from huiqi.kb.models import Clause, SourceFile

    n, top = session.execute(
        select(func.count(SourceFile.id), func.max(SourceFile.id)).where(SourceFile.is_current.is_(True))
    ).one()
    top_clause = session.execute(select(func.max(Clause.id))).scalar()
    from huiqi.kb.lifecycle import revision  # publications and metadata corrections (officer workspace)

    return f"files={n}:{top}:clauses={top_clause}:{revision(session)}"


_CACHE: dict[str, RuleSet] = {}
_LOCK = threading.Lock()


def load_ruleset(db: Any = None, *, rules_dir: Path | None = None, reviewed: bool = True) -> RuleSet:
    """The :class:`RuleSet` of a database (``db``: SQLAlchemy Engine, URL,
    SQLite path, or ``None`` for the configured database), compiled once and
    cached in-process keyed by URL, ``rules_dir``/``reviewed`` (see
    :func:`build_ruleset`) and the fingerprint (:func:`library_key`: the
    library version, and the preview files' names, sizes and modification
    times); the compiled set is also stored beside the database under a
    name derived from that key, so other processes and hosts read it
    instead of compiling. Clauses lacking a stored extracted rule are extracted and
    stored first (:func:`ensure_extracted`), so only the first process
    after a code upgrade pays for extraction. Raises SQLAlchemy errors when
    the database cannot be read."""
    from sqlalchemy.orm import Session

    from huiqi.rules.store import needs_sync

    engine, url, owned = _engine_of(db)
    try:
        with Session(engine) as s:
            if needs_sync(s):
                ensure_extracted(engine)
        with Session(engine) as s:
            fp = f"{library_key(s)}|{_rules_files(rules_dir)}|reviewed={reviewed}"
            cache_key = f"{url}|{rules_dir}|{reviewed}"
            with _LOCK:
                hit = _CACHE.get(cache_key)
                if hit is not None and hit.fingerprint == fp:
                    return hit
            stored = _stored_path(url, fp) if rules_dir is None else None
            rs = _read_stored(stored, fp) if stored is not None else None
            if rs is None:
                rs = build_ruleset(s, rules_dir, fp, reviewed=reviewed)
                if stored is not None:
                    _write_stored(stored, rs)
    finally:
        if owned:
            engine.dispose()
    with _LOCK:
        _CACHE[cache_key] = rs
    return rs


def refresh_ruleset(db: Any, rs: RuleSet, document_ids: Iterable[int] = ()) -> RuleSet | None:
    """``rs`` (a rule set :func:`load_ruleset` gave for ``db``) brought up
    to the database's current library version without compiling the whole
    library (:func:`huiqi.calc.ruleset_update.update_ruleset`; ``document_ids``
    — the documents the change log names). The result is cached and stored
    like :func:`load_ruleset`'s, so the next worker reads it instead of
    compiling. Returns ``rs`` itself when nothing changed, ``None`` when a
    full :func:`load_ruleset` is needed. Raises SQLAlchemy errors."""
    from sqlalchemy.orm import Session

    from huiqi.calc.ruleset_update import update_ruleset
    from huiqi.rules.store import needs_sync

    engine, url, owned = _engine_of(db)
    try:
        with Session(engine) as s:
            if needs_sync(s):
                return None  # clauses without stored rules: load_ruleset stores them first
            fp = f"{library_key(s)}|{_rules_files(None)}|reviewed=True"
            if fp == rs.fingerprint:
                return rs
            new = update_ruleset(s, rs, fp, tuple(document_ids))
    finally:
        if owned:
            engine.dispose()
    if new is None:
        return None
    _write_stored(_stored_path(url, fp), new)
    with _LOCK:
        _CACHE[f"{url}|None|True"] = new
    return new


#: Bump when :class:`RuleEntry` / :class:`RuleSet` change shape (stored rule sets are then rebuilt).
RULESET_FORMAT = 2


def _stored_path(url: str, fingerprint: str) -> Path:
    """Where the compiled rule set of ``fingerprint`` is kept: beside the
    database's other derived files (:func:`huiqi.config.derived_dir`)."""
    import hashlib

    from huiqi.config import derived_dir
    from huiqi.rules.store import extractor_version

    digest = hashlib.sha1(f"{RULESET_FORMAT}|{extractor_version()}|{_code_version()}|{fingerprint}".encode())
    return derived_dir(url) / "rules" / f"ruleset-{digest.hexdigest()[:20]}.pickle"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Fingerprint of the calculator and rules code (their module sources):
    a stored rule set compiled by other code is never read back."""
    import hashlib

    h = hashlib.sha1()
    for pkg in ("calc", "rules"):
        for f in sorted((Path(__file__).resolve().parents[1] / pkg).glob("*.py")):
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _read_stored(path: Path, fingerprint: str) -> RuleSet | None:
    """The rule set stored at ``path`` (our own derived file, written by
    :func:`_write_stored`), or ``None`` when missing or unreadable."""
    import pickle

    try:
        with _gc_paused():  # ~10^6 new objects, none garbage: collecting meanwhile tripled the time (1.4 → 3.9 s at 100×)
            rs = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return rs if isinstance(rs, RuleSet) and rs.fingerprint == fingerprint else None


def _write_stored(path: Path, rs: RuleSet) -> None:
    """Store a compiled rule set atomically (written to a per-process temp
    file, then renamed). Other rule-set files of the directory older than a
    minute are removed (a newer one another host just wrote is kept). A
    failure only costs the next process a rebuild."""
    import os
    import pickle

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(rs, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        import time

        for old in path.parent.glob("ruleset-*.pickle"):
            try:
                if old != path and time.time() - old.stat().st_mtime > 60:
                    old.unlink(missing_ok=True)
            except OSError:
                continue
    except OSError:
        pass


def clear_cache() -> None:
    """Forget every cached rule set and extraction result."""
    with _LOCK:
        _CACHE.clear()


# --------------------------------------------------------------------------
# validity


def validity_state(validity: Mapping, as_of: date) -> tuple[str, str]:
    """``(state, note)`` of a clause's validity (有效期) on ``as_of``:
    ``in_force`` / ``expired`` (known end before ``as_of``) / ``not_yet``
    (known start after ``as_of``) / ``unknown`` (no dates), with a Chinese
    note quoting the validity text (``basis``)."""
    start, end = validity.get("start"), validity.get("end")
    basis = (validity.get("basis") or validity.get("relative") or "").strip()
    quoted = f"（原文：{basis}）" if basis else ""
    try:
        s = date.fromisoformat(start) if start else None
        e = date.fromisoformat(end) if end else None
    except (TypeError, ValueError):
        return "unknown", f"有效期无法识别{quoted}"
    if e is not None and e < as_of:
        return "expired", f"已于 {e.isoformat()} 到期{quoted}，计算日期 {as_of.isoformat()}"
    if s is not None and s > as_of:
        return "not_yet", f"自 {s.isoformat()} 起施行{quoted}，计算日期 {as_of.isoformat()} 尚未生效"
    if s is None and e is None:
        return "unknown", f"{UNKNOWN_NOTE}：起止日期未知{quoted}，请向受理部门确认是否仍在执行" if basis else f"{UNKNOWN_NOTE}：文件未载明有效期，请向受理部门确认是否仍在执行"
    span = f"{s.isoformat() if s else '?'} 至 {e.isoformat() if e else '长期'}"
    return "in_force", f"有效期 {span}{quoted}"


# --------------------------------------------------------------------------
# matching one profile


def _as_profile(profile: Any) -> tuple[EnterpriseProfile, list[str]]:
    if isinstance(profile, EnterpriseProfile):
        return profile, []
    return load_profile(profile)


def _leaf_kinds(cond: Condition | None) -> list[str]:
    """Leaf kinds of a condition tree in the order of its evaluation
    reasons (one reason per leaf, tree order)."""
    return [leaf.kind or "" for leaf in cond.leaves()] if cond is not None else []


def _has_project_leaf(cond: Condition | None) -> bool:
    """Whether a condition tree tests a project field (``project.*``)."""
    return cond is not None and any(
        leaf.kind != "text" and (leaf.attribute or "").startswith("project.") for leaf in cond.leaves())


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
    extra: list[dict] = []  # reasons added by the status rules below, listed last
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
                  and entry.in_force_on(as_of) and gate_unmet(gates, ctx)):
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
    questions = next_questions(results, limit=None)
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


# --------------------------------------------------------------------------
# policy identity and beneficiary (issue 11)

def _add_container_titles(session, rows: list[dict]) -> None:
    """Set ``container_title`` on clause rows whose document has no issue
    date: the title of the front matter of the same file (the cover of the
    compilation it is printed in), so its year can be read
    (:func:`huiqi.rules.validity.effective_validity`)."""
    from sqlalchemy import select

    from huiqi.kb.models import Document

    covers = {fid: t for fid, t in session.execute(
        select(Document.source_file_id, Document.title).where(Document.kind == "front_matter")) if t}
    if not covers:
        return
    file_of = dict(session.execute(select(Document.id, Document.source_file_id)).all())
    for row in rows:
        doc = row["document"]
        if not doc.get("issued"):
            t = covers.get(file_of.get(doc.get("id")))
            if t:
                row["container_title"] = t


def _attach_policy_facts(session, rows: list[dict], entries: list[RuleEntry], reviewed: Mapping) -> None:
    """Fill each entry's :attr:`RuleEntry.beneficiary` (the published rule
    versions' 受益对象, else the clause text's, see
    :func:`huiqi.rules.store.beneficiary_of`) and its policy identity
    (:mod:`huiqi.kb.policy_identity`: the stored clusters, or clusters detected in
    memory when none is stored): ``authority_id``, ``policy_sources``, and
    a reprint's validity capped by its original's
    (:func:`huiqi.rules.validity.cap_reprint`)."""
    from huiqi.kb.policy_identity import detect_clusters, load_links
    from huiqi.rules.beneficiary import classify_beneficiary
    from huiqi.rules.store import published_beneficiaries

    try:
        stored = published_beneficiaries(session)
    except Exception:  # an older schema: read the text
        stored = {}
    for e in entries:
        e.beneficiary = stored.get(e.key) if e.key in stored else classify_beneficiary(e.text)
        e.own_validity = e.validity
    try:
        links = load_links(session)
    except Exception:  # database without the policy_links table
        links = {}
    if not links:
        links = {cid: (c.authority, c.similarity.get(cid, 1.0)) for c in detect_clusters(rows) for cid in c.members}
    if not links:
        return
    cited = {r["id"]: _citation(r) for r in rows if r["id"] in links}
    link_entries(entries, links, cited)


def link_entries(entries: Iterable[RuleEntry], links: Mapping[int, tuple[int, float]], cited: Mapping[int, dict]) -> None:
    """Policy identity of ``entries`` from ``links`` ({clause id:
    (authority clause id, similarity)}, :func:`huiqi.kb.policy_identity.load_links`):
    ``authority_id``, ``policy_sources`` (the ``cited`` citations of the
    cluster's other members, by clause id; members without one are left
    out) and a reprint's ``validity`` capped by its original's when the
    original is among ``entries`` (:func:`huiqi.rules.validity.cap_reprint`).
    Entries not in ``links`` are left as they are."""
    entries = list(entries)
    members: dict[int, list[int]] = {}
    for cid, (auth, _) in links.items():
        members.setdefault(auth, []).append(cid)
    entry_of = {e.id: e for e in entries}
    for e in entries:
        link = links.get(e.id)
        if link is None:
            continue
        auth = link[0]
        e.authority_id = auth
        e.policy_sources = [cited[c] for c in sorted(members.get(auth, [])) if c != e.id and c in cited]
        original = entry_of.get(auth)
        if auth != e.id and original is not None:
            e.validity = cap_reprint(e.validity, original.validity)


def _citation(row: Mapping) -> dict:
    doc = row.get("document") or {}
    return {"id": row["id"], "document": {k: doc.get(k) for k in ("id", "title", "level", "region")},
            "source": dict(row["source"])}
