"""Browser test of the officer workspace (Playwright + Debian chromium,
headless) on its own live server: an admin creates an officer and a
reviewer; the officer logs in on a phone-sized screen, uploads a policy
document of another city, corrects its validity and publishes it; the
public page shows it; the officer corrects the extracted rule of one of
its clauses and submits it, a reviewer approves it, the calculator page
gives a firm the reviewed amount; the admin's audit page shows every step.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import serve_in_thread, shot
from tests.web.officer_env import BAOTOU, PASSWORD, build

#: the rule an officer writes for the 小巨人 clause of the uploaded 包头市 document
RULE_YAML = """excerpt: 对当年新认定的国家级专精特新
conditions:
  all:
    - {kind: membership, attribute: qualifications, operator: in, value: [专精特新“小巨人”企业], text: 国家级专精特新“小巨人”企业}
    - 当年新认定
benefit: {kind: fixed, amount_yuan: 500000, formula: 一次性奖励50万元}
reviewer_note: 新认定只能人工核对
cases:
  - {name: 小巨人企业, as_of: 2026-06-01, status: likely, min_yuan: 500000, max_yuan: 500000,
     profile: {region: 包头市, qualifications: [专精特新“小巨人”企业]}}
  - {name: 无资质, as_of: 2026-06-01, status: ineligible, profile: {region: 包头市, qualifications: []}}
