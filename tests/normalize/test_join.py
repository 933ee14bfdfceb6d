"""Joining hard-wrapped and page-broken lines, with the line map kept."""

from huiqi.normalize import classify, logical_lines
from huiqi.normalize.lines import TextBlock


def test_page_break_inside_number_is_joined():
    # 002: the amount is split from its unit by a page break (blank line between)
    lines = [
        "22. 对获得自治区奖补的国家高新技术企业，一次性给予 10",
        "",
        "万元奖励支持。（责任单位：市科技局）",
    ]
    (ll,) = logical_lines(lines)
    assert "一次性给予10万元奖励支持" in ll.text
    assert (ll.start, ll.end) == (1, 3)
    assert ll.line_of(ll.text.index("万元奖励")) == 3


def test_hard_wrapped_lines_are_joined_and_headings_are_not(corpus_lines):
    lines = corpus_lines("001")[300:330]  # 第二篇 要素支持政策 …
    ll = logical_lines(lines)
    texts = [l.text for l in ll]
    assert texts[0] == "第二篇要素支持政策"
    assert texts[1] == "（一）加强土地要素保障"
    assert texts[2].startswith("1.严格落实") and texts[2].endswith("水利厅、能源局〕")
    assert all(classify(t) is not None or not t.startswith("1.") for t in texts)


def test_page_number_after_blank_lines_is_dropped(corpus_lines):
    lines = corpus_lines("001")
    # page number "153" sits alone after three blank lines inside a list of amounts
    idx = next(i for i, l in enumerate(lines) if l.strip() == "153")
    window = lines[idx - 12: idx + 6]
    joined = " ".join(l.text for l in logical_lines(window))
    assert "1531" not in joined
    assert "153" not in joined.replace("1530", "")


def test_markdown_bullets_and_table_separators_removed():
    lines = ["- 40. 失业保险稳岗返还服务指南·····108", "---------------------------\t----", "- 1. 企业申报。"]
    texts = [l.text for l in logical_lines(lines)]
    assert texts == ["40.失业保险稳岗返还服务指南·····108", "1.企业申报。"]


def test_lost_title_quote_line_dropped():
    assert [l.text for l in logical_lines(["“ ”", "", "一、办理依据"])] == ["一、办理依据"]


def test_textblock_maps_spans_to_original_lines(corpus_lines):
    ll = logical_lines(corpus_lines("004")[:30])
    block = TextBlock.from_lines(ll)
    item3 = block.text.index("3.进一步实施小微企业")
    pos = block.text.index("税务局、自治区财政厅按职责分工负责", item3)
    # "（内蒙古" ends original line 17, "税务局…" opens line 19 after the page break
    assert block.line_of(pos - 1) == 17
    assert block.line_range(pos, pos + 5) == (19, 19)
