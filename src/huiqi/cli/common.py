"""Shared pieces of the command-line interface (命令行公用部分): options,
errors, output consoles, the error guard, JSON output, opening the database
and ingest with a progress bar. Every command module imports these from
here (never from :mod:`huiqi.cli.app`, which imports the command modules).
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from typer.exceptions import TyperException

from huiqi.messages import one_line as _one_line

DbOption = Annotated[
    Optional[str],
    typer.Option(
        "--db",
        help="数据库：SQLAlchemy URL 或 SQLite 文件路径（默认取环境变量 HUIQI_DB，否则为 ./var/huiqi.db）",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出到标准输出")]

KIND_LABELS = {
    "document": "文件",
    "guide": "服务指南",
    "stub": "仅标题",
    "front_matter": "前置内容",
}
STATUS_LABELS = {"added": "新增", "unchanged": "未变化", "failed": "失败"}


class CliError(Exception):
    """A user-facing error: ``message`` (one line, Chinese) and exit ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def console_out() -> Console:
    """Console on stdout (no highlighting, no soft wrap)."""
    return Console(highlight=False, soft_wrap=False)


def console_err() -> Console:
    """Console on stderr (no highlighting, soft wrap)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)




def error_line(exc: BaseException) -> str:
    """A one-line Chinese message for an unexpected exception."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    if isinstance(exc, ArgumentError):
        return f"数据库地址无效：{_one_line(str(exc))}"
    if isinstance(exc, SQLAlchemyError):
        detail = _one_line(str(getattr(exc, "orig", None) or exc))
        return f"数据库错误：{detail}"
    if isinstance(exc, ModuleNotFoundError):
        return f"缺少所需的模块：{exc.name}"
    if isinstance(exc, OSError):
        return f"文件系统错误：{_one_line(str(exc))}"
    detail = _one_line(str(exc))
    return f"内部错误（{type(exc).__name__}{'：' + detail if detail else ''}）"


def guard(fn):
    """Run a command turning every exception into one stderr line + exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except CliError as exc:
            console_err().print(f"[red]{escape(exc.message)}[/red]")
            raise typer.Exit(exc.code) from None
        except KeyboardInterrupt:
            console_err().print("[red]已中断[/red]")
            raise typer.Exit(130) from None
        except Exception as exc:
            console_err().print(f"[red]{escape(error_line(exc))}[/red]")
            raise typer.Exit(1) from None

    return wrapper


def print_json(data) -> None:
    """Write ``data`` as JSON (UTF-8, not ASCII-escaped) to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
    sys.stdout.flush()


def run_ingest(engine, paths: list[Path], *, rules_dir: Path | None = None, budget=None):
    """Ingest with a Rich progress bar on stderr through
    :func:`huiqi.services.ingest.ingest_and_refresh` (knowledge base, stored
    rules, reviewed rules of ``rules_dir`` when given, search index);
    returns the :class:`~huiqi.services.ingest.ServiceReport`. Warnings
    (index refresh, rule problems) go to stderr in yellow. ``budget``: a
    :class:`huiqi.kb.budget.Budget` to process each file in a worker process
    within it (``huiqi ingest --budget``)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from huiqi.kb.ingest import expand_paths
    from huiqi.services.ingest import ingest_and_refresh

    files = expand_paths(paths)
    with Progress(
        TextColumn("[bold]导入[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console_err(),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=len(files))

        def progress(stage, path, _report):
            if stage == "start":
                bar.update(task, description=escape(path.name))
            else:
                bar.advance(task)

        result = ingest_and_refresh(engine, files, progress=progress, rules_dir=rules_dir, budget=budget)
    for w in result.warnings:
        console_err().print(f"[yellow]{escape(_one_line(w))}[/yellow]")
    return result


def print_failures(report) -> None:
    err = console_err()
    for f in report.failed:
        err.print(f"[red]{escape(f.error or f.path)}[/red]")


def open_db(db: str | None, autofill: bool = True):
    """Engine for ``--db`` with the schema at head; fills an empty default
    database from the bundled corpus when ``autofill``."""
    from huiqi.config import corpus_dir, corpus_files, resolve_db, rules_dir
    from huiqi.kb.db import get_engine, is_empty, upgrade

    settings = resolve_db(db)
    engine = get_engine(settings.url)
    upgrade(engine)
    if autofill and settings.is_default and is_empty(engine):
        files = corpus_files()
        if files:
            console_err().print(f"[yellow]默认数据库为空，正在从内置语料导入（{escape(str(corpus_dir()))}）…[/yellow]")
            result = run_ingest(engine, files, rules_dir=rules_dir())
            print_failures(result.ingest)
    return engine


