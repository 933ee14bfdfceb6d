"""``huiqi serve`` (huiqi.cli.serve_cmd): first start on an empty database
ingests the bundled corpus with progress in the log, then prints the URL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from huiqi.cli.serve_cmd import open_url


def test_open_url():
    assert open_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert open_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/"
    assert open_url("::1", 9000) == "http://[::1]:9000/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _huiqi() -> list[str]:
    exe = Path(sys.executable).with_name("huiqi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "huiqi"]


def _stop(proc: subprocess.Popen) -> str:
    """Stop the server's process group (SIGTERM, then SIGKILL after 30 s); its stderr."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.communicate()[1]


def test_serve_fills_an_empty_database_and_prints_the_url(tmp_path):
    port = _free_port()
    db = tmp_path / "fresh.db"
    env = dict(os.environ, HUIQI_DATA_DIR=str(tmp_path / "data"))
    env.pop("HUIQI_DB", None)
    proc = subprocess.Popen([*_huiqi(), "serve", "--port", str(port), "--db", str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        line = proc.stdout.readline()  # blocks until the server listens (or the process ends)
        assert url in line, (line, proc.stderr.read() if proc.poll() is not None else "")
        health = httpx.get(url + "healthz", timeout=30).json()
        assert health["status"] == "ok" and health["clauses"] > 1000
        assert "惠企" in httpx.get(url, timeout=30).text
    finally:
        err = _stop(proc)
    assert "正在从内置语料导入" in err
    assert "导入 5/5" in err or "导入完成" in err
    assert "Traceback" not in err


def test_serve_refuses_a_busy_port(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([*_huiqi(), "serve", "--port", str(port), "--db", str(tmp_path / "x.db")],
                           capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert f"端口 {port} 已被占用" in r.stderr and "Traceback" not in r.stderr


def test_serve_with_two_workers_prints_the_url_once_they_answer(tmp_path):
    """Several worker processes (the default on a multi-core machine): the
    URL is printed only when the service answers, and requests reach every
    worker (each reports its process id in /healthz)."""
    from tests.search.kw_corpus import corpus_db_url

    port = _free_port()
    env = dict(os.environ)
    env.pop("HUIQI_DB", None)
    proc = subprocess.Popen([*_huiqi(), "serve", "--port", str(port), "--db", corpus_db_url(), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        line = proc.stdout.readline()
        assert url in line and "2 个工作进程" in line, (line, proc.stderr.read() if proc.poll() is not None else "")
        assert httpx.get(url + "healthz", timeout=30).json()["status"] == "ok"  # answered at once: already up
        workers = set()
        deadline = time.time() + 60
        while len(workers) < 2 and time.time() < deadline:
            with httpx.Client(timeout=30) as client:  # a new connection each time
                workers.add(client.get(url + "healthz").json()["worker"])
        assert len(workers) == 2
    finally:
        err = _stop(proc)
    assert "Traceback" not in err
