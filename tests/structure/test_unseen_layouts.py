"""Structure of layouts from other provinces, on real snippets (benchmarks/unseen/docs).

Each snippet is a few lines of a public government text quoted in
benchmarks/unseen/gold.yaml with its source.
"""

from huiqi.structure import parse_lines


def _clauses(docs):
    return [(n, n.block().text) for d in docs for _, n in d.clauses()]


def test_guide_with_bare_labels_is_recognised():
    # 德阳 居民身份证 guide: labels alone on their lines, no numbering
    lines = [
        "办理材料",
        "1、《居民户口簿》或《常住人口登记表(集体户)。",
        "2、人像信息辅助证明材料。",
        "办理地点",
        "四川省德阳市旌阳区松花江北路8号市政务服务中心4楼公安窗口。",
        "受理条件",
        "中国公民应当自年满十六周岁之日起三个月内,向常住户口所在地的公安机关申请领取居民身份证。",
        "收费标准",
        "1、首次申领免费",
        "咨询电话:0838-2598521",
    ]
    (doc,) = parse_lines(lines)
    assert doc.kind == "guide"
    guide = doc.nodes[0]
    assert [c.field for c in guide.children] == ["申报材料", "办理地点", "申报条件", "收费标准", "咨询电话"]
    assert doc.title != "办理材料"


def test_guide_with_qualified_colon_labels():
    # 广州 换领身份证: 換領受理部門: / 換領時限: (traditional, pinyin glosses)
    lines = [
        "廣州市戶籍居民身份證有效期滿或者損壞的,應(yīng)當(dāng)申請(qǐng)換領(lǐng)新證。",
        "換領(lǐng)受理部門:",
        "由任一區(qū)公安分局辦證中心受理。",
        "換領(lǐng)時(shí)限:",
        "自提交《居民身份證申領(lǐng)登記表》之日起25天內(nèi)。",
        "換領(lǐng)收費(fèi)標(biāo)準(zhǔn):",
        "居民身份證期滿換領(lǐng)的需繳納工本費(fèi)20元;",
    ]
    (doc,) = parse_lines(lines)
    assert doc.kind == "guide"
    assert {c.field for c in doc.nodes[0].children} >= {"受理机构", "办理时限", "收费标准"}


def test_a_policy_with_a_contact_line_is_not_a_guide():
    lines = [
        "1.积极争取省级专项资金,支持中小微企业。(责任单位:市工信局、市财政局)",
        "2.成立“智改数转”工作专班,出台推进方案。(责任单位:市工信局、市财政局)",
        "联系电话:0517-83661234",
    ]
    docs = parse_lines(lines)
    assert all(d.kind == "document" for d in docs)


def test_page_metadata_block_is_taken_out_and_kept_as_meta():
    # 通辽市人民政府办公室 page: 索 引 号 / 文件编号 / 发文日期 before the notice
    lines = [
        "索 引 号:E000-tlsz/2019-00245",
        "发布机构:",
        "名    称:通辽市人民政府办公室关于印发《市五届二次人代会〈政府工作报告〉重点任务分工方案》的通知",
        "文件编号:通政办发〔2019〕10号",
        "发文日期:2019-03-18",
        "主    题:综合政务",
        "各旗县市区人民政府、开发区管委会,市政府各委办局及各人民团体:",
        "经市人民政府同意,现将《市五届二次人代会〈政府工作报告〉重点任务分工方案》印发给你们,请一并抓好贯彻落实。",
    ]
    docs = parse_lines(lines)
    meta = docs[0].meta
    assert meta.doc_number == "通政办发〔2019〕10号"
    assert str(meta.issued) == "2019-03-18"
    assert meta.title.startswith("通辽市人民政府办公室关于印发")
    assert all(l.start >= 7 for d in docs for l in d.all_lines())


