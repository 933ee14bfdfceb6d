"""Rendering helpers (页面渲染): the Jinja2 environment (autoescape on) and
the functions templates use to show untrusted document text safely.

Document text is untrusted input: every helper here escapes it with
``markupsafe.escape`` and only adds its own ``<mark>`` / ``<a>`` tags, so a
clause containing ``<script>`` renders as text.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

SNIPPET_CHARS = 140

STATUS_LABELS = {
    "eligible": "符合",
    "likely": "可能符合（需人工确认）",
    "needs_info": "需补充信息",
    "unchecked": "未核对（请对照原文）",
    "ineligible": "不符合",
    "expired": "已过期",
}
OUTCOME_LABELS = {"met": "满足", "unmet": "不满足", "unknown": "待补充", "to_confirm": "需人工确认"}
AMOUNT_ROLES = {
    "max": "最高", "cap": "上限", "tier": "分档", "per_unit": "按单位", "threshold": "门槛",
    "total": "总额", "fixed": "定额", "min": "最低",
}
KIND_LABELS = {"document": "文件", "guide": "服务指南", "stub": "仅标题", "front_matter": "前置内容"}


def validity_state(validity: dict | None, day: date | None = None) -> str:
    """``"valid"`` (有效: a known start/end and in force on ``day``),
    ``"expired"`` (已过期: a known end before ``day``), ``"future"`` (未生效:
    a known start after ``day``) or ``"unknown"`` (有效期未知). ``day``
    defaults to today; ISO date strings as in the clause contract."""
    v = validity or {}
    day = day or date.today()
    start, end = v.get("start"), v.get("end")
    try:
        if end and date.fromisoformat(end) < day:
            return "expired"
        if start and date.fromisoformat(start) > day:
            return "future"
    except (TypeError, ValueError):
        return "unknown"
    return "valid" if (start or end) else "unknown"


_VALIDITY_LABELS = {"valid": "有效", "expired": "已过期", "future": "未生效", "unknown": "有效期未知"}


def validity_badge(validity: dict | None) -> Markup:
    """A ``<span class="badge v-…">`` with 有效 / 已过期 / 未生效 / 有效期未知;
    the tooltip gives the dates, or for an unknown validity what the text
    says about it (``relative``/``basis``: 自发布之日起试行，试行期一年)."""
    v = validity or {}
    state = validity_state(v)
    label = _VALIDITY_LABELS[state]
    start, end = v.get("start"), v.get("end")
    if state == "future":
        title = f"自 {start} 起施行" + (f"，有效期至 {end}" if end else "")
    elif end:
        title = f"有效期至 {end}"
    elif start:
        title = f"自 {start} 起施行，未写明截止日期"
    elif v.get("relative") or v.get("basis"):
        title = f"起止日期未知，原文：{v.get('relative') or v.get('basis')}；请向受理部门确认是否仍在执行"
    else:
        title = "文件未写明有效期，请向受理部门确认是否仍在执行"
    return Markup('<span class="badge v-{}" title="{}">{}</span>').format(state, title, label)


def highlight(text: str | None, terms: list[str] | tuple[str, ...]) -> Markup:
    """``text`` escaped, with every occurrence of ``terms`` wrapped in
    ``<mark>`` (longest term first, no overlaps, case-insensitive for
    Latin letters). Empty terms are ignored."""
    text = text or ""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return Markup(escape(text))
    rx = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for m in rx.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(Markup("<mark>{}</mark>").format(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def snippet(text: str | None, terms: list[str], width: int = SNIPPET_CHARS) -> Markup:
    """A window of about ``width`` characters of ``text`` around the first
    occurrence of any term (the start when none occurs), with ``…`` where
    cut and the terms highlighted (see :func:`highlight`)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= width:
        return highlight(text, terms)
    first = min((i for i in (text.find(t) for t in terms if t) if i >= 0), default=0)
    start = max(0, min(first - width // 4, len(text) - width))
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return Markup("").join([Markup(prefix), highlight(piece, terms), Markup(suffix)])


def query_terms(query: str | None) -> list[str]:
    """Words of a search query to highlight: its search tokens and synonym
    expansions (``huiqi.search.segment.expand_query``) without money tokens
    and single characters."""
    if not query or not query.strip():
        return []
    from huiqi.search import segment as seg

    try:
        tokens, expansion = seg.expand_query(query[:200])
    except Exception:
        return []
    return [t for t in dict.fromkeys(tokens + expansion) if len(t) >= 2 and not seg.is_money_token(t)]


def fact_spans(clause: dict) -> tuple[Markup, list[dict]]:
    """The clause text with its extracted facts highlighted, and the list of
    facts shown beside it.

    Facts: amounts (金额, yuan), rates (比例), thresholds (门槛) and the
    validity basis (有效期); each becomes ``{"kind", "label", "text",
    "anchor", "found"}`` where ``anchor`` is the id of its ``<mark>`` in the
    text (``found`` false when the span could not be located in the
    normalised text). Spans are matched left to right, without overlaps.
    """
    text = clause.get("text") or ""
    facts: list[dict] = []
    for i, a in enumerate(clause.get("amounts") or []):
        role = AMOUNT_ROLES.get(a.get("role") or "", a.get("role") or "")
        value = a.get("value_yuan")
        label = f"{yuan(value)}" + (f"（{role}）" if role else "") + (f"／{a['per']}" if a.get("per") else "")
        facts.append({"kind": "amount", "label": label, "text": a.get("text") or "", "anchor": f"f-a{i}"})
    for i, r in enumerate(clause.get("rates") or []):
        rtext = r if isinstance(r, str) else (r.get("text") or "")
        facts.append({"kind": "rate", "label": rtext, "text": rtext, "anchor": f"f-r{i}"})
    for i, t in enumerate(clause.get("thresholds") or []):
        value = t.get("value")
        shown = yuan(value) if t.get("unit") == "元" else f"{_num(value)}{t.get('unit') or ''}"
        label = f"{t.get('attribute') or ''} {t.get('op') or ''} {shown}".strip()
        facts.append({"kind": "threshold", "label": label, "text": t.get("text") or "", "anchor": f"f-t{i}"})
    validity = clause.get("validity") or {}
    if validity.get("basis") or validity.get("start") or validity.get("end"):
        span = " 至 ".join(x or "？" for x in (validity.get("start"), validity.get("end"))) \
            if (validity.get("start") or validity.get("end")) else ""
        facts.append({"kind": "validity", "label": span or validity.get("basis") or "",
                      "text": validity.get("basis") or "", "anchor": "f-v0"})
    # locate spans left to right without overlap
    taken: list[tuple[int, int, dict]] = []
    for f in facts:
        f["found"] = False
        needle = f["text"]
        if not needle:
            continue
        start = 0
        while True:
            i = text.find(needle, start)
            if i < 0:
                break
            j = i + len(needle)
            if all(j <= a or i >= b for a, b, _ in taken):
                taken.append((i, j, f))
                f["found"] = True
                break
            start = i + 1
    taken.sort(key=lambda x: x[0])
    out: list = []
    pos = 0
    for i, j, f in taken:
        out.append(escape(text[pos:i]))
        out.append(Markup('<mark class="fact fact-{}" id="{}">{}</mark>').format(f["kind"], f["anchor"], text[i:j]))
        pos = j
    out.append(escape(text[pos:]))
    return Markup("").join(out), facts


def _num(value) -> str:
    if value is None:
        return "？"
    if isinstance(value, (list, tuple)):
        return "–".join(_num(v) for v in value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{x:,.0f}" if x == int(x) else f"{x:,.4g}"


def yuan(value) -> str:
    """A yuan amount for people: ``5000000`` → ``500 万元``, ``1500`` →
    ``1,500 元``, ``250000000`` → ``2.5 亿元``; ``？`` when unknown; lists
    (ranges) joined with ``–``."""
    if value is None:
        return "？"
    if isinstance(value, (list, tuple)):
        return "–".join(yuan(v) for v in value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x >= 100_000_000:
        yi = x / 100_000_000
        return (f"{yi:,.0f}" if yi == int(yi) else f"{yi:,.2f}".rstrip("0").rstrip(".")) + " 亿元"
    if x >= 10000:
        wan = x / 10000
        wan_s = f"{wan:,.0f}" if wan == int(wan) else f"{wan:,.2f}".rstrip("0").rstrip(".")
        return f"{wan_s} 万元"
    return f"{x:,.0f} 元" if x == int(x) else f"{x:,.2f} 元"


_PLAIN_AMOUNT_RE = re.compile(r"^\s*(最高|最多|不超过|上限)?\s*[\d.,，]+\s*(万|亿)?元\s*$")


def plain_amount(text: str | None) -> bool:
    """Whether a benefit formula is only an amount (``最高50万元``, ``10万元``),
    which the amount shown beside it already says."""
    return bool(_PLAIN_AMOUNT_RE.match(text or ""))


def tel_href(phone: str | None) -> str:
    """A ``tel:`` URL for a Chinese phone number (digits and a leading +
    kept; ``0483-8229456`` → ``tel:04838229456``)."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{digits}"


def _none_tolerant(name: str, filt):
    """Wrap a Jinja string filter so ``None`` (a document without a title, a
    missing field) renders as an empty string instead of raising."""

    pass_arg = getattr(filt, "jinja_pass_arg", None)  # @pass_environment / @pass_eval_context
    if pass_arg is None:
        def wrapped(value, *args, **kwargs):
            return filt("" if value is None else value, *args, **kwargs)
    else:
        def wrapped(first, value, *args, **kwargs):
            return filt(first, "" if value is None else value, *args, **kwargs)

        wrapped.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    wrapped.__name__ = name
    return wrapped


#: Built-in string filters that raise on ``None`` (``truncate(None)`` made the
#: calculator page 500 once a document without a title was ingested).
_STRING_FILTERS = ("truncate", "wordwrap", "center", "indent", "replace", "trim", "striptags", "title",
                   "capitalize", "upper", "lower", "urlencode", "wordcount")


def _make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for name in _STRING_FILTERS:
        if name in env.filters:
            env.filters[name] = _none_tolerant(name, env.filters[name])
    env.filters.update(
        highlight=highlight, snippet=snippet, yuan=yuan, tel=tel_href, validity_badge=validity_badge,
        plain_amount=plain_amount,
    )
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS, OUTCOME_LABELS=OUTCOME_LABELS, KIND_LABELS=KIND_LABELS,
        validity_state=validity_state,
    )
    return env


ENV = _make_env()


def render(name: str, status: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
    """Render template ``name`` with ``context`` into an HTML response."""
    html = ENV.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=headers)


_ERROR_TITLES = {303: "请先登录", 400: "请求无效", 401: "需要授权", 403: "无权访问", 404: "页面不存在", 405: "请求方法不支持",
                 409: "内容已被修改", 423: "账号已锁定", 429: "请求过于频繁",
                 413: "内容过大", 414: "地址过长", 415: "文件类型不支持", 422: "输入有误",
                 500: "服务器内部错误", 503: "服务暂不可用"}


def render_error(request, status: int, detail: str, errors: list[str] | None = None,
                 headers: dict | None = None) -> HTMLResponse:
    """The Chinese HTML error page for ``status`` with ``detail``."""
    return render("error.html", status=status, headers=headers, status_code=status,
                  title=_ERROR_TITLES.get(status, "出错了"), detail=detail, errors=errors or [])
