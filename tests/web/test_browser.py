"""Browser tests (Playwright + Debian chromium, headless): the user flows of
issue 5 on a live uvicorn server. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import shot


def _settle(page) -> None:
    """Wait until the page is fully loaded and laid out: the load event
    (stylesheet and scripts in), fonts ready, then two animation frames so
    the last style change has been laid out. Measuring earlier (right after
    a click, or when an element first appears while a large page is still
    streaming in) measures a page that is not finished — the cause of this
    test failing under CPU load."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => new Promise(r =>"
                  " requestAnimationFrame(() => requestAnimationFrame(r))))")


def _no_horizontal_scroll(page) -> None:
    """The settled page is not wider than the viewport (one measurement in
    one script, so a navigation cannot fall between the two numbers); on
    failure name the elements that stick out."""
    _settle(page)
    m = page.evaluate("""() => {
        const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
        const wide = scroll <= width ? [] : Array.from(document.body.querySelectorAll("*"))
            .filter(e => e.getBoundingClientRect().right > width + 0.5).slice(-3)
            .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
        return {width, scroll, wide, url: location.pathname};
    }""")
    assert m["scroll"] <= m["width"], f"{m['url']}: 页面宽 {m['scroll']}px，超出视口 {m['width']}px：{m['wide']}"


def test_search_to_clause_page(page, live_server):
    page.goto(live_server + "/")
    page.fill("input[name=q]", "稳岗返还怎么申请")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    first = page.locator("ol.results li.result").first
    assert first.locator("mark").count() >= 1  # highlighted query terms
    assert first.locator(".badge").count() >= 1
    shot(page, "search-results")
    title = first.locator("a.title").inner_text()
    first.locator("a.title").click()
    page.wait_for_url(re.compile(r"/clause/\d+"))
    assert page.locator("h1").inner_text().strip()[:6] in title or title[:6] in page.locator("h1").inner_text()
    assert page.locator("#original table.lines tr").count() >= 1
    assert page.locator("nav.crumbs a").count() == 1
    shot(page, "clause-page")


def test_calculator_results_then_answer_a_next_question(page, live_server):
    page.goto(live_server + "/calc")
    page.select_option("#f-region", "阿拉善左旗")
    page.select_option("#f-industry", "C")
    page.fill("#f-employees", "80")
    page.click("#calc-submit")
    page.wait_for_selector("#results")
    assert page.locator("#total").inner_text().strip()
    assert page.locator("details.group").count() >= 2
    prompts = page.locator("#next-questions li.nq > label").all_inner_texts()
    assert prompts
    shot(page, "calculator-results", full_page=False)
    # answer the first shown question inline (typed value, choice or checkbox), and refine
    items = page.locator("#next-questions li.nq")
    for i in range(items.count()):
        item = items.nth(i)
        box = item.locator("input[type=text], input[type=number], input[inputmode]")
        choice = item.locator("select")
        checks = item.locator("input[type=checkbox]")
        if box.count() and box.first.is_visible():  # the first questions are shown, the rest folded
            box.first.fill("5000000")
        elif choice.count() and choice.first.is_visible():
            choice.first.select_option(index=1)
        elif checks.count() and checks.first.is_visible():
            checks.first.check()
        else:
            continue
        prompt = item.locator("label").first.inner_text()
        with page.expect_navigation():
            item.locator("button").click()
        break
    else:
        pytest.fail("没有可以直接填写的追问")
    page.wait_for_selector("#results")
    after = page.locator("#next-questions li.nq > label").all_inner_texts()
    assert prompt not in after, "已回答的问题不应再被追问"
    # nothing was lost: the earlier answers are still in the form
    assert page.locator("#f-region").input_value() == "阿拉善左旗"
    assert page.locator("#f-employees").input_value() == "80"
    shot(page, "calculator-refined", full_page=False)
    # printable: navigation and forms are hidden in print media
    page.emulate_media(media="print")
    assert not page.locator("header.site nav").is_visible()
    assert not page.locator("#calc-form").is_visible()
    assert page.locator("#results").is_visible()
    assert not page.locator("#next-questions .nq-input").first.is_visible()  # questions listed, no boxes
    assert page.locator("#profile-summary").is_visible()  # the printout says which profile was used
    more = page.locator("details.group:not(.lazy) .more .print-only")
    assert more.count() >= 1 and more.first.is_visible()  # results not listed: see the Excel export
    page.emulate_media(media="screen")


def _count(summary: str) -> int:
    """The number of results a group summary announces (``不符合 22 项…``)."""
    return int(re.search(r"(\d+) 项", summary).group(1))


