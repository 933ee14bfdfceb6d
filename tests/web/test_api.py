"""JSON API (huiqi.web.api) over the real corpus: contracts and every
bad-input case of issue 5 (clean 4xx JSON, never a stack trace)."""

from __future__ import annotations

import json
import re

import pytest


def _no_trace(r):
    assert "Traceback" not in r.text and 'File "' not in r.text


def _error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"error", "detail"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["error"] == code
    _no_trace(r)
    return body


def test_healthz_counts_match_the_database(client, corpus_url):
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.queries import list_documents, list_policies

    body = client.get("/healthz").json()
    with session_scope(get_engine(corpus_url)) as s:
        docs = list_documents(s)
        clauses = list_policies(s)
    assert body["status"] == "ok"
    assert body["documents"] == sum(1 for d in docs if d["has_body"])
    assert body["clauses"] == len(clauses)
    assert 0 < body["in_force"] <= body["clauses"]


def test_search_contract_and_filters(client):
    r = client.get("/api/search", params={"q": "稳岗返还", "top": 5})
    assert r.status_code == 200
    rows = r.json()
    assert 1 <= len(rows) <= 5
    first = rows[0]
    assert set(first) >= {"id", "score", "text", "path", "document", "source", "validity", "expired"}
    assert "稳岗" in first["text"] + "".join(first["path"])
    assert first["source"]["file"].endswith(".txt") and first["source"]["start_line"] >= 1
    # region filter: a firm in 阿拉善左旗 never sees another league's clauses
    rows = client.get("/api/search", params={"q": "补贴", "top": 50, "region": "阿拉善左旗"}).json()
    assert rows
    for row in rows:
        assert row["document"]["level"] in ("国家", "自治区", None) or row["document"]["region"] in (
            "阿拉善盟", "阿拉善左旗", "内蒙古自治区", "全国", None)
    # valid_at: expired clauses are filtered out
    rows = client.get("/api/search", params={"q": "补贴", "top": 50, "valid_at": "2030-01-01"}).json()
    assert all(not r["validity"].get("end") or r["validity"]["end"] >= "2030-01-01" for r in rows)


def test_search_same_as_engine(client, corpus_url):
    from huiqi.search.engine import search

    api = client.get("/api/search", params={"q": "研发费用加计扣除", "top": 8}).json()
    direct = search("研发费用加计扣除", top=8, db=corpus_url)
    assert [r["id"] for r in api] == [r["id"] for r in direct]


def test_ask_contract_with_citations(client):
    body = client.get("/api/ask", params={"q": "稳岗返还怎么申请"}).json()
    assert body["found"] is True
    assert body["citations"] and all({"id", "text", "source"} <= set(c) for c in body["citations"])
    assert body["citations"][0]["text"][:10] in body["answer"]
    nothing = client.get("/api/ask", params={"q": "上海市人才落户积分怎么算"}).json()
    assert nothing["found"] is False and nothing["citations"] == []


def test_documents_and_policies(client):
    docs = client.get("/api/documents").json()
    assert len(docs) > 50
    guide = next(d for d in docs if d["kind"] == "guide")
    one = client.get(f"/api/documents/{guide['id']}").json()
    assert one["id"] == guide["id"] and one["nodes"] and one["clauses"]
    pols = client.get("/api/policies", params={"doc": guide["id"]}).json()
    assert [p["id"] for p in pols] == [c["id"] for c in one["clauses"]]
    clause = client.get(f"/api/policies/{pols[0]['id']}").json()
    assert clause["original_lines"] and clause["original_lines"][0]["line"] == clause["source"]["start_line"]


def test_openapi_lists_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/search", "/api/ask", "/api/match", "/api/documents", "/api/documents/{doc_id}",
                 "/api/policies", "/api/policies/{clause_id}", "/healthz", "/api/admin/documents"):
        assert path in spec["paths"], path
    assert "/clause/{clause_id}" not in spec["paths"]  # pages stay out of the API schema
    docs = client.get("/docs")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets and all(a.startswith("/") for a in assets), assets  # no CDN
    assert all(client.get(a).status_code == 200 for a in assets)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/search?q=", 400, "bad_request"),
        ("/api/search?q=%20%20", 400, "bad_request"),
        ("/api/search", 422, "invalid_input"),
        ("/api/search?q=补贴&top=0", 422, "invalid_input"),
        ("/api/search?q=补贴&top=abc", 422, "invalid_input"),
        ("/api/search?q=补贴&region=火星", 400, "bad_request"),
        ("/api/search?q=补贴&level=宇宙级", 400, "bad_request"),
        ("/api/search?q=补贴&valid_at=2024-02-30", 400, "bad_request"),
        ("/api/ask?q=", 400, "bad_request"),
        ("/api/ask", 422, "invalid_input"),
        ("/api/documents/999999", 404, "not_found"),
        ("/api/documents/abc", 422, "invalid_input"),
        ("/api/policies/999999", 404, "not_found"),
        ("/api/policies?doc=999999", 404, "not_found"),
        # ids beyond a 32-bit integer column are unknown ids, not database errors
        ("/api/documents/2147483648", 404, "not_found"),
        ("/api/policies/2147483648", 404, "not_found"),
        ("/api/policies/100000000000000000000000", 404, "not_found"),
        ("/api/policies?doc=100000000000000000000000", 404, "not_found"),
        ("/api/no-such-endpoint", 404, "not_found"),
    ],
)
def test_bad_input_gives_clean_json_errors(client, url, status, code):
    _error(client.get(url), status, code)


