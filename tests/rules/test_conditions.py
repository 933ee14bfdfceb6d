"""Condition trees from clause texts (huiqi.rules.conditions).

Inputs are quoted verbatim from the bundled corpus (data/corpus/): 000 =
自治区2024年政策清单, 001 = 鄂尔多斯/伊金霍洛旗汇编, 002 = 呼和浩特市工业政策清单,
003 = 阿拉善盟惠企政策服务指南汇编.
"""

from datetime import date

from huiqi.calc.evaluate import FactContext, evaluate
from huiqi.firm.profile import load_profile
from huiqi.rules.conditions import extract_conditions
from huiqi.rules.model import Condition

AS_OF = date(2025, 6, 30)


def clause(text: str, fields: dict | None = None, region: str = "阿拉善盟", level: str = "盟市") -> dict:
    """A clause mapping as the engine passes it (guide fields are substrings of the text)."""
    if fields:
        text = "\n".join(f"{k}\n{v}" for k, v in fields.items())
    return {"text": text, "fields": fields or {}, "thresholds": [], "path": [],
            "document": {"title": "测试", "level": level, "region": region, "kind": "document"}}


def ctx(**kw) -> FactContext:
    profile, _ = load_profile({"region": "阿拉善左旗", **kw})
    return FactContext.build(profile, AS_OF)


def leaves(c: Condition, kind: str | None = None, attribute: str | None = None) -> list[Condition]:
    return [x for x in c.leaves() if (kind is None or x.kind == kind) and (attribute is None or x.attribute == attribute)]


def check_sources(c: Condition, cl: dict) -> None:
    for x in c.leaves():
        assert x.source_text and x.source_text in cl["text"], x.source_text
        assert x.label


# --- tax clauses ----------------------------------------------------------

# 003 增值税税收优惠政策 (服务指南): 适用范围 / 申报条件
VAT = {"适用范围": "增值税小规模纳税人", "申报条件": "未开具3%增值税专用发票的增值税小规模纳税人"}


def test_vat_small_scale_taxpayer_guide():
    cl = clause("", VAT)
    c = extract_conditions(cl)
    check_sources(c, cl)
    (tp,) = {(x.attribute, tuple(x.value)) for x in leaves(c, "membership")}
    assert tp == ("taxpayer_type", ("小规模纳税人",))
    # the unrecognised modifier is kept as text, not silently passed
    assert [x.source_text for x in leaves(c, "text")] == ["未开具3%增值税专用发票"]
    assert evaluate(c, ctx(taxpayer_type="一般纳税人")).outcome == "unmet"
    assert evaluate(c, ctx(taxpayer_type="小规模纳税人")).outcome == "to_confirm"
    assert evaluate(c, ctx()).missing == ["taxpayer_type"]


# 003 企业所得税税收优惠政策: 小型微利企业 with the three limits of 财政部 税务总局公告2023年第12号
SLP = {"适用范围": "小型微利企业",
       "申报条件": "从事国家非限制和禁止行业，且同时符合年度应纳税所得额不超过300万元、从业人数不超过300人、"
               "资产总额不超过5000万元等三个条件的企业。"}


def test_small_low_profit_guide_thresholds():
    cl = clause("", SLP)
    c = extract_conditions(cl)
    check_sources(c, cl)
    th = {(x.attribute, x.operator, x.value) for x in leaves(c, "threshold")}
    assert th == {("taxable_income", "<=", 3_000_000), ("employees", "<=", 300), ("total_assets", "<=", 50_000_000)}
    assert leaves(c, "membership", "qualifications")[0].value == ["小型微利企业"]
    assert [x.source_text for x in leaves(c, "text")] == ["从事国家非限制和禁止行业"]
    firm = ctx(taxable_income="120万元", employees=40, total_assets="800万元")
    assert evaluate(c, firm).outcome == "to_confirm"  # 非限制和禁止行业 is to be confirmed
    assert evaluate(c, ctx(taxable_income="120万元", employees=400, total_assets="800万元")).outcome == "unmet"


# 003 阿拉善盟民营企业发展奖励措施 2.: three parallel offers (一是…二是…三是…)
LOCAL_TAX = ("2.精准落实地方政策。精准落实内蒙古自治区出台的支持民营经济发展地方性税收优惠政策，一是对年应纳税所得额低于100万元"
             "（含100万元）的小型微利企业免征企业所得税地方分享部分；二是对月销售额不超过3万元的小规模纳税人免征房产税和城镇土地"
             "使用税；三是对货车、挂车、专用作业车、轮式专用机械车车船税适用税额按照现行车船税适用税额的50%征收，进一步减轻民营企业"
             "税费负担。")


def test_parallel_offers_are_alternatives():
    cl = clause(LOCAL_TAX)
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert c.op == "any" and len(c.children) == 2
    first, second = c.children
    assert {(x.attribute, x.operator, x.value) for x in leaves(first, "threshold")} == {("taxable_income", "<=", 1_000_000)}
    assert {(x.attribute, x.operator, x.value) for x in leaves(second, "threshold")} == {("monthly_sales", "<=", 30_000)}
    # the duty sentence (精准落实…) is no condition
    assert not any("精准落实" in x.source_text for x in c.leaves())
    shop = ctx(taxpayer_type="小规模纳税人", monthly_sales="2.5万元")
    assert evaluate(c, shop).outcome == "met"
    big = ctx(taxpayer_type="一般纳税人", monthly_sales="50万元", taxable_income="500万元")
    assert evaluate(c, big).outcome == "unmet"


# --- investment projects --------------------------------------------------

# 002 呼和浩特市促进工业经济高质量发展政策清单 17.
TECH_RETROFIT = ("17.支持“专精特新”中小企业提升专业配套能力，为全市“六大产业集群”大企业、大项目和龙头企业提供自主研发产品或技术的"
                 "中小企业，按其新增配套额5%、一次性给予不超过50万元的补助。对“专精特新”中小企业投资100万元以上的技改项目，按项目"
                 "设备投资额的20%予以补助，最高不超过50万元。\n（责任单位：市工信局）")


