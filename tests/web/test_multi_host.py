"""Several hosts, one database (issue 17): two ``huiqi serve`` processes on
different ports share one knowledge base. An officer uploads and publishes
a document on host A and a rule is approved there (four eyes); host B
answers searches and calculator matches with the change within 10 s,
without a restart, and ``GET /api/health`` shows both at the same library
change number.

PostgreSQL (the deployment case; ``HUIQI_TEST_PG_URL``, skipped without
it): each host has its own data directory, so B rebuilds what it needs
from the database alone. SQLite: both hosts share the database file and its
derived files (index versions and rule-set files written side by side).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.dbs import POSTGRESQL, SQLITE, backend_params, create_pg_database, drop_pg_database
from tests.web.conftest import _free_port
from tests.web.officer_env import ACCOUNTS, ALXA, BAOTOU, ORDOS, PASSWORD
from tests.web.test_rule_review import FIRM, RULE

#: how long a change may take to reach the other host (the issue's bound)
VISIBLE_WITHIN = 10.0
START_TIMEOUT = 180.0


def _prepare(url: str, tmp: Path) -> None:
    """Two published documents and one account per role in ``url``."""
    from huiqi.kb.accounts import create_user
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.services.ingest import ingest_and_refresh

    docs = tmp / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "alxa.txt").write_text(ALXA, encoding="utf-8")
    (docs / "ordos.txt").write_text(ORDOS, encoding="utf-8")
    engine = get_engine(url)
    try:
        upgrade(engine)
        report = ingest_and_refresh(engine, [docs / "alxa.txt", docs / "ordos.txt"], refresh_index=False)
        assert report.ok, [f.error for f in report.ingest.failed]
        with session_scope(engine) as s:
            for name, (role, region, firm) in ACCOUNTS.items():
                create_user(s, name, PASSWORD, role, unit=None, region=region, firm_code=firm)
    finally:
        engine.dispose()


@contextmanager
def _serve(url: str, data_dir: Path, log: Path):
    """``huiqi serve --workers 1`` on a free port in a subprocess with its
    own ``HUIQI_DATA_DIR``; yields the base URL once ``/api/health``
    answers; stopped (SIGTERM, then SIGKILL) on exit."""
    port = _free_port()
    env = dict(os.environ, HUIQI_DATA_DIR=str(data_dir), HUIQI_SYNC_SECONDS="1", PYTHONUNBUFFERED="1")
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "huiqi", "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--db", url, "--workers", "1"], stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"huiqi serve 退出（{proc.returncode}）：{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"huiqi serve 未能在 {START_TIMEOUT:.0f} 秒内启动：{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _token(base: str, name: str) -> dict:
    r = httpx.post(f"{base}/api/auth/token", json={"username": name, "password": PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _until(check, what: str, within: float = VISIBLE_WITHIN) -> float:
    """Poll ``check()`` until it is truthy; returns the seconds it took.
    Fails naming ``what`` when ``within`` seconds pass."""
    t0 = time.monotonic()
    while True:
        if check():
            return time.monotonic() - t0
        if time.monotonic() - t0 > within:
            pytest.fail(f"{what}：{within:.0f} 秒内未在另一台主机上可见")
        time.sleep(0.25)


def _search_hits(base: str, q: str) -> list[dict]:
    return httpx.get(f"{base}/api/search", params={"q": q}, timeout=30).json()


def _giant(base: str) -> list[dict]:
    """Search hits of the uploaded document's clause (专精特新“小巨人”)."""
    return [h for h in _search_hits(base, "专精特新小巨人") if "小巨人" in h["text"]]


def _match_item(base: str, clause_id: int) -> dict | None:
    out = httpx.post(f"{base}/api/match", params={"as_of": "2025-06-01", "show": "all", "limit": 2000},
                     json=FIRM, timeout=60).json()
    return next((r for r in out["results"] if r["id"] == clause_id), None)


@pytest.fixture(scope="module", params=backend_params())
def hosts(request, tmp_path_factory):
    """``(A, B)``: base URLs of two ``huiqi serve`` processes on one
    database (see the module docstring)."""
    tmp_path = tmp_path_factory.mktemp(f"hosts-{request.param}")
    with ExitStack() as stack:
        if request.param == POSTGRESQL:
            url = create_pg_database("multihost", migrated=False)
            stack.callback(drop_pg_database, url)
            dirs = (tmp_path / "host-a", tmp_path / "host-b")
        else:
            assert request.param == SQLITE
            url = f"sqlite:///{tmp_path / 'kb.db'}"
            dirs = (tmp_path / "data", tmp_path / "data")
        _prepare(url, tmp_path)
        a = stack.enter_context(_serve(url, dirs[0], tmp_path / "a.log"))
        b = stack.enter_context(_serve(url, dirs[1], tmp_path / "b.log"))
        yield a, b


