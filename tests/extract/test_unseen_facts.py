"""Extractors on real snippets of documents from other provinces (benchmarks/unseen/docs)."""

from datetime import date

import pytest

from huiqi.extract import extract_clause_facts, extract_document_facts
from huiqi.extract.contacts import extract_contacts
from huiqi.extract.dates import extract_validity, find_issue_date
from huiqi.extract.docnumbers import extract_doc_numbers, normalize_doc_number
from huiqi.reference.guide_fields import canonical_field
from huiqi.extract.units import extract_responsible_units
from huiqi.normalize.text import normalize_chars
from huiqi.structure import parse_lines


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("鞍山市立山区人民政府文件鞍立政发〔2023〕2号", "鞍立政发〔2023〕2号"),
        ("川辦(bàn)發〔2023〕6号", "川办发〔2023〕6号"),
        ("東府〔2021〕54號", "东府〔2021〕54号"),
        ("沈政令[1997]29号", "沈政令〔1997〕29号"),
        ("文 號: 內政發〔2019〕2號", "内政发〔2019〕2号"),
        ("粤府办(2023)5号", "粤府办〔2023〕5号"),
        ("冀政办字﹝2022﹞12号", "冀政办字〔2022〕12号"),
        ("国发【2023】16號", "国发〔2023〕16号"),
    ],
)
def test_doc_numbers_in_all_forms(raw, want):
    spans = extract_doc_numbers(normalize_chars(raw))
    assert [normalize_doc_number(s.text) for s in spans] == [want]


@pytest.mark.parametrize(
    ("label", "canon"),
    [("受理单位", "受理机构"), ("所需材料", "申报材料"), ("基本流程", "申报流程"), ("办理时效", "办理时限"),
     ("承诺时限", "办理时限"), ("办理地点", "办理地点"), ("咨询方式", "咨询电话"), ("监督电话", "监督电话"),
     ("投诉电话", "监督电话"), ("政策依据", "办理依据"), ("换领受理部门", "受理机构"), ("换领时限", "办理时限"),
     ("审批条件", "申报条件")],
)
def test_guide_label_synonyms(label, canon):
    assert canonical_field(label) == canon


def test_unit_line_of_a_division_list():
    # 粤府〔2021〕22号: "部门分工:省发展改革委牵头,各地、各部门配合。"
    text = normalize_chars("1.地区生产总值增长6%以上。") + "\n" + normalize_chars("部门分工:省发展改革委牵头,各地、各部门配合。")
    units, span = extract_responsible_units(text)
    assert units[0] == "省发展改革委"
    assert span is not None and span.text.startswith("部门分工")


def test_province_prefix_is_elided_in_unit_lists():
    # 四川 现代流通体系方案: 〔责任单位:省发展改革委、省市场监管局、商务厅、省大数据中心按职责分工负责。…〕
    text = normalize_chars("争取将成都市纳入国家要素市场化配置综合改革试点。〔责任单位:省发展改革委、省市场监管局、商务厅、"
                           "省大数据中心按职责分工负责。具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕")
    units, _ = extract_responsible_units(text)
    assert units == ["省发展改革委", "省市场监管局", "省商务厅", "省大数据中心"]


def test_prose_after_the_unit_list_is_not_a_unit():
    # 淮安 实施细则: (责任单位:市工信局、市财政局等有关部门,…。以下政策措施均需…落实,不再单独列出)
    text = normalize_chars("给予扶持。(责任单位:市工信局、市财政局等有关部门,各县区人民政府、园区管委会。"
                           "以下政策措施均需各县区人民政府、园区管委会落实,不再单独列出)")
    units, _ = extract_responsible_units(text)
    assert "不再单独列出" not in units and not any("落实" in u for u in units)
    assert units[:2] == ["市工信局", "市财政局"]


def test_heading_tag_gives_the_units_of_the_items_under_it():
    # 婺城区 若干政策举措: 一、强化科技创新(区科技局牵头)
    lines = [
        "一、强化科技创新(区科技局牵头)",
        "(一)加强科创平台效能建设。加快建设浙江光电子研究院,鼓励科研机构做好本地科技成果转化。",
        "(二)支持企业研发。对新认定的省级企业研发中心给予奖励。",
    ]
    (doc,) = parse_lines(lines)
    for _, node in doc.clauses():
        assert extract_clause_facts(node).responsible_units == ["区科技局"]


def test_contact_persons_after_an_office_are_dropped():
    # 长吉图 申报通知 (吉林)
    text = normalize_chars("联系人:省长吉图办投资促进处刘庆秋、崔意涵88905037;改革指导处吴新凯 88905038;"
                           "省财政厅经济建设处王鹏 88550663。")
    got = [(c.org, c.phone) for c in extract_contacts(text, require_cue=True)]
    assert got == [("省长吉图办投资促进处", "88905037"), ("改革指导处", "88905038"),
                   ("省财政厅经济建设处", "88550663")]


