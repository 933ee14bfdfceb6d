"""The calculator's compiled clauses (规则条目): :class:`RuleEntry` — one
clause with its :class:`~huiqi.rules.model.Rule`, region
:class:`~huiqi.calc.scope.Scope`, validity (有效期), contacts, citation and
policy identity — and :class:`RuleSet`, the entries of a knowledge base with
their indexes (by id, key, region scope) and the match plans kept for them.

What does not depend on the firm is worked out once per entry
(:meth:`RuleEntry.static_parts`, :meth:`RuleEntry.validity_on`).
:mod:`huiqi.calc.compile` builds and stores rule sets;
:func:`huiqi.calc.engine.match` evaluates them for a firm.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huiqi.calc.evaluate import gate_leaves
from huiqi.calc.plan import scope_key
from huiqi.calc.scope import Scope, document_scope
from huiqi.calc.apply import apply_info
from huiqi.rules.validity import UNKNOWN_NOTE, effective_validity
from huiqi.rules.model import Condition, Rule, Stacking

#: Reason shown for an extracted clause without any recognised condition.
UNCHECKED_NOTE = "未能从条款中识别出可自动核对的申请条件，请对照原文确认是否符合"
_TITLE_MAX = 40

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
    _fact_specs: dict | None = field(default=None, repr=False, compare=False)
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

    def fact_specs(self) -> dict:
        """``{"facts.<中文名>": FactSpec}``: how to ask each free fact the
        rules test (kind, unit, choices; :func:`huiqi.calc.fact_specs.fact_specs`),
        worked out once per rule set."""
        if self._fact_specs is None:
            from huiqi.calc.fact_specs import fact_specs

            self._fact_specs = fact_specs(self.entries)
        return self._fact_specs

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


def _leaf_kinds(cond: Condition | None) -> list[str]:
    """Leaf kinds of a condition tree in the order of its evaluation
    reasons (one reason per leaf, tree order)."""
    return [leaf.kind or "" for leaf in cond.leaves()] if cond is not None else []


def _has_project_leaf(cond: Condition | None) -> bool:
    """Whether a condition tree tests a project field (``project.*``)."""
    return cond is not None and any(
        leaf.kind != "text" and (leaf.attribute or "").startswith("project.") for leaf in cond.leaves())


