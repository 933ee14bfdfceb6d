"""Rule review over HTTP (规则审核, four eyes): an officer writes and submits
a reviewed rule for a clause of its region, a reviewer other than the
author approves it, the calculator uses it at once, scope and permissions
hold, forms need CSRF, and every step is audited."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.officer_env import ACCOUNTS, PASSWORD, bearer, build

RULE = {
    "excerpt": "对年度纳税额首次超过500万元的民营企业",
    "conditions": {"all": [
        {"kind": "membership", "attribute": "ownership", "operator": "in", "value": ["民营"], "text": "民营企业"},
        {"kind": "text", "text": "年度纳税额首次超过500万元"}]},
    "benefit": {"kind": "fixed", "amount_yuan": 100000, "formula": "一次性奖励10万元"},
    "cases": [
        {"name": "民营企业", "as_of": "2025-06-01", "status": "likely", "min_yuan": 100000, "max_yuan": 100000,
         "profile": {"region": "阿拉善左旗", "ownership": "民营"}},
        {"name": "国有企业", "as_of": "2025-06-01", "status": "ineligible",
         "profile": {"region": "阿拉善左旗", "ownership": "国有"}},
    ],
}
FIRM = {"region": "阿拉善左旗", "ownership": "民营"}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """``(client, tokens, clause_id)`` over a fresh officer knowledge base."""
    from huiqi.web import create_app

    url = build(tmp_path_factory.mktemp("review"))
    with TestClient(create_app(url, autofill=False), raise_server_exceptions=False) as c:
        tokens = {name: c.post("/api/auth/token", json={"username": name, "password": PASSWORD}).json()["access_token"]
                  for name in ACCOUNTS}
        clause = next(p for p in c.get("/api/policies").json() if "纳税额首次超过500万元" in p["text"])
        yield c, tokens, clause["id"]


def _post(c, token, path, body=None):
    return c.post(path, json=body or {}, headers=bearer(token))


def _match_item(c, clause_id):
    out = c.post("/api/match?as_of=2025-06-01&show=all&limit=2000", json=FIRM).json()
    return next((r for r in out["results"] if r["id"] == clause_id), None)


def test_write_submit_approve_and_the_calculator_uses_it(ws):
    c, t, cid = ws
    assert (_match_item(c, cid) or {}).get("origin") == "extracted"
    r = _post(c, t["alxa_officer"], f"/api/rules/{cid}/versions", {"rule": RULE})
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["origin"] == "reviewed" and v["status"] == "draft" and v["author"] == "alxa_officer"
    assert v["rule"]["benefit"]["amount_yuan"] == 100000 and v["rule"]["clause_key"] == v["clause_key"]
    preview = _post(c, t["alxa_officer"], f"/api/rules/{cid}/preview", {"rule": RULE}).json()["cases"]
    assert [k["ok"] for k in preview] == [True, True], preview
    assert _post(c, t["alxa_officer"], f"/api/rule-versions/{v['id']}/approve").status_code == 403  # officer
    assert _post(c, t["alxa_officer"], f"/api/rule-versions/{v['id']}/submit").json()["status"] == "submitted"
    # a reviewer of another region does not even see it
    assert _post(c, t["bt_reviewer"], f"/api/rule-versions/{v['id']}/approve").status_code == 404
    assert c.get(f"/api/rules/{v['id']}", headers=bearer(t["bt_officer"])).status_code == 404
    ok = _post(c, t["admin"], f"/api/rule-versions/{v['id']}/approve")
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "published" and ok.json()["reviewer"] == "admin"
    item = _match_item(c, cid)
    assert item["origin"] == "reviewed" and item["benefit"]["max_yuan"] == 100000 and item["status"] == "likely"
    assert c.get(f"/api/rules/{v['id']}", headers=bearer(t["alxa_officer"])).json()["status"] == "published"
    # the audit log holds every step
    actions = [e["action"] for e in c.get("/api/audit", headers=bearer(t["admin"])).json()["entries"]
               if e.get("object_id") == str(v["id"])]
    assert {"rule.save", "rule.submit", "rule.approve"} <= set(actions)


def test_four_eyes_reject_and_validation(ws):
    c, t, cid = ws
    rule = dict(RULE, reviewer_note="管理员自己写的")
    v = _post(c, t["admin"], f"/api/rules/{cid}/versions", {"rule": rule}).json()
    _post(c, t["admin"], f"/api/rule-versions/{v['id']}/submit")
    own = _post(c, t["admin"], f"/api/rule-versions/{v['id']}/approve")
    assert own.status_code == 403 and "四眼" in own.json()["detail"]
    assert _post(c, t["admin"], f"/api/rule-versions/{v['id']}/reject", {"reason": ""}).status_code == 422
    rej = _post(c, t["admin"], f"/api/rule-versions/{v['id']}/reject", {"reason": "与原文一致，无需修改"})
    assert rej.json()["status"] == "rejected" and rej.json()["note"] == "与原文一致，无需修改"
    assert _post(c, t["admin"], f"/api/rule-versions/{v['id']}/submit").status_code == 409  # rejected: edit first
    bad = _post(c, t["alxa_officer"], f"/api/rules/{cid}/versions",
                {"rule": {"benefit": {"kind": "nonsense"}}})
    assert bad.status_code == 422 and "rule.benefit.kind" in bad.json()["detail"]
    wrong = _post(c, t["alxa_officer"], f"/api/rules/{cid}/versions", {"rule": dict(RULE, excerpt="原文里没有的话")})
    assert wrong.status_code == 422 and "excerpt" in wrong.json()["detail"]
    assert _post(c, t["firm"], f"/api/rules/{cid}/versions", {"rule": RULE}).status_code == 403


def test_lists_are_scoped_and_ranked(ws):
    c, t, cid = ws
    mine = c.get("/api/rules?origin=extracted&sort=priority", headers=bearer(t["alxa_officer"])).json()
    other = c.get("/api/rules?origin=extracted", headers=bearer(t["bt_officer"])).json()
    assert mine and not other  # 包头市 has no published document yet
    queue = c.get("/api/review-queue", headers=bearer(t["admin"])).json()
    assert queue and all(q["priority"] >= 1 for q in queue)
    assert [q["priority"] for q in queue if not q["pending"]] == sorted(
        (q["priority"] for q in queue if not q["pending"]), reverse=True)
    assert c.get("/api/review-queue", headers=bearer(t["firm"])).status_code == 403
    assert c.get("/api/rules").status_code == 401


def _login(c, username):
    r = c.get("/officer/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    c.post("/officer/login", data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/officer"})


def test_review_pages_with_csrf(ws, tmp_path):

    c, _t, cid = ws
    with TestClient(c.app, raise_server_exceptions=False) as page:
        _login(page, "alxa_officer")
        q = page.get("/officer/review")
        assert q.status_code == 200 and "规则审核队列" in q.text
        r = page.get(f"/officer/rules/{cid}")
        assert r.status_code == 200 and "条款原文" in r.text and "提交审核" in r.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
        forged = page.post(f"/officer/rules/{cid}", data={"action": "save", "rule": "benefit: {kind: text}"})
        assert forged.status_code == 403
        import yaml

        text = yaml.safe_dump(RULE, allow_unicode=True)
        pv = page.post(f"/officer/rules/{cid}", data={"action": "preview", "rule": text, "csrf_token": csrf})
        assert pv.status_code == 200 and "2/2 通过" in pv.text
        bad = page.post(f"/officer/rules/{cid}", data={"action": "save", "rule": "conditions: [", "csrf_token": csrf})
        assert bad.status_code == 422 and "YAML 格式错误" in bad.text
        und = page.post(f"/officer/rules/{cid}", data={"action": "undecidable", "rule": text, "csrf_token": csrf},
                        follow_redirects=True)
        assert und.status_code == 200 and "无法机器判断" in und.text
    with TestClient(c.app, raise_server_exceptions=False) as firm:
        _login(firm, "firm")
        assert firm.get("/officer/review", follow_redirects=False).status_code in (303, 403)