def test_an_upload_and_an_approval_on_one_host_reach_the_other(hosts):
    a, b = hosts
    assert not _giant(b)
    before = httpx.get(f"{b}/api/health", timeout=30).json()
    assert before["host_seq"] == before["library_seq"] == before["index_seq"] == before["ruleset_seq"]

    # officer of 包头市 uploads a document on A (a draft) and publishes it there
    officer = _token(a, "bt_officer")
    up = httpx.post(f"{a}/api/officer/documents", headers=officer, timeout=120,
                    files=[("files", ("baotou.txt", BAOTOU.encode("utf-8"), "text/plain"))])
    assert up.status_code == 201, up.text
    doc = up.json()["files"][0]["document_ids"][0]
    meta = httpx.get(f"{a}/api/officer/documents/{doc}", headers=officer, timeout=30).json()
    pub = httpx.post(f"{a}/api/documents/{doc}/status", headers=officer, timeout=120,
                     json={"status": "published", "version": meta["meta_version"]})
    assert pub.status_code == 200, pub.text
    assert _giant(a), "the uploading host sees its own change at once"
    took = _until(lambda: _giant(b), "上传并发布的文件")
    hit = _giant(b)[0]
    assert hit["source"]["file"] == "baotou.txt" and hit["document"]["id"] == doc
    print(f"upload visible on B after {took:.1f} s")

    # a reviewed rule written by one person and approved by another on A
    clause = next(p for p in httpx.get(f"{a}/api/policies", timeout=30).json() if "纳税额首次超过500万元" in p["text"])
    cid = clause["id"]
    assert (_match_item(b, cid) or {}).get("origin") == "extracted"
    author = _token(a, "alxa_officer")
    v = httpx.post(f"{a}/api/rules/{cid}/versions", headers=author, json={"rule": RULE}, timeout=60)
    assert v.status_code == 201, v.text
    vid = v.json()["id"]
    assert httpx.post(f"{a}/api/rule-versions/{vid}/submit", headers=author, json={}, timeout=60).status_code == 200
    ok = httpx.post(f"{a}/api/rule-versions/{vid}/approve", headers=_token(a, "admin"), json={}, timeout=120)
    assert ok.status_code == 200 and ok.json()["status"] == "published", ok.text
    took = _until(lambda: (_match_item(b, cid) or {}).get("origin") == "reviewed", "批准的审核规则")
    item = _match_item(b, cid)
    assert item["benefit"]["max_yuan"] == 100000 and item["status"] == "likely"
    print(f"approval visible on B after {took:.1f} s")

    # both hosts report the same library change number, and B's derived state is at it
    _until(lambda: httpx.get(f"{b}/api/health", timeout=30).json()["behind"] == 0, "健康状态")
    ha, hb = (httpx.get(f"{h}/api/health", timeout=30).json() for h in (a, b))
    assert ha["library_id"] == hb["library_id"] and ha["library_seq"] == hb["library_seq"] > before["library_seq"]
    assert hb["index_seq"] > before["index_seq"] and hb["ruleset_seq"] == hb["library_seq"]
    assert hb["worker"] != ha["worker"] and hb["sync_error"] is None


def test_a_login_on_one_host_is_a_session_on_the_other(hosts):
    """Sessions and lock-outs live in the database: a token issued by A
    works on B; failed logins counted on A lock the account on B too."""
    a, b = hosts
    headers = _token(a, "bt_officer")
    me = httpx.get(f"{b}/api/auth/me", headers=headers, timeout=30)
    assert me.status_code == 200 and me.json()["username"] == "bt_officer"
    statuses = []
    for i in range(8):
        host = (a, b)[i % 2]
        r = httpx.post(f"{host}/api/auth/token", json={"username": "bt_reviewer", "password": "wrong"}, timeout=30)
        statuses.append(r.status_code)
    assert 423 in statuses, statuses  # locked after failures counted on both hosts together
    r = httpx.post(f"{b}/api/auth/token", json={"username": "bt_reviewer", "password": PASSWORD}, timeout=30)
    assert r.status_code == 423, r.text


def test_a_file_received_on_one_host_is_served_by_the_other(hosts):
    """A 解读 file uploaded on A is stored in the database with its row, so
    B (its own data directory on PostgreSQL) serves it at once."""
    a, b = hosts
    officer = _token(a, "alxa_officer")
    rows = httpx.get(f"{a}/api/officer/documents", headers=officer, timeout=30).json()
    doc = next(d["id"] for d in rows if "阿拉善左旗" in (d["title"] or ""))
    r = httpx.post(f"{a}/api/documents/{doc}/interpretations", headers=officer, timeout=60,
                   data={"kind": "file", "title": "一图读懂"}, files={"file": ("一图读懂.txt", "图解全文".encode())})
    assert r.status_code == 201, r.text
    got = httpx.get(f"{b}/api/interpretations/{r.json()['id']}/file", timeout=30)
    assert got.status_code == 200 and got.content.decode() == "图解全文"
