"""Responsible units (责任单位): real tags from the corpus, normalised text."""

from __future__ import annotations

from pathlib import Path

import pytest

from huiqi.extract.units import extract_responsible_units, load_unit_aliases, normalize_unit

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"

# (clause text as the normaliser hands it over, expected unit list)
CASES = [
    # ---- 000 (自治区 2024 list): 〔〕 when the list itself contains （）
    pytest.param(
        "1.实施粮油等主要作物大面积单产提升行动，进一步增强粮食和重要农产品稳定安全供给能力。"
        "〔责任单位：自治区农牧厅（乡村振兴局）、财政厅〕",
        ["自治区农牧厅（乡村振兴局）", "自治区财政厅"],
        id="000-1-nested-brackets",
    ),
    pytest.param(
        "30.支持符合条件的新能源电源及配套送出工程建成即并网，对纳入相关规划的新能源配套送出工程项目开辟绿色审批通道。"
        "〔责任单位：自治区自然资源厅、林草局、能源局，内蒙古电力（集团）公司、国网蒙东电力公司，各盟行政公署、市人民政府〕",
        ["自治区自然资源厅", "自治区林草局", "自治区能源局", "内蒙古电力（集团）公司",
         "国网蒙东电力公司", "各盟行政公署、市人民政府"],
        id="000-30-groups-and-each-league",
    ),
    pytest.param(
        "58.设立村级寄递物流综合服务公益性岗位，补助标准为500元/月，补贴至2025年。"
        "〔责任单位：内蒙古邮政管理局，自治区农牧厅（乡村振兴局）、交通运输厅、人力资源和社会保障厅，中国邮政集团有限公司内蒙古分公司〕",
        ["内蒙古邮政管理局", "自治区农牧厅（乡村振兴局）", "自治区交通运输厅",
         "自治区人力资源社会保障厅", "中国邮政集团有限公司内蒙古分公司"],
        id="000-58-non-autonomous-first-and-variant",
    ),
    pytest.param(
        "102.积极争取中国国家铁路集团有限公司增加内蒙古中欧班列开行计划，增加开行线路。"
        "（责任单位：中国铁路呼和浩特局集团有限公司、自治区发展改革委、呼和浩特海关、满洲里海关）",
        ["中国铁路呼和浩特局集团有限公司", "自治区发展改革委", "呼和浩特海关", "满洲里海关"],
        id="000-102-mixed-group",
    ),
    pytest.param(
        "83.…按照当年保费收入（不含税金）的10%给予保费补助。"
        "〔责任单位：自治区地方金融管理局、财政厅、农牧厅（乡村振兴局）〕",
        ["自治区地方金融管理局", "自治区财政厅", "自治区农牧厅（乡村振兴局）"],
        id="000-83-parentheticals-in-body",
    ),
    pytest.param(
        "19.对于投资2000万元及以上且已完工的制造业技术改造项目，按照当年技术改造设备投资的20%、单个项目最高不超过500万元给予补助。"
        "（责任单位：自治区工业和信息化厅、财政厅）",
        ["自治区工业和信息化厅", "自治区财政厅"],
        id="000-19-prefix-elision",
    ),
    pytest.param(
        "（责任单位：自治区粮食和物资储备局、财政厅，国家金融监管总局内蒙古监管局、农业发展银行内蒙古分行）",
        ["自治区粮食和物资储备局", "自治区财政厅", "国家金融监管总局内蒙古监管局", "农业发展银行内蒙古分行"],
        id="000-groups-of-own-organisations",
    ),
    pytest.param(
        "（责任单位：自治区能源局、矿山安全监管局，国家矿山安全监察局内蒙古局）",
        ["自治区能源局", "自治区矿山安全监管局", "国家矿山安全监察局内蒙古局"],
        id="000-state-bureau",
    ),
    # ---- 002 (Hohhot 2022 list): 市 prefix, ASCII brackets, mixed pairs
    pytest.param(
        "13.鼓励企业围绕…对重大工业项目采取“一事一议”方式给予支持。"
        "（责任单位：市工信局、财政局，各旗县区人民政府，各开发区、和林格尔新区管委会）",
        ["市工信局", "市财政局", "各旗县区人民政府", "各开发区管委会", "和林格尔新区管委会"],
        id="002-13-distributed-suffix",
    ),
    pytest.param(
        "58.积极推动符合政策条件的园区建设自治区低碳零碳园区，实施循环化改造。"
        "（责任单位：市发改委、工信局，金山高新区、托清经济开发区、敕勒川乳业开发区管委会）",
        ["市发改委", "市工信局", "金山高新区管委会", "托清经济开发区管委会", "敕勒川乳业开发区管委会"],
        id="002-58-distributed-suffix-three-zones",
    ),
    pytest.param(
        "67.扩大国家融资担保降费奖补资金对中小微企业的再担保业务覆盖面（责任单位：市财政局、金融办、工信局）",
        ["市财政局", "市金融办", "市工信局"],
        id="002-67-no-full-stop-before-tag",
    ),
    pytest.param(
        "92.对基础设施配套费实行清单化管理并主动向社会公开。"
        "（责任单位：市住建局、呼和浩特供电公司、城市燃气热力公司、春华水务公司、中燃公司等)",
        ["市住建局", "呼和浩特供电公司", "城市燃气热力公司", "春华水务公司", "中燃公司"],
        id="002-92-mixed-bracket-pair-and-etc",
    ),
    pytest.param(
        "94.对全市招商引资政策未兑现未落实情况进行系统梳理、分析原因、形成清单台账，逐项研究推动清理解决。"
        "（责任单位：各旗县区人民政府，经济技术开发区管委会，市财政局、工信局、区域经济合作局等）",
        ["各旗县区人民政府", "经济技术开发区管委会", "市财政局", "市工信局", "市区域经济合作局"],
        id="002-94-tag-split-across-lines-joined",
    ),
    pytest.param(
        "94.逐项研究推动清理解决。（责任\n单位：各旗县区人民政府，经济技术开发区管委会，市财政局、工信局、区域经济合作局等）",
        ["各旗县区人民政府", "经济技术开发区管委会", "市财政局", "市工信局", "市区域经济合作局"],
        id="002-94-label-still-broken-by-newline",
    ),
    pytest.param(
        "93.…健全破产案件府院联动机制。（责任单位：市行政审批和政务服务局、市场监管局、住建局、人社局、税务局，"
        "中级人民法院，各旗县区人民政府，经济技术开发区管委会）",
        ["市行政审批和政务服务局", "市市场监管局", "市住建局", "市人社局", "市税务局",
         "市中级人民法院", "各旗县区人民政府", "经济技术开发区管委会"],
        id="002-93-market-bureau-and-bare-court",
    ),
    pytest.param(
        "42.力争2022年新增5G基站7000个。(责任单位：市委网信办，市工信局、发改委)",
        ["市委网信办", "市工信局", "市发改委"],
        id="002-42-ascii-brackets-party-tier",
    ),
    # ---- 004 (自治区 2022 action plan): unlabelled tags
    pytest.param(
        "1.…三是其他行业，标准为从业人员1000人以下或营业收入4亿元以下。（内蒙古税务局）",
        ["内蒙古税务局"],
        id="004-1-single-unlabelled",
    ),
    pytest.param(
        "5.降低企业社保负担…纾难解困。(自治区人力资源和社会保障厅、自治区财政厅、内蒙古税务局按职责分工负责)",
        ["自治区人力资源社会保障厅", "自治区财政厅", "内蒙古税务局"],
        id="004-5-duty-suffix-and-variant",
    ),
    pytest.param(
        "3.…印花税（不含证券交易印花税）、耕地占用税和教育费附加、地方教育附加。（内蒙古税务局、自治区财政厅按职责分工负责)",
        ["内蒙古税务局", "自治区财政厅"],
        id="004-3-page-break-mixed-pair",
    ),
    pytest.param(
        "15.推动合格主体利用资本市场融资。（自治区地方金融监管局、人民银行呼和浩特中心支行、内蒙古证监局按职责分工负责)",
        ["自治区地方金融管理局", "中国人民银行内蒙古自治区分行", "内蒙古证监局"],
        id="004-15-renamed-regulators",
    ),
    pytest.param(
        "37.鼓励具备条件的金融机构加大对跨境电商企业、外贸综合服务企业、大型骨干外贸企业和物流企业支持。"
        "（人民银行呼和浩特中心支行、自治区地方金融监管局、呼和浩特海关）",
        ["中国人民银行内蒙古自治区分行", "自治区地方金融管理局", "呼和浩特海关"],
        id="004-37-three-units-no-suffix",
    ),
    pytest.param(
        "（自治区能源局、国网蒙东电力公司、内蒙古电力集团按职责分工负责）",
        ["自治区能源局", "国网蒙东电力公司", "内蒙古电力（集团）公司"],
        id="004-power-company-variant",
    ),
    pytest.param(
        "30.推动数据中心建设。(自治区大数据中心)",
        ["自治区大数据中心"],
        id="004-centre",
    ),
    # ---- 001 (compilation): lead/cooperate, 牵头单位；责任单位, 协同单位, prose after duties
    pytest.param(
        "…〔自治区财政厅牵头负责，自治区农牧厅（乡村振兴局）、地方金融管理局，"
        "中国人民银行内蒙古自治区分行、国家金融监管总局内蒙古监管局配合〕",
        ["自治区财政厅", "自治区农牧厅（乡村振兴局）", "自治区地方金融管理局",
         "中国人民银行内蒙古自治区分行", "国家金融监管总局内蒙古监管局"],
        id="001-lead-and-cooperate",
    ),
    pytest.param(
        "…〔自治区科技厅牵头负责，自治区农牧厅（乡村振兴局）、农牧业科学院，内蒙古农业大学配合〕",
        ["自治区科技厅", "自治区农牧厅（乡村振兴局）", "自治区农牧业科学院", "内蒙古农业大学"],
        id="001-lead-academy-prefixed",
    ),
    pytest.param(
        "…推动氢能产业规模化发展。（牵头单位：市能源局，相关旗区人民政府：责任单位：市发展和改革委员会、"
        "市科学技术局、市工业和信息化局，鄂尔多斯高新技术产业开发区管理委员会）",
        ["市能源局", "相关旗区人民政府", "市发展和改革委员会", "市科学技术局", "市工业和信息化局",
         "鄂尔多斯高新技术产业开发区管理委员会"],
        id="001-lead-and-responsible-with-colon-typo",
    ),
    pytest.param(
        "…（责任单位：旗委社会工作部，协同单位：旗委政法委、旗总工会、团旗委、旗妇联）",
        ["旗委社会工作部", "旗委政法委", "旗总工会", "团旗委", "旗妇联"],
        id="001-cooperating-units",
    ),
    pytest.param(
        "…（责任单位：自治区农牧厅、财政厅，各盟行政公署、市人民政府按职责分工负责；"
        "除第20条外，以下各项任务均需各盟行政公署、市人民政府落实，不再单独列出）",
        ["自治区农牧厅（乡村振兴局）", "自治区财政厅", "各盟行政公署、市人民政府"],
        id="001-prose-after-duty-clause-dropped",
    ),
    pytest.param(
        "…（中央网信办牵头，工业和信息化部、公安部等部门和各省级人民政府按职责分工负责）",
        ["中央网信办", "工业和信息化部", "公安部", "各省级人民政府"],
        id="001-national-etc-departments-and-each",
    ),
    pytest.param(
        "…（责任单位：自治区商务厅、工业和信息化厅、财政厅、农牧厅、党委网信办按职责分工负责）",
        ["自治区商务厅", "自治区工业和信息化厅", "自治区财政厅", "自治区农牧厅（乡村振兴局）", "自治区党委网信办"],
        id="001-party-office-under-autonomous-prefix",
    ),
    pytest.param(
        "…（责任单位：自治区发展改革委，商务厅，呼和浩特海关、满洲里海关）",
        ["自治区发展改革委", "自治区商务厅", "呼和浩特海关", "满洲里海关"],
        id="001-comma-for-dunhao-inherits-prefix",
    ),
    # ---- 003 (Alxa guide, 政策直通车 part)
    pytest.param(
        "…（责任部门：中国人民银行内蒙古自治区分行、自治区党委金融办、内蒙古金融监管局、内蒙古证监局，"
        "自治区科技厅、工业和信息化厅、财政厅、市场监管局，各金融机构）",
        ["中国人民银行内蒙古自治区分行", "自治区党委金融办", "国家金融监管总局内蒙古监管局", "内蒙古证监局",
         "自治区科技厅", "自治区工业和信息化厅", "自治区财政厅", "自治区市场监管局", "各金融机构"],
        id="003-responsible-departments",
    ),
    pytest.param(
        "…建立人才工作联系服务机制。（盟委组织部、编办，盟人社局，阿拉善职业技术学院）",
        ["盟委组织部", "盟委编办", "盟人社局", "阿拉善职业技术学院"],
        id="003-league-party-prefix",
    ),
    pytest.param(
        "…（盟委社会工作部，盟教体局、人社局、科技局、卫健委、文旅广电局、文联、社科联）",
        ["盟委社会工作部", "盟教体局", "盟人社局", "盟科技局", "盟卫健委", "盟文旅广电局", "盟文联", "盟社科联"],
        id="003-league-associations",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_real_tags(text, expected):
    units, span = extract_responsible_units(text)
    assert units == expected
    assert span is not None
    assert span.text == text[span.start : span.end]
    assert span.text[0] in "（(〔" and span.text[-1] in "）)〕"
    # the tag is at the end of every clause above
    assert text[span.end :].strip() == ""


@pytest.mark.parametrize(
    "text",
    [
        # 000 item 20: an ordinary parenthetical at the end of a sentence
        "对年节能量2000吨标准煤以上（含2000吨标准煤）",
        "内蒙古自治区培育“专精特新”中小企业管理办法（试行）",
        "鼓励农民专业合作社、家庭农场、企业（合作社）",
        "各旗区人民政府（管委会）",
        "按照每节约1吨标准煤给予200元补助（国土资发〔2006〕307号）",
        "自治区级企业技术中心（研发中心）",
        "推动电力市场化交易（自治区）",
        "",
    ],
)
def test_ordinary_parentheticals_are_not_tags(text):
    assert extract_responsible_units(text) == ([], None)


def test_tag_not_at_end_is_found_when_labelled():
    text = "…建设。（责任单位：市科学技术局、市财政局）（二十四）完善绩效工资分配方式"
    units, span = extract_responsible_units(text)
    assert units == ["市科学技术局", "市财政局"]
    assert span.text == "（责任单位：市科学技术局、市财政局）"


def test_unbalanced_labelled_tag_runs_to_end():
    text = "…再担保业务覆盖面（责任单位：市财政局、金融办、工信局\n"
    units, span = extract_responsible_units(text)
    assert span.end == len(text.rstrip())
    assert units == ["市财政局", "市金融办", "市工信局"]


def test_duplicates_after_alias_are_removed():
    units, _ = extract_responsible_units("（责任单位：自治区人力资源社会保障厅、人力资源和社会保障厅、财政厅）")
    assert units == ["自治区人力资源社会保障厅", "自治区财政厅"]


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("自治区地方金融监管局", "自治区地方金融管理局"),
        ("自治区人力资源和社会保障厅", "自治区人力资源社会保障厅"),
        ("自治区住房和城乡建设厅", "自治区住房城乡建设厅"),
        ("内蒙古电力集团", "内蒙古电力（集团）公司"),
        ("内蒙古电力(集团)公司", "内蒙古电力（集团）公司"),
        ("自治区政务服务局", "自治区政务服务与数据管理局"),
        ("内蒙古银保监局", "国家金融监管总局内蒙古监管局"),
        ("人民银行呼和浩特中心支行", "中国人民银行内蒙古自治区分行"),
        ("自治区 财政厅", "自治区财政厅"),
        ("市工信局", "市工信局"),
    ],
)
def test_normalize_unit(raw, canonical):
    assert normalize_unit(raw) == canonical


def test_alias_table_targets_are_canonical():
    table = load_unit_aliases()
    assert len(table) >= 8
    # every target is final: no alias points to another alias
    assert not set(table.values()) & set(table)


def _items(path: Path) -> list[str]:
    """Numbered items of a policy list, lines joined (test helper, crude)."""
    import re

    out: list[str] = []
    in_item = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if not line:
            continue
        if re.match(r"^\d+\.(?!\d)", line):
            out.append(line)
            in_item = True
        elif re.match(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）", line):
            in_item = False
        elif in_item:
            out[-1] += line
    return [re.sub(r"(?<=[\u4e00-\u9fff\d）)])\s+(?=[\u4e00-\u9fff\d（(])", "", x) for x in out if x]


@pytest.mark.parametrize(
    "name, n_items, distinct",
    [("002_2eea5c05658e5303.txt", 94, 34), ("004_fdc1b544d65218b6.txt", 52, 31)],
)
def test_whole_lists_every_item_tagged(name, n_items, distinct):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("corpus not present")
    items = _items(path)
    assert len(items) == n_items
    seen: set[str] = set()
    for item in items:
        units, span = extract_responsible_units(item)
        assert units, item[-60:]
        seen.update(units)
    assert len(seen) == distinct
