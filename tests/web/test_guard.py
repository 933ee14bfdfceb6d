"""Slow clients cannot hold connections (issue 16, defect 12)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from huiqi.web.guard import server_options


async def _hello(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("HUIQI_HEADER_TIMEOUT", "1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(_hello, host="127.0.0.1", port=port, log_level="warning", **server_options()))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    t.join(10)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_slow_headers_are_cut(server):
    sock = socket.create_connection(("127.0.0.1", server))
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # headers never finish
    assert _closed_within(sock, 5)
    sock.close()


def test_idle_connection_is_cut(server):
    sock = socket.create_connection(("127.0.0.1", server))  # sends nothing
    assert _closed_within(sock, 5)
    sock.close()


def test_normal_request_then_slow_second_request(server):
    sock = socket.create_connection(("127.0.0.1", server))
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.settimeout(5)
    assert sock.recv(1024).startswith(b"HTTP/1.1 200")
    sock.sendall(b"GET / HTTP/1.1\r\n")  # kept alive, then a request that never completes
    assert _closed_within(sock, 8)
    sock.close()


def test_server_options():
    opts = server_options()
    assert opts["timeout_keep_alive"] > 0 and opts["limit_concurrency"] > 0
    assert opts["http"].endswith(":HeaderTimeoutProtocol")


def test_slow_body_gets_408(monkeypatch):
    import anyio

    from huiqi.web import errors
    from huiqi.web.errors import LimitsMiddleware
    from tests.growth import run_async_in_thread

    monkeypatch.setattr(errors, "BODY_TIMEOUT", 0.2)
    called = {"app": False}

    async def app(scope, receive, send):
        called["app"] = True

    async def receive():
        await anyio.sleep(1)
        return {"type": "http.request", "body": b"{", "more_body": True}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/match", "query_string": b"", "headers": []}
    run_async_in_thread(LimitsMiddleware(app), scope, receive, send)
    assert sent[0]["status"] == 408 and not called["app"]
