"""Subscriptions and inbox over HTTP: create / list / delete with Chinese
422s, ownership (404 for another's), audit, the inbox newest first with
an enterprise account seeing only its firm's push messages, and the page
(CSRF on its forms, 375 px layout served)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from tests.services.requests_env import FIRM, OTHER_FIRM, PASSWORD, make_accounts


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """``(client, tokens, engine)`` over a fresh KB with the 诉求 accounts."""
    from huiqi.kb.db import get_engine, session_scope, upgrade
    from huiqi.kb.requests import Notification
    from huiqi.web import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('push') / 'kb.db'}"
    eng = get_engine(url)
    upgrade(eng)
    make_accounts(eng)
    with session_scope(eng) as s:
        for i, (code, text) in enumerate([(FIRM, "【符合】旧消息\n原文：a.txt 第1–1行"), (OTHER_FIRM, "【符合】别家的消息"),
                                          (FIRM, "【可能适用，需补充：从业人员】新消息")]):
            s.add(Notification(recipient_kind="firm", recipient=code, kind="push", text=text,
                               created_at=datetime(2026, 10, 1, 8, i), dedupe_key=f"k{i}", link="/clause/47"))
    with TestClient(create_app(url, autofill=False), raise_server_exceptions=False) as c:
        tokens = {}
        for name in ("firm", "firm2", "intake"):
            r = c.post("/api/auth/token", json={"username": name, "password": PASSWORD})
            tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        yield c, tokens, eng
    eng.dispose()


def test_subscriptions_api(ws):
    from sqlalchemy import select

    from huiqi.kb.audit import AuditEntry
    from huiqi.kb.db import session_scope

    c, t, eng = ws
    r = c.post("/api/subscriptions", json={"kind": "topic", "keywords": ["技术改造 补贴"], "region": "阿拉善盟",
                                           "frequency": "daily", "channels": ["inbox", "email"],
                                           "email": "owner@example.cn"}, headers=t["intake"])
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["region"] == "152900" and sub["frequency"] == "daily" and sub["owner_kind"] == "user"
    bad = c.post("/api/subscriptions", json={"kind": "topic", "channels": ["email"], "keywords": ["x"]},
                 headers=t["intake"])
    assert bad.status_code == 422 and "email" in bad.json()["detail"] and "邮箱" in bad.json()["detail"]
    empty = c.post("/api/subscriptions", json={"kind": "topic"}, headers=t["intake"])
    assert empty.status_code == 422 and "至少" in empty.json()["detail"]
    officer_eligible = c.post("/api/subscriptions", json={"kind": "eligible"}, headers=t["intake"])
    assert officer_eligible.status_code == 422 and "企业账号" in officer_eligible.json()["detail"]
    unknown_region = c.post("/api/subscriptions", json={"region": "火星"}, headers=t["intake"])
    assert unknown_region.status_code == 422 and "未知地区" in unknown_region.json()["detail"]
    firm = c.post("/api/subscriptions", json={"kind": "eligible", "channels": ["inbox", "sms"],
                                              "phone": "13800000000"}, headers=t["firm"])
    assert firm.status_code == 201 and firm.json()["owner_kind"] == "firm"
    assert [s["id"] for s in c.get("/api/subscriptions", headers=t["intake"]).json()] == [sub["id"]]
    assert c.delete(f"/api/subscriptions/{sub['id']}", headers=t["firm"]).status_code == 404  # not its own
    assert c.delete(f"/api/subscriptions/{sub['id']}", headers=t["intake"]).status_code == 204
    assert c.get("/api/subscriptions", headers=t["intake"]).json() == []
    assert c.get("/api/subscriptions").status_code == 401
    with session_scope(eng) as s:
        actions = [a.action for a in s.scalars(select(AuditEntry).where(AuditEntry.action.like("subscription.%")))]
    assert actions.count("subscription.create") == 2 and actions.count("subscription.delete") == 1


def test_inbox_newest_first_and_own_firm_only(ws):
    c, t, _ = ws
    rows = c.get("/api/inbox", headers=t["firm"]).json()
    assert [r["subject"] for r in rows][:2] == ["【可能适用，需补充：从业人员】新消息", "【符合】旧消息"]
    assert all("别家" not in r["text"] for r in rows)
    assert [r["subject"] for r in c.get("/api/inbox", headers=t["firm2"]).json()] == ["【符合】别家的消息"]
    assert c.get("/api/inbox", headers=t["intake"]).json() == []


def test_inbox_page_and_csrf(ws):
    c, _, _ = ws
    c.cookies.clear()
    page = c.get("/officer/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    c.post("/officer/login", data={"username": "firm", "password": PASSWORD, "csrf_token": token, "next": "/inbox"})
    html = c.get("/inbox")
    assert html.status_code == 200 and "新消息" in html.text and "别家" not in html.text
    assert 'name="viewport"' in html.text  # the base layout (375 px)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html.text).group(1)
    form = {"csrf_token": csrf, "kind": "topic", "keywords": "专精特新、技术改造", "frequency": "weekly",
            "channels": "inbox"}
    assert c.post("/inbox/subscriptions", data={k: v for k, v in form.items() if k != "csrf_token"}).status_code == 403
    r = c.post("/inbox/subscriptions", data=form, follow_redirects=True)
    assert "已订阅" in r.text and "专精特新、技术改造" in r.text and "每周汇总" in r.text
    bad = c.post("/inbox/subscriptions", data={**form, "channels": "email"}, follow_redirects=True)
    assert "订阅未保存" in bad.text and "邮箱" in bad.text
    c.cookies.clear()
