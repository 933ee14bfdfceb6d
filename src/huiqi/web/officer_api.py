"""Officer JSON API (经办人员接口). Every route declares its permission
through :func:`huiqi.web.auth.require`; every list and by-id access is
limited to the user's region scope (an id outside it answers 404, like an
unknown id).

* ``GET /api/officer/documents`` — documents in scope, drafts included,
  with ``status`` and ``meta_version``;
* ``POST /api/officer/documents`` — multipart ``files`` (one or several:
  txt/pdf/docx/html) → 201 ``{files: [{name, status, documents, clauses,
  facts, warnings, document_ids, error}]}``; new documents stay ``draft``;
* ``GET /api/officer/documents/{id}`` — the document with ``current``,
  ``extracted`` and ``sources`` of each editable field, its 解读;
* ``PATCH /api/documents/{id}`` — ``{version, fields: {title, issuer,
  level, region, doc_number, issued, validity_start, validity_end,
  supersedes, superseded_by}}`` → the document; stale ``version`` → 409;
  invalid values → 422;
* ``POST /api/documents/{id}/status`` — ``{status: published|repealed|draft,
  version}``;
* ``GET/POST /api/documents/{id}/interpretations`` — list (public, for
  published documents) / attach a 解读 (form: kind text|link|file, title,
  body, url, file);
* ``GET /api/interpretations/{id}/file`` — a 解读 file;
* ``GET /api/officer/lifecycle`` and ``/api/officer/lifecycle.xlsx``;
* ``GET/POST /api/users``, ``PATCH /api/users/{id}``,
  ``POST /api/users/{id}/unlock`` (admin);
* ``GET /api/audit`` (admin) — ``{total, entries: [...]}`` newest first.

Every change is written to the audit log with before and after.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any, Optional

from fastapi import APIRouter, Body, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

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
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import ApiError
from huiqi.web.files import file_response, store_file
from huiqi.web.state import state_of

router = APIRouter(tags=["经办人员"])

#: 解读 file types
INTERPRETATION_SUFFIXES = (".pdf", ".docx", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg")


def _lifecycle_error(exc) -> ApiError:
    return ApiError(exc.status, str(exc), {404: "not_found", 409: "conflict"}.get(exc.status, "invalid_input"),
                    errors=exc.errors if len(exc.errors) > 1 else None)


def _account_error(exc) -> ApiError:
    return ApiError(exc.status, str(exc), {409: "conflict"}.get(exc.status, "invalid_input"))


# ---------------------------------------------------------------- operations shared with the pages

def upload_files(request: Request, principal, files: list[tuple[str | None, bytes]]) -> list[dict]:
    """Check, store and ingest uploaded files one by one (the others go on
    when one fails) and mark their documents ``draft``. Per file:
    ``{name, status (added|unchanged|failed), version, documents, clauses,
    facts (units + amounts + contacts + guide fields), warnings,
    document_ids, error}``. Audited as ``document.upload``."""
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope
    from huiqi.kb.ingest import ingest_paths
    from huiqi.kb.lifecycle import foreign_file, register_upload
    from huiqi.web.admin import check_type, safe_name

    st = state_of(request)
    out = []
    for filename, data in files:
        item: dict[str, Any] = {"name": filename or "", "status": "failed", "documents": 0, "clauses": 0,
                                "facts": 0, "warnings": [], "document_ids": [], "error": None}
        try:
            name = safe_name(filename)
            item["name"] = name
            if not data:
                raise ApiError(400, f"{name}：文件为空")
            check_type(name, data[:8192])
            with session_scope(st.engine) as s:
                if foreign_file(s, principal, name):
                    raise ApiError(409, f"{name}：已收录的同名文件属于您管辖范围以外的地区，请改名后上传")
        except ApiError as exc:
            item["error"] = exc.detail
            out.append(item)
            continue
        def mark_draft(session, source_file_id: int, item=item, name=name) -> None:
            ids, warnings = register_upload(session, principal, source_file_id)
            item["document_ids"], item["warnings"] = ids, warnings
            record_for(session, principal, client_ip(request), "document.upload", object_type="source_file",
                       object_id=source_file_id, after={"file": name, "documents": ids, "status": "draft"})

        with st.ingest_lock:
            path = _store_upload(st.upload_dir(), name, data)
            fr = ingest_paths(st.engine, [path], on_write=mark_draft).files[0]
            item.update(status=fr.status, version=fr.version, documents=fr.documents, clauses=fr.clauses,
                        facts=fr.units + fr.amounts + fr.contacts + fr.fields)
            if fr.status == "failed":
                item.update(document_ids=[], warnings=[])
                item["error"] = (fr.error or f"{name}：导入失败").replace(str(path), name).replace(str(path.parent), "")
            elif fr.status == "unchanged":
                item["warnings"].append(f"{name}：内容与已收录的当前版本相同，未重复导入")
        out.append(item)
    return out


def _store_upload(folder, name: str, data: bytes):
    """Keep an uploaded file as ``folder/<first 16 hex digits of its
    SHA-256>/name``, written to a temp file and renamed: two hosts sharing
    the upload directory never overwrite each other's file of the same name
    (another host's identical bytes are simply kept). Returns the path."""
    import hashlib
    import tempfile

    target = folder / hashlib.sha256(data).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    with tempfile.NamedTemporaryFile(dir=target, prefix=".upload-", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)
    return path


def edit_document(request: Request, principal, doc_id: int, fields: dict, version) -> dict:
    """Apply a metadata edit (see :func:`huiqi.kb.lifecycle.edit_metadata`),
    audit it (``document.edit`` with before/after), reload search and the
    calculator when the document is public. Returns the officer view."""
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import LifecycleError, document_detail, edit_metadata, is_hidden

    st = state_of(request)
    try:
        with session_scope(st.engine) as s:
            before, after = edit_metadata(s, principal, doc_id, fields, version)
            if after:
                record_for(s, principal, client_ip(request), "document.edit", object_type="document",
                           object_id=doc_id, before=before, after=after)
            public = not is_hidden(s, doc_id)
    except LifecycleError as exc:
        raise _lifecycle_error(exc) from None
    if after and public:
        st.refresh()
    with session_scope(st.engine) as s:
        return document_detail(s, principal, doc_id)


def change_status(request: Request, principal, doc_id: int, status: str, version) -> dict:
    """Publish / repeal / return to draft (audited ``document.publish``,
    ``document.repeal``, ``document.unpublish``); reloads search and the
    calculator. Returns the officer view."""
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import LifecycleError, document_detail, set_status

    st = state_of(request)
    try:
        with session_scope(st.engine) as s:
            old, new = set_status(s, principal, doc_id, status, version)
            if old != new:
                action = {"published": "document.publish", "repealed": "document.repeal"}.get(new, "document.unpublish")
                record_for(s, principal, client_ip(request), action, object_type="document", object_id=doc_id,
                           before={"status": old}, after={"status": new})
    except LifecycleError as exc:
        raise _lifecycle_error(exc) from None
    if old != new:
        st.refresh()
        if new == "published":
            from huiqi.web.push_api import push_soon

            push_soon(st.engine)  # 精准推送: the clauses of the published document against the stored firms
    with session_scope(st.engine) as s:
        return document_detail(s, principal, doc_id)


def interpretation_dir(request: Request):
    """Where an earlier version stored 解读 files on disk
    (``<derived dir>/interpretations``; read only — files now live in the
    database, :mod:`huiqi.web.files`)."""
    from huiqi.config import derived_dir

    return derived_dir(state_of(request).url) / "interpretations"


def attach_interpretation(request: Request, principal, doc_id: int, kind: str, title: str, body: str | None,
                          url: str | None, upload: Optional[UploadFile]) -> dict:
    """Attach a 解读; a file is checked (type, size > 0) and stored in the
    database under a random name, in the transaction that adds the 解读
    (:mod:`huiqi.web.files`). Audited ``interpretation.add``. Returns the 解读 dict."""
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import LifecycleError, add_interpretation, interpretation_dict, load_for
    from huiqi.web.admin import safe_name

    st = state_of(request)
    file_name = stored = None
    with session_scope(st.engine) as s:  # scope check before reading the upload
        try:
            load_for(s, principal, doc_id)
        except LifecycleError as exc:
            raise _lifecycle_error(exc) from None
    if kind == "file" and upload is not None and getattr(upload, "filename", None):
        file_name = safe_name(upload.filename)
        suffix = os.path.splitext(file_name)[1].lower()
        if suffix not in INTERPRETATION_SUFFIXES:
            raise ApiError(415, f"{file_name}：解读文件类型不支持（支持 {'、'.join(INTERPRETATION_SUFFIXES)}）")
        data = upload.file.read()
        if not data:
            raise ApiError(400, f"{file_name}：文件为空")
    try:
        with session_scope(st.engine) as s:  # the file and its 解读 row in one transaction
            if file_name is not None:
                stored = store_file(s, suffix, data)
            i = add_interpretation(s, principal, doc_id, kind, title, body, url, file_name, stored)
            d = interpretation_dict(i)
            record_for(s, principal, client_ip(request), "interpretation.add", object_type="document",
                       object_id=doc_id, after={k: d[k] for k in ("id", "kind", "title", "url", "file_name")})
    except LifecycleError as exc:
        raise _lifecycle_error(exc) from None
    return d


def lifecycle_xlsx(board: dict) -> bytes:
    """The lifecycle board as an Excel workbook (openpyxl): one sheet 台账
    with 类别, 文件 ID, 标题, 地区, 发文字号, 有效期起, 有效期止, 状态, 说明,
    链接 (relative), then the clause counts."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from huiqi.safecell import safe_row  # titles and reasons come from uploaded documents

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([f"政策库生命周期台账（{board['today']}）"])
    ws["A1"].font = Font(bold=True)
    header = ["类别", "文件ID", "标题", "地区", "发文字号", "有效期起", "有效期止", "状态", "说明", "链接"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for sec in board["sections"].values():
        for d in sec["items"]:
            v = d.get("validity") or {}
            ws.append(safe_row([sec["label"], d["id"], d.get("title") or "", d.get("region") or "",
                                d.get("doc_number") or "", v.get("start") or "", v.get("end") or "",
                                d.get("status_label") or "", d.get("reason") or "", f"/officer/documents/{d['id']}"]))
    c = board["clauses"]
    ws.append([])
    ws.append(["条款总数", c["total"]])
    ws.append(["含金额的条款", c["with_amount"]])
    ws.append(["无人工审核规则的条款", c["without_reviewed_rule"] if c["rules_available"] else "规则库不可用"])
    ws.append(["含金额且无人工审核规则的条款",
               c["with_amount_without_reviewed_rule"] if c["rules_available"] else "规则库不可用"])
    for col, width in zip("ABCDEFGHIJ", (16, 8, 48, 12, 22, 12, 12, 8, 36, 26)):
        ws.column_dimensions[col].width = width
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_board(request: Request, principal) -> Response:
    """The lifecycle board of the user's scope as ``台账.xlsx``
    (audited ``lifecycle.export``)."""
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import board

    st = state_of(request)
    with session_scope(st.engine) as s:
        b = board(s, principal)
        record_for(s, principal, client_ip(request), "lifecycle.export", object_type="lifecycle",
                   after={"rows": sum(len(x["items"]) for x in b["sections"].values())})
    data = lifecycle_xlsx(b)
    name = f"lifecycle-{date.today().isoformat()}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"; '
                                                    f"filename*=UTF-8''%E5%8F%B0%E8%B4%A6-{date.today().isoformat()}.xlsx"})


def create_account(request: Request, principal, data: dict) -> dict:
    """Create a user (admin), audited ``user.create`` (never the password)."""
    from huiqi.kb.accounts import AccountError, create_user, user_dict
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope

    try:
        with session_scope(state_of(request).engine) as s:
            u = create_user(s, str(data.get("username") or ""), str(data.get("password") or ""),
                            str(data.get("role") or ""), data.get("unit"), data.get("region"),
                            data.get("firm_code"), created_by=principal.id)
            d = user_dict(u)
            record_for(s, principal, client_ip(request), "user.create", object_type="user", object_id=u.id,
                       after={k: d[k] for k in ("username", "role", "unit", "region", "firm_code")})
    except AccountError as exc:
        raise _account_error(exc) from None
    return d


def update_account(request: Request, principal, user_id: int, data: dict) -> dict:
    """Change role, unit, region, firm code or active flag (admin), audited
    ``user.role`` with before/after. An admin cannot demote or deactivate
    themself (422). Unknown user → 404."""
    from huiqi.kb.accounts import AccountError, User, user_dict, validate_user_fields
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope

    allowed = {"role", "unit", "region", "firm_code", "active"}
    with session_scope(state_of(request).engine) as s:
        u = s.get(User, user_id)
        if u is None:
            raise ApiError(404, f"未找到 ID 为 {user_id} 的账号")
        unknown = set(data) - allowed
        if unknown:
            raise ApiError(422, f"未知字段：{'、'.join(sorted(unknown))}（可修改：{'、'.join(sorted(allowed))}）")
        before = user_dict(u)
        role = data.get("role", u.role)
        region = data["region"] if "region" in data else u.region
        firm = data["firm_code"] if "firm_code" in data else u.firm_code
        try:
            code, firm = validate_user_fields(str(role), region, firm)
        except AccountError as exc:
            raise _account_error(exc) from None
        active = bool(data.get("active", u.active))
        if u.id == principal.id and (role != u.role or not active):
            raise ApiError(422, "不能修改自己的角色或停用自己的账号")
        u.role, u.region, u.firm_code, u.active = role, code, firm, active
        if "unit" in data:
            u.unit = (data.get("unit") or "").strip() or None
        after = user_dict(u)
        keys = ("role", "unit", "region", "firm_code", "active")
        changed_before = {k: before[k] for k in keys if before[k] != after[k]}
        if changed_before:
            record_for(s, principal, client_ip(request), "user.role", object_type="user", object_id=u.id,
                       before=changed_before, after={k: after[k] for k in changed_before})
        return after


def unlock_account(request: Request, principal, user_id: int) -> dict:
    """Clear a lock-out (admin), audited ``user.unlock``."""
    from huiqi.kb.accounts import User, unlock_user, user_dict
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope

    with session_scope(state_of(request).engine) as s:
        u = s.get(User, user_id)
        if u is None:
            raise ApiError(404, f"未找到 ID 为 {user_id} 的账号")
        before = unlock_user(s, u)
        record_for(s, principal, client_ip(request), "user.unlock", object_type="user", object_id=u.id,
                   before=before, after={"locked_until": None, "failed_logins": 0}, reason="管理员解锁")
        return user_dict(u)


# ---------------------------------------------------------------- routes

def _json(data, status: int = 200):
    from huiqi.web.api import json_response

    return json_response(data, status)


@router.get("/api/officer/documents", summary="管辖范围内的文件（含草稿）")
def api_officer_documents(request: Request, principal=Depends(require(PERM_DOCUMENT_READ))):
    """Documents in the user's scope with ``status`` and ``meta_version``."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import officer_documents

    with session_scope(state_of(request).engine) as s:
        return _json(officer_documents(s, principal))


@router.post("/api/officer/documents", summary="上传政策文件（可多个，导入后为草稿）", status_code=201)
def api_officer_upload(request: Request, files: list[UploadFile] = File(..., description="政策文件（txt/pdf/docx/html）"),
                       principal=Depends(require(PERM_DOCUMENT_UPLOAD))):
    """Ingest each file; 201 with ``{files: [...]}`` (per-file status, counts,
    warnings, errors); 422 when every file failed."""
    reports = upload_files(request, principal, [(f.filename, f.file.read()) for f in files])
    status = 422 if reports and all(r["status"] == "failed" for r in reports) else 201
    return _json({"files": reports}, status)


@router.get("/api/officer/documents/{doc_id}", summary="一个文件（经办视图）")
def api_officer_document(request: Request, doc_id: int, principal=Depends(require(PERM_DOCUMENT_READ))):
    """The document with editable fields, extracted values and their source lines."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import LifecycleError, document_detail

    try:
        with session_scope(state_of(request).engine) as s:
            return _json(document_detail(s, principal, doc_id))
    except LifecycleError as exc:
        raise _lifecycle_error(exc) from None


@router.patch("/api/documents/{doc_id}", summary="更正文件信息（乐观锁）")
def api_edit_document(request: Request, doc_id: int,
                      body: dict = Body(..., examples=[{"version": 0, "fields": {"validity_end": "2027-12-31"}}]),
                      principal=Depends(require(PERM_DOCUMENT_EDIT))):
    """``{version, fields}`` → the document; 409 when ``version`` is stale."""
    fields = body.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise ApiError(422, "请求体应为 {\"version\": 版本号, \"fields\": {字段: 新值}}")
    return _json(edit_document(request, principal, doc_id, fields, body.get("version")))


@router.post("/api/documents/{doc_id}/status", summary="发布、废止或撤回为草稿")
def api_document_status(request: Request, doc_id: int,
                        body: dict = Body(..., examples=[{"status": "published", "version": 1}]),
                        principal=Depends(require(PERM_DOCUMENT_PUBLISH))):
    """``{status, version}`` → the document."""
    return _json(change_status(request, principal, doc_id, str(body.get("status") or ""), body.get("version")))


@router.get("/api/documents/{doc_id}/interpretations", tags=["文档"], summary="文件的解读")
def api_interpretations(request: Request, doc_id: int):
    """The 解读 of a published document (public); unknown or draft → 404."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import is_hidden, list_interpretations
    from huiqi.kb.models import Document

    with session_scope(state_of(request).engine) as s:
        if s.get(Document, doc_id) is None or is_hidden(s, doc_id):
            raise ApiError(404, f"未找到 ID 为 {doc_id} 的文档")
        return _json(list_interpretations(s, doc_id))


@router.post("/api/documents/{doc_id}/interpretations", summary="添加解读", status_code=201)
def api_add_interpretation(request: Request, doc_id: int, kind: str = Form(...), title: str = Form(...),
                           body: str = Form(""), url: str = Form(""), file: Optional[UploadFile] = File(None),
                           principal=Depends(require(PERM_INTERPRETATION_EDIT))):
    """Form fields ``kind`` (text/link/file), ``title``, ``body``, ``url``,
    ``file`` → 201 with the 解读."""
    return _json(attach_interpretation(request, principal, doc_id, kind, title, body, url, file), 201)


@router.get("/api/interpretations/{interp_id}/file", tags=["文档"], summary="解读文件")
def api_interpretation_file(request: Request, interp_id: int):
    """The stored file of a 解读 of a published document; else 404."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import Interpretation, is_hidden

    with session_scope(state_of(request).engine) as s:
        i = s.get(Interpretation, interp_id)
        if i is None or not i.stored_name or is_hidden(s, i.document_id):
            raise ApiError(404, f"未找到 ID 为 {interp_id} 的解读文件")
        stored, name = i.stored_name, i.file_name or i.stored_name
    return file_response(state_of(request).engine, stored, name, interpretation_dir(request))


@router.get("/api/officer/lifecycle", summary="生命周期看板")
def api_lifecycle(request: Request, principal=Depends(require(PERM_LIFECYCLE_READ))):
    """:func:`huiqi.kb.lifecycle.board` of the user's scope."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import board

    with session_scope(state_of(request).engine) as s:
        return _json(board(s, principal))


@router.get("/api/officer/lifecycle.xlsx", summary="生命周期台账导出（Excel）")
def api_lifecycle_xlsx(request: Request, principal=Depends(require(PERM_LIFECYCLE_EXPORT))):
    """The board as xlsx (audited)."""
    return export_board(request, principal)


@router.get("/api/users", tags=["账号"], summary="账号列表（管理员）")
def api_users(request: Request, principal=Depends(require(PERM_USER_ADMIN))):
    """Every account (never password hashes)."""
    from huiqi.kb.accounts import list_users
    from huiqi.kb.db import session_scope

    with session_scope(state_of(request).engine) as s:
        return _json(list_users(s))


@router.post("/api/users", tags=["账号"], summary="创建账号（管理员）", status_code=201)
def api_create_user(request: Request, body: dict = Body(..., examples=[
        {"username": "officer1", "password": "至少8个字符", "role": "officer", "unit": "包头市民营经济发展服务局",
         "region": "包头市"}]), principal=Depends(require(PERM_USER_ADMIN))):
    """201 with the account; taken name → 409; bad values → 422."""
    return _json(create_account(request, principal, body), 201)


@router.patch("/api/users/{user_id}", tags=["账号"], summary="修改角色、单位或范围（管理员）")
def api_update_user(request: Request, user_id: int, body: dict = Body(...),
                    principal=Depends(require(PERM_USER_ADMIN))):
    """``{role?, unit?, region?, firm_code?, active?}`` → the account."""
    return _json(update_account(request, principal, user_id, body))


@router.post("/api/users/{user_id}/unlock", tags=["账号"], summary="解除锁定（管理员）")
def api_unlock_user(request: Request, user_id: int, principal=Depends(require(PERM_USER_ADMIN))):
    """Clear the lock-out of an account."""
    return _json(unlock_account(request, principal, user_id))


@router.get("/api/audit", tags=["账号"], summary="审计日志（管理员）")
def api_audit(request: Request, action: Optional[str] = Query(None, max_length=64),
              username: Optional[str] = Query(None, max_length=64),
              object_type: Optional[str] = Query(None, max_length=32),
              object_id: Optional[str] = Query(None, max_length=64),
              limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0),
              principal=Depends(require(PERM_AUDIT_READ))):
    """``{total, entries: [{id, at, user_id, username, ip, action,
    action_label, object_type, object_id, before, after, reason}]}`` newest
    first; ``action`` ending in ``.`` matches a prefix."""
    from huiqi.kb.audit import list_entries
    from huiqi.kb.db import session_scope

    with session_scope(state_of(request).engine) as s:
        total, entries = list_entries(s, action, username, object_type, object_id, limit, offset)
    return JSONResponse({"total": total, "entries": entries})
