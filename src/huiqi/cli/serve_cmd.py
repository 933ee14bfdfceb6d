"""``huiqi serve`` (网页服务): run the web application under uvicorn.

``huiqi serve [--host 127.0.0.1] [--port 8000] [--db URL] [--workers 1]``. On first start
with an empty database the bundled corpus is ingested first, one log line
per file. When the server listens, the URL to open is printed on stdout
(``请在浏览器中打开：http://127.0.0.1:8000/``). A port already in use or a
bad database gives one Chinese line on stderr and exit code 1.
"""



import logging
import socket
import sys
from typing import Annotated

import typer


def open_url(host: str, port: int) -> str:
    """The URL a person should open for a server bound to ``host``:``port``
    (``0.0.0.0`` / ``::`` → ``127.0.0.1``; IPv6 literals bracketed)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app`` (the main ``huiqi`` Typer app)."""
    from huiqi.cli.app import CliError, DbOption, _guard

    @app.command()
    @_guard
    def serve(
        host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="端口", min=1, max=65535)] = 8000,
        db: DbOption = None,
        workers: Annotated[int, typer.Option("--workers", help="工作进程数（多核机器上可设为 CPU 核数）", min=1, max=64)] = 1,
    ) -> None:
        """启动网页服务（检索、问答、政策计算器、JSON 接口），并打印访问地址。"""
        import uvicorn

        from huiqi.config import resolve_db
        from huiqi.kb.db import get_engine, upgrade
        from huiqi.web import create_app
        from huiqi.web.state import fill_if_empty

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
        logging.getLogger("alembic").setLevel(logging.WARNING)
        log = logging.getLogger("huiqi.web")
        if not _port_free(host, port):
            raise CliError(f"端口 {port} 已被占用（或无法在 {host} 上监听），请用 --port 换一个端口")
        url = resolve_db(db).url
        engine = get_engine(url)
        upgrade(engine)
        fill_if_empty(engine, log)
        engine.dispose()
        if workers > 1:  # each worker process builds its own app from HUIQI_DB
            import os

            os.environ["HUIQI_DB"] = url
            print(f"惠企网页服务（{workers} 个工作进程）启动中，请在浏览器中打开：{open_url(host, port)}", flush=True)
            uvicorn.run("huiqi.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                        log_level="info", access_log=False)
            return
        web = create_app(db)
        config = uvicorn.Config(web, host=host, port=port, log_level="info", access_log=False)

        class _Server(uvicorn.Server):
            async def startup(self, sockets=None):
                await super().startup(sockets=sockets)
                if self.started:
                    print(f"惠企网页服务已启动，请在浏览器中打开：{open_url(host, port)}", flush=True)
                    print("按 Ctrl+C 停止。", flush=True)

        _Server(config).run()
