"""免申即享 list JSON API (名单、审批、公示、兑现). Bodies and answers are the
pydantic contracts of :mod:`huiqi.services.list_schema`; every change is
audited (``list.*``) in the transaction that makes it; a stale ``version``
answers 409 (two officers editing at once).

* ``GET /api/lists`` — lists in scope; ``POST /api/lists`` ``{clause_id,
  mode, as_of}`` → 201 ``{id, status, firms, …}``;
* ``GET /api/lists/{id}`` — the list with entries, flags, objections;
* ``POST /api/lists/{id}/entries/{code}`` ``{decision, reason,
  amount_yuan?, version?}``;
* ``POST /api/lists/{id}/submit``, ``/approve`` ``{meeting_ref}`` (another
  officer holding ``list.approve``), ``/send-back`` ``{reason}``,
  ``/publicize`` ``{working_days}``;
* ``POST /api/lists/{id}/objections`` (PUBLIC, no login: validated, rate
  limited), ``GET /api/lists/{id}/public`` (public 公示 data: 主体、依据、
  金额、内容 only); ``POST /api/lists/{id}/objections/{oid}/decision``
  ``{upheld, reason}`` (officer);
* ``POST /api/lists/{id}/payments`` ``{code, action, …}``;
* ``GET /api/lists/{id}/export.xlsx?kind=公示|payment|台账`` (audited; the
  payment file holds bank accounts: ``firm.sensitive`` only);
* ``GET /api/lists/{id}/diff`` — what a new list would hold under the
  current rules and register (the approved list is never changed).
"""

from __future__ import annotations

from datetime import date
from typing import Optional
from urllib.parse import quote

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from huiqi.kb.accounts import PERM_FIRM_SENSITIVE, PERM_LIST_APPROVE, PERM_LIST_EDIT
from huiqi.services.list_schema import (
    ApproveIn,
    EntryDecisionIn,
    ListCreateIn,
    ListOut,
    ObjectionDecisionIn,
    ObjectionIn,
    PaymentIn,
    PublicizeIn,
    ReasonIn,
    VersionIn,
)
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import MAX_ID, ApiError, error_responses
from huiqi.web.firms_api import engine_of, run

