"""Pages of the firm register and the 免申即享 lists (Chinese, 375 px).

Officers:

* ``/officer/firms`` — import a register or qualification list (report
  with row errors), look a firm up, pending corrections;
  ``/officer/firms/{code}`` — profile, facts with sources, corrections;
* ``/officer/lists`` — lists in scope and the create form;
  ``/officer/lists/{id}`` — entries with risk flags and decision forms,
  submit, approve (meeting minutes), 公示, objections, 兑现, exports, diff.

Firms: ``/my-firm`` — the own record and the correction form.
Public: ``/gongshi/{id}`` — the 公示 (主体、依据、金额、内容 only) and the
objection form (double-submit CSRF cookie, no login).

Every form posts the session's CSRF token and goes through the same
functions as the JSON API (:mod:`huiqi.web.firms_api`,
:mod:`huiqi.web.lists_api`).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from huiqi.kb.accounts import PERM_FIRM_IMPORT, PERM_FIRM_READ, PERM_FIRM_SELF, PERM_LIST_EDIT
from huiqi.services.list_schema import (
    ApproveIn,
    EntryDecisionIn,
    ListCreateIn,
    ObjectionDecisionIn,
    ObjectionIn,
    PaymentIn,
    PublicizeIn,
)
from huiqi.web import firms_api as fapi
from huiqi.web import lists_api as lapi
from huiqi.web.auth import require
from huiqi.web.errors import ApiError
from huiqi.web.officer_pages import _back, _page
from huiqi.web.render import render

router = APIRouter(include_in_schema=False)
PUBLIC_CSRF_COOKIE = "huiqi_public_csrf"


def _fields(form, *names: str) -> dict:
    out = {}
    for n in names:
        v = str(form.get(n) or "").strip()
        if v:
            out[n] = v
    return out


def _model(cls, data: dict):
    """A contract model from form fields; a bad field → 422 in Chinese."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        msgs = "；".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ApiError(422, f"表单填写有误：{msgs}") from None


def _int(v) -> int | None:
    return int(v) if str(v or "").strip().isdigit() else None


# ---------------------------------------------------------------- firms

@router.get("/officer/firms")
def firms_home(request: Request, msg: str = Query("", max_length=200), principal=Depends(require(PERM_FIRM_READ))):
    """Import form, lookup, pending corrections."""
    from huiqi.kb import firms as fm
    from huiqi.services.firm_views import pending_corrections

    pending = fapi.run(request, lambda s: pending_corrections(s, principal))
    return _page("officer_firms.html", principal, msg=msg, report=None, pending=pending, sources=fm.SOURCES)


@router.post("/officer/firms/import")
async def firms_import(request: Request, principal=Depends(require(PERM_FIRM_IMPORT))):
    """Import the uploaded file; the report is shown on the same page."""
    from huiqi.kb import firms as fm

    form = await request.form()
    f = form.get("file")
    if not hasattr(f, "read") or not getattr(f, "filename", ""):
        return _back("/officer/firms", "请选择要导入的文件")
    data = await f.read()
    try:
        report = fapi.import_upload(request, principal, f.filename, data, str(form.get("source") or "市场监管"),
                                    str(form.get("as_of") or "") or None, str(form.get("qualification") or "") or None)
        status, error = 200, None
    except ApiError as exc:
        report, status, error = None, exc.status, exc.detail
    return _page("officer_firms.html", principal, status=status, msg=error or "", report=report, pending=[],
                 sources=fm.SOURCES)


@router.get("/officer/firms/{code}")
def firm_page(request: Request, code: str, msg: str = Query("", max_length=200),
              principal=Depends(require(PERM_FIRM_READ))):
    """The firm's record (404 outside the scope)."""
    from huiqi.services.firm_views import firm_view

    return _page("firm_record.html", principal, f=fapi.run(request, lambda s: firm_view(s, principal, code)),
                 msg=msg, own=False)


