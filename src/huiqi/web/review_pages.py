"""Rule review pages (规则审核页面) under ``/officer``:

* ``/officer/review`` — the review queue: clauses in scope whose rule is
  not a published reviewed version, most important first (money at stake
  × reach × uncertainty), versions waiting for approval on top, orphaned
  reviewed rules below;
* ``/officer/rules/{clause_id}`` — the review page of one clause: its text
  with the original lines, the rule in use (extracted or reviewed) beside
  it, an editor for the rule in the reviewed-YAML format, the worked
  cases run live, the version history, and the actions 保存草稿, 提交审核,
  标记为无法机器判断, 批准发布 and 驳回 (reviewers; never one's own).

Every form posts the session's CSRF token; changes go through the same
functions as the JSON API (:mod:`huiqi.web.rules_api`) and are audited.
"""

from __future__ import annotations

from urllib.parse import quote

import yaml
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from huiqi.kb.accounts import PERM_RULE_EDIT, PERM_RULE_REVIEW
from huiqi.rules.review import ReviewError
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import ApiError
from huiqi.web.officer_pages import _page
from huiqi.web.rules_api import _check_scope, visible_to
from huiqi.web.state import state_of

router = APIRouter(prefix="/officer", include_in_schema=False)


def _yaml(d) -> str:
    return yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=100) if d else ""


@router.get("/review")
def review_queue_page(request: Request, msg: str = Query("", max_length=200),
                      principal=Depends(require(PERM_RULE_EDIT))):
    """The review queue."""
    from huiqi.kb.db import session_scope
    from huiqi.rules.review import review_queue
    from huiqi.rules.schema import RuleVersionInfo
    from huiqi.rules.store import list_versions

    with session_scope(state_of(request).engine) as s:
        queue = review_queue(s, visible_to(principal), limit=300)
        orphans = [RuleVersionInfo.of(v) for v in list_versions(s, "published", "reviewed") if v.clause_id is None]
    if principal.role != "admin" and principal.region:
        orphans = []  # orphans have no region: shown to the whole-region scope
    return _page("officer_review.html", principal, queue=queue, orphans=orphans, msg=msg)


def _review_page(request: Request, principal, clause_id: int, status: int = 200, error: str = "",
                 errors: list[str] | None = None, draft_text: str | None = None, cases=None, msg: str = ""):
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_clause
    from huiqi.rules.review import STATUS_LABELS, body_diff, current_clause, history

    st = state_of(request)
    with session_scope(st.engine) as s:
        try:
            clause = current_clause(s, clause_id)
        except ReviewError as exc:
            raise ApiError(404, exc.message, "not_found") from None
        _check_scope(s, principal, clause_id)
        c = get_clause(s, clause_id, include_hidden=True)
        versions = history(s, clause.key)
        rows = [{"id": v.id, "origin": v.origin, "status": v.status, "status_label": STATUS_LABELS.get(v.status, v.status),
                 "version": v.version, "author": v.author, "reviewer": v.reviewer, "note": v.note,
                 "updated": v.updated_at, "body": v.body, "lock_version": v.lock_version} for v in versions]
    in_use = next((r for r in rows if r["origin"] == "reviewed" and r["status"] == "published"), None) or next(
        (r for r in rows if r["origin"] == "extracted" and r["status"] == "published"), None)
    editable = next((r for r in rows if r["origin"] == "reviewed" and r["status"] in ("draft", "rejected")), None)
    pending = [r for r in rows if r["origin"] == "reviewed" and r["status"] == "submitted"]
    for r in pending:  # what the reviewer approves: the rule and its diff against the one in use
        r["yaml"] = _yaml(r["body"])
        r["diff"] = body_diff((in_use or {}).get("body"), r["body"], "当前使用", f"第{r['version']}版")
    if draft_text is None:
        base = (editable or in_use or {}).get("body") or {}
        draft_text = _yaml(base)
    return _page("officer_rule.html", principal, status=status, c=c, rows=rows, in_use=in_use,
                 in_use_yaml=_yaml((in_use or {}).get("body")), editable=editable, pending=pending,
                 draft_text=draft_text, error=error, errors=errors or [], cases=cases, msg=msg,
                 can_review=principal.can(PERM_RULE_REVIEW))


