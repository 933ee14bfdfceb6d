"""Authentication and authorisation (登录与权限) of the officer workspace.

* Pages: ``GET/POST /officer/login`` opens a server-side session; the
  cookie ``huiqi_session`` is HttpOnly, SameSite=Lax (Secure over HTTPS)
  and holds only a random token (the database keeps its SHA-256). Every
  page form carries the session's CSRF token (field ``csrf_token``); a
  JavaScript call with the cookie sends it as header ``X-CSRF-Token``. The
  login form itself is protected by a double-submit token (cookie
  ``huiqi_login_csrf`` = form field). ``POST /officer/logout`` ends the
  session.
* JSON API: ``POST /api/auth/token`` with ``{username, password}`` →
  ``{access_token, token_type: "bearer", role, expires_at}``; send it as
  ``Authorization: Bearer …``. ``GET /api/auth/me`` tells who you are.
* :func:`require` is THE dependency: it finds the user (bearer token or
  session cookie), answers 401 (API) or redirects to the login page
  (pages) without one, 403 when the role lacks the permission, 403 when a
  cookie-authenticated unsafe request lacks the CSRF token.

Failed logins are rate-limited and lock the account
(:func:`huiqi.kb.accounts.authenticate`); every login, failure, lock-out
and unlock is in the audit log. ``HUIQI_ADMIN_TOKEN`` is not a user: it
only opens the machine upload ``/api/admin/documents``.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Body, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

from huiqi.web.errors import ApiError, error_responses, wants_html

router = APIRouter(tags=["账号"])

SESSION_COOKIE = "huiqi_session"
LOGIN_CSRF_COOKIE = "huiqi_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def client_ip(request: Request) -> str | None:
    """The client address of ``request`` (the direct peer; a reverse proxy
    in front should be configured with uvicorn ``--proxy-headers``)."""
    return request.client.host if request.client else None


def _engine(request: Request):
    from huiqi.web.state import state_of

    return state_of(request).engine


def _bearer(request: Request) -> str | None:
    raw = request.headers.get("authorization") or ""
    scheme, _, token = raw.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_principal(request: Request):
    """The :class:`huiqi.kb.accounts.Principal` of ``request`` or ``None``.
    A bearer token is tried first (an invalid one → 401, never a fallback
    to the cookie); otherwise the session cookie."""
    from huiqi.kb.accounts import lookup_session, principal_of
    from huiqi.kb.db import session_scope

    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = _bearer(request)
    with session_scope(_engine(request)) as s:
        if token is not None:
            hit = lookup_session(s, token, "api")
            if hit is None:
                raise ApiError(401, "访问令牌无效或已过期，请重新获取（POST /api/auth/token）", "unauthorized",
                               headers={"WWW-Authenticate": "Bearer"})
            p = principal_of(hit[0], "api")
        else:
            hit = lookup_session(s, request.cookies.get(SESSION_COOKIE), "page")
            if hit is None:
                return None
            p = principal_of(hit[0], "page", hit[1].csrf_token)
    request.state.principal = p
    return p


async def _check_csrf(request: Request, expected: str | None) -> None:
    """403 unless the form field ``csrf_token`` or header ``X-CSRF-Token``
    equals ``expected`` (constant-time comparison)."""
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(403, "表单校验失败（CSRF 令牌缺失或不符），请刷新页面后重试", "csrf_failed")


def require(perm: Optional[str] = None):
    """THE permission dependency: ``Depends(require(PERM_…))`` returns the
    :class:`~huiqi.kb.accounts.Principal` holding ``perm`` (any logged-in
    user when ``perm`` is ``None``).

    No user → 401 JSON (API paths, with ``WWW-Authenticate: Bearer``) or a
    303 redirect to ``/officer/login?next=…`` (pages). The role lacks
    ``perm`` → 403 naming the role. A cookie session on an unsafe method
    without the right CSRF token → 403 ``csrf_failed``."""
    from huiqi.kb.accounts import ROLE_LABELS

    async def dependency(request: Request):
        p = current_principal(request)
        if p is None:
            if wants_html(request.url.path):
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise ApiError(303, "请先登录", "login_required",
                               headers={"Location": f"/officer/login?next={quote(target, safe='')}"})
            raise ApiError(401, "需要登录：请求头应为 Authorization: Bearer <令牌>（POST /api/auth/token 获取）",
                           "unauthorized", headers={"WWW-Authenticate": "Bearer"})
        if perm is not None and not p.can(perm):
            raise ApiError(403, f"无权访问：{ROLE_LABELS.get(p.role, p.role)}账号没有“{perm}”权限", "forbidden")
        if p.via == "page" and request.method in _UNSAFE:
            await _check_csrf(request, p.csrf_token)
        return p

    return dependency


def safe_next(target: str | None) -> str:
    """A post-login redirect target: a local ``/officer…`` or
    ``/requests…`` path, else ``/officer``."""
    t = target or ""
    if t.startswith(("/officer", "/requests")) and not t.startswith("//") and "\\" not in t and "\n" not in t:
        return t
    return "/officer"


def login_form_token(request: Request) -> str:
    """The double-submit token of the login form (the cookie's value, or a
    new one the login page sets)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def _set_cookie(response, name: str, value: str, request: Request, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


def do_login(request: Request, username: str, password: str, kind: str):
    """Authenticate and open a session (``page``) or token (``api``);
    returns ``(principal, token, expires_at)``. Raises :class:`ApiError`
    401 (wrong credentials), 423 (locked), 429 (too many tries). Every
    outcome is audited."""
    from huiqi.kb.accounts import authenticate, open_session, principal_of
    from huiqi.kb.audit import record
    from huiqi.kb.db import session_scope

    ip = client_ip(request)
    with session_scope(_engine(request)) as s:
        result = authenticate(s, username, password, ip)
        uid = result.user.id if result.user is not None else None
        for action, detail in result.events or []:
            if action == "login.success" and kind == "api":
                action = "token.issue"
            record(s, action, user_id=uid, username=detail.get("username"), ip=ip, object_type="user",
                   object_id=uid, after={k: v for k, v in detail.items() if k != "username"} or None,
                   reason=detail.get("reason"))
        if result.user is None:
            failure = (result.status, result.message)
        else:
            token, row = open_session(s, result.user, kind, ip)
            failure = None
            p = principal_of(result.user, kind, row.csrf_token)
            expires = row.expires_at
    if failure is not None:
        status, message = failure
        code = {401: "unauthorized", 423: "locked", 429: "too_many_attempts"}.get(status, "unauthorized")
        raise ApiError(status, message, code)
    return p, token, expires


@router.post("/api/auth/token", summary="用用户名和密码获取访问令牌", responses=error_responses(401, 422, 423, 429))
def api_token(request: Request, body: dict = Body(..., examples=[{"username": "officer1", "password": "…"}])):
    """``{username, password}`` → ``{access_token, token_type: "bearer",
    role, expires_at}`` (ISO UTC). Wrong credentials → 401; locked → 423;
    too many failures from the address → 429; missing fields → 422."""
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(422, "请求体应为 {\"username\": 用户名, \"password\": 密码}", "invalid_input")
    p, token, expires = do_login(request, username, password, "api")
    return JSONResponse({"access_token": token, "token_type": "bearer", "role": p.role,
                         "expires_at": expires.isoformat(timespec="seconds") + "Z"})


@router.get("/api/auth/me", summary="当前登录的账号", responses=error_responses(401))
def api_me(request: Request):
    """``{id, username, role, unit, region, region_name, firm_code,
    permissions}``; not logged in → 401."""
    from huiqi.kb.accounts import region_name

    p = current_principal(request)
    if p is None:
        raise ApiError(401, "未登录", "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return {"id": p.id, "username": p.username, "role": p.role, "unit": p.unit, "region": p.region,
            "region_name": region_name(p.region), "firm_code": p.firm_code, "permissions": sorted(p.permissions)}


@router.get("/officer/login", include_in_schema=False)
def login_page(request: Request, next: str = "/officer"):
    """The login form (with its double-submit CSRF token)."""
    from huiqi.web.render import render

    token = login_form_token(request)
    response = render("officer_login.html", active="officer", next=safe_next(next), login_csrf=token,
                      user=None, error=None, username="")
    _set_cookie(response, LOGIN_CSRF_COOKIE, token, request, max_age=3600)
    return response


@router.post("/officer/login", include_in_schema=False)
def login_submit(request: Request, username: str = Form(""), password: str = Form(""),
                 csrf_token: str = Form(""), next: str = Form("/officer")):
    """Check the double-submit token (403 when forged), log in, set the
    session cookie and redirect (303) to ``next``; a failure shows the form
    again with the message (401/423/429)."""
    from huiqi.web.render import render

    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie or not csrf_token or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        raise ApiError(403, "登录表单校验失败（CSRF 令牌缺失或不符），请刷新登录页后重试", "csrf_failed")
    try:
        _p, token, _exp = do_login(request, username, password, "page")
    except ApiError as exc:
        return render("officer_login.html", status=exc.status, active="officer", next=safe_next(next),
                      login_csrf=cookie, user=None, error=exc.detail, username=username[:64])
    target = safe_next(next)
    if _p.role == "enterprise" and target == "/officer":
        target = "/requests"  # a firm's account lands on its 诉求 (issue 14)
    response = RedirectResponse(target, status_code=303)
    _set_cookie(response, SESSION_COOKIE, token, request)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/officer/logout", include_in_schema=False)
async def logout(request: Request):
    """End the session (CSRF-checked) and go back to the login page."""
    from huiqi.kb.accounts import close_session
    from huiqi.kb.audit import record_for
    from huiqi.kb.db import session_scope

    p = current_principal(request)
    if p is not None:
        await _check_csrf(request, p.csrf_token)
        with session_scope(_engine(request)) as s:
            close_session(s, request.cookies.get(SESSION_COOKIE))
            record_for(s, p, client_ip(request), "logout", object_type="user", object_id=p.id)
    response = RedirectResponse("/officer/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