def test_calculator_loads_the_rest_of_a_group_in_place(page, live_server):
    from playwright.sync_api import expect

    page.goto(live_server + "/calc")
    page.select_option("#f-region", "伊金霍洛旗")
    with page.expect_navigation(url=re.compile(r"/calc$")):
        page.click("#calc-submit")
    url = page.url
    # an open group lists its first results and offers the rest
    gid = page.locator("details.group:not(.lazy)", has=page.locator("[data-more]")).first.get_attribute("id")
    group = page.locator(f"#{gid}")
    shown = group.locator("article.result-item").count()
    total = _count(group.locator("summary").inner_text())
    assert 0 < shown < total
    for _batch in range(20):  # "show more" loads the next batch in place, until none is left
        if not group.locator("[data-more]").count():
            break
        before = group.locator("article.result-item").count()
        group.locator("[data-more]").click()
        expect(group.locator("article.result-item")).not_to_have_count(before)
        expect(group.locator("[data-loading]")).to_have_count(0)
    expect(group.locator("article.result-item")).to_have_count(total)
    assert page.url == url and group.locator("[data-more]").count() == 0
    # a collapsed group (未核对 / 不符合 / 已过期) has no results in the page until opened;
    # opening it loads the first page of it (PAGE_ITEMS), the rest by "show more"
    from huiqi.web.calcform import PAGE_ITEMS

    lazy = page.locator("details.group.lazy").first
    n = _count(lazy.locator("summary").inner_text())
    assert lazy.locator("article.result-item").count() == 0
    lazy.locator("summary").click()
    expect(lazy.locator("article.result-item")).to_have_count(min(n, PAGE_ITEMS))
    shot(page, "calculator-lazy-group", full_page=False)


def test_calculator_excel_download(page, live_server, tmp_path):
    page.goto(live_server + "/calc")
    page.select_option("#f-region", "伊金霍洛旗")
    page.click("#calc-submit")
    page.wait_for_selector("#results")
    with page.expect_download() as info:
        page.click("#export")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    target = tmp_path / download.suggested_filename
    download.save_as(target)
    wb = load_workbook(target)
    assert wb["测算结果"].max_row > 2


def test_ask_then_follow_a_citation(page, live_server):
    page.goto(live_server + "/ask")
    page.fill("input[name=q]", "稳岗返还怎么申请")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#answer")
    cites = page.locator("sup a.cite")
    assert cites.count() >= 1 and cites.first.inner_text() == "[1]"
    shot(page, "ask-answer")
    href = cites.first.get_attribute("href")
    cites.first.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert page.locator("#clause-text").inner_text().strip()


def test_document_tree_collapses(page, live_server):
    page.goto(live_server + "/documents")
    page.locator("ul.doclist a").first.click()
    page.wait_for_url(re.compile(r"/document/\d+"))
    details = page.locator("ul.tree details")
    if details.count():
        assert details.first.evaluate("d => d.open")
        page.click("[data-toggle-tree]")
        assert not details.first.evaluate("d => d.open")
    shot(page, "document-page")


def test_phone_width_has_no_horizontal_scroll(phone, live_server):
    for name, url in [("home", "/"), ("search", "/search?q=稳岗返还怎么申请"), ("ask", "/ask?q=研发费用加计扣除比例是多少"),
                      ("documents", "/documents"), ("calc-form", "/calc")]:
        phone.goto(live_server + url)
        _no_horizontal_scroll(phone)
        shot(phone, f"phone-{name}")
    phone.goto(live_server + "/search?q=服务指南 咨询电话")
    phone.locator("ol.results a.title").first.click()
    phone.wait_for_url(re.compile(r"/clause/\d+"))
    _no_horizontal_scroll(phone)
    shot(phone, "phone-clause")
    phone.goto(live_server + "/documents")
    phone.locator("ul.doclist a").first.click()
    phone.wait_for_url(re.compile(r"/document/\d+"))  # measure the document page, not the list
    _no_horizontal_scroll(phone)
    shot(phone, "phone-document", full_page=False)
    phone.goto(live_server + "/calc")
    phone.select_option("#f-region", "阿拉善左旗")
    with phone.expect_navigation(url=re.compile(r"/calc$")):
        phone.click("#calc-submit")
    assert phone.locator("#results").is_visible()
    _no_horizontal_scroll(phone)
    shot(phone, "phone-calc-results")
    # loaded later: a collapsed group (不符合 / 已过期) fits the phone too
    lazy = phone.locator("details.group.lazy").first
    lazy.locator("summary").click()
    lazy.locator("article.result-item").first.wait_for()
    _no_horizontal_scroll(phone)
    # an error page and an unknown clause also fit the phone
    phone.goto(live_server + "/clause/999999")
    _no_horizontal_scroll(phone)
    shot(phone, "phone-error")


def test_openapi_page_renders_offline(page, live_server):
    page.goto(live_server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".opblock-summary-path", has_text="/api/search").count() >= 1