def test_attachment_shares_its_wrapping_notice():
    lines = [
        "吉林省人民政府办公厅",
        "关于印发“一主、六双”产业空间",
        "布局规划配套政策的通知",
        "吉政办发〔2019〕25号",
        "各市(州)人民政府,长白山管委会,省政府各厅委办、各直属机构:",
        "现将《关于支持长春经济圈高质量发展的若干政策》印发给你们,请认真贯彻执行。",
        "吉林省人民政府办公厅",
        "2019年4月24日",
        "关于支持长春经济圈高质量",
        "发展的若干政策",
        "为深入推动《长春经济圈规划》实施,加快推进长春经济圈高质量发展,制定以下政策措施。",
        "1.支持重大产业项目发展。对符合产业发展规划的新建重点产业类项目,依法依规给予支持。",
        "2.支持发展总部经济。对新引进的企业总部,由所在地政府给予支持。",
    ]
    docs = parse_lines(lines)
    policy = docs[-1]
    assert policy.title == "关于支持长春经济圈高质量发展的若干政策"
    assert policy.wrapper is docs[-2]


def test_items_glued_in_one_paragraph_are_split_in_sequence():
    # 嘉兴 政策措施 as stored by a PDF-to-web converter: one paragraph
    line = ("特制定以下政策措施。一、支持工业互联网基础升级提升1.加快 5G+工业互联网应用。重点推动 5G 在相关行业的先导应用,"
            "按照项目投资额的 20%给予补助,最高不超过 500万元。2.加快工业互联网标识解析节点建设。对新建的二级节点给予支持。")
    texts = [t for _, t in _clauses(parse_lines([line]))]
    assert any(t.startswith("1.加快5G+工业互联网应用") and "标识解析" not in t for t in texts)
    assert any(t.startswith("2.加快工业互联网标识解析节点建设") for t in texts)


def test_article_numbers_with_spaces_and_full_width_digits():
    lines = [
        "第 9 条 为加强资金管理,制定本办法。",
        "第 1 0 条 对新认定的企业给予一次性奖励1亿元。",
        "第１１条　本办法自印发之日起施行。",
    ]
    (doc,) = parse_lines(lines)
    labels = [n.label for n in doc.nodes]
    assert labels == ["第9条", "第10条", "第11条"]
    assert "1亿元" in doc.nodes[1].block().text


def test_article_sub_items_that_are_provisions_become_clauses():
    # 财建[2009]227号 第二条 (traditional script)
    lines = [
        "第二條 專項資金堅持合理分配、著重民生、優化結構的原則。",
        "(一)合理分配。專項資金采取因素法與項目法相結合的分配辦法,以因素法分配為主。",
        "(二)著重民生。專項資金重點支持與居民日常生活密切相關的民生類服務業。",
        "(三)優化結構。通過專項資金的支持,提高服務業企業自主創新能力和品牌影響力,促進節能減排。",
    ]
    (doc,) = parse_lines(lines)
    labels = [n.label for _, n in doc.clauses()]
    assert labels == ["（一）", "（二）", "（三）"]


def test_article_with_a_list_of_conditions_stays_one_clause():
    lines = [
        "第三条 申请奖励的企业应当同时符合下列条件。",
        "(一)在本市注册;",
        "(二)依法纳税;",
    ]
    (doc,) = parse_lines(lines)
    assert [n.label for _, n in doc.clauses()] == ["第三条"]


def test_task_table_rows_become_items(tmp_path):
    # 鞍立政发〔2023〕2号 分工方案: Word table rows (tab-separated cells)
    lines = [
        "一、经济社会发展的主要预期目标",
        "序号\t工作任务\t牵头单位\t责任单位",
        "1\t努力实现地区生产总值增长6.2%左右。\t区发改局\t立山经济开发区，全区经济运行各专班",
        "2\t规模上工业增加值增长5%左右。\t区工信局\t立山经济开发区",
    ]
    (doc,) = parse_lines(lines)
    clauses = doc.clauses()
    assert [n.label for _, n in clauses] == ["1.", "2."]
    text = clauses[1][1].block().text
    assert text == "2.规模上工业增加值增长5%左右。（牵头单位：区工信局；责任单位：立山经济开发区）"
    assert clauses[1][1].start == 4


