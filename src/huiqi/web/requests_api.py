"""诉求 JSON API (firms' requests) and the working-day API. Every route
declares its permission through :func:`huiqi.web.auth.require`; the
service (:mod:`huiqi.services.requests`) checks who may do what on which
request (a firm only its own; officers within their region scope; the 承办
unit replies; the 盟 does the 回访). A request the caller may not see
answers 404 like an unknown id. Every change is in the request's event
log and the audit log.

* ``POST /api/requests`` ``{title, content, category?, region, contact:
  {name, phone}, clause_ids?, firm_name?}`` (a firm), or with ``firm:
  {code, name}`` and ``channel`` (an officer recording a phone or visit
  intake) → 201 ``{id, no, status, query_code, deadlines}``;
* ``GET /api/requests?status=&overdue=`` → rows (``next_due``, ``overdue``);
* ``GET /api/requests/{id}`` → ``{id, no, status, class, events[],
  deadlines[{kind, due, met, breached, provisional, …}], actions[], …}``;
* ``POST /api/requests/{id}/route`` ``{unit, class, deadline?, note?}``
  (class 一般/复杂/难以短期办理/无法办理/政务服务渠道); ``/not-accept``
  ``{reason}``; ``/sign``; ``/give-back`` ``{reason}``; ``/interim``
  ``{content}``; ``/reply`` ``{content, channel, outcome, reason?,
  contact_person?}``; ``/opinion`` ``{satisfied, level, comment?}``;
  ``/revisit`` ``{level, resolved, notes}``; ``/withdraw``. Optional
  ``version`` in the body (409 when stale) and header ``Idempotency-Key``
  (a repeated key returns the request unchanged: one event);
* ``POST /api/requests/{id}/attachments`` (multipart ``files``) → 201;
  ``GET /api/request-attachments/{id}`` → the file;
* ``GET /api/notifications`` — the caller's inbox (unit, region scope, firm);
* ``GET /api/requests-queues``, ``GET /api/requests-report?start=&end=``,
  ``GET /api/requests-ledger.xlsx`` (officers);
* ``GET /api/requests-status?code=&phone4=`` (public 进度查询);
* ``GET /api/workdays/add?start=YYYY-MM-DD&days=N`` → ``{date,
  provisional}`` (public);
* ``GET /api/calendar/overrides``, ``PUT /api/calendar/overrides``
  ``{days: [{date, workday, note?}], source?}`` (calendar admins).
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import APIRouter, Body, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from huiqi.kb.accounts import PERM_CALENDAR_EDIT, PERM_REQUEST_HANDLE
from huiqi.services.requests import RequestError
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import ApiError

router = APIRouter(tags=["诉求"])

#: URL segment → service action
ACTION_PATHS = {"route": "route", "not-accept": "not_accept", "sign": "sign", "give-back": "give_back",
                "interim": "interim", "reply": "reply", "opinion": "opinion", "revisit": "revisit",
                "withdraw": "withdraw"}


def engine_of(request: Request):
    """The engine of the app's knowledge base."""
    from huiqi.web.state import state_of

    return state_of(request).engine


def api_error(exc: RequestError) -> ApiError:
    """The :class:`ApiError` of a service error (status kept; the field named)."""
    code = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(exc.status, "invalid_input")
    detail = exc.message if not exc.field or exc.field in exc.message else f"{exc.field}: {exc.message}"
    return ApiError(exc.status, detail, code)


def _audit(session, principal, request, action: str, req, after=None) -> None:
    from huiqi.kb.audit import record_for

    record_for(session, principal, client_ip(request), f"request.{action}", object_type="request",
               object_id=req.id, after={"no": req.no, "status": req.status, **(after or {})})


def submit_request(request: Request, principal, data: dict, dedupe_key: str | None = None) -> dict:
    """Create a request (shared by the API and the pages); returns the view."""
    from huiqi.services import requests as svc
    from huiqi.services.request_reports import request_view

    def tx(s):
        req, created = svc.submit(s, principal, data, dedupe_key=dedupe_key)
        if created:
            _audit(s, principal, request, "submit", req)
        return request_view(s, principal, req)
    try:
        return svc.run_tx(engine_of(request), tx)
    except RequestError as exc:
        raise api_error(exc) from None


