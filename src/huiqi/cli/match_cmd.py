"""``huiqi match PROFILE`` (政策计算器): registered on the main Typer app by
:func:`register`.

``PROFILE`` is a JSON / YAML / TOML file (issue 4's profile contract).
Options: ``--as-of YYYY-MM-DD`` (default today), ``--json`` (only the JSON
of :func:`huiqi.calc.engine.match` on stdout), ``--all`` (also list clauses
of other regions, as 不符合), ``--clause ID`` (only these clauses, even of
another region; repeatable), ``--db``.

Without ``--json`` a Rich table grouped by status (可享受 / 很可能 / 需补充信息
/ 不符合 / 已过期) with amounts, totals and the next questions. Warnings
(unknown keys …) go to stderr. Bad input (missing or malformed file, wrong
types, negative numbers, impossible dates, unknown region, bad date) is one
Chinese line on stderr naming the key and the problem, exit code 2; never a
traceback.
"""


from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from huiqi.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    console_err,
    console_out,
    guard,
    open_db,
    print_json,
)

STATUS_LABELS = {
    "eligible": ("可享受", "green"),
    "likely": ("很可能可享受（有条件待人工确认）", "cyan"),
    "needs_info": ("需补充信息", "yellow"),
    "unchecked": ("未核对（条件无法与企业信息自动比对，请对照原文）", "dim"),
    "ineligible": ("不符合", "red"),
    "expired": ("已过期或未生效", "dim"),
}
#: Rows shown per status group in the table (the JSON has all); ``0``:
#: only the count (collapsed).
GROUP_LIMIT = {"eligible": None, "likely": None, "needs_info": 30, "unchecked": 0, "ineligible": 15, "expired": 10}


def _yuan(v: float | None) -> str:
    """Money for display: 万元 above 10,000 yuan."""
    if v is None:
        return "?"
    if abs(v) >= 1e4:
        w = v / 1e4
        return f"{w:,.0f}万" if w == int(w) else f"{w:,.2f}万".replace(".00万", "万")
    return f"{v:,.0f}元"


def _amount(b: dict | None) -> str:
    if not b:
        return "-"
    lo, hi = b.get("min_yuan"), b.get("max_yuan")
    if lo is None and hi is None:
        return "金额待定"
    if lo == hi:
        return _yuan(hi)
    return f"{_yuan(lo)}–{_yuan(hi)}"


def _why(r: dict) -> str:
    """One short Chinese line: the deciding reasons or the missing facts."""
    from huiqi.calc.evaluate import attribute_name

    if r["status"] == "needs_info" and r["missing"]:
        return "缺少：" + "、".join(attribute_name(m) for m in r["missing"][:4])
    want = {"ineligible": "unmet", "expired": "unmet", "likely": "to_confirm"}.get(r["status"])
    reasons = r["reasons"]
    if want:
        picked = [x for x in reasons if x["outcome"] == want]
    else:
        picked = [x for x in reasons if x["outcome"] == "met" and x["condition"] not in ("有效期",)][1:] or reasons[:1]
    parts = []
    for x in picked[:2]:
        detail = x.get("detail") or ""
        parts.append(f"{x['condition']}" + (f"（{detail}）" if detail and len(detail) < 60 else ""))
    return "；".join(parts)


def _print_group(out, title: str, rows: list[dict]) -> None:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for col, just in (("编号", "right"), ("条款", "left"), ("金额", "right"), ("理由", "left"), ("出处", "left")):
        table.add_column(col, justify=just, overflow="fold")
    for r in rows:
        src = r["source"]
        title = r["title"] + ("［审核］" if r.get("origin") == "reviewed" else "")
        also = r.get("sources") or []
        where = f"{src['file'][:3]}:{src['start_line']}-{src['end_line']}" + (
            "；另见 " + "、".join(f"{x['source']['file'][:3]}:{x['source']['start_line']}" for x in also[:3])
            + ("…" if len(also) > 3 else "") if also else "")
        table.add_row(str(r["id"]), escape(title), _amount(r["benefit"]), escape(_why(r)), escape(where))
    out.print(table)


