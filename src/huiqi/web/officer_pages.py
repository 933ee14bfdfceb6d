"""Officer pages (经办人员页面) under ``/officer``: document list, upload
with progress and ingest report, metadata editing with extracted values
and their source lines, 解读, lifecycle board with Excel export, users
(admin) and the audit log (admin).

Every route depends on :func:`huiqi.web.auth.require` with its permission
(an enterprise account gets 403 everywhere; without a session the browser
is sent to the login page). Every form posts the session's CSRF token.
Changes go through the same functions as the JSON API
(:mod:`huiqi.web.officer_api`), so both audit the same way.
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from huiqi.kb.accounts import (
    PERM_AUDIT_READ,
    PERM_DOCUMENT_EDIT,
    PERM_DOCUMENT_PUBLISH,
    PERM_DOCUMENT_READ,
    PERM_DOCUMENT_UPLOAD,
    PERM_INTERPRETATION_EDIT,
    PERM_LIFECYCLE_EXPORT,
    PERM_LIFECYCLE_READ,
    PERM_USER_ADMIN,
)
from huiqi.web import officer_api as ops
from huiqi.web.auth import require
from huiqi.web.errors import ApiError
from huiqi.web.render import render
from huiqi.web.state import state_of

router = APIRouter(prefix="/officer", include_in_schema=False)

AUDIT_PAGE = 100


def _page(name: str, principal, status: int = 200, **ctx):
    from huiqi.kb.accounts import ROLE_LABELS, region_name

    return render(name, status=status, active="officer", user=principal, csrf=principal.csrf_token,
                  role_label=ROLE_LABELS.get(principal.role, principal.role),
                  scope_name=region_name(principal.region), **ctx)


def _back(url: str, message: str = "") -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(url + (f"{sep}msg={quote(message)}" if message else ""), status_code=303)


@router.get("")
def officer_home(request: Request, msg: str = Query("", max_length=200),
                 principal=Depends(require(PERM_DOCUMENT_READ))):
    """Documents in scope (drafts first), with status and links."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import officer_documents

    with session_scope(state_of(request).engine) as s:
        docs = officer_documents(s, principal)
    docs.sort(key=lambda d: (d["status"] != "draft", d["source_file"], d["id"]))
    return _page("officer_home.html", principal, docs=docs, msg=msg)


@router.get("/upload")
def upload_page(request: Request, principal=Depends(require(PERM_DOCUMENT_UPLOAD))):
    """The upload form (several files; the script shows per-file progress)."""
    return _page("officer_upload.html", principal, reports=None)


@router.post("/upload")
def upload_submit(request: Request, files: list[UploadFile] = File(...),
                  principal=Depends(require(PERM_DOCUMENT_UPLOAD))):
    """Form upload without the script: ingest every file, show the report."""
    reports = ops.upload_files(request, principal, [(f.filename, f.file.read()) for f in files])
    status = 422 if reports and all(r["status"] == "failed" for r in reports) else 200
    return _page("officer_upload.html", principal, status=status, reports=reports)


def _document_page(request: Request, principal, doc_id: int, status: int = 200, error: str | None = None,
                   errors: list[str] | None = None, msg: str = "", form: dict | None = None):
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import EDIT_FIELDS, STATUS_LABELS, LifecycleError, document_detail

    try:
        with session_scope(state_of(request).engine) as s:
            d = document_detail(s, principal, doc_id)
    except LifecycleError as exc:
        raise ops._lifecycle_error(exc) from None
    return _page("officer_document.html", principal, status=status, d=d, fields=EDIT_FIELDS, error=error,
                 errors=errors or [], msg=msg, form=form or {}, status_labels=STATUS_LABELS,
                 can_edit=principal.can(PERM_DOCUMENT_EDIT), can_publish=principal.can(PERM_DOCUMENT_PUBLISH),
                 can_interpret=principal.can(PERM_INTERPRETATION_EDIT))


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: int, msg: str = Query("", max_length=200),
                  principal=Depends(require(PERM_DOCUMENT_READ))):
    """Metadata form (current value, extracted value and its lines), status, 解读."""
    return _document_page(request, principal, doc_id, msg=msg)


@router.post("/documents/{doc_id}/edit")
async def document_edit(request: Request, doc_id: int, principal=Depends(require(PERM_DOCUMENT_EDIT))):
    """Save the metadata form; a stale version → 409 page, invalid values →
    422 page (the typed values kept)."""
    from huiqi.kb.lifecycle import EDIT_FIELDS

    form = await request.form()
    fields = {f: str(form.get(f) or "") for f in EDIT_FIELDS if f in form}
    try:
        version = int(str(form.get("version") or ""))
    except ValueError:
        version = None
    try:
        ops.edit_document(request, principal, doc_id, fields, version)
    except ApiError as exc:
        if exc.status in (409, 422):
            return _document_page(request, principal, doc_id, exc.status, exc.detail, exc.errors, form=fields)
        raise
    return _back(f"/officer/documents/{doc_id}", "已保存")