@router.post("/officer/firm-corrections/{correction_id}")
async def decide_correction(request: Request, correction_id: int, principal=Depends(require(PERM_FIRM_READ))):
    """Confirm or reject a correction."""
    from huiqi.kb.audit import record_for
    from huiqi.services.firm_views import decide_correction as decide
    from huiqi.web.auth import client_ip

    form = await request.form()
    back = str(form.get("back") or "/officer/firms")
    back = back if back.startswith("/officer/") else "/officer/firms"

    def tx(s):
        c, changed = decide(s, principal, correction_id, form.get("confirm") == "1", str(form.get("note") or ""))
        record_for(s, principal, client_ip(request), "firm.correction_decide", object_type="fact_correction",
                   object_id=c.id, after={"status": c.status, "changed": changed})
        return c
    try:
        c = fapi.run(request, tx)
    except ApiError as exc:
        return _back(back, f"未能处理：{exc.detail}")
    return _back(back, "已确认更正" if c.status == "confirmed" else "已不予更正")


@router.get("/my-firm")
def my_firm(request: Request, msg: str = Query("", max_length=200), principal=Depends(require(PERM_FIRM_SELF))):
    """The firm's own record and the correction form."""
    from huiqi.services.firm_views import firm_view

    f = fapi.run(request, lambda s: firm_view(s, principal, principal.firm_code or ""))
    return render("firm_record.html", active="requests", user=principal, csrf=principal.csrf_token, f=f, msg=msg,
                  own=True)


@router.post("/my-firm/corrections")
async def my_firm_correct(request: Request, principal=Depends(require(PERM_FIRM_SELF))):
    """File a correction of one fact."""
    from huiqi.kb.audit import record_for
    from huiqi.services.firm_views import file_correction
    from huiqi.web.auth import client_ip

    form = await request.form()

    def tx(s):
        c = file_correction(s, principal, principal.firm_code or "", str(form.get("key") or ""),
                            str(form.get("value") or ""), str(form.get("note") or ""))
        record_for(s, principal, client_ip(request), "firm.correction", object_type="fact_correction",
                   object_id=c.id, after={"firm": principal.firm_code, "key": c.key})
    try:
        fapi.run(request, tx)
    except ApiError as exc:
        return _back("/my-firm", f"未能提交：{exc.detail}")
    return _back("/my-firm", "更正申请已提交，待工作人员核实")


# ---------------------------------------------------------------- lists (officers)

@router.get("/officer/lists")
def lists_home(request: Request, msg: str = Query("", max_length=200), clause: str = Query("", max_length=40),
               principal=Depends(require(PERM_LIST_EDIT))):
    """Lists in scope and the create form."""
    from huiqi.kb.lists import MODES
    from huiqi.services.list_reports import visible_lists

    rows = fapi.run(request, lambda s: visible_lists(s, principal))
    return _page("officer_lists.html", principal, rows=rows, msg=msg, modes=MODES, clause=clause)


@router.post("/officer/lists")
async def lists_create(request: Request, principal=Depends(require(PERM_LIST_EDIT))):
    """Create a list and open it."""
    form = await request.form()
    data = _fields(form, "clause_id", "mode", "as_of", "limit_days")
    try:
        view = lapi.create(request, principal, _model(ListCreateIn, data))
    except ApiError as exc:
        return _back("/officer/lists", f"未能创建：{exc.detail}")
    return _back(f"/officer/lists/{view['id']}", f"已创建名单，匹配到 {len(view['firms'])} 家企业")


@router.get("/officer/lists/{list_id}")
def list_page(request: Request, list_id: int, msg: str = Query("", max_length=300),
              principal=Depends(require(PERM_LIST_EDIT))):
    """The list with its forms."""
    from huiqi.services.list_payments import payment_flow
    from huiqi.services.lists import get_list

    v = fapi.run(request, lambda s: lapi._view(s, principal, get_list(s, principal, list_id)))
    return _page("officer_list.html", principal, v=v, msg=msg, flow=payment_flow())


async def _list_step(request: Request, list_id: int, fn, done: str):
    try:
        fn(await request.form())
    except ApiError as exc:
        if exc.status == 404:
            raise
        return _back(f"/officer/lists/{list_id}", f"未能完成：{exc.detail}")
    return _back(f"/officer/lists/{list_id}", done)


@router.post("/officer/lists/{list_id}/entries/{code}")
async def list_entry(request: Request, list_id: int, code: str, principal=Depends(require(PERM_LIST_EDIT))):
    """Decide one firm."""
    def fn(form):
        data = _fields(form, "decision", "reason")
        data["version"] = _int(form.get("version"))
        if str(form.get("amount_yuan") or "").strip():
            data["amount_yuan"] = str(form.get("amount_yuan")).strip()
        lapi.api_entry(request, list_id, code, _model(EntryDecisionIn, data), principal)
    return await _list_step(request, list_id, fn, "已保存审核意见")


