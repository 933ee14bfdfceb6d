"""Hostile requests (issue 16): authentication before any body byte, streamed
uploads with a limit, sanitised names, ids out of range, OpenAPI errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.growth import run_async_in_thread
from tests.web.test_admin import AUTH, POLICY, TOKEN, _app, _upload


def _raw_post(app, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, bool]:
    """POST through the ASGI app with a body the app must not read; returns
    (status, whether the body was read)."""
    read = {"body": False}
    status = {}

    async def receive():
        read["body"] = True
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message):
        if message["type"] == "http.response.start":
            status["code"] = message["status"]

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": headers, "http_version": "1.1", "scheme": "http", "server": ("t", 80), "client": ("c", 1),
             "root_path": "", "app": app}
    run_async_in_thread(app, scope, receive, send)
    return status["code"], read["body"]


@pytest.mark.parametrize("headers,expected", [
    ([(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", b"19000000")], 401),
    ([(b"authorization", b"Bearer wrong"), (b"content-type", b"multipart/form-data; boundary=x")], 401),
])
def test_unauthenticated_upload_is_refused_before_the_body(tmp_path, monkeypatch, headers, expected):
    monkeypatch.setenv("HUIQI_ADMIN_TOKEN", TOKEN)
    code, body_read = _raw_post(_app(str(tmp_path / "admin.db")), "/api/admin/documents", headers)
    assert (code, body_read) == (expected, False)


def test_disabled_admin_refused_before_the_body(tmp_path, monkeypatch):
    monkeypatch.delenv("HUIQI_ADMIN_TOKEN", raising=False)
    code, body_read = _raw_post(_app(str(tmp_path / "admin.db")), "/api/admin/documents", [])
    assert (code, body_read) == (403, False)


def test_chunked_upload_over_the_limit_is_413(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIQI_ADMIN_TOKEN", TOKEN)
    monkeypatch.setenv("HUIQI_MAX_UPLOAD_MB", "0.05")
    boundary = "bnd"

    def body():  # no Content-Length: the limit is enforced on the bytes received
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'.encode()
        for _ in range(20):
            yield ("政策" * 2000).encode()
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(_app(str(tmp_path / "admin.db")), raise_server_exceptions=False) as c:
        r = c.post("/api/admin/documents", content=body(),
                   headers={**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"


def test_upload_name_is_sanitised_and_same_named_files_coexist(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIQI_ADMIN_TOKEN", TOKEN)
    other = "关于促进商贸流通企业发展的通知\n一、对新开业的连锁超市给予最高20万元奖励。\n"
    with TestClient(_app(str(tmp_path / "admin.db")), raise_server_exceptions=False) as c:
        r1 = _upload(c, "../../措施.txt", POLICY.encode())
        r2 = _upload(c, "..\\措施.txt", other.encode())
        assert (r1.status_code, r2.status_code) == (201, 201)
        assert r1.json()["path"] == r2.json()["path"] == "措施.txt"
        assert r1.json()["version"] == r2.json()["version"] == 1
        titles = sorted(d["title"] for d in c.get("/api/documents").json())
    assert titles == sorted(["某旗支持小微企业发展的若干措施", "关于促进商贸流通企业发展的通知"])
    uploads = list((tmp_path / "search").parent.rglob("措施.txt"))
    assert len(uploads) == 2 and all(".." not in p.parts for p in uploads)


@pytest.mark.parametrize("path", ["/api/policies/9999999999", "/api/documents/99999999999999999999",
                                  "/api/policies/-1", "/api/policies?doc=9999999999", "/clause/9999999999",
                                  "/document/99999999999999999999999"])
def test_ids_out_of_range_are_404(client, path):
    r = client.get(path)
    assert r.status_code == 404


def test_openapi_documents_error_bodies(client):
    spec = client.get("/openapi.json").json()
    assert "ErrorBody" in spec["components"]["schemas"]
    match = spec["paths"]["/api/match"]["post"]["responses"]
    for code in ("400", "404", "413", "422", "500", "503"):
        assert match[code]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    upload = spec["paths"]["/api/admin/documents"]["post"]["responses"]
    assert {"401", "403", "415"} <= set(upload)


def test_calculator_page_with_an_untitled_document(tmp_path):
    """Defect 8: a document without a title made every calculator page 500."""
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.kb.ingest import ingest_paths

    f = tmp_path / "t.txt"
    f.write_text("一、对企业给予最高100万元奖励。\n", encoding="utf-8")
    engine = get_engine(f"sqlite:///{tmp_path / 'admin.db'}")
    upgrade(engine)
    assert ingest_paths(engine, [f]).ok
    with TestClient(_app(str(tmp_path / "admin.db")), raise_server_exceptions=False) as c:
        for show in ("", "likely", "needs_info", "ineligible", "unchecked"):
            r = c.post(f"/calc?show={show}", data={"region": "伊金霍洛旗"})
            assert r.status_code == 200, (show, r.text[:300])
        assert "100万元" in r.text or "1,000,000" in r.text or "100 万元" in r.text
        docs = c.get("/api/documents").json()
        assert c.get(f"/document/{docs[0]['id']}").status_code == 200
