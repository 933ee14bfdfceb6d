"""诉求 over HTTP: the API of issue 14 end to end, permissions and scope
(a 旗区 officer cannot read another 旗区's request, even by id), a double
submit of the same reply form yields one event, the working-day API, the
台账 xlsx with its events sheet, the 定期通报, the calendar admin, and the
pages (firm and officer, CSRF on forms)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from fastapi.testclient import TestClient

from tests.services.requests_env import HANDLER_UNIT, PASSWORD, REQUEST, make_accounts


@pytest.fixture(scope="module")
def ws(tmp_path_factory, ):
    """``(client, tokens)`` over a fresh KB with the 诉求 accounts; ``HUIQI_NOW`` fixed."""
    import os

    from huiqi.kb.db import get_engine, upgrade
    from huiqi.web import create_app

    old = os.environ.get("HUIQI_NOW")
    os.environ["HUIQI_NOW"] = "2026-09-30T09:00"
    url = f"sqlite:///{tmp_path_factory.mktemp('requests') / 'kb.db'}"
    eng = get_engine(url)
    upgrade(eng)
    make_accounts(eng)
    eng.dispose()
    with TestClient(create_app(url, autofill=False), raise_server_exceptions=False) as c:
        tokens = {}
        for name in ("firm", "firm2", "intake", "handler", "handler2", "right_banner", "league", "other_unit"):
            r = c.post("/api/auth/token", json={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        yield c, tokens
    if old is None:
        os.environ.pop("HUIQI_NOW", None)
    else:
        os.environ["HUIQI_NOW"] = old


def test_workdays_api(ws):
    c, _t = ws
    assert c.get("/api/workdays/add?start=2026-09-30&days=3").json() == {"date": "2026-10-10", "provisional": False}
    assert c.get("/api/workdays/add?start=2026-02-13&days=3").json()["date"] == "2026-02-25"
    assert c.get("/api/workdays/add?start=2026-12-30&days=3").json() == {"date": "2027-01-05", "provisional": True}
    assert c.get("/api/workdays/add?start=2026-13-01&days=3").status_code == 422
    assert c.get("/api/workdays/add?start=2026-01-01&days=-1").status_code == 422


def test_api_whole_path_and_scope(ws):
    c, t = ws
    r = c.post("/api/requests", json=REQUEST, headers=t["firm"])
    assert r.status_code == 201, r.text
    body = r.json()
    rid = body["id"]
    assert body["status"] == "submitted" and body["no"].startswith("SQ-2026-") and body["deadlines"] == []
    # scope: another 旗区 cannot read it, even by id; another firm neither
    assert c.get(f"/api/requests/{rid}", headers=t["right_banner"]).status_code == 404
    assert c.get(f"/api/requests/{rid}", headers=t["firm2"]).status_code == 404
    assert rid not in [x["id"] for x in c.get("/api/requests", headers=t["right_banner"]).json()]
    assert c.post(f"/api/requests/{rid}/route", json={"unit": HANDLER_UNIT, "class": "一般"},
                  headers=t["right_banner"]).status_code == 404
    assert c.get("/api/requests-queues", headers=t["firm"]).status_code == 403
    # route → 3 wd reply clock on the 调休 Saturday
    r = c.post(f"/api/requests/{rid}/route", json={"unit": HANDLER_UNIT, "class": "一般"}, headers=t["intake"])
    assert r.status_code == 200, r.text
    reply = next(d for d in r.json()["deadlines"] if d["kind"] == "reply")
    assert reply["due"] == "2026-10-10" and reply["provisional"] is False and reply["met"] is None
    assert c.post(f"/api/requests/{rid}/sign", headers=t["other_unit"]).status_code == 403
    assert c.post(f"/api/requests/{rid}/sign", headers=t["handler"]).status_code == 200
    # the same reply posted twice with one Idempotency-Key: one event
    body = {"content": "已答复：审批在自然资源局，预计 10 个工作日。", "channel": "书面", "outcome": "解决"}
    key = {"Idempotency-Key": "reply-form-1"}
    r1 = c.post(f"/api/requests/{rid}/reply", json=body, headers={**t["handler"], **key})
    r2 = c.post(f"/api/requests/{rid}/reply", json=body, headers={**t["handler"], **key})
    assert r1.status_code == r2.status_code == 200 and r1.json()["applied"] and not r2.json()["applied"]
    assert [e["kind"] for e in r2.json()["events"]].count("reply") == 1
    # without the key a second reply is a state conflict
    assert c.post(f"/api/requests/{rid}/reply", json=body, headers=t["handler2"]).status_code == 409
    # the firm sees its view, and is dissatisfied → 重新办理
    firm_view = c.get(f"/api/requests/{rid}", headers=t["firm"]).json()
    assert firm_view["actions"] == ["opinion"] and all(e["kind"] != "escalate" for e in firm_view["events"])
    r = c.post(f"/api/requests/{rid}/opinion", json={"satisfied": False, "level": 2, "comment": "时间不明确"},
               headers=t["firm"])
    assert r.json()["status"] == "in_progress" and r.json()["reopen_count"] == 1
    c.post(f"/api/requests/{rid}/reply", json={**body, "content": "补充：10月20日前办结。", "outcome": "已解释"},
           headers=t["handler2"])
    c.post(f"/api/requests/{rid}/opinion", json={"satisfied": True, "level": 4}, headers=t["firm"])
    # 回访: not the handler, the 盟
    revisit = {"level": 4, "resolved": "已解决", "notes": "审批材料较多"}
    assert c.post(f"/api/requests/{rid}/revisit", json=revisit, headers=t["handler"]).status_code == 403
    r = c.post(f"/api/requests/{rid}/revisit", json=revisit, headers=t["league"])
    assert r.json()["status"] == "closed", r.text
    assert [e["kind"] for e in r.json()["events"]] == ["submit", "route", "sign", "reply", "opinion", "reply",
                                                       "opinion", "revisit"]
    assert c.post(f"/api/requests/{rid}/unknown", headers=t["league"]).status_code == 404
    # inboxes: the unit got the transfer, the firm the reply, another 旗区 nothing of it
    assert any("转办诉求" in n["text"] for n in c.get("/api/notifications", headers=t["handler"]).json())
    assert any("已办理反馈" in n["text"] for n in c.get("/api/notifications", headers=t["firm"]).json())
    assert not any(n["request_id"] == rid for n in c.get("/api/notifications", headers=t["right_banner"]).json())
    # bad input: clear Chinese message naming the field
    bad = c.post("/api/requests", json={**REQUEST, "region": "火星"}, headers=t["firm"])
    assert bad.status_code == 422 and "region" in bad.json()["detail"]
    # status page: code + last 4 digits
    code = firm_view["query_code"]
    assert c.get(f"/api/requests-status?code={code}&phone4=1234").json()["status_label"] == "已办结"
    assert c.get(f"/api/requests-status?code={code}&phone4=0000").status_code == 404


def test_ledger_report_and_calendar(ws):
    c, t = ws
    r = c.get("/api/requests-ledger.xlsx", headers=t["league"])
    assert r.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["诉求台账", "办理过程"]
    ledger = list(wb["诉求台账"].iter_rows(values_only=True))
    events = list(wb["办理过程"].iter_rows(values_only=True))
    assert ledger[0][0] == "编号" and len(ledger) >= 2 and len(events) >= 9
    assert c.get("/api/requests-ledger.xlsx", headers=t["firm"]).status_code == 403
    rep = c.get("/api/requests-report?start=2026-09-01&end=2026-10-31", headers=t["league"]).json()
    assert rep["total"]["received"] >= 1 and rep["by_region"][0]["name"] == "阿拉善左旗"
    assert rep["total"]["reopen_rate"] is not None and "opinion" in rep["total"]["satisfaction"]
    # calendar: only admins edit
    days = {"days": [{"date": "2027-01-04", "workday": False, "note": "测试"}], "source": "测试通知"}
    assert c.put("/api/calendar/overrides", json=days, headers=t["league"]).status_code == 403


def test_pages_firm_and_officer(ws):
    c, _t = ws

    def login(name):
        c.cookies.clear()
        page = c.get("/officer/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return c.post("/officer/login", data={"username": name, "password": PASSWORD, "csrf_token": token,
                                              "next": "/officer"}, follow_redirects=False)

    r = login("firm")
    assert r.headers["location"] == "/requests"
    page = c.get("/requests/new")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf, "form_token": "page-token-1", "title": "融资担保咨询", "content": "想了解担保贴息政策。",
            "category": "融资", "region": "152921", "contact_name": "李", "contact_phone": "13911112222"}
    r = c.post("/requests/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    again = c.post("/requests/new", data=form, follow_redirects=False)      # double submit: same request
    assert again.headers["location"].split("?")[0] == r.headers["location"].split("?")[0]
    no_csrf = c.post("/requests/new", data={k: v for k, v in form.items() if k != "csrf_token"})
    assert no_csrf.status_code == 403
    detail = c.get(r.headers["location"])
    assert "融资担保咨询" in detail.text and "进度查询码" in detail.text
    assert c.get("/officer/requests").status_code == 403
    login("intake")
    lst = c.get("/officer/requests")
    assert lst.status_code == 200 and "待分办" in lst.text and "融资担保咨询" in lst.text
    rid = int(re.search(r'/officer/requests/(\d+)">SQ-\d{4}-\d+ · 融资担保咨询', lst.text).group(1))
    page = c.get(f"/officer/requests/{rid}")
    assert 'id="form-route"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post(f"/officer/requests/{rid}/route", data={"csrf_token": csrf, "form_token": "f1", "class": "复杂",
                                                       "unit": HANDLER_UNIT}, follow_redirects=True)
    assert "分办转办已完成" in r.text and "已转办待签收" in r.text
    assert c.get("/officer/requests/report").status_code == 200
    cal = c.get("/officer/calendar?year=2027")
    assert "日历待确认" in cal.text
    login("right_banner")
    assert c.get(f"/officer/requests/{rid}").status_code == 404
    assert c.get("/requests/status?code=NOPE&phone4=1234").status_code == 404


def test_attachments(ws):
    c, t = ws
    rid = c.post("/api/requests", json={**REQUEST, "title": "附件测试"}, headers=t["firm"]).json()["id"]
    files = [("files", ("营业执照.pdf", b"%PDF-1.4 test")), ("files", ("说明.txt", "补充说明".encode()))]
    r = c.post(f"/api/requests/{rid}/attachments", files=files, headers=t["firm"])
    assert r.status_code == 201, r.text
    ids = [a["id"] for a in r.json()]
    view = c.get(f"/api/requests/{rid}", headers=t["intake"]).json()
    assert [a["file_name"] for a in view["attachments"]] == ["营业执照.pdf", "说明.txt"]
    assert [e["kind"] for e in view["events"]] == ["submit", "attachment", "attachment"]
    got = c.get(f"/api/request-attachments/{ids[1]}", headers=t["intake"])
    assert got.status_code == 200 and got.content == "补充说明".encode()
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''%E8%AF%B4%E6%98%8E.txt"
    # kept in the database with the request (any host of the database serves it), not on this host's disk
    from sqlalchemy import select

    from huiqi.kb.blobs import StoredFile
    from huiqi.kb.db import session_scope

    with session_scope(c.app.state.huiqi.engine) as s:
        stored = {f.content for f in s.scalars(select(StoredFile))}
    assert {b"%PDF-1.4 test", "补充说明".encode()} <= stored
    # scope: another 旗区 or another firm cannot fetch it, even by id
    assert c.get(f"/api/request-attachments/{ids[0]}", headers=t["right_banner"]).status_code == 404
    assert c.get(f"/api/request-attachments/{ids[0]}", headers=t["firm2"]).status_code == 404
    assert c.post(f"/api/requests/{rid}/attachments", files=files, headers=t["firm2"]).status_code == 404
    # a wrong type or an empty file: 422 naming the file, nothing stored
    bad = c.post(f"/api/requests/{rid}/attachments", files=[("files", ("a.pdf", b"x")), ("files", ("run.exe", b"MZ"))],
                 headers=t["firm"])
    assert bad.status_code == 422 and "run.exe" in bad.json()["detail"]
    assert len(c.get(f"/api/requests/{rid}", headers=t["firm"]).json()["attachments"]) == 2
    with session_scope(c.app.state.huiqi.engine) as s:
        assert b"x" not in {f.content for f in s.scalars(select(StoredFile))}
