"""Error answers (错误响应) and request limits.

Every error of the JSON API is ``{"error": code, "detail": 中文说明}`` (plus
``"errors": [...]`` when there are several problems) with the right HTTP
status: 400 bad input or malformed JSON, 401 missing/wrong admin token, 403
admin disabled, 404 unknown id or path (also ids beyond 2^31 − 1), 405 wrong
method, 408 request body not received within :data:`BODY_TIMEOUT`, 413
request body too large, 414 query string too long, 415 unsupported upload type, 422
invalid values, 500 internal error (no stack trace, logged server-side),
503 calculator unavailable. Page requests (paths outside ``/api``) get the
same status with a Chinese HTML error page.
"""

from __future__ import annotations

import logging
from typing import Optional

import anyio

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("huiqi.web")

#: largest request body in bytes outside the admin upload (profiles, forms)
MAX_BODY_BYTES = 1 * 1024 * 1024
#: largest admin upload in bytes (a policy document; also env HUIQI_MAX_UPLOAD_MB)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: paths whose requests may carry an upload (admin and officer uploads, 解读 files)
UPLOAD_PREFIXES = ("/api/admin/", "/api/officer/documents", "/officer/upload", "/api/documents/", "/officer/documents/")
#: longest query string in bytes (a search query is cut to 200 characters anyway)
MAX_QUERY_BYTES = 4096
#: seconds allowed to receive a (buffered, at most 1 MB) request body
BODY_TIMEOUT = 30.0

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid_input",
    423: "locked",
    429: "too_many_attempts",
    500: "internal_error",
    503: "unavailable",
}

_DEFAULT_DETAIL = {
    400: "请求无效",
    401: "需要管理令牌（Authorization: Bearer …）",
    403: "无权访问",
    404: "未找到",
    405: "该地址不支持此请求方法",
    408: "请求体发送超时",
    413: "请求内容过大",
    414: "查询字符串过长",
    415: "不支持的文件类型",
    422: "输入的值无效",
    500: "服务器内部错误，请稍后再试",
    503: "服务暂不可用",
}


class ErrorBody(BaseModel):
    """The body of every error answer (错误响应体), documented in OpenAPI."""

    error: str = Field(description="机器可读的错误代码，如 invalid_input、not_found")
    detail: str = Field(description="中文说明（指出字段与原因）")
    errors: Optional[list[str]] = Field(None, description="多个问题时逐条列出")


_RESPONSE_TEXT = {
    400: "请求无效（参数或 JSON 格式错误）",
    408: "请求体发送超时",
    401: "缺少或错误的管理令牌",
    403: "管理接口未启用",
    404: "未找到",
    405: "该地址不支持此请求方法",
    413: "请求内容过大",
    414: "查询字符串过长",
    415: "不支持的文件类型",
    422: "输入的值无效（指出字段）",
    500: "服务器内部错误",
    503: "服务暂不可用",
}

#: Error statuses every route can answer (limits checked before routing, bad ids, bad input).
COMMON_ERRORS = (400, 404, 413, 414, 422, 500)


def error_responses(*codes: int) -> dict:
    """OpenAPI ``responses=`` for error ``codes``: each documented with the
    :class:`ErrorBody` schema in JSON (what the API really sends)."""
    return {c: {"model": ErrorBody, "description": _RESPONSE_TEXT.get(c, "错误")} for c in codes}


#: Largest id a path or query parameter may name (PostgreSQL ``integer``).
MAX_ID = 2**31 - 1


def check_id(value: int | None, what: str = "记录") -> int | None:
    """``value`` when it can be a row id (1 … 2^31−1), else :class:`ApiError`
    404 naming it (a bigger number cannot exist, and PostgreSQL would
    refuse it with a 500). ``None`` passes through."""
    if value is not None and not 0 < value <= MAX_ID:
        raise ApiError(404, f"未找到 ID 为 {value} 的{what}")
    return value


