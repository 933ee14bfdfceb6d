"""Calculator form (政策计算器表单) ↔ enterprise profile, matching, Excel export.

The page form uses the profile keys of issue 4 as field names. Money fields
are entered in 万元 (ten thousand yuan) and converted to yuan (元) here; a
value that is not a plain number (``3200万元``) is passed unchanged to
:func:`huiqi.firm.profile.load_profile`, which reads Chinese amounts. Project
fields are ``project.<key>`` (one project), free facts ``facts.<中文名>``.
An answer to a next question (追问) arrives as ``nq.<fact>`` and overrides
the field of the same name, so the user refines the result without starting
over.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from huiqi.web.errors import ApiError

#: form fields: name → (label 中文, kind, unit or options)
#: kinds: money (万元 → 元), int, float, percent (% → 0–1), date, select, bool, text
PROFILE_FIELDS: dict[str, tuple[str, str, Any]] = {
    "name": ("企业名称", "text", None),
    "region": ("注册地", "region", None),
    "industry": ("行业", "industry", None),
    "entity_type": ("主体类型", "select", "ENTITY_TYPES"),
    "ownership": ("所有制", "select", "OWNERSHIPS"),
    "established": ("成立日期", "date", None),
    "employees": ("从业人员", "int", "人"),
    "revenue": ("上年度营业收入", "money", "万元"),
    "total_assets": ("资产总额", "money", "万元"),
    "taxable_income": ("上年度应纳税所得额", "money", "万元"),
    "monthly_sales": ("月销售额", "money", "万元"),
    "rd_expense": ("上年度研发费用", "money", "万元"),
    "taxpayer_type": ("纳税人类型", "select", "TAXPAYER_TYPES"),
    "tax_credit_grade": ("纳税信用等级", "select", "TAX_CREDIT_GRADES"),
    "unemployment_insurance_months": ("失业保险缴费月数", "int", "个月"),
    "layoff_rate": ("上年度裁员率", "percent", "%"),
    "listed": ("是否上市", "bool", None),
    "owner_groups": ("创办人身份（退役军人、高校毕业生、登记失业人员等，多项用顿号分隔）", "text", None),
    "products": ("养殖/种植/生产的品种（如肉牛、苜蓿，多项用顿号分隔）", "text", None),
}
PROJECT_FIELDS: dict[str, tuple[str, str, Any]] = {
    "kind": ("项目类型", "text", None),
    "investment": ("项目总投资", "money", "万元"),
    "equipment_investment": ("设备投资", "money", "万元"),
    "status": ("项目状态", "select", ("备案", "在建", "建成投产")),
    "completed": ("建成投产日期", "date", None),
    "energy_saving_tce": ("年节能量", "float", "吨标准煤"),
    "water_saving_t": ("年节水量", "float", "吨"),
    "area_mu": ("面积", "float", "亩"),
    "head_count": ("养殖数量", "int", "头/只"),
}

_PLAIN_NUMBER_RE = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")
#: Field-name prefix of a free money fact answered in 万元 (``wan.facts.<中文名>``).
WAN_PREFIX = "wan."
_MAX_FIELD_CHARS = 200


def field_spec(fact: str, question: dict | None = None) -> dict:
    """How to ask for ``fact`` (a profile key, ``project.<key>``,
    ``facts.<中文名>``, ``qualifications`` or a derived fact): ``{name,
    label, kind, unit, options}`` with ``options`` a list for selects.
    A free fact is asked as its next ``question`` says (``kind``, ``unit``,
    ``choices`` read from the rules, :mod:`huiqi.calc.fact_specs`): 是/否,
    a choice (with 无), money in 万元 (``wan``: the answer is read as 万元)
    or a number with its unit; without one, a free text/number input
    stored under ``facts``."""
    from huiqi.firm import profile as P

    if fact.startswith("facts.") and question and question.get("kind") in ("yes_no", "choice", "number"):
        label, qkind = fact[6:], question["kind"]
        if qkind == "yes_no":
            return {"name": fact, "label": label, "kind": "bool", "unit": None, "options": ["是", "否"]}
        if qkind == "choice":
            return {"name": fact, "label": label, "kind": "select", "unit": None,
                    "options": [*(question.get("choices") or []), "无"]}
        if question.get("unit") == "元":
            return {"name": fact, "label": label, "kind": "money", "unit": "万元", "options": None, "wan": True}
        return {"name": fact, "label": label, "kind": "float", "unit": question.get("unit"), "options": None}

    if fact in PROFILE_FIELDS:
        label, kind, extra = PROFILE_FIELDS[fact]
        name = fact
    elif fact.startswith("project.") and fact[8:] in PROJECT_FIELDS:
        label, kind, extra = PROJECT_FIELDS[fact[8:]]
        name = fact
    elif fact in ("projects", "project"):
        label, kind, extra = PROJECT_FIELDS["kind"]
        name = "project.kind"
    elif fact in ("qualifications", "qualification") or fact.startswith("qualifications."):
        return {"name": "qualifications", "label": "资质", "kind": "qualifications", "unit": None,
                "options": list(P.KNOWN_QUALIFICATIONS)}
    elif fact.startswith("facts."):
        label, kind, extra, name = fact[6:], "fact", None, fact
    else:
        label, kind, extra, name = fact, "fact", None, f"facts.{fact}"
    options = None
    unit = None
    if kind == "select":
        options = list(getattr(P, extra)) if isinstance(extra, str) else list(extra)
    elif kind == "bool":
        options = ["是", "否"]
    else:
        unit = extra
    return {"name": name, "label": label, "kind": kind, "unit": unit, "options": options}


def _scalar(value: str) -> Any:
    """A free fact's text → number, bool (是/否) or the stripped text."""
    s = value.strip()
    if _PLAIN_NUMBER_RE.match(s):
        x = float(s)
        return int(x) if x.is_integer() else x
    if s in ("是", "有", "true", "yes"):
        return True
    if s in ("否", "无", "false", "no"):
        return False
    return s


