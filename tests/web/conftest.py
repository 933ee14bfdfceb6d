"""Fixtures of the web tests: the app over the real bundled corpus (built
once per test process, read-only), a live uvicorn server in a background
thread, and a headless Debian chromium driven by Playwright."""

from __future__ import annotations

import os
from contextlib import contextmanager
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: screenshots of the browser tests (gitignored); override with HUIQI_ARTIFACTS
ARTIFACTS = Path(os.environ.get("HUIQI_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")


def pytest_collection_modifyitems(config, items):
    """The browser tests run on SQLite only: they drive the same pages and
    API whose PostgreSQL variants ``test_api``/``test_pages`` already run, and
    doubling them would double the slowest tests of CI."""
    keep, drop = [], []
    for item in items:
        spec = getattr(item, "callspec", None)
        if item.path.name == "test_browser.py" and spec is not None and spec.params.get("corpus_url") == "postgresql":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def web_app(corpus_url):
    """The web app over the corpus database (``corpus_url`` of
    ``tests/conftest.py``: SQLite, and PostgreSQL when configured; never
    modified by the tests)."""
    from huiqi.web import create_app

    return create_app(corpus_url, autofill=False)


@pytest.fixture(scope="session")
def client(web_app):
    """A TestClient with the lifespan run (search engine loaded once);
    server exceptions become 500 answers, as in production."""
    from fastapi.testclient import TestClient

    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def state(client, web_app):
    """The loaded :class:`huiqi.web.state.WebState` of :func:`web_app`."""
    return web_app.state.huiqi


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_in_thread(app):
    """Run uvicorn serving ``app`` on a free loopback port in a background
    thread; yields its base URL and stops it on exit. Raises RuntimeError
    when it does not start within 30 s."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn 未能在 30 秒内启动")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(web_app, state):
    """Base URL of uvicorn serving :func:`web_app` in a background thread."""
    with serve_in_thread(web_app) as base:
        yield base


def _browser_required() -> bool:
    """Browser tests must run in CI: ``.ci/run`` sets HUIQI_REQUIRE_BROWSER=1
    (and CI services set CI=true), then a missing chromium is a failure."""
    return bool(os.environ.get("HUIQI_REQUIRE_BROWSER") or os.environ.get("CI"))


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium (``/usr/bin/chromium``) via Playwright.
    Skipped with a reason locally when chromium or playwright is missing;
    a failure in CI."""
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"未安装 Debian chromium（{CHROMIUM} 不存在；apt-get install chromium chromium-driver）"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = reason or "未安装 playwright（pip install -e '.[test]'）"
    if reason:
        if _browser_required():
            pytest.fail(f"浏览器测试不能跳过：{reason}")
        pytest.skip(reason)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _offline(ctx) -> list[str]:
    """Abort every request that leaves 127.0.0.1 (pages must not need a CDN)
    and return the list the aborted URLs are appended to."""
    external: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    ctx.route("**/*", handle)
    return external


def _context_page(browser, **options):
    ctx = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
    external = _offline(ctx)
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    return ctx, pg, external


@pytest.fixture
def page(browser):
    """A desktop-sized page (1280×900) in a fresh context; fails the test
    when the page tried to load anything from outside the server."""
    ctx, pg, external = _context_page(browser, viewport={"width": 1280, "height": 900})
    yield pg
    ctx.close()
    assert not external, f"页面请求了外部地址：{external[:3]}"


@pytest.fixture
def phone(browser):
    """A phone-sized page: 375×740 CSS pixels, mobile, touch (no external
    requests either)."""
    ctx, pg, external = _context_page(browser, viewport={"width": 375, "height": 740}, device_scale_factor=1,
                                      is_mobile=True, has_touch=True)
    yield pg
    ctx.close()
    assert not external, f"页面请求了外部地址：{external[:3]}"


def shot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot (the full page by default) under :data:`ARTIFACTS`
    and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, timeout=30000)
    return path