def do_action(request: Request, principal, request_id: int, action: str, data: dict,
              dedupe_key: str | None = None) -> dict:
    """Apply one transition (shared by the API and the pages); returns the view."""
    from huiqi.services import requests as svc
    from huiqi.services.request_reports import request_view

    version = data.get("version")
    if version is not None and not isinstance(version, int):
        raise ApiError(422, "version: 应为整数")

    def tx(s):
        req, applied = svc.act(s, principal, request_id, action, data, expected_version=version,
                               dedupe_key=dedupe_key)
        if applied:
            _audit(s, principal, request, action, req)
        out = request_view(s, principal, req)
        out["applied"] = applied
        return out
    try:
        return svc.run_tx(engine_of(request), tx)
    except RequestError as exc:
        raise api_error(exc) from None


def _key(request: Request) -> str | None:
    k = (request.headers.get("idempotency-key") or "").strip()
    return k[:64] or None


@router.post("/api/requests", summary="提交诉求（企业），或代录电话、来访诉求（经办人员）", status_code=201)
def api_submit(request: Request, body: dict = Body(..., examples=[{
        "title": "项目用地审批进度咨询", "content": "厂房项目用地审批已提交两个月，想了解进度。", "category": "项目审批",
        "region": "阿拉善左旗", "contact": {"name": "王经理", "phone": "13900001234"}}]),
        principal=Depends(require(None))):
    """→ 201 ``{id, no, status, query_code, deadlines, …}``."""
    view = submit_request(request, principal, body if isinstance(body, dict) else {}, _key(request))
    return JSONResponse(view, status_code=201)


@router.get("/api/requests", summary="诉求列表（按权限与管辖范围）")
def api_list(request: Request, status: Optional[str] = Query(None, max_length=16),
             overdue: Optional[bool] = Query(None), principal=Depends(require(None))):
    """Rows visible to the caller, newest first."""
    from huiqi.services.request_reports import list_requests
    from huiqi.services.requests import run_tx

    return run_tx(engine_of(request), lambda s: list_requests(s, principal, status, overdue))


@router.get("/api/requests/{request_id}", summary="一件诉求：状态、办理过程、时限")
def api_get(request: Request, request_id: int, principal=Depends(require(None))):
    """The full view (a firm sees the events meant for it)."""
    from huiqi.services import requests as svc
    from huiqi.services.request_reports import request_view

    try:
        return svc.run_tx(engine_of(request),
                          lambda s: request_view(s, principal, svc.get_request(s, principal, request_id)))
    except RequestError as exc:
        raise api_error(exc) from None


def attachment_dir(request: Request):
    """Where an earlier version stored request files on disk
    (``<derived dir>/request_attachments``; read only, for files stored
    before the files moved into the database)."""
    from huiqi.config import derived_dir
    from huiqi.web.state import state_of

    return derived_dir(state_of(request).url) / "request_attachments"


def save_attachments(request: Request, principal, request_id: int, files: list[tuple[str, bytes]]) -> list[dict]:
    """Check every file first (type, size; a bad one refuses all with 422
    naming it), then store each under a random name in the database and
    record it, both in one transaction per file (one ``attachment`` event
    each; any host of the database serves it). Returns ``[{id, file_name, size}]``."""
    from huiqi.services import requests as svc
    from huiqi.web.files import store_file

    try:
        suffixes = [svc.check_attachment(name, len(data)) for name, data in files]
    except RequestError as exc:
        raise api_error(exc) from None
    out = []
    for (name, data), suffix in zip(files, suffixes):
        def tx(s, name=name, data=data, suffix=suffix):
            stored = store_file(s, suffix, data)
            a = svc.add_attachment(s, principal, request_id, name, stored, len(data))
            return {"id": a.id, "file_name": a.file_name, "size": a.size}
        try:
            out.append(svc.run_tx(engine_of(request), tx))
        except RequestError as exc:
            raise api_error(exc) from None
    return out


