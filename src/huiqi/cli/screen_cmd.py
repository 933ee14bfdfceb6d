"""``huiqi screen REGISTER`` (免申即享批量筛查): registered on the main Typer
app by :func:`register`.

An officer screens a whole enterprise register (企业名录: ``.csv`` UTF-8 /
GB18030, ``.xlsx``, ``.json`` / ``.yaml`` list; read by
:func:`huiqi.screen.register.read_register`) against every clause in force
with machine-checkable conditions (:func:`huiqi.screen.batch.rules_from_ruleset`),
in one vectorised pass (:func:`huiqi.screen.batch.screen`).

Options: ``--as-of YYYY-MM-DD`` (default today), ``--out FILE`` (``.xlsx``:
sheets 汇总 / 按政策 / 按企业 / 错误 with Chinese headers; ``.parquet`` or
``.csv``: one long table, one row per firm × clause that is eligible
(符合), likely (待确认) or needs_info (需补充信息), with the missing facts
and the clause's document, source file and lines), ``--clause ID``
(only these clauses, repeatable; screened even when their conditions are
text only), ``--db``.

Console: a Rich table of the clauses with the most eligible firms, counts
by status, the bad rows (one Chinese line each: row, column, problem) and
the time taken. Exit code 0; 1 when a row was bad (the other rows are still
screened and written) or the register cannot be read (one line, nothing
written); 2 for a bad option (date, output type, clause id).
"""


import csv
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from huiqi.cli.common import (
    CliError,
    DbOption,
    console_err,
    console_out,
    guard,
    open_db,
)
from huiqi.safecell import safe_row, safe_rows

#: Outcome code (huiqi.screen.sql.CODE_STATUS) → Chinese status for officers.
STATUS_ZH = {3: "符合", 2: "待确认", 1: "需补充信息", 0: "不符合"}
#: Statuses listed per clause / per firm (不符合 is only counted).
LISTED_CODES = (3, 2, 1)
OUT_SUFFIXES = (".xlsx", ".parquet", ".csv")
#: Clauses shown in the console summary.
TOP_CLAUSES = 15
#: Long-table columns for Parquet (English names; citation as file + lines).
PARQUET_COLUMNS = ("clause_id", "clause_title", "document", "status", "row", "name", "credit_code", "region",
                   "missing", "source_file", "start_line", "end_line")
