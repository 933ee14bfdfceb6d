"""Rule review JSON API (规则审核接口, four eyes). Every route declares its
permission through :func:`huiqi.web.auth.require`; lists and by-id access
are limited to the user's region scope (a rule of a clause outside it
answers 404, like an unknown id). Every change is audited.

* ``GET /api/rules?status=&origin=&sort=priority`` — rule versions
  (:class:`huiqi.rules.schema.RuleVersionInfo`); ``sort=priority`` orders
  them by the impact of their clause (:func:`huiqi.rules.review.review_queue`);
* ``GET /api/review-queue`` — clauses without a published reviewed rule,
  most important first;
* ``GET /api/rules/{id}`` — one version with ``rule`` in the reviewed-YAML
  schema (:class:`huiqi.rules.schema.RuleVersionDetail`);
* ``POST /api/rules/{clause_id}/versions`` — body ``{rule, version_id?,
  lock_version?}`` → 201 the new draft (or the updated draft);
* ``POST /api/rules/{clause_id}/preview`` — body ``{rule}`` → the rule's
  worked cases run as if published;
* ``POST /api/rule-versions/{id}/submit`` · ``/approve`` (→ ``{…, diff}``;
  approving one's own version is 403) · ``/reject`` (body ``{reason}``).
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from huiqi.kb.accounts import PERM_RULE_EDIT, PERM_RULE_REVIEW, in_scope, region_code
from huiqi.rules.review import ReviewError
from huiqi.rules.schema import RuleVersionDetail, RuleVersionInfo
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import ApiError
from huiqi.web.state import state_of

router = APIRouter(tags=["规则审核"])

_MAX_ID = 2**62


def _error(exc: ReviewError) -> ApiError:
    code = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(exc.status, "invalid_input")
    return ApiError(exc.status, exc.message, code, errors=exc.errors if len(exc.errors) > 1 else None)


def visible_to(principal):
    """A predicate on a document dict ``{region, …}``: whether the user's
    region scope covers it (admins see everything)."""
    def visible(doc: dict) -> bool:
        return principal.role == "admin" or in_scope(principal.region, region_code(doc.get("region")))

    return visible


def _clause_doc(session, clause_id: int | None) -> dict | None:
    from huiqi.kb.models import Clause, Document

    if clause_id is None:
        return None
    c = session.get(Clause, clause_id)
    d = session.get(Document, c.document_id) if c is not None else None
    return {"id": d.id, "title": d.title, "region": d.region, "level": d.level} if d is not None else None


def _check_scope(session, principal, clause_id: int | None) -> None:
    doc = _clause_doc(session, clause_id)
    if doc is None:
        if principal.role != "admin":  # an orphan: only the whole-region scope may look
            if not in_scope(principal.region, None):
                raise ApiError(404, "未找到该规则", "not_found")
        return
    if not visible_to(principal)(doc):
        raise ApiError(404, "未找到该规则", "not_found")


def _version(session, principal, version_id: int):
    from huiqi.kb.models import RuleVersion

    v = session.get(RuleVersion, version_id) if 0 < version_id < _MAX_ID else None
    if v is None:
        raise ApiError(404, f"没有规则版本 {version_id}", "not_found")
    _check_scope(session, principal, v.clause_id)
    return v


def _audit(session, principal, request, action: str, v, before=None, after=None) -> None:
    from huiqi.kb.audit import record_for

    record_for(session, principal, client_ip(request), action, object_type="rule_version", object_id=str(v.id),
               before=before, after=after)


@router.get("/api/rules", summary="规则版本列表", response_model=list[RuleVersionInfo])
def api_rules(request: Request, status: Optional[str] = Query(None, max_length=16),
              origin: Optional[str] = Query(None, max_length=16),
              sort: Optional[str] = Query(None, pattern="^(priority|key)$"),
              principal=Depends(require(PERM_RULE_EDIT))):
    """Rule versions in the user's scope; ``sort=priority`` puts versions of
    the most important clauses first."""
    from huiqi.kb.db import session_scope
    from huiqi.rules.review import review_queue
    from huiqi.rules.store import list_versions

    visible = visible_to(principal)
    with session_scope(state_of(request).engine) as s:
        try:
            rows = list_versions(s, status, origin)
        except ValueError as exc:
            raise ApiError(422, str(exc)) from None
        docs: dict[int, Any] = {}
        out = []
        for v in rows:
            if v.clause_id not in docs:
                docs[v.clause_id] = _clause_doc(s, v.clause_id)
            doc = docs[v.clause_id]
            if (doc is None and principal.role != "admin" and not in_scope(principal.region, None)) or (
                    doc is not None and not visible(doc)):
                continue
            out.append(RuleVersionInfo.of(v))
        if sort == "priority":
            rank = {q["clause_key"]: i for i, q in enumerate(review_queue(s, visible, limit=100000))}
            out.sort(key=lambda r: rank.get(r.clause_key, len(rank)))
    return out


@router.get("/api/review-queue", summary="待审核条款（按影响排序）")
def api_review_queue(request: Request, limit: int = Query(200, ge=1, le=5000),
                     principal=Depends(require(PERM_RULE_EDIT))):
    """Clauses in scope whose rule is not a published reviewed version, most
    important first (money at stake × reach × uncertainty)."""
    from huiqi.kb.db import session_scope
    from huiqi.rules.review import review_queue

    with session_scope(state_of(request).engine) as s:
        return review_queue(s, visible_to(principal), limit)


@router.get("/api/rules/{version_id}", summary="一个规则版本（含规则本身）", response_model=RuleVersionDetail)
def api_rule(request: Request, version_id: int, principal=Depends(require(PERM_RULE_EDIT))):
    """One rule version with ``rule`` in the reviewed-YAML schema."""
    from huiqi.kb.db import session_scope

    with session_scope(state_of(request).engine) as s:
        return RuleVersionDetail.of(_version(s, principal, version_id))


@router.post("/api/rules/{clause_id}/versions", summary="为条款保存审核规则草稿", status_code=201,
             response_model=RuleVersionDetail)
def api_save_draft(request: Request, clause_id: int, body: dict = Body(..., examples=[{"rule": {
        "conditions": {"all": [{"kind": "threshold", "attribute": "employees", "operator": "<=", "value": 300,
                                "text": "从业人员300人以下"}]},
        "benefit": {"kind": "fixed", "amount_yuan": 100000, "formula": "一次性奖励10万元"}}}]),
        principal=Depends(require(PERM_RULE_EDIT))):
    """A new draft (or an update of draft ``version_id`` at ``lock_version``)."""
    from huiqi.kb.db import session_scope
    from huiqi.rules.review import save_draft

    if not 0 < clause_id < _MAX_ID:
        raise ApiError(404, f"没有条款 {clause_id}", "not_found")
    version_id, lock = body.get("version_id"), body.get("lock_version")
    if version_id is not None and not isinstance(version_id, int) or lock is not None and not isinstance(lock, int):
        raise ApiError(422, "version_id / lock_version: 应为整数")
    with session_scope(state_of(request).engine) as s:
        if _clause_doc(s, clause_id) is not None:
            _check_scope(s, principal, clause_id)
        try:
            v = save_draft(s, clause_id, body.get("rule"), principal.username, version_id, lock)
        except ReviewError as exc:
            raise _error(exc) from None
        _audit(s, principal, request, "rule.save", v, after={"status": v.status, "rule": v.body})
        out = RuleVersionDetail.of(v)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if version_id is None else 200)


@router.post("/api/rules/{clause_id}/preview", summary="试算规则的测试用例（不保存）")
def api_preview(request: Request, clause_id: int, body: dict = Body(...),
                principal=Depends(require(PERM_RULE_EDIT))):
    """Worked cases of ``body.rule`` run as if the rule were published."""
    from huiqi.kb.db import session_scope
    from huiqi.rules.review import current_clause, validate_body
    from huiqi.services.rules import preview_cases

    st = state_of(request)
    with session_scope(st.engine) as s:
        try:
            clause = current_clause(s, clause_id) if 0 < clause_id < _MAX_ID else None
            if clause is None:
                raise ReviewError(404, f"没有条款 {clause_id}")
            _check_scope(s, principal, clause_id)
            rule = validate_body(clause, body.get("rule"))
        except ReviewError as exc:
            raise _error(exc) from None
        key = clause.key
    try:
        return {"cases": preview_cases(st.engine, key, rule)}
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None


def _step(request: Request, principal, version_id: int, action: str, **kw) -> dict:
    from huiqi.kb.db import session_scope
    from huiqi.rules import review

    st = state_of(request)
    with session_scope(st.engine) as s:
        v = _version(s, principal, version_id)
        before = {"status": v.status}
        try:
            if action == "submit":
                v, diff = review.submit(s, version_id, principal.username), None
            elif action == "approve":
                v, diff = review.approve(s, version_id, principal.username)
            else:
                v, diff = review.reject(s, version_id, principal.username, kw.get("reason") or ""), None
        except ReviewError as exc:
            raise _error(exc) from None
        _audit(s, principal, request, f"rule.{action}", v, before=before,
               after={"status": v.status, **({"diff": diff} if diff else {}),
                      **({"reason": v.note} if action == "reject" else {})})
        out = RuleVersionDetail.of(v).model_dump(mode="json")
    if action == "approve":
        out["diff"] = diff
        st.refresh()  # this worker at once; the others within seconds (rules fingerprint)
        from huiqi.web.push_api import push_soon

        push_soon(st.engine)  # 精准推送: screen the published rule against the stored firms (its job is committed)
    return out


@router.post("/api/rule-versions/{version_id}/submit", summary="提交审核")
def api_submit(request: Request, version_id: int, principal=Depends(require(PERM_RULE_EDIT))):
    """draft → submitted."""
    return _step(request, principal, version_id, "submit")


@router.post("/api/rule-versions/{version_id}/approve", summary="批准发布（四眼原则：不能批准自己的规则）")
def api_approve(request: Request, version_id: int, principal=Depends(require(PERM_RULE_REVIEW))):
    """submitted → published; the answer carries ``diff`` against the previous published version."""
    return _step(request, principal, version_id, "approve")


@router.post("/api/rule-versions/{version_id}/reject", summary="驳回（须说明理由）")
def api_reject(request: Request, version_id: int, body: dict = Body(..., examples=[{"reason": "金额上限与原文不符"}]),
               principal=Depends(require(PERM_RULE_REVIEW))):
    """submitted → rejected with ``reason``."""
    reason = body.get("reason") if isinstance(body, dict) else None
    return _step(request, principal, version_id, "reject", reason=reason if isinstance(reason, str) else "")