@router.post("/api/requests/{request_id}/attachments", summary="补充材料（附件，可多个）", status_code=201)
async def api_attach(request: Request, request_id: int, files: list[UploadFile] = File(...),
                     principal=Depends(require(None))):
    """Multipart ``files`` → 201 ``[{id, file_name, size}]`` (pdf, images,
    Office, txt, zip; at most 10 MB each)."""
    data = [(f.filename or "", await f.read()) for f in files]
    return JSONResponse(save_attachments(request, principal, request_id, data), status_code=201)


@router.get("/api/request-attachments/{attachment_id}", summary="下载附件")
def api_attachment(request: Request, attachment_id: int, principal=Depends(require(None))):
    """The file, if the caller may see its request; else 404."""
    from huiqi.services import requests as svc
    from huiqi.web.files import file_response

    try:
        name, stored = svc.run_tx(engine_of(request), lambda s: (lambda a: (a.file_name, a.stored_name))(
            svc.get_attachment(s, principal, attachment_id)))
    except RequestError as exc:
        raise api_error(exc) from None
    return file_response(engine_of(request), stored, name, attachment_dir(request))


@router.post("/api/requests/{request_id}/{step}", summary="办理环节：route、not-accept、sign、give-back、interim、"
             "reply、opinion、revisit、withdraw")
def api_step(request: Request, request_id: int, step: str, body: Optional[dict] = Body(None),
             principal=Depends(require(None))):
    """One transition; 409 when the state does not allow it or the version is stale."""
    action = ACTION_PATHS.get(step)
    if action is None:
        raise ApiError(404, f"未知操作“{step[:20]}”（可选：{'、'.join(ACTION_PATHS)}）", "not_found")
    return do_action(request, principal, request_id, action, body or {}, _key(request))


@router.get("/api/requests-queues", summary="经办人员的工作队列")
def api_queues(request: Request, principal=Depends(require(PERM_REQUEST_HANDLE))):
    """``{route, sign, handle, due_soon, overdue, revisit}`` lists of rows."""
    from huiqi.services.request_reports import queues
    from huiqi.services.requests import run_tx

    return run_tx(engine_of(request), lambda s: queues(s, principal))


def parse_period(start: str | None, end: str | None) -> tuple[date, date]:
    """``[start, end]`` of a report (default: the current month so far)."""
    from huiqi.services.requests import local_date, now_utc

    today = local_date(now_utc())
    try:
        a = date.fromisoformat(start) if start else today.replace(day=1)
        b = date.fromisoformat(end) if end else today
    except ValueError:
        raise ApiError(422, "start / end: 日期应为 YYYY-MM-DD") from None
    if b < a:
        raise ApiError(422, "end: 结束日期早于开始日期")
    return a, b


@router.get("/api/notifications", summary="站内通知（提醒、催办、督办、转办、反馈）")
def api_notifications(request: Request, limit: int = Query(100, ge=1, le=1000), principal=Depends(require(None))):
    """The caller's inbox, newest first (:func:`huiqi.services.request_reports.inbox`)."""
    from huiqi.services.request_reports import inbox
    from huiqi.services.requests import run_tx

    return run_tx(engine_of(request), lambda s: inbox(s, principal, limit))


@router.get("/api/requests-report", summary="定期通报：按旗区和承办单位统计")
def api_report(request: Request, start: Optional[str] = Query(None, max_length=10),
               end: Optional[str] = Query(None, max_length=10), principal=Depends(require(PERM_REQUEST_HANDLE))):
    """See :func:`huiqi.services.request_reports.periodic_report`."""
    from huiqi.services.request_reports import periodic_report
    from huiqi.services.requests import run_tx

    a, b = parse_period(start, end)
    return run_tx(engine_of(request), lambda s: periodic_report(s, principal, a, b))


def ledger_response(request: Request, principal) -> Response:
    """The 台账 xlsx download (audited)."""
    from huiqi.kb.audit import record_for
    from huiqi.services.request_reports import ledger_xlsx
    from huiqi.services.requests import local_date, now_utc, run_tx

    def tx(s):
        record_for(s, principal, client_ip(request), "request.ledger_export", object_type="request")
        return ledger_xlsx(s, principal)
    data = run_tx(engine_of(request), tx)
    name = f"suqiu-taizhang-{local_date(now_utc()).isoformat()}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/requests-ledger.xlsx", summary="诉求办理台账（Excel：台账 + 办理过程）")
