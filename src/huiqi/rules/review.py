"""Review of rules (规则审核, four eyes): officers write reviewed rule versions
of a clause, a reviewer other than the author approves them.

States of a reviewed version and who moves it (:data:`TRANSITIONS`)::

    draft ──submit──▶ submitted ──approve──▶ published ──(next approval)──▶ retired
      ▲                   │
      └──── edit ◀─── rejected ◀──reject──┘

* :func:`save_draft` writes a ``draft`` (body in the reviewed-YAML schema,
  validated by :func:`huiqi.rules.reviewed.rule_from_dict`); an officer's
  later save of the same draft updates it (optimistic locking on
  ``lock_version``).
* :func:`submit` (提交审核) by the author or a colleague: ``draft`` →
  ``submitted``.
* :func:`approve` by a reviewer who is **not the author**: ``submitted`` →
  ``published``; the key's previous published reviewed version is retired.
  Returns the diff against it. The calculator, search and screening see the
  change through :func:`huiqi.rules.store.rules_fingerprint` (no restart).
* :func:`reject` (驳回) with a reason: ``submitted`` → ``rejected``.
* :func:`undecidable_body` (标记为无法机器判断) turns a rule into one whose
  condition is text to confirm, quoting the clause.

Every function raises :class:`ReviewError` with an HTTP-like ``status``
(403 own approval, 404, 409 wrong state or stale, 422 invalid body) and a
Chinese message; the caller writes the audit entry.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.kb.models import Clause, Document, RuleVersion, SourceFile
from huiqi.kb.library import KIND_RULES, record_change
from huiqi.rules.reviewed import rule_from_dict

#: (from status, action) → to status
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "save"): "draft",
    ("rejected", "save"): "draft",
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "published",
    ("submitted", "reject"): "rejected",
}
ACTION_LABELS = {"save": "保存草稿", "submit": "提交审核", "approve": "批准发布", "reject": "驳回"}
STATUS_LABELS = {"draft": "草稿", "submitted": "待审核", "published": "已发布", "rejected": "已驳回",
                 "retired": "已停用"}
#: The label of a condition an officer marked as not machine-checkable.
UNDECIDABLE = "无法机器判断"


class ReviewError(Exception):
    """A refused review step: ``status`` (403/404/409/422) and a Chinese
    ``message``; ``errors`` lists every problem of an invalid body."""

    def __init__(self, status: int, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or [message]


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def current_clause(session: Session, clause_id: int) -> Clause:
    """The clause ``clause_id`` of a current file version; :class:`ReviewError`
    404 otherwise."""
    c = session.scalars(
        select(Clause).join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(Clause.id == clause_id, SourceFile.is_current.is_(True))).first()
    if c is None:
        raise ReviewError(404, f"没有条款 {clause_id}")
    return c


def validate_body(clause: Clause, rule: Any) -> dict:
    """The stored body of a rule submitted for ``clause`` (a mapping in the
    reviewed-YAML schema; ``clause_key`` may be left out, ``excerpt``
    defaults to the clause's first words), normalised the way
    :func:`huiqi.rules.store.rule_body` writes it (plain-text conditions as
    text leaves, dates as ISO strings). Raises :class:`ReviewError` 422
    naming the YAML path of the problem."""
    if not isinstance(rule, Mapping):
        raise ReviewError(422, "rule: 应为规则对象（conditions、benefit …，与 data/rules 的 YAML 格式相同）")
    d = dict(rule)
    d["clause_key"] = clause.key
    d.setdefault("excerpt", clause.text[:30])
    try:
        parsed, excerpt, cases = rule_from_dict(d, "rule")
    except ValueError as exc:
        raise ReviewError(422, str(exc)) from None
    if "".join(excerpt.split()).rstrip("…。.") not in "".join(clause.text.split()):
        raise ReviewError(422, f"rule.excerpt: 与条款原文不符（{excerpt[:20]}…）")
    from huiqi.rules.store import rule_body

    return rule_body(parsed, excerpt, cases, d.get("beneficiary"))  # normalised: JSON-safe, dates as ISO


def _next_version(session: Session, key: str) -> int:
    return (session.scalar(select(func.max(RuleVersion.version)).where(
        RuleVersion.clause_key == key, RuleVersion.origin == "reviewed")) or 0) + 1


def save_draft(session: Session, clause_id: int, rule: Any, author: str,
               version_id: int | None = None, lock_version: int | None = None) -> RuleVersion:
    """Write a draft reviewed version of clause ``clause_id`` (a new one, or
    update draft/rejected ``version_id`` when ``lock_version`` matches its
    ``lock_version``). Raises :class:`ReviewError`."""
    clause = current_clause(session, clause_id)
    body = validate_body(clause, rule)
    now = _now()
    if version_id is not None:
        v = session.get(RuleVersion, version_id)
        if v is None or v.origin != "reviewed" or v.clause_key != clause.key:
            raise ReviewError(404, f"没有该条款的审核规则版本 {version_id}")
        _move(v, "save")
        if lock_version is not None and lock_version != v.lock_version:
            raise ReviewError(409, "规则已被他人修改，请刷新后再编辑")
        v.body, v.title, v.beneficiary = body, body.get("title") or v.title, body.get("beneficiary")
        v.author, v.updated_at, v.note = author, now, None
        session.flush()
        return v
    v = RuleVersion(clause_key=clause.key, clause_id=clause.id, version=_next_version(session, clause.key),
                    origin="reviewed", status="draft", title=body.get("title") or _title(session, clause),
                    beneficiary=body.get("beneficiary"), body=body, author=author, created_at=now, updated_at=now)
    session.add(v)
    session.flush()
    return v


def _title(session: Session, clause: Clause) -> str:
    doc = session.get(Document, clause.document_id)
    return " › ".join(x for x in ((doc.title if doc else None), *(clause.path or [])[-1:]) if x)[:200]


def _move(v: RuleVersion, action: str) -> str:
    to = TRANSITIONS.get((v.status, action))
    if to is None:
        raise ReviewError(409, f"规则版本 {v.id} 当前为“{STATUS_LABELS.get(v.status, v.status)}”，"
                               f"不能{ACTION_LABELS.get(action, action)}")
    return to


def _get(session: Session, version_id: int) -> RuleVersion:
    v = session.get(RuleVersion, version_id)
    if v is None or v.origin != "reviewed":
        raise ReviewError(404, f"没有审核规则版本 {version_id}")
    return v


def submit(session: Session, version_id: int, user: str) -> RuleVersion:
    """提交审核: draft → submitted. Raises :class:`ReviewError`."""
    v = _get(session, version_id)
    v.status = _move(v, "submit")
    v.updated_at = _now()
    session.flush()
    return v


def approve(session: Session, version_id: int, reviewer: str) -> tuple[RuleVersion, str]:
    """Approve (批准发布) a submitted version: it becomes ``published``, the
    key's previous published reviewed version is retired. The reviewer must
    not be the author (four eyes: 403). Returns the version and the unified
    diff (YAML) against the previous published version ('' when none)."""
    v = _get(session, version_id)
    if v.author == reviewer:
        raise ReviewError(403, "不能批准自己编写的规则（四眼原则：须由另一名审核人员批准）")
    to = _move(v, "approve")
    now = _now()
    previous = session.scalars(select(RuleVersion).where(
        RuleVersion.clause_key == v.clause_key, RuleVersion.origin == "reviewed",
        RuleVersion.status == "published")).first()
    diff = ""
    if previous is not None:
        diff = body_diff(previous.body, v.body, f"第{previous.version}版", f"第{v.version}版")
        previous.status, previous.updated_at = "retired", now
    v.status, v.reviewer, v.updated_at = to, reviewer, now
    session.flush()
    from huiqi.kb.push_jobs import enqueue_screen

    enqueue_screen(session, versions=[v.id], reason="rules")  # push (精准推送), same transaction as the publish
    record_change(session, KIND_RULES, "approved", rule_version_id=v.id,
                  detail={"retired": previous.id} if previous is not None else None)
    return v, diff


def reject(session: Session, version_id: int, reviewer: str, reason: str) -> RuleVersion:
    """驳回 a submitted version with a reason (required, 422 without)."""
    if not (reason or "").strip():
        raise ReviewError(422, "reason: 驳回须说明理由")
    v = _get(session, version_id)
    v.status = _move(v, "reject")
    v.reviewer, v.note, v.updated_at = reviewer, reason.strip()[:2000], _now()
    session.flush()
    return v


def body_diff(old: Mapping | None, new: Mapping | None, old_name: str = "原规则", new_name: str = "新规则") -> str:
    """Unified diff of two rule bodies written as YAML ('' when equal)."""
    def lines(b):
        return yaml.safe_dump(dict(b or {}), allow_unicode=True, sort_keys=True, width=100).splitlines()

    return "\n".join(difflib.unified_diff(lines(old), lines(new), old_name, new_name, lineterm=""))


def undecidable_body(clause: Clause, base: Mapping | None = None) -> dict:
    """标记为无法机器判断: ``base`` (default empty) with its conditions
    replaced by one text condition quoting the clause, so the calculator
    says "likely, to confirm" and never "eligible"; the benefit is kept."""
    d = dict(base or {})
    d["conditions"] = {"kind": "text", "text": clause.text[:200], "label": UNDECIDABLE}
    d.pop("tracks", None)
    note = (d.get("reviewer_note") or "").strip()
    d["reviewer_note"] = (note + "；" if note else "") + "条件无法由机器判断，须人工核对原文"
    return d


def history(session: Session, key: str) -> list[RuleVersion]:
    """Every version (both origins) of a clause key, newest first."""
    return list(session.scalars(select(RuleVersion).where(RuleVersion.clause_key == key)
                                .order_by(RuleVersion.origin.desc(), RuleVersion.version.desc())))


# --------------------------------------------------------------------------
# the review queue


def _money_at_stake(body: Mapping, amounts: list) -> float:
    """Largest yuan figure a rule body's benefit states (amount, cap, tier
    amounts), else the largest amount extracted from the clause; 0 when none."""
    best = 0.0

    def walk(x):
        nonlocal best
        if isinstance(x, Mapping):
            for k, v in x.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k.endswith("_yuan"):
                    best = max(best, float(v))
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(body.get("benefit"))
    for t in body.get("tracks") or []:
        walk(t.get("benefit"))
    if not best:
        for a in amounts or []:
            v = a.get("value_yuan") if isinstance(a, Mapping) else None
            if isinstance(v, (int, float)):
                best = max(best, float(v))
    return best


def _uncertainty(body: Mapping) -> tuple[float, list[str]]:
    """(factor ≥ 1, reasons): unchecked conditions and amounts in doubt raise
    the factor."""
    from huiqi.rules.model import Condition

    reasons = []
    factor = 1.0
    cond = body.get("conditions")
    if cond is None:
        factor += 2
        reasons.append("未识别出申报条件")
    else:
        try:
            leaves = Condition.from_dict(cond).leaves()
        except (ValueError, KeyError, TypeError):
            leaves = []
        texts = sum(1 for leaf in leaves if leaf.kind == "text")
        if texts:
            factor += texts
            reasons.append(f"{texts} 个条件只能人工核对")
    benefit = body.get("benefit")
    if benefit is None:
        factor += 1
        reasons.append("未识别出扶持金额")
    elif benefit.get("kind") == "text":
        factor += 0.5
        reasons.append("金额无法计算")
    return factor, reasons


def _reach(region: str | None, level: str | None) -> int:
    """Divisions a document's firms may sit in (the number of 旗县区 under
    its region; the whole region for 国家/自治区 documents) — a stand-in for
    the number of stored firms it may reach until firms are stored."""
    from huiqi.reference.regions import divisions, find_division

    table = divisions()
    d = find_division(region) if region else None
    if d is None or level in ("国家", "自治区") or d.parent is None:
        return max(1, sum(1 for x in table.values() if x.parent is not None and table[x.parent].parent is not None))
    below = [x for x in table.values() if x.parent == d.code]
    return max(1, len(below))


def review_queue(session: Session, visible=None, limit: int = 500) -> list[dict]:
    """Clauses whose rule is not a published reviewed version, most
    important first: priority = money at stake (万元, at least 1) × reach
    (:func:`_reach`) × uncertainty (:func:`_uncertainty`). Each item:
    ``{clause_id, clause_key, title, document{id, title, level, region},
    source, money_yuan, reach, uncertainty, reasons, priority, pending
    [{id, status, version, author}], extracted_id}``. ``visible(document)``
    filters by the user's scope."""
    from huiqi.rules.store import clause_rows

    reviewed = set(session.scalars(select(RuleVersion.clause_key).where(
        RuleVersion.origin == "reviewed", RuleVersion.status == "published")))
    extracted = {k: (vid, body) for vid, k, body in session.execute(
        select(RuleVersion.id, RuleVersion.clause_key, RuleVersion.body).where(
            RuleVersion.origin == "extracted", RuleVersion.status == "published"))}
    pending: dict[str, list[dict]] = {}
    for v in session.scalars(select(RuleVersion).where(
            RuleVersion.origin == "reviewed", RuleVersion.status.in_(("draft", "submitted", "rejected")))):
        pending.setdefault(v.clause_key, []).append(
            {"id": v.id, "status": v.status, "version": v.version, "author": v.author})
    out = []
    seen = set()
    for row in clause_rows(session):
        key = row["key"]
        if key in reviewed or key in seen:
            continue
        seen.add(key)
        doc = row["document"]
        if visible is not None and not visible(doc):
            continue
        vid, body = extracted.get(key, (None, {}))
        body = body or {}
        if body.get("conditions") is None and body.get("benefit") is None and not row.get("amounts"):
            continue  # gives firms nothing (加强组织领导 …)
        money = _money_at_stake(body, row.get("amounts") or [])
        factor, reasons = _uncertainty(body)
        reach = _reach(doc.get("region"), doc.get("level"))
        out.append({
            "clause_id": row["id"], "clause_key": key,
            "title": " › ".join(x for x in (doc.get("title"), *(row.get("path") or [])[-1:]) if x)[:120],
            "text": row["text"][:160],
            "document": {k: doc.get(k) for k in ("id", "title", "level", "region")},
            "source": row["source"], "money_yuan": money, "reach": reach, "uncertainty": factor,
            "reasons": reasons, "priority": round(max(money / 1e4, 1.0) * reach * factor, 1),
            "pending": pending.get(key, []), "extracted_id": vid,
        })
    out.sort(key=lambda x: (-bool(any(p["status"] == "submitted" for p in x["pending"])), -x["priority"]))
    return out[:limit]