def print_report(res: dict, out) -> None:
    """Rich rendering of a :func:`huiqi.calc.engine.match` result."""
    d = res["derived"]
    facts = []
    for key, label in (("size_class", "企业规模"), ("small_low_profit", "小型微利企业"), ("age_years", "成立年限")):
        v = d.get(key)
        if v is not None:
            facts.append(f"{label}：{'是' if v is True else '否' if v is False else v}{'年' if key == 'age_years' else ''}")
    out.print(f"[bold]政策计算结果[/bold]（计算日期 {res['as_of']}）" + ("　" + "，".join(facts) if facts else ""))
    groups: dict[str, list[dict]] = {}
    for r in res["results"]:
        groups.setdefault(r["status"], []).append(r)
    if not res["results"]:
        out.print("没有找到适用于该企业的条款。")
    for status, (label, colour) in STATUS_LABELS.items():
        rows = groups.get(status)
        if not rows:
            continue
        limit = GROUP_LIMIT[status]
        if limit == 0:  # collapsed: never in totals or headline counts
            out.print(f"[{colour}]{label}：{len(rows)} 条，金额未计入合计，用 --json 查看[/{colour}]")
            continue
        _print_group(out, f"[{colour}]{label}（{len(rows)} 条）[/{colour}]", rows[:limit])
        if limit is not None and len(rows) > limit:
            out.print(f"[dim]…另有 {len(rows) - limit} 条，用 --json 查看全部[/dim]")
    t = res["total"]
    el, li = t.get("eligible") or {}, t.get("likely") or {}
    n_el = sum(1 for r in res["results"] if r["status"] == "eligible")
    if el.get("max_yuan"):
        head = f"确定可得 {_yuan(el.get('min_yuan'))}" + (
            f"–{_yuan(el.get('max_yuan'))}" if el.get("max_yuan") != el.get("min_yuan") else "")
    elif n_el:
        head = f"确定可享受 {n_el} 项（金额取决于应纳税额等，条款未给出，未计入）"
    else:
        head = "确定可得 0 元（暂无全部条件均已核对满足的政策）"
    if li.get("max_yuan"):
        head += f"；经人工确认后可能另有最多 {_yuan(li.get('max_yuan'))}"
    out.print(f"[bold]合计[/bold]：{head}"
              + (f"（因不得重复享受/就高不叠加，未计入条款 {', '.join(map(str, t['excluded_by_stacking']))}）"
                 if t["excluded_by_stacking"] else ""))
    for note in t.get("notes") or []:
        out.print(f"[dim]{escape(str(note))}[/dim]")
    people = [r for r in res.get("for_people") or [] if r["status"] in ("eligible", "likely", "needs_info")]
    if people:  # benefits for the firm's people: never in the firm's total
        _print_group(out, f"[bold]惠及贵企业员工/人才（{len(people)} 条，不计入企业合计）[/bold]", people[:10])
        if len(people) > 10:
            out.print(f"[dim]…另有 {len(people) - 10} 条，用 --json 查看全部[/dim]")
    qs = res["next_questions"]
    if qs:
        q = qs[0]
        money = f"，涉及最多 {_yuan(q['settles_yuan'])}" if q["settles_yuan"] else ""
        out.print(f"[bold]下一个问题[/bold]：{escape(q['prompt'])}（可确定 {q['settles_clauses']} 条条款{money}）")
        for q in qs[1:3]:
            out.print(f"[dim]  其次：{escape(q['prompt'])}（{q['settles_clauses']} 条）[/dim]")


def register(app: typer.Typer) -> None:
    """Add the ``match`` command to ``app`` (the main ``huiqi`` Typer app),
    reusing its ``--db`` resolution, JSON output and error handling."""

    @app.command()
    @guard
    def match(
        profile: Annotated[Path, typer.Argument(metavar="PROFILE", help="企业画像文件（JSON、YAML 或 TOML），至少含 region（注册地）")],
        as_of: Annotated[Optional[str], typer.Option("--as-of", help="计算日期 YYYY-MM-DD（默认今天）")] = None,
        all_regions: Annotated[bool, typer.Option("--all", help="也列出其他地区的条款（标为不符合）")] = False,
        clause: Annotated[Optional[list[int]], typer.Option("--clause", help="只计算这些条款（可重复），其他地区的条款也列出")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """政策计算器：按企业画像逐条判断可享受的政策、理由、金额和下一个要回答的问题。"""
        from huiqi.calc.engine import MatchError, load_ruleset
        from huiqi.calc.engine import match as run_match
        from huiqi.firm.profile import ProfileError, load_profile
        from huiqi.search.filters import SearchError, parse_date

        try:
            day = parse_date(as_of) if as_of else None
        except SearchError as exc:
            raise CliError(f"--as-of: {exc}", code=2) from None
        try:
            prof, warnings = load_profile(profile)
        except ProfileError as exc:
            raise CliError("；".join(exc.errors), code=2) from None
        ruleset = load_ruleset(open_db(db))
        try:
            res = run_match(prof, day, ruleset=ruleset, all_regions=all_regions,
                            clause_ids=clause or None)
        except (MatchError, ProfileError) as exc:
            raise CliError("；".join(exc.errors), code=2) from None
        res["warnings"] = warnings + res["warnings"]
        err = console_err()
        for w in res["warnings"]:
            err.print(f"[yellow]提示：{escape(w)}[/yellow]")
        if json_out:
            print_json(res)
            return
        print_report(res, console_out())