def test_a_number_in_prose_needs_a_phone_cue():
    text = "开通12320卫生健康热线之外,加快推进与12345热线的数据共享。"
    assert extract_contacts("全市已有12320家企业完成备案。", require_cue=True) == []
    assert [c.phone for c in extract_contacts(text, require_cue=True)] == ["12345"]


def test_area_code_is_kept_on_a_city_hotline():
    got = [c.phone for c in extract_contacts(normalize_chars("投诉电话:0838-12345"))]
    assert got == ["0838-12345"]


def test_issue_date_before_the_disclosure_note_in_a_run_on_line():
    line = normalize_chars("请认真贯彻实施。 嘉兴市人民政府办公室2021 年 1 月 24 日(此件公开发布)嘉兴市支持工业互联网发展十条政策措施")
    hit = find_issue_date([line])
    assert hit is not None and hit[0] == date(2021, 1, 24)


@pytest.mark.parametrize(
    ("text", "end"),
    [("本办法自印发之日起施行,暂定三年。", date(2026, 2, 28)),
     ("本办法自2023年3月1日起试行2年。", date(2025, 2, 28))],
)
def test_provisional_durations(text, end):
    v = extract_validity(normalize_chars(text), date(2023, 3, 1))
    assert (v.start, v.end) == (date(2023, 3, 1), end)


def test_page_metadata_gives_number_date_and_level():
    # 内政發〔2019〕2號 on a mirror in traditional script: metadata table then the notice
    lines = [
        "索  引  號:\t011746318/2019-00884\t主題分類:\t國家經濟管理、國有資產監督",
        "發布機構:\t內蒙古自治區人民政府\t發文日期:\t2019-01-07",
        "文       號:\t內政發〔2019〕2號\t主  題  詞:\t",
        "內蒙古自治區人民政府印發《關于加快推進呼包鄂協同發展的若干政策措施》的通知",
        "各盟行政公署、市人民政府,自治區各委、辦、廳、局,各大企業、事業單位:",
        "現將《關于加快推進呼包鄂協同發展的若干政策措施》印發給你們,請結合實際,認真貫徹落實。",
    ]
    facts = extract_document_facts(parse_lines(lines)[0])
    assert facts.doc_number == "内政发〔2019〕2号"
    assert facts.issued == date(2019, 1, 7)
    assert facts.level == "自治区"


def test_attachment_takes_date_and_number_from_its_notice():
    lines = [
        "长春市人民政府关于印发稳定全市经济工作举措的通知",
        "长府发〔2022〕6号",
        "各县(市)、区人民政府,开发区管委会,市政府各委办局、各直属机构,有关单位:",
        "现将《稳定全市经济工作举措》印发给你们,请认真贯彻执行。",
        "长春市人民政府",
        "2022年6月2日",
        "稳定全市经济工作举措",
        "为全力稳住经济基本盘,结合我市实际,现提出如下工作举措。",
        "1. 落实好增值税留抵退税扩围政策。及时分配、拨付支持区、开发区。",
        "本举措自印发之日起施行,有效期一年。",
    ]
    docs = parse_lines(lines)
    facts = extract_document_facts(docs[-1])
    assert facts.doc_number == "长府发〔2022〕6号"
    assert facts.issued == date(2022, 6, 2)
    assert (facts.validity.start, facts.validity.end) == (date(2022, 6, 2), date(2023, 6, 1))


def test_an_address_is_never_the_contact_org():
    # 深圳光明区 办事指南: 邮寄地址 … 行政服务大厅(文件流转岗) 电话:0755-88211706
    text = normalize_chars("邮寄地址:深圳市光明区牛山路与德雅路交汇处公共服务平台一楼区行政服务大厅(文件流转岗) 电话:0755-88211706")
    assert [(c.org, c.phone) for c in extract_contacts(text)] == [("区行政服务大厅", "0755-88211706")]
    text = normalize_chars("咨询地址:呼和浩特市新华大街63号,电话:0471-6601234")
    assert [(c.org, c.phone) for c in extract_contacts(text)] == [(None, "0471-6601234")]
    assert extract_contacts(normalize_chars("阿拉善路街道办事处:0483-8331111"))[0].org == "阿拉善路街道办事处"


def test_date_and_number_on_one_line():
    # 财政部 财建〔2006〕689号 as printed by a legal database
    line = normalize_chars("2006年10月26日 财建〔2006〕689号")
    assert [s.text for s in extract_doc_numbers(line)] == ["财建〔2006〕689号"]
    assert find_issue_date(["财政部关于印发《中央预算内基建投资项目前期工作经费管理暂行办法》的通知", line])[0] == date(2006, 10, 26)
    assert [s.text for s in extract_doc_numbers("日政发〔2023〕5号")] == ["日政发〔2023〕5号"]