ListId = Annotated[int, Path(ge=1, le=MAX_ID, description="名单编号")]
ObjId = Annotated[int, Path(ge=1, le=MAX_ID, description="异议编号")]
Code = Annotated[str, Path(min_length=1, max_length=40, description="统一社会信用代码")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(tags=["免申即享名单"])


def _audit(s, principal, request: Request, action: str, list_id, after=None, reason=None) -> None:
    from huiqi.kb.audit import record, record_for

    if principal is None:  # the public 公示 page
        record(s, f"list.{action}", username="公众", ip=client_ip(request), object_type="benefit_list",
               object_id=list_id, after=after, reason=reason)
        return
    record_for(s, principal, client_ip(request), f"list.{action}", object_type="benefit_list", object_id=list_id,
               after=after, reason=reason)


def _view(s, principal, bl) -> dict:
    from huiqi.services.list_reports import list_view

    return list_view(s, principal, bl)


def create(request: Request, principal, body: ListCreateIn) -> dict:
    """Create a list (shared by the API and the pages)."""
    from huiqi.calc.engine import load_ruleset
    from huiqi.services import lists as svc
    from huiqi.services.requests import local_date, now_utc

    rs = load_ruleset(engine_of(request))  # before the write transaction
    as_of = body.as_of or local_date(now_utc())

    def tx(s):
        bl = svc.create_list(s, principal, body.clause_id, body.mode, as_of, rs, limit_days=body.limit_days)
        _audit(s, principal, request, "create", bl.id, {"clause_key": bl.clause_key, "mode": bl.mode,
                                                          "rule_version_id": bl.rule_version_id,
                                                          "as_of": as_of, "firms": len(bl.snapshot["profiles"])})
        return _view(s, principal, bl)
    return run(request, tx)


def step(request: Request, principal, list_id: ListId, action: str, fn, after=None) -> dict:
    """Apply ``fn(session) -> list`` and audit ``list.<action>``."""
    def tx(s):
        bl = fn(s)
        _audit(s, principal, request, action, list_id, {"status": bl.status, "version": bl.version, **(after or {})})
        return _view(s, principal, bl)
    return run(request, tx)


@router.get("/api/lists", summary="免申即享名单列表（管辖范围内）")
def api_lists(request: Request, principal=Depends(require(PERM_LIST_EDIT))):
    """Summaries, newest first."""
    from huiqi.services.list_reports import visible_lists

    return run(request, lambda s: visible_lists(s, principal))


@router.post("/api/lists", summary="创建免申即享名单（冻结规则版本、企业画像版本与基准日）", status_code=201,
             response_model=ListOut)
def api_create(request: Request, body: ListCreateIn, principal=Depends(require(PERM_LIST_EDIT))):
    """→ 201 ``{id, status, firms, …}``."""
    return JSONResponse(ListOut.model_validate(create(request, principal, body)).model_dump(mode="json"),
                        status_code=201)


@router.get("/api/lists/{list_id}", summary="名单详情：企业、风险提示、异议、兑现", response_model=ListOut)
def api_list(request: Request, list_id: ListId, principal=Depends(require(PERM_LIST_EDIT))):
    """The list with its entries."""
    from huiqi.services.lists import get_list

    return run(request, lambda s: _view(s, principal, get_list(s, principal, list_id)))


@router.post("/api/lists/{list_id}/entries/{code}", summary="审核一家企业：纳入、剔除（须写理由）或暂缓",
             response_model=ListOut)
def api_entry(request: Request, list_id: ListId, code: Code, body: EntryDecisionIn,
              principal=Depends(require(PERM_LIST_EDIT))):
    """409 when the entry's ``version`` is stale."""
    from huiqi.services import lists as svc

    def fn(s):
        e = svc.decide_entry(s, principal, list_id, code, body.decision, body.reason, body.amount_yuan, body.version)
        return s.get(svc.m.BenefitList, e.list_id)
    return step(request, principal, list_id, "entry", fn, {"code": code, "decision": body.decision,
                                                           "reason": body.reason})


@router.post("/api/lists/{list_id}/submit", summary="提交审批", response_model=ListOut)
def api_submit(request: Request, list_id: ListId, body: VersionIn | None = None,
               principal=Depends(require(PERM_LIST_EDIT))):
    """draft → submitted."""
    from huiqi.services import lists as svc

    return step(request, principal, list_id, "submit",
                lambda s: svc.submit(s, principal, list_id, body.version if body else None))


@router.post("/api/lists/{list_id}/approve", summary="审批（另一名工作人员，须填会议纪要）", response_model=ListOut)
def api_approve(request: Request, list_id: ListId, body: ApproveIn, principal=Depends(require(PERM_LIST_APPROVE))):
    """submitted → approved (four eyes)."""
    from huiqi.services import lists as svc

    return step(request, principal, list_id, "approve",
                lambda s: svc.approve(s, principal, list_id, body.meeting_ref, body.version),
                {"meeting_ref": body.meeting_ref})


@router.post("/api/lists/{list_id}/send-back", summary="退回修改", response_model=ListOut)
def api_send_back(request: Request, list_id: ListId, body: ReasonIn, principal=Depends(require(PERM_LIST_APPROVE))):
    """submitted → draft with ``{reason}``."""
    from huiqi.services import lists as svc

    return step(request, principal, list_id, "send_back",
                lambda s: svc.send_back(s, principal, list_id, body.reason), {"reason": body.reason})


@router.post("/api/lists/{list_id}/publicize", summary="开始公示（工作日，默认 5 个）", response_model=ListOut)
def api_publicize(request: Request, list_id: ListId, body: PublicizeIn, principal=Depends(require(PERM_LIST_EDIT))):
    """approved → publicizing; the end date follows the working-day calendar."""
    # 精准推送: svc.publicize writes the included firms' notices (inbox + outbox) in its transaction.
    from huiqi.services import lists as svc

    return step(request, principal, list_id, "publicize",
                lambda s: svc.publicize(s, principal, list_id, body.working_days, expected_version=body.version),
                {"working_days": body.working_days})


@router.get("/api/lists/{list_id}/public", summary="公示内容（公开：主体、依据、金额、内容）",
            responses=error_responses(404, 422))
def api_public(request: Request, list_id: ListId):
    """404 unless the list is (or was) in 公示."""
    from huiqi.services.list_reports import public_view

    out = run(request, lambda s: public_view(s, list_id))
    if out is None:
        raise ApiError(404, f"未找到公示中的名单 {list_id}", "not_found")
    return out


def objection(request: Request, list_id: ListId, body: ObjectionIn) -> dict:
    """File a public objection (shared by the API and the page); audited
    without the objector's contact data."""
    from huiqi.services import lists as svc

    def tx(s):
        o = svc.file_objection(s, list_id, body.entry_id, body.content, body.contact_name, body.contact_phone,
                               client_ip(request))
        _audit(s, None, request, "objection", list_id, {"objection_id": o.id, "entry_id": o.entry_id})
        return {"id": o.id, "status": o.status, "message": "异议已收到，工作人员将核查并与您联系"}
    return run(request, tx)


@router.post("/api/lists/{list_id}/objections", summary="对公示名单提出异议（公开，无需登录）", status_code=201,
             responses=error_responses(404, 409, 422, 429))
def api_objection(request: Request, list_id: ListId, body: ObjectionIn):
    """→ 201 ``{id, status}``; 409 after the 公示 ended; 429 when too frequent."""
    return JSONResponse(objection(request, list_id, body), status_code=201)


@router.post("/api/lists/{list_id}/objections/{objection_id}/decision", summary="核查异议（成立则剔除该企业）",
             response_model=ListOut)
def api_objection_decision(request: Request, list_id: ListId, objection_id: ObjId, body: ObjectionDecisionIn,
                           principal=Depends(require(PERM_LIST_EDIT))):
    """Upheld → the firm is excluded with the reason."""
    from huiqi.services import lists as svc

    def fn(s):
        svc.decide_objection(s, principal, list_id, objection_id, body.upheld, body.reason)
        return svc.get_list(s, principal, list_id)
    return step(request, principal, list_id, "objection_decide", fn,
                {"objection_id": objection_id, "upheld": body.upheld, "reason": body.reason})


def payment(request: Request, principal, list_id: ListId, body: PaymentIn) -> dict:
    """Record one 兑现 step (shared by the API and the pages)."""
    from huiqi.services import list_payments as pay
    from huiqi.services.lists import get_list

    def tx(s):
        ev = pay.record_payment(s, principal, list_id, body.code, body.action, amount_yuan=body.amount_yuan,
                                ref=body.ref, note=body.note, account=body.account)
        _audit(s, principal, request, "payment", list_id,
               {"code": body.code, "action": ev.action, "to": ev.to_status, "amount_yuan": ev.amount_yuan,
                "ref": ev.ref, "account_changed": bool(body.account)})
        return _view(s, principal, get_list(s, principal, list_id))
    return run(request, tx)


@router.post("/api/lists/{list_id}/payments", summary="兑现：通知、确认、申请拨付、拨付成功/失败、更正账户、追回",
             response_model=ListOut)
def api_payment(request: Request, list_id: ListId, body: PaymentIn, principal=Depends(require(PERM_LIST_EDIT))):
    """409 before the 公示 ended or from a state the step does not start from."""
    return payment(request, principal, list_id, body)


def export(request: Request, principal, list_id: ListId, kind: str) -> Response:
    """The xlsx export (audited; ``payment`` needs ``firm.sensitive``)."""
    from huiqi.services.list_reports import EXPORT_KINDS, export_xlsx
    from huiqi.services.lists import get_list

    if kind not in EXPORT_KINDS:
        raise ApiError(422, f"kind: 未知导出类型“{kind[:20]}”（可选：{'、'.join(EXPORT_KINDS)}）")
    if kind == "payment" and not principal.can(PERM_FIRM_SENSITIVE):
        raise ApiError(403, "拨付清单含银行账户信息，当前角色无权导出", "forbidden")

    def tx(s):
        bl = get_list(s, principal, list_id)
        _audit(s, principal, request, "export", list_id, {"kind": kind})
        return export_xlsx(s, bl, kind)
    data = run(request, tx)
    name = {"公示": "公示名单", "payment": "拨付清单", "台账": "兑现台账"}[kind]
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=\"list-{list_id}.xlsx\"; "
                                                    f"filename*=UTF-8''{quote(f'{name}-{list_id}.xlsx')}"})


@router.get("/api/lists/{list_id}/export.xlsx", summary="导出：公示名单、拨付清单、兑现台账（Excel）",
            response_class=Response, responses={200: {"content": {XLSX: {}}, "description": "xlsx 工作簿"}})
def api_export(request: Request, list_id: ListId, kind: str = Query(..., max_length=16),
               principal=Depends(require(PERM_LIST_EDIT))):
    """``kind`` 公示 | payment | 台账."""
    return export(request, principal, list_id, kind)


@router.get("/api/lists/{list_id}/diff", summary="规则或企业数据变化后：新名单与本名单的差异（本名单不变）")
def api_diff(request: Request, list_id: ListId, as_of: Optional[date] = Query(None),
             principal=Depends(require(PERM_LIST_EDIT))):
    """``{rule_version_id{old,new}, added, removed, amount_changed, profile_changed}``
    (``as_of`` default: the list's own date)."""
    from huiqi.calc.engine import load_ruleset
    from huiqi.services.list_reports import rescreen_diff
    from huiqi.services.lists import get_list

    rs = load_ruleset(engine_of(request))
    return run(request, lambda s: rescreen_diff(s, principal, get_list(s, principal, list_id), rs, as_of))
