"""Gzip of pages and static files (huiqi.web.compress); JSON API left as is."""

from __future__ import annotations


PROFILE = {"region": "阿拉善左旗", "industry": "C", "employees": 40, "revenue": 30_000_000}


def test_pages_and_static_files_are_gzipped_when_the_client_accepts_it(client):
    for url in ("/search?q=稳岗返还", "/documents", "/static/style.css", "/static/app.js"):
        r = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200, url
        assert r.headers.get("content-encoding") == "gzip", url
        assert int(r.headers["content-length"]) < len(r.content) / 2, url  # httpx decoded it
    page = client.get("/documents", headers={"Accept-Encoding": "gzip"}).text
    assert "文档" in page


def test_no_gzip_without_accept_encoding(client):
    r = client.get("/documents", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and "content-encoding" not in r.headers


def test_json_api_is_never_gzipped(client):
    r = client.post("/api/match", json=PROFILE, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "content-encoding" not in r.headers
    assert len(r.content) > 10_000 and r.json()["results"]
    r = client.get("/api/search", params={"q": "稳岗返还"}, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "content-encoding" not in r.headers


def test_error_pages_still_render_when_gzipped(client):
    r = client.get("/clause/999999", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 404 and r.headers.get("content-encoding") == "gzip"
    assert "条款" in r.text
