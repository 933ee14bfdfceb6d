"""Browser test of the 诉求 path (Playwright + Debian chromium, headless) on
its own live server, with ``HUIQI_NOW`` fixed: a firm submits on a phone;
the 旗区 service officer routes it (desktop); the handler signs and replies
(phone); the firm is dissatisfied, so it is reopened; the handler replies
again; the firm is satisfied; the 盟 officer does the 回访 and closes it;
the 台账 export shows the whole trail. Every phone page fits 375 px.
Screenshots go to ``test-artifacts/`` (``request-page-desktop.png`` is the
README's)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from tests.services.requests_env import HANDLER_UNIT, PASSWORD, make_accounts
from tests.web.conftest import serve_in_thread, shot
from tests.web.test_browser_officer import _fits


@pytest.fixture(scope="module")
def requests_server(tmp_path_factory):
    """Base URL of uvicorn over a KB with the 诉求 accounts; now = 2026-09-30 09:00 (Beijing)."""
    import os

    from huiqi.kb.db import get_engine, upgrade
    from huiqi.web import create_app

    old = os.environ.get("HUIQI_NOW")
    os.environ["HUIQI_NOW"] = "2026-09-30T09:00"
    url = f"sqlite:///{tmp_path_factory.mktemp('requests-browser') / 'kb.db'}"
    eng = get_engine(url)
    upgrade(eng)
    make_accounts(eng)
    eng.dispose()
    app = create_app(url, autofill=False)
    app.state.huiqi.ensure()
    with serve_in_thread(app) as base:
        yield base, url
    if old is None:
        os.environ.pop("HUIQI_NOW", None)
    else:
        os.environ["HUIQI_NOW"] = old


def _login(page, base, username, landing):
    page.context.clear_cookies()
    page.goto(base + "/officer/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.rstrip("/").endswith(landing), page.url


def _at(text: str) -> None:
    """Move the server's clock (``HUIQI_NOW``, Beijing time; same process)."""
    import os

    os.environ["HUIQI_NOW"] = text


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_request_path_firm_officer_handler_league(page, phone, requests_server, tmp_path):
    base, url = requests_server
    # 1. the firm submits on a phone
    _at("2026-09-30T09:00")
    _login(phone, base, "firm", "/requests")
    _fits(phone)
    _submit(phone, "#new-request")
    phone.select_option("#category", "项目审批")
    phone.fill("#title", "厂房项目用地审批进度")
    phone.fill("#content", "新建厂房项目用地审批已提交两个月，请帮助了解进度并协调办理。")
    phone.select_option("#region", "152921")
    phone.fill("#contact-name", "王经理")
    phone.fill("#contact-phone", "13900001234")
    material = tmp_path / "用地审批受理回执.pdf"
    material.write_bytes(b"%PDF-1.4 receipt")
    phone.set_input_files("#files", str(material))
    _fits(phone)
    _submit(phone, "#submit-request")
    assert "进度查询码" in phone.locator(".notice").inner_text()
    rid = int(re.search(r"/requests/(\d+)", phone.url).group(1))
    code = phone.locator("#query-code").inner_text()
    assert "用地审批受理回执.pdf" in phone.locator("#attachments").inner_text()
    _fits(phone)

    # 2. the 旗区 service officer routes it within the working day (desktop)
    _at("2026-09-30T15:20")
    _login(page, base, "intake", "/officer")
    page.goto(base + "/officer/requests")
    assert "厂房项目用地审批进度" in page.locator("#q-route").inner_text()
    _submit(page, f"#q-route a[href='/officer/requests/{rid}']")
    page.select_option("#route-class", "一般")
    page.fill("#route-unit", HANDLER_UNIT)
    _submit(page, "#do-route")
    assert "分办转办已完成" in page.locator("#msg").inner_text()
    clocks = page.locator("#clocks").inner_text()
    assert "2026-10-10" in clocks                       # 3 working days: the 调休 Saturday

    # the tick the morning after the holidays: 催办 on the overdue 签收, 提醒 on the reply due tomorrow
    from huiqi.kb.db import get_engine
    from huiqi.services.request_clocks import tick
    from huiqi.services.requests import parse_now

    eng = get_engine(url)
    issued = tick(eng, parse_now("2026-10-09T08:00")).issued
    assert sorted((k, r) for _no, k, r in issued) == [("reply", "提醒"), ("sign", "催办")]
    assert tick(eng, parse_now("2026-10-09T08:05")).issued == []
    eng.dispose()

    # 3. the handler signs and replies, on a phone
    _at("2026-10-09T09:10")
    _login(phone, base, "handler", "/officer")
    phone.goto(base + f"/officer/requests/{rid}")
    _fits(phone)
    _submit(phone, "#do-sign")
    _at("2026-10-09T11:30")
    phone.fill("#reply-content", "经核实，用地审批已报自然资源局，预计 10 月 20 日前完成。")
    phone.select_option("#reply-outcome", "部分解决")
    _submit(phone, "#do-reply")
    assert "已反馈待企业意见" in phone.locator("p.meta").inner_text()
    _fits(phone)
    shot(phone, "request-page-phone")

    # 4. the firm is not satisfied → 重新办理
    _at("2026-10-09T16:00")
    _login(phone, base, "firm", "/requests")
    phone.goto(base + f"/requests/{rid}")
    phone.check("#dissatisfied")
    phone.fill("#opinion-comment", "没有说明还缺哪些材料")
    _submit(phone, "#submit-opinion")
    assert "办理中" in phone.locator("p.meta").inner_text()
    _fits(phone)

    # 5. the handler replies again
    _at("2026-10-12T10:00")
    _login(phone, base, "handler2", "/officer")
    phone.goto(base + f"/officer/requests/{rid}")
    phone.fill("#reply-content", "补充说明：尚缺规划许可证复印件，已电话告知企业，收到后 3 日内办结。")
    phone.select_option("#reply-outcome", "已解释")
    _submit(phone, "#do-reply")

    # 6. the firm is satisfied this time
    _at("2026-10-12T14:30")
    _login(phone, base, "firm", "/requests")
    phone.goto(base + f"/requests/{rid}")
    _submit(phone, "#submit-opinion")
    assert "待回访" in phone.locator("p.meta").inner_text()

    # 7. the 盟 officer does the 回访 and closes it (the handler cannot)
    _at("2026-10-13T10:00")
    _login(page, base, "handler", "/officer")
    page.goto(base + f"/officer/requests/{rid}")
    assert page.locator("#form-revisit").count() == 0
    _login(page, base, "league", "/officer")
    page.goto(base + "/officer/requests")
    assert "厂房项目用地审批进度" in page.locator("#q-revisit").inner_text()
    page.goto(base + f"/officer/requests/{rid}")
    page.select_option("#revisit-resolved", "已解决")
    page.select_option("#revisit-level", "4")
    page.fill("#revisit-notes", "企业反映审批材料清单不够清楚")
    _submit(page, "#do-revisit")
    assert "已办结" in page.locator("p.meta").inner_text()
    timeline = page.locator("#timeline").inner_text()
    for step in ("提交诉求", "分办转办", "签收", "办理反馈", "企业意见", "回访"):
        assert step in timeline, step
    shot(page, "request-page-desktop")

    # 8. the 台账 export holds the whole trail
    page.goto(base + "/officer/requests")
    with page.expect_download() as dl:
        page.click("#ledger-xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(open(dl.value.path(), "rb").read()))
    ledger = list(wb["诉求台账"].iter_rows(values_only=True))
    events = [r for r in wb["办理过程"].iter_rows(values_only=True) if r[0] == ledger[1][0]]
    assert ledger[1][10] == "已办结" and ledger[1][18] == 1
    assert [e[3] for e in events] == ["提交诉求", "补充材料", "分办转办", "督办提醒", "督办提醒", "签收", "办理反馈", "企业意见",
                                      "办理反馈", "企业意见", "回访"]
    # the public status page answers to the code plus the phone's last 4 digits
    phone.context.clear_cookies()
    phone.goto(base + f"/requests/status?code={code}&phone4=1234")
    assert "已办结" in phone.locator("#status-result").inner_text()
    _fits(phone)

    # 9. the 盟 officer's queues, 定期通报 and calendar on a phone
    _login(phone, base, "league", "/officer")
    for path in ("/officer/requests", "/officer/requests/report?start=2026-09-01&end=2026-10-31",
                 "/officer/calendar?year=2027"):
        phone.goto(base + path)
        _fits(phone)
    phone.goto(base + "/officer/requests/report?start=2026-09-01&end=2026-10-31")
    report = phone.locator("#by-unit").inner_text()
    assert HANDLER_UNIT in report and "100.0%" in report        # replied on time; reopened once
    shot(phone, "requests-report-phone")
    phone.goto(base + "/officer/calendar?year=2027")
    assert "日历待确认" in phone.locator("#provisional-year").inner_text()
