"""Admin upload (huiqi.web.admin): token protection, type and size checks,
ingest + search refresh, and escaping of untrusted document text."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.dbs import backend_params, fresh_database

POLICY = """某旗支持小微企业发展的若干措施

一、对新招用高校毕业生的小微企业，按每人1000元给予一次性吸纳就业补贴。<script>alert("xss")</script>（责任单位：旗人力资源和社会保障局）
二、对当年新认定的高新技术企业，一次性奖励20万元。（责任单位：旗科技局）
三、咨询电话：0483-1234567
"""
TOKEN = "test-token-0123456789"


def _app(db: str):
    from huiqi.web import create_app

    return create_app(db, autofill=False)


@pytest.fixture(params=backend_params())
def admin_db(request, tmp_path):
    """An empty database: a SQLite file path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "admin.db")
        return
    with fresh_database(request.param, tmp_path, "admin") as url:
        yield url


@pytest.fixture
def admin(admin_db, monkeypatch):
    """A client over an empty database with the admin token configured."""
    monkeypatch.setenv("HUIQI_ADMIN_TOKEN", TOKEN)
    with TestClient(_app(admin_db), raise_server_exceptions=False) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _upload(c, name, data, headers=AUTH):
    return c.post("/api/admin/documents", files={"file": (name, data)}, headers=headers)


def test_admin_disabled_without_token(admin_db, monkeypatch):
    monkeypatch.delenv("HUIQI_ADMIN_TOKEN", raising=False)
    with TestClient(_app(admin_db), raise_server_exceptions=False) as c:
        r = _upload(c, "a.txt", POLICY.encode(), headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403
    assert r.json()["error"] == "admin_disabled" and "HUIQI_ADMIN_TOKEN" in r.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"},
                                     {"Authorization": f"Bearer {TOKEN}x"}])
def test_admin_refuses_missing_or_wrong_token(admin, headers):
    r = _upload(admin, "a.txt", POLICY.encode(), headers=headers)
    assert r.status_code in (401, 403)
    assert r.json()["error"] in ("unauthorized", "forbidden")
    assert admin.get("/healthz").json()["clauses"] == 0  # nothing was ingested


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("virus.exe", b"MZ\x90\x00", 415),
        ("noext", b"hello", 415),
        ("fake.pdf", "不是 PDF 的文本".encode(), 415),
        ("fake.docx", b"plain text", 415),
        ("binary.txt", b"\x00\x01\x02\x03" * 100, 415),
        ("empty.txt", b"", 400),
    ],
)
def test_admin_type_checks(admin, name, data, status):
    r = _upload(admin, name, data)
    assert r.status_code == status, r.text
    assert r.json()["detail"]
    assert "Traceback" not in r.text


def test_admin_missing_file_field(admin):
    r = admin.post("/api/admin/documents", data={"x": "y"}, headers=AUTH)
    assert r.status_code in (400, 422)
    assert r.json()["error"] in ("bad_request", "invalid_input")


def test_admin_reader_error_is_422_without_server_paths(admin, tmp_path):
    r = _upload(admin, "broken.pdf", b"%PDF-1.4\nthis is not really a pdf")
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "ingest_failed" and "broken.pdf" in body["detail"]
    assert str(tmp_path) not in r.text


def test_admin_size_limit(admin_db, monkeypatch):
    monkeypatch.setenv("HUIQI_ADMIN_TOKEN", TOKEN)
    monkeypatch.setenv("HUIQI_MAX_UPLOAD_MB", "0.01")  # 10 KB
    with TestClient(_app(admin_db), raise_server_exceptions=False) as c:
        r = _upload(c, "big.txt", ("补贴" * 10_000).encode())
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"


def test_upload_ingests_refreshes_search_and_escapes(admin):
    assert admin.get("/api/search", params={"q": "吸纳就业补贴"}).json() == []
    r = _upload(admin, "../../测试政策.txt", POLICY.encode())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "added" and body["clauses"] == 3 and body["path"] == "测试政策.txt"
    # the search engine was refreshed: the new clause is found at once
    hits = admin.get("/api/search", params={"q": "吸纳就业补贴"}).json()
    assert hits and "1000元" in hits[0]["text"] and hits[0]["source"]["file"] == "测试政策.txt"
    assert admin.get("/healthz").json()["clauses"] == 3
    # untrusted text is escaped on every page that shows it
    cid = hits[0]["id"]
    for url in (f"/clause/{cid}", "/search?q=吸纳就业补贴", f"/document/{hits[0]['document']['id']}"):
        page = admin.get(url).text
        assert "<script>alert" not in page, url
    clause_page = admin.get(f"/clause/{cid}").text
    assert "&lt;script&gt;alert" in clause_page
    # the amount is highlighted as a fact span, inside the escaped text
    assert re.search(r'<mark class="fact fact-amount" id="f-a0">1000元</mark>', clause_page)
    # the same content again: unchanged, 200
    again = _upload(admin, "测试政策.txt", POLICY.encode())
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    # changed content under the same name: a new version
    v2 = _upload(admin, "测试政策.txt", POLICY.replace("1000元", "2000元").encode())
    assert v2.status_code == 201 and v2.json()["version"] == 2
    hits = admin.get("/api/search", params={"q": "吸纳就业补贴"}).json()
    assert "2000元" in hits[0]["text"]


def test_changes_made_by_another_process_are_picked_up(admin, tmp_path):
    from huiqi.kb.ingest import ingest_paths

    st = admin.app.state.huiqi
    assert admin.get("/api/search", params={"q": "吸纳就业补贴"}).json() == []
    path = tmp_path / "外部导入.txt"
    path.write_text(POLICY, encoding="utf-8")
    assert ingest_paths(st.engine, [path]).ok  # as `huiqi ingest` or another worker would
    st.checked_at = 0.0  # the next request re-checks the content mark (every few seconds)
    hits = admin.get("/api/search", params={"q": "吸纳就业补贴"}).json()
    assert hits and hits[0]["source"]["file"] == "外部导入.txt"


def test_upload_clusters_a_reprint_after_answering(admin, admin_db):
    """The policy clusters are recomputed after the upload's answer (a
    background task, which the test client runs before returning): a
    reprint of an uploaded measure under another title joins its clauses."""
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.policy_identity import load_links

    assert _upload(admin, "a.txt", POLICY.encode()).status_code == 201
    reprint = POLICY.replace("某旗支持小微企业发展的若干措施", "关于转发某旗支持小微企业发展若干措施的通知")
    r = _upload(admin, "b.txt", reprint.encode())
    assert r.status_code == 201
    url = admin_db if "://" in admin_db else f"sqlite:///{admin_db}"
    with session_scope(get_engine(url)) as s:
        links = load_links(s)
    authorities = {auth for auth, _sim in links.values()}
    assert len(links) >= 4 and len(authorities) >= 2  # two clauses with money, each in a cluster of both files
    r = admin.get("/api/search", params={"q": "高新技术企业 一次性奖励"})
    assert r.status_code == 200
