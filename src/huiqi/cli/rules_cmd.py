"""``huiqi rules …`` (规则版本): the rules of clauses stored in the knowledge base.

- ``list [--status S] [--origin O] [--json]`` — rule versions
  (:class:`huiqi.rules.schema.RuleVersionInfo` in JSON);
- ``show ID [--json]`` — one version with its rule
  (:class:`huiqi.rules.schema.RuleVersionDetail`);
- ``import PATH…`` — reviewed-rule YAML files or directories → published
  reviewed versions (unchanged rules are skipped);
- ``export --out DIR`` — published reviewed versions → YAML in the
  ``data/rules`` format, diffable in git;
- ``check [DIR]`` — stored reviewed rules (or the files of ``DIR``) against
  the knowledge base: orphans, excerpts not in their clause, worked cases
  that fail; exit 1 on a problem, 2 when the knowledge base is empty;
- ``orphans [--json]`` — published reviewed versions whose clause key
  matches no current clause (the clause text was edited);
- ``rekey ID CLAUSE [--yes]`` — move a reviewed rule to the clause ``CLAUSE``
  (id or key) after showing the text diff: a new published version under
  the new key, the old one retired.
"""

from __future__ import annotations

import difflib
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

ORIGIN_LABELS = {"extracted": "抽取", "reviewed": "审核"}
STATUS_LABELS = {"draft": "草稿", "published": "已发布", "retired": "已停用"}


def _engine(db: str | None):
    from huiqi.kb.db import is_empty

    engine = open_db(db)
    if is_empty(engine):
        raise CliError("知识库为空：请先导入政策文件（huiqi ingest），或用 --db 指定已导入的知识库", 2)
    return engine


def _clause(session, ref: str):
    """The current clause of an id or key; ``CliError`` when there is none."""
    from sqlalchemy import select

    from huiqi.kb.models import Clause, Document, SourceFile

    q = (select(Clause).join(Document, Clause.document_id == Document.id)
         .join(SourceFile, Document.source_file_id == SourceFile.id).where(SourceFile.is_current.is_(True)))
    ref = ref.strip()
    if ref.isdigit() and len(ref) < 19:
        q = q.where(Clause.id == int(ref))
    else:
        q = q.where(Clause.key == ref.lower())
    c = session.scalars(q).first()
    if c is None:
        raise CliError(f"知识库中没有条款 {ref[:40]}（用 huiqi policies --json 查看条款 id 与 key）", 2)
    return c


def _old_text(session, key: str) -> str | None:
    """The text of any version of the clause that had ``key`` (older file
    versions stay in the knowledge base)."""
    from sqlalchemy import select

    from huiqi.kb.models import Clause

    return session.scalars(select(Clause.text).where(Clause.key == key).order_by(Clause.id.desc())).first()