@router.post("/officer/lists/{list_id}/{action}")
async def list_action(request: Request, list_id: int, action: str, principal=Depends(require(PERM_LIST_EDIT))):
    """submit / approve / publicize / payment / objection decision."""
    from huiqi.services.list_schema import VersionIn

    def fn(form):
        version = _int(form.get("version"))
        if action == "submit":
            lapi.api_submit(request, list_id, VersionIn(version=version), principal)
        elif action == "approve":
            from huiqi.kb.accounts import PERM_LIST_APPROVE

            if not principal.can(PERM_LIST_APPROVE):
                raise ApiError(403, "无审批权限：名单须由具有审批权限的工作人员审批", "forbidden")
            lapi.api_approve(request, list_id, _model(ApproveIn, {**_fields(form, "meeting_ref"), "version": version}),
                             principal)
        elif action == "publicize":
            lapi.api_publicize(request, list_id, _model(PublicizeIn, {"working_days": _int(form.get("working_days")) or 5,
                                                                       "version": version}), principal)
        elif action == "payment":
            data = _fields(form, "code", "action", "ref", "note", "account", "amount_yuan")
            lapi.payment(request, principal, list_id, _model(PaymentIn, data))
        elif action == "objection":
            body = _model(ObjectionDecisionIn, {"upheld": form.get("upheld") == "1", **_fields(form, "reason")})
            lapi.api_objection_decision(request, list_id, _int(form.get("objection_id")) or 0, body, principal)
        else:
            raise ApiError(404, "未知操作", "not_found")
    labels = {"submit": "已提交审批", "approve": "已审批", "publicize": "已开始公示", "payment": "已记录兑现",
              "objection": "已处理异议"}
    return await _list_step(request, list_id, fn, labels.get(action, "已完成"))


@router.get("/officer/lists/{list_id}/export.xlsx")
def list_export(request: Request, list_id: int, kind: str = Query(..., max_length=16),
                principal=Depends(require(PERM_LIST_EDIT))):
    """The xlsx export from the page (audited like the API's)."""
    return lapi.export(request, principal, list_id, kind)


# ---------------------------------------------------------------- public 公示

def _public(request: Request, list_id: int, msg: str = "", error: str = "", status: int = 200, form=None):
    from huiqi.services.list_reports import public_view

    v = fapi.run(request, lambda s: public_view(s, list_id))
    if v is None:
        raise ApiError(404, f"未找到公示中的名单 {list_id}", "not_found")
    token = request.cookies.get(PUBLIC_CSRF_COOKIE) or secrets.token_urlsafe(24)
    resp = render("list_public.html", status=status, active="", user=None, v=v, msg=msg, error=error, token=token,
                  form=form or {})
    resp.set_cookie(PUBLIC_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/gongshi",
                    secure=request.url.scheme == "https")
    return resp


@router.get("/gongshi/{list_id}")
def public_page(request: Request, list_id: int, msg: str = Query("", max_length=200)):
    """The public 公示 page (no login)."""
    return _public(request, list_id, msg=msg)


@router.post("/gongshi/{list_id}/objection")
async def public_objection(request: Request, list_id: int):
    """File an objection from the public page (double-submit CSRF token)."""
    form = await request.form()
    sent, cookie = str(form.get("csrf_token") or ""), request.cookies.get(PUBLIC_CSRF_COOKIE) or ""
    if not sent or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise ApiError(403, "表单校验失败（CSRF 令牌缺失或不符），请刷新页面后重试", "csrf_failed")
    data = _fields(form, "content", "contact_name", "contact_phone")
    data["entry_id"] = _int(form.get("entry_id")) or 0
    try:
        lapi.objection(request, list_id, _model(ObjectionIn, data))
    except ApiError as exc:
        if exc.status == 404 and "名单" in exc.detail:
            raise
        return _public(request, list_id, error=exc.detail, status=exc.status, form=dict(form))
    return _back(f"/gongshi/{list_id}", "异议已收到，工作人员将核查并与您联系")
