"""Rendering helpers (huiqi.web.render): escaping, highlighting, fact spans."""

from __future__ import annotations

from datetime import date, timedelta

from huiqi.web.render import (
    fact_spans, highlight, plain_amount, snippet, tel_href, validity_badge, validity_state, yuan,
)


def test_highlight_escapes_text_and_marks_terms():
    out = str(highlight('稳岗返还<script>alert("x")</script>稳岗', ["稳岗", "返还"]))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark>") == 3
    assert out.startswith("<mark>稳岗</mark><mark>返还</mark>")


def test_highlight_cannot_be_tricked_by_a_term_with_markup():
    out = str(highlight("a<b>c", ["<b>"]))
    assert out == "a<mark>&lt;b&gt;</mark>c"


def test_snippet_windows_around_first_hit():
    text = "甲" * 300 + "稳岗返还" + "乙" * 300
    out = str(snippet(text, ["稳岗返还"], width=60))
    assert out.startswith("…") and out.endswith("…") and "<mark>稳岗返还</mark>" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) <= 62


def test_validity_states():
    today = date.today()
    assert validity_state({"end": (today - timedelta(days=1)).isoformat()}) == "expired"
    assert validity_state({"end": (today + timedelta(days=1)).isoformat()}) == "valid"
    assert validity_state({"start": (today + timedelta(days=3)).isoformat()}) == "future"
    assert validity_state({"start": None, "end": None}) == "unknown"
    assert validity_state({"end": "不是日期"}) == "unknown"
    assert "有效期未知" in str(validity_badge({})) and "已过期" in str(validity_badge({"end": "2000-01-01"}))


def test_yuan_and_tel():
    assert yuan(5_000_000) == "500 万元"
    assert yuan(1500) == "1,500 元"
    assert yuan(None) == "？"
    assert yuan(250_000_000) == "2.5 亿元" and yuan(1_847_207_100) == "18.47 亿元"
    assert tel_href("0483-8229456") == "tel:04838229456"
    assert tel_href("+86 471 1234567") == "tel:+864711234567"


def test_fact_spans_on_a_real_clause(client):
    clause = next(c for c in client.get("/api/policies").json() if c["amounts"] and c["thresholds"])
    marked, facts = fact_spans(clause)
    html = str(marked)
    found = [f for f in facts if f["found"]]
    assert found, facts
    for f in found:
        assert f'id="{f["anchor"]}">{f["text"]}</mark>' in html
    # the marked text is the clause text once the marks are removed
    import re
    from html import unescape

    assert unescape(re.sub(r"<[^>]+>", "", html)) == clause["text"]


def test_validity_badge_says_what_the_text_says_when_dates_are_unknown():
    badge = str(validity_badge({"start": None, "end": None, "relative": "自发布之日起试行；试行期一年"}))
    assert "有效期未知" in badge and "原文：自发布之日起试行；试行期一年" in badge
    assert "有效期至 2000-01-01" in str(validity_badge({"end": "2000-01-01"}))


def test_plain_amount_formulas_are_recognised():
    assert plain_amount("最高50万元") and plain_amount("10万元") and plain_amount("不超过 1.5 亿元")
    assert not plain_amount("按设备投资的10%给予补助，最高500万元") and not plain_amount("10万元（条款另有5项标准）")
