"""Chinese pages (中文页面), server-rendered with Jinja2 (autoescape on).

``/`` home (search box, popular topics, counts), ``/search`` results with
filters, ``/clause/{id}`` clause with facts, service-guide card and original
lines, ``/document/{id}`` heading tree and supersession links,
``/documents`` list, ``/ask`` cited answers, ``/calc`` calculator (GET form,
POST results, ``/calc/export.xlsx`` Excel export).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from huiqi.web.errors import ApiError, check_id
from huiqi.web.render import fact_spans, query_terms, render
from huiqi.web.state import state_of

router = APIRouter(include_in_schema=False)

SEARCH_TOP = 20
#: example questions offered on the empty ask page (政策问答)
ASK_EXAMPLES = ("稳岗返还怎么申请", "研发费用加计扣除比例是多少", "小型微利企业所得税怎么优惠",
                "高新技术企业认定有什么奖励", "创业担保贷款额度是多少")
#: guide fields shown on the service-guide card, in this order
GUIDE_CARD_FIELDS = ("受理机构", "申报条件", "申报材料", "申报流程", "办理时限")


@lru_cache(maxsize=1)
def region_options() -> dict:
    """The region picker: ``{"top": (code, name), "leagues": [(code, name,
    [(code, name)])]}`` from the division table (divisions_nm.yaml)."""
    from huiqi.search.filters import divisions

    divs = divisions()
    top = next(d for d in divs.values() if d.parent is None)
    leagues = []
    for d in divs.values():
        if d.parent == top.code:
            counties = [(c.code, c.name) for c in divs.values() if c.parent == d.code]
            leagues.append((d.code, d.name, sorted(counties)))
    return {"top": (top.code, top.name), "leagues": sorted(leagues)}


@lru_cache(maxsize=1)
def industry_options() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The industry picker: ``[(section letter, name, [(code, name)])]``
    (GB/T 4754-2017 sections and divisions, huiqi.reference.industries)."""
    from huiqi.reference.industries import _table, section_names

    table = _table()
    out = []
    for letter, name in section_names().items():
        divs = [(letter + num, dname) for num, (sec, dname) in sorted(table.divisions.items()) if sec == letter]
        out.append((letter, name, divs))
    return out


def _levels() -> tuple[str, ...]:
    from huiqi.search.filters import LEVELS

    return LEVELS


@router.get("/")
def home(request: Request):
    """Home page: one search box, popular topics, counts."""
    st = state_of(request)
    return render("home.html", active="home", stats=st.stats, topics=st.topics, q="")


@router.get("/search")
def search_page(
    request: Request,
    q: str = Query("", max_length=1000),
    region: str = Query("", max_length=100),
    level: str = Query("", max_length=20),
    unit: str = Query("", max_length=100),
    valid: str = Query("", max_length=5),
):
    """Search results with snippets, badges and filters."""
    from huiqi.search.engine import SearchError

    st = state_of(request)
    ctx = dict(active="search", q=q, region=region, level=level, unit=unit, valid=bool(valid),
               regions=region_options(), levels=_levels(), results=None, error=None, terms=[],
               topics=st.topics, units=st.units)
    if not q.strip():
        return render("search.html", **ctx)
    try:
        results = st.search.search(q, top=SEARCH_TOP, region=region or None, level=level or None,
                                   unit=unit or None, valid_at=date.today() if valid else None)
    except SearchError as exc:
        ctx["error"] = str(exc)
        return render("search.html", status=400, **ctx)
    total = st.search.count(q, region=region or None, level=level or None, unit=unit or None,
                            valid_at=date.today() if valid else None)
    ctx.update(results=results, terms=query_terms(q), total=max(total, len(results)))
    return render("search.html", **ctx)


def _get_clause(st, clause_id: int) -> dict:
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_clause

    check_id(clause_id, "条款")
    with session_scope(st.engine) as s:
        c = get_clause(s, clause_id)
    if c is None:
        raise ApiError(404, f"未找到 ID 为 {clause_id} 的条款")
    return c


