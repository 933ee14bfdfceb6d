"""诉求 pages (Chinese, phone width).

Firms (``enterprise`` accounts), under ``/requests``:

* ``/requests`` — the firm's own requests; ``/requests/new`` — the
  submission form (category, title, content, 旗县区, contact, linked
  clauses); ``/requests/{id}`` — status, timeline, deadlines, the opinion
  form once replied (满意 / 不满意 → 重新办理), withdraw;
* ``/requests/status`` — the public 进度查询 (查询码 + last 4 phone digits).

Officers, under ``/officer/requests``:

* the queues by role (待分办, 待签收, 办理中, 即将到期, 已超期, 待回访) and
  every request in scope; ``/officer/requests/new`` — record a phone or
  visit intake for a firm; ``/officer/requests/{id}`` — the request with
  its timeline, clocks (日历待确认 badge) and the action forms the user
  may use; ``/officer/requests/ledger.xlsx`` — the 台账;
  ``/officer/requests/report`` — the 定期通报 per 旗区 and unit;
* ``/officer/calendar`` — the working-day overrides (admins edit).

Every form carries the session's CSRF token and a one-time ``form_token``
(a double submit yields one event). Changes go through the same functions
as the JSON API (:mod:`huiqi.web.requests_api`).
"""

from __future__ import annotations

import secrets
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from huiqi.kb.accounts import PERM_CALENDAR_EDIT, PERM_REQUEST_HANDLE, PERM_REQUEST_SUBMIT, ROLE_ENTERPRISE
from huiqi.services.requests import RequestError
from huiqi.web import requests_api as rapi
from huiqi.web.auth import require
from huiqi.web.errors import ApiError
from huiqi.web.officer_pages import _page
from huiqi.web.render import render

router = APIRouter(include_in_schema=False)


def _back(url: str, message: str = "") -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(url + (f"{sep}msg={quote(message)}" if message else ""), status_code=303)


def _firm_page(name: str, principal, status: int = 200, **ctx):
    return render(name, status=status, active="requests", user=principal, csrf=principal.csrf_token, **ctx)


def _choices() -> dict:
    from huiqi.kb import requests as m
    from huiqi.reference import regions
    from huiqi.services import requests as svc

    divs = [d for d in regions.divisions().values() if d.parent is not None]
    divs.sort(key=lambda d: d.code)
    return {"categories": svc.CATEGORIES, "regions": [(d.code, d.name, regions.depth(d.code)) for d in divs],
            "classes": m.CLASSES, "outcomes": svc.OUTCOMES, "reply_channels": svc.REPLY_CHANNELS,
            "resolved": svc.RESOLVED, "intake_channels": svc.INTAKE_CHANNELS}


def _form_data(form) -> dict:
    """A submission form → the API body."""
    ids = []
    for part in str(form.get("clause_ids") or "").replace("，", ",").split(","):
        part = part.strip()
        if part:
            if not part.isdigit():
                raise ApiError(422, f"关联条款编号应为数字：“{part[:10]}”")
            ids.append(int(part))
    data = {k: str(form.get(k) or "").strip() for k in ("title", "content", "category", "region", "firm_name",
                                                          "channel")}
    data = {k: v for k, v in data.items() if v}
    data["contact"] = {"name": str(form.get("contact_name") or "").strip(),
                       "phone": str(form.get("contact_phone") or "").strip()}
    data["clause_ids"] = ids
    if form.get("firm_code"):
        data["firm"] = {"code": str(form.get("firm_code")).strip(), "name": str(form.get("firm_name") or "").strip()}
    return data


async def _files(form) -> list[tuple[str, bytes]]:
    """The non-empty uploaded files of a form (field ``files``), checked
    before anything is saved."""
    from huiqi.services import requests as svc

    out = []
    for f in form.getlist("files"):
        if hasattr(f, "read") and getattr(f, "filename", ""):
            data = await f.read()
            if data:
                out.append((f.filename, data))
    for name, data in out:
        try:
            svc.check_attachment(name, len(data))
        except RequestError as exc:
            raise rapi.api_error(exc) from None
    return out