def test_huge_query_string_is_refused(client):
    body = _error(client.get("/api/search", params={"q": "补贴" * 1000}), 414, "uri_too_long")
    assert "过长" in body["detail"]


def test_long_but_acceptable_query_is_cut_not_refused(client):
    r = client.get("/api/search", params={"q": "稳岗返还" * 100})
    assert r.status_code == 200


@pytest.mark.parametrize(("method", "url"), [("delete", "/api/search?q=x"), ("put", "/api/documents"),
                                             ("get", "/api/match"), ("post", "/healthz")])
def test_wrong_method_is_405(client, method, url):
    _error(getattr(client, method)(url), 405, "method_not_allowed")


def test_match_contract(client):
    r = client.post("/api/match", params={"as_of": "2025-06-30"},
                    json={"region": "阿拉善左旗", "industry": "C", "employees": 80, "revenue": 30_000_000})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == "2025-06-30"
    assert set(body) >= {"derived", "results", "total", "next_questions", "warnings"}
    assert body["results"]
    statuses = {"eligible", "likely", "needs_info", "unchecked", "ineligible", "expired"}
    for res in body["results"][:20]:
        assert res["status"] in statuses
        assert {"file", "start_line", "end_line"} <= set(res["source"])
    for q in body["next_questions"]:
        assert {"fact", "prompt", "settles_yuan", "settles_clauses"} <= set(q)


def test_match_same_as_engine(client, corpus_url):
    from datetime import date

    from huiqi.calc.engine import match

    profile = {"region": "伊金霍洛旗", "qualifications": ["高新技术企业"], "employees": 30}
    api = client.post("/api/match", params={"as_of": "2025-01-01", "show": "all", "limit": 2000},
                      json=profile).json()
    direct = match(profile, date(2025, 1, 1), db=corpus_url)
    assert [(r["id"], r["status"]) for r in api["results"]] == [(r["id"], r["status"]) for r in direct["results"]]
    assert api["total"]["max_yuan"] == direct["total"]["max_yuan"]


def test_match_default_is_the_firms_short_list(client, corpus_url):
    import json

    profile = {"region": "阿拉善左旗", "industry": "F52", "employees": 5, "revenue": 1_000_000}
    r = client.post("/api/match", params={"as_of": "2025-06-01"}, json=profile)
    body = r.json()
    assert len(body["results"]) <= 30
    assert {x["status"] for x in body["results"]} <= {"eligible", "likely", "needs_info"}
    assert body["actionable"] == sum(body["counts"][s] for s in ("eligible", "likely", "needs_info"))
    assert len(r.content) <= 100_000  # one answer ≤ 100 KB for a typical firm
    assert all(x["apply"]["mode"] in ("免申即享", "需申报", "待确认") for x in body["results"])
    page2 = client.post("/api/match", params={"as_of": "2025-06-01", "show": "ineligible,expired",
                                              "limit": 5, "offset": 5}, json=profile).json()
    assert len(page2["results"]) <= 5 and {x["status"] for x in page2["results"]} <= {"ineligible", "expired"}
    assert client.post("/api/match", params={"show": "bogus"}, json=profile).status_code == 400
    assert json.dumps(body, ensure_ascii=False)


def test_match_bad_inputs(client):
    _error(client.post("/api/match", content='{"region": "阿拉善左旗",'.encode(), headers={"content-type": "application/json"}),
           400, "malformed_json")
    _error(client.post("/api/match", json=["阿拉善左旗"]), 422, "invalid_input")
    _error(client.post("/api/match"), 422, "invalid_input")
    body = _error(client.post("/api/match", json={"employees": 3}), 422, "invalid_profile")
    assert any(e.startswith("region") for e in body["errors"])
    body = _error(client.post("/api/match", json={"region": "阿拉善左旗", "employees": "3200万"}), 422, "invalid_profile")
    assert "employees" in body["detail"] and "3200万" in body["detail"]
    _error(client.post("/api/match", json={"region": "火星"}), 422, "invalid_profile")
    _error(client.post("/api/match", params={"as_of": "2024-13-01"}, json={"region": "阿拉善左旗"}), 400, "bad_request")


def test_request_body_size_limit(client):
    big = json.dumps({"region": "阿拉善左旗", "facts": {"备注": "长" * 600_000}}).encode()
    assert len(big) > 1024 * 1024
    _error(client.post("/api/match", content=big, headers={"content-type": "application/json"}), 413,
           "payload_too_large")


def test_internal_error_is_json_without_trace(client, state, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(state.search, "search", boom)
    r = client.get("/api/search", params={"q": "补贴"})
    body = _error(r, 500, "internal_error")
    assert "secret" not in r.text and "passwd" not in body["detail"]


def test_json_response_serialises_non_string_keys():
    from huiqi.web.api import json_response

    r = json_response({"a": 1, "by_id": {3: "x"}})
    assert r.body == b'{"a":1,"by_id":{"3":"x"}}'
    assert r.media_type == "application/json"
