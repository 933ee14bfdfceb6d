"""Web service (网页服务): FastAPI JSON API and server-rendered Chinese pages.

Build the application with :func:`create_app` (``huiqi serve`` runs it under
uvicorn). Modules: :mod:`.state` (database, search engine and calculator
loaded once per app), :mod:`.errors` (JSON/HTML error answers, request size
limits), :mod:`.api` (JSON API), :mod:`.admin` (document upload),
:mod:`.pages` (HTML pages), :mod:`.render` (escaping and highlighting
helpers), :mod:`.calcform` (calculator form ↔ profile, Excel export).
"""

from huiqi.web.app import create_app

__all__ = ["create_app"]