def test_tech_retrofit_with_investment_threshold():
    cl = clause(TECH_RETROFIT, region="呼和浩特市")
    c = extract_conditions(cl)
    check_sources(c, cl)
    got = {(x.attribute, x.operator, str(x.value)) for x in c.leaves()}
    assert ("qualifications", "in", "['专精特新中小企业']") in got
    assert ("project.investment", ">=", "1000000.0") in got
    assert ("project.kind", "in", "['技术改造']") in got
    # 最高不超过50万元 is a benefit cap, not a condition
    assert not any(x.value == 500_000 for x in c.leaves())
    firm = dict(qualifications=["专精特新中小企业"])
    ok = ctx(**firm, projects=[{"kind": "技术改造", "investment": "300万元"}])
    assert evaluate(c, ok).outcome == "met"
    small = ctx(**firm, projects=[{"kind": "技术改造", "investment": "80万元"}, {"kind": "新建", "investment": "900万元"}])
    assert evaluate(c, small).outcome == "unmet"  # no single project is a ≥100万 retrofit


# 003 先进制造业集群和重点产业链项目技术改造服务指南: 申报条件 2.
RETROFIT_GUIDE = {"申报条件": "1.申报项目必须符合支持方向，符合国家和自治区产业政策；\n"
                          "2.技术改造类项目核准（备案）文件载明的投资额2000万元以上且完成建设已投产；"}


def test_guide_project_conditions_grouped():
    cl = clause("", RETROFIT_GUIDE)
    c = extract_conditions(cl)
    check_sources(c, cl)
    inv = leaves(c, "threshold", "project.investment")
    assert [(x.operator, x.value) for x in inv] == [(">=", 20_000_000)]
    assert leaves(c, "membership", "project.status")[0].value == ["建成投产"]
    firm = ctx(projects=[{"kind": "技术改造", "investment": "2500万元", "status": "建成投产"}])
    assert evaluate(c, firm).outcome == "to_confirm"  # 符合支持方向 stays to confirm
    assert evaluate(c, ctx()).missing == ["projects"]


# 001 内蒙古自治区推进奶产业高质量发展若干政策措施 2.: area threshold + text
ALFALFA = ("2.在奶牛养殖优势区，推进国产优质苜蓿提质增产，对集中连片标准化种植500亩以上，且与养殖场（户）签订饲草购销合同的苜蓿"
           "种植主体，分3年给予每亩1000元补贴。（责任单位：自治区农牧厅、财政厅、自然资源厅、林草局按职责分工负责）")