_GROUPED_RE = re.compile(r"^\s*\d{1,3}(?:[,，_' ]\d{3})+(?:\.\d+)?\s*$")


def plain_number(raw: str) -> str:
    """A typed number with full-width digits or thousands separators
    (``20,000``, ``２０，０００``, ``1 250.5``) → its plain digits
    (``20000``): every digit is read, never cut at the comma; other text
    is returned stripped and unchanged."""
    from huiqi.extract.numbers import to_halfwidth

    s = to_halfwidth(str(raw)).strip()
    if _GROUPED_RE.match(s):
        return re.sub(r"[,，_' ]", "", s)
    return s


def _convert(kind: str, raw: str) -> Any:
    s = raw.strip()
    if kind in ("money", "int", "float", "percent"):
        s = plain_number(s)
    if kind == "money":
        return f"{s}万元" if _PLAIN_NUMBER_RE.match(s) else s
    if kind == "percent":
        return f"{s}%" if _PLAIN_NUMBER_RE.match(s) else s
    if kind == "bool":
        return {"是": True, "否": False}.get(s, s)
    if kind == "fact":
        return _scalar(s)
    return s


def _money_field(name: str) -> bool:
    spec = PROFILE_FIELDS.get(name) or (PROJECT_FIELDS.get(name[8:]) if name.startswith("project.") else None)
    return bool(spec and spec[1] == "money")


def _wan(yuan_value: float) -> str:
    """Yuan → the 万元 text shown in the form (``1234500`` → ``123.45``)."""
    return f"{yuan_value / 10000:.6f}".rstrip("0").rstrip(".")