@router.post("/requests/{request_id}/attachments")
async def firm_attach(request: Request, request_id: int, principal=Depends(require(None))):
    """补充材料 from the request page (firm or officer)."""
    form = await request.form()
    back = f"/requests/{request_id}" if principal.role == ROLE_ENTERPRISE else f"/officer/requests/{request_id}"
    try:
        files = await _files(form)
        if not files:
            return _back(back, "请选择要上传的文件")
        saved = rapi.save_attachments(request, principal, request_id, files)
    except ApiError as exc:
        if exc.status == 404:
            raise
        return _back(back, f"未能上传：{exc.detail}")
    return _back(back, f"已上传 {len(saved)} 个附件")


# ---------------------------------------------------------------- firm pages

@router.get("/requests")
def firm_requests(request: Request, msg: str = Query("", max_length=200), principal=Depends(require(None))):
    """The firm's own requests (officers go to their queues)."""
    from huiqi.services.request_reports import list_requests
    from huiqi.services.requests import run_tx

    if principal.role != ROLE_ENTERPRISE:
        return RedirectResponse("/officer/requests", status_code=303)
    rows = run_tx(rapi.engine_of(request), lambda s: list_requests(s, principal))
    return _firm_page("requests_firm_list.html", principal, rows=rows, msg=msg)


@router.get("/requests/new")
def firm_new(request: Request, principal=Depends(require(PERM_REQUEST_SUBMIT))):
    """The submission form."""
    return _firm_page("requests_new.html", principal, form={}, error=None, token=secrets.token_urlsafe(16),
                      officer=False, **_choices())


@router.post("/requests/new")
async def firm_new_submit(request: Request, principal=Depends(require(PERM_REQUEST_SUBMIT))):
    """Submit; a bad field shows the form again (422) with the typed values."""
    form = await request.form()
    try:
        files = await _files(form)
        view = rapi.submit_request(request, principal, _form_data(form), str(form.get("form_token") or "")[:64] or None)
        if files and view.get("attachments") == []:  # not on a repeated submit of the same form
            rapi.save_attachments(request, principal, view["id"], files)
    except ApiError as exc:
        return _firm_page("requests_new.html", principal, status=exc.status, form=dict(form), error=exc.detail,
                          token=str(form.get("form_token") or secrets.token_urlsafe(16)), officer=False, **_choices())
    return _back(f"/requests/{view['id']}", f"已提交，编号 {view['no']}，进度查询码 {view['query_code']}")


@router.get("/requests/status")
def status_page(request: Request, code: str = Query("", max_length=16), phone4: str = Query("", max_length=4)):
    """The public 进度查询 page."""
    from huiqi.services.request_reports import public_status
    from huiqi.services.requests import run_tx

    result = None
    if code or phone4:
        result = run_tx(rapi.engine_of(request), lambda s: public_status(s, code, phone4))
    return render("request_status.html", status=404 if (code or phone4) and result is None else 200,
                  active="requests", user=None, code=code, phone4=phone4, result=result,
                  asked=bool(code or phone4))


@router.get("/requests/{request_id}")
def firm_request(request: Request, request_id: int, msg: str = Query("", max_length=200),
                 principal=Depends(require(None))):
    """The firm's view of one of its requests (officers are sent to theirs)."""
    from huiqi.services import requests as svc
    from huiqi.services.request_reports import request_view

    if principal.role != ROLE_ENTERPRISE:
        return RedirectResponse(f"/officer/requests/{request_id}", status_code=303)
    try:
        v = svc.run_tx(rapi.engine_of(request),
                       lambda s: request_view(s, principal, svc.get_request(s, principal, request_id)))
    except RequestError as exc:
        raise rapi.api_error(exc) from None
    return _firm_page("request_firm.html", principal, r=v, msg=msg, token=secrets.token_urlsafe(16))