@router.post("/documents/{doc_id}/status")
def document_status(request: Request, doc_id: int, status: str = Form(...), version: int = Form(...),
                    principal=Depends(require(PERM_DOCUMENT_PUBLISH))):
    """Publish / repeal / back to draft; stale → 409 page."""
    try:
        d = ops.change_status(request, principal, doc_id, status, version)
    except ApiError as exc:
        if exc.status in (409, 422):
            return _document_page(request, principal, doc_id, exc.status, exc.detail, exc.errors)
        raise
    return _back(f"/officer/documents/{doc_id}", f"状态已改为：{d['status_label']}")


@router.post("/documents/{doc_id}/interpretations")
def document_interpretation(request: Request, doc_id: int, kind: str = Form(...), title: str = Form(""),
                            body: str = Form(""), url: str = Form(""), file: Optional[UploadFile] = File(None),
                            principal=Depends(require(PERM_INTERPRETATION_EDIT))):
    """Attach a 解读 (text, link or file); problems → 422 page."""
    try:
        ops.attach_interpretation(request, principal, doc_id, kind, title, body, url, file)
    except ApiError as exc:
        if exc.status in (400, 415, 422):
            return _document_page(request, principal, doc_id, exc.status, exc.detail, exc.errors)
        raise
    return _back(f"/officer/documents/{doc_id}", "已添加解读")


@router.get("/lifecycle")
def lifecycle_page(request: Request, principal=Depends(require(PERM_LIFECYCLE_READ))):
    """The lifecycle board with links to where each line is fixed."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import board

    with session_scope(state_of(request).engine) as s:
        b = board(s, principal)
    return _page("officer_lifecycle.html", principal, b=b, can_export=principal.can(PERM_LIFECYCLE_EXPORT))


@router.get("/lifecycle.xlsx")
def lifecycle_export(request: Request, principal=Depends(require(PERM_LIFECYCLE_EXPORT))):
    """The board as Excel (audited)."""
    return ops.export_board(request, principal)


def _users_page(request: Request, principal, status: int = 200, error: str | None = None, msg: str = "",
                form: dict | None = None):
    from huiqi.kb.accounts import ROLE_LABELS, ROLES, list_users
    from huiqi.kb.db import session_scope
    from huiqi.web.pages import region_options

    with session_scope(state_of(request).engine) as s:
        users = list_users(s)
    return _page("officer_users.html", principal, status=status, users=users, roles=ROLES, role_labels=ROLE_LABELS,
                 regions=region_options(), error=error, msg=msg, form=form or {})


@router.get("/users")
def users_page(request: Request, msg: str = Query("", max_length=200), principal=Depends(require(PERM_USER_ADMIN))):
    """Accounts with role changes and unlock; a form to create one."""
    return _users_page(request, principal, msg=msg)


@router.post("/users")
def users_create(request: Request, username: str = Form(""), password: str = Form(""), role: str = Form(""),
                 unit: str = Form(""), region: str = Form(""), firm_code: str = Form(""),
                 principal=Depends(require(PERM_USER_ADMIN))):
    """Create an account; problems → the page again with the message (409/422)."""
    data = {"username": username, "password": password, "role": role, "unit": unit, "region": region or None,
            "firm_code": firm_code or None}
    try:
        u = ops.create_account(request, principal, data)
    except ApiError as exc:
        form = {k: v for k, v in data.items() if k != "password"}
        return _users_page(request, principal, exc.status, exc.detail, form=form)
    return _back("/officer/users", f"已创建账号 {u['username']}")


@router.post("/users/{user_id}")
def users_update(request: Request, user_id: int, role: str = Form(...), unit: str = Form(""),
                 region: str = Form(""), active: str = Form("1"), principal=Depends(require(PERM_USER_ADMIN))):
    """Change role, unit, region, active (audited)."""
    try:
        u = ops.update_account(request, principal, user_id,
                               {"role": role, "unit": unit, "region": region or None, "active": active == "1"})
    except ApiError as exc:
        if exc.status == 404:
            raise
        return _users_page(request, principal, exc.status, exc.detail)
    return _back("/officer/users", f"已更新账号 {u['username']}")


@router.post("/users/{user_id}/unlock")
def users_unlock(request: Request, user_id: int, principal=Depends(require(PERM_USER_ADMIN))):
    """Clear a lock-out (audited)."""
    u = ops.unlock_account(request, principal, user_id)
    return _back("/officer/users", f"已解锁账号 {u['username']}")


@router.get("/audit")
def audit_page(request: Request, action: str = Query("", max_length=64), username: str = Query("", max_length=64),
               page: int = Query(1, ge=1, le=100000), principal=Depends(require(PERM_AUDIT_READ))):
    """The audit log, newest first, filterable by action and user."""
    from huiqi.kb.audit import ACTION_LABELS, list_entries
    from huiqi.kb.db import session_scope

    with session_scope(state_of(request).engine) as s:
        total, entries = list_entries(s, action or None, username or None, limit=AUDIT_PAGE,
                                      offset=(page - 1) * AUDIT_PAGE)
    pages = max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE)
    return _page("officer_audit.html", principal, entries=entries, total=total, page=page, pages=pages,
                 action=action, username=username, action_labels=ACTION_LABELS)
