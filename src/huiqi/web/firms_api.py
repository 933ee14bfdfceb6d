"""Firm register JSON API (一企一档). Every change is audited.

* ``POST /api/firms/import`` (officer, ``firm.import``; multipart ``file``,
  form ``source``, ``as_of``, ``qualification``) → the import report
  ``{import_id, n_rows, n_firms, n_new, n_facts, errors[], warnings[],
  changed[]}``; rows of firms outside the officer's region scope are
  refused row by row;
* ``GET /api/firms/{code}`` → the firm, its derived profile and each fact's
  source (officers in scope; an enterprise account only its own firm — 404
  for any other; tax and payroll facts masked without ``firm.sensitive``);
* ``POST /api/firms/{code}/corrections`` (the firm's account) → 201;
* ``GET /api/firm-corrections`` (officers: pending ones in scope);
* ``POST /api/firm-corrections/{id}/decision`` ``{confirm, note}``.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Optional

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path as PathParam, Request, UploadFile
from fastapi.responses import JSONResponse

from huiqi.kb.accounts import PERM_FIRM_IMPORT, PERM_FIRM_READ
from huiqi.services.list_schema import CorrectionDecisionIn, CorrectionIn
from huiqi.web.auth import client_ip, require
from huiqi.web.errors import MAX_ID, ApiError, error_responses

router = APIRouter(tags=["企业库"])
Code = Annotated[str, PathParam(min_length=1, max_length=40, description="统一社会信用代码")]
CorrectionId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="更正申请编号")]

#: largest register upload (bytes)
MAX_REGISTER_BYTES = 20 * 1024 * 1024
_SUFFIXES = (".csv", ".xlsx", ".json", ".yaml", ".yml")


def engine_of(request: Request):
    """The engine of the app's knowledge base."""
    from huiqi.web.state import state_of

    return state_of(request).engine


def firm_api_error(exc) -> ApiError:
    """:class:`ApiError` of a :class:`~huiqi.services.firms.FirmError` or
    :class:`~huiqi.services.lists.ListError`."""
    code = {403: "forbidden", 404: "not_found", 409: "conflict", 429: "too_many_requests"}.get(exc.status,
                                                                                               "invalid_input")
    detail = exc.message if not exc.field or exc.field in exc.message else f"{exc.field}: {exc.message}"
    return ApiError(exc.status, detail, code)


def run(request: Request, fn):
    """``fn(session)`` in one transaction; service errors → :class:`ApiError`."""
    from huiqi.services.firms import FirmError
    from huiqi.services.lists import ListError
    from huiqi.services.requests import run_tx

    try:
        return run_tx(engine_of(request), fn)
    except (FirmError, ListError) as exc:
        raise firm_api_error(exc) from None


def import_upload(request: Request, principal, file_name: str, data: bytes, source: str,
                  as_of: str | None, qualification: str | None) -> dict:
    """Store an uploaded register (shared by the API and the pages); returns
    the report dict. 422 for a bad type, size, date or unreadable file."""
    from huiqi.kb.audit import record_for
    from huiqi.screen.register import RegisterError
    from huiqi.services.firms import import_register

    name = Path(file_name or "register.csv").name
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ApiError(422, f"{name}: 不支持的文件类型（应为 .csv、.xlsx、.json 或 .yaml）")
    if len(data) > MAX_REGISTER_BYTES:
        raise ApiError(413, f"{name}: 文件过大（超过 {MAX_REGISTER_BYTES // 1024 // 1024} MB）", "too_large")
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ApiError(422, f"as_of: 日期格式无效“{as_of[:20]}”（应为 YYYY-MM-DD）") from None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)

        def tx(s):
            rep = import_register(s, path, source or "市场监管", principal.username, as_of=day,
                                  qualification=qualification or None, file_name=name, scope=principal.sees)
            record_for(s, principal, client_ip(request), "firm.import", object_type="firm_import",
                       object_id=rep.import_id, after={"file": name, "source": rep.source, "n_firms": rep.n_firms,
                                                       "n_facts": rep.n_facts, "changed": len(rep.changed)})
            return rep.as_dict()
        try:
            out = run(request, tx)
        except RegisterError as exc:
            raise ApiError(422, str(exc).replace("upload" + suffix, name)) from None
    from huiqi.web.state import state_of
    from huiqi.web.push_api import push_soon

    push_soon(state_of(request).engine)  # 精准推送: the changed firms against every rule (job committed)
    return out


@router.post("/api/firms/import", summary="导入企业名录或资质名单（经办人员）", responses=error_responses(413))
async def api_import(request: Request, file: UploadFile = File(..., description="企业名录（.csv/.xlsx/.json）"),
                     source: str = Form("市场监管", max_length=16), as_of: Optional[str] = Form(None, max_length=10),
                     qualification: Optional[str] = Form(None, max_length=40),
                     principal=Depends(require(PERM_FIRM_IMPORT))):
    """→ the import report (row errors name row, column and reason)."""
    data = await file.read()
    return import_upload(request, principal, file.filename or "", data, source, as_of, qualification)


@router.get("/api/firms/{code}", summary="企业档案：画像与每项事实的来源")
def api_firm(request: Request, code: Code, principal=Depends(require(None))):
    """Officers in scope, or the firm's own account; 404 otherwise."""
    from huiqi.services.firm_views import firm_view

    return run(request, lambda s: firm_view(s, principal, code))


@router.post("/api/firms/{code}/corrections", summary="企业提交事实更正申请", status_code=201)
def api_correct(request: Request, code: Code, body: CorrectionIn, principal=Depends(require(None))):
    """The firm's own account → 201 the correction (status pending)."""
    from huiqi.kb.audit import record_for
    from huiqi.services.firm_views import correction_dict, file_correction

    def tx(s):
        c = file_correction(s, principal, code, body.key, body.value, body.note)
        record_for(s, principal, client_ip(request), "firm.correction", object_type="fact_correction",
                   object_id=c.id, after={"firm": code, "key": c.key})
        return correction_dict(c)
    return JSONResponse(run(request, tx), status_code=201)


@router.get("/api/firm-corrections", summary="待核实的更正申请（经办人员）")
def api_corrections(request: Request, principal=Depends(require(PERM_FIRM_READ))):
    """Pending corrections of firms in scope, oldest first."""
    from huiqi.services.firm_views import pending_corrections

    return run(request, lambda s: pending_corrections(s, principal))


@router.post("/api/firm-corrections/{correction_id}/decision", summary="核实更正申请（确认或不予更正）")
def api_decide_correction(request: Request, correction_id: CorrectionId, body: CorrectionDecisionIn,
                          principal=Depends(require(PERM_FIRM_READ))):
    """Confirmed → a 工作人员核实 fact; ``changed`` the re-derived firm codes."""
    from huiqi.kb.audit import record_for
    from huiqi.services.firm_views import correction_dict, decide_correction

    def tx(s):
        c, changed = decide_correction(s, principal, correction_id, body.confirm, body.note)
        record_for(s, principal, client_ip(request), "firm.correction_decide", object_type="fact_correction",
                   object_id=c.id, after={"status": c.status, "changed": changed})
        return {**correction_dict(c), "changed": changed}
    return run(request, tx)
