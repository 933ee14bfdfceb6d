"""``huiqi user add | list`` (账号管理): registered on the main Typer app by
:func:`register`.

``huiqi user add USERNAME --role admin|reviewer|officer|enterprise [--unit U]
[--region R] [--firm CODE] --password-stdin`` creates an account (the first
admin of a new installation is made this way); the password is read from
standard input (first line), never from the command line. ``huiqi user
list [--json]`` shows the accounts. Both take ``--db``. Errors (taken
name, short password, unknown role or region, bad 统一社会信用代码) are one
Chinese line on stderr with exit code 2. The creation is written to the
audit log (by ``huiqi-cli``).
"""


import sys
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from huiqi.cli.common import CliError, DbOption, JsonOption, console_out, guard, open_db, print_json


def register(app: typer.Typer) -> None:
    """Add the ``user`` command group to ``app`` (the main ``huiqi`` app)."""

    user_app = typer.Typer(help="账号管理：创建账号、列出账号。", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    @guard
    def add(
        username: Annotated[str, typer.Argument(help="用户名（2–64 个字母、数字、汉字或 _ . -）")],
        role: Annotated[str, typer.Option("--role", help="角色：admin、reviewer、officer、enterprise")],
        unit: Annotated[Optional[str], typer.Option("--unit", help="所属单位，如 包头市民营经济发展服务局")] = None,
        region: Annotated[Optional[str], typer.Option("--region", help="管辖范围：自治区、盟市或旗县区名称（默认全区）")] = None,
        firm: Annotated[Optional[str], typer.Option("--firm", help="企业账号的统一社会信用代码")] = None,
        password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（必需）")] = False,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """创建账号（密码从标准输入读取）。"""
        from huiqi.kb.accounts import AccountError, create_user, user_dict
        from huiqi.kb.audit import record
        from huiqi.kb.db import session_scope

        if not password_stdin:
            raise CliError("请用 --password-stdin 从标准输入提供密码（不要把密码写在命令行上）", 2)
        password = sys.stdin.readline().rstrip("\r\n")
        engine = open_db(db, autofill=False)
        try:
            with session_scope(engine) as s:
                u = create_user(s, username, password, role, unit, region, firm)
                d = user_dict(u)
                record(s, "user.create", username="huiqi-cli", object_type="user", object_id=u.id,
                       after={k: d[k] for k in ("username", "role", "unit", "region", "firm_code")},
                       reason="命令行创建")
        except AccountError as exc:
            raise CliError(f"无法创建账号：{exc}", 2) from None
        if json_out:
            print_json(d)
        else:
            console_out().print(f"已创建账号 [bold]{escape(d['username'])}[/bold]（{d['role_label']}，{escape(d['region_name'])}）")

    @user_app.command("list")
    @guard
    def list_(db: DbOption = None, json_out: JsonOption = False) -> None:
        """列出全部账号。"""
        from huiqi.kb.accounts import list_users
        from huiqi.kb.db import session_scope

        engine = open_db(db, autofill=False)
        with session_scope(engine) as s:
            users = list_users(s)
        if json_out:
            print_json(users)
            return
        table = Table(title=f"账号（{len(users)}）")
        for col in ("ID", "用户名", "角色", "单位", "管辖范围", "统一社会信用代码", "状态"):
            table.add_column(col)
        for u in users:
            state = "已锁定" if u["locked"] else ("启用" if u["active"] else "停用")
            table.add_row(str(u["id"]), escape(u["username"]), u["role_label"], escape(u["unit"] or ""),
                          escape(u["region_name"]), u["firm_code"] or "", state)
        console_out().print(table)
