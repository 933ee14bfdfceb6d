"""``huiqi serve`` (网页服务): run the web application under uvicorn.

``huiqi serve [--host 127.0.0.1] [--port 8000] [--db URL] [--workers N]`` (default
:func:`default_workers`: one process per CPU core, at most 4). On first start
with an empty database the bundled corpus is ingested first, one log line
per file. When the server listens, the URL to open is printed on stdout
(``请在浏览器中打开：http://127.0.0.1:8000/``). A port already in use or a
bad database gives one Chinese line on stderr and exit code 1.
"""



import logging
import socket
import sys
from typing import Annotated, Optional

import typer

from huiqi.cli.common import CliError, DbOption, guard


def open_url(host: str, port: int) -> str:
    """The URL a person should open for a server bound to ``host``:``port``
    (``0.0.0.0`` / ``::`` → ``127.0.0.1``; IPv6 literals bracketed)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


#: most worker processes started by default (each holds its own copy of the
#: search index and the calculator rules: ~155 MB resident with the bundled corpus)
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """Worker processes when ``--workers`` is not given: the CPU count
    (:func:`os.cpu_count`, 1 when unknown), at most
    :data:`MAX_DEFAULT_WORKERS`. The calculator is CPU-bound under the GIL:
    one process per core is what lets /api/match use the machine (2 cores,
    20 clients, ``benchmarks/web_load.py``: p95 146–205 ms with 2 workers,
    266 ms with 1)."""
    import os

    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _announce_when_ready(host: str, port: int, workers: int, timeout: float = 600.0) -> None:
    """In a daemon thread, poll ``/healthz`` until the service answers, then
    print the URL to open — one way for one or several worker processes
    (the multi-process server gives no start-up hook in this process;
    printing before a worker listens would send people to a page that is
    not there yet)."""
    import threading
    import time
    import urllib.request

    url = open_url(host, port)

    def poll() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "healthz", timeout=2) as r:
                    if r.status == 200:
                        print(f"惠企网页服务已启动（{workers} 个工作进程），请在浏览器中打开：{url}", flush=True)
                        print("按 Ctrl+C 停止。", flush=True)
                        return
            except OSError:
                pass
            time.sleep(0.3)

    threading.Thread(target=poll, name="huiqi-announce", daemon=True).start()


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app`` (the main ``huiqi`` Typer app)."""

    @app.command()
    @guard
    def serve(
        host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="端口", min=1, max=65535)] = 8000,
        db: DbOption = None,
        workers: Annotated[Optional[int], typer.Option("--workers", help="工作进程数（默认：CPU 核数，最多 4 个）",
                                                        min=1, max=64)] = None,
    ) -> None:
        """启动网页服务（检索、问答、政策计算器、JSON 接口），并打印访问地址。"""
        import uvicorn

        from huiqi.config import resolve_db
        from huiqi.kb.db import get_engine, upgrade
        from huiqi.web import create_app
        from huiqi.web.guard import server_options  # header deadline, keep-alive, connection limit
        from huiqi.web.state import fill_if_empty

        workers = workers or default_workers()
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
        log.info("惠企网页服务启动中：%d 个工作进程，各自加载检索索引与计算器规则…", workers)
        _announce_when_ready(host, port, workers)
        if workers > 1:  # each worker process builds its own app from HUIQI_DB
            import os

            os.environ["HUIQI_DB"] = url
            uvicorn.run("huiqi.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                        log_level="info", access_log=False, **server_options())
        else:
            uvicorn.run(create_app(db), host=host, port=port, log_level="info", access_log=False,
                        **server_options())
