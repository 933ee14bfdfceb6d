"""Extraction pipeline: clause and document facts on hand-built trees of real corpus text.

The structure parser is not used here: Node / ParsedDocument / LogicalLine
objects are built by hand from snippets of the corpus (normalised: spaces
between digits and CJK removed), so these tests pin the glue alone.
"""

from __future__ import annotations

from datetime import date

import pytest

import huiqi.extract.pipeline as pipeline
from huiqi.extract.pipeline import (
    HOME_PROVINCE,
    INHERITED_PREFIX,
    extract_clause_facts,
    extract_document_facts,
)
from huiqi.extract.types import Validity
from huiqi.normalize.lines import LogicalLine
from huiqi.structure.model import Node, ParsedDocument


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Each test extracts afresh (tests below replace extractors)."""
    pipeline._text_facts.cache_clear()
    yield
    pipeline._text_facts.cache_clear()


def L(text: str, no: int) -> LogicalLine:
    """One logical line from one original line."""
    return LogicalLine(text, no, no, [(0, no)], text)


def lines(texts: list[str], first: int = 1) -> list[LogicalLine]:
    return [L(t, first + i) for i, t in enumerate(texts)]


def assert_spans_index(facts, text: str) -> None:
    """Every span-carrying fact reads the same text in the clause text."""
    for group in (facts.amounts, facts.rates, facts.thresholds, facts.contacts,
                  facts.doc_numbers, facts.cited_documents, facts.validity.spans):
        for x in group:
            assert text[x.start:x.end] == x.text, x


# --- ordinary clauses --------------------------------------------------------------

# 000 item 6 (an 〔责任单位：…〕 tag whose unit list holds a bracket).
ITEM_000 = (
    "6.建立优良品种奖励机制，对具有自主知识产权的马铃薯优质新品种，年推广面积在10万亩以上的一次性奖补500万元；"
    "年推广面积在30万亩以上的一次性奖补1000万元。对通过国家审定的玉米、大豆等品种每个一次性奖励10万元。"
    "〔责任单位：自治区农牧厅（乡村振兴局）、财政厅〕"
)


def item(text: str, no: int = 13) -> Node:
    label = text.split(".", 1)[0] + "."
    return Node("item", label, "", role="clause", lines=[L(text, no)])


def test_clause_units_amounts_and_spans():
    node = item(ITEM_000)
    facts = extract_clause_facts(node)
    text = node.block().text
    assert facts.responsible_units == ["自治区农牧厅（乡村振兴局）", "自治区财政厅"]
    assert facts.units_span is not None and facts.units_span.text.startswith("〔责任单位")
    assert [(a.value_yuan, a.text) for a in facts.amounts] == [
        (5e6, "500万元"), (1e7, "1000万元"), (1e5, "10万元")]
    assert {(t.op, t.value, t.unit) for t in facts.thresholds} >= {(">=", 1e5, "亩"), (">=", 3e5, "亩")}
    tag = facts.units_span
    for x in facts.amounts + facts.thresholds + facts.rates:
        assert x.end <= tag.start
    assert_spans_index(facts, text)


def test_amounts_never_come_from_the_unit_tag():
    # The real item with a money remark inside its tag (constructed): read on
    # the raw text, 1000万元 would be a cap; the tag is masked, so it is not.
    text = ("6.建立优良品种奖励机制，对具有自主知识产权的马铃薯优质新品种，年推广面积在10万亩以上的一次性奖补500万元。"
            "〔责任单位：自治区财政厅（单个项目不超过1000万元）〕")
    from huiqi.extract.money import extract_amounts

    assert "1000万元" in [a.text for a in extract_amounts(text)]
    facts = extract_clause_facts(item(text))
    assert facts.units_span is not None  # the tag was found
    assert [a.text for a in facts.amounts] == ["500万元"]
    assert all(t.end <= facts.units_span.start for t in facts.thresholds)


def test_clause_rates_doc_numbers_cited_titles():
    # 002 preamble-like clause text (real L5) as a clause: doc numbers and titles.
    text = ("为深入贯彻全区工业经济高质量发展大会精神，认真落实《内蒙古自治区人民政府关于印发自治区2022年坚持稳中求进"
            "推动产业高质量发展政策清单的通知》（内政发〔2022〕7号）和《关于印发〈内蒙古自治区促进工业经济平稳增长行动方案〉"
            "的通知》（内发改产业字〔2022〕678号）等政策，激发工业市场主体活力，促进全市工业经济高质量发展，制定本政策清单。")
    facts = extract_clause_facts(Node("para", "", "", role="clause", lines=[L(text, 5)]))
    assert [d.text for d in facts.doc_numbers] == ["内政发〔2022〕7号", "内发改产业字〔2022〕678号"]
    assert len(facts.cited_documents) == 2
    assert facts.cited_documents[1].text.startswith("关于印发〈内蒙古自治区促进工业经济平稳增长行动方案〉")
    # 000 item 12: a rate with its anchor
    rate_text = ("12.支持乳制品加工企业发展精深加工，对新建或改扩建生产原制奶酪、乳清、乳铁蛋白等乳制品精深加工项目的企业，"
                 "按照设备投资总额的10%给予最高5000万元补贴。〔责任单位：自治区工业和信息化厅、农牧厅（乡村振兴局）、财政厅〕")
    f2 = extract_clause_facts(item(rate_text, 20))
    assert [r.text for r in f2.rates] == ["按照设备投资总额的10%"]
    assert [(a.role, a.value_yuan) for a in f2.amounts] == [("cap", 5e7)]
    assert_spans_index(f2, rate_text)


def test_clause_own_validity_beats_document_validity():
    # 000 item 98 (L125): its own window.
    text = ("98.自2021年1月1日至2025年12月31日，对设在西部地区的鼓励类产业企业减按15%的税率征收企业所得税。"
            "〔责任单位：内蒙古税务局、自治区财政厅〕")
    doc_v = Validity(start=date(2024, 1, 1), end=date(2024, 12, 31), basis="（2024年）")
    facts = extract_clause_facts(item(text, 125), doc_validity=doc_v)
    assert (facts.validity.start, facts.validity.end) == (date(2021, 1, 1), date(2025, 12, 31))
    assert not facts.validity.basis.startswith(INHERITED_PREFIX)


def test_clause_inherits_document_validity():
    # 002 item 94 (no date of its own) inherits the list's 有效期两年.
    text = ("94.推动政府履约践诺。全面梳理“三个清单”、开展“三个清理”，对政府拖欠中小企业民营企业账款及原因进行全面排查"
            "并形成清单台账，制定清偿计划、逐笔进行清理。（责任单位：各旗县区人民政府，经济技术开发区管委会，"
            "市财政局、工信局、区域经济合作局等）")
    doc_v = Validity(start=date(2022, 5, 20), end=date(2024, 5, 19), basis="有效期两年", relative="有效期两年")
    facts = extract_clause_facts(item(text, 271), doc_validity=doc_v)
    assert (facts.validity.start, facts.validity.end) == (date(2022, 5, 20), date(2024, 5, 19))
    assert facts.validity.basis == INHERITED_PREFIX + "有效期两年"
    assert facts.validity.spans == []
    assert extract_clause_facts(item(text, 271)).validity.end is None


def test_clause_relative_validity_resolved_with_issue_date():
    text = "本政策自发布之日起试行，试行期一年。"
    node = Node("para", "", "", role="closing", lines=[L(text, 9728)])
    facts = extract_clause_facts(node, issued=date(2024, 3, 1))
    assert (facts.validity.start, facts.validity.end) == (date(2024, 3, 1), date(2025, 2, 28))
    assert extract_clause_facts(node).validity.start is None


def test_a_failing_extractor_only_empties_its_fact(monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(pipeline, "extract_amounts", boom)
    monkeypatch.setattr(pipeline, "extract_validity", boom)
    facts = extract_clause_facts(item(ITEM_000))
    assert facts.amounts == []
    assert facts.validity == Validity()
    assert facts.responsible_units  # the others still ran
    assert facts.thresholds


def test_a_reprinted_clause_is_read_once_and_each_reader_gets_its_own_facts(monkeypatch):
    calls = []
    real = pipeline.extract_amounts
    monkeypatch.setattr(pipeline, "extract_amounts", lambda text: calls.append(text) or real(text))
    first = extract_clause_facts(item(ITEM_000, 13))
    again = extract_clause_facts(item(ITEM_000, 480))  # the same item reprinted further on
    assert len(calls) == 1
    assert again == first and again is not first
    first.amounts[0].value_yuan = 0.0
    first.validity.spans.append(first.amounts[0])
    first.responsible_units.clear()
    third = extract_clause_facts(item(ITEM_000, 13))
    assert third == again and third.amounts[0].value_yuan == 5e6 and third.responsible_units
    # another issue date is another key: relative validity depends on it
    text = "本政策自发布之日起试行，试行期一年。"
    node = Node("para", "", "", role="closing", lines=[L(text, 9728)])
    assert extract_clause_facts(node, issued=date(2024, 3, 1)).validity.end == date(2025, 2, 28)
    assert extract_clause_facts(node, issued=date(2023, 3, 1)).validity.end == date(2024, 2, 29)


# --- service guides ----------------------------------------------------------------

def field(label: str, heading: str, body: list[str], first: int, name: str | None = None) -> Node:
    return Node("field", label, heading, role="field", field=name,
                lines=lines([label + heading] + body, first))


def tax_guide() -> Node:
    """阿拉善盟 guide, tax entry (小型微利企业所得税): unlabeled tax phones."""
    children = [
        field("一、", "办理依据", [
            "1.《财政部 税务总局关于进一步支持小微企业和个体工商户发展有关税费政策的公告》（财政部 税务总局公告2023年第12号）",
            "2.《中华人民共和国企业所得税法》（中华人民共和国主席令第六十三号）",
            "3.内蒙古自治区党委、内蒙古自治区人民政府印发《关于进一步支持民营经济高质量发展的若干措施》（内党发〔2018〕23号）",
        ], 1944),
        field("二、", "受理机构", ["主管税务局"], 1948),
        field("三、", "适用范围", ["小型微利企业"], 1950),
        field("四、", "税收优惠", [
            "小型微利企业减免企业所得税、对年应纳税所得额低于100万元的小型微利企业免征企业所得税地方分享部分"], 1952),
        field("五、", "申报条件", [
            "从事国家非限制和禁止行业，且同时符合年度应纳税所得额不超过300万元、从业人数不超过300人、"
            "资产总额不超过5000万元等三个条件的企业。"], 1954),
        field("六、", "申报流程", ["登录电子税务局填写申报表"], 1956),
        field("七、", "申报材料", [
            "《中华人民共和国企业所得税月（季）度预缴纳税申报表（A类）》",
            "《中华人民共和国企业所得税年度纳税申报表（A类，2017年版）》",
        ], 1958),
        field("八、", "办理时限", ["征期内申报，即时办结"], 1961),
        field("九、", "咨询电话", ["0483-8332222、12366"], 1963),
    ]
    return Node("guide", "", "小型微利企业所得税优惠", role="clause", children=children)


def test_guide_fields_and_contacts():
    guide = tax_guide()
    facts = extract_clause_facts(guide)
    text = guide.block().text
    assert list(facts.fields) == ["办理依据", "受理机构", "适用范围", "政策标准", "申报条件",
                                  "申报流程", "申报材料", "办理时限", "咨询电话"]
    assert facts.fields["受理机构"] == "主管税务局"
    assert facts.fields["咨询电话"] == "0483-8332222、12366"
    assert facts.fields["申报材料"].count("\n") == 1  # two lines, heading line dropped
    assert "办理依据" not in facts.fields["办理依据"]
    assert [(c.org, c.phone) for c in facts.contacts] == [("主管税务局", "0483-8332222"),
                                                          ("主管税务局", "12366")]
    assert_spans_index(facts, text)


def test_guide_amounts_thresholds_in_full_text_coordinates():
    guide = tax_guide()
    facts = extract_clause_facts(guide)
    text = guide.block().text
    assert [a.text for a in facts.amounts] == ["100万元", "300万元", "5000万元"]
    assert {(t.attribute, t.op, t.value) for t in facts.thresholds} >= {
        ("从业人数", "<=", 300), ("资产总额", "<=", 5e7)}
    assert [d.text for d in facts.doc_numbers][-1] == "内党发〔2018〕23号"
    assert_spans_index(facts, text)


def test_guide_legal_basis_is_not_read_for_money():
    # Constructed basis title with a money condition inside it: the cited
    # title is not this guide's own condition, so it is masked.
    basis = "《关于对年销售收入2000万元以上企业实施奖励的通知》（阿署办发〔2024〕22号）"
    guide = Node("guide", "", "", role="clause", children=[
        field("一、", "办理依据", [basis], 10),
        field("二、", "政策标准", ["按照建筑面积每平方米500元标准给予一次性补贴。"], 12),
        field("三、", "咨询电话", ["盟特色产业发展中心: 0483-8339956"], 14),
    ])
    facts = extract_clause_facts(guide)
    assert [a.text for a in facts.amounts] == ["500元"]
    assert facts.thresholds == []
    assert [d.text for d in facts.doc_numbers] == ["阿署办发〔2024〕22号"]
    assert [(c.org, c.phone) for c in facts.contacts] == [("盟特色产业发展中心", "0483-8339956")]


def test_guide_validity_from_time_limit_field():
    # Ostrich family (entries 7–14): 申报时限 holds the window.
    guide = Node("guide", "", "", role="clause", children=[
        field("一、", "办理依据", ["《阿拉善盟支持鸵鸟产业发展的政策措施》（阿署办发〔2024〕22号）"], 660),
        field("二、", "受理机构", ["阿拉善盟特色产业发展中心"], 662),
        field("三、", "申报流程", ["新建鸵鸟繁殖孵化车间达到验收标准后，项目单位需在次年1月30日前将申报材料报送至盟特色产业发展中心。"], 663),
        field("七、", "申报时限", ["2025年3月1日至2026年12月31日"], 665),
    ])
    facts = extract_clause_facts(guide)
    text = guide.block().text
    assert facts.fields["办理时限"] == "2025年3月1日至2026年12月31日"
    assert (facts.validity.start, facts.validity.end) == (date(2025, 3, 1), date(2026, 12, 31))
    assert_spans_index(facts, text)


def test_guide_repeated_field_and_label_with_content():
    # Two headings with the same canonical name are joined; a heading line
    # that runs on into content (咨询电话：…) keeps the content.
    guide = Node("guide", "", "", role="clause", children=[
        field("四、", "申报条件", ["新建项目须取得用地手续。"], 20),
        field("五、", "享受条件", ["企业须登记注册。"], 22),
        Node("field", "十、", "咨询电话", role="field",
             lines=[L("十、咨询电话：盟工信局：0483-8351369", 24)]),
        field("十一、", "未知栏目", ["不应出现"], 25),
    ])
    facts = extract_clause_facts(guide)
    assert facts.fields["申报条件"] == "新建项目须取得用地手续。\n企业须登记注册。"
    assert facts.fields["咨询电话"] == "盟工信局：0483-8351369"
    assert "未知栏目" not in facts.fields and "不应出现" not in facts.fields.values()
    assert [(c.org, c.phone) for c in facts.contacts] == [("盟工信局", "0483-8351369")]


# --- documents ---------------------------------------------------------------------

PREAMBLE_002 = (
    "为深入贯彻全区工业经济高质量发展大会精神，认真落实《内蒙古自治区人民政府关于印发自治区2022年坚持稳中求进推动产业"
    "高质量发展政策清单的通知》（内政发〔2022〕7号）和《关于印发〈内蒙古自治区促进工业经济平稳增长行动方案〉的通知》"
    "（内发改产业字〔2022〕678号）等政策，激发工业市场主体活力，促进全市工业经济高质量发展，制定本政策清单。"
)
CLOSING_002 = "十三、本清单内政策由责任单位负责落实，政策有效期两年，政策内容另有规定的依照原规定执行。"
TAIL_002 = [
    "抄送：市委各部门，呼和浩特警备区。",
    "市人大常委会办公室、政协办公室、纪委监委办公室，市法院、检察院。",
    "各人民团体，新闻单位。",
    "呼和浩特市人民政府办公室",
    "2022年5月20日印发",
]


def doc_002(tail_in_doc: bool = True) -> ParsedDocument:
    section = Node("section", "十二、", "关于优化营商环境政策", role="group",
                   lines=[L("十二、关于优化营商环境政策", 255)],
                   children=[item("94.推动政府履约践诺。（责任单位：各旗县区人民政府，经济技术开发区管委会）", 271)])
    closing_lines = [L(CLOSING_002, 273)]
    tail = lines(TAIL_002, 275)
    if not tail_in_doc:  # the parser left the back matter inside the closing node
        closing_lines += tail
        tail = []
    closing = Node("section", "十三、", "", role="closing", lines=closing_lines)
    return ParsedDocument(
        title="呼和浩特市促进工业经济高质量发展政策清单", kind="document",
        header=[L("呼和浩特市促进工业经济高质量发展政策清单", 3), L(PREAMBLE_002, 5)],
        nodes=[section, closing], tail=tail,
    )


@pytest.mark.parametrize("tail_in_doc", [True, False])
def test_document_002_issue_date_issuer_validity(tail_in_doc):
    facts = extract_document_facts(doc_002(tail_in_doc))
    assert facts.title == "呼和浩特市促进工业经济高质量发展政策清单"
    assert facts.issued == date(2022, 5, 20)
    assert facts.issuer == "呼和浩特市人民政府办公室"
    assert (facts.validity.start, facts.validity.end) == (date(2022, 5, 20), date(2024, 5, 19))
    assert "有效期两年" in facts.validity.basis
    assert facts.doc_number is None  # the preamble's numbers are cited, not its own
    assert (facts.level, facts.region) == ("盟市", "呼和浩特市")
    assert len(facts.cited_documents) == 2
    assert facts.cited_documents[0].startswith("内蒙古自治区人民政府关于印发自治区2022年")


def test_document_001_style_title_and_number_line():
    title = "内蒙古自治区工业和信息化厅关于调整战略性新兴产业电力交易的若干政策"
    doc = ParsedDocument(
        title=title, kind="document",
        header=[L("——" + title, 365), L("（内工信经运字〔2022〕405号）", 366),
                L("为深化电力市场化改革，支持战略性新兴产业发展，推动产业结构优化升级，促进制造业高质量发展,将制定如下政策。", 368)],
        nodes=[
            Node("section", "一、", "明确重点支持产业范围", role="clause",
                 lines=[L("一、明确重点支持产业范围", 370)]),
            Node("para", "", "", role="text",
                 lines=[L("本政策自发布之日起执行，根据执行情况及时调整，由自治区工业和信息化厅负责解释。", 422)]),
        ],
        context=["第二篇 要素支持政策", "（四）深化电力市场化改革"],
    )
    facts = extract_document_facts(doc)
    assert facts.doc_number == "内工信经运字〔2022〕405号"
    assert facts.issuer == "内蒙古自治区工业和信息化厅"
    assert facts.issued is None
    assert facts.validity.relative and "自发布之日起执行" in facts.validity.relative
    assert facts.validity.start is None and facts.validity.end is None
    assert (facts.level, facts.region) == ("自治区", "内蒙古自治区")


def test_document_number_on_the_title_line_and_alone():
    t = "内蒙古自治区工业和信息化厅关于调整战略性新兴产业电力交易的若干政策"
    one_line = ParsedDocument(title=t, kind="document",
                              header=[L("——" + t + "（内工信经运字〔2022〕405号）", 365)])
    assert extract_document_facts(one_line).doc_number == "内工信经运字〔2022〕405号"
    alone = ParsedDocument(title="关于印发自治区2022年坚持稳中求进推动产业高质量发展政策清单的通知", kind="document",
                           header=[L("关于印发自治区2022年坚持稳中求进推动产业高质量发展政策清单的通知", 1),
                                   L("内政发〔2022〕7号", 2)])
    assert extract_document_facts(alone).doc_number == "内政发〔2022〕7号"
    announcement = ParsedDocument(
        title="关于延续西部大开发企业所得税政策的公告", kind="document",
        header=[L("关于延续西部大开发企业所得税政策的公告", 12123),
                L("财政部 税务总局 国家发展改革委公告2020年第23号", 12125)],
        tail=lines(["特此公告。", "财政部 税务总局 国家发展改革委", "2020年4月23日"], 12171))
    facts = extract_document_facts(announcement)
    assert facts.doc_number == "财政部 税务总局 国家发展改革委公告2020年第23号"
    assert facts.issuer == "财政部、税务总局、国家发展改革委"
    assert facts.issued == date(2020, 4, 23)
    assert (facts.level, facts.region) == ("国家", "全国")


def test_document_title_period_and_title_issuer():
    title = "内蒙古自治区人民政府办公厅关于印发自治区低空经济高质量发展实施方案（2024—2027年）的通知"
    doc = ParsedDocument(
        title=title, kind="document",
        header=[L("——" + title, 3685),
                L("为贯彻落实《国务院关于推动内蒙古高质量发展奋力书写中国式现代化新篇章的意见》（国发〔2023〕16号）精神，"
                  "坚持以铸牢中华民族共同体意识为工作主线，抢抓发展机遇，加快培育和高质量发展低空经济，结合自治区实际，制定本方案。",
                  3687)],
        nodes=[Node("section", "一、", "发展目标", role="clause", lines=[L("一、发展目标", 3693)])],
    )
    facts = extract_document_facts(doc)
    assert (facts.validity.start, facts.validity.end) == (date(2024, 1, 1), date(2027, 12, 31))
    assert facts.issuer == "内蒙古自治区人民政府办公厅"
    assert facts.doc_number is None
    assert facts.cited_documents == ["国务院关于推动内蒙古高质量发展奋力书写中国式现代化新篇章的意见"]
    assert (facts.level, facts.region) == ("自治区", "内蒙古自治区")


def test_document_cover_issuers_and_date():
    # 阿拉善盟 guide cover: title, two issuer lines, a month-only date.
    doc = ParsedDocument(
        title="阿拉善盟2025年促进民营经济高质量发展", kind="guide",
        header=lines(["阿拉善盟2025年促进民营经济高质量发展", "", "阿拉善盟发展和改革委员会",
                      "阿拉善盟民营经济发展服务局", "2025年7月"], 3),
        nodes=[tax_guide()],
    )
    facts = extract_document_facts(doc)
    assert facts.issuer == "阿拉善盟发展和改革委员会、阿拉善盟民营经济发展服务局"
    assert facts.issued == date(2025, 7, 1)
    assert (facts.level, facts.region) == ("盟市", "阿拉善盟")


def test_document_supersession_in_closing_clause():
    doc = ParsedDocument(
        title="工业和信息化部 财政部 金融监管总局关于进一步完善首台（套）重大技术装备首批次新材料保险补偿政策的意见",
        kind="document",
        nodes=[Node("section", "八、", "", role="clause", lines=[L(
            "八、本意见自发布之日起执行。此前印发的《关于开展首台（套）重大技术装备保险补偿机制试点工作的通知》"
            "（财建〔2015〕19号）等文件同时废止。", 3243)])],
    )
    facts = extract_document_facts(doc)
    assert facts.supersedes == ["财建〔2015〕19号"]
    assert facts.issuer == "工业和信息化部、财政部、金融监管总局"
    assert (facts.level, facts.region) == ("国家", "全国")
    assert "自发布之日起执行" in (facts.validity.relative or "")


@pytest.mark.parametrize(
    ("hint", "title", "expected"),
    [
        ("国家级", "国务院关于促进服务消费高质量发展的意见", ("国家", "全国")),
        ("自治区级", "内蒙古自治区关于支持设施农业发展的若干措施", ("自治区", "内蒙古自治区")),
        ("内蒙古自治区", "关于营造更好环境支持科技型中小企业研发的实施方案", ("自治区", "内蒙古自治区")),
        ("市级", "鄂尔多斯市优质肉牛产业高质量发展若干政策措施", ("盟市", "鄂尔多斯市")),
        ("鄂尔多斯市级", "关于实施更加积极开放有效人才政策的若干措施", ("盟市", "鄂尔多斯市")),
        ("旗级", "伊金霍洛旗地方性肉牛保险政策", ("旗县", "伊金霍洛旗")),
        ("伊金霍洛旗", "关于加强新时代人才工作助推高质量发展的若干措施（试行）", ("旗县", "伊金霍洛旗")),
        ("市级", "关于加强新时代人才工作助推高质量发展的若干措施（试行）", ("盟市", None)),
    ],
)
def test_level_hint_wordings(hint, title, expected):
    doc = ParsedDocument(title=title, kind="document", header=[L(title, 1)], level_hint=hint)
    facts = extract_document_facts(doc)
    assert (facts.level, facts.region) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("财政部 工业和信息化部关于进一步支持专精特新中小企业高质量发展的通知", ("国家", "全国")),
        ("人力资源社会保障部 财政部 国家税务总局关于延续实施失业保险援企稳岗政策的通知", ("国家", "全国")),
        ("国家发展改革委等部门关于支持内蒙古绿色低碳高质量发展若干政策措施的通知（全文）", ("国家", "全国")),
        ("中共中央 国务院关于深入实施西部大开发战略的若干意见（部分内容）", ("国家", "全国")),
        ("内蒙古自治区推进奶产业高质量发展若干政策措施", ("自治区", HOME_PROVINCE)),
        ("鄂尔多斯市关于进一步推动氢能产业高质量发展的若干措施", ("盟市", "鄂尔多斯市")),
        ("伊金霍洛旗支持引进新能源新材料产业人才政策", ("旗县", "伊金霍洛旗")),
        ("关于加强新时代人才工作助推高质量发展的若干措施（试行）", (None, None)),
    ],
)
def test_level_inferred_from_title(title, expected):
    doc = ParsedDocument(title=title, kind="document", header=[L(title, 1)])
    facts = extract_document_facts(doc)
    assert (facts.level, facts.region) == expected


def test_document_without_lines_does_not_raise():
    facts = extract_document_facts(ParsedDocument(title="（微信扫一扫下载政策全文）", kind="stub"))
    assert facts.title == "（微信扫一扫下载政策全文）"
    assert facts.issued is None and facts.issuer is None


def test_signature_above_a_bracketed_date():
    doc = ParsedDocument(
        title="关于进一步优化营商环境的若干措施", kind="document",
        nodes=[Node("section", "一、", "", role="clause", lines=[L("一、压减企业开办时间至0.5个工作日。", 10)])],
        tail=lines(["阿拉善盟行政公署办公室", "（2025年2月26日）"], 20),
    )
    facts = extract_document_facts(doc)
    assert facts.issued == date(2025, 2, 26)
    assert facts.issuer == "阿拉善盟行政公署办公室"
    assert (facts.level, facts.region) == ("盟市", "阿拉善盟")


def test_copy_list_is_not_a_signature():
    # 000's back matter: a 抄送 block, no signature and no date.
    doc = ParsedDocument(
        title="内蒙古自治区2024年坚持稳中求进以进促稳推动产业高质量发展政策清单", kind="document",
        nodes=[Node("section", "五、", "优化发展环境", role="group", lines=[L("五、优化发展环境", 122)])],
        tail=lines(["抄送：自治区党委各部门，内蒙古军区，武警内蒙古总队。",
                    "自治区人大常委会办公厅、政协办公厅，自治区监委，自治区高级人民法院，检察院。",
                    "各人民团体，新闻单位。"], 147),
    )
    facts = extract_document_facts(doc)
    assert facts.issuer is None and facts.issued is None
    assert (facts.level, facts.region) == ("自治区", "内蒙古自治区")
