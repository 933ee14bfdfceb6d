"""Browser test of 免申即享 end to end (Playwright + Debian chromium,
headless) on its own live server over the real corpus, with the clock set
by ``HUIQI_NOW``:

1. an officer imports the example register on the 企业库 page;
2. a reviewed rule is published (the 专精特新 award: written by one officer,
   approved by another — before that, a paying list for the clause is
   refused);
3. [push: the inbox message and e-mail to the firms it reaches are added by
   the push work at merge — see the marked place below];
4. the officer creates a mode-B list and excludes one firm with a reason;
5. a second officer approves it with the meeting minutes (the author
   cannot) and starts a 5-working-day 公示;
6. the public 公示 page (no login, 375 px) shows the list — 主体、依据、金额、
   内容, no code or account — and takes an objection, which the officer
   dismisses after checking;
7. after the 公示 working days (``HUIQI_NOW`` moved past the end), the
   payments are recorded and the 兑现台账 and payment file are exported to
   xlsx.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.services.firms_env import uscc
from tests.services.lists_env import (
    AWARD_AS_OF,
    AWARD_KEY,
    PASSWORD,
    corpus_copy,
    make_accounts,
    register_file,
    retire_reviewed,
)
from tests.web.conftest import serve_in_thread, shot
from tests.web.test_browser_officer import _fits


@pytest.fixture(scope="module")
def lists_server(tmp_path_factory):
    """``(base URL, register path, clause id, retired rule body)`` of uvicorn over a corpus copy with the
    list accounts; the award's reviewed rule retired (to be published again); now = 2026-09-30 09:00."""
    import os

    from sqlalchemy import select

    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.models import Clause
    from huiqi.web import create_app

    tmp = tmp_path_factory.mktemp("lists-browser")
    old = os.environ.get("HUIQI_NOW")
    os.environ["HUIQI_NOW"] = "2026-09-30T09:00"
    url = corpus_copy(tmp)
    eng = get_engine(url)
    make_accounts(eng)
    body = retire_reviewed(eng)
    with session_scope(eng) as s:
        clause_id = s.scalars(select(Clause.id).where(Clause.key == AWARD_KEY).order_by(Clause.id.desc())).first()
    eng.dispose()
    app = create_app(url, autofill=False)
    app.state.huiqi.ensure()
    with serve_in_thread(app) as base:
        yield base, register_file(tmp, bank={3: "6222020200112233445"},
                                  extra={3: {"事实.联系邮箱": "firm3@example.cn"}}), clause_id, body, url
    if old is None:
        os.environ.pop("HUIQI_NOW", None)
    else:
        os.environ["HUIQI_NOW"] = old


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/officer/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _at(text: str) -> None:
    """Move the server's clock (``HUIQI_NOW``, Beijing time; same process)."""
    import os

    os.environ["HUIQI_NOW"] = text


