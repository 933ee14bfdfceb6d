"""JSON API (接口), mirroring the CLI's JSON contracts.

* ``GET /api/search?q=&top=&region=&level=&unit=&valid_at=&doc=`` — the
  ``huiqi search --json`` array (issue 3);
* ``GET /api/ask?q=`` — the ``huiqi ask --json`` object;
* ``POST /api/match?as_of=`` — body: an enterprise profile (issue 4's
  profile contract, money in yuan); answer: the ``huiqi match --json``
  object;
* ``GET /api/documents``, ``/api/documents/{id}`` — ``huiqi docs/show --json``;
* ``GET /api/policies?doc=``, ``/api/policies/{id}`` — ``huiqi policies/clause --json``;
* ``GET /healthz`` — ``{status, documents, clauses, in_force, calculator}``.

Errors: see :mod:`huiqi.web.errors`.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from huiqi.calc.schema import MatchResult
from huiqi.kb.schema import ClauseOut
from huiqi.web.errors import ApiError, check_id, error_responses
from huiqi.web.state import state_of  # noqa: F401  (also imported from here)

router = APIRouter()

PROFILE_EXAMPLE = {
    "region": "伊金霍洛旗",
    "industry": "C",
    "employees": 120,
    "revenue": 32000000,
    "established": "2018-05-01",
    "qualifications": ["高新技术企业"],
}


def json_response(data, status: int = 200) -> Response:
    """``data`` (already JSON-ready: dates ISO, money yuan) as an
    ``application/json`` response rendered by orjson, skipping FastAPI's
    generic encoder (a calculator result is ~700 KB: 67 ms with
    ``jsonable_encoder`` + ``json.dumps``, 2 ms with orjson). Non-string
    dict keys are allowed; the slower option that converts them
    (``OPT_NON_STR_KEYS``, +50 % on a calculator result) is only used when
    the plain call refuses them."""
    import orjson

    try:
        body = orjson.dumps(data)
    except orjson.JSONEncodeError:
        body = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    return Response(body, status_code=status, media_type="application/json")


@router.get("/api/health", tags=["系统"], summary="主机与知识库版本（多主机同步状态）")
def api_health(request: Request):
    """``{status, worker, library_id, library_seq, host_seq, index_seq,
    ruleset_seq, behind, synced_at, sync_error}`` (see
    :func:`huiqi.web.hostsync.health`): the database's change number and the
    ones this process's search index and rule set reflect."""
    from huiqi.web.hostsync import health

    return health(state_of(request))


@router.get("/healthz", tags=["系统"], summary="健康检查")
def healthz(request: Request):
    """``{"status": "ok", "documents", "clauses", "in_force", "calculator",
    "worker"}`` — ``worker`` is the answering process id (with several
    uvicorn workers, a load test waits until each one answered)."""
    import os

    st = state_of(request)
    return {
        "status": "ok",
        "worker": os.getpid(),
        "documents": st.stats.documents,
        "clauses": st.stats.clauses,
        "in_force": st.stats.in_force,
        "calculator": st.calc is not None and st.calc_error is None,
    }


@router.get("/api/search", tags=["检索"], summary="检索条款")
def api_search(
    request: Request,
    q: str = Query(..., description="关键词或问题，如 稳岗返还怎么申请（超过 200 字的部分不参与检索）", max_length=1000),
    top: int = Query(10, ge=1, le=100, description="返回条数"),
    region: Optional[str] = Query(None, description="企业所在地区，如 阿拉善左旗（含上级盟市、自治区与国家政策）", max_length=100),
    level: Optional[str] = Query(None, description="层级：国家、自治区、盟市、旗县", max_length=20),
    unit: Optional[str] = Query(None, description="责任单位或受理机构（包含匹配）", max_length=100),
    valid_at: Optional[str] = Query(None, description="在该日期有效（YYYY-MM-DD）", max_length=30),
    doc: Optional[int] = Query(None, description="只在该文档 ID 中检索"),
):
    """Best clauses for ``q``: ``[{id, score, text, path, document{id, title,
    level, region}, source{file, start_line, end_line}, validity, expired}]``.
    Bad input (empty query, unknown region/level, malformed date) → 400."""
    from huiqi.search.engine import SearchError

    st = state_of(request)
    try:
        rows = st.search.search(q, top=top, region=region, level=level, unit=unit, valid_at=valid_at, doc=doc)
    except SearchError as exc:
        raise ApiError(400, str(exc)) from None
    return json_response(rows)


@router.get("/api/ask", tags=["检索"], summary="问答（摘录式，带引用）")
def api_ask(
    request: Request,
    q: str = Query(..., description="问题，如 研发费用加计扣除比例是多少", max_length=1000),
):
    """``{question, found, answer, citations[{id, text, source, document,
    path}], suggestions}``; an empty question → 400."""
    from huiqi.search.answer import AnswerError, answer

    st = state_of(request)
    try:
        result = answer(q, engine=st.search)
    except AnswerError as exc:
        raise ApiError(400, str(exc)) from None
    return json_response(result)


@router.post("/api/match", tags=["政策计算器"], summary="按企业画像匹配政策并测算金额",
             responses={200: {"model": MatchResult, "description": "计算结果（金额单位：元）"}, **error_responses(408, 503)})
