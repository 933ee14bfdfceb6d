"""``huiqi tick`` and ``huiqi calendar …`` (诉求时限与工作日历): registered on
the main Typer app by :func:`register`. ``tick`` also runs the precise push
(:func:`huiqi.services.push.tick`: screening jobs, due outbox messages and
digests, e-mail through ``$HUIQI_SMTP_HOST``).

- ``tick [--now ISO] [--json]`` — one pass of the 诉求 clock job
  (:func:`huiqi.services.request_clocks.tick`): marks breached clocks and issues
  the escalation ladder 提醒 / 催办 / 督办 / 通报 exactly once per clock and
  rung; run it from cron or a systemd timer (every few minutes). Two runs
  at once are safe. ``--now`` (or ``$HUIQI_NOW``) sets "now" (ISO; without
  an offset it is Beijing time).
- ``calendar import FILE [--source TEXT]`` — load the yearly 放假安排
  notice as days (``YYYY-MM-DD 休`` / ``YYYY-MM-DD 班``, ranges
  ``A~B 休``; see :func:`huiqi.reference.workdays.parse_notice`) into the
  override table and recompute open clocks; exit 2 when a line cannot be
  read (nothing is stored then).
- ``calendar show YEAR [--json]`` — the non-working weekdays and working
  weekend days of a year and where each answer comes from.

All take ``--db``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from huiqi.cli.common import CliError, DbOption, JsonOption, console_err, console_out, guard, open_db, print_json


def register(app: typer.Typer) -> None:
    """Add ``tick`` and the ``calendar`` group to ``app``."""

    @app.command("tick")
    @guard
    def tick_cmd(
        now: Annotated[Optional[str], typer.Option("--now", help="当前时间（ISO，如 2026-10-12T09:00；默认 HUIQI_NOW 或系统时间）")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """诉求时限巡检：标记超期，发出提醒、催办、督办、通报（每个时限每级只发一次）。"""
        from huiqi.services.request_clocks import tick
        from huiqi.services.requests import RequestError, now_utc, parse_now

        try:
            at = parse_now(now) if now else now_utc()
        except RequestError as exc:
            raise CliError(exc.message, 2) from None
        engine = open_db(db, autofill=False)
        report = tick(engine, at)
        from huiqi.services.push import tick as push_tick

        pushed, sent = push_tick(engine, at)  # 精准推送: screen what changed, send the due outbox messages
        if json_out:
            print_json({"now": report.now.isoformat() + "Z", "today": report.today.isoformat(),
                        "breached": report.breached, "timeouts": report.timeouts,
                        "issued": [{"no": no, "clock": kind, "rung": rung} for no, kind, rung in report.issued],
                        "push": {"jobs": pushed.jobs, "rules": pushed.rules, "firms": pushed.firms,
                                 "notified": pushed.notified, "inbox": pushed.inbox, "outbox": pushed.outbox},
                        "outbox": {"sent": sent.sent, "rows_sent": sent.rows_sent, "retried": sent.retried,
                                   "failed": sent.failed,
                                   "errors": [{"channel": c, "recipient": r, "error": e} for c, r, e in sent.errors]}})
            return
        out = console_out()
        out.print(f"巡检时间 {report.today.isoformat()}（北京时间）：新超期 {report.breached} 个时限，"
                  f"发出 {len(report.issued)} 条督办提醒，{report.timeouts} 件转入回访")
        for no, kind, rung in report.issued:
            out.print(f"  {escape(rung)} · {escape(no)} · {escape(kind)}")
        out.print(f"精准推送：筛查任务 {pushed.jobs} 个，新通知 {pushed.notified} 条（站内信 {pushed.inbox}、待发 {pushed.outbox}）；"
                  f"发出 {sent.sent} 封/条，待重试 {sent.retried}，失败 {sent.failed}")
        for channel, recipient, error in sent.errors:
            out.print(f"  [yellow]{escape(channel)} → {escape(recipient)}：{escape(error)}[/yellow]")

    cal_app = typer.Typer(help="工作日历：导入年度放假安排、查看。", no_args_is_help=True)
    app.add_typer(cal_app, name="calendar")

    @cal_app.command("import")
    @guard
    def cal_import(
        file: Annotated[Path, typer.Argument(help="放假安排文件：每行 YYYY-MM-DD 休 或 YYYY-MM-DD 班（可用 A~B 表示范围）")],
        source: Annotated[Optional[str], typer.Option("--source", help="依据，如 国办发明电〔2026〕X号")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """导入年度放假安排（覆盖同日已有记录），并重算未到期的时限。"""
        from huiqi.kb.db import session_scope
        from huiqi.reference.workdays import parse_notice
        from huiqi.services.request_clocks import set_overrides

        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"无法读取 {file}：{exc}", 2) from None
        rows, errors = parse_notice(text)
        if errors:
            err = console_err()
            for e in errors:
                err.print(f"[red]{escape(str(file))}：{escape(e)}[/red]")
            raise CliError(f"{file}：{len(errors)} 行无法识别，未导入任何日期", 2)
        if not rows:
            raise CliError(f"{file}：没有日期", 2)
        engine = open_db(db, autofill=False)
        with session_scope(engine) as s:
            changed = set_overrides(s, rows, "huiqi-cli", source or file.name)
        summary = {"days": len(rows), "holidays": sum(1 for w in rows.values() if not w),
                   "workdays": sum(1 for w in rows.values() if w), "clocks_recomputed": changed,
                   "years": sorted({d.year for d in rows})}
        if json_out:
            print_json(summary)
        else:
            console_out().print(f"已导入 {summary['days']} 天（休 {summary['holidays']}、班 {summary['workdays']}），"
                                f"重算时限 {changed} 个")

    @cal_app.command("show")
    @guard
    def cal_show(
        year: Annotated[int, typer.Argument(help="年份")],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """列出一年中的休息工作日与调休上班的周末，以及依据来源。"""
        from huiqi.kb.db import session_scope
        from huiqi.reference.workdays import SOURCE_LABELS
        from huiqi.services.requests import load_calendar

        if not 2000 <= year <= 2100:
            raise CliError("年份应在 2000–2100 之间", 2)
        engine = open_db(db, autofill=False)
        with session_scope(engine) as s:
            cal = load_calendar(s)
        rows = []
        d = date(year, 1, 1)
        while d.year == year:
            info = cal.day(d)
            if info.workday == (d.weekday() >= 5):  # off on a weekday, or working on a weekend
                rows.append({"date": d.isoformat(), "workday": info.workday, "source": info.source,
                             "name": info.name})
            d += timedelta(days=1)
        if json_out:
            print_json(rows)
            return
        table = Table("日期", "星期", "", "来源")
        for r in rows:
            wd = "一二三四五六日"[date.fromisoformat(r["date"]).weekday()]
            table.add_row(r["date"], wd, "班" if r["workday"] else "休", SOURCE_LABELS.get(r["source"], r["source"]))
        console_out().print(table)
