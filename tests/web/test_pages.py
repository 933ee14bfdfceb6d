"""Chinese pages (huiqi.web.pages) over the real corpus, via the test client."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

from tests.conftest import CORPUS


def _ids(html: str, prefix: str = "/clause/") -> list[int]:
    return [int(x) for x in re.findall(rf'href="{re.escape(prefix)}(\d+)', html)]


def test_home_counts_and_topics(client, state):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<input type="search" name="q"' in html
    counts = re.sub(r"<[^>]+>", "", re.search(r'<p class="counts".*?</p>', html, re.S).group(0))
    assert f"{state.stats.documents} 份文件" in counts and f"{state.stats.clauses} 条条款" in counts
    assert f"{state.stats.in_force} 条" in counts
    topics = re.findall(r'<li><a href="/search\?q=[^"]+">([^<]+)</a></li>', html)
    assert len(topics) >= 5
    texts = [c["text"] for c in client.get("/api/policies").json()]
    for t in topics:  # a topic is a term that occurs in the corpus
        assert any(t in x for x in texts), t


def test_search_page_matches_api_with_filters(client):
    today = date.today().isoformat()
    html = client.get("/search", params={"q": "补贴", "region": "阿拉善左旗", "valid": "1"}).text
    api = client.get("/api/search", params={"q": "补贴", "region": "阿拉善左旗", "valid_at": today, "top": 20}).json()
    ids = list(dict.fromkeys(_ids(html)))
    assert ids == [r["id"] for r in api]
    assert "<mark>补贴</mark>" in html
    assert 'class="badge lv"' in html and re.search(r'class="badge v-(valid|unknown|future)"', html)
    assert "v-expired" not in html  # valid today only
    assert '<option value="阿拉善左旗" selected>' in html


def test_search_page_suggests_units_that_filter_results(client):
    html = client.get("/search", params={"q": "补贴"}).text
    units = re.findall(r'<datalist id="unit-options">(.*?)</datalist>', html, re.S)[0]
    names = re.findall(r'<option value="([^"]+)">', units)
    assert len(names) >= 20 and "自治区财政厅" in names
    # a suggested unit is a filter that finds clauses naming it
    api = client.get("/api/search", params={"q": "补贴", "unit": names[0], "top": 20}).json()
    assert api
    for r in api:
        p = client.get(f"/api/policies/{r['id']}").json()
        assert names[0] in " ".join(p["responsible_units"]) + str((p.get("fields") or {}).get("受理机构", ""))


def test_search_page_shows_expired_badge(client):
    rows = client.get("/api/search", params={"q": "补贴", "top": 100}).json()
    expired = next(r for r in rows if r["expired"])  # the corpus has expired subsidy clauses
    q = expired["path"][-1][:20] if expired["path"] else expired["text"][:20]
    html = client.get("/search", params={"q": q}).text
    items = re.findall(r'<li class="result">.*?</li>', html, re.S)
    mine = next(i for i in items if f'href="/clause/{expired["id"]}?' in i)
    assert 'class="badge v-expired"' in mine and "已过期" in mine


def test_search_page_bad_filter_and_empty_query(client):
    r = client.get("/search", params={"q": "补贴", "region": "火星"})
    assert r.status_code == 400 and "未知地区" in r.text
    r = client.get("/search")
    assert r.status_code == 200 and "开始检索" in r.text


def test_clause_page_guide_card_and_original_lines(client):
    pols = client.get("/api/policies").json()
    guide = next(c for c in pols if c["fields"].get("受理机构") and len(c["contacts"]) >= 2)
    html = client.get(f"/clause/{guide['id']}").text
    assert "办事指南" in html and "受理机构" in html
    for ct in guide["contacts"]:
        digits = re.sub(r"[^\d+]", "", ct["phone"])
        assert f'href="tel:{digits}"' in html, ct
    # original lines = the corpus file's lines start..end, numbered
    lines = (CORPUS / guide["source"]["file"]).read_text(encoding="utf-8").split("\n")
    rows = re.findall(r'<tr><th scope="row">(\d+)</th><td>(.*?)</td></tr>', html, re.S)
    start, end = guide["source"]["start_line"], guide["source"]["end_line"]
    assert [int(n) for n, _ in rows] == list(range(start, end + 1))
    assert [unescape(t) for _, t in rows] == lines[start - 1:end]
    # heading path breadcrumb links to the document
    assert f'href="/document/{guide["document"]["id"]}"' in html


def test_clause_page_highlights_facts_beside_text(client):
    pols = client.get("/api/policies").json()
    c = next(p for p in pols if len(p["amounts"]) >= 2 and p["thresholds"])
    html = client.get(f"/clause/{c['id']}").text
    for i, a in enumerate(c["amounts"]):
        if a["text"] in c["text"]:
            assert f'<mark class="fact fact-amount" id="f-a{i}">{a["text"]}</mark>' in html
            assert f'href="#f-a{i}"' in html  # the fact list links to the span
    assert "提取的要素" in html


def test_unknown_clause_and_document_pages_are_404_html(client):
    for url in ("/clause/999999", "/document/999999", "/clause/2147483648", "/document/100000000000000000000000"):
        r = client.get(url)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "页面不存在" in r.text and "Traceback" not in r.text
    r = client.get("/clause/abc")
    assert r.status_code == 422 and "应为整数" in r.text


def test_document_page_tree_links_every_clause(client):
    docs = client.get("/api/documents").json()
    doc = max(docs, key=lambda d: d["clause_count"])
    full = client.get(f"/api/documents/{doc['id']}").json()
    html = client.get(f"/document/{doc['id']}").text
    linked = set(_ids(html))
    node_clauses = set()

    def walk(nodes):
        for n in nodes:
            if n["clause_id"]:
                node_clauses.add(n["clause_id"])
            walk(n["children"])

    walk(full["nodes"])
    assert node_clauses and node_clauses <= linked
    assert "<details open>" in html  # collapsible tree


def test_document_page_lists_superseded_documents(client):
    docs = client.get("/api/documents").json()
    doc = next(d for d in docs if d["supersedes"])
    html = client.get(f"/document/{doc['id']}").text
    assert 'id="supersedes"' in html
    for s in doc["supersedes"]:
        assert s in unescape(html)


def test_supersession_links_both_ways():
    from huiqi.web.pages import supersession

    def d(i, title, number=None, supersedes=(), version=1, current=True, file="a.txt"):
        return {"id": i, "title": title, "doc_number": number, "supersedes": list(supersedes),
                "version": version, "is_current": current, "source_file": file}

    old = d(1, "关于稳岗返还的通知", "内人社发〔2020〕1号")
    new = d(2, "关于稳岗返还的新通知", supersedes=["内人社发〔2020〕1号", "《某个未收录的办法》"])
    v1 = d(3, "关于稳岗返还的新通知", version=1, current=False)
    replaced, by, versions = supersession(new, [old, new, v1])
    assert replaced[0]["doc"]["id"] == 1 and replaced[1]["doc"] is None
    assert versions == [v1]
    _r, by_old, _v = supersession(old, [old, new, v1])
    assert [x["id"] for x in by_old] == [2]


def test_ask_page_numbered_citations_link_to_clauses(client):
    q = "稳岗返还怎么申请"
    api = client.get("/api/ask", params={"q": q}).json()
    html = client.get("/ask", params={"q": q}).text
    for n, c in enumerate(api["citations"], start=1):
        assert f'<a href="/clause/{c["id"]}" class="cite">[{n}]</a>' in html
    r = client.get("/ask", params={"q": "上海市人才落户积分怎么算"})
    assert r.status_code == 200 and "未在已收录的政策文件中找到" in r.text


def _calc(client, data, url="/calc"):
    return client.post(url, data=data)


def test_calculator_results_grouped_with_inline_next_questions(client):
    data = {"region": "阿拉善左旗", "industry": "C", "employees": "80", "as_of": "2025-06-30"}
    html = _calc(client, data).text
    api = client.post("/api/match", params={"as_of": "2025-06-30"},
                      json={"region": "阿拉善左旗", "industry": "C", "employees": 80}).json()
    counts = {s: n for s, n in api["counts"].items() if n}
    for status, n in counts.items():
        assert re.search(rf'id="g-{status}"[^>]*>\s*<summary><span class="badge s-{status}">[^<]+</span> {n} 项', html), status
    assert api["next_questions"]
    # every next question has an input bound to the main form (answered inline)
    assert html.count('form="calc-form"') >= len(api["next_questions"])
    for q in api["next_questions"]:  # money is asked in the form's unit (万元)
        assert q["prompt"].replace("（元）", "（万元）") in unescape(html)
    # the form keeps the values entered
    assert '<option value="阿拉善左旗" selected>' in html and 'name="employees" value="80"' in html


def test_answering_a_next_question_refines_without_starting_over(client):
    base = {"region": "阿拉善左旗", "industry": "C", "employees": "80", "as_of": "2025-06-30"}
    first = client.post("/api/match", params={"as_of": "2025-06-30"},
                        json={"region": "阿拉善左旗", "industry": "C", "employees": 80}).json()
    fact = next(q["fact"] for q in first["next_questions"] if q["fact"] == "revenue")
    html = _calc(client, {**base, f"nq.{fact}": "2000"}).text  # asked in 万元, like the form
    assert 'name="revenue" value="2000"' in html  # merged into the form, in 万元
    after = client.post("/api/match", params={"as_of": "2025-06-30"},
                        json={"region": "阿拉善左旗", "industry": "C", "employees": 80, "revenue": 20_000_000}).json()
    assert "revenue" not in [q["fact"] for q in after["next_questions"]]
    assert f'name="nq.{fact}"' not in html


def test_calculator_form_errors_are_shown_in_chinese(client):
    r = _calc(client, {"region": "阿拉善左旗", "employees": "很多"})
    assert r.status_code == 422 and "从业人员：应为整数人数" in unescape(r.text)
    r = _calc(client, {"employees": "5"})
    assert r.status_code == 422 and "请选择企业注册地" in r.text


def test_calculator_excel_export(client):
    from openpyxl import load_workbook

    data = {"region": "伊金霍洛旗", "qualifications": ["高新技术企业"], "as_of": "2025-01-01"}
    r = _calc(client, data, "/calc/export.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    api = client.post("/api/match", params={"as_of": "2025-01-01", "show": "all", "limit": 2000},
                      json={"region": "伊金霍洛旗", "qualifications": ["高新技术企业"]}).json()
    ws = wb["测算结果"]
    ids = [row[1] for row in ws.iter_rows(min_row=2, values_only=True) if isinstance(row[1], int)]
    assert sorted(ids) == sorted(r["id"] for r in api["results"])


def test_pages_work_without_javascript_assets_from_network(client):
    html = client.get("/").text
    for src in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert src.startswith("/static/"), src
        assert client.get(src).status_code == 200


def _articles(html: str) -> list[tuple[str, int]]:
    """``[(status, clause id)]`` of the result cards in a calculator page."""
    return [(s, int(i)) for s, i in re.findall(
        r'<article class="card result-item s-(\w+)">\s*<h3><a href="/clause/(\d+)"', html)]


def test_calculator_page_shows_people_benefits_apart(client):
    html = _calc(client, {"region": "伊金霍洛旗", "as_of": "2024-09-01"}).text
    assert 'id="g-for-people"' in html and "惠及贵企业员工/人才" in html and "不计入企业合计" in html
    assert "同一政策另见" in html  # a policy reprinted in the compilation cites its other sources


def test_calculator_page_is_light_and_loads_the_rest_on_request(client):
    from huiqi.web.calcform import FIRST_ELIGIBLE, FIRST_ITEMS, LAZY_STATUSES, PAGE_ITEMS

    data = {"region": "伊金霍洛旗", "as_of": "2025-06-30"}
    api = client.post("/api/match", params={"as_of": "2025-06-30", "show": "all", "limit": 2000},
                      json={"region": "伊金霍洛旗"}).json()
    by_status: dict[str, list[int]] = {}
    for r in api["results"]:
        by_status.setdefault(r["status"], []).append(r["id"])
    assert len(api["results"]) > 100  # a real, long result list
    r = _calc(client, data)
    html = r.text
    assert r.status_code == 200 and len(r.content) < 150_000, len(r.content)
    cards = _articles(html.split('id="g-for-people"')[0])  # the firm's own groups (not 惠及员工/人才)
    for status, ids in by_status.items():
        mine = [i for s, i in cards if s == status]
        if status in LAZY_STATUSES:
            assert mine == [] and f'id="g-{status}"' in html  # collapsed, counted, not rendered
        else:
            first = FIRST_ELIGIBLE if status == "eligible" else FIRST_ITEMS
            assert mine == ids[:first]  # the most useful first, in the engine's order
        if len(ids) > len(mine):
            assert f'data-more="/calc/items?status={status}&amp;offset={len(mine)}"' in html
    # the rest of a group, as the page loads it: fragments of the next cards, batch by batch
    big = max((s for s in by_status if s not in LAZY_STATUSES), key=lambda s: len(by_status[s]))
    assert len(by_status[big]) > FIRST_ITEMS + PAGE_ITEMS  # more than one batch to load
    got, offset = [], FIRST_ITEMS
    while True:
        part = client.post(f"/calc/items?status={big}&offset={offset}", data=data)
        assert part.status_code == 200 and "<html" not in part.text
        batch = [i for _s, i in _articles(part.text)]
        assert 0 < len(batch) <= PAGE_ITEMS
        got += batch
        nxt = re.search(r'data-more="/calc/items\?status=\w+&amp;offset=(\d+)"', part.text)
        if not nxt:
            break
        offset = int(nxt.group(1))
        assert offset == FIRST_ITEMS + len(got)
    assert got == by_status[big][FIRST_ITEMS:]
    # without JavaScript: the form posted again with show=<status> lists that group in full
    lazy = next(s for s in LAZY_STATUSES if s in by_status)
    full = _calc(client, data, f"/calc?show={lazy}").text
    assert [i for s, i in _articles(full) if s == lazy] == by_status[lazy]
    # bad group name: a clean 400
    bad = client.post("/calc/items?status=nonsense", data=data)
    assert bad.status_code == 400 and "status" in bad.text and "Traceback" not in bad.text


def test_calculator_result_cards_are_readable(client):
    data = {"region": "伊金霍洛旗", "as_of": "2025-06-30"}
    api = client.post("/api/match", params={"as_of": "2025-06-30", "show": "all", "limit": 2000},
                      json={"region": "伊金霍洛旗"}).json()
    html = unescape(client.post("/calc?show=needs_info", data=data).text)
    # missing facts are named in Chinese, never as profile keys
    from huiqi.web.calcform import field_spec

    missing = next(r for r in api["results"] if r["status"] == "needs_info" and r["missing"])
    card = re.search(rf'href="/clause/{missing["id"]}">.*?</article>', html, re.S).group(0)
    assert "还需要：" + "、".join(field_spec(m)["label"] for m in missing["missing"]) in card
    assert not re.search(r"还需要：[^<]*[a-z_]{4,}", html)
    # the card links to the clause page for the full text
    assert f'<a class="noprint" href="/clause/{missing["id"]}">查看原文' in card
    # the profile used is stated (also on the printout); stacking exclusions are named
    assert "按以下企业信息测算：" in html and "注册地 伊金霍洛旗" in html
    for x in api["total"]["excluded_by_stacking"]:
        xid = x["id"] if isinstance(x, dict) else x
        assert f'<a href="/clause/{xid}">' in html


def test_empty_states_suggest_where_to_start(client, state):
    html = client.get("/search").text
    assert 'id="topics"' in html and all(f">{t}</a>" in html for t in state.topics[:3])
    r = client.get("/search", params={"q": "xyzzy"})  # nothing in the corpus
    assert r.status_code == 200 and 'id="no-results"' in r.text and 'id="topics"' in r.text
    r = client.get("/search", params={"q": "xyzzy", "level": "国家"})
    assert "去掉筛选条件" in r.text
    html = client.get("/ask").text
    examples = re.findall(r'<li><a href="/ask\?q=[^"]+">([^<]+)</a></li>', html)
    assert examples
    for q in examples[:2]:  # the offered example questions do have answers
        assert client.get("/api/ask", params={"q": q}).json()["found"], q
    r = client.get("/no/such/page")
    assert r.status_code == 404 and '<input type="search" name="q"' in r.text and 'href="/calc"' in r.text
