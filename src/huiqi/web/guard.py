"""Connection guards for ``huiqi serve`` (慢速连接防护).

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but has
no limit on how long a client may take to send its request *headers*: 500
connections sending one header byte every few seconds (slowloris) were held
forever. :class:`HeaderTimeoutProtocol` is uvicorn's httptools protocol with
a deadline: the request line and all headers must arrive within
:func:`header_timeout` seconds of the connection opening or of the first
byte of the next request on a kept-alive connection; otherwise the
connection is closed. Request *bodies* have their own deadline in
:class:`huiqi.web.errors.LimitsMiddleware` (408).

:func:`server_options` gives the uvicorn options ``huiqi serve`` uses.
Environment variables (seconds / connections): ``HUIQI_HEADER_TIMEOUT``
(default 10), ``HUIQI_KEEP_ALIVE`` (5), ``HUIQI_MAX_CONNECTIONS`` (per
worker, 200; beyond it uvicorn answers 503).
"""

from __future__ import annotations

import os

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

ENV_HEADER_TIMEOUT = "HUIQI_HEADER_TIMEOUT"
ENV_KEEP_ALIVE = "HUIQI_KEEP_ALIVE"
ENV_MAX_CONNECTIONS = "HUIQI_MAX_CONNECTIONS"


def _env(name: str, default: float) -> float:
    try:
        v = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return v if v > 0 else default


def header_timeout() -> float:
    """Seconds allowed for a request's line and headers (``HUIQI_HEADER_TIMEOUT``, default 10)."""
    return _env(ENV_HEADER_TIMEOUT, 10.0)


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for the request headers."""

    _header_timer = None

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(header_timeout(), self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        # first bytes of a new request on a kept-alive connection: the keep-alive
        # timer is cancelled by uvicorn, the header deadline starts
        if self.cycle is None or self.cycle.response_complete:
            self._arm()
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)


def server_options() -> dict:
    """uvicorn keyword options: the guarded protocol, keep-alive timeout,
    concurrency limit and h11's incomplete-event limit (16 KB of headers)."""
    return {
        "http": "huiqi.web.guard:HeaderTimeoutProtocol",
        "timeout_keep_alive": int(_env(ENV_KEEP_ALIVE, 5)),
        "limit_concurrency": int(_env(ENV_MAX_CONNECTIONS, 200)),
        "h11_max_incomplete_event_size": 16 * 1024,
    }