async def _step(request: Request, principal, request_id: int, action: str, back: str):
    form = await request.form()
    data: dict = {k: str(v).strip() for k, v in form.items() if k not in ("csrf_token", "form_token", "version")}
    for k in ("level",):
        if data.get(k):
            data[k] = int(data[k]) if data[k].isdigit() else data[k]
    if "satisfied" in data:
        data["satisfied"] = data["satisfied"] == "1"
    if str(form.get("version") or "").isdigit():
        data["version"] = int(str(form.get("version")))
    try:
        out = rapi.do_action(request, principal, request_id, action, data, str(form.get("form_token") or "")[:64] or None)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        return _back(back, f"未能完成：{exc.detail}")
    from huiqi.services.requests import ACTION_LABELS

    return _back(back, f"{ACTION_LABELS.get(action, action)}已完成" if out.get("applied", True) else "已处理（重复提交已忽略）")


@router.post("/requests/{request_id}/{step}")
async def firm_step(request: Request, request_id: int, step: str, principal=Depends(require(PERM_REQUEST_SUBMIT))):
    """The firm's opinion or withdrawal."""
    if step not in ("opinion", "withdraw"):
        raise ApiError(404, "未知操作", "not_found")
    return await _step(request, principal, request_id, step, f"/requests/{request_id}")


# ---------------------------------------------------------------- officer pages

@router.get("/officer/requests")
def officer_requests(request: Request, msg: str = Query("", max_length=200),
                     principal=Depends(require(PERM_REQUEST_HANDLE))):
    """Queues by role and every request in scope."""
    from huiqi.services.request_reports import QUEUE_LABELS, list_requests, queues
    from huiqi.services.requests import run_tx

    q, rows = run_tx(rapi.engine_of(request), lambda s: (queues(s, principal), list_requests(s, principal)))
    return _page("officer_requests.html", principal, queues=q, labels=QUEUE_LABELS, rows=rows, msg=msg)


@router.get("/officer/requests/new")
def officer_new(request: Request, principal=Depends(require(PERM_REQUEST_HANDLE))):
    """Record a phone or visit intake for a firm."""
    return _page("requests_new.html", principal, form={}, error=None, token=secrets.token_urlsafe(16), officer=True,
                 **_choices())


@router.post("/officer/requests/new")
async def officer_new_submit(request: Request, principal=Depends(require(PERM_REQUEST_HANDLE))):
    """Save the intake (422 page with the typed values on a bad field)."""
    form = await request.form()
    try:
        files = await _files(form)
        view = rapi.submit_request(request, principal, _form_data(form), str(form.get("form_token") or "")[:64] or None)
        if files and view.get("attachments") == []:
            rapi.save_attachments(request, principal, view["id"], files)
    except ApiError as exc:
        return _page("requests_new.html", principal, status=exc.status, form=dict(form), error=exc.detail,
                     token=str(form.get("form_token") or secrets.token_urlsafe(16)), officer=True, **_choices())
    return _back(f"/officer/requests/{view['id']}", f"已代录，编号 {view['no']}")


@router.get("/officer/requests/ledger.xlsx")
def officer_ledger(request: Request, principal=Depends(require(PERM_REQUEST_HANDLE))):
    """The 台账 download."""
    return rapi.ledger_response(request, principal)


@router.get("/officer/requests/report")
def officer_report(request: Request, start: str = Query("", max_length=10), end: str = Query("", max_length=10),
                   principal=Depends(require(PERM_REQUEST_HANDLE))):
    """The 定期通报 per 旗区 and per unit."""
    from huiqi.services.request_reports import periodic_report
    from huiqi.services.requests import run_tx

    a, b = rapi.parse_period(start or None, end or None)
    rep = run_tx(rapi.engine_of(request), lambda s: periodic_report(s, principal, a, b))
    return _page("officer_requests_report.html", principal, rep=rep)


@router.get("/officer/requests/{request_id}")
def officer_request(request: Request, request_id: int, msg: str = Query("", max_length=200),
                    principal=Depends(require(PERM_REQUEST_HANDLE))):
    """One request: content, clocks, timeline, action forms."""
    from huiqi.services import requests as svc
    from huiqi.services.request_reports import request_view

    try:
        v = svc.run_tx(rapi.engine_of(request),
                       lambda s: request_view(s, principal, svc.get_request(s, principal, request_id)))
    except RequestError as exc:
        raise rapi.api_error(exc) from None
    return _page("officer_request.html", principal, r=v, msg=msg, token=secrets.token_urlsafe(16),
                 action_labels=svc.ACTION_LABELS, **_choices())