#: Long-table columns for .xlsx / .csv: (column of ``screen_list``, Chinese header).
LIST_COLUMNS = (
    ("clause_id", "条款ID"), ("clause_title", "条款"), ("document", "所属文件"), ("status", "状态"),
    ("row", "名录行号"), ("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("region", "注册地"),
    ("missing", "需补充的信息"), ("source", "原文出处"),
)


def list_sql(columns: Any) -> str:
    """Query over ``screen_list`` with ``columns``, in the officers' order:
    clauses as in the summary (most eligible firms first), then 符合 /
    待确认 / 需补充信息, then register row."""
    return f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM screen_list ORDER BY pos, outcome DESC, \"row\""


# --------------------------------------------------------------------------
# rules and missing facts


def _leaf_attributes(cond: Any) -> list[str]:
    """Fact keys a condition tree reads (``employees``, ``project.investment``,
    ``facts.登记失业人员招用人数``); ``sme`` counts as ``size_class``."""
    out: list[str] = []
    if cond is None:
        return out
    for leaf in cond.leaves():
        a = leaf.attribute
        if not a or leaf.kind == "text":
            continue
        a = "size_class" if a == "sme" else a
        if a not in out:
            out.append(a)
    return out


def _missing_sql(project_fields: list[str]) -> str:
    """SQL list of the fact keys a profiles-table row lacks (derived facts
    as their own key, a project field when no project gives it)."""
    plain = ["employees", "revenue", "total_assets", "taxable_income", "monthly_sales", "rd_expense",
             "established", "entity_type", "ownership", "taxpayer_type", "tax_credit_grade",
             "unemployment_insurance_months", "layoff_rate", "listed", "qualifications", "size_class",
             "age_years"]
    parts = [f"CASE WHEN p.\"{c}\" IS NULL THEN '{c}' END" for c in plain]
    parts.append("CASE WHEN p.industry_codes IS NULL THEN 'industry' END")
    parts.append("CASE WHEN p.region_chain IS NULL THEN 'region' END")
    parts += [f"CASE WHEN len(list_filter(coalesce(p.projects, []), lambda x: x.\"{f}\" IS NOT NULL)) = 0 "
              f"THEN 'project.{f}' END" for f in project_fields]
    return f"list_filter([{', '.join(parts)}], lambda x: x IS NOT NULL)"


def _clause_info(entry: Any) -> dict:
    src = entry.source or {}
    doc = entry.document or {}
    return {"title": entry.title, "document": doc.get("title") or "", "level": doc.get("level") or "",
            "region": doc.get("region") or "", "file": src.get("file") or "",
            "start": src.get("start_line"), "end": src.get("end_line"),
            "reviewed": entry.origin == "reviewed"}


def _source(info: dict) -> str:
    return f"{info['file']} 第{info['start']}-{info['end']}行"


def _select_rules(ruleset: Any, day: date, clause_ids: list[int] | None) -> tuple[list, list[str]]:
    """Screening rules, and Chinese problems with ``--clause`` ids."""
    from huiqi.calc.engine import validity_state
    from huiqi.screen.batch import rules_from_ruleset

    if not clause_ids:
        return rules_from_ruleset(ruleset, day), []
    by_id = {r[0]: r for r in rules_from_ruleset(ruleset, day, machine_checkable_only=False)}
    problems, wanted = [], []
    for cid in dict.fromkeys(clause_ids):
        entry = ruleset.get(cid)
        if entry is None:
            problems.append(f"--clause {cid}: 未找到该条款，或该条款没有申请条件和扶持内容（可用 huiqi policies 查看）")
        elif cid not in by_id:  # not in force on the date (reviewed validity overrides included)
            on = getattr(entry, "validity_on", None)
            note = on(day)[1] if on else validity_state(entry.validity, day)[1]
            problems.append(f"--clause {cid}: 计算日期不在有效期内（{note}）")
        else:
            wanted.append(by_id[cid])
    return wanted, problems


# --------------------------------------------------------------------------
# the screening run


def run_screen(reg: Any, ruleset: Any, rules: list, day: date) -> dict:
    """Screen the valid rows of ``reg`` (:class:`huiqi.screen.register.Register`)
    against ``rules`` and build the officers' tables in DuckDB.

    Returns ``{con, result, info, summary, totals, firm_rows}``:
    ``result`` the :class:`huiqi.screen.batch.ScreenResult`; ``info`` clause id
    → title/document/source; the view ``screen_list`` in ``con`` (one row per
    listed firm × clause: :data:`PARQUET_COLUMNS` and ``source``, read with
    :func:`list_sql`; ``missing`` for 需补充信息 = the facts the clause's
    conditions read that the firm lacks, as the evaluator lists the keys of
    its unknown leaves — a derived fact such as 企业规模 is named as such);
    ``summary`` per clause (eligible, likely,
    needs_info, ineligible counts) sorted by eligible firms; ``totals``
    pairs per outcome code; ``firm_rows`` per firm (register order) its counts and
    clause lists."""
    import duckdb

    from huiqi.calc.evaluate import attribute_name
    from huiqi.screen.batch import screen
    from huiqi.screen.sql import PROJECT_FIELDS, sql_literal

    con = duckdb.connect()
    profiles = [r.profile for r in reg.rows]
    res = screen(profiles, rules, day, con=con)
    info = {cid: _clause_info(ruleset.get(cid)) for cid, *_ in rules if ruleset.get(cid) is not None}
    # firms: profile_id i is reg.rows[i - 1]
    con.execute("CREATE TABLE screen_firms (profile_id INTEGER, row_no INTEGER, credit_code VARCHAR)")
    if reg.rows:
        con.execute("INSERT INTO screen_firms SELECT unnest(?), unnest(?), unnest(?)",
                    [list(range(1, len(reg.rows) + 1)), [r.row for r in reg.rows], [r.credit_code for r in reg.rows]])
    # clauses: titles, sources and the facts their conditions read
    attrs = {r[0]: _leaf_attributes(r[1]) for r in rules}
    names = {a: attribute_name(a) for v in attrs.values() for a in v}
    names["size_class"] = "企业规模（从业人员、营业收入、资产总额、行业）"
    cids = [c for c in info]
    con.execute("CREATE TABLE screen_info (clause_id BIGINT, title VARCHAR, document VARCHAR, source_file VARCHAR, "
                "start_line INTEGER, end_line INTEGER, attrs VARCHAR[], pos INTEGER)")
    summary = sorted(res.summary, key=lambda s: (-s.eligible, -s.likely, -s.needs_info, str(s.clause_id)))
    pos = {s.clause_id: i for i, s in enumerate(summary)}
    if cids:
        con.execute("INSERT INTO screen_info SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
                    "unnest(?), unnest(?), unnest(?)",
                    [cids, [info[c]["title"] for c in cids], [info[c]["document"] for c in cids],
                     [info[c]["file"] for c in cids], [info[c]["start"] for c in cids],
                     [info[c]["end"] for c in cids], [attrs.get(c, []) for c in cids],
                     [pos.get(c, len(pos)) for c in cids]])
    con.execute(f"CREATE TABLE screen_missing AS SELECT p.profile_id, p.facts, {_missing_sql(list(PROJECT_FIELDS))} "
                f"AS missing FROM {res.profiles} p")
    status = "['不符合', '需补充信息', '待确认', '符合'][o.outcome + 1]"
    con.execute(f"""
        CREATE TABLE screen_long AS
        SELECT o.clause_id, i.title AS clause_title, i.document, {status} AS status, o.outcome,
               f.row_no AS "row", p.name, f.credit_code, p.region,
               CASE WHEN o.outcome = 1 THEN list_filter(i.attrs, lambda a: CASE WHEN starts_with(a, 'facts.')
                    THEN m.facts IS NULL OR NOT map_contains(m.facts, a[7:])
                    ELSE list_contains(m.missing, a) END) END AS missing_keys,
               i.source_file, i.start_line, i.end_line, i.pos
        FROM screen_outcomes o
        JOIN screen_info i USING (clause_id)
        JOIN screen_firms f USING (profile_id)
        JOIN {res.profiles} p USING (profile_id)
        JOIN screen_missing m USING (profile_id)
        WHERE o.outcome IN ({', '.join(map(str, LISTED_CODES))})""")
    name_map = ("MAP {" + ", ".join(f"{sql_literal(a)}: {sql_literal(z)}" for a, z in names.items()) + "}"
                if names else "MAP {}::MAP(VARCHAR, VARCHAR)")
    con.execute(f"""
        CREATE VIEW screen_list AS SELECT *,
            array_to_string(list_transform(missing_keys, lambda a: coalesce(element_at({name_map}, a)[1], a)), '、')
                AS missing,
            source_file || ' 第' || start_line || '-' || end_line || '行' AS source
        FROM screen_long""")
    totals = dict(con.execute("SELECT outcome, count(*) FROM screen_outcomes GROUP BY outcome").fetchall())
    firm_rows = _firm_rows(con, res.profiles)
    return {"con": con, "result": res, "info": info, "summary": summary, "totals": totals,
            "firm_rows": firm_rows}


def _firm_rows(con: Any, profiles: str) -> list[list]:
    """Per firm (register order): row, name, code, region, industry, size,
    counts per listed status, and the clause lists (``#id 标题``)."""
    lists = ", ".join(
        f"count(*) FILTER (WHERE l.outcome = {c}), "
        f"string_agg('#' || l.clause_id || ' ' || l.clause_title, '；' ORDER BY l.pos) FILTER (WHERE l.outcome = {c})"
        for c in LISTED_CODES)
    rows = con.execute(f"""
        SELECT f.row_no, p.name, f.credit_code, p.region, p.industry, p.size_class, {lists}
        FROM screen_firms f JOIN {profiles} p USING (profile_id)
        LEFT JOIN screen_long l ON l."row" = f.row_no
        GROUP BY ALL ORDER BY f.row_no""").fetchall()
    out = []
    for r in rows:
        head, rest = list(r[:6]), r[6:]
        counts = [rest[0], rest[2], rest[4]]
        texts = [rest[1] or "", rest[3] or "", rest[5] or ""]
        out.append(head + counts + texts)
    return out


# --------------------------------------------------------------------------
# writers


def _problem_rows(reg: Any) -> list[list]:
    return [[p.row, p.column, p.message, "已跳过，未筛查" if p.skipped else "已筛查（原值保留）"] for p in reg.problems]


def write_xlsx(path: Path, run: dict, reg: Any, day: date, progress: Any = None) -> int:
    """Write sheets 汇总 / 按政策 / 按企业 / 错误 (openpyxl, write-only).
    Returns the rows of 按政策; a list longer than Excel's row limit is cut
    and 汇总 says so. ``progress(rows written)`` is called every 20,000 rows
    (openpyxl writes about 15,000 rows a second)."""
    from openpyxl import Workbook

    from huiqi.screen.batch import EXCEL_ROWS, append_rows

    cur = run["con"].execute(list_sql([c for c, _ in LIST_COLUMNS]))  # fails (if at all) before the workbook exists
    wb = Workbook(write_only=True)
    summary = wb.create_sheet("汇总")
    summary.append(safe_row([f"免申即享批量筛查 · 名录 {reg.path.name} · 计算日期 {day.isoformat()} · "
                    f"企业 {len(reg.rows)} 家（跳过 {len({p.row for p in reg.errors})} 行）"]))
    summary.append(["条款ID", "条款", "所属文件", "层级", "地区", "原文出处", "审核规则",
                    "符合", "待确认", "需补充信息", "不符合"])
    for s in run["summary"]:
        i = run["info"].get(s.clause_id, {})
        summary.append(safe_row([s.clause_id, i.get("title"), i.get("document"), i.get("level"), i.get("region"),
                                 _source(i) if i else "", "是" if i.get("reviewed") else "否",
                                 s.eligible, s.likely, s.needs_info, s.ineligible]))
    _layout(summary, [8, 40, 40, 8, 12, 34, 8, 8, 8, 10, 8], "A3")
    sheet = wb.create_sheet("按政策")
    _layout(sheet, [8, 40, 30, 10, 8, 30, 20, 18, 30, 34], "A2")
    sheet.append([zh for _, zh in LIST_COLUMNS])
    written = append_rows(sheet, cur, EXCEL_ROWS, chunk=20_000, progress=progress)
    total = run["con"].execute("SELECT count(*) FROM screen_long").fetchone()[0]
    if total > written:
        summary.append([])
        summary.append([f"按政策名单超过 Excel 行数上限，仅列出前 {written} 行（共 {total} 行），完整名单请用 --out 名单.parquet 或 .csv"])
    firms = wb.create_sheet("按企业")
    _layout(firms, [8, 30, 20, 18, 8, 8, 6, 6, 10, 60, 60, 60], "A2")
    firms.append(["名录行号", "企业名称", "统一社会信用代码", "注册地", "行业", "企业规模", "符合", "待确认",
                  "需补充信息", "符合的条款", "待确认的条款", "需补充信息的条款"])
    for r in run["firm_rows"]:
        firms.append(safe_row(r))
    errors = wb.create_sheet("错误")
    _layout(errors, [8, 16, 80, 18], "A2")
    errors.append(["名录行号", "列", "问题", "处理"])
    for r in _problem_rows(reg):
        errors.append(safe_row(r))
    for w in reg.warnings:
        errors.append(safe_row([None, None, w, "提示"]))
    wb.save(path)
    return written


def _layout(ws: Any, widths: list[int], freeze: str) -> None:
    """Column widths (characters) and frozen header rows of a write-only sheet."""
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = freeze


def write_long(path: Path, run: dict, reg: Any) -> int:
    """Parquet (English column names, DuckDB ``COPY``) or CSV (Chinese
    headers, UTF-8 with BOM for Excel) long table; the bad rows, if any, go
    to ``<stem>_错误.csv`` beside it. Returns the rows written."""
    con = run["con"]
    if path.suffix.lower() == ".parquet":
        from huiqi.screen.sql import sql_literal

        con.execute(f"COPY ({list_sql(PARQUET_COLUMNS)}) TO {sql_literal(str(path))} (FORMAT parquet)")
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([zh for _, zh in LIST_COLUMNS])
            cur = con.execute(list_sql([c for c, _ in LIST_COLUMNS]))
            while batch := cur.fetchmany(50_000):
                w.writerows(safe_rows(batch))
    if reg.problems or reg.warnings:
        with (path.parent / f"{path.stem}_错误.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["名录行号", "列", "问题", "处理"])
            w.writerows(safe_rows(_problem_rows(reg)))
            w.writerows(safe_rows([["", "", x, "提示"] for x in reg.warnings]))
    return con.execute("SELECT count(*) FROM screen_long").fetchone()[0]


# --------------------------------------------------------------------------
# console


def print_summary(out: Any, run: dict, reg: Any, day: date) -> None:
    """Rich summary: clauses with the most eligible firms, and counts."""
    res = run["result"]
    if not reg.rows:
        out.print(f"[red]名录中没有可筛查的企业（{len(reg.errors)} 行有错误）[/red]")
        return
    top = [s for s in run["summary"] if s.eligible or s.likely or s.needs_info][:TOP_CLAUSES]
    table = Table(title=f"符合条件企业最多的条款（前 {len(top)} 条，共筛查 {res.n_clauses} 条）", title_justify="left")
    for col, just in (("条款ID", "right"), ("条款", "left"), ("所属文件", "left"), ("符合", "right"),
                      ("待确认", "right"), ("需补充信息", "right"), ("不符合", "right")):
        table.add_column(col, justify=just, overflow="fold")
    for s in top:
        i = run["info"].get(s.clause_id, {})
        doc = i.get("document") or ""
        title = i.get("title") or ""
        table.add_row(str(s.clause_id), escape(title[:30] + ("…" if len(title) > 30 else "")),
                      escape(doc[:16] + ("…" if len(doc) > 16 else "")),
                      f"[green]{s.eligible}[/green]", str(s.likely), str(s.needs_info), f"[dim]{s.ineligible}[/dim]")
    out.print(table)
    t = run["totals"]
    firms_with = run["con"].execute("SELECT count(DISTINCT \"row\") FROM screen_long WHERE outcome = 3").fetchone()[0]
    out.print(f"[bold]筛查[/bold]：{len(reg.rows)} 家企业 × {res.n_clauses} 条条款 = {res.pairs:,} 对（计算日期 {day.isoformat()}）；"
              f"符合 [green]{t.get(3, 0):,}[/green]，待确认 {t.get(2, 0):,}，需补充信息 {t.get(1, 0):,}，不符合 {t.get(0, 0):,}；"
              f"至少符合一条的企业 {firms_with} 家")


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app`` (the main ``huiqi`` Typer
    app), reusing its ``--db`` resolution and error handling."""

    @app.command()
    @guard
    def screen(
        register_file: Annotated[Path, typer.Argument(metavar="REGISTER", help="企业名录：.csv（UTF-8 或 GBK）、.xlsx、.json 或 .yaml，表头用画像字段名或中文名（企业名称、注册地、行业、从业人员、营业收入…）")],
        as_of: Annotated[Optional[str], typer.Option("--as-of", help="计算日期 YYYY-MM-DD（默认今天）")] = None,
        out_file: Annotated[Optional[Path], typer.Option("--out", help="输出名单：.xlsx（汇总/按政策/按企业/错误）、.parquet 或 .csv")] = None,
        clause: Annotated[Optional[list[int]], typer.Option("--clause", help="只筛查这些条款（可重复）")] = None,
        db: DbOption = None,
    ) -> None:
        """免申即享批量筛查：把企业名录逐条与政策条款比对，列出每条政策的符合、待确认、需补充信息企业。"""
        from huiqi.calc.engine import load_ruleset
        from huiqi.screen.register import RegisterError, read_register
        from huiqi.search.filters import SearchError, parse_date

        started = time.perf_counter()
        try:
            day = parse_date(as_of) if as_of else date.today()
        except SearchError as exc:
            raise CliError(f"--as-of: {exc}", code=2) from None
        if out_file is not None:
            if out_file.suffix.lower() not in OUT_SUFFIXES:
                raise CliError(f"--out {out_file.name}: 不支持的输出格式（应为 .xlsx、.parquet 或 .csv）", code=2)
            if not out_file.parent.is_dir():
                raise CliError(f"--out {out_file.name}: 目录 {out_file.parent} 不存在", code=2)
        err, out = console_err(), console_out()
        reg = _read(register_file, read_register, RegisterError, CliError, err)
        read_s = time.perf_counter() - started
        for w in reg.warnings:
            err.print(f"[yellow]提示：{escape(w)}[/yellow]")
        _print_problems(err, reg)
        ruleset = load_ruleset(open_db(db))
        rules, problems = _select_rules(ruleset, day, clause)
        if problems:
            raise CliError("；".join(problems), code=2)
        t0 = time.perf_counter()
        with err.status("正在筛查…", spinner="dots"):
            run = run_screen(reg, ruleset, rules, day)
        screen_s = time.perf_counter() - t0
        print_summary(out, run, reg, day)
        write_s = 0.0
        if out_file is not None:
            t1 = time.perf_counter()
            with _write_progress(err, out_file, run) as progress:
                try:
                    n = (write_xlsx(out_file, run, reg, day, progress) if out_file.suffix.lower() == ".xlsx"
                         else write_long(out_file, run, reg))
                except Exception as exc:
                    out_file.unlink(missing_ok=True)  # no half-written list
                    if isinstance(exc, OSError):
                        raise CliError(f"--out {out_file.name}: 无法写入（{exc.strerror or type(exc).__name__}）") from None
                    raise
            write_s = time.perf_counter() - t1
            out.print(f"已写出 {escape(str(out_file))}（名单 {n:,} 行）")
        total = time.perf_counter() - started
        out.print(f"[dim]用时 {total:.2f} 秒（读取与校验 {read_s:.2f}，筛查 {screen_s:.2f}，写出 {write_s:.2f}）[/dim]")
        if reg.errors:
            raise typer.Exit(1)


@contextmanager
def _write_progress(err: Any, path: Path, run: dict):
    """A progress bar on stderr while a long list is written (a spinner
    for short ones); yields ``progress(rows written)``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from huiqi.screen.batch import EXCEL_ROWS

    total = run["con"].execute("SELECT count(*) FROM screen_long").fetchone()[0]
    with Progress(TextColumn(f"[bold]写出[/bold] {escape(path.name)}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("", total=min(total, EXCEL_ROWS))
        yield lambda done: bar.update(task, completed=done)


def _read(path: Path, read_register, RegisterError, CliError, err) -> Any:
    """Read the register, with a progress bar for large files."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn("[bold]校验名录[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if total < 2000:
                return
            if task is None:
                task = bar.add_task("", total=total)
            bar.update(task, completed=done)

        try:
            return read_register(path, progress=progress)
        except RegisterError as exc:
            raise CliError(str(exc)) from None


def _print_problems(err: Any, reg: Any, limit: int = 30) -> None:
    """One line per bad row (errors first), at most ``limit`` lines."""
    errors = reg.errors
    warned = [p for p in reg.problems if not p.skipped]
    for p in errors[:limit]:
        err.print(f"[red]{escape(p.line())}（已跳过）[/red]")
    if len(errors) > limit:
        err.print(f"[red]…另有 {len(errors) - limit} 个错误，见输出文件的“错误”表[/red]")
    for p in warned[: max(0, limit - len(errors))]:
        err.print(f"[yellow]提示：{escape(p.line())}[/yellow]")
    if len(warned) > max(0, limit - len(errors)):
        err.print(f"[yellow]…另有 {len(warned) - max(0, limit - len(errors))} 条提示[/yellow]")
    if errors:
        err.print(f"[red]{len({p.row for p in errors})} 行有错误，已跳过；其余 {len(reg.rows)} 家企业照常筛查[/red]")
