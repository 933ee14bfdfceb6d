"""Normalisation and table rows on real snippets from other provinces (benchmarks/unseen/docs)."""

import pytest

from huiqi.normalize import logical_lines
from huiqi.normalize.markers import classify, is_title_like, marker_number
from huiqi.normalize.tables import render_tables
from huiqi.normalize.text import normalize_chars


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("四川省人民(mín)政府辦(bàn)公(gōng)廳", "四川省人民政府办公厅"),
        ("西安市行政區(qū)域內(含西咸新區(qū))", "西安市行政区域内（含西咸新区）"),
        ("高新區(qū)(濱江)經(jīng)信局", "高新区（滨江）经信局"),
    ],
)
def test_pinyin_glosses_are_removed(raw, want):
    assert normalize_chars(raw) == want


def test_latin_in_brackets_without_tone_marks_stays():
    assert normalize_chars("支持以5G(IPV6)技术") == "支持以5G（IPV6）技术"


def test_title_with_its_number_in_brackets_is_a_title():
    t = normalize_chars("广东省人民政府关于印发2021年省《政府工作报告》重点任务分工方案的通知 (粤府〔2021〕22号)")
    assert is_title_like(t)


def test_spaced_article_numbers_and_their_ordinal():
    m = classify(normalize_chars("第 1 0 条 对新认定的企业给予奖励。"))
    assert m.kind == "article" and m.label == "第10条" and marker_number(m.label) == 10
    assert marker_number("第一百零五条") == 105


def test_task_table_rows_keep_their_line_numbers():
    rows = [
        "序号\t工作任务\t牵头单位\t责任单位",
        "1\t努力实现地区生产总值增长6.2%左右。\t区发改局\t立山经济开发区，全区经济运行各专班",
        "2\t社会消费品零售总额增长9%左右。\t区商务局\t",
    ]
    out = render_tables(rows)
    assert len(out) == 3 and out[0] == ""
    assert out[1] == "1.努力实现地区生产总值增长6.2%左右。（牵头单位：区发改局；责任单位：立山经济开发区，全区经济运行各专班）"
    # an empty (vertically merged) unit cell repeats the row above
    assert out[2].endswith("（牵头单位：区商务局；责任单位：立山经济开发区，全区经济运行各专班）")


def test_pipe_table_with_a_time_column():
    rows = ["| 序号 | 重点任务 | 责任单位 | 完成时限 |", "| 1 | 建设数字资产交易中心 | 省发展改革委 | 2023年底 |"]
    assert render_tables(rows)[1] == "1.建设数字资产交易中心。完成时限：2023年底。（责任单位：省发展改革委）"


def test_two_column_guide_row_becomes_label_value():
    assert render_tables(["受理机构\t旗税务局"]) == ["受理机构：旗税务局"]
    assert render_tables(["项目\t金额"]) == ["项目\t金额"]


def test_metadata_line_does_not_join_the_title_before_it():
    lines = ["广东省人民政府关于印发2021年省《政府工作报告》重点任务分工方案的通知 (粤府〔2021〕22号)",
             "时间: 2023-02-21", "来源: 广东省人民政府"]
    assert len(logical_lines(lines)) == 3