def form_to_profile(form) -> tuple[dict, dict, str | None]:
    """Read the calculator form (a Starlette ``FormData`` / multi-dict with
    ``getlist``) → ``(profile, values, as_of)``.

    ``profile`` is the issue-4 profile dict for :func:`load_profile`
    (blank fields left out = unknown); ``values`` the raw form values for
    re-filling the form (``{field: str, "qualifications": [..], "facts":
    {中文名: str}}``); ``as_of`` the 评估日期 text or ``None``. ``nq.<fact>``
    answers override the fields they name."""
    values: dict[str, Any] = {"qualifications": [], "facts": {}}
    for key in form.keys():
        if key in ("qualifications", "nq.qualifications"):
            continue
        raw = str(form.get(key) or "")[:_MAX_FIELD_CHARS]
        target = key[3:] if key.startswith("nq.") else key
        if key.startswith("nq.") and not raw.strip():
            continue
        if target.startswith(WAN_PREFIX + "facts."):  # a money fact asked in 万元: keep the unit with the number
            target = target[len(WAN_PREFIX):]
            num = plain_number(raw)
            raw = f"{num}万元" if _PLAIN_NUMBER_RE.match(num) else raw
        if target.startswith("facts."):
            if raw.strip():
                values["facts"][target[6:]] = raw.strip()
            continue
        # next questions ask in the form's own units (万元 for money): no conversion here
        if key.startswith("nq.") or target not in values:
            values[target] = raw
    for q in list(form.getlist("qualifications")) + list(form.getlist("nq.qualifications")):
        q = str(q).strip()[:_MAX_FIELD_CHARS]
        if q and q not in values["qualifications"]:
            values["qualifications"].append(q)
    profile: dict[str, Any] = {}
    for key, (_label, kind, _x) in PROFILE_FIELDS.items():
        raw = values.get(key)
        if isinstance(raw, str) and raw.strip():
            profile[key] = _convert(kind, raw)
    project = {}
    for key, (_label, kind, _x) in PROJECT_FIELDS.items():
        raw = values.get(f"project.{key}")
        if isinstance(raw, str) and raw.strip():
            project[key] = _convert(kind, raw)
    if project:
        profile["projects"] = [project]
    if values["qualifications"]:
        profile["qualifications"] = list(values["qualifications"])
    if values["facts"]:
        profile["facts"] = {k: _scalar(v) for k, v in values["facts"].items()}
    as_of = (values.get("as_of") or "").strip() or None
    return profile, values, as_of


def run_match(state, profile: dict, as_of: str | date | None, detail_expired: bool = True,
              detail: list[str] | None = None, lazy: bool = False) -> dict:
    """Match ``profile`` (an issue-4 profile dict) on ``as_of`` (ISO text,
    ``date`` or ``None`` = today) with the app's calculator and rule set.

    Raises :class:`ApiError`: 503 when the calculator is unavailable, 400
    for a malformed ``as_of``, 422 (``invalid_profile``, every problem in
    ``errors``) for a profile :func:`load_profile` rejects or a region the
    division table does not know. ``detail_expired=False`` and ``detail``
    (the statuses to list) and ``lazy`` (results completed only by
    :func:`huiqi.calc.engine.firm_view`): see :func:`huiqi.calc.engine.match`."""
    from huiqi.firm.profile import ProfileError, load_profile
    from huiqi.search.filters import SearchError, parse_date

    match_error = getattr(state.calc, "MatchError", ProfileError)

    if state.calc is None or state.calc_error:
        raise ApiError(503, state.calc_error or "政策计算器暂不可用", "calculator_unavailable")
    try:
        day = parse_date(as_of) if as_of not in (None, "") else None
    except SearchError as exc:
        raise ApiError(400, f"参数 as_of：{exc}") from None
    try:
        load_profile(profile)
        kwargs = {"db": state.url}
        if not detail_expired:  # expired clauses are counted, not listed: skip their conditions
            kwargs["detail_expired"] = False
        if detail is not None:  # other statuses are counted, not listed
            kwargs["detail"] = detail
        if lazy:
            kwargs["lazy"] = True
        if state.ruleset is not None:
            kwargs["ruleset"] = state.ruleset
        return state.calc.match(profile, day, **kwargs)
    except (ProfileError, match_error) as exc:
        errors = list(getattr(exc, "errors", None) or [str(exc)])
        raise ApiError(422, "企业画像有误：" + "；".join(errors), "invalid_profile", errors) from None
    except SearchError as exc:  # unknown region (注册地) and similar bad input
        raise ApiError(422, f"企业画像有误：{exc}", "invalid_profile", [str(exc)]) from None


STATUS_ORDER = ("eligible", "likely", "needs_info", "unchecked", "ineligible", "expired")
#: groups shown first (open, with their totals) on the results page
OPEN_STATUSES = ("eligible", "likely", "needs_info")
#: groups collapsed and loaded only when opened (未核对, 不符合, 已过期)
LAZY_STATUSES = ("unchecked", "ineligible", "expired")
#: results listed at first in the groups 可能符合 and 需补充信息; the rest load on request
FIRST_ITEMS = 5
#: results listed at first in the group 符合 (usually all of them)
FIRST_ELIGIBLE = 30
#: results loaded per request when the user asks for more of a group
PAGE_ITEMS = 50