def register(app: typer.Typer) -> None:
    """Add the ``rules`` command group to ``app`` (the main ``huiqi`` Typer app)."""
    rules = typer.Typer(help="规则版本：条款的抽取规则与人工审核规则（列出、查看、导入、导出、检查、孤立规则、重新挂接）。",
                        no_args_is_help=True)
    app.add_typer(rules, name="rules")

    @rules.command("list")
    @guard
    def list_(
        status: Annotated[Optional[str], typer.Option("--status", help="draft / published / retired")] = None,
        origin: Annotated[Optional[str], typer.Option("--origin", help="extracted / reviewed")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """列出规则版本。"""
        from huiqi.kb.db import session_scope
        from huiqi.rules.schema import RuleVersionInfo
        from huiqi.rules.store import list_versions

        with session_scope(open_db(db)) as s:
            try:
                rows = [RuleVersionInfo.of(v) for v in list_versions(s, status, origin)]
            except ValueError as exc:
                raise CliError(str(exc), 2) from None
        if json_out:
            print_json([r.model_dump(mode="json") for r in rows])
            return
        table = Table(title=f"规则版本（{len(rows)}）")
        for col in ("id", "条款", "版本", "来源", "状态", "受益对象", "标题", "作者", "审核人"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(str(r.id), str(r.clause_id or "孤立"), str(r.version), ORIGIN_LABELS[r.origin],
                          STATUS_LABELS[r.status], r.beneficiary or "", escape(r.title[:40]), escape(r.author),
                          escape(r.reviewer or ""))
        console_out().print(table)

    @rules.command("show")
    @guard
    def show(
        version_id: Annotated[int, typer.Argument(help="规则版本 id（huiqi rules list）", min=1, max=2**62)],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """查看一个规则版本（含规则本身）。"""
        import yaml

        from huiqi.kb.db import session_scope
        from huiqi.kb.models import RuleVersion
        from huiqi.rules.schema import RuleVersionDetail

        with session_scope(open_db(db)) as s:
            v = s.get(RuleVersion, version_id)
            if v is None:
                raise CliError(f"没有规则版本 {version_id}", 2)
            d = RuleVersionDetail.of(v)
        if json_out:
            print_json(d.model_dump(mode="json"))
            return
        out = console_out()
        out.print(f"[bold]规则版本 {d.id}[/bold] · 条款 {d.clause_id or '孤立'} · 第 {d.version} 版 · "
                  f"{ORIGIN_LABELS[d.origin]} · {STATUS_LABELS[d.status]}")
        out.print(f"作者：{escape(d.author)}  审核人：{escape(d.reviewer or '—')}  更新：{d.updated:%Y-%m-%d %H:%M}")
        out.print(escape(yaml.safe_dump(d.rule, allow_unicode=True, sort_keys=False, width=100)))

    @rules.command("import")
    @guard
    def import_(
        paths: Annotated[list[Path], typer.Argument(help="审核规则 YAML 文件或目录")],
        author: Annotated[str, typer.Option("--author", help="作者（默认：导入的文件）")] = "",
        reviewer: Annotated[str, typer.Option("--reviewer", help="审核人（默认：导入的文件）")] = "",
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """导入审核规则 YAML 为已发布的审核规则版本（未变化的规则跳过）。"""
        from huiqi.kb.db import session_scope
        from huiqi.rules.reviewed import RulesReport, load_rules_file, rule_files
        from huiqi.rules.store import import_reviewed

        report = RulesReport()
        for p in paths:
            if p.is_dir():
                for f in rule_files(p):
                    load_rules_file(f, report)
            elif p.is_file():
                load_rules_file(p, report)
            else:
                report.errors.append(f"{p}: 文件不存在")
        engine = _engine(db)
        with session_scope(engine) as s:
            res = import_reviewed(s, report, author, reviewer)
        if json_out:
            print_json({"added": res.added, "unchanged": res.unchanged, "retired": res.retired,
                        "errors": res.errors})
        else:
            console_out().print(f"新增 {res.added} 个版本，未变化 {res.unchanged}，停用旧版本 {res.retired}")
        for line in res.errors:
            console_err().print(f"[red]{escape(line)}[/red]")
        if res.errors:
            raise typer.Exit(1)

    @rules.command("export")
    @guard
    def export(
        out_dir: Annotated[Path, typer.Option("--out", help="输出目录（data/rules 格式的 YAML）")],
        db: DbOption = None,
    ) -> None:
        """把已发布的审核规则导出为 YAML（与 data/rules 同一格式，便于在 git 中审阅）。"""
        from huiqi.kb.db import session_scope
        from huiqi.rules.store import export_reviewed

        with session_scope(open_db(db)) as s:
            files = export_reviewed(s, out_dir)
        for f in files:
            console_out().print(escape(str(f)))
        console_err().print(f"已导出 {len(files)} 个文件")

    @rules.command("check")
    @guard
    def check(
        directory: Annotated[Optional[Path], typer.Argument(help="审核规则目录（省略：检查知识库中已发布的审核规则）")] = None,
        db: DbOption = None,
    ) -> None:
        """检查审核规则：孤立规则、摘录与条款原文不符、测试用例不通过。"""
        from huiqi.kb.db import session_scope
        from huiqi.rules.reviewed import excerpt_problems, load_reviewed_rules_report
        from huiqi.services.rules import case_failures, stored_report

        engine = _engine(db)
        with session_scope(engine) as s:
            report = load_reviewed_rules_report(directory) if directory is not None else stored_report(s)
            problems = [*report.errors, *excerpt_problems(s, report)]
        problems.extend(case_failures(engine, report, rules_dir=directory))
        for line in problems:
            console_out().print(escape(line))
        console_out().print(f"审核规则 {len(report.rules)} 条，问题 {len(problems)} 处")
        if problems:
            raise typer.Exit(1)

    @rules.command("orphans")
    @guard
    def orphans(db: DbOption = None, json_out: JsonOption = False) -> None:
        """列出孤立的审核规则（条款原文已修改，规则键不再对应任何条款）。"""
        from huiqi.kb.db import session_scope
        from huiqi.rules.schema import RuleVersionInfo
        from huiqi.rules.store import list_versions

        with session_scope(_engine(db)) as s:
            rows = [RuleVersionInfo.of(v) for v in list_versions(s, "published", "reviewed") if v.clause_id is None]
        if json_out:
            print_json([r.model_dump(mode="json") for r in rows])
            return
        for r in rows:
            console_out().print(f"{r.id}\t{r.clause_key}\t{escape(r.title)}")
        console_err().print(f"孤立规则 {len(rows)} 条（用 huiqi rules rekey ID 条款 重新挂接）")

    @rules.command("rekey")
    @guard
    def rekey(
        version_id: Annotated[int, typer.Argument(help="规则版本 id", min=1, max=2**62)],
        clause: Annotated[str, typer.Argument(help="新条款的 id 或 key")],
        yes: Annotated[bool, typer.Option("--yes", help="不询问，直接挂接")] = False,
        author: Annotated[str, typer.Option("--author", help="操作人")] = "命令行",
        db: DbOption = None,
    ) -> None:
        """把审核规则挂接到修改后的条款（先显示原文差异）。"""
        from huiqi.kb.db import session_scope
        from huiqi.kb.models import RuleVersion
        from huiqi.rules.store import rekey_version

        engine = _engine(db)
        with session_scope(engine) as s:
            v = s.get(RuleVersion, version_id)
            if v is None or v.origin != "reviewed":
                raise CliError(f"没有审核规则版本 {version_id}", 2)
            target = _clause(s, clause)
            old = _old_text(s, v.clause_key) or (v.body or {}).get("excerpt") or ""
            diff = list(difflib.unified_diff(_lines(old), _lines(target.text), "原条款", "新条款", lineterm=""))
            out = console_out()
            for line in diff or ["（原文无差异）"]:
                colour = "green" if line.startswith("+") else "red" if line.startswith("-") else "white"
                out.print(f"[{colour}]{escape(line)}[/]")
            if not yes and not typer.confirm(f"把规则版本 {v.id} 挂接到条款 {target.id}？"):
                raise typer.Exit(1)
            new = rekey_version(s, v, target, author)
            out.print(f"已挂接：新规则版本 {new.id}（条款 {target.id}，键 {target.key[:8]}…），旧版本 {v.id} 已停用")


def _lines(text: str) -> list[str]:
    """Clause text cut into short lines for a readable diff (at 。；)."""
    import re

    return [x for x in re.split(r"(?<=[。；;])", text or "") if x.strip()]