class ApiError(Exception):
    """An error answer: HTTP ``status``, machine ``error`` code (defaults from
    :data:`CODES`), Chinese ``detail`` and optional ``errors`` list and
    response ``headers``."""

    def __init__(self, status: int, detail: str, error: str | None = None,
                 errors: list[str] | None = None, headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.error = error or CODES.get(status, "error")
        self.errors = errors
        self.headers = headers


def wants_html(request_path: str) -> bool:
    """Whether an error for this path is answered as an HTML page (pages)
    rather than JSON (``/api``, ``/healthz``, ``/docs``, ``/openapi.json``)."""
    return not (request_path.startswith(("/api", "/healthz", "/docs", "/openapi", "/redoc", "/static")))


def error_body(status: int, detail: str, error: str | None = None, errors: list[str] | None = None) -> dict:
    """The JSON error object ``{error, detail[, errors]}``."""
    body = {"error": error or CODES.get(status, "error"), "detail": detail}
    if errors:
        body["errors"] = list(errors)
    return body


def _respond(request: Request, status: int, detail: str, error: str | None = None,
             errors: list[str] | None = None, headers: dict | None = None):
    if wants_html(request.url.path):
        from huiqi.web.render import render_error

        return render_error(request, status, detail, errors, headers)
    return JSONResponse(error_body(status, detail, error, errors), status_code=status, headers=headers)


_PYDANTIC_MESSAGES = {
    "missing": "缺少必填参数",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "dict_type": "应为 JSON 对象（{...}）",
    "model_attributes_type": "应为 JSON 对象（{...}）",
    "string_type": "应为文字",
    "json_invalid": "JSON 格式错误",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空",
}

_LOC_NAMES = {"query": "查询参数", "path": "路径参数", "body": "请求体", "header": "请求头", "form": "表单字段"}


def validation_messages(exc: RequestValidationError) -> list[str]:
    """One Chinese message per validation problem, naming the parameter:
    ``查询参数 top：应为整数，收到 "abc"``."""
    out = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        where = _LOC_NAMES.get(loc[0], loc[0]) if loc else ""
        name = ".".join(loc[1:])
        template = _PYDANTIC_MESSAGES.get(e.get("type", ""))
        ctx = e.get("ctx") or {}
        try:
            problem = template.format(**ctx) if template else f"取值无效（{e.get('msg', '')}）"
        except (KeyError, IndexError):
            problem = template or "取值无效"
        got = e.get("input")
        if e.get("type") not in ("missing", "json_invalid") and isinstance(got, (str, int, float)):
            shown = str(got)
            problem += f"，收到 \"{shown[:40]}{'…' if len(shown) > 40 else ''}\""
        out.append(f"{where} {name}：{problem}".strip() if name else f"{where}：{problem}")
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON/HTML error handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _respond(request, exc.status, exc.detail, exc.error, exc.errors, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) else None
        if status == 404 and (not detail or detail == "Not Found"):
            detail = f"未找到该地址：{request.url.path[:200]}"
        elif status == 405:
            detail = f"该地址不支持 {request.method} 方法"
        elif not detail or detail.isascii():
            detail = _DEFAULT_DETAIL.get(status, "请求无效")
        return _respond(request, status, detail, None, None, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        messages = validation_messages(exc)
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return _respond(request, 400, "请求体不是有效的 JSON：" + "；".join(messages), "malformed_json", messages)
        return _respond(request, 422, "；".join(messages) or "输入的值无效", "invalid_input", messages)

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception):
        log.exception("处理 %s %s 时出错", request.method, request.url.path)
        return _respond(request, 500, _DEFAULT_DETAIL[500], "internal_error")


class LimitsMiddleware:
    """ASGI middleware enforcing request limits before the app sees the
    request: query string longer than ``max_query`` bytes → 414; body
    larger than ``max_body`` bytes (``max_upload`` under :data:`UPLOAD_PREFIXES`) →
    413, checked on ``Content-Length`` and on the bytes actually received
    (chunked uploads); a malformed ``Content-Length`` → 400. Writes to
    ``/api/admin/`` are authenticated from the headers first (401/403 before
    any body byte is read) and their bodies streamed through with a byte
    count; other bodies are buffered (at most the limit) and replayed."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES, max_upload: int = MAX_UPLOAD_BYTES,
                 max_query: int = MAX_QUERY_BYTES) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.max_query = max_query

    async def _reject(self, scope, receive, send, status: int, detail: str, error: str | None = None,
                      headers: dict | None = None) -> None:
        path = scope.get("path", "")
        if wants_html(path):
            from huiqi.web.render import render_error

            response = render_error(None, status, detail, None, headers)
        else:
            response = JSONResponse(error_body(status, detail, error), status_code=status, headers=headers)
        await response(scope, receive, send)

    async def _stream(self, scope, receive, send, limit: int) -> None:
        """Pass an (authenticated) upload body through without buffering it,
        counting bytes: past ``limit`` the app's read fails and the answer is
        413 (the multipart parser spools file parts to disk)."""
        state = {"size": 0, "started": False, "over": False}

        async def counted():
            message = await receive()
            if message["type"] == "http.request":
                state["size"] += len(message.get("body", b""))
                if state["size"] > limit:
                    state["over"] = True
                    raise _BodyTooLarge()
            return message

        async def tracked(message):
            if message["type"] == "http.response.start":
                if state["over"]:
                    return  # the app answered an error for the cut body: ours replaces it
                state["started"] = True
            elif state["over"] and not state["started"]:
                return
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _BodyTooLarge:
            pass
        if state["over"] and not state["started"]:
            await self._reject(scope, receive, send, 413, _too_large(limit))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string") or b"") > self.max_query:
            return await self._reject(scope, receive, send, 414,
                                      f"查询字符串过长（超过 {self.max_query} 字节），请缩短查询内容")
        limit = self.max_upload if scope.get("path", "").startswith(UPLOAD_PREFIXES) else self.max_body
        length = None
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return await self._reject(scope, receive, send, 400, "请求头 Content-Length 无效")
                if length < 0:
                    return await self._reject(scope, receive, send, 400, "请求头 Content-Length 无效")
        is_admin = scope.get("path", "").startswith("/api/admin/")
        if is_admin and scope.get("method") not in ("GET", "HEAD", "OPTIONS"):
            # authenticate from the headers before a single body byte is read
            from huiqi.web.admin import auth_error

            auth = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            err = auth_error(auth)
            if err is not None:
                return await self._reject(scope, receive, send, err.status, err.detail, err.error, err.headers)
        if length is not None and length > limit:
            return await self._reject(scope, receive, send, 413, _too_large(limit))
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        if is_admin:
            return await self._stream(scope, receive, send, limit)
        chunks: list[bytes] = []
        size = 0
        with anyio.move_on_after(BODY_TIMEOUT) as deadline:  # slow bodies (slowloris on the body)
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body = message.get("body", b"")
                size += len(body)
                if size > limit:
                    return await self._reject(scope, receive, send, 413, _too_large(limit))
                chunks.append(body)
                if not message.get("more_body", False):
                    break
        if deadline.cancelled_caught:
            return await self._reject(scope, receive, send, 408,
                                      f"请求体发送超时（{BODY_TIMEOUT:g} 秒内未收完）", None, {"Connection": "close"})
        data = b"".join(chunks)
        sent = {"done": False}

        async def replay():
            if not sent["done"]:
                sent["done"] = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


class _BodyTooLarge(Exception):
    """Raised inside the app's ``receive`` when an upload passes its limit."""


def _too_large(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"请求内容过大（上限 {limit / (1024 * 1024):g} MB）"
    return f"请求内容过大（上限 {limit // 1024} KB）"