def test_task_table_annex_gives_units_to_the_items_it_repeats():
    # items of 关于支持长春经济圈高质量发展的若干政策 (吉政办发〔2019〕25号), with a
    # 任务分工 annex in the usual Word layout
    lines = [
        "1.支持重大产业项目发展。对符合产业发展规划的新建重点产业类项目,依法依规给予支持。",
        "2.支持发展总部经济。对新引进的企业总部,由所在地政府根据实际给予支持。",
        "附件",
        "重点任务分工表",
        "序号\t重点任务\t牵头单位\t配合单位",
        "1\t支持重大产业项目发展\t省发展改革委\t省工业和信息化厅、省财政厅",
        "2\t支持发展总部经济\t省商务厅\t长春市政府",
    ]
    from huiqi.extract import extract_clause_facts

    docs = parse_lines(lines)
    first = next(n for d in docs for _, n in d.clauses() if n.block().text.startswith("1.支持重大产业项目发展。对"))
    assert extract_clause_facts(first).responsible_units == ["省发展改革委", "省工业和信息化厅", "省财政厅"]


def test_ocr_misread_article_number_is_recovered_only_in_sequence():
    # 山东省科技型中小企业创新发展专项扶持资金管理暂行办法 as stored: 常五条 for 第五条
    lines = [
        "第一章总则第一条为进一步贯彻落实有关文件精神,制定本办法。",
        "第四条省科技和财政部门是创新资金的主管部门,负责项目立项审批。",
        "常五条创新资金的安排坚持公开、公平、公正、择优和专款专用的原则。",
        "第二章支持对象第六条创新资金面向在本省注册的各类科技型中小企业。",
        "常九条不在顺序上的文字不算条款。",
    ]
    (doc,) = parse_lines(lines)
    labels = [n.label for _, n in doc.clauses()]
    assert labels == ["第一条", "第四条", "第五条", "第六条"]
    assert "常九条" in doc.clauses()[-1][1].block().text


def test_mangled_separator_after_article_number():
    # 深商務規〔2025〕4號 on a mirror: the no-break space after 第一條 became "?"
    lines = ["第一章 ?總則", "第一條?為進一步加強和規範財政專項資金的使用管理,制定本辦法。",
             "第二條?本辦法所稱財政專項資金,是指由市級財政預算安排的資金。"]
    (doc,) = parse_lines(lines)
    assert [n.label for _, n in doc.clauses()] == ["第一条", "第二条"]
    assert doc.clauses()[0][1].heading.startswith("为进一步")


def test_guide_fields_glued_into_one_paragraph():
    # 聊城 收费许可证办理规程 as stored: "1适用范围…2设定依据…" in one paragraph
    line = ("核发收费许可证办理规程1适用范围本规程适用于政务服务中心物价部门窗口办理收费许可证的相关工作。"
            "2设定依据X财综字20XXX号3受理范围市直单位的行政性、事业性收费项目。4申报材料4.1合法有效的收费文件;"
            "4.2相关资质证明文件。5办理程序5.1申请单位携带材料到物价局窗口提交有关材料;5.2受理人审核有关材料。"
            "6承诺时限5个工作日7收费依据及标准不收费")
    (doc,) = parse_lines([line])
    assert doc.kind == "guide"
    fields = [c.field for c in doc.nodes[0].children]
    assert fields == ["适用范围", "办理依据", "申报材料", "申报流程", "办理时限", "收费标准"]


def test_a_service_commitment_is_not_a_guide():
    # 市农业局公开服务承诺 (traditional script): two field-like headings only
    lines = [
        "市農業局公開服務承諾",
        "一、服務標準",
        "1.牢固樹立服務意識和全局觀念,提高執法水平和服務質量。",
        "二、工作時限",
        "1.植物產地檢疫,自受理產地檢疫申請之日起7日內作出答復。",
        "2.植物調運檢疫,受理申請7日內作出書面答復。",
    ]
    assert all(d.kind != "guide" for d in parse_lines(lines))


def test_letterhead_and_number_are_not_the_title():
    # 鞍立政发〔2023〕2号: 版头, 发文字号, title, 主送
    lines = [
        "鞍山市立山区人民政府文件",
        "鞍立政发〔2023〕2号",
        "立山区人民政府关于印发《立山区政府2023年重点工作任务分解和责任分工方案》的通知",
        "立山经济开发区，各街道办事处，各区直部门，各有关单位：",
        "经区政府同意，现将《立山区政府2023年重点工作任务分解和责任分工方案》印发给你们，请结合实际，认真贯彻落实。",
    ]
    docs = parse_lines(lines)
    assert docs[0].title == "立山区人民政府关于印发《立山区政府2023年重点工作任务分解和责任分工方案》的通知"