@router.get("/rules/{clause_id}")
def rule_page(request: Request, clause_id: int, msg: str = Query("", max_length=200),
              principal=Depends(require(PERM_RULE_EDIT))):
    """The review page of one clause."""
    if not 0 < clause_id < 2**62:
        raise ApiError(404, f"没有条款 {clause_id}", "not_found")
    return _review_page(request, principal, clause_id, msg=msg)


def _back(url: str, message: str) -> RedirectResponse:
    return RedirectResponse(f"{url}?msg={quote(message)}", status_code=303)


def _parse(text: str) -> dict:
    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark else ""
        raise ReviewError(422, f"规则 YAML 格式错误{where}") from None
    if not isinstance(data, dict):
        raise ReviewError(422, "规则应为 YAML 映射（conditions、benefit …）")
    return data


@router.post("/rules/{clause_id}")
def rule_action(request: Request, clause_id: int, action: str = Form(...), rule: str = Form(""),
                version_id: int | None = Form(None), lock_version: int | None = Form(None),
                reason: str = Form(""), principal=Depends(require(PERM_RULE_EDIT))):
    """One action of the review page: ``preview`` (run the cases), ``save``
    (保存草稿), ``submit`` (save, then 提交审核), ``undecidable``
    (标记为无法机器判断: saved as a draft), ``approve`` / ``reject``
    (reviewers, on a submitted version ``version_id``)."""
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope
    from huiqi.rules import review
    from huiqi.services.rules import preview_cases

    st = state_of(request)
    url = f"/officer/rules/{clause_id}"
    try:
        if action in ("approve", "reject"):
            if not principal.can(PERM_RULE_REVIEW):
                raise ApiError(403, "无权审核：需要审核人员账号", "forbidden")
            from huiqi.web.rules_api import _step

            _step(request, principal, int(version_id or 0), action, reason=reason)
            return _back(url, "已批准发布，计算器已使用新规则" if action == "approve" else "已驳回")
        data = _parse(rule)
        with session_scope(st.engine) as s:
            clause = review.current_clause(s, clause_id)
            _check_scope(s, principal, clause_id)
            if action == "undecidable":
                data = review.undecidable_body(clause, data)
            body = review.validate_body(clause, data)
            key = clause.key
            if action == "preview":
                pass
            elif action in ("save", "submit", "undecidable"):
                v = review.save_draft(s, clause_id, body, principal.username, version_id, lock_version)
                record_for(s, principal, client_ip(request), "rule.save", object_type="rule_version",
                           object_id=str(v.id), after={"status": v.status, "rule": v.body})
                if action == "submit":
                    v = review.submit(s, v.id, principal.username)
                    record_for(s, principal, client_ip(request), "rule.submit", object_type="rule_version",
                               object_id=str(v.id), before={"status": "draft"}, after={"status": v.status})
            else:
                raise ReviewError(422, f"未知操作：{action[:20]}")
        if action == "preview":
            return _review_page(request, principal, clause_id, draft_text=rule, cases=preview_cases(st.engine, key, body))
        return _back(url, {"save": "草稿已保存", "submit": "已提交审核，等待另一名审核人员批准",
                           "undecidable": "已标记为无法机器判断（草稿），请提交审核"}[action])
    except ReviewError as exc:
        return _review_page(request, principal, clause_id, exc.status, exc.message, exc.errors, draft_text=rule)
    except ValueError as exc:
        return _review_page(request, principal, clause_id, 422, str(exc), draft_text=rule)
    except ApiError as exc:
        if exc.status in (403, 409, 422):
            return _review_page(request, principal, clause_id, exc.status, exc.detail, exc.errors, draft_text=rule)
        raise
