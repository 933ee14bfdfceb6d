"""Officer workspace over HTTP: every permission for every role, region
scope by list and by id, drafts kept out of public views, optimistic
locking, CSRF on forms, login lock-out, and the audit trail."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from fastapi.testclient import TestClient

from tests.web.officer_env import ACCOUNTS, BAOTOU, PASSWORD, bearer, build, doc_id

ROLES_OF = {name: role for name, (role, _r, _f) in ACCOUNTS.items()}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """``(client, tokens)``: the app over a fresh officer knowledge base and
    one bearer token per account."""
    from huiqi.web import create_app

    url = build(tmp_path_factory.mktemp("officer"))
    with TestClient(create_app(url, autofill=False), raise_server_exceptions=False) as c:
        tokens = {}
        for name in ACCOUNTS:
            r = c.post("/api/auth/token", json={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[name] = r.json()["access_token"]
        yield c, tokens


def _upload(c, token, name="baotou.txt", data=BAOTOU.encode()):
    return c.post("/api/officer/documents", files=[("files", (name, data))], headers=bearer(token))


def _page_login(c, username, password=PASSWORD):
    """Log in through the page form (double-submit token); returns the response."""
    r = c.get("/officer/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    return c.post("/officer/login", data={"username": username, "password": password, "csrf_token": token,
                                          "next": "/officer"}, follow_redirects=False)


def _csrf(c, path="/officer"):
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text).group(1)


def test_token_answer_and_wrong_password(ws):
    c, _tokens = ws
    r = c.post("/api/auth/token", json={"username": "bt_officer", "password": PASSWORD})
    body = r.json()
    assert body["token_type"] == "bearer" and body["role"] == "officer" and body["expires_at"].endswith("Z")
    me = c.get("/api/auth/me", headers=bearer(body["access_token"])).json()
    assert me["username"] == "bt_officer" and me["region_name"] == "包头市" and "rule.review" not in me["permissions"]
    bad = c.post("/api/auth/token", json={"username": "bt_officer", "password": "wrong-password"})
    assert bad.status_code == 401 and bad.json() == {"error": "unauthorized", "detail": "用户名或密码错误"}
    assert c.post("/api/auth/token", json={"username": "x"}).status_code == 422
    assert c.get("/api/officer/documents", headers=bearer("not-a-token")).status_code == 401


# (method, path) → roles allowed; every other role gets 403, no credentials 401
ENDPOINTS = [
    ("GET", "/api/officer/documents", {"officer", "reviewer", "admin"}),
    ("GET", "/api/officer/lifecycle", {"officer", "reviewer", "admin"}),
    ("GET", "/api/officer/lifecycle.xlsx", {"officer", "reviewer", "admin"}),
    ("GET", "/api/users", {"admin"}),
    ("GET", "/api/audit", {"admin"}),
    ("POST", "/api/users/999999/unlock", {"admin"}),
    ("PATCH", "/api/users/999999", {"admin"}),
    ("POST", "/api/users", {"admin"}),
    ("POST", "/api/officer/documents", {"officer", "reviewer", "admin"}),
    ("PATCH", "/api/documents/999999", {"officer", "reviewer", "admin"}),
    ("POST", "/api/documents/999999/status", {"officer", "reviewer", "admin"}),
    ("GET", "/api/officer/documents/999999", {"officer", "reviewer", "admin"}),
]


@pytest.mark.parametrize("account", [*ACCOUNTS, None])
@pytest.mark.parametrize(("method", "path", "allowed"), ENDPOINTS)
def test_permission_matrix(ws, account, method, path, allowed):
    c, tokens = ws
    headers = bearer(tokens[account]) if account else {}
    kwargs = {}
    if path == "/api/officer/documents" and method == "POST":
        kwargs["files"] = [("files", ("empty.txt", b""))]  # refused after the permission check
    elif method in ("POST", "PATCH"):
        kwargs["json"] = {"username": "", "fields": {"title": "x"}, "version": 0, "status": "published"}
    r = c.request(method, path, headers=headers, **kwargs)
    if account is None:
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    elif ROLES_OF[account] in allowed:
        assert r.status_code not in (401, 403), (account, r.text)
        if "999999" in path:
            assert r.status_code == 404 and r.json()["error"] == "not_found"
    else:
        assert r.status_code == 403, (account, r.text)
        assert r.json()["error"] == "forbidden" and "无权访问" in r.json()["detail"]


OFFICER_PAGES = ["/officer", "/officer/upload", "/officer/lifecycle", "/officer/lifecycle.xlsx", "/officer/users",
                 "/officer/audit", "/officer/documents/1"]


@pytest.mark.parametrize("path", OFFICER_PAGES)
def test_pages_need_login_and_refuse_enterprise(ws, path):
    c, _tokens = ws
    c.cookies.clear()
    r = c.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/officer/login?next=")
    assert _page_login(c, "firm").status_code == 303
    r = c.get(path)
    assert r.status_code == 403 and "无权访问" in r.text
    c.cookies.clear()


def test_admin_pages_refuse_officer(ws):
    c, _tokens = ws
    c.cookies.clear()
    _page_login(c, "bt_officer")
    assert c.get("/officer").status_code == 200
    assert c.get("/officer/users").status_code == 403
    assert c.get("/officer/audit").status_code == 403
    c.cookies.clear()


def test_region_scope_by_list_and_by_id(ws):
    c, tokens = ws
    admin_docs = {d["title"]: d["id"] for d in c.get("/api/officer/documents", headers=bearer(tokens["admin"])).json()}
    alxa = next(i for t, i in admin_docs.items() if "阿拉善左旗" in t)
    ordos = next(i for t, i in admin_docs.items() if "鄂尔多斯" in t)

    def titles(name):
        return " ".join(d["title"] for d in c.get("/api/officer/documents", headers=bearer(tokens[name])).json())

    assert "阿拉善左旗" in titles("alxa_officer") and "鄂尔多斯" not in titles("alxa_officer")
    assert "阿拉善左旗" in titles("als_league") and "鄂尔多斯" not in titles("als_league")  # 盟 sees its 旗
    assert "阿拉善左旗" not in titles("bt_officer") and "鄂尔多斯" not in titles("bt_officer")
    # by id: another region answers exactly like an unknown id
    for method, path, kw in [("GET", f"/api/officer/documents/{alxa}", {}),
                             ("PATCH", f"/api/documents/{alxa}", {"json": {"version": 0, "fields": {"title": "改"}}}),
                             ("POST", f"/api/documents/{alxa}/status", {"json": {"version": 0, "status": "repealed"}}),
                             ("POST", f"/api/documents/{alxa}/interpretations",
                              {"data": {"kind": "text", "title": "t", "body": "b"}})]:
        r = c.request(method, path, headers=bearer(tokens["bt_officer"]), **kw)
        assert r.status_code == 404, (method, path, r.text)
    assert c.get(f"/api/officer/documents/{alxa}", headers=bearer(tokens["alxa_officer"])).status_code == 200
    assert c.get(f"/api/officer/documents/{ordos}", headers=bearer(tokens["alxa_officer"])).status_code == 404
    # the page too
    c.cookies.clear()
    _page_login(c, "bt_officer")
    assert c.get(f"/officer/documents/{alxa}").status_code == 404
    c.cookies.clear()
    # a 旗 officer may not move a document into another region
    r = c.patch(f"/api/documents/{alxa}", headers=bearer(tokens["alxa_officer"]),
                json={"version": 0, "fields": {"region": "包头市"}})
    assert r.status_code == 422 and "不在您的管辖范围内" in r.json()["detail"]


def test_upload_stays_draft_until_published(ws):
    c, tokens = ws
    tok = tokens["bt_officer"]
    r = _upload(c, tok)
    assert r.status_code == 201, r.text
    rep = r.json()["files"][0]
    assert rep["status"] == "added" and rep["documents"] == 1 and rep["clauses"] >= 2 and rep["facts"] >= 2
    did = rep["document_ids"][0]
    # a draft: officers only
    assert c.get(f"/api/documents/{did}").status_code == 404
    assert c.get(f"/document/{did}").status_code == 404
    assert all(d["id"] != did for d in c.get("/api/documents").json())
    assert c.get(f"/api/policies?doc={did}").status_code == 404
    assert not [x for x in c.get("/api/search", params={"q": "小巨人 奖励"}).json() if x["document"]["id"] == did]
    view = c.get(f"/api/officer/documents/{did}", headers=bearer(tok)).json()
    assert view["status"] == "draft" and view["meta_version"] == 1
    clause_ids = [x["id"] for x in view["clauses"]]
    assert c.get(f"/api/policies/{clause_ids[0]}").status_code == 404
    # extracted values with the lines they came from
    assert view["extracted"]["doc_number"] == "包府办发〔2026〕12号"
    assert view["sources"]["doc_number"][0]["line"] == 3
    assert view["extracted"]["validity_end"] == "2026-12-31"
    assert any("2026年12月31日" in x["text"] for x in view["sources"]["validity_end"])
    # another 盟市's officer cannot see it
    assert c.get(f"/api/officer/documents/{did}", headers=bearer(tokens["alxa_officer"])).status_code == 404

    # correct the validity (optimistic lock)
    r = c.patch(f"/api/documents/{did}", headers=bearer(tok),
                json={"version": 1, "fields": {"validity_end": "2028-12-31"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["current"]["validity_end"] == "2028-12-31" and body["extracted"]["validity_end"] == "2026-12-31"
    assert body["meta_version"] == 2
    assert all(cl["validity"]["end"] == "2028-12-31" for cl in body["clauses"])
    stale = c.patch(f"/api/documents/{did}", headers=bearer(tok),
                    json={"version": 1, "fields": {"validity_end": "2029-12-31"}})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict" and "当前版本 2" in stale.json()["detail"]
    bad = c.patch(f"/api/documents/{did}", headers=bearer(tok),
                  json={"version": 2, "fields": {"issued": "2026-13-01", "validity_start": "2029-01-01",
                                                 "level": "省委", "nonsense": 1}})
    assert bad.status_code == 422
    problems = bad.json()["errors"]
    assert any("印发日期" in p for p in problems) and any("层级" in p for p in problems)
    assert any("未知字段" in p for p in problems) and any("起始日期晚于截止日期" in p for p in problems)

    # publish: public and searchable, calculator reloaded
    r = c.post(f"/api/documents/{did}/status", headers=bearer(tok), json={"status": "published", "version": 2})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert c.get(f"/api/documents/{did}").status_code == 200
    hits = c.get("/api/search", params={"q": "小巨人 奖励"}).json()
    assert any(x["document"]["id"] == did for x in hits)
    assert c.get(f"/api/policies/{clause_ids[0]}").json()["validity"]["end"] == "2028-12-31"
    match = c.post("/api/match?show=all", json={"region": "包头市"}).json()
    assert any(x["id"] in clause_ids for x in match["results"])

    # the audit trail of the three steps, with before/after
    audit = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"object_type": "document",
                                                                          "object_id": str(did)}).json()
    actions = [e["action"] for e in audit["entries"]]
    assert actions[:2] == ["document.publish", "document.edit"]
    edit = audit["entries"][1]
    assert edit["before"] == {"validity_end": "2026-12-31"} and edit["after"] == {"validity_end": "2028-12-31"}
    assert edit["username"] == "bt_officer" and edit["ip"]
    uploads = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"action": "document.upload"}).json()
    assert any(did in e["after"]["documents"] for e in uploads["entries"])


def test_upload_reports_each_file(ws):
    c, tokens = ws
    r = c.post("/api/officer/documents", headers=bearer(tokens["bt_officer"]), files=[
        ("files", ("a.exe", b"MZ\x00\x00")), ("files", ("empty.txt", b"")),
        ("files", ("外地.txt", "鄂尔多斯市人民政府关于某事的通知\n\n一、对企业奖励5万元。\n".encode()))])
    assert r.status_code == 201
    files = r.json()["files"]
    assert files[0]["status"] == "failed" and "不支持的文件类型" in files[0]["error"]
    assert files[1]["status"] == "failed" and "文件为空" in files[1]["error"]
    assert files[2]["status"] == "added"
    assert any("不在您的管辖范围内" in w for w in files[2]["warnings"])  # kept in the uploader's scope
    did = files[2]["document_ids"][0]
    assert c.get(f"/api/officer/documents/{did}", headers=bearer(tokens["bt_officer"])).status_code == 200
    only_bad = c.post("/api/officer/documents", headers=bearer(tokens["bt_officer"]),
                      files=[("files", ("b.pdf", b"not a pdf"))])
    assert only_bad.status_code == 422


def test_forged_posts_are_refused(ws):
    c, tokens = ws
    c.cookies.clear()
    # a login form posted without the login page's token
    r = c.post("/officer/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"},
               follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    assert _page_login(c, "admin").status_code == 303
    did = doc_id(c, tokens["admin"], "鄂尔多斯")
    good = _csrf(c)
    for data in ({"version": "0", "title": "被篡改"}, {"version": "0", "title": "被篡改", "csrf_token": "x" * 32}):
        r = c.post(f"/officer/documents/{did}/edit", data=data, follow_redirects=False)
        assert r.status_code == 403, data
    r = c.post("/officer/users", data={"username": "forged", "password": "12345678910", "role": "admin"})
    assert r.status_code == 403
    # JavaScript calls with the cookie need the header
    r = c.patch(f"/api/documents/{did}", json={"version": 0, "fields": {"title": "被篡改"}})
    assert r.status_code == 403 and r.json()["error"] == "csrf_failed"
    assert c.post("/officer/logout", follow_redirects=False).status_code == 403
    view = c.get(f"/api/officer/documents/{did}", headers=bearer(tokens["admin"])).json()
    assert "被篡改" not in view["title"]
    users = c.get("/api/users", headers=bearer(tokens["admin"])).json()
    assert "forged" not in {u["username"] for u in users}
    # with the token the same form works
    r = c.post("/officer/users", data={"username": "made_by_form", "password": "12345678910", "role": "officer",
                                       "region": "150200", "csrf_token": good}, follow_redirects=False)
    assert r.status_code == 303
    assert c.post("/officer/logout", data={"csrf_token": good}, follow_redirects=False).status_code == 303
    assert c.get("/officer", follow_redirects=False).status_code == 303  # the session is gone
    c.cookies.clear()


def test_lockout_and_unlock_are_audited(ws):
    c, tokens = ws
    r = c.post("/api/users", headers=bearer(tokens["admin"]),
               json={"username": "lock_me", "password": PASSWORD, "role": "officer", "region": "包头市"})
    assert r.status_code == 201
    uid = r.json()["id"]
    codes = [c.post("/api/auth/token", json={"username": "lock_me", "password": f"wrong-{i}"}).status_code
             for i in range(5)]
    assert codes == [401, 401, 401, 401, 423]
    right = c.post("/api/auth/token", json={"username": "lock_me", "password": PASSWORD})
    assert right.status_code == 423 and right.json()["error"] == "locked"
    entries = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"username": "lock_me"}).json()["entries"]
    assert "user.lock" in [e["action"] for e in entries]
    assert [e["action"] for e in entries].count("login.failure") == 6
    r = c.post(f"/api/users/{uid}/unlock", headers=bearer(tokens["admin"]))
    assert r.status_code == 200 and r.json()["locked"] is False
    assert c.post("/api/auth/token", json={"username": "lock_me", "password": PASSWORD}).status_code == 200
    unlock = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"action": "user.unlock"}).json()["entries"]
    assert unlock[0]["object_id"] == str(uid) and unlock[0]["username"] == "admin"
    assert unlock[0]["before"]["locked_until"]


def test_role_change_is_audited(ws):
    c, tokens = ws
    r = c.post("/api/users", headers=bearer(tokens["admin"]),
               json={"username": "promote_me", "password": PASSWORD, "role": "officer", "region": "包头市"})
    uid = r.json()["id"]
    assert c.post("/api/users", headers=bearer(tokens["admin"]),
                  json={"username": "promote_me", "password": PASSWORD, "role": "officer"}).status_code == 409
    bad = c.post("/api/users", headers=bearer(tokens["admin"]),
                 json={"username": "e1", "password": PASSWORD, "role": "enterprise", "firm_code": "123"})
    assert bad.status_code == 422 and "统一社会信用代码" in bad.json()["detail"]
    r = c.patch(f"/api/users/{uid}", headers=bearer(tokens["admin"]), json={"role": "reviewer"})
    assert r.status_code == 200 and r.json()["role"] == "reviewer"
    e = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"action": "user.role"}).json()["entries"][0]
    assert e["before"] == {"role": "officer"} and e["after"] == {"role": "reviewer"}
    me = c.get("/api/users", headers=bearer(tokens["admin"])).json()
    admin_id = next(u["id"] for u in me if u["username"] == "admin")
    assert c.patch(f"/api/users/{admin_id}", headers=bearer(tokens["admin"]),
                   json={"role": "officer"}).status_code == 422
    assert all("password" not in k for u in me for k in u)


def test_interpretation_shown_on_clause_page(ws):
    c, tokens = ws
    did = doc_id(c, tokens["alxa_officer"], "阿拉善左旗")
    r = c.post(f"/api/documents/{did}/interpretations", headers=bearer(tokens["alxa_officer"]),
               data={"kind": "text", "title": "一图读懂民营经济措施", "body": "纳税额首次超过500万元<script>x</script>"})
    assert r.status_code == 201, r.text
    r = c.post(f"/api/documents/{did}/interpretations", headers=bearer(tokens["alxa_officer"]),
               data={"kind": "file", "title": "解读文件"}, files={"file": ("解读.txt", "政策解读全文".encode())})
    assert r.status_code == 201
    fid = r.json()["id"]
    bad = c.post(f"/api/documents/{did}/interpretations", headers=bearer(tokens["alxa_officer"]),
                 data={"kind": "link", "title": "x", "url": "javascript:alert(1)"})
    assert bad.status_code == 422
    listed = c.get(f"/api/documents/{did}/interpretations").json()
    assert [i["title"] for i in listed] == ["一图读懂民营经济措施", "解读文件"]
    assert c.get(f"/api/interpretations/{fid}/file").content.decode() == "政策解读全文"
    clause = c.get(f"/api/documents/{did}").json()["clauses"][0]["id"]
    page = c.get(f"/clause/{clause}").text
    assert "一图读懂民营经济措施" in page and "<script>x</script>" not in page


def test_lifecycle_board_and_export(ws):
    c, tokens = ws
    b = c.get("/api/officer/lifecycle", headers=bearer(tokens["admin"])).json()
    unknown = [d["title"] for d in b["sections"]["validity_unknown"]["items"]]
    assert any("鄂尔多斯" in t for t in unknown)
    assert b["clauses"]["total"] >= 3 and b["clauses"]["rules_available"] is True
    scoped = c.get("/api/officer/lifecycle", headers=bearer(tokens["alxa_officer"])).json()
    assert not scoped["sections"]["validity_unknown"]["items"]  # 鄂尔多斯 is outside 阿拉善左旗
    r = c.get("/api/officer/lifecycle.xlsx", headers=bearer(tokens["admin"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws_ = load_workbook(BytesIO(r.content)).active
    rows = [[c_.value for c_ in row] for row in ws_.iter_rows()]
    assert rows[1][:3] == ["类别", "文件ID", "标题"]
    assert any(r_[0] == "有效期未知" and "鄂尔多斯" in (r_[2] or "") for r_ in rows)
    exports = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"action": "lifecycle.export"}).json()
    assert exports["entries"][0]["username"] == "admin"
    c.cookies.clear()
    _page_login(c, "admin")
    page = c.get("/officer/lifecycle").text
    assert "有效期未知" in page and "/officer/documents/" in page
    c.cookies.clear()


def test_stale_form_edit_gives_409_page(ws):
    c, tokens = ws
    did = doc_id(c, tokens["admin"], "鄂尔多斯")
    c.cookies.clear()
    _page_login(c, "admin")
    html = c.get(f"/officer/documents/{did}").text
    version = int(re.search(r'name="version" value="(\d+)"', html).group(1))
    token = _csrf(c, f"/officer/documents/{did}")
    ok = c.post(f"/officer/documents/{did}/edit", data={"csrf_token": token, "version": str(version),
                                                         "validity_end": "2027-06-30"}, follow_redirects=False)
    assert ok.status_code == 303
    stale = c.post(f"/officer/documents/{did}/edit", data={"csrf_token": token, "version": str(version),
                                                            "validity_end": "2027-07-31"})
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    assert c.get(f"/api/documents/{did}").json()["validity"]["end"] == "2027-06-30"
    c.cookies.clear()


def test_audit_log_is_append_only(ws):
    c, tokens = ws
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    engine = c.app.state.huiqi.engine
    with pytest.raises(DatabaseError):
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET action = 'x'"))
    with pytest.raises(DatabaseError):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    assert c.get("/api/audit", headers=bearer(tokens["admin"])).json()["total"] > 0


def test_ip_throttle(tmp_path):
    """Many failures from one address are refused (429) before the password is checked."""
    from huiqi.kb.accounts import MAX_IP_FAILURES
    from huiqi.web import create_app

    url = build(tmp_path, accounts={"someone": ("officer", None, None)})
    with TestClient(create_app(url, autofill=False), raise_server_exceptions=False) as c:
        for i in range(MAX_IP_FAILURES):
            c.post("/api/auth/token", json={"username": f"nobody{i}", "password": "wrong-password"})
        r = c.post("/api/auth/token", json={"username": "someone", "password": PASSWORD})
        assert r.status_code == 429 and r.json()["error"] == "too_many_attempts"


def test_machine_upload_token_is_not_a_user_and_is_audited(ws, monkeypatch):
    c, tokens = ws
    monkeypatch.setenv("HUIQI_ADMIN_TOKEN", "machine-token-0123456789")
    machine = bearer("machine-token-0123456789")
    assert c.get("/api/officer/documents", headers=machine).status_code == 401  # machine uploads only
    r = c.post("/api/admin/documents", headers=machine, files={"file": (
        "machine.txt", "内蒙古自治区关于某项工作的通知\n\n一、对企业奖励8万元。（责任单位：自治区工业和信息化厅）\n".encode())})
    assert r.status_code == 201, r.text
    e = c.get("/api/audit", headers=bearer(tokens["admin"]), params={"action": "document.upload"}).json()["entries"][0]
    assert e["username"] == "HUIQI_ADMIN_TOKEN" and e["after"]["file"] == "machine.txt"


def test_upload_and_interpretation_forms_without_script(ws):
    c, _tokens = ws
    c.cookies.clear()
    _page_login(c, "bt_reviewer")
    token = _csrf(c, "/officer/upload")
    text = BAOTOU.replace("包府办发〔2026〕12号", "包府办发〔2026〕13号").replace("高质量发展", "专精特新发展")
    r = c.post("/officer/upload", data={"csrf_token": token},
               files=[("files", ("baotou2.txt", text.encode())), ("files", ("x.doc", b"\xd0\xcf\x11\xe0"))])
    assert r.status_code == 200 and "导入报告" in r.text and "已导入（草稿）" in r.text and "不支持的文件类型" in r.text
    did = int(re.search(r'href="/officer/documents/(\d+)"', r.text).group(1))
    r = c.post(f"/officer/documents/{did}/interpretations", data={"csrf_token": token, "kind": "link",
                                                                  "title": "政策问答", "url": "https://example.org/qa"},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get(f"/officer/documents/{did}").text
    assert "政策问答" in page and "https://example.org/qa" in page
    bad = c.post(f"/officer/documents/{did}/interpretations", data={"csrf_token": token, "kind": "text", "title": ""})
    assert bad.status_code == 422 and "解读标题" in bad.text
    c.cookies.clear()


def test_upload_cannot_replace_a_file_of_another_region(ws):
    c, tokens = ws
    # alxa.txt holds the 阿拉善左旗 document: a 包头市 officer may not replace it
    r = _upload(c, tokens["bt_officer"], name="alxa.txt", data=BAOTOU.encode())
    f = r.json()["files"][0]
    assert r.status_code == 422 and f["status"] == "failed" and "同名文件" in f["error"]
    assert any("阿拉善左旗" in d["title"] for d in c.get("/api/documents").json())
