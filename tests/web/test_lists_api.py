"""Firms and 免申即享 lists over HTTP: the import endpoint, per-role firm
views (404 for another firm, masked tax data), corrections, the list API
exactly as issue 13 lists it, four eyes, the public 公示 data and
objections, payments after the 公示 (``HUIQI_NOW``), audited exports, and
the pages (CSRF on every form, the public page's double-submit token)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.services.firms_env import uscc
from tests.services.lists_env import AWARD_AS_OF, AWARD_KEY, PASSWORD, corpus_copy, make_accounts, register_file


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """``(client, headers by user, register path)`` over a corpus copy; ``HUIQI_NOW`` 2026-09-30."""
    import os

    from huiqi.kb.db import get_engine
    from huiqi.web import create_app

    tmp = tmp_path_factory.mktemp("listsweb")
    old = os.environ.get("HUIQI_NOW")
    os.environ["HUIQI_NOW"] = "2026-09-30T09:00"
    url = corpus_copy(tmp)
    eng = get_engine(url)
    make_accounts(eng)
    eng.dispose()
    with TestClient(create_app(url, autofill=False), raise_server_exceptions=False) as c:
        h = {}
        for name in ("zhang", "li", "als", "firm3"):
            r = c.post("/api/auth/token", json={"username": name, "password": PASSWORD})
            h[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        yield c, h, register_file(tmp, bank={3: "6222020200112233445"})
    if old is None:
        os.environ.pop("HUIQI_NOW", None)
    else:
        os.environ["HUIQI_NOW"] = old


def _import(c, h, path, source="市场监管"):
    with open(path, "rb") as fh:
        return c.post("/api/firms/import", files={"file": (path.name, fh, "text/csv")},
                      data={"source": source, "as_of": "2025-12-31"}, headers=h)


def test_firm_api(ws):
    c, h, path = ws
    assert _import(c, h["firm3"], path).status_code == 403
    r = _import(c, h["als"], path)          # the 盟 officer may only import firms of 阿拉善盟
    assert r.status_code == 200 and r.json()["n_firms"] == 6
    assert any(e.startswith("第4行（注册地）") and "不在您的管辖范围内" in e for e in r.json()["errors"])
    r = _import(c, h["zhang"], path)
    body = r.json()
    assert r.status_code == 200 and body["n_firms"] == 20 and body["n_new"] == 14 and body["errors"] == []
    bad = c.post("/api/firms/import", files={"file": ("x.xls", b"abc", "application/vnd.ms-excel")}, headers=h["zhang"])
    assert bad.status_code == 422 and "不支持的文件类型" in bad.json()["detail"]
    own = c.get(f"/api/firms/{uscc(3)}", headers=h["firm3"]).json()
    assert own["profile"]["revenue"] == 260000000 and own["sources"]["revenue"]["source"] == "市场监管"
    assert c.get(f"/api/firms/{uscc(20)}", headers=h["firm3"]).status_code == 404
    assert c.get(f"/api/firms/{uscc(3)}", headers=h["als"]).status_code == 404
    assert c.get(f"/api/firms/{uscc(3)}", headers=h["zhang"]).json()["profile"]["revenue"]["hidden"] is True
    assert c.get(f"/api/firms/{uscc(3)}", headers=h["li"]).json()["profile"]["revenue"] == 260000000
    r = c.post(f"/api/firms/{uscc(3)}/corrections", json={"key": "employees", "value": 185, "note": "年末参保"},
               headers=h["firm3"])
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert c.post(f"/api/firms/{uscc(3)}/corrections", json={"key": "nope", "value": 1}, headers=h["firm3"]).status_code == 422
    pending = c.get("/api/firm-corrections", headers=h["zhang"]).json()
    assert [p["firm_code"] for p in pending] == [uscc(3)]
    r = c.post(f"/api/firm-corrections/{pending[0]['id']}/decision", json={"confirm": True}, headers=h["zhang"])
    assert r.status_code == 200 and r.json()["changed"] == [uscc(3)]
    assert c.get(f"/api/firms/{uscc(3)}", headers=h["li"]).json()["profile"]["employees"] == 185


def test_list_api_flow(ws, monkeypatch):
    c, h, path = ws
    if c.get(f"/api/firms/{uscc(3)}", headers=h["li"]).status_code == 404:
        _import(c, h["zhang"], path)
    r = c.post("/api/lists", json={"clause_id": AWARD_KEY, "mode": "B", "as_of": AWARD_AS_OF}, headers=h["zhang"])
    assert r.status_code == 201, r.text
    lst = r.json()
    lid = lst["id"]
    assert lst["status"] == "draft" and {f["code"] for f in lst["firms"]} == {uscc(3), uscc(20)}
    assert all(f["citation"] == lst["citation"] for f in lst["firms"])
    assert c.post("/api/lists", json={"clause_id": AWARD_KEY, "mode": "Z"}, headers=h["zhang"]).status_code == 422
    e20 = next(f for f in lst["firms"] if f["code"] == uscc(20))
    r = c.post(f"/api/lists/{lid}/entries/{uscc(20)}", json={"decision": "exclude"}, headers=h["zhang"])
    assert r.status_code == 422 and "理由" in r.json()["detail"]
    r = c.post(f"/api/lists/{lid}/entries/{uscc(20)}", json={"decision": "exclude", "reason": "缺少银行账户",
                                                              "version": e20["version"]}, headers=h["zhang"])
    assert r.status_code == 200
    stale = c.post(f"/api/lists/{lid}/entries/{uscc(20)}", json={"decision": "include", "version": e20["version"]},
                   headers=h["li"])
    assert stale.status_code == 409
    assert c.post(f"/api/lists/{lid}/submit", headers=h["zhang"]).json()["status"] == "submitted"
    assert c.post(f"/api/lists/{lid}/approve", json={"meeting_ref": "党组会纪要"}, headers=h["zhang"]).status_code == 403
    assert c.post(f"/api/lists/{lid}/approve", json={"meeting_ref": "同意发放"}, headers=h["li"]).status_code == 422
    r = c.post(f"/api/lists/{lid}/approve", json={"meeting_ref": "2026年第9次党组会纪要"}, headers=h["li"])
    assert r.status_code == 200 and r.json()["approved_by"] == "li"
    r = c.post(f"/api/lists/{lid}/publicize", json={"working_days": 5}, headers=h["zhang"])
    assert r.json()["publicity_end"] == "2026-10-13"
    pub = c.get(f"/api/lists/{lid}/public").json()                  # no login
    assert [row["主体"] for row in pub["rows"]] == ["示例·草原乳业科技股份公司（虚构）"] and uscc(3) not in str(pub)
    r = c.post(f"/api/lists/{lid}/objections", json={"entry_id": pub["rows"][0]["entry_id"], "content": "资质已过期",
                                                      "contact_phone": "13900001234"})
    assert r.status_code == 201
    oid = r.json()["id"]
    assert c.post(f"/api/lists/{lid}/objections", json={"entry_id": 1, "content": "x"}).status_code == 422
    pay = {"code": uscc(3), "action": "notify"}
    assert c.post(f"/api/lists/{lid}/payments", json=pay, headers=h["zhang"]).status_code == 409   # 公示 running
    monkeypatch.setenv("HUIQI_NOW", "2026-10-14T09:00")
    assert c.post(f"/api/lists/{lid}/payments", json=pay, headers=h["zhang"]).status_code == 409   # objection pending
    r = c.post(f"/api/lists/{lid}/objections/{oid}/decision", json={"upheld": False, "reason": "认定有效期至2027年"},
               headers=h["zhang"])
    assert r.status_code == 200
    for step in (pay, {"code": uscc(3), "action": "request"}, {"code": uscc(3), "action": "paid", "ref": "财拨101"}):
        r = c.post(f"/api/lists/{lid}/payments", json=step, headers=h["zhang"])
        assert r.status_code == 200, r.text
    assert next(f for f in r.json()["firms"] if f["code"] == uscc(3))["pay_status"] == "paid"
    x = c.get(f"/api/lists/{lid}/export.xlsx?kind=公示", headers=h["zhang"])
    rows = list(load_workbook(BytesIO(x.content))["公示名单"].iter_rows(values_only=True))
    assert x.status_code == 200 and rows[1][1] == "示例·草原乳业科技股份公司（虚构）" and len(rows) == 2
    assert c.get(f"/api/lists/{lid}/export.xlsx?kind=payment", headers=h["zhang"]).status_code == 403
    x = c.get(f"/api/lists/{lid}/export.xlsx?kind=payment", headers=h["li"])
    assert list(load_workbook(BytesIO(x.content))["拨付清单"].iter_rows(values_only=True))[1][4] == "6222020200112233445"
    assert c.get(f"/api/lists/{lid}/export.xlsx?kind=other", headers=h["li"]).status_code == 422
    diff = c.get(f"/api/lists/{lid}/diff", headers=h["zhang"]).json()
    # no rule or register change since: a new list would hold the same firms and amounts
    assert (diff["added"], diff["removed"], diff["amount_changed"]) == ([], [], [])
    assert diff["rule_version_id"]["old"] == diff["rule_version_id"]["new"]
    # every change and export is in the audit log
    from huiqi.kb.audit import AuditEntry
    from huiqi.kb.db import session_scope
    engine = c.app.state.huiqi.engine
    with session_scope(engine) as s:
        actions = [a for (a,) in s.query(AuditEntry.action).filter(AuditEntry.object_id == str(lid))]
    for a in ("list.create", "list.entry", "list.submit", "list.approve", "list.publicize", "list.objection",
              "list.objection_decide", "list.payment", "list.export"):
        assert a in actions, a
    assert actions.count("list.export") == 2


def test_pages_and_public_objection(ws):
    c, h, path = ws
    if c.get(f"/api/firms/{uscc(3)}", headers=h["li"]).status_code == 404:
        _import(c, h["zhang"], path)

    def login(name):
        c.cookies.clear()
        page = c.get("/officer/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        c.post("/officer/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/officer"})

    login("zhang")
    page = c.get("/officer/lists")
    assert page.status_code == 200 and 'id="list-create"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert c.post("/officer/lists", data={"clause_id": AWARD_KEY, "mode": "B", "as_of": AWARD_AS_OF}).status_code == 403
    r = c.post("/officer/lists", data={"csrf_token": csrf, "clause_id": AWARD_KEY, "mode": "B", "as_of": AWARD_AS_OF})
    assert r.status_code == 200 and "匹配到 2 家企业" in r.text and "风险提示：缺少银行账户" in r.text
    lid = int(re.search(r"/officer/lists/(\d+)/submit", r.text).group(1))
    r = c.post(f"/officer/lists/{lid}/submit", data={"csrf_token": csrf})
    assert "已提交审批" in r.text
    assert c.get(f"/officer/firms/{uscc(3)}").status_code == 200
    login("firm3")
    mine = c.get("/my-firm")
    assert mine.status_code == 200 and "申请更正" in mine.text and "260000000" in mine.text
    assert c.get(f"/officer/lists/{lid}").status_code == 403
    login("li")
    page = c.get(f"/officer/lists/{lid}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post(f"/officer/lists/{lid}/approve", data={"csrf_token": csrf, "meeting_ref": "行署会议纪要〔2026〕7号"})
    assert "已审批" in r.text
    r = c.post(f"/officer/lists/{lid}/publicize", data={"csrf_token": csrf, "working_days": "5"})
    assert "公示中" in r.text
    c.cookies.clear()
    pub = c.get(f"/gongshi/{lid}")
    assert pub.status_code == 200 and "示例·草原乳业科技股份公司（虚构）" in pub.text and uscc(3) not in pub.text
    assert "6222" not in pub.text
    entry = re.search(r'<option value="(\d+)"', pub.text).group(1)
    form = {"entry_id": entry, "content": "该企业的资质已被撤销", "contact_phone": "13900001234"}
    assert c.post(f"/gongshi/{lid}/objection", data=form).status_code == 403          # no token
    token = re.search(r'name="csrf_token" value="([^"]+)"', pub.text).group(1)
    r = c.post(f"/gongshi/{lid}/objection", data={**form, "csrf_token": token})
    assert r.status_code == 200 and "异议已收到" in r.text
    r = c.post(f"/gongshi/{lid}/objection", data={**form, "csrf_token": token, "contact_phone": "12"})
    assert r.status_code == 422 and "联系电话" in r.text