async def api_match(
    request: Request,
    profile: dict[str, Any] = Body(..., description="企业画像（issue 4 画像格式；金额单位：元）", examples=[PROFILE_EXAMPLE]),
    as_of: Optional[str] = Query(None, description="评估日期（YYYY-MM-DD，默认今天）", max_length=30),
    show: Optional[str] = Query(None, max_length=80,
                                description="要列出的状态，逗号分隔（默认 eligible,likely,needs_info；"
                                            "另可选 unchecked、ineligible、expired；all = 全部）"),
    limit: int = Query(30, ge=1, le=2000, description="最多列出的结果数（默认 30）"),
    offset: int = Query(0, ge=0, description="从第几条开始（分页）"),
):
    """Match the profile against every clause with a rule: issue 4's result
    object ``{as_of, derived, results, counts, actionable, total,
    next_questions, warnings}``. By default only the results a firm acts
    on (eligible, likely, needs_info), at most ``limit`` = 30; ``show``
    names other statuses (``unchecked``, ``ineligible``, ``expired``, or
    ``all``), paged by ``offset``/``limit``; ``counts`` always counts
    every status. An unknown status in ``show`` → 400.
    A profile with bad values → 422 listing every problem; a bad ``as_of``
    → 400; calculator not available → 503.

    A profile with more than :data:`LARGE_PROFILE_ITEMS` list items or keys
    is validated and matched in the thread pool (list lengths are limited,
    see :mod:`huiqi.firm.bounds`, and validation is linear). An ordinary
    profile runs on the event loop (``async def``) although it computes for ~10 ms:
    the work is pure CPU under the GIL, and a thread pool only added thread
    switches and GIL hand-overs between the loop and the workers (measured
    with ``benchmarks/web_load.py`` at 20 clients, 2 workers: p95 205–229 ms
    before, 146–205 ms after). Scale with ``huiqi serve --workers``."""
    from huiqi.web.calcform import run_match

    from huiqi.calc.engine import FIRM_QUESTIONS, STATUS_ORDER, firm_view

    want = [x.strip() for x in (show or "eligible,likely,needs_info").split(",") if x.strip()]
    if want == ["all"]:
        want = list(STATUS_ORDER)
    bad = [x for x in want if x not in STATUS_ORDER]
    if bad:
        raise ApiError(400, f"参数 show：未知的状态 {'、'.join(bad)}（可选 {'、'.join(STATUS_ORDER)} 或 all）")
    st = state_of(request)
    if _is_large(profile):
        # an unusually large profile (long lists, many facts) is validated and
        # matched in the thread pool so it cannot hold up the event loop
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(run_match, st, profile, as_of, True, want, True)
    else:
        result = run_match(st, profile, as_of, detail=want, lazy=True)
    # light results: firm_view completes (reasons, citation, how to apply) only those it shows
    result["results"] = firm_view(result["results"], limit=limit, include=want, offset=offset)
    # benefits for the firm's people (惠及贵企业员工/人才): the same short, trimmed view
    result["for_people"] = firm_view(result.get("for_people") or [], limit=limit, include=want, offset=offset)
    result["next_questions"] = result["next_questions"][:FIRM_QUESTIONS]
    return json_response(result)


#: Items (list entries, mapping keys) above which a profile is matched off the event loop.
LARGE_PROFILE_ITEMS = 64


def _is_large(profile: dict) -> bool:
    """True when ``profile`` holds more than :data:`LARGE_PROFILE_ITEMS` list
    items or keys at its first two levels (counted without walking deeper)."""
    if not isinstance(profile, dict):
        return False
    n = len(profile)
    for v in profile.values():
        if isinstance(v, (list, dict)):
            n += len(v)
        if n > LARGE_PROFILE_ITEMS:
            return True
    return False


@router.get("/api/documents", tags=["文档"], summary="文档列表")
def api_documents(request: Request):
    """Current documents (``huiqi docs --json``)."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import list_documents

    st = state_of(request)
    with session_scope(st.engine) as s:
        return json_response(list_documents(s))


@router.get("/api/documents/{doc_id}", tags=["文档"], summary="一个文档：标题树与条款")
def api_document(request: Request, doc_id: int):
    """One document with its heading tree ``nodes`` and ``clauses``
    (``huiqi show ID --json``); unknown id → 404."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_document

    check_id(doc_id, "文档")
    st = state_of(request)
    with session_scope(st.engine) as s:
        doc = get_document(s, doc_id)
    if doc is None:
        raise ApiError(404, f"未找到 ID 为 {doc_id} 的文档")
    return json_response(doc)


@router.get("/api/policies", tags=["文档"], summary="条款及其要素",
            responses={200: {"model": list[ClauseOut], "description": "条款列表（金额单位：元）"}})
def api_policies(request: Request, doc: Optional[int] = Query(None, description="只列出该文档 ID 的条款")):
    """Clauses with their facts (``huiqi policies --json``); an unknown
    ``doc`` → 404."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import document_exists, list_policies

    check_id(doc, "文档")
    st = state_of(request)
    with session_scope(st.engine) as s:
        from huiqi.kb.lifecycle import is_hidden

        if doc is not None and (not document_exists(s, doc) or is_hidden(s, doc)):
            raise ApiError(404, f"未找到 ID 为 {doc} 的文档")
        rows = list_policies(s, doc_id=doc)
    return json_response(rows)


@router.get("/api/policies/{clause_id}", tags=["文档"], summary="一个条款",
            responses={200: {"model": ClauseOut, "description": "条款及其原文行"}})
def api_policy(request: Request, clause_id: int):
    """One clause with ``original_lines`` (``huiqi clause ID --json``);
    unknown id → 404."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_clause

    check_id(clause_id, "条款")
    st = state_of(request)
    with session_scope(st.engine) as s:
        c = get_clause(s, clause_id)
    if c is None:
        raise ApiError(404, f"未找到 ID 为 {clause_id} 的条款")
    return json_response(c)
