"""Admin API (管理接口): ``POST /api/admin/documents`` uploads one policy
document and ingests it.

Protection: a bearer token from the environment variable
``HUIQI_ADMIN_TOKEN`` (read on each request). No token configured → the
admin endpoints are disabled (403 ``admin_disabled``); a missing or wrong
``Authorization: Bearer …`` header → 401. Input checks: the multipart field
``file`` is required; the type must be ``.txt`` / ``.pdf`` / ``.docx`` /
``.html`` / ``.htm`` and the content must look like it (``%PDF`` header,
zip container for docx, no NUL bytes in text/HTML), else 415; empty file →
400; size limit (:data:`huiqi.web.errors.MAX_UPLOAD_BYTES`, env
``HUIQI_MAX_UPLOAD_MB``) → 413; a file the readers or the parser reject →
422 with the reader's Chinese message. The token is checked before any byte
of the body is read (:class:`huiqi.web.errors.LimitsMiddleware`), and the
body is streamed (spooled to disk by the multipart parser, never buffered
whole), so unauthenticated posts cost nothing. On success the file is kept
under ``<derived dir>/uploads/<content hash>/<name>`` and ingested by
:func:`huiqi.services.ingest.ingest_and_refresh` with a budget (a worker process
with a time and memory budget, :mod:`huiqi.kb.budget`; a new version only of a recognisably same document, see
:mod:`huiqi.kb.identity`), then the search engine, calculator rules and
caches are refreshed, so the new text is searchable when the answer
arrives. Answer: 201 with the
ingest report (``status`` ``added``), or 200 when the same content was
already current (``unchanged``). The policy clusters (政策同一性, seconds
over a large library) are recomputed after the answer is sent, and the
state caught up again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
from typing import Optional

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from huiqi.web.errors import ApiError, error_responses

router = APIRouter(prefix="/api/admin", tags=["管理"])

ENV_TOKEN = "HUIQI_ADMIN_TOKEN"
ALLOWED_SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")

_bearer = HTTPBearer(auto_error=False, description="环境变量 HUIQI_ADMIN_TOKEN 中配置的管理令牌")


def auth_error(authorization: str | None) -> ApiError | None:
    """The error for an ``Authorization`` header value, or ``None`` when it
    carries the admin token (constant-time comparison): 403 when no token is
    configured, 401 when the header is missing, not Bearer, or the token
    differs. Used by :class:`huiqi.web.errors.LimitsMiddleware` before any
    request body is read, and again by :func:`require_admin`."""
    expected = os.environ.get(ENV_TOKEN, "").strip()
    if not expected:
        return ApiError(403, f"管理接口未启用：服务器未设置环境变量 {ENV_TOKEN}", "admin_disabled")
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return ApiError(401, "需要管理令牌：请求头应为 Authorization: Bearer <令牌>", "unauthorized",
                        headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8")):
        return ApiError(401, "管理令牌无效", "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return None


def require_admin(request: Request, credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer)) -> None:
    """Check the bearer token against ``$HUIQI_ADMIN_TOKEN`` (see
    :func:`auth_error`); raises that :class:`ApiError`."""
    err = auth_error(request.headers.get("authorization"))
    if err is not None:
        raise err


_UNSAFE_RE = re.compile(r"[^\w\u3400-\u9fff.\-（）()【】]+")


def safe_name(filename: str | None) -> str:
    """A safe file name for an upload: the last path component only, unsafe
    characters replaced by ``_``, at most 120 characters (suffix kept).
    Raises :class:`ApiError` 400 when nothing usable remains."""
    name = re.split(r"[\\/]", filename or "")[-1].strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE_RE.sub("_", stem).strip("._")[:100]
    if not stem:
        raise ApiError(400, "上传文件缺少有效的文件名")
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_type(name: str, head: bytes) -> None:
    """Refuse (415) a file whose suffix is not allowed or whose first bytes
    do not match its suffix."""
    suffix = os.path.splitext(name)[1].lower()
    allowed = "、".join(ALLOWED_SUFFIXES)
    if suffix not in ALLOWED_SUFFIXES:
        raise ApiError(415, f"{name}：不支持的文件类型“{suffix or '无后缀'}”（支持 {allowed}）")
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise ApiError(415, f"{name}：文件内容不是 PDF（缺少 %PDF 文件头）")
    if suffix == ".docx" and not head.startswith(b"PK\x03\x04"):
        raise ApiError(415, f"{name}：文件内容不是 docx（Word 2007 及以后的 .docx 文件是 zip 格式）")
    if suffix in (".txt", ".html", ".htm") and b"\x00" in head[:8192] and not head.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):
        raise ApiError(415, f"{name}：文件内容是二进制数据，不是文本")


@router.post("/documents", summary="上传并导入一个政策文件", dependencies=[Depends(require_admin)],
             status_code=201, responses=error_responses(400, 401, 403, 413, 415, 422))
def upload_document(request: Request, file: Optional[UploadFile] = File(None, description="政策文件（txt/pdf/docx/html）")):
    """Upload one document (multipart field ``file``) and ingest it; see the
    module docstring for checks and answers."""
    from huiqi.kb.budget import Budget
    from huiqi.services.ingest import ingest_and_refresh
    from huiqi.web.state import state_of

    from starlette.datastructures import UploadFile as _Upload

    if file is None or not isinstance(file, _Upload):
        raise ApiError(400, "缺少上传文件：表单字段 file 应为一个文件")
    st = state_of(request)
    name = safe_name(file.filename)
    head = file.file.read(8192)
    if not head:
        raise ApiError(400, f"{name}：文件为空")
    check_type(name, head)
    with st.ingest_lock:
        # stream the (already size-limited, disk-spooled) upload to its own
        # directory: unrelated uploads of the same name never overwrite each other
        digest = hashlib.sha256(head)
        tmp = tempfile.NamedTemporaryFile(dir=st.upload_dir(), prefix=".upload-", delete=False)
        try:
            with tmp:
                tmp.write(head)
                while chunk := file.file.read(1024 * 1024):
                    digest.update(chunk)
                    tmp.write(chunk)
            folder = st.upload_dir() / digest.hexdigest()[:16]
            folder.mkdir(exist_ok=True)
            path = folder / name
            os.replace(tmp.name, path)
        finally:
            if os.path.exists(tmp.name):
                os.unlink(tmp.name)
        # read, parse, extract and write in a worker with a time and memory budget
        fr = ingest_and_refresh(st.engine, [path], refresh_index=False, budget=Budget.from_env(),
                                identity=False).ingest.files[0]
        if fr.status == "failed":
            detail = (fr.error or f"{name}：导入失败").replace(str(path), name).replace(str(path.parent), "")
            raise ApiError(422, detail, "ingest_failed")
        if fr.status == "added":
            from huiqi.kb.audit import record_for
            from huiqi.kb.db import session_scope

            with session_scope(st.engine) as s:  # machine uploads are published at once, and audited
                record_for(s, None, request.client.host if request.client else None, "document.upload",
                           object_type="source_file", object_id=fr.source_file_id,
                           after={"file": name, "version": fr.version, "clauses": fr.clauses, "status": "published"})
            st.refresh()
    body = fr.to_json()
    body["path"] = name  # never reveal the server's directories
    background = None
    if fr.status == "added":  # the policy clusters after the answer: seconds on a large library
        from starlette.background import BackgroundTask

        background = BackgroundTask(_recluster, st)
    return JSONResponse(body, status_code=201 if fr.status == "added" else 200, background=background)


def _recluster(st) -> None:
    """Recompute the policy clusters (政策同一性) after an upload, then catch
    up (the calculator and search collapse the new clusters); runs after the
    upload's answer was sent. A failure is logged: the clusters are
    recomputed by the next ingest."""
    import logging

    from huiqi.services.ingest import refresh_policy_identity

    try:
        with st.ingest_lock:
            refresh_policy_identity(st.engine, True)
        st.refresh()
    except Exception as exc:  # the upload itself is committed and searchable
        logging.getLogger(__name__).warning("政策同一性未能更新：%s", exc)
