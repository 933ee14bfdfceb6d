"""``huiqi ask QUESTION`` (问答): an extractive, cited answer from the
knowledge base (see :mod:`huiqi.search.answer`). Registered on the main Typer
app by :func:`register`. ``--json`` prints the answer dict only; bad input is
one stderr line with exit code 2, never a traceback."""


from typing import Annotated

import typer
from rich.markup import escape

from huiqi.cli.common import (
    CliError,
    DbOption,
    JsonOption,
    console_out,
    guard,
    open_db,
    print_json,
)


def register(app: typer.Typer) -> None:
    """Add the ``ask`` command to ``app`` (the main ``huiqi`` Typer app),
    reusing its ``--db`` resolution, JSON output and error handling."""

    @app.command()
    @guard
    def ask(
        question: Annotated[str, typer.Argument(metavar="QUESTION", help="问题，如 稳岗返还怎么申请")],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """问答：从政策条款中摘录原文回答问题，并注明出处。"""
        from huiqi.config import resolve_db
        from huiqi.search.answer import AnswerError, answer

        try:
            if not question or not question.strip():
                raise AnswerError("问题为空，请输入要咨询的政策问题")
            open_db(db)  # schema at head; an empty default db is filled from the corpus
            result = answer(question, db=resolve_db(db).url)
        except AnswerError as exc:
            raise CliError(str(exc), code=2) from None
        if json_out:
            print_json(result)
            return
        out = console_out()
        out.print(escape(result["answer"]))
        for n, c in enumerate(result["citations"], start=1):
            src = c["source"]
            out.print(f"[dim][{n}] {escape(src['file'])}:{src['start_line']}-{src['end_line']}[/dim]")