def _token(page, base, user):
    r = page.request.post(base + "/api/auth/token", data={"username": user, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _create_list(page, base):
    page.goto(base + "/officer/lists")
    page.fill("#list-clause", AWARD_KEY)
    page.select_option("#list-mode", "B")
    page.fill("#list-as-of", AWARD_AS_OF)
    _submit(page, "#do-create")


def test_mianshen_jixiang_end_to_end(page, phone, lists_server):
    base, register, clause_id, rule_body, db_url = lists_server
    # 1. the officer imports the register
    _login(page, base, "zhang")
    page.goto(base + "/officer/firms")
    page.set_input_files("#firm-file", str(register))
    page.select_option("#firm-source", "市场监管")
    _submit(page, "#do-import")
    assert page.locator("#n-firms").inner_text() == "20"
    assert "画像变化 20 家" in page.locator("#import-report").inner_text()

    # 2. without a published reviewed rule no paying list; then one officer writes it and another approves it
    _create_list(page, base)
    assert "只能依据已审核发布的规则" in page.locator("#msg").inner_text()
    zhang, li = _token(page, base, "zhang"), _token(page, base, "li")
    r = page.request.post(f"{base}/api/rules/{clause_id}/versions", data={"rule": rule_body}, headers=zhang)
    assert r.status == 201, r.text()
    vid = r.json()["id"]
    assert page.request.post(f"{base}/api/rule-versions/{vid}/submit", headers=zhang).ok
    assert page.request.post(f"{base}/api/rule-versions/{vid}/approve", headers=zhang).status == 403  # four eyes
    _at("2024-06-01T10:00")  # the award's list is in force on this day: the push screens on "today"
    assert page.request.post(f"{base}/api/rule-versions/{vid}/approve", headers=li).ok

    # 3. push (精准推送): the firms this rule reaches get an inbox message and an e-mail (local SMTP server)
    from huiqi.kb.db import get_engine
    from tests.smtp_local import local_smtp
    from tests.web.push_e2e import assert_firm_reached, deliver_push

    with local_smtp() as box:
        eng = get_engine(db_url)
        pushed, sent = deliver_push(eng, box)
        eng.dispose()
        assert sent.errors == []
        subject = assert_firm_reached(page, base, "firm3", PASSWORD, box, email="firm3@example.cn",
                                      title_part="47.")
        assert "50万元" in subject or "47." in subject
    _at("2026-09-30T09:00")
    _login(page, base, "zhang")

    # 4. the mode-B list; one firm excluded with a reason
    _create_list(page, base)
    assert "匹配到 2 家企业" in page.locator("#msg").inner_text()
    assert "风险提示：缺少银行账户" in page.locator(f"#entry-{uscc(20)}").inner_text()
    form = page.locator(f"#entry-{uscc(20)} form.entry-form")
    form.locator("select[name=decision]").select_option("exclude")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "剔除企业时必须写明理由" in page.locator("#msg").inner_text()
    form = page.locator(f"#entry-{uscc(20)} form.entry-form")
    form.locator("select[name=decision]").select_option("exclude")
    form.locator("input[name=reason]").fill("未提供银行账户，转企业自行申报")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "剔除" in page.locator(f"#entry-{uscc(20)}").inner_text()
    _submit(page, "#do-submit")
    assert page.locator("#list-status").inner_text() == "待审批"
    assert page.locator("#form-approve").count() == 0          # the author has no approve form
    list_url = page.url.split("?")[0]

    # 5. a second officer approves with the meeting minutes, then the 公示 starts
    _login(page, base, "li")
    page.goto(list_url)
    page.fill("#meeting-ref", "2026年第9次党组会纪要")
    _submit(page, "#do-approve")
    assert page.locator("#list-status").inner_text() == "已审批待公示"
    page.fill("#working-days", "5")
    _submit(page, "#do-publicize")
    basis = page.locator("#list-basis").inner_text()
    assert "公示 2026-09-30 至 2026-10-13" in basis and "审批 li（2026年第9次党组会纪要）" in basis
    shot(page, "list-page-desktop")
    lid = list_url.rstrip("/").split("/")[-1]

    # 6. the public 公示 page on a phone: 主体、依据、金额、内容 only; it takes an objection
    _at("2026-10-09T10:00")
    phone.goto(f"{base}/gongshi/{lid}")
    text = phone.locator("main").inner_text()
    assert "示例·草原乳业科技股份公司（虚构）" in text and "500,000" in text and "专精特新" in text
    assert "驼奶" not in text and uscc(3) not in text and "6222" not in text
    _fits(phone)
    phone.fill("#objection-content", "该企业认定证书已过有效期")
    phone.fill("#objection-phone", "13900001234")
    _submit(phone, "#do-objection")
    assert "异议已收到" in phone.locator("#msg").inner_text()
    shot(phone, "gongshi-phone")
    page.goto(list_url)
    assert "该企业认定证书已过有效期" in page.locator("#objections").inner_text()
    page.locator("#objections input[name=reason]").fill("核查认定文件，有效期至2027年")
    with page.expect_navigation():
        page.locator("#objections button[value='0']").click()
    assert "异议不成立" in page.locator("#objections").inner_text()

    # 7. after the 公示 working days: payments recorded and exported
    _at("2026-10-14T09:00")
    page.goto(list_url)
    for action, field, value in (("notify", None, None), ("request", None, None), ("paid", "ref", "财拨〔2026〕101号")):
        form = page.locator(f"#entry-{uscc(3)} form.pay-form")
        form.locator("select[name=action]").select_option(action)
        if field:
            form.locator(f"input[name={field}]").fill(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "已记录兑现" in page.locator("#msg").inner_text()
    assert "已拨付" in page.locator(f"#entry-{uscc(3)}").inner_text()
    with page.expect_download() as dl:
        page.click("#export-ledger")
    book = load_workbook(BytesIO(open(dl.value.path(), "rb").read()))
    rows = list(book["兑现台账"].iter_rows(values_only=True))
    paid = next(r for r in rows if r[1] == uscc(3))
    assert paid[4] == "纳入" and paid[7] == "已拨付" and paid[8] == "2026-10-14"
    assert next(r for r in rows if r[1] == uscc(20))[5] == "未提供银行账户，转企业自行申报"
    assert [r[3] for r in book["兑现过程"].iter_rows(min_row=2, values_only=True)] == ["notify", "request", "paid"]
    with page.expect_download() as dl:
        page.click("#export-payment")
    pay = list(load_workbook(BytesIO(open(dl.value.path(), "rb").read()))["拨付清单"].iter_rows(values_only=True))
    assert pay[1][2:5] == (uscc(3), 500000, "6222020200112233445")
    # the officer's list page fits a phone too
    _login(phone, base, "zhang")
    phone.goto(list_url)
    _fits(phone)
