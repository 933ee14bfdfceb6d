"""``huiqi search QUERY`` (检索条款): registered on the main Typer app by
:func:`register`.

Options: ``--top K``, ``--region R`` (地区), ``--level L`` (层级),
``--unit U`` (责任单位), ``--valid-at DATE`` (有效日期), ``--doc ID``,
``--json`` (only the JSON array of the issue-3 contract on stdout), ``--db``.
Errors (empty query, unknown region, bad date …) are one stderr line with
exit code 2 for bad input, 1 otherwise; never a traceback.
"""



from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from huiqi.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    console_out,
    guard,
    open_db,
    print_json,
)


def _semantic_scorer(db: Optional[str]):
    """The semantic scorer when ``huiqi.search.semantic`` provides one
    (``load_scorer(db_url)``), else ``None``; failures fall back to keyword."""
    try:
        from huiqi.search import semantic  # noqa: F401  (optional module)
    except ImportError:
        return None
    loader = getattr(semantic, "load_scorer", None)
    if loader is None:
        return None
    try:
        from huiqi.config import resolve_db

        return loader(resolve_db(db).url)
    except Exception:  # semantic side unavailable: keyword search still works
        return None


def register(app: typer.Typer) -> None:
    """Add the ``search`` command to ``app`` (the main ``huiqi`` Typer app),
    reusing its ``--db`` resolution, JSON output and error handling."""

    @app.command()
    @guard
    def search(
        query: Annotated[str, typer.Argument(metavar="QUERY", help="查询：关键词或问题，如 稳岗返还怎么申请")],
        top: Annotated[int, typer.Option("--top", "-k", help="返回条数")] = 10,
        region: Annotated[Optional[str], typer.Option("--region", help="企业所在地区，如 阿拉善左旗（含上级盟市、自治区与国家政策）")] = None,
        level: Annotated[Optional[str], typer.Option("--level", help="层级：国家、自治区、盟市、旗县")] = None,
        unit: Annotated[Optional[str], typer.Option("--unit", help="责任单位或受理机构（包含匹配）")] = None,
        valid_at: Annotated[Optional[str], typer.Option("--valid-at", help="在该日期有效（YYYY-MM-DD）")] = None,
        doc: Annotated[Optional[int], typer.Option("--doc", help="只在该文档 ID 中检索")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """检索条款：按相关度返回条款、所属文件与原文行号。"""
        from huiqi.search.engine import (
            SearchEngine,
            SearchError,
            clean_query,
            open_engine,
        )

        try:
            text = clean_query(query)
            from huiqi.config import resolve_db

            open_db(db)  # schema at head; an empty default db is filled from the corpus
            se = open_engine(resolve_db(db).url)
            scorer = _semantic_scorer(db)
            if scorer is not None:
                se = SearchEngine(se.keyword, semantic=scorer)
            rows = se.search(query, top=top, region=region, level=level, unit=unit, valid_at=valid_at, doc=doc)
        except SearchError as exc:
            raise CliError(str(exc), code=2) from None
        if json_out:
            print_json(rows)
            return
        _print_table(text, rows, console_out())


def _print_table(query: str, rows: list[dict], out) -> None:
    if not rows:
        out.print(f"未找到与“{escape(query)}”相关的条款。可换用更常见的说法，或减少筛选条件。")
        return
    table = Table(title=f"检索：{escape(query)}（{len(rows)} 条）")
    for col, just in (("#", "right"), ("得分", "right"), ("文档", "left"), ("条目", "left"),
                      ("内容", "left"), ("来源", "left")):
        table.add_column(col, justify=just, overflow="fold")
    for rank, r in enumerate(rows, start=1):
        text = r["text"].replace("\n", " ")
        src = r["source"]
        title = r["document"]["title"] or "（无标题）"
        if r.get("expired"):
            title += f"（已过期：{r['validity'].get('end')}）"
        table.add_row(
            str(rank),
            f"{r['score']:.3f}",
            escape(title),
            escape(" > ".join(r["path"])[:40]),
            escape(text[:60] + ("…" if len(text) > 60 else "")),
            escape(f"{src['file']}:{src['start_line']}-{src['end_line']}"),
        )
    out.print(table)
