"""Application factory (应用工厂): :func:`create_app`.

The app serves the JSON API (``/api/…``, ``/healthz``, OpenAPI at
``/docs``), the admin upload (``/api/admin/documents``), the Chinese pages
(``/``, ``/search``, ``/clause/{id}``, ``/document/{id}``, ``/documents``,
``/ask``, ``/calc``) and static files (``/static``, served locally: no CDN).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from huiqi.web.compress import PageCompressionMiddleware
from huiqi.web.errors import (
    COMMON_ERRORS,
    MAX_BODY_BYTES,
    MAX_QUERY_BYTES,
    LimitsMiddleware,
    error_responses,
    install_error_handlers,
)
from huiqi.web.render import STATIC_DIR
from huiqi.web.state import WebState

log = logging.getLogger("huiqi.web")


def _upload_limit() -> int:
    """Upload limit in bytes: env ``HUIQI_MAX_UPLOAD_MB`` (a positive number)
    or :data:`huiqi.web.errors.MAX_UPLOAD_BYTES`."""
    import os

    from huiqi.web.errors import MAX_UPLOAD_BYTES

    raw = os.environ.get("HUIQI_MAX_UPLOAD_MB", "").strip()
    try:
        mb = float(raw) if raw else 0
    except ValueError:
        mb = 0
    return int(mb * 1024 * 1024) if mb > 0 else MAX_UPLOAD_BYTES


#: Error codes of routes behind a login (huiqi.web.auth.require): not logged
#: in, role lacks the permission or CSRF failed, outside the scope or
#: unknown, stale edit, invalid values.
AUTH_ERRORS = (401, 403, 404, 409, 422)


def _document_auth_errors(router) -> None:
    """Declare :data:`AUTH_ERRORS` (with the project's error body) on every
    JSON API route of ``router`` that requires a login, so the OpenAPI
    document lists every status code those routes really answer."""
    from fastapi.routing import APIRoute

    from huiqi.web.errors import error_responses

    for route in router.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api") and _requires_login(route):
            for code, spec in error_responses(*AUTH_ERRORS).items():
                route.responses.setdefault(code, spec)


def _requires_login(route) -> bool:
    return any(getattr(d.call, "__qualname__", "").startswith("require.") for d in route.dependant.dependencies)


def create_app(db: str | None = None, *, autofill: bool = True) -> FastAPI:
    """Build the web application over the knowledge base ``db`` (a SQLAlchemy
    URL or SQLite path; default as in :func:`huiqi.config.resolve_db`).

    The database schema, the search engine and the calculator rules are
    loaded once at startup (or on the first request when the lifespan is not
    run) and kept on ``app.state.huiqi`` (:class:`WebState`); an admin upload
    refreshes them. With ``autofill`` an empty database is first filled from
    the bundled corpus (progress in the ``huiqi.web`` log). Raises
    ``ValueError`` for an empty ``db`` value.
    """
    from huiqi.config import resolve_db

    state = WebState(url=resolve_db(db).url, autofill=autofill)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio

        from huiqi.web.hostsync import HostSync

        await anyio.to_thread.run_sync(state.ensure)
        sync = HostSync(state).start()  # follow changes made by other hosts (issue 17)
        yield
        sync.stop()
        if state.engine is not None:
            state.engine.dispose()

    app = FastAPI(
        title="惠企政策服务 API",
        description="惠企政策知识库的检索、问答、政策计算器与文档接口。错误统一为 JSON：{error, detail}。",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses=error_responses(*COMMON_ERRORS),
    )
    app.state.huiqi = state
    install_error_handlers(app)
    app.add_middleware(LimitsMiddleware, max_body=MAX_BODY_BYTES, max_upload=_upload_limit(),
                       max_query=MAX_QUERY_BYTES)
    app.add_middleware(PageCompressionMiddleware)  # outermost: compresses error pages too

    from huiqi.web import admin, api, auth, officer_api, officer_pages, pages, review_pages, rules_api
    from huiqi.web import requests_api, requests_pages
    from huiqi.web import firms_api, lists_api, lists_pages  # issue 13: 一企一档, 免申即享 lists
    from huiqi.web import push_api

    for router in (api.router, admin.router, auth.router, officer_api.router, rules_api.router, requests_api.router,
                   firms_api.router, lists_api.router, push_api.router):
        _document_auth_errors(router)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(auth.router)
    app.include_router(officer_api.router)
    app.include_router(officer_pages.router)
    app.include_router(rules_api.router)
    app.include_router(review_pages.router)
    app.include_router(requests_api.router)
    app.include_router(requests_pages.router)
    app.include_router(firms_api.router)
    app.include_router(lists_api.router)
    app.include_router(lists_pages.router)
    app.include_router(push_api.router)
    app.include_router(push_api.pages)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _install_docs(app)
    return app


def _install_docs(app: FastAPI) -> None:
    """OpenAPI page at ``/docs`` with the Swagger UI 5 files served locally
    from the ``fastapi-offline`` package (no CDN: the service must work
    without internet); without that package FastAPI's CDN page is used."""
    from pathlib import Path

    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        import fastapi_offline

        assets = Path(fastapi_offline.__file__).resolve().parent / "static"
    except ImportError:
        assets = None
    urls = {}
    if assets is not None and (assets / "swagger-ui-bundle.js").is_file():
        app.mount("/docs-assets", StaticFiles(directory=str(assets)), name="docs-assets")
        urls = {"swagger_js_url": "/docs-assets/swagger-ui-bundle.js",
                "swagger_css_url": "/docs-assets/swagger-ui.css",
                "swagger_favicon_url": "/docs-assets/favicon.png"}

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} · 接口文档", **urls)