def group_results(result: dict) -> list[tuple[str, list[dict]]]:
    """``[(status, results)]`` in :data:`STATUS_ORDER`, empty groups left out."""
    groups: dict[str, list[dict]] = {s: [] for s in STATUS_ORDER}
    for r in result.get("results") or []:
        groups.setdefault(r.get("status") or "needs_info", []).append(r)
    return [(s, rs) for s, rs in groups.items() if rs]


def page_groups(result: dict, show: str | None = None, first: int = FIRST_ITEMS,
                first_eligible: int = FIRST_ELIGIBLE) -> list[dict]:
    """The result groups as the results page lists them (light page for
    phones): ``[{"status", "count", "max_sum", "rows", "more", "lazy"}]``
    in :data:`STATUS_ORDER`, empty groups left out.

    ``count`` is the group size (``result["counts"]`` for a group only
    counted, see :func:`huiqi.calc.engine.match`'s ``detail``); ``max_sum`` the sum of the known
    per-clause maxima in yuan (元) for the open groups (``None`` for
    不符合/已过期 or when no amount is known: a sum over clauses that may
    not stack, shown as such); ``rows`` the results rendered now: the first
    ``first`` of an open group (``first_eligible`` of 符合; the engine
    sorts the most useful first),
    none of a lazy group, all of the group named by ``show``; ``more`` how
    many are left for :func:`group_slice` to load; ``lazy`` true for the
    collapsed groups (:data:`LAZY_STATUSES`)."""
    out = []
    listed = dict(group_results(result))
    counts = result.get("counts") or {}
    for status in STATUS_ORDER:
        rows = listed.get(status, [])
        if not rows and not counts.get(status):
            continue
        lazy = status in LAZY_STATUSES
        if status == show:
            shown = rows
        else:
            shown = [] if lazy else rows[:first_eligible if status == "eligible" else first]
        maxima = [r["benefit"]["max_yuan"] for r in rows
                  if isinstance(r.get("benefit"), dict) and r["benefit"].get("max_yuan") is not None]
        count = max(len(rows), counts.get(status) or 0)  # a group not listed (only counted) keeps its count
        out.append({"status": status, "count": count, "rows": shown, "more": count - len(shown),
                    "lazy": lazy, "max_sum": sum(maxima) if maxima and not lazy else None})
    return out


def group_slice(result: dict, status: str, offset: int = 0) -> list[dict]:
    """The results of group ``status`` from position ``offset`` on (what
    the page loads when the user asks for the rest of a group). Raises
    :class:`ApiError` 400 for a status not in :data:`STATUS_ORDER` or a
    negative offset."""
    if status not in STATUS_ORDER:
        raise ApiError(400, f"参数 status：应为 {'、'.join(STATUS_ORDER)} 之一，收到 {status!r}")
    if offset < 0:
        raise ApiError(400, "参数 offset：应为非负整数")
    return dict(group_results(result)).get(status, [])[offset:]


def profile_summary(values: dict) -> list[tuple[str, str]]:
    """``[(label, value)]`` of the calculator form fields the user filled
    (企业画像 as entered, money in 万元 with its unit), for the results
    header and the printout."""
    out: list[tuple[str, str]] = []
    fields = {**PROFILE_FIELDS, **{f"project.{k}": v for k, v in PROJECT_FIELDS.items()}}
    for key, (label, kind, extra) in fields.items():
        v = values.get(key)
        if not (isinstance(v, str) and v.strip()):
            continue
        v = v.strip()
        if key == "industry":
            v = industry_name(v)
        elif isinstance(extra, str) and kind in ("money", "int", "float", "percent") and _PLAIN_NUMBER_RE.match(v):
            v = f"{v} {extra}" if kind != "percent" else f"{v}%"
        out.append((label, v))
    if values.get("qualifications"):
        out.append(("资质", "、".join(values["qualifications"])))
    for k, v in (values.get("facts") or {}).items():
        out.append((k, str(v)))
    return out


