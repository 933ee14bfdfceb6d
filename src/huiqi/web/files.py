"""Uploaded files served back (诉求 attachments, 解读 files): stored in the
database (:mod:`huiqi.kb.blobs`) so that every host of one database can
serve a file any of them received (issue 17)."""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from huiqi.web.errors import ApiError


def store_file(session: Session, suffix: str, data: bytes) -> str:
    """Store ``data`` in ``session``'s transaction under a new random name
    (24 hex digits + ``suffix``, e.g. ``.pdf``) and return that name."""
    from huiqi.kb.blobs import put_file

    stored = f"{secrets.token_hex(12)}{suffix}"
    put_file(session, stored, data)
    return stored


def file_response(engine, stored_name: str, file_name: str, legacy_dir: Path | None = None) -> Response:
    """The file stored under ``stored_name`` as a download named
    ``file_name`` (``Content-Disposition`` with the UTF-8 name). A file
    stored on disk by an earlier version is read from ``legacy_dir``.
    Raises :class:`ApiError` 404 when neither has it."""
    from huiqi.kb.blobs import read_file
    from huiqi.kb.db import session_scope

    with session_scope(engine) as s:
        data = read_file(s, stored_name)
    if data is None:
        path = (legacy_dir / os.path.basename(stored_name)) if legacy_dir is not None else None
        if path is None or not path.is_file():
            raise ApiError(404, f"文件“{file_name}”已不存在", "not_found")
        return FileResponse(path, filename=file_name)
    media = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name)}"})