@router.get("/clause/{clause_id}")
def clause_page(request: Request, clause_id: int, q: str = Query("", max_length=1000)):
    """One clause: heading path, full text with facts highlighted, facts
    beside it, the document's 解读, service-guide card, original lines."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.lifecycle import list_interpretations

    st = state_of(request)
    c = _get_clause(st, clause_id)
    with session_scope(st.engine) as s:
        interpretations = list_interpretations(s, c["document"]["id"])
    marked, facts = fact_spans(c)
    fields = c.get("fields") or {}
    card = [(k, fields[k]) for k in GUIDE_CARD_FIELDS if fields.get(k)]
    other_fields = [(k, v) for k, v in fields.items() if k not in GUIDE_CARD_FIELDS and k != "咨询电话"]
    return render("clause.html", active="search", c=c, marked=marked, facts=facts, card=card,
                  other_fields=other_fields, q=q, interpretations=interpretations)


def _norm_title(s: str | None) -> str:
    return re.sub(r"[\s《》〈〉“”\"]", "", s or "")


def supersession(doc: dict, documents: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """``(supersedes, superseded_by, versions)`` of ``doc`` against all
    ``documents`` (every version): ``supersedes`` is ``[{"text", "doc"}]``
    for each document number or title the document says it replaces (废止,
    ``doc`` the matching document dict when one is known, else ``None``);
    ``superseded_by`` the documents whose supersedes list names this one (by
    document number or title); ``versions`` the other versions of the same
    document (same lineage, see :mod:`huiqi.kb.identity`, and title) with ``version`` and
    ``is_current``."""
    current = [d for d in documents if d["is_current"] and d["id"] != doc["id"]]
    by_key: dict[str, dict] = {}
    for d in current:
        for key in (d.get("doc_number"), _norm_title(d.get("title"))):
            if key:
                by_key.setdefault(key, d)
    replaced = [{"text": s, "doc": by_key.get(s) or by_key.get(_norm_title(s))} for s in doc.get("supersedes") or []]
    mine = {k for k in (doc.get("doc_number"), _norm_title(doc.get("title"))) if k}
    by = [d for d in current if mine & ({s for s in d.get("supersedes") or []} |
                                         {_norm_title(s) for s in d.get("supersedes") or []})]
    versions = [d for d in documents if d["id"] != doc["id"] and d.get("lineage") == doc.get("lineage")
                and _norm_title(d.get("title")) == _norm_title(doc.get("title"))]
    return replaced, by, sorted(versions, key=lambda d: d["version"])


@router.get("/document/{doc_id}")
def document_page(request: Request, doc_id: int):
    """One document: facts, collapsible heading tree, supersession links."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_document

    check_id(doc_id, "文档")
    st = state_of(request)
    with session_scope(st.engine) as s:
        doc = get_document(s, doc_id)
    if doc is None:
        raise ApiError(404, f"未找到 ID 为 {doc_id} 的文档")
    replaced, by, versions = supersession(doc, st.documents)
    return render("document.html", active="documents", d=doc, replaced=replaced, superseded_by=by,
                  versions=versions)


@router.get("/documents")
def documents_page(request: Request):
    """All current documents grouped by level."""
    st = state_of(request)
    docs = [d for d in st.documents if d["is_current"] and d["kind"] != "front_matter"]
    groups = []
    for level in (*_levels(), None):
        rows = [d for d in docs if d["level"] == level]
        if rows:
            groups.append((level or "层级未知", rows))
    return render("documents.html", active="documents", groups=groups, total=len(docs))


@router.get("/ask")
def ask_page(request: Request, q: str = Query("", max_length=1000)):
    """A question box and the cited extractive answer."""
    from huiqi.search.answer import AnswerError, answer

    st = state_of(request)
    result = None
    error = None
    if q.strip():
        try:
            result = answer(q, engine=st.search)
        except AnswerError as exc:
            error = str(exc)
    return render("ask.html", status=400 if error else 200, active="ask", q=q, result=result, error=error,
                  examples=ASK_EXAMPLES, topics=st.topics)


def _calc_context(st, values: dict, **extra) -> dict:
    from huiqi.firm.profile import KNOWN_QUALIFICATIONS
    from huiqi.web.calcform import PAGE_ITEMS, PROFILE_FIELDS, PROJECT_FIELDS, field_spec

    specs = {k: field_spec(k) for k in PROFILE_FIELDS}
    project_specs = {k: field_spec(f"project.{k}") for k in PROJECT_FIELDS}
    ctx = dict(active="calc", values=values, regions=region_options(), industries=industry_options(),
               qualifications=KNOWN_QUALIFICATIONS, specs=specs, project_specs=project_specs,
               calc_ready=st.calc is not None and not st.calc_error, calc_error=st.calc_error,
               result=None, groups=[], errors=[], field_spec=field_spec, today=date.today().isoformat(),
               page_items=PAGE_ITEMS)
    ctx.update(extra)
    return ctx