"""


@pytest.fixture(scope="module")
def officer_server(tmp_path_factory):
    """Base URL of uvicorn serving an officer knowledge base with one admin."""
    from huiqi.web import create_app

    url = build(tmp_path_factory.mktemp("officer-browser"), accounts={"admin": ("admin", None, None)})
    app = create_app(url, autofill=False)
    app.state.huiqi.ensure()
    with serve_in_thread(app) as base:
        yield base


def _fits(page) -> None:
    """The page is not wider than the viewport (375 px phones)."""
    page.wait_for_load_state("load")
    m = page.evaluate("""() => ({width: window.innerWidth, scroll: document.documentElement.scrollWidth,
        wide: Array.from(document.body.querySelectorAll('*'))
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(-3)
              .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))})""")
    assert m["scroll"] <= m["width"], f"{page.url}: 页面宽 {m['scroll']}px，超出视口 {m['width']}px：{m['wide']}"


def _login(page, base, username, password=PASSWORD):
    page.goto(base + "/officer/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.rstrip("/").endswith("/officer"), page.url


def _logout(page):
    with page.expect_navigation():
        page.click("nav.officer-nav form button")
    assert "/officer/login" in page.url


def _create_user(page, username, role, region_code, unit):
    page.fill("#new-username", username)
    page.fill("#new-password", PASSWORD)
    page.select_option("#new-role", role)
    page.fill("#new-unit", unit)
    page.select_option("#new-region", region_code)
    with page.expect_navigation():
        page.click("#create-user-btn")
    assert page.locator(f"#user-{username}").count() == 1


def test_admin_creates_accounts_officer_uploads_corrects_publishes(page, phone, officer_server, tmp_path):
    base = officer_server
    # 1. the admin creates an officer and a reviewer of 包头市 (150200)
    _login(page, base, "admin")
    page.goto(base + "/officer/users")
    _create_user(page, "bt_officer", "officer", "150200", "包头市民营经济发展服务局")
    _create_user(page, "bt_reviewer", "reviewer", "150200", "包头市民营经济发展服务局")
    assert "已创建账号 bt_reviewer" in page.locator(".notice").inner_text()
    shot(page, "officer-users")
    _logout(page)

    # 2. the officer, on a phone, uploads a 包头市 document (a city the corpus does not have)
    doc = tmp_path / "包头市中小企业措施.txt"
    doc.write_text(BAOTOU, encoding="utf-8")
    _login(phone, base, "bt_officer")
    _fits(phone)
    phone.goto(base + "/officer/upload")
    _fits(phone)
    phone.set_input_files("#upload-files", str(doc))
    phone.click("#upload-form button[type=submit]")
    link = phone.locator("#upload-progress a.doc-link").first
    link.wait_for(timeout=60000)
    report = phone.locator("#upload-progress").inner_text()
    assert "已导入（草稿）" in report and "条款" in report
    assert phone.locator("#upload-progress progress").first.evaluate("e => e.value") == 100
    shot(phone, "officer-upload-report")
    with phone.expect_navigation():
        link.click()
    doc_id = int(re.search(r"/officer/documents/(\d+)", phone.url).group(1))
    assert "草稿" in phone.locator("p.meta").first.inner_text()
    # the extracted validity and the line it came from are shown beside the field
    extracted = phone.locator("#field-validity_end .extracted").inner_text()
    assert "2026-12-31" in extracted and "2026年12月31日" in extracted
    _fits(phone)
    # a draft is not public
    assert phone.request.get(f"{base}/api/documents/{doc_id}").status == 404

    # 3. correct the validity, then publish
    phone.fill("#in-validity_end", "2028-12-31")
    with phone.expect_navigation():
        phone.click("#save-metadata")
    assert "已保存" in phone.locator(".notice").first.inner_text()
    assert phone.locator("#in-validity_end").input_value() == "2028-12-31"
    with phone.expect_navigation():
        phone.click("#status-published")
    assert "已发布" in phone.locator(".notice").first.inner_text()
    shot(phone, "officer-document")
    phone.goto(base + "/officer/lifecycle")
    _fits(phone)
    shot(phone, "officer-lifecycle")

    # the public page now shows it with the corrected validity
    page.goto(f"{base}/document/{doc_id}")
    assert "包头市人民政府办公室关于支持中小企业高质量发展的若干措施" in page.locator("h1").inner_text()
    assert "2028-12-31" in page.content()

    # 4. the officer corrects the extracted rule of the 小巨人 clause and submits it
    clause_id = next(p["id"] for p in phone.request.get(f"{base}/api/policies?doc={doc_id}").json()
                     if "小巨人" in p["text"])
    phone.goto(base + "/officer/review")
    _fits(phone)
    assert phone.locator(f"#review-queue a[href='/officer/rules/{clause_id}']").count() == 1
    phone.goto(f"{base}/officer/rules/{clause_id}")
    _fits(phone)
    phone.fill("#rule-yaml", RULE_YAML)
    with phone.expect_navigation():
        phone.click("#btn-preview")
    assert "2/2 通过" in phone.locator("#cases").inner_text()
    with phone.expect_navigation():
        phone.click("#btn-submit")
    assert "已提交审核" in phone.locator(".notice").first.inner_text()
    shot(phone, "officer-rule-review")
    _logout(phone)

    # 5. the reviewer (another person) approves it
    _login(page, base, "bt_reviewer")
    page.goto(f"{base}/officer/rules/{clause_id}")
    shot(page, "officer-rule-review-desktop", full_page=False)
    with page.expect_navigation():
        page.locator("button[id^=approve-]").first.click()
    assert "已批准发布" in page.locator(".notice").first.inner_text()
    _logout(page)

    # 6. the calculator page gives a 小巨人 firm of 包头市 the reviewed rule's amount
    page.goto(base + "/calc")
    page.select_option("#f-region", "包头市")
    page.check("input[name=qualifications][value='专精特新“小巨人”企业']")
    with page.expect_navigation():
        page.click("#calc-submit")
    item = page.locator(f"article.result-item:has(a[href='/clause/{clause_id}'])")
    assert "已审核" in item.inner_text() and "50万元" in item.inner_text()

    # 7. the admin's audit page shows every step
    _login(page, base, "admin")
    page.goto(base + "/officer/audit")
    entries = page.locator("li.audit-entry")
    actions = [entries.nth(i).get_attribute("data-action") for i in range(entries.count())]
    for step in ("user.create", "document.upload", "document.edit", "document.publish", "login.success",
                 "rule.save", "rule.submit", "rule.approve"):
        assert step in actions, (step, actions)
    assert actions.count("user.create") == 2
    edit = page.locator("li.audit-entry[data-action='document.edit']").first
    assert "bt_officer" in edit.inner_text()
    edit.locator("summary").click()
    assert "2028-12-31" in edit.inner_text() and "2026-12-31" in edit.inner_text()
    shot(page, "officer-audit")
    page.goto(base + "/officer/lifecycle")
    assert page.locator("#expiring_30, #validity_unknown").count() == 2
    shot(page, "officer-lifecycle-desktop", full_page=False)

    # the admin pages fit a phone too (the officer logged out after submitting the rule)
    _login(phone, base, "admin")
    for path in ("/officer/users", "/officer/audit"):
        phone.goto(base + path)
        _fits(phone)
