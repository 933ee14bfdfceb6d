"""Command-line interface (命令行): ``huiqi ingest | docs | show | policies | clause``.

Every command takes ``--db`` (a SQLAlchemy URL or a SQLite file path; default
``$HUIQI_DB`` or ``<data dir>/huiqi.db``). The default database is created on
first use and, when empty, filled from the bundled corpus (a note goes to
stderr). ``--json`` prints only JSON (``ensure_ascii=False``) on stdout.
Errors never show a traceback: one line on stderr, non-zero exit code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from huiqi.cli import firms_cmd  # 一企一档 and 免申即享 lists (issue 13)
from huiqi.cli import ask_cmd, match_cmd, requests_cmd, rules_cmd, screen_cmd, search_cmd, serve_cmd, user_cmd
from huiqi.cli.common import (
    KIND_LABELS,
    STATUS_LABELS,
    CliError,
    DbOption,
    JsonOption,
    console_err,
    console_out,
    error_line,
    guard,
    open_db,
    print_failures,
    print_json,
    run_ingest,
)

app = typer.Typer(
    name="huiqi",
    help="惠企政策知识库：导入政策文件，查看文档、条款与要素。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

@app.command()
@guard
def ingest(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="要导入的文件或目录；省略时导入内置语料 data/corpus", show_default=False),
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    budget: Annotated[
        bool,
        typer.Option("--budget", help="每个文件在受限子进程中处理（时间与内存上限：HUIQI_INGEST_TIMEOUT、HUIQI_INGEST_MEMORY_MB），用于来源不可信的文件"),
    ] = False,
) -> None:
    """导入政策文件到知识库（内容未变化的文件跳过；同名且发文字号或标题相同的文件保存为新版本，其余为新文件）。"""
    from huiqi.config import corpus_dir, corpus_files, rules_dir

    bundled = not paths
    if bundled:
        paths = corpus_files()
        if not paths:
            raise CliError(f"内置语料目录不存在或为空：{corpus_dir()}")
    engine = open_db(db, autofill=False)
    limits = None
    if budget:
        from huiqi.kb.budget import Budget

        limits = Budget.from_env()
    # the bundled corpus comes with its reviewed rules (data/rules)
    report = run_ingest(engine, list(paths), rules_dir=rules_dir() if bundled else None, budget=limits).ingest
    if json_out:
        print_json(report.to_json())
    else:
        _print_ingest_table(report)
    print_failures(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_ingest_table(report) -> None:
    table = Table(title="导入结果")
    table.caption = "单位 = 责任单位条目数，联系 = 联系方式条目数，字段 = 服务指南字段数"
    for col in ("文件", "状态", "版本", "文档", "条款", "单位", "金额", "联系", "字段", "秒"):
        left = col in ("文件", "状态")
        table.add_column(col, justify="left" if left else "right", overflow="fold", no_wrap=not left)
    colours = {"added": "green", "unchanged": "dim", "failed": "red"}
    total = [0] * 6
    seconds = 0.0
    for f in report.files:
        counts = [f.documents, f.clauses, f.units, f.amounts, f.contacts, f.fields]
        total = [a + b for a, b in zip(total, counts)]
        seconds += f.seconds
        status = STATUS_LABELS.get(f.status, f.status)
        table.add_row(
            escape(f.name),
            f"[{colours.get(f.status, 'white')}]{status}[/]",
            str(f.version) if f.version else "-",
            *[str(c) for c in counts],
            f"{f.seconds:.2f}",
        )
    table.add_section()
    table.add_row("合计", "", "", *[str(c) for c in total], f"{seconds:.2f}")
    console_out().print(table)


@app.command()
@guard
def docs(db: DbOption = None, json_out: JsonOption = False) -> None:
    """列出知识库中的文档（仅当前版本）。"""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import list_documents

    engine = open_db(db)
    with session_scope(engine) as s:
        rows = list_documents(s)
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"文档（共 {len(rows)} 个）")
    for col, just in (("ID", "right"), ("层级", "left"), ("地区", "left"), ("类型", "left"),
                      ("条款", "right"), ("标题", "left"), ("来源", "left")):
        table.add_column(col, justify=just, overflow="fold")
    for d in rows:
        src = d["source"]
        table.add_row(
            str(d["id"]),
            escape(d["level"] or "-"),
            escape(d["region"] or "-"),
            KIND_LABELS.get(d["kind"], d["kind"]),
            str(d["clause_count"]),
            escape(d["title"] or "（无标题）"),
            escape(f"{src['file']}:{src['start_line']}-{src['end_line']}"),
        )
    console_out().print(table)


def _node_label(n: dict) -> str:
    text = (n["label"] + n["heading"]).strip() or (n["field"] or "（段落）")
    if len(text) > 60:
        text = text[:59] + "…"
    parts = [escape(text), f"[dim]{n['kind']}/{n['role']} L{n['start_line']}-{n['end_line']}[/dim]"]
    if n.get("clause_id") is not None:
        parts.append(f"[green]条款#{n['clause_id']}[/green]")
    return " ".join(parts)


def _add_nodes(tree: Tree, nodes: list[dict]) -> None:
    for n in nodes:
        _add_nodes(tree.add(_node_label(n)), n["children"])


@app.command()
@guard
def show(
    doc_id: Annotated[int, typer.Argument(metavar="ID", help="文档 ID（见 huiqi docs）")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """显示一个文档：要素、标题树、条款 ID 与原文行号。"""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_document

    engine = open_db(db)
    with session_scope(engine) as s:
        doc = get_document(s, doc_id)
    if doc is None:
        raise CliError(f"未找到 ID 为 {doc_id} 的文档（可用 huiqi docs 查看全部文档）")
    if json_out:
        print_json(doc)
        return
    out = console_out()
    src = doc["source"]
    out.print(f"[bold]{escape(doc['title'] or '（无标题）')}[/bold]")
    validity = doc["validity"]
    info = [
        ("ID", doc["id"]),
        ("类型", KIND_LABELS.get(doc["kind"], doc["kind"])),
        ("发文机关", doc["issuer"]),
        ("发文字号", doc["doc_number"]),
        ("印发日期", doc["issued"]),
        ("层级", doc["level"]),
        ("地区", doc["region"]),
        ("有效期", " 至 ".join(x or "?" for x in (validity["start"], validity["end"]))
         if validity["start"] or validity["end"] else validity["relative"]),
        ("来源", f"{src['file']} 第 {src['start_line']}-{src['end_line']} 行（第 {doc['version']} 版"
                 f"{'' if doc['is_current'] else '，非当前版本'}）"),
        ("条款数", doc["clause_count"]),
    ]
    for key, value in info:
        if value not in (None, ""):
            out.print(f"[cyan]{key}[/cyan]：{escape(str(value))}")
    if doc["context"]:
        out.print(f"[cyan]所属汇编标题[/cyan]：{escape(' / '.join(doc['context']))}")
    tree = Tree(escape(doc["title"] or "（无标题）"))
    _add_nodes(tree, doc["nodes"])
    out.print(tree)


@app.command()
@guard
def policies(
    doc: Annotated[Optional[int], typer.Option("--doc", help="只列出该文档 ID 的条款")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """列出条款及其要素（责任单位、金额、联系方式…）。"""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import document_exists, list_policies

    engine = open_db(db)
    with session_scope(engine) as s:
        if doc is not None and not document_exists(s, doc):
            raise CliError(f"未找到 ID 为 {doc} 的文档（可用 huiqi docs 查看全部文档）")
        rows = list_policies(s, doc_id=doc)
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"条款（共 {len(rows)} 条）")
    for col, just in (("ID", "right"), ("文档", "right"), ("条目", "left"), ("原文行", "left"),
                      ("责任单位", "left"), ("金额", "right"), ("内容", "left")):
        table.add_column(col, justify=just)
    for c in rows:
        text = c["text"].replace("\n", " ")
        src = c["source"]
        table.add_row(
            str(c["id"]),
            str(c["document"]["id"]),
            escape(c["path"][-1][:20] if c["path"] else ""),
            f"{src['start_line']}-{src['end_line']}",
            escape("、".join(c["responsible_units"])[:40]),
            str(len(c["amounts"])),
            escape(text[:60] + ("…" if len(text) > 60 else "")),
        )
    console_out().print(table)


@app.command()
@guard
def clause(
    clause_id: Annotated[int, typer.Argument(metavar="ID", help="条款 ID（见 huiqi policies）")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """显示一个条款：全文、要素与原文行。"""
    from huiqi.kb.db import session_scope
    from huiqi.kb.queries import get_clause

    engine = open_db(db)
    with session_scope(engine) as s:
        c = get_clause(s, clause_id)
    if c is None:
        raise CliError(f"未找到 ID 为 {clause_id} 的条款（可用 huiqi policies 查看全部条款）")
    if json_out:
        print_json(c)
        return
    out = console_out()
    out.print(f"[bold]{escape(' > '.join(c['path']))}[/bold]")
    out.print(f"[cyan]文档[/cyan]：#{c['document']['id']} {escape(c['document']['title'] or '')}")
    out.print(escape(c["text"]))
    for key, label in (("responsible_units", "责任单位"), ("amounts", "金额"), ("rates", "比例"),
                       ("thresholds", "门槛"), ("contacts", "联系方式"), ("fields", "字段")):
        if c[key]:
            out.print(f"[cyan]{label}[/cyan]：{escape(json.dumps(c[key], ensure_ascii=False))}")
    out.print(f"[cyan]原文[/cyan]（{escape(c['source']['file'])}）：")
    for line in c["original_lines"]:
        out.print(f"[dim]{line['line']:>5}[/dim]  {escape(line['text'])}")


def main() -> None:
    """Console-script entry point (``huiqi``); never shows a traceback."""
    try:
        app(prog_name="huiqi")
    except SystemExit:
        raise
    except Exception as exc:  # outside any command (argument parsing, imports)
        console_err().print(f"[red]{escape(error_line(exc))}[/red]")
        sys.exit(1)


for _register in (search_cmd.register, ask_cmd.register, match_cmd.register, serve_cmd.register,
                  screen_cmd.register, rules_cmd.register, user_cmd.register, requests_cmd.register):
    _register(app)
firms_cmd.register(app)
