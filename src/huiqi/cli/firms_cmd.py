"""``huiqi firms import|show`` (一企一档): registered on the main Typer app by
:func:`register`.

- ``firms import FILE [--source 市场监管] [--as-of DATE] [--qualification 名称]``
  — store a register (CSV, xlsx, JSON/YAML; the screening reader's columns
  and per-row errors) as sourced facts of firms keyed by 统一社会信用代码,
  re-derive their profiles and list the firms whose profile changed. Exit 0
  when at least one firm was stored, 1 when every row failed, 2 for an
  unreadable file or a bad option (nothing stored).
- ``firms show CODE`` — the derived profile and each fact's source and date
  (the CLI runs with the operator's full rights).

Both take ``--db`` and ``--json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from huiqi.cli.common import CliError, DbOption, JsonOption, console_err, console_out, guard, open_db, print_json


def register(app: typer.Typer) -> None:
    """Add the ``firms`` group to ``app``."""
    firms_app = typer.Typer(help="企业库（一企一档）：导入名录与资质名单、查看企业画像。", no_args_is_help=True)
    app.add_typer(firms_app, name="firms")

    @firms_app.command("import")
    @guard
    def import_cmd(
        file: Annotated[Path, typer.Argument(help="企业名录或资质名单（.csv / .xlsx / .json / .yaml）")],
        source: Annotated[str, typer.Option("--source", help="数据来源：市场监管、税务、社保、信用、资质名单、企业自报")] = "市场监管",
        as_of: Annotated[Optional[str], typer.Option("--as-of", help="数据所属日期（YYYY-MM-DD，默认今天）")] = None,
        qualification: Annotated[Optional[str], typer.Option("--qualification", help="资质名单的资质名称（名单无“资质”列时）")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """导入企业名录或资质名单为带来源的企业事实，并更新企业画像。"""
        from huiqi.screen.register import RegisterError
        from huiqi.services.firms import FirmError, import_register

        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CliError(f"--as-of：日期格式无效“{as_of}”（应为 YYYY-MM-DD）", 2) from None
        engine = open_db(db, autofill=False)
        try:
            report = import_register(engine, file, source, "cli", as_of=day, qualification=qualification)
        except (RegisterError, FirmError) as exc:
            raise CliError(str(exc), 2) from None
        if json_out:
            print_json(report.as_dict())
        else:
            out = console_out()
            out.print(f"{escape(report.file_name)}（{escape(report.source)}，{report.as_of.isoformat()}）："
                      f"读取 {report.n_rows} 行，入库企业 {report.n_firms} 家（新增 {report.n_new}），"
                      f"记录事实 {report.n_facts} 条，画像变化 {len(report.changed)} 家，跳过 {len(report.errors)} 行")
            err = console_err()
            for e in report.errors:
                err.print(f"[red]{escape(e.line())}[/red]")
            for w in report.warnings:
                err.print(f"[yellow]{escape(w)}[/yellow]")
        if report.n_firms == 0:
            raise typer.Exit(1)

    @firms_app.command("show")
    @guard
    def show_cmd(
        code: Annotated[str, typer.Argument(help="统一社会信用代码")],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """查看一家企业的画像及每项事实的来源、日期。"""
        from huiqi.kb.accounts import ROLE_ADMIN, Principal
        from huiqi.kb.db import session_scope
        from huiqi.services.firms import FirmError
        from huiqi.services.firm_views import firm_view

        engine = open_db(db, autofill=False)
        operator = Principal(0, "cli", ROLE_ADMIN, None, None, None, "cli")
        with session_scope(engine) as s:
            try:
                view = firm_view(s, operator, code)
            except FirmError as exc:
                raise CliError(exc.message, 1) from None
        if json_out:
            print_json(view)
            return
        out = console_out()
        out.print(f"[bold]{escape(view['name'] or '')}[/bold] {view['code']} · {escape(view['region_name'])} · "
                  f"画像版本 {view['profile_version']}")
        table = Table("事实", "值", "来源", "日期")
        for key, val in view["profile"].items():
            if key == "facts":
                for k, v in val.items():
                    won = view["sources"].get(f"facts.{k}", {})
                    table.add_row(escape(f"facts.{k}"), escape(str(v)), escape(won.get("source", "")), won.get("as_of", ""))
                continue
            won = view["sources"].get(key, {})
            table.add_row(escape(key), escape(str(val)), escape(won.get("source", "")), won.get("as_of", ""))
        out.print(table)