def industry_name(code: str) -> str:
    """``"C"`` → ``"C 制造业"``, ``"C13"`` → ``"C13 农副食品加工业"`` (GB/T
    4754-2017 section or division, huiqi.reference.industries); other text is
    returned unchanged."""
    from huiqi.reference.industries import _table, section_names

    code = code.strip()
    names = section_names()
    if code in names:
        return f"{code} {names[code]}"
    div = _table().divisions.get(code[1:]) if len(code) > 1 else None
    if div and div[0] == code[0]:
        return f"{code} {div[1]}"
    return code


def _reason_text(reasons: list[dict]) -> str:
    from huiqi.web.render import OUTCOME_LABELS

    return "\n".join(
        f"{OUTCOME_LABELS.get(r.get('outcome'), r.get('outcome') or '')}：{r.get('condition') or ''}"
        for r in reasons or []
    )


def _safe_cell(value: Any) -> Any:
    """Text from documents and users must not become a spreadsheet formula:
    :func:`huiqi.safecell.safe_cell`."""
    from huiqi.safecell import safe_cell

    return safe_cell(value)


def workbook_bytes(result: dict, values: dict) -> bytes:
    """An Excel workbook (.xlsx, openpyxl) of a match result: sheet 测算结果
    (one row per clause: status, clause id, title, document, benefit min/max
    in yuan, formula, reasons, missing facts, validity, contacts, source
    file and lines), sheet 待补充信息 (next questions) and sheet 企业画像
    (the form values)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from huiqi.web.render import STATUS_LABELS

    wb = Workbook()
    ws = wb.active
    _append = type(ws).append

    def append(sheet, row):
        _append(sheet, [_safe_cell(v) for v in row])

    ws.title = "测算结果"
    header = ["状态", "条款ID", "条款", "文件", "最低金额（元）", "最高金额（元）", "计算方式",
              "条件与结论", "缺少的信息", "有效期", "联系方式", "来源文件", "起始行", "结束行"]
    append(ws, header)
    for status, rows in group_results(result):
        for r in rows:
            benefit = r.get("benefit") or {}
            validity = r.get("validity") or {}
            source = r.get("source") or {}
            doc = r.get("document") or {}
            contacts = "；".join(
                f"{c.get('org') or ''} {c.get('phone') or ''}".strip() for c in r.get("contacts") or []
                if isinstance(c, dict)
            )
            append(ws, [
                STATUS_LABELS.get(status, status),
                r.get("id"),
                r.get("title") or "",
                doc.get("title") if isinstance(doc, dict) else str(doc or ""),
                benefit.get("min_yuan"),
                benefit.get("max_yuan"),
                benefit.get("formula") or "",
                _reason_text(r.get("reasons") or []),
                "、".join(str(m) for m in r.get("missing") or []),
                " 至 ".join(str(x or "？") for x in (validity.get("start"), validity.get("end")))
                if isinstance(validity, dict) and (validity.get("start") or validity.get("end")) else "",
                contacts,
                source.get("file"),
                source.get("start_line"),
                source.get("end_line"),
            ])
    total = result.get("total") or {}
    append(ws, [])
    append(ws, ["合计（可叠加享受）", None, None, None, total.get("min_yuan"), total.get("max_yuan")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJKLMN", (14, 8, 40, 36, 14, 14, 30, 50, 24, 22, 30, 26, 8, 8)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col in "EF":
        for cell in ws[col][1:]:
            cell.number_format = "#,##0"
    qs = wb.create_sheet("待补充信息")
    append(qs, ["问题", "事实", "涉及金额（元）", "涉及条款数"])
    for q in result.get("next_questions") or []:
        n = q.get("settles_clauses")
        append(qs, [q.get("prompt"), q.get("fact"), q.get("settles_yuan"),
                    len(n) if isinstance(n, (list, tuple)) else n])
    ps = wb.create_sheet("企业画像")
    append(ps, ["项目", "填写值"])
    for key, (label, _kind, unit) in {**PROFILE_FIELDS,
                                      **{f"project.{k}": v for k, v in PROJECT_FIELDS.items()}}.items():
        v = values.get(key)
        if isinstance(v, str) and v.strip():
            append(ps, [f"{label}（{unit}）" if isinstance(unit, str) else label, v])
    if values.get("qualifications"):
        append(ps, ["资质", "、".join(values["qualifications"])])
    for k, v in (values.get("facts") or {}).items():
        append(ps, [k, v])
    append(ps, ["评估日期", result.get("as_of")])
    for sheet in (qs, ps):
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 30
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