def test_area_threshold_and_text_condition():
    cl = clause(ALFALFA, region="内蒙古自治区", level="自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert [(x.attribute, x.value) for x in leaves(c, "threshold")] == [("project.area_mu", 500)]
    assert any("签订饲草购销合同" in x.source_text for x in leaves(c, "text"))
    assert not any(x.value == 1000 for x in c.leaves())  # 每亩1000元 is the benefit


# --- exclusions, any-of lists, tiers ---------------------------------------

# 003 失业保险稳岗返还服务指南: 申报条件
STABLE_JOBS = {"申报条件": "参保企业（单位）足额缴纳失业保险费12个月以上，上年度未裁员或裁员率不高于上年度全国城镇调查失业率控制"
                       "目标（5.5%），30人（含）以下的参保企业（单位）裁员率不高于参保职工总数20%的，可以申请失业保险稳岗返还"
                       "（对严重违法失信企业、列入出清名单的僵尸企业和不符合当地环保政策的企业不予返还）。"}


def test_exclusion_list_and_layoff_tiers():
    cl = clause("", STABLE_JOBS)
    c = extract_conditions(cl)
    check_sources(c, cl)
    nots = [k for k in c.children if k.op == "not"]
    assert len(nots) == 1
    excluded = nots[0].children[0]
    assert excluded.op == "any"
    assert {x.source_text for x in excluded.leaves()} >= {"严重违法失信企业"}
    assert leaves(c, "threshold", "unemployment_insurance_months")[0].value == 12
    rates = sorted(x.value for x in leaves(c, "threshold", "layoff_rate"))
    assert rates == [0.0, 0.055, 0.2]
    base = dict(unemployment_insurance_months=24)
    # 3% layoffs: under the 5.5% target → only the exclusions remain to confirm
    assert evaluate(c, ctx(**base, layoff_rate=0.03, employees=200)).outcome == "to_confirm"
    # 10% layoffs in a 200-person firm: no tier holds
    assert evaluate(c, ctx(**base, layoff_rate=0.10, employees=200)).outcome == "unmet"
    # 10% layoffs in a 25-person firm: the ≤30人 tier (≤20%) holds
    assert evaluate(c, ctx(**base, layoff_rate=0.10, employees=25)).outcome == "to_confirm"
    assert evaluate(c, ctx(layoff_rate=0.03, employees=200)).missing == ["unemployment_insurance_months"]


# 003 企业移出经营异常名录服务指南: 适用范围 with 符合下列情形之一
ABNORMAL_LIST = {"适用范围": "被列入经营异常名录的当事人，符合下列情形之一的，可以依照《市场监督管理信用修复管理办法》规定申请"
                         "信用修复：\n1.补报未报年份年度报告并公示；\n2.已经履行即时信息公示义务；\n3.已经更正其隐瞒真实情况、"
                         "弄虚作假的公示信息；\n4.依法办理住所或者经营场所变更登记，或者当事人提出通过登记的住所或者经营场所可以"
                         "重新取得联系。"}


def test_any_of_list():
    cl = clause("", ABNORMAL_LIST)
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert c.op == "all"
    lead, options = c.children
    assert lead.kind == "text" and "列入经营异常名录" in lead.source_text
    assert options.op == "any"
    texts = [x.source_text for x in options.leaves()]
    assert texts[0] == "补报未报年份年度报告并公示"
    assert len(texts) == 5  # 4 items, the 4th with an inner 或者
    assert evaluate(c, ctx()).outcome == "to_confirm"


# 003 创新型中小企业和“专精特新”中小企业服务指南: 适用范围 — two alternative subject phrases
SRDI_SCOPE = {"适用范围": "在自治区内注册登记，具有独立法人资格，符合《中小企业划型标准规定》的中型、小型、微型工业企业和主导"
                      "产品为为工业企业提供工业软件的中型、小型、微型软件企业。"}


def test_region_words_and_subject_alternatives():
    cl = clause("", SRDI_SCOPE)
    c = extract_conditions(cl)
    check_sources(c, cl)
    (reg,) = leaves(c, "region")
    assert reg.value == ["150000"] and reg.source_text == "在自治区内注册登记"
    alt = next(k for k in c.children if k.op == "any")
    assert len(alt.children) == 2
    assert all(leaves(k, "membership", "size_class")[0].value == ["中型", "小型", "微型"] for k in alt.children)
    factory = ctx(entity_type="企业", industry="C3985", employees=100, revenue="5000万元")
    assert evaluate(c, factory).outcome == "to_confirm"
    # 具有独立法人资格: a 个体工商户 is no legal person; an unstated entity type is asked for
    assert evaluate(c, ctx(entity_type="个体工商户", industry="C3985", employees=5, revenue="50万元")).outcome == "unmet"
    assert evaluate(c, ctx(industry="C3985", employees=100, revenue="5000万元")).missing == ["entity_type"]
    big = ctx(industry="C3985", employees=2000, revenue="5亿元")
    assert evaluate(c, big).outcome == "unmet"
    profile, _ = load_profile({"region": "北京市朝阳区", "industry": "C3985", "employees": 100, "revenue": "5000万元"})
    assert evaluate(c, FactContext.build(profile, AS_OF)).outcome == "unknown"  # region outside the table


def test_league_region_word_and_qualification():
    # 003 科技标杆企业服务指南: 适用范围
    cl = clause("", {"适用范围": "阿拉善盟内注册，具有独立法人资格，且在有效期内的高新技术企业"})
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert leaves(c, "region")[0].value == ["152900"]
    assert leaves(c, "membership", "qualifications")[0].value == ["高新技术企业"]
    assert {x.source_text for x in leaves(c, "text")} == {"具有独立法人资格", "且在有效期内"}
    profile, _ = load_profile({"region": "伊金霍洛旗", "qualifications": ["高新技术企业"]})
    assert evaluate(c, FactContext.build(profile, AS_OF)).outcome == "unmet"


def test_single_champion_written_with_de_is_a_qualification():
    # 2024 regional list, item 43: "对认定为自治区级制造业单项冠军的企业奖励100万元"
    cl = clause("对认定为自治区级制造业单项冠军的企业奖励100万元，对认定为国家级制造业单项冠军的企业奖励200万元。",
                region="内蒙古自治区", level="自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    quals = leaves(c, "membership", "qualifications")
    assert quals and quals[0].value == ["制造业单项冠军企业"]
    holder, _ = load_profile({"region": "东胜区", "qualifications": ["制造业单项冠军企业"]})
    other, _ = load_profile({"region": "东胜区", "qualifications": ["高新技术企业"]})
    assert evaluate(quals[0], FactContext.build(holder, AS_OF)).outcome == "met"
    assert evaluate(quals[0], FactContext.build(other, AS_OF)).outcome == "unmet"

# --- tracks -----------------------------------------------------------------

# 003 工业绿色化改造项目服务指南: 申报条件 (abridged to the first lines of two tracks)
GREEN = {"申报条件": "（一）节能技术改造项目\n1.企业在自治区行政区域内注册，具有独立法人资格，经营状况和经济效益良好；\n"
                   "4.传统制造业采用先进适用技术实施节能改造，预计年节能量在2000吨标准煤（含，当量值）以上（不包括数据中心），"
                   "数据中心采用先进适用技术实施节能改造，电源使用效率（PUE值）降低到1.3；\n6.要求项目在2022年1月1日后到申报之日前建成投产；\n"
                   "（二）节水技术改造项目\n1.企业在自治区行政区域内注册，具有独立法人资格，经营状况和经济效益良好；\n"
                   "9.项目采用先进适用技术装备，年节水量在5万吨（含）以上，示范带动作用明显；"}


def test_tracks_are_labelled_alternatives():
    cl = clause("", GREEN)
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert c.op == "any"
    assert [k.label for k in c.children] == ["节能技术改造项目", "节水技术改造项目"]
    energy, water = c.children
    assert leaves(energy, "threshold", "project.energy_saving_tce")[0].value == 2000
    assert leaves(energy, "date", "project.completed")[0].value == "2022-01-01"
    assert leaves(water, "threshold", "project.water_saving_t")[0].value == 50_000
    plant = {"kind": "节能改造", "energy_saving_tce": 2600, "completed": "2023-03-01"}
    ev = evaluate(c, ctx(entity_type="企业", industry="C3985", projects=[plant]))
    assert ev.outcome == "to_confirm"  # 经营状况良好 etc. stay to confirm
    late = {"kind": "节能改造", "energy_saving_tce": 2600, "completed": "2021-03-01"}
    assert evaluate(c, ctx(industry="C3985", projects=[late])).outcome == "unmet"


def test_separately_granted_levels_are_tracks():
    # 000 政策清单 47.
    cl = clause("47.对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业，分别给予20万元、50万元、100万元一次性奖励。"
                "（责任单位：自治区工业和信息化厅、财政厅）", region="内蒙古自治区", level="自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    quals = leaves(c, "membership", "qualifications")
    assert [x.value for x in quals] == [["创新型中小企业"], ["专精特新中小企业"], ["专精特新“小巨人”企业"]]
    assert evaluate(c, ctx(qualifications=["小巨人"])).outcome == "to_confirm"  # 自治区认定 to confirm
    assert evaluate(c, ctx(qualifications=["高新技术企业"])).outcome == "unmet"


# --- employment ---------------------------------------------------------------

# 003 企业吸纳重点群体税费减免政策: 适用范围
HIRING = {"适用范围": "招用脱贫人口，以及在人力资源社会保障部门公共就业服务机构登记失业半年以上且持《就业创业证》或《就业失业"
                  "登记证》（注明“企业吸纳税收政策”）人员，与其签订1年以上期限劳动合同并依法缴纳社会保险费的企业。"}


def test_hiring_registered_unemployed():
    cl = clause("", HIRING)
    c = extract_conditions(cl)
    check_sources(c, cl)
    hires = {x.attribute for x in leaves(c, "threshold") if x.attribute.startswith("facts.")}
    assert hires == {"facts.脱贫人口招用人数", "facts.登记失业人员招用人数"}
    alt = next(k for k in c.children if k.op == "any")
    assert {x.attribute for x in alt.leaves() if x.kind != "text"} == hires
    hired = ctx(facts={"登记失业人员招用人数": 3, "脱贫人口招用人数": 0})
    assert evaluate(c, hired).outcome == "to_confirm"  # 签订1年以上劳动合同 to confirm
    none = ctx(facts={"登记失业人员招用人数": 0, "脱贫人口招用人数": 0})
    assert evaluate(c, none).outcome == "unmet"
    ev = evaluate(c, ctx())
    assert ev.outcome == "unknown"
    assert set(ev.missing) == hires


# 003 科技型中小企业服务指南: 申报条件 (numbered items, all required)
TSME = {"申报条件": "2.职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元；\n3.企业所在行业不属于国家发展和改革委员会"
                  "《产业结构调整指导目录》规定的限制类和淘汰类范围；"}


def test_guide_application_conditions_field():
    cl = clause("", TSME)
    c = extract_conditions(cl)
    check_sources(c, cl)
    th = {(x.attribute, x.operator, x.value) for x in leaves(c, "threshold")}
    assert th == {("employees", "<=", 500), ("revenue", "<=", 200_000_000), ("total_assets", "<=", 200_000_000)}
    assert len(leaves(c, "text")) == 1
    assert evaluate(c, ctx(employees=600, revenue="1亿元", total_assets="1亿元")).outcome == "unmet"
    ev = evaluate(c, ctx(employees=100))
    assert ev.outcome == "unknown" and ev.missing == ["revenue", "total_assets"]


# --- what is not a condition ---------------------------------------------------


def test_goals_and_duties_give_none():
    # 004 内蒙古自治区促进工业经济平稳增长行动方案 50. — duties of government units
    duty = clause("50.落实国家优化考核频次，能耗强度目标在“十四五”规划期内统筹考核，避免因能耗指标完成进度问题限制企业正常用能。"
                  "落实好国家重大项目能耗单列政策，积极争取煤制烯烃、煤制燃料等现代煤化工原料用煤项目及符合重大项目能耗单列的产业项目"
                  "列入国家重大项目能耗单列范围。（自治区发展改革委）", region="内蒙古自治区", level="自治区")
    assert extract_conditions(duty) is None
    # 001 鄂尔多斯市促进产业基金高质量发展五年行动方案 — a target (力争…)
    goal = clause("围绕国有资本保值增值、拓宽资本招商渠道、培养本地资本运作人才等方面，力争五年内参股基金规模100亿元以上。",
                  region="鄂尔多斯市")
    assert extract_conditions(goal) is None
    assert extract_conditions(clause("", {"适用范围": "全盟各旗区"})) is None  # the document's own region


def test_benefit_caps_are_not_conditions():
    # 001 鄂尔多斯市…乡村振兴若干政策措施 10.
    cl = clause("10.培育新产业新业态。推动一、二、三产业融合发展，建设一批大型农文旅康示范基地，对产值达1亿元以上的园区，每个园区按照"
                "固定资产投资的40%给予补贴，最高不超过300万元。", region="鄂尔多斯市")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert [x.source_text for x in c.leaves()] == ["产值达1亿元以上的园区"]


def test_person_beneficiary():
    # 003 关于促进人才高质量发展实施意见 十、
    cl = clause("十、加大本土优秀人才培养力度。对培养新增的自治区“英才兴蒙”工程一类至四类人才，在自治区工作经费支持基础上，分别给予"
                "最高300万元、100万元、50万元、25万元的一次性配套自主工作经费支持。")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert leaves(c, "membership", "entity_type")[0].value == ["个人"]
    assert evaluate(c, ctx(entity_type="企业")).outcome == "unmet"


def test_round_trip_and_bad_input():
    cl = clause("", SLP)
    c = extract_conditions(cl)
    assert Condition.from_dict(c.to_dict()).to_dict() == c.to_dict()
    assert extract_conditions({"text": "", "fields": {}}) is None
    assert extract_conditions({}) is None
    try:
        extract_conditions("not a mapping")  # type: ignore[arg-type]
    except TypeError as exc:
        assert "条款应为映射" in str(exc)
    else:
        raise AssertionError("TypeError expected")


# --- beneficiaries that are not the applicant --------------------------------


def test_government_beneficiary_never_matches_a_firm():
    # 000 政策清单 23. — the money goes to 盟市 (cities), not to firms
    cl = clause("23.支持制造业数字化转型，对列入自治区制造业数字化转型试点的盟市，给予5000万元奖补。对列入国家中小企业数字化"
                "转型城市试点的盟市，给予5000万元奖补。（责任单位：自治区工业和信息化厅、财政厅）", region="内蒙古自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert {tuple(x.value) for x in leaves(c, "membership", "entity_type")} == {("地方政府",)}
    assert not leaves(c, "membership", "industry")  # 制造业数字化转型 names the programme
    assert not leaves(c, "membership", "size_class")  # 中小企业数字化转型 too
    assert evaluate(c, ctx(industry="C3985", employees=100, revenue="5000万元")).outcome == "unmet"


def test_firms_served_by_the_applicant_are_not_its_conditions():
    # 000 政策清单 83. — the applicant is a guarantee company serving 小微企业
    cl = clause("83.对当年支持小微企业和“三农三牧”主体融资担保（再担保）达到规定条件的融资担保公司，按照其当年新增小微企业和"
                "“三农三牧”主体担保（再担保）责任金额的1%进行风险补偿，单户最高不超500万元。", region="内蒙古自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert not leaves(c, "membership")
    assert c.kind == "text" and c.source_text.endswith("融资担保公司")
    big = ctx(industry="C3985", employees=2000, revenue="5亿元")
    assert evaluate(c, big).outcome == "to_confirm"  # a large guarantor is not excluded


def test_quarterly_restatement_is_not_a_second_limit():
    # 000 政策清单 98. — 月销售额不超过3万元（按季9万元）
    cl = clause("98.自2021年1月1日至2025年12月31日，对年应纳税所得额低于100万元（含100万元）的小型微利企业免征企业所得税"
                "地方分享部分。对月销售额不超过3万元（按季9万元）的小规模纳税人免征房产税、城镇土地使用税。", region="内蒙古自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert [x.value for x in leaves(c, "threshold", "monthly_sales")] == [30_000]


def test_exemption_is_an_alternative():
    # 003 中国银行内蒙古分行“崇军贷”业务服务指南: 申报条件 2.
    cl = clause("", {"申报条件": "2.拥有合法经营主体，法人或民办非法人经营主体原则上成立1年以上，个体工商户不受成立时间限制；"})
    c = extract_conditions(cl)
    check_sources(c, cl)
    alt = next(k for k in c.children if k.op == "any")
    assert {(x.attribute, str(x.value)) for x in alt.leaves()} == {("age_years", "1.0"), ("entity_type", "['个体工商户']")}
    assert evaluate(alt, ctx(entity_type="个体工商户", established="2025-01-01")).outcome == "met"
    assert evaluate(alt, ctx(entity_type="企业", established="2025-01-01")).outcome == "unmet"


def test_one_case_of_a_listed_scope_is_not_an_extra_requirement():
    # 003 “六税两费”税收优惠政策: 申报条件 restates one case of 适用范围's list
    fields = {"适用范围": "增值税小规模纳税人、小型微利企业和个体工商户。",
              "申报条件": "纳税人按照增值税小规模纳税人管理的，可享受资源税（不含水资源税）、城市维护建设税、房产税、城镇土地使用"
                      "税、印花税（不含证券交易印花税）、耕地占用税和教育费附加、地方教育附加税收优惠政策。"}
    cl = clause("", fields)
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert c.op == "any" and len(c.children) == 3
    slp = ctx(taxpayer_type="一般纳税人", taxable_income="100万元", employees=20, total_assets="500万元")
    assert evaluate(c, slp).outcome == "met"


def test_condition_stats_counts_leaves():
    from huiqi.rules.conditions import condition_stats

    duty = clause("落实好国家重大项目能耗单列政策。（自治区发展改革委）", region="内蒙古自治区")
    st = condition_stats([clause("", SLP), duty])
    assert (st["clauses"], st["with_conditions"], st["clauses_with_checkable"]) == (2, 1, 1)
    assert st["checkable_leaves"] == 4 and st["text_leaves"] == 1
    assert st["by_attribute"]["taxable_income"] == 1


def test_enterprise_or_cooperative():
    # 003 种鸵鸟场建设补贴项目服务指南: 政策标准 — 1.补贴对象
    policy = ("1.补贴对象\n在阿拉善盟范围内注册的，投资新建圈舍面积60亩以上的种鸵鸟场且引进优质种鸵鸟的企业和合作社。\n"
              "2.补贴标准\n按基础设施和机械设备投资总额的20%给予一次性补贴，引进的优质种鸵鸟每只给予3000元补贴，单个企业（合作社）"
              "补贴最高不超过50万元。")
    cl = clause("", {"适用范围": "全盟各旗区", "政策标准": policy})
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert leaves(c, "region")[0].value == ["152900"]
    assert [(x.attribute, x.value) for x in leaves(c, "threshold")] == [("project.area_mu", 60)]
    alt = next(k for k in c.children if k.op == "any")
    assert [x.value for x in alt.leaves()] == [["企业"], ["农民专业合作社"]]
    # 种鸵鸟场 and 引进优质种鸵鸟 (joined by 且) are conditions a person confirms
    assert [x.source_text for x in leaves(c, "text")] == ["种鸵鸟场", "引进优质种鸵鸟"]
    farm = ctx(entity_type="企业", projects=[{"kind": "养殖", "area_mu": 80}])
    assert evaluate(c, farm).outcome == "to_confirm"
    assert evaluate(c, ctx(entity_type="个体工商户", projects=[{"kind": "养殖", "area_mu": 80}])).outcome == "unmet"
    assert not any(x.value == 500_000 for x in c.leaves())  # 最高不超过50万元 is a cap


# 000 自治区2024年政策清单 10: 种植企业（合作社、种植户） — a bracket listing further applicants
ALFALFA = ("10.推进国产优质苜蓿提质增产，对集中连片标准化种植500亩以上且与养殖场（户）签订饲草购销合同的种植企业"
           "（合作社、种植户）分3年共给予每亩1000元补贴。")


def test_bracketed_entity_list_keeps_the_enterprise():
    cl = clause(ALFALFA, region="内蒙古自治区", level="自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    # 种植户 (a farming household) runs as a family farm or a sole trader:
    # both profile types are alternatives; 签订饲草购销合同 (after 且) is to be confirmed
    assert [x.value for x in leaves(c, "membership", "entity_type")] == [
        ["企业"], ["农民专业合作社"], ["家庭农牧场", "个体工商户"]]
    assert {x.source_text for x in leaves(c, "text")} == {"与养殖场（户）签订饲草购销合同"}
    planting = [{"kind": "种植", "area_mu": 800}]
    assert evaluate(c, ctx(entity_type="企业", projects=planting)).outcome == "to_confirm"
    assert evaluate(c, ctx(entity_type="农民专业合作社", projects=planting)).outcome == "to_confirm"
    assert evaluate(c, ctx(entity_type="家庭农牧场", projects=planting)).outcome == "to_confirm"
    assert evaluate(c, ctx(entity_type="社会组织", projects=planting)).outcome == "unmet"
    assert evaluate(c, ctx(entity_type="企业", projects=[{"kind": "种植", "area_mu": 300}])).outcome == "unmet"


def test_three_entity_types_before_a_threshold_are_alternatives():
    # wording of 003 鸵鸟 guides: a list of applicant kinds, the last one followed by its activity
    text = "对企业、农民专业合作社、家庭农场养殖鸵鸟300只以上的，给予10万元补贴。"
    c = extract_conditions(clause(text))
    alt = next(k for k in c.children if k.op == "any")
    assert [x.value for x in alt.leaves()] == [["企业"], ["农民专业合作社"], ["家庭农牧场"]]
    flock = [{"kind": "养殖", "head_count": 400}]
    for who in ("企业", "农民专业合作社", "家庭农牧场"):
        assert evaluate(c, ctx(entity_type=who, projects=flock)).outcome == "met", who
    assert evaluate(c, ctx(entity_type="个体工商户", projects=flock)).outcome == "unmet"


# 002 呼和浩特市工业政策清单 49: ① list item, 节能改造工程项目, 节能量 in 吨 (of 标准煤)
SAVING = ("49.支持企业节能技术改造。①对于企业实施锅炉节能改造、机电系统能效提升、余热余压利用、综合能效提升、节能示范推广、"
          "数字用能管理等节能改造工程项目，或有一定节能效果等工程项目，节能量在300吨以上的，按节能量每吨标准煤300—500元"
          "标准予以奖补，数字用能管理节能项目按实际完成投资额的50%奖补，单个项目奖补资金不超过300万元，单个企业奖补资金不超过600万元。")


def test_energy_saving_project_kind_and_amount():
    cl = clause(SAVING, region="呼和浩特市")
    c = extract_conditions(cl)
    check_sources(c, cl)
    (kind,) = leaves(c, "membership", "project.kind")
    assert kind.value == ["节能改造"] and kind.source_text == "节能改造工程项目"
    (tce,) = leaves(c, "threshold")
    assert (tce.attribute, tce.operator, tce.value) == ("project.energy_saving_tce", ">=", 300)
    retrofit = ctx(projects=[{"kind": "节能改造", "energy_saving_tce": 500}])
    assert evaluate(c, retrofit).outcome == "met"
    assert evaluate(c, ctx(projects=[{"kind": "节能改造", "energy_saving_tce": 200}])).outcome == "unmet"
    # a farm's only project is no energy-saving project; 有一定节能效果 stays to confirm
    assert evaluate(c, ctx(projects=[{"kind": "养殖", "head_count": 400}])).outcome == "unknown"


def test_rd_ratio_and_shared_subject_of_alternatives():
    # 001 鄂尔多斯市“科技兴蒙”实施方案（六）: the 规模以上企业 after 的 is the subject of both alternatives
    text = "对研发投入占营业收入比例达到3%以上或研发投入达到5000万元以上的规模以上企业，分档给予最高500万元奖补。"
    cl = clause(text, region="鄂尔多斯市")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert c.op == "all"
    alt, head = c.children
    assert alt.op == "any" and head.value == ["规模以上工业企业"]
    ratio, rd = alt.children
    assert (ratio.attribute, ratio.operator, ratio.value) == ("facts.研发费用占营业收入比例", ">=", 0.03)
    assert (rd.attribute, rd.value) == ("rd_expense", 50_000_000)
    above = dict(industry="C3985", revenue="3亿元")
    assert evaluate(c, ctx(**above, facts={"研发费用占营业收入比例": "4%"})).outcome == "met"
    assert evaluate(c, ctx(**above, facts={"研发费用占营业收入比例": 0.02})).outcome == "unknown"  # rd_expense open
    assert evaluate(c, ctx(**above, rd_expense="100万元", facts={"研发费用占营业收入比例": "2%"})).outcome == "unmet"
    # a small firm with a high ratio is still no 规模以上企业 (revenue under 2000万元)
    assert evaluate(c, ctx(industry="C3985", revenue="800万元", facts={"研发费用占营业收入比例": 0.1})).outcome == "unmet"
    # several years' ratios (近2年…均, 近三年平均) are not one year's figure: they stay text
    multi = extract_conditions(clause("对近2年研发费用总额占营业收入总额比重均不低于3%的企业，给予10万元奖励。"))
    assert leaves(multi, "text") and not leaves(multi, "threshold")


# --- exclusions: what is negated is the qualifier, not the beneficiary ------

# 001 国家级政策 10.扶持家庭农场牧场发展政策 (clause lines 797-831)
FAMILY_FARM = (
    "10.扶持家庭农场牧场发展政策\n按照中央农办、农业农村部对培育发展家庭农牧场的总体部署和目标任务要求，2020年，自治区下发了"
    "《关于加快培育发展家庭农牧场的指导意见》（内党农牧办发〔2020〕12号）等扶持家庭农牧场发展的相关政策文件，家庭农牧场政策体系"
    "基本建立，扶持力度持续加大，发展质量不断提升。2023年，将坚持农牧户主体、规模适度、市场导向、因地制宜、示范引领的基本原则，"
    "深入实施家庭农牧场培育计划，健全管理服务制度和政策支持体系，引导更多农牧业规模经营户发展成为有活力的家庭农牧场。继续组织实施"
    "中央财政农业发展资金支持家庭农牧场发展项目，采取“先建设后补助”的方式，支持其开展基础设施建设、改善生产条件、应用先进技术、"
    "提升生产经营能力。每个家庭农牧场补助资金不超过10万元，已享受同类项目补助的家庭农牧场原则上不再享受同类项目补助。\n"
    "自治区级示范家庭农牧场由自治区农牧厅组织评定，由旗区、市级农牧部门逐级申报，原则上每两年评定一次，评定标准执行《内蒙古自治区"
    "家庭农牧场认定工作意见》；市级示范家庭农牧场由市农牧局组织评定，由旗区农牧部门申报，原则上每年评定一次，评定标准执行《内蒙古"
    "自治区家庭农牧场认定工作意见》及《鄂尔多斯市家庭农牧场评定办法》；旗区级示范家庭农牧场由各旗区根据实际自行评审。")


def _negated(c: Condition) -> list[Condition]:
    """Leaves under a ``not``."""
    if c.op == "not":
        return c.leaves()
    return [x for k in c.children for x in _negated(k)]


def test_family_farm_subsidy_is_for_family_farms():
    cl = clause(FAMILY_FARM, region="全国", level="国家")
    c = extract_conditions(cl)
    check_sources(c, cl)
    # the beneficiary (每个家庭农牧场补助…) is a positive condition …
    (who,) = leaves(c, "membership", "entity_type")
    assert who.value == ["家庭农牧场"] and who not in _negated(c)
    # … and the exclusion negates only "already received such aid", to confirm
    assert [(x.kind, x.source_text) for x in _negated(c)] == [("text", "已享受同类项目补助")]
    assert evaluate(c, ctx(entity_type="企业", industry="I65", employees=40)).outcome == "unmet"
    assert evaluate(c, ctx(entity_type="家庭农牧场")).outcome == "to_confirm"
    assert evaluate(c, ctx()).missing == ["entity_type"]


def test_exclusion_keeps_its_qualifier_when_the_noun_is_no_beneficiary():
    # the same sentence without the benefit sentence and with an exclusion that
    # does not say "no more" (不予支持): the noun is not the clause's beneficiary,
    # so only family farms *with the qualifier* are excluded — an enterprise is not
    text = "列入失信名单的家庭农牧场不予支持。"
    c = extract_conditions(clause(text, region="全国", level="国家"))
    assert c.op == "not"  # nothing required positively
    assert {x.kind for x in c.leaves()} == {"text", "membership"}
    assert evaluate(c, ctx(entity_type="企业")).outcome == "met"
    assert evaluate(c, ctx(entity_type="家庭农牧场")).outcome == "to_confirm"


def test_no_more_support_names_the_beneficiary():
    # 001 财政部 工业和信息化部关于进一步支持专精特新中小企业高质量发展的通知（二）
    text = ("（二）遴选推荐企业。各省级中小企业主管部门会同财政部门，统筹考虑企业条件及推进计划，制定可量化可考核的统一遴选标准，"
            "遴选确定推荐支持的“小巨人”企业。对在上一轮财政支持专精特新中小企业高质量发展政策（财建〔2021〕2号文）中已获得支持的"
            "“小巨人”企业不再重复支持。")
    cl = clause(text, region="全国", level="国家")
    c = extract_conditions(cl)
    check_sources(c, cl)
    (giant,) = leaves(c, "membership", "qualifications")
    assert giant.value == ["专精特新“小巨人”企业"] and giant not in _negated(c)
    (prior,) = _negated(c)
    assert prior.kind == "text" and prior.source_text.endswith("中已获得支持")
    assert evaluate(c, ctx(qualifications=["专精特新“小巨人”企业"])).outcome == "to_confirm"
    assert evaluate(c, ctx(qualifications=["高新技术企业"])).outcome == "unmet"


def test_already_received_is_excluded_and_stacking_is_no_exclusion():
    # 001 人力资源社会保障部 财政部 国家税务总局…通知 三、 (lines 8249-8265)
    text = ("三、延续实施技能提升补贴政策。参加失业保险1年以上的企业在职职工或领取失业保险金人员取得技能人员职业资格证书或职业技能"
            "等级证书的，可按照初级（五级）不超过1000元、中级（四级）不超过1500元、高级（三级）不超过2000元的标准申请技能提升补贴。"
            "每人每年享受补贴次数最多不超过三次，同一职业（工种）同一等级只能申请并享受一次，且技能提升补贴和职业培训补贴不得重复享受；"
            "已享受同一职业（工种）高级别证书技能提升补贴的，不再享受低级别证书补贴。实施上述技能提升补贴政策的省（自治区、直辖市），"
            "上年度失业保险基金滚存结余备付期限应在1年以上。政策执行期限至2024年12月31日。")
    cl = clause(text, region="全国", level="国家")
    c = extract_conditions(cl)
    check_sources(c, cl)
    # 技能提升补贴和职业培训补贴不得重复享受 is a stacking rule about two benefits, no condition
    assert all("职业培训补贴" not in x.source_text for x in c.leaves())
    assert [x.source_text for x in _negated(c)] == ["已享受同一职业（工种）高级别证书技能提升补贴的"]
    # a guide field: 不得再享受 is an exclusion too (003 退役士兵个体经营税费减免政策 申报条件 4.)
    field = ("4.纳税人在2027年12月31日前享受上述税收优惠政策未满3年的，可继续享受至3年期满为止。退役士兵以前年度已享受退役士兵"
             "创业就业税收优惠政策满3年的，不得再享受上述税收优惠政策；以前年度享受退役士兵创业就业税收优惠政策未满3年且符合条件的，"
             "可按上述规定享受优惠至3年期满。")
    g = extract_conditions(clause("", {"申报条件": field}))
    assert [x.source_text for x in _negated(g)] == ["退役士兵以前年度已享受退役士兵创业就业税收优惠政策满3年的"]


def test_not_include_narrowing_a_base_or_a_parenthesis_is_no_condition():
    # 2022 action plan, 社会保险补贴: the exclusion narrows the base of the amount
    base = ("对招用就业困难人员并缴纳社会保险费的单位，按单位为就业困难人员实际缴纳的基本养老保险费、"
            "基本医疗保险费和失业保险费，不包括就业困难人员个人应缴纳的部分给予补贴。")
    c = extract_conditions(clause(base, region="内蒙古自治区", level="自治区"))
    assert c is not None and not _negated(c)
    assert not any("个人应缴纳" in (x.source_text or "") for x in c.leaves())
    # the benefit glued to the exclusion (…的部分给予补贴) still marks the subject
    assert any("招用就业困难人员" in (x.source_text or "") for x in c.leaves())
    # a parenthesis that limits a service, not the applicants
    paren = "对开展信息服务业务（仅限应用商店，不含网络出版服务）的企业给予奖励10万元。"
    c = extract_conditions(clause(paren, region="内蒙古自治区", level="自治区"))
    assert c is None or not any("网络出版" in (x.source_text or "") for x in c.leaves())


def test_not_include_of_projects_stays_an_exclusion():
    # Alxa guide 适用范围: projects of other directions are excluded
    text = ("以工艺设备更新提升为重点的技术改造设备投资补助，不包括节能节水等绿色化改造、智能改造、"
            "数字化转型等项目（以上方向有单独申报指南）。")
    cl = clause("", {"适用范围": text})
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert any("数字化转型" in (x.source_text or "") for x in _negated(c))


def test_exclusion_in_a_field_without_conditions_is_read():
    # Alxa guide 战略性新兴产业: 其他事项 holds the only exclusion
    cl = clause("", {"申报条件": "1.企业经营状况良好；", "其他事项":
                     "一个独立法人单位只能申报1个项目，已获得过战略性新兴产业专项资金支持、项目未完工的企业不得申报。",
                     "申报流程": "企业在线提交材料，属于以下情形之一的项目不予支持：\n1.项目已获得其他资金支持。"})
    c = extract_conditions(cl)
    check_sources(c, cl)
    excluded = " ".join(x.source_text for x in _negated(c))
    assert "项目未完工的企业" in excluded and "已获得过战略性新兴产业专项资金支持" in excluded
    # a list introduced by 以下情形…不予支持： is not read (its items would become alternatives to meet)
    assert not any("以下情形" in (x.source_text or "") or "其他资金" in (x.source_text or "") for x in c.leaves())


def test_farming_household_with_bracketed_cooperative():
    # Alxa guide 扶持鸵鸟中小养殖户: 中小型养殖户（合作社） — households and cooperatives
    text = "在阿拉善盟范围内注册并购买鸵鸟幼鸟100只以上的中小型养殖户（合作社）"
    cl = clause("", {"适用范围": text})
    c = extract_conditions(cl)
    check_sources(c, cl)
    (who,) = [x for x in c.children if x.op == "any"]
    assert sorted(map(tuple, (x.value for x in who.leaves()))) == [("农民专业合作社",), ("家庭农牧场", "个体工商户")]
    for kind in ("家庭农牧场", "个体工商户", "农民专业合作社"):
        assert evaluate(who, ctx(entity_type=kind)).outcome == "met", kind
    assert evaluate(who, ctx(entity_type="企业")).outcome == "unmet"
    # 养殖户数 (a count of households) names no applicant
    assert extract_conditions(clause("对养殖户数达到100户的嘎查给予奖励。")) is None or not leaves(
        extract_conditions(clause("对养殖户数达到100户的嘎查给予奖励。")), "membership", "entity_type")


def test_recent_award_words_govern_the_whole_list_of_titles():
    # Hohhot 2022 list, item 34: the first title is not in the vocabulary
    text = ("34.乳业开发区企业新获得国家技术创新示范企业、单项冠军企业、“专精特新”小巨人企业荣誉称号的，"
            "给予200万元奖励。")
    cl = clause(text, region="呼和浩特市", level="盟市")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert c.op == "all"
    assert "乳业开发区企业新获得" in {x.source_text for x in c.children if x.op == "leaf"}
    (titles,) = [x for x in c.children if x.op == "any"]
    assert {x.source_text for x in titles.leaves()} >= {"单项冠军企业", "国家技术创新示范企业"}
    # holding 小巨人 is not enough: a person confirms it is new and in the zone
    giant = ctx(region="土默特左旗", qualifications=["专精特新“小巨人”企业"])
    assert evaluate(c, giant).outcome == "to_confirm"
    assert evaluate(c, ctx(region="土默特左旗", qualifications=["高新技术企业"])).outcome == "to_confirm"


# 000 自治区2024年政策清单 64: the subject is checked, what it did stays to confirm
TRAVEL = "64.对旅行社招徕区外游客给予奖励。（责任单位：自治区文化和旅游厅、财政厅）"


def test_what_a_subject_does_is_confirmed_not_dropped():
    cl = clause(TRAVEL, region="内蒙古自治区", level="自治区")
    c = extract_conditions(cl)
    check_sources(c, cl)
    assert [x.value for x in leaves(c, "membership", "industry")] == [["L727"]]
    assert {x.source_text for x in leaves(c, "text")} == {"招徕区外游客"}
    # a travel agency is never "eligible" on being one: whether it brought visitors is confirmed
    assert evaluate(c, ctx(industry="L7271")).outcome == "to_confirm"
    assert evaluate(c, ctx(industry="F5292")).outcome == "unmet"


def test_bracket_aware_split_matches_character_loop():
    """:func:`condition_atoms._split` (a character-class scan since issue 17)
    splits like the plain loop over every character."""
    import random
    from pathlib import Path

    from huiqi.rules import condition_atoms as CA

    def loop(s, seps, base=0):
        out, depth, start = [], 0, 0
        for i, ch in enumerate(s):
            if ch in CA._OPEN:
                depth += 1
            elif ch in CA._CLOSE:
                depth = max(0, depth - 1)
            elif ch in seps and depth == 0:
                if ch == "," and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit():
                    continue
                out.append((base + start, s[start:i]))
                start = i + 1
        out.append((base + start, s[start:]))
        return [(o, p) for o, p in out if p.strip()]

    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    texts = [ln for p in sorted(corpus.glob("*.txt")) for ln in p.read_text(encoding="utf-8").split("\n")]
    rnd = random.Random(3)
    texts += ["".join(rnd.choice("（(“《[【「）)”》]】」，,：:。；;、和及与\n 12a企业") for _ in range(rnd.randint(0, 30)))
              for _ in range(20000)]
    for seps in ("，,", "，,：:", "。；;", "。；;\n", "、", "、和及与"):
        for s in texts:
            assert CA._split(s, seps, 3) == loop(s, seps, 3), (s, seps)
