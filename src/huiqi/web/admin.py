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
422 with the reader's Chinese message. On success the file is kept under
``<derived dir>/uploads/`` and ingested with :func:`huiqi.services.ingest.ingest_and_refresh`
(a changed file of the same name becomes a new version), then the search
engine, calculator rules and caches are refreshed. Answer: 201 with the
ingest report (``status`` ``added``), or 200 when the same content was
already current (``unchanged``).
"""

from __future__ import annotations

import hmac
import os
import re
from typing import Optional

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from huiqi.web.errors import ApiError

router = APIRouter(prefix="/api/admin", tags=["管理"])

ENV_TOKEN = "HUIQI_ADMIN_TOKEN"
ALLOWED_SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")

_bearer = HTTPBearer(auto_error=False, description="环境变量 HUIQI_ADMIN_TOKEN 中配置的管理令牌")


def require_admin(credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer)) -> None:
    """Check the bearer token against ``$HUIQI_ADMIN_TOKEN`` (constant-time
    comparison). Raises :class:`ApiError` 403 when no token is configured,
    401 when the header is missing or the token differs."""
    expected = os.environ.get(ENV_TOKEN, "").strip()
    if not expected:
        raise ApiError(403, f"管理接口未启用：服务器未设置环境变量 {ENV_TOKEN}", "admin_disabled")
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(401, "需要管理令牌：请求头应为 Authorization: Bearer <令牌>", "unauthorized",
                       headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(401, "管理令牌无效", "unauthorized", headers={"WWW-Authenticate": "Bearer"})


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
             status_code=201)
def upload_document(request: Request, file: Optional[UploadFile] = File(None, description="政策文件（txt/pdf/docx/html）")):
    """Upload one document (multipart field ``file``) and ingest it; see the
    module docstring for checks and answers."""
    from huiqi.services.ingest import ingest_and_refresh
    from huiqi.web.api import state_of

    from starlette.datastructures import UploadFile as _Upload

    if file is None or not isinstance(file, _Upload):
        raise ApiError(400, "缺少上传文件：表单字段 file 应为一个文件")
    st = state_of(request)
    name = safe_name(file.filename)
    data = file.file.read()
    if not data:
        raise ApiError(400, f"{name}：文件为空")
    check_type(name, data[:8192])
    with st.ingest_lock:
        path = st.upload_dir() / name
        path.write_bytes(data)
        report = ingest_and_refresh(st.engine, [path], refresh_index=False).ingest
        fr = report.files[0]
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
    return JSONResponse(body, status_code=201 if fr.status == "added" else 200)
