"""A match's results after evaluation (结果整理): order, beneficiary groups,
one policy once, and the firm's short view.

:func:`huiqi.calc.engine.match` evaluates each clause of the firm's plan
into a :class:`Row`: the clause's entry, its status, its sort key and —
for the statuses the caller lists — a *light* result dict (``id``,
``status``, ``missing``, ``benefit``, ``validity``, ``checked``,
``expected_yuan``) that a pending completion turns into the full issue-4
result (reasons, title, text, citation, contacts, how to apply) only when
it is shown (:func:`complete`). At 10× the bundled corpus a firm's plan
holds ~750 clauses, of which ~180 are ``needs_info``: their totals, order
and next questions need the light fields only, and the firm is shown 30.

Issue 11:

* :func:`split_rows` — results paying the firm's people (受益对象 个人) go to
  ``for_people`` ("惠及贵企业员工/人才", :data:`FOR_PEOPLE_LABEL`, never in
  the total); parks, governments and banks (:data:`huiqi.calc.plan.NOT_FOR_FIRM`)
  are only counted, each policy once;
* :func:`collapse_rows` — each policy once: the issuing clause's row when
  present, else the best-sorted copy, with the other copies as ``sources``;
* :func:`firm_view` — what a firm is shown by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from huiqi.calc.plan import NOT_FOR_FIRM

#: Status order used to sort results (most useful first).
STATUS_ORDER = ("eligible", "likely", "needs_info", "unchecked", "ineligible", "expired")
#: Statuses a firm is asked to act on (可享受 / 很可能 / 需补充信息).
ACTIONABLE = ("eligible", "likely", "needs_info")
_STATUS_INDEX = {s: i for i, s in enumerate(STATUS_ORDER)}
#: Results a firm sees by default (the rest one request away).
DEFAULT_LIMIT = 30
#: Next questions in the firm view (ranked by the money they settle).
FIRM_QUESTIONS = 10
#: Citations of other copies of a policy listed per result in the firm view (the rest counted).
FIRM_SOURCES = 3
#: To-confirm reasons listed per result in the firm view (the rest counted).
FIRM_CONFIRM_REASONS = 4
#: Heading of the group of benefits for a firm's people (never in its total).
FOR_PEOPLE_LABEL = "惠及贵企业员工/人才"
#: Weight of a result's amount in the expected yuan for the firm (期望金额):
#: what is certain counts fully, what is likely half, what needs a fact a
#: quarter (the firm may not qualify), nothing else.
EXPECT_WEIGHT = {"eligible": 1.0, "likely": 0.5, "needs_info": 0.25}
#: Key of a light result holding its pending completion (see :func:`complete`).
PENDING = "_pending"
_NO_END = "9999-12-31"


def expected_yuan(r: dict) -> float:
    """Expected yuan of a result for this firm: the mid-point of its
    ``min_yuan``..``max_yuan`` (the known end when one is open) × the
    weight of its status (:data:`EXPECT_WEIGHT`); 0 without an amount."""
    b = r.get("benefit") or {}
    lo, hi = b.get("min_yuan"), b.get("max_yuan")
    if lo is None and hi is None:
        return 0.0
    mid = ((lo if lo is not None else hi) + (hi if hi is not None else lo)) / 2.0
    return round(mid * EXPECT_WEIGHT.get(r["status"], 0.0), 2)


def sort_key(status: str, expected: float, validity: dict | None, clause_id: int) -> tuple:
    """Status group (eligible first), then expected yuan for this firm
    (largest first), then deadline (``validity["end"]``, soonest first;
    none last), then clause id."""
    end = (validity or {}).get("end") or _NO_END
    return (_STATUS_INDEX[status], -expected, end, clause_id)


@dataclass(slots=True)
class Row:
    """One clause of a match (匹配结果行): ``entry`` (a
    :class:`huiqi.calc.engine.RuleEntry`), ``status``, ``key``
    (:func:`sort_key`), ``result`` — the light result dict, or ``None``
    for a clause only counted (a status the caller does not list) — and
    ``has_benefit`` (the clause has an amount: the 未核对 note of the total
    counts unchecked clauses with one)."""

    entry: Any
    status: str
    key: tuple
    result: dict | None
    has_benefit: bool = False


class Tally:
    """Counted-only rows outside any policy cluster (集中计数): nothing
    collapses with them and they are never listed, so they are counted
    here instead of being sorted, split and collapsed — ``counts``
    {status: n} of the firm's own clauses, ``unchecked_with_amount`` (the
    未核对 note of the total) and ``other`` {beneficiary: clause ids} for
    parks, governments and banks. Rows for the firm's people are not
    counted (as in :func:`split_rows`)."""

    __slots__ = ("counts", "unchecked_with_amount", "other")

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
        self.unchecked_with_amount = 0
        self.other: dict[str, set] = {}

    def takes(self, row: Row) -> bool:
        """Count ``row`` when it is counted-only and in no cluster; return
        whether it was (else the caller keeps the row)."""
        e = row.entry
        if row.result is not None or e.authority_id is not None:
            return False
        ben = e.beneficiary
        if ben in NOT_FOR_FIRM:
            self.other.setdefault(ben, set()).add(e.id)
        elif ben != "个人":
            self.counts[row.status] += 1
            if row.has_benefit and row.status == "unchecked":
                self.unchecked_with_amount += 1
        return True


def complete(r: dict) -> dict:
    """Fill a light result in place with what only a shown result needs
    (its pending completion: reasons, title, text, citation, contacts, how
    to apply) and return it; a complete result is returned unchanged."""
    pending: Callable[[dict], None] | None = r.pop(PENDING, None)
    if pending is not None:
        pending(r)
    return r


def split_rows(rows: list[Row], other: dict[str, set] | None = None
               ) -> tuple[list[Row], list[Row], dict[str, int]]:
    """``(firm rows, for_people rows, not_for_firm)``: rows whose clause
    pays a person (受益对象 个人: 人才, 员工 …) go to ``for_people``; those
    paying a park, platform, government or financial institution
    (:data:`NOT_FOR_FIRM`) are left out and counted in ``not_for_firm``
    {beneficiary: n policies} (copies of a policy counted once; ``other``:
    policies already counted, {beneficiary: ids}, e.g.
    :attr:`Tally.other`). Each kept row's result gets its ``beneficiary``
    (default 企业). Order is kept."""
    firm, people = [], []
    other = {k: set(v) for k, v in (other or {}).items()}
    for row in rows:
        e = row.entry
        ben = e.beneficiary
        if row.result is not None:
            row.result["beneficiary"] = ben or "企业"
        if ben == "个人":
            people.append(row)
        elif ben in NOT_FOR_FIRM:
            other.setdefault(ben, set()).add(e.authority_id or e.id)
        else:
            firm.append(row)
    return firm, people, {ben: len(policies) for ben, policies in other.items()}


def collapse_rows(rows: list[Row]) -> list[Row]:
    """Each policy once: of the rows stating the same policy (same
    ``entry.authority_id``), keep the issuing clause's row when present,
    else the first (best-sorted) one; its result gets ``sources``: the
    citations of the policy's other clauses (reprints, restatements) with
    file and lines. Results outside any cluster get ``sources: []``. Order
    is kept."""
    chosen: dict[int, Row] = {}
    for row in rows:
        auth = row.entry.authority_id
        if auth is None:
            continue
        cur = chosen.get(auth)
        if cur is None or (row.entry.id == auth and cur.entry.id != auth):
            chosen[auth] = row
    out = []
    for row in rows:
        auth = row.entry.authority_id
        if auth is None:
            if row.result is not None:
                row.result["sources"] = []
            out.append(row)
        elif chosen[auth] is row:
            if row.result is not None:
                row.result["sources"] = list(row.entry.policy_sources)
            out.append(row)
    return out


def _cut(s: str | None, n: int) -> str:
    s = s or ""
    return s if len(s) <= n else s[: n - 1] + "…"


def firm_view(results: list[dict], *, limit: int | None = DEFAULT_LIMIT, include: Iterable[str] = ACTIONABLE,
              offset: int = 0) -> list[dict]:
    """What a firm is shown (企业视图): the results whose status is in
    ``include`` (default the actionable ones: eligible, likely, needs_info),
    in result order, from ``offset``, at most ``limit`` (``None``: all);
    results of other statuses are replaced by nothing — their number is
    in ``counts``. ``unchecked`` / ``ineligible`` / ``expired`` come only
    when asked for (``include``), page by page (``offset``, ``limit``).
    Light results (``match(..., lazy=True)``) are completed here, only
    those shown. Shown results are trimmed for size: every checked reason
    and the first :data:`FIRM_CONFIRM_REASONS` to-confirm ones are kept
    (the rest counted in one line); reasons keep their condition, outcome
    and detail, each cut at 60 characters, and the clause text at 100 (the
    full text is one request away: ``/api/clauses/{id}``)."""
    want = set(include)
    picked = [r for r in results if r["status"] in want]
    picked = picked[offset:] if limit is None else picked[offset:offset + limit]
    out = []
    for r in picked:
        r = dict(complete(r))
        r["text"] = _cut(r["text"], 100)
        reasons, confirm = [], 0
        for x in r["reasons"]:  # every checked reason; the first few to-confirm ones
            if x["outcome"] == "to_confirm":
                confirm += 1
                if confirm > FIRM_CONFIRM_REASONS:
                    continue
            reasons.append({**x, "condition": _cut(x.get("condition"), 60), "detail": _cut(x.get("detail"), 60),
                            "source_text": _cut(x.get("source_text"), 40)})
        if confirm > FIRM_CONFIRM_REASONS:
            reasons.append({"condition": f"另有 {confirm - FIRM_CONFIRM_REASONS} 项须人工确认的条件，见条款原文",
                            "outcome": "to_confirm", "source_text": "", "detail": ""})
        r["reasons"] = reasons
        if isinstance(r.get("validity"), dict):  # the window's words, cut (the clause page has them whole)
            r["validity"] = {**r["validity"], "basis": _cut(r["validity"].get("basis"), 60) or None,
                             "note": _cut(r["validity"].get("note"), 60)}
        if len(r.get("sources") or []) > FIRM_SOURCES:  # other copies of the policy: the first few, counted
            r["sources_total"] = len(r["sources"])
            r["sources"] = r["sources"][:FIRM_SOURCES]
        out.append(r)
    return out