@router.post("/officer/requests/{request_id}/{step}")
async def officer_step(request: Request, request_id: int, step: str,
                       principal=Depends(require(PERM_REQUEST_HANDLE))):
    """One action form (route, not_accept, sign, give_back, interim, reply, opinion, revisit)."""
    from huiqi.services.requests import TRANSITIONS

    if step not in TRANSITIONS or step == "withdraw":
        raise ApiError(404, "未知操作", "not_found")
    return await _step(request, principal, request_id, step, f"/officer/requests/{request_id}")


@router.get("/officer/calendar")
def calendar_page(request: Request, year: int = Query(0, ge=0, le=2100), msg: str = Query("", max_length=200),
                  principal=Depends(require(PERM_REQUEST_HANDLE))):
    """The override table, the year's non-standard days and the import form."""
    from datetime import timedelta

    from huiqi.reference.workdays import SOURCE_LABELS, library_years
    from huiqi.services.requests import load_calendar, local_date, now_utc, run_tx

    year = year or local_date(now_utc()).year
    rows, cal = run_tx(rapi.engine_of(request), lambda s: (rapi.override_rows(s), load_calendar(s)))
    special, d = [], date(year, 1, 1)
    while d.year == year:
        info = cal.day(d)
        if info.workday == (d.weekday() >= 5) or info.provisional and not info.workday:
            special.append({"date": d, "weekday": "一二三四五六日"[d.weekday()], "workday": info.workday,
                            "source": SOURCE_LABELS.get(info.source, info.source), "provisional": info.provisional})
        d += timedelta(days=1)
    first, last = library_years()
    return _page("officer_calendar.html", principal, rows=rows, special=special, year=year, msg=msg,
                 library=(first, last), provisional_year=year > last and year not in cal.confirmed_years,
                 can_edit=principal.can(PERM_CALENDAR_EDIT))


@router.post("/officer/calendar")
async def calendar_submit(request: Request, principal=Depends(require(PERM_CALENDAR_EDIT))):
    """Add days from the textarea (``YYYY-MM-DD 休|班`` per line) and recompute clocks."""
    from huiqi.kb.audit import record_for
    from huiqi.reference.workdays import parse_notice
    from huiqi.services.request_clocks import set_overrides
    from huiqi.services.requests import run_tx
    from huiqi.web.auth import client_ip

    form = await request.form()
    rows, errors = parse_notice(str(form.get("days") or ""))
    if errors or not rows:
        return _back("/officer/calendar", "；".join(errors[:3]) if errors else "没有可导入的日期")
    source = str(form.get("source") or "").strip()[:200] or None

    def tx(s):
        changed = set_overrides(s, rows, principal.username, source)
        record_for(s, principal, client_ip(request), "calendar.edit", object_type="calendar",
                   after={"days": {k.isoformat(): v for k, v in rows.items()}, "source": source})
        return changed
    changed = run_tx(rapi.engine_of(request), tx)
    return _back(f"/officer/calendar?year={min(rows).year}", f"已保存 {len(rows)} 天，重算时限 {changed} 个")


@router.post("/officer/calendar/{day}/delete")
async def calendar_delete(request: Request, day: str, principal=Depends(require(PERM_CALENDAR_EDIT))):
    """Remove one override day and recompute."""
    from huiqi.kb.audit import record_for
    from huiqi.services.request_clocks import delete_override
    from huiqi.services.requests import run_tx
    from huiqi.web.auth import client_ip

    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise ApiError(404, "日期无效", "not_found") from None

    def tx(s):
        changed = delete_override(s, d)
        record_for(s, principal, client_ip(request), "calendar.delete", object_type="calendar", object_id=day)
        return changed
    changed = run_tx(rapi.engine_of(request), tx)
    return _back(f"/officer/calendar?year={d.year}", f"已删除 {day}，重算时限 {changed} 个")