@router.get("/calc")
def calc_form(request: Request):
    """The calculator form (empty)."""
    st = state_of(request)
    return render("calc.html", **_calc_context(st, {"qualifications": [], "facts": {}}))


async def _match_form(request: Request, detail: list[str] | None = None):
    """The calculator form of ``request`` matched: ``(state, values, result,
    errors, status code)``; ``detail`` — the statuses to list (the others
    are only counted, see :func:`huiqi.calc.engine.match`; ``None`` = all)."""
    from huiqi.web.calcform import form_to_profile, run_match

    st = state_of(request)
    form = await request.form()
    profile, values, as_of = form_to_profile(form)
    if not profile.get("region"):
        return st, values, None, ["注册地：请选择企业注册地"], 422
    import anyio

    try:
        result = await anyio.to_thread.run_sync(run_match, st, profile, as_of, True, detail)
    except ApiError as exc:
        if exc.status == 503:
            raise
        return st, values, None, exc.errors or [exc.detail], exc.status
    return st, values, result, [], 200


@router.post("/calc")
async def calc_results(request: Request, show: str = Query("", max_length=20)):
    """Results of the calculator form, grouped by status, with next
    questions answered inline (the form keeps every value).

    The page stays light on a phone: 符合 / 可能符合 / 需补充信息 come first
    with their totals and their first results; the rest of a group and the
    collapsed groups (不符合, 已过期) are loaded by ``/calc/items`` when
    asked for, or, without JavaScript, by posting the form again with
    ``show=<status>`` (that group listed in full)."""
    from huiqi.web.calcform import OPEN_STATUSES, STATUS_ORDER, page_groups, profile_summary

    # the collapsed groups (未核对, 不符合, 已过期) are counted, not worked out, until opened
    st, values, result, errors, status = await _match_form(
        request, [*OPEN_STATUSES, *([show] if show in STATUS_ORDER else [])])
    groups = page_groups(result, show=show or None) if result else []
    titles = {r.get("id"): r.get("title") for r in (result or {}).get("results") or []}
    return render("calc.html", status=status, **_calc_context(
        st, values, result=result, groups=groups, errors=_label_errors(errors), show=show,
        titles=titles, summary=profile_summary(values) if result else []))


@router.post("/calc/items")
async def calc_items(request: Request, status: str = Query(..., max_length=20),
                     offset: int = Query(0, ge=0, le=100000)):
    """An HTML fragment: the next :data:`huiqi.web.calcform.PAGE_ITEMS`
    results of group ``status`` from ``offset`` on, for the same form as
    ``POST /calc`` (the page inserts it in place), followed by a button for
    the next batch when more are left."""
    from huiqi.web.calcform import PAGE_ITEMS, group_slice

    from huiqi.web.calcform import STATUS_ORDER

    st, values, result, errors, code = await _match_form(request, [status] if status in STATUS_ORDER else None)
    if result is None:
        raise ApiError(code, "；".join(_label_errors(errors)) or "企业画像有误", "invalid_profile")
    rest = group_slice(result, status, offset)
    rows = rest[:PAGE_ITEMS]
    return render("calc_items.html", **_calc_context(st, values, result=result, rows=rows, status_key=status,
                                                     next_offset=offset + len(rows), more=len(rest) - len(rows)))


@router.post("/calc/export.xlsx")
async def calc_export(request: Request):
    """The calculator result as an Excel workbook (.xlsx)."""
    from huiqi.web.calcform import workbook_bytes

    st, values, result, errors, status = await _match_form(request)
    if result is None:
        return render("calc.html", status=status, **_calc_context(st, values, errors=_label_errors(errors)))
    data = workbook_bytes(result, values)
    day = result.get("as_of") or date.today().isoformat()
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=\"huiqi-{day}.xlsx\"; "
                                        f"filename*=UTF-8''%E6%94%BF%E7%AD%96%E6%B5%8B%E7%AE%97-{day}.xlsx"},
    )


def _label_errors(errors: list[str]) -> list[str]:
    """Profile error messages with the key replaced by its Chinese label
    (``employees: …`` → ``从业人员：…``)."""
    from huiqi.web.calcform import PROFILE_FIELDS, PROJECT_FIELDS

    labels = {k: v[0] for k, v in PROFILE_FIELDS.items()}
    labels.update({f"projects[0].{k}": v[0] for k, v in PROJECT_FIELDS.items()})
    labels["qualifications"] = "资质"
    out = []
    for e in errors:
        key, sep, rest = e.partition(": ")
        out.append(f"{labels[key]}：{rest}" if sep and key in labels else e)
    return out