def api_ledger(request: Request, principal=Depends(require(PERM_REQUEST_HANDLE))):
    """One row per request, plus the events sheet."""
    return ledger_response(request, principal)


@router.get("/api/requests-status", summary="进度查询（公开：查询码 + 联系电话后 4 位）")
def api_status(request: Request, code: str = Query(..., max_length=16), phone4: str = Query(..., max_length=4)):
    """``{no, title, status_label, events[{at, label}]}``; 404 when the pair does not match."""
    from huiqi.services.request_reports import public_status
    from huiqi.services.requests import run_tx

    out = run_tx(engine_of(request), lambda s: public_status(s, code, phone4))
    if out is None:
        raise ApiError(404, "查询码或电话号码后 4 位不正确", "not_found")
    return out


@router.get("/api/workdays/add", summary="工作日计算：起始日（不计入）后第 N 个工作日")
def api_workdays_add(request: Request, start: str = Query(..., max_length=10), days: int = Query(..., ge=0, le=3660)):
    """``{date, provisional}``: ``provisional`` when a day counted is beyond
    the loaded calendar (日历待确认)."""
    from huiqi.services.requests import load_calendar, run_tx

    try:
        d = date.fromisoformat(start)
    except ValueError:
        raise ApiError(422, "start: 日期应为 YYYY-MM-DD") from None
    r = run_tx(engine_of(request), lambda s: load_calendar(s).add_workdays(d, days))
    return {"date": r.date.isoformat(), "provisional": r.provisional}


def override_rows(session) -> list[dict]:
    """The override table as ``[{date, workday, note, source_doc, updated_by, updated_at}]``."""
    from sqlalchemy import select

    from huiqi.kb.requests import CalendarOverride

    return [{"date": o.day.isoformat(), "workday": o.is_workday, "note": o.note, "source_doc": o.source_doc,
             "updated_by": o.updated_by, "updated_at": o.updated_at.isoformat(timespec="seconds") + "Z"}
            for o in session.scalars(select(CalendarOverride).order_by(CalendarOverride.day))]


@router.get("/api/calendar/overrides", summary="工作日历的人工维护记录")
def api_overrides(request: Request, principal=Depends(require(PERM_REQUEST_HANDLE))):
    """All override days, by date."""
    from huiqi.services.requests import run_tx

    return run_tx(engine_of(request), override_rows)


@router.put("/api/calendar/overrides", summary="新增或修改工作日历记录（并重算未到期时限）")
def api_put_overrides(request: Request, body: dict = Body(..., examples=[{
        "days": [{"date": "2027-01-01", "workday": False, "note": "元旦"}], "source": "国办发明电〔2026〕X号"}]),
        principal=Depends(require(PERM_CALENDAR_EDIT))):
    """``{days: [{date, workday, note?}], source?}`` → ``{saved, clocks_recomputed}``."""
    from huiqi.kb.audit import record_for
    from huiqi.services.request_clocks import set_overrides
    from huiqi.services.requests import run_tx

    days = body.get("days") if isinstance(body, dict) else None
    if not isinstance(days, list) or not days:
        raise ApiError(422, "days: 应为 [{date, workday, note?}] 列表")
    rows, notes = {}, {}
    for i, d in enumerate(days):
        try:
            day = date.fromisoformat(str(d.get("date")))
        except (AttributeError, ValueError):
            raise ApiError(422, f"days[{i}].date: 日期应为 YYYY-MM-DD") from None
        if not isinstance(d.get("workday"), bool):
            raise ApiError(422, f"days[{i}].workday: 应为 true（上班）或 false（休息）")
        rows[day] = d["workday"]
        if d.get("note"):
            notes[day] = str(d["note"])[:200]
    source = str(body.get("source") or "")[:200] or None

    def tx(s):
        changed = set_overrides(s, rows, principal.username, source, notes)
        record_for(s, principal, client_ip(request), "calendar.edit", object_type="calendar",
                   after={"days": {k.isoformat(): v for k, v in rows.items()}, "source": source})
        return changed
    changed = run_tx(engine_of(request), tx)
    return {"saved": len(rows), "clocks_recomputed": changed}
