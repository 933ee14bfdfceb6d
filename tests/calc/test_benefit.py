"""Tests of huiqi.calc.benefit on clause texts quoted from data/corpus/.

Each clause is given as the calculator receives it (text, fields, amounts
omitted so the extractor re-reads them); corpus file and line are named in
the comments.
"""

from __future__ import annotations

import pytest

from huiqi.calc.benefit import compute_benefit
from huiqi.firm.profile import load_profile
from huiqi.extract.money import extract_amounts
from huiqi.rules.benefits import extract_benefit, extract_benefits, fmt_yuan
from huiqi.rules.model import BenefitSpec

WAN = 10_000


def clause(text: str, **fields: str) -> dict:
    return {"text": text, "fields": fields, "amounts": [], "rates": [], "path": [],
            "document": {"title": "测试", "level": "自治区", "region": "内蒙古自治区", "kind": "文件"}}


def profile(**kw):
    kw.setdefault("region", "阿拉善左旗")
    return load_profile(kw)[0]


EMPTY = None


@pytest.fixture(scope="module")
def empty():
    return profile()


# 000_d6d39994a278070f.txt, item 19
TECH_RETROFIT = ("19.对于投资2000万元及以上且已完工的制造业技术改造项目，按照当年技术改造设备投资的20%、"
                 "单个项目最高不超过500万元给予补助。（责任单位：自治区工业和信息化厅、财政厅）")
# 000, item 20
ENERGY = ("20.支持节能、节水技术改造，对年节能量2000吨标准煤以上（含2000吨标准煤）的节能技术改造项目（包括打捆项目），"
          "每节约1吨标准煤给予200元奖补，单个项目最高奖补500万元；对大数据中心电源使用效率（PUE值）首次降低到1.3的，"
          "按照技改投资额的10%奖补，单个项目最高奖补500万元；对年节水量5万吨以上的节水技术改造项目（包括打捆项目），"
          "按每节约1吨水给予10元补助，单个项目补助不超过500万元。（责任单位：自治区工业和信息化厅、财政厅）")
# 003_e1d845096e57fa27.txt, 技术合同认定登记优惠政策服务指南
TECH_TRADE = ("1.购买技术成果：实际技术交易额在100万元以下的按10%给予买方后补助，100万元至500万元的按超额累进5%给予补助，"
              "500万元以上的按超额累进3%给予补助，最高补助限额为200万元；\n"
              "2.购买技术开发、技术咨询、技术服务、技术培训、技术承包、技术中介等服务，按实际技术交易额的10%给予买方后补助，"
              "高补助限额为50万元；\n"
              "3.转让技术成果：实际技术交易额在500万元以下的按10%给予卖方后补助，500万元以上的按超额累进5%给予补助，"
              "最高补助限额为100万元。")
# 003, 企业吸纳重点群体税费减免政策 — 政策标准
HIRING = ("自2023年1月1日至2027年12月31日，我区企业招用脱贫人口，以及在人力资源社会保障部门公共就业服务机构登记失业半年以上"
          "且持《就业创业证》或《就业失业登记证》（注明“企业吸纳税收政策”）的人员，与其签订1年以上期限劳动合同并依法缴纳"
          "社会保险费的，自签订劳动合同并缴纳社会保险当月起，在3年（36个月）内按实际招用人数予以定额依次扣减增值税、"
          "城市维护建设税、教育费附加、地方教育附加和企业所得税的标准为每人每年7800元。")
# 003, 增值税税收优惠政策 — 政策标准
VAT = "增值税小规模纳税人，适用3%征收率的应税销售收入减按1%征收、月销售额10万元以下增值税小规模纳税人免征增值税。"


# ------------------------------------------------------------- extract --


def test_fixed_award_from_guide_field():
    # 003, 科技型中小企业服务指南: 政策标准 is read instead of the long text
    c = clause("一、办理依据\n…\n四、申报条件\n2.职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元；",
               政策标准="对首次通过科技型中小企业评价入库的企业给予一次性5万元后补助资金支持。")
    spec = extract_benefit(c)
    assert spec is not None and spec.kind == "fixed"
    assert spec.amount_yuan == 5 * WAN
    b = compute_benefit(spec, profile())
    assert (b.min_yuan, b.max_yuan) == (5 * WAN, 5 * WAN)


def test_alternative_fixed_awards_give_a_range():
    # 000, item 47: 分别给予20万元、50万元、100万元
    spec = extract_benefit(clause("47.对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业，分别给予20万元、50万元、"
                                  "100万元一次性奖励。（责任单位：自治区工业和信息化厅、财政厅）"))
    assert spec.kind == "fixed" and (spec.min_yuan, spec.max_yuan) == (20 * WAN, 100 * WAN)
    b = compute_benefit(spec, profile())
    assert (b.min_yuan, b.max_yuan) == (20 * WAN, 100 * WAN)
    assert "20万元至100万元" in b.formula


def test_percent_of_equipment_investment_with_cap(empty):
    spec = extract_benefit(clause(TECH_RETROFIT))
    assert spec.kind == "percent"
    assert spec.rate == pytest.approx(0.2)
    assert spec.base == "project.equipment_investment"
    assert spec.cap_yuan == 500 * WAN
    known = compute_benefit(spec, profile(projects=[{"equipment_investment": "800万元"}]))
    assert known.min_yuan == known.max_yuan == pytest.approx(160 * WAN)
    assert known.formula == "设备投资 800万元 × 20% = 160万元（上限 500万元）"
    capped = compute_benefit(spec, profile(projects=[{"equipment_investment": "5000万元"}]))
    assert capped.max_yuan == 500 * WAN and "上限 500万元" in capped.formula
    unknown = compute_benefit(spec, empty)
    assert (unknown.min_yuan, unknown.max_yuan) == (0.0, 500 * WAN)
    assert unknown.missing == ["project.equipment_investment"]


def test_best_project_is_used_and_can_be_restricted():
    spec = extract_benefit(clause(TECH_RETROFIT))
    p = profile(projects=[{"name": "A", "equipment_investment": "300万元"}, {"name": "B", "equipment_investment": "900万元"}])
    assert compute_benefit(spec, p).max_yuan == pytest.approx(180 * WAN)
    assert compute_benefit(spec, p, projects=[p.projects[0]]).max_yuan == pytest.approx(60 * WAN)


def test_per_ton_of_standard_coal_with_project_cap(empty):
    comps = extract_benefits(clause(ENERGY))
    kinds = [(c.kind, c.base or c.quantity) for c in comps]
    assert kinds == [("per_unit", "project.energy_saving_tce"), ("percent", "project.investment"),
                     ("per_unit", "project.water_saving_t")]
    spec = extract_benefit(clause(ENERGY))
    assert spec.quantity == "project.energy_saving_tce" and spec.unit_yuan == 200 and spec.cap_yuan == 500 * WAN
    b = compute_benefit(spec, profile(projects=[{"energy_saving_tce": 3000}]))
    assert b.max_yuan == pytest.approx(60 * WAN)
    big = compute_benefit(spec, profile(projects=[{"energy_saving_tce": 40000}]))
    assert big.max_yuan == 500 * WAN
    water = comps[2]
    assert water.unit_yuan == 10 and water.cap_yuan == 500 * WAN
    assert compute_benefit(spec, empty).missing == ["project.energy_saving_tce"]


def test_per_mu_and_per_head():
    # 000, item 10: 分3年共给予每亩1000元补贴 (a total, not per year)
    mu = extract_benefit(clause("10.推进国产优质苜蓿提质增产，对集中连片标准化种植500亩以上且与养殖场（户）签订饲草购销合同的"
                                "种植企业（合作社、种植户）分3年共给予每亩1000元补贴。"))
    assert (mu.kind, mu.quantity, mu.unit_yuan, mu.years) == ("per_unit", "project.area_mu", 1000, 1)
    assert compute_benefit(mu, profile(projects=[{"area_mu": 600}])).max_yuan == pytest.approx(60 * WAN)
    # 003, 扶持鸵鸟中小养殖户补贴项目服务指南
    head = extract_benefit(clause("…", 政策标准="1.补贴对象\n在阿拉善盟范围内注册并购买鸵鸟幼鸟100只以上的中小型养殖户（合作社）。\n"
                                  "2.补贴标准\n购买幼鸟100只以上的，每只给予100元补贴。\n3.补贴方式\n按照“先买后补”的方式，"
                                  "补贴资金在达到购买数量后予以兑现。对于已享受过财政资金支持的基建投资等性质类同项目，不得重复享受本政策补贴。"
                                  "鸵鸟产业相关补贴资金、奖励资金总额，全盟每年最高200万元。"))
    assert (head.kind, head.quantity, head.unit_yuan) == ("per_unit", "project.head_count", 100)
    assert head.cap_yuan is None and head.annual_cap_yuan is None  # 全盟 pool is not the firm's cap
    b = compute_benefit(head, profile(projects=[{"kind": "养殖", "head_count": 300}]))
    assert b.max_yuan == pytest.approx(3 * WAN)


def test_per_person_per_year_over_36_months(empty):
    spec = extract_benefit(clause("…", 政策标准=HIRING))
    assert spec.kind == "per_unit"
    assert spec.quantity == "facts.登记失业人员招用人数"
    assert (spec.unit_yuan, spec.months) == (7800, 36)
    b = compute_benefit(spec, profile(facts={"登记失业人员招用人数": 3}))
    assert b.max_yuan == pytest.approx(3 * 7800 * 3)
    assert "36个月" in b.formula
    u = compute_benefit(spec, empty)
    assert u.min_yuan is None and u.missing == ["facts.登记失业人员招用人数"]


def test_per_person_per_month_with_months():
    # 001_4322e846ed20b2fa.txt, 伊金霍洛旗人才措施 3.: 每人2000元/月 … 最长补贴3个月 (鄂尔多斯 text, 785)
    spec = extract_benefit(clause("支持扩大实习实践活动。市外高校院所受邀组织选派的在校大学生、事业单位已确定的引进人选到本市实习实践的，"
                                  "按每人2000元/月标准给予生活补贴（不足1个月的可按周计发），最长补贴3个月。"))
    assert spec.kind == "per_unit" and spec.months == 3
    assert spec.quantity.startswith("facts.") and spec.quantity.endswith("人数")
    b = compute_benefit(spec, profile(facts={spec.quantity[len("facts."):]: "2人"}))
    assert b.max_yuan == pytest.approx(2 * 2000 * 3)


def test_step_tiers_over_investment(empty):
    # 002_2eea5c05658e5303.txt, 呼和浩特 16.
    text = ("16.入驻乳业开发区企业以商招商引入乳制品、健康食品加工项目及其上下游产业链项目、现代服务业项目，建成投产后对招商企业"
            "按其引进项目固定资产投资规模给予奖励。固定资产投资5000万元—1亿元（含）的，给予50万元奖励；固定资产投资1亿元以上的，"
            "给予100万元奖励。（责任单位：市工信局、财政局）")
    spec = extract_benefit(clause(text))
    assert spec.kind == "tiers" and spec.base == "project.investment"
    assert [(t["min"], t["amount_yuan"]) for t in spec.tiers] == [(5000 * WAN, 50 * WAN), (1e8, 100 * WAN)]
    assert compute_benefit(spec, profile(projects=[{"investment": "8000万元"}])).max_yuan == 50 * WAN
    assert compute_benefit(spec, profile(projects=[{"investment": "3亿元"}])).max_yuan == 100 * WAN
    low = compute_benefit(spec, profile(projects=[{"investment": "1000万元"}]))
    assert low.max_yuan == 0 and "未达到" in low.formula
    u = compute_benefit(spec, empty)
    assert (u.min_yuan, u.max_yuan, u.missing) == (50 * WAN, 100 * WAN, ["project.investment"])


def test_step_tiers_across_semicolons_over_a_fact():
    # 003, 鸵鸟饲料企业加工能力评价奖励服务指南
    spec = extract_benefit(clause("…", 政策标准="2.补贴标准\n对饲料生产加工企业开发鸵鸟专用饲料，且年加工量达到1万吨以上的一次性奖励10万元；"
                                  "年加工量达到2万吨以上的一次性奖励20万元。"))
    assert spec.kind == "tiers" and spec.base == "facts.年加工量（吨）"
    assert compute_benefit(spec, profile(facts={"年加工量（吨）": 25000})).max_yuan == 20 * WAN


def test_progressive_brackets(empty):
    comps = extract_benefits(clause(TECH_TRADE))
    assert [c.kind for c in comps] == ["progressive", "percent", "progressive"]
    buyer, seller = comps[0], comps[2]
    assert buyer.base == seller.base == "facts.技术交易额"
    assert [(b["min"], b["max"], b["rate"]) for b in buyer.tiers] == [
        (0.0, 100 * WAN, 0.1), (100 * WAN, 500 * WAN, 0.05), (500 * WAN, None, 0.03)]
    assert buyer.cap_yuan == 200 * WAN and seller.cap_yuan == 100 * WAN and comps[1].cap_yuan == 50 * WAN
    p = profile(facts={"技术交易额": "600万元"})
    # seller: 500万×10% + 100万×5% = 55万 → cap 100万 not reached
    assert compute_benefit(seller, p).max_yuan == pytest.approx(55 * WAN)
    # buyer: 100万×10% + 400万×5% + 100万×3% = 33万
    assert compute_benefit(buyer, p).max_yuan == pytest.approx(33 * WAN)
    assert compute_benefit(seller, profile(facts={"技术交易额": "5000万元"})).max_yuan == 100 * WAN
    assert compute_benefit(seller, empty).max_yuan == 100 * WAN


def test_multi_year_percent_with_annual_cap():
    # 000, item 44: 5年内按销售收入的5%给予奖补，每年最高奖补500万元
    spec = extract_benefit(clause("44.…对合理利用矿热炉煤气中的有效气体成分，达到二氧化碳零排放等资源综合利用产业化项目，"
                                  "自实现销售收入年度起，5年内按销售收入的5%给予奖补，每年最高奖补500万元。"))
    assert (spec.kind, spec.years, spec.annual_cap_yuan, spec.cap_yuan) == ("percent", 5, 500 * WAN, None)
    assert compute_benefit(spec, profile(revenue="4000万元")).max_yuan == pytest.approx(200 * WAN * 5)
    assert compute_benefit(spec, profile(revenue="5亿元")).max_yuan == pytest.approx(500 * WAN * 5)


def test_multi_year_fixed_payout():
    # 000, item 42: 连续5年每年给予1000万元
    comps = extract_benefits(clause("42.对获批国家级制造业创新中心，连续5年每年给予1000万元研发经费奖补。"))
    assert len(comps) == 1 and (comps[0].kind, comps[0].amount_yuan, comps[0].years) == ("fixed", 1000 * WAN, 5)
    assert compute_benefit(comps[0], profile()).max_yuan == 5000 * WAN


def test_annual_cap_per_firm_on_per_item_awards():
    # 000, item 28: 每个品种50万元，单个企业每年最高不超过500万元
    comps = extract_benefits(clause("28.对2022年1月1日后获得特殊化妆品注册证，并获得生产许可的企业，每个品种给予一次性奖补50万元，"
                                    "单个企业每年最高不超过500万元。"))
    spec = comps[0]
    assert spec.kind == "per_unit" and spec.annual_cap_yuan == 500 * WAN
    assert compute_benefit(spec, profile(facts={spec.quantity[len("facts."):]: 3})).max_yuan == 150 * WAN
    assert compute_benefit(spec, profile(facts={spec.quantity[len("facts."):]: 30})).max_yuan == 500 * WAN


def test_vat_exemption_estimate_only_with_all_numbers(empty):
    spec = extract_benefit(clause("…", 政策标准=VAT))
    assert spec.kind == "tiers" and spec.base == "monthly_sales" and spec.months == 12
    small = compute_benefit(spec, profile(monthly_sales="8万元"))
    assert small.max_yuan == pytest.approx(8 * WAN * 12 * 0.03)
    edge = compute_benefit(spec, profile(monthly_sales="10万元"))  # 10万元以下 includes 10万
    assert edge.max_yuan == pytest.approx(10 * WAN * 12 * 0.03)
    big = compute_benefit(spec, profile(monthly_sales="15万元"))
    assert big.max_yuan == pytest.approx(15 * WAN * 12 * 0.02)
    assert compute_benefit(spec, empty).missing == ["monthly_sales"]
    # 003, 房产税和城镇土地使用税: 免征 without the tax amounts → text
    house = extract_benefit(clause("…", 政策标准="对月销售额不超过3万元的小规模纳税人免征房产税和城镇土地使用税"))
    assert house.kind == "text"
    assert compute_benefit(house, profile(monthly_sales="2万元")).max_yuan is None


def test_corporate_income_tax_rates():
    # 国家税务总局公告 (corpus 004): 西部大开发 减按15%的税率
    west = extract_benefit(clause("一、自2021年1月1日至2030年12月31日，对设在西部地区的鼓励类产业企业减按15%的税率征收企业所得税。"
                                  "本条所称鼓励类产业企业是指以《西部地区鼓励类产业目录》中规定的产业项目为主营业务，"
                                  "且其主营业务收入占企业收入总额60%以上的企业。"))
    assert west.kind == "percent" and west.base == "taxable_income" and west.rate == pytest.approx(0.10)
    assert compute_benefit(west, profile(taxable_income="1000万元")).max_yuan == pytest.approx(100 * WAN)
    # 财政部 税务总局公告2023年第12号 wording (the rule is read from the text, not assumed)
    slp = extract_benefit(clause("对小型微利企业减按25%计入应纳税所得额，按20%的税率缴纳企业所得税政策，延续执行至2027年12月31日。"))
    assert slp.kind == "percent" and slp.rate == pytest.approx(0.25 - 0.05)
    assert compute_benefit(slp, profile(taxable_income="200万元")).max_yuan == pytest.approx(40 * WAN)


def test_loan_interest_subsidy_is_text_with_annual_cap():
    # 000 (农畜产品精深加工 2.): LPR 的70% — the interest is unknown; the cap bounds it
    spec = extract_benefit(clause("对新注册且年主营业务收入达到2亿元以上的农畜产品精深加工企业，从国家金融监管部门批准设立的金融机构借入"
                                  "流动资金、科技研发资金，按照一年期贷款市场报价利率（LPR）的70%且不超过2%的利率，给予每年不超过200万元贴息支持。"))
    assert spec.kind == "text" and spec.annual_cap_yuan == 200 * WAN
    b = compute_benefit(spec, profile())
    assert (b.min_yuan, b.max_yuan) == (0.0, 200 * WAN)


def test_loans_budgets_and_prices_are_not_benefits():
    assert extract_benefit(clause("4.安排1.4亿元支持自治区种业高质量发展。〔责任单位：自治区农牧厅（乡村振兴局）、科技厅、财政厅〕")) is None
    assert extract_benefit(clause("2.供热价格\n——居民供热：14.5元/平方米\n——非居民供热：29.5元/平方米")) is None
    loan = extract_benefit(clause("…", 政策标准="对符合条件的小微企业发放的创业担保贷款额度最高不超过400万元，期限最长不超过2年，累计次数不超过3次。"))
    assert loan is None


def test_kb_amounts_are_used_when_they_match_the_text():
    text = TECH_RETROFIT
    amounts = [a.to_json() for a in extract_amounts(text)]
    c = clause(text)
    c["amounts"] = amounts
    assert extract_benefit(c) == extract_benefit(clause(text))


def test_bad_input_never_raises():
    assert extract_benefit({}) is None
    assert extract_benefit({"text": None}) is None
    assert extract_benefit("not a mapping") is None  # type: ignore[arg-type]
    assert compute_benefit(None, profile()) is None


def test_spec_round_trips_through_yaml_form():
    spec = extract_benefit(clause(TECH_TRADE))
    assert BenefitSpec.from_dict(spec.to_dict()) == spec


def test_fmt_yuan():
    assert fmt_yuan(8_000_000) == "800万元"
    assert fmt_yuan(120_000_000) == "1.2亿元"
    assert fmt_yuan(7800) == "7800元"
    assert fmt_yuan(None) == "未知"


def test_benefit_for_track_picks_the_named_schedule():
    from huiqi.rules.benefits import benefit_for_track

    c = clause(TECH_TRADE)
    seller = benefit_for_track(c, "3.转让技术成果")
    assert seller is not None and seller.kind == "progressive" and seller.cap_yuan == 100 * WAN
    assert benefit_for_track(c, "购买技术成果").cap_yuan == 200 * WAN
    assert benefit_for_track(c, "节水改造") is None


def test_parts_of_an_amount_and_payments_by_the_firm_are_not_benefits():
    # 000 (奶业 8.): 每头补贴5000元，其中，自治区财政补贴3000元、盟市财政补贴2000元
    comps = extract_benefits(clause("进口奶牛每头补贴5000元，其中，自治区财政补贴3000元、盟市财政补贴2000元。"))
    assert [(c.kind, c.unit_yuan) for c in comps] == [("per_unit", 5000)]
    assert comps[0].quantity == "project.head_count"
    # 001 (伊金霍洛旗 肉牛养殖保险): 保额 and the premium the farmer pays are not grants
    ins = extract_benefit(clause("试点项目肉牛每头保额10000元，保险费率3.5%，参保对象按照每头肉牛70元缴纳保险费，"
                                 "剩余部分由伊金霍洛旗财政提供保费补贴。"))
    assert ins is not None and ins.kind == "text"
    # 000 (奶业 4.): 排名进入前50名的种公牛每头奖励100万元 counts bulls, not the herd
    bulls = extract_benefits(clause("对培育出排名进入国际前200名或国内前50名荷斯坦奶牛的育种企业每头奖励100万元。"))
    assert bulls[0].quantity.startswith("facts.")


def test_base_amount_plus_increments():
    # 000 (奶业 8.): 存栏达到3000头补贴600万元，每增加500头再补贴100万元
    spec = extract_benefit(clause("对2019年以后、本政策出台以前已开工在建项目和已签订招商引资协议的规模化奶牛养殖场，"
                                  "奶牛存栏达到3000头补贴600万元，每增加500头再补贴100万元，补贴资金主要用于规模化养殖场基础设施建设。"))
    assert spec.kind == "tiers" and spec.base == "project.head_count"
    amount = lambda n: compute_benefit(spec, profile(projects=[{"head_count": n}])).max_yuan  # noqa: E731
    assert amount(2999) == 0
    assert amount(3000) == 600 * WAN
    assert amount(4200) == 800 * WAN  # two whole increments of 500
    # 000 (农畜产品 5.): 每新增100万元奖励2万元，最高不超过30万元 — whole steps, capped
    sales = extract_benefit(clause("统筹自治区产业化发展资金，每年对评选出自治区预制菜领航企业、线上销售、特色品牌各十强的企业，"
                                   "销售额较上一年每新增100万元奖励2万元，最高不超过30万元，同一企业同一年度不重复奖励。"))
    assert sales.kind == "tiers" and sales.base == "facts.销售额新增额"
    got = lambda v: compute_benefit(sales, profile(facts={"销售额新增额": v})).max_yuan  # noqa: E731
    assert got("250万元") == 4 * WAN
    assert got("5000万元") == 30 * WAN
    u = compute_benefit(sales, profile())
    assert (u.min_yuan, u.max_yuan) == (0.0, 30 * WAN)


def test_range_award():
    # 001 (鄂尔多斯 人才 二、): 择优给予10万至50万元科研经费支持
    spec = extract_benefit(clause("五类、六类人才或其团队，经认定后择优给予10万至50万元科研经费支持。"))
    assert spec.kind == "fixed" and (spec.min_yuan, spec.max_yuan) == (10 * WAN, 50 * WAN)
    b = compute_benefit(spec, profile())
    assert (b.min_yuan, b.max_yuan) == (10 * WAN, 50 * WAN) and b.missing == []


def test_upper_bound_rate_and_rates_that_are_conditions():
    # 001 (鄂尔多斯 羊乳 33.): 奖励额度不超过…实际投入额度的30%，最高不超过50万元 — an upper bound
    spec = extract_benefit(clause("单个企业奖励额度不超过上一年专项审计确认实际投入额度的30%，最高不超过50万元。"))
    assert spec.kind == "percent" and spec.rate == pytest.approx(0.3) and spec.cap_yuan == 50 * WAN
    fact = spec.base[len("facts."):]
    b = compute_benefit(spec, profile(facts={fact: "100万元"}))
    assert (b.min_yuan, b.max_yuan) == (0.0, 30 * WAN)
    # 001 (伊金霍洛旗 农业生产托管): 比重不低于补助资金的30% is a condition, 融资成本不超过8% a rate limit
    assert all(c.kind != "percent" for c in extract_benefits(clause(
        "已获补助的社会化服务组织，让利或返还给农牧户的资金比重不低于补助资金的30%。")))
    assert extract_benefit(clause("支持农牧业经营主体融资，按照融资成本最高不超过8%的标准，重点对家庭农场、种养大户、"
                                  "农牧民合作社等适度规模新型经营主体提供10万元—300万元的担保贷款。")) is None


def test_composite_unit_per_head_times_tons():
    # 000 (奶业 1.): 按照每头奶牛5.5吨、每吨50元（自治区补贴30元、盟市补贴20元）的标准给予青贮玉米收储补贴
    spec = extract_benefit(clause("对就地就近收储青贮玉米等饲草料的奶畜养殖场和奶农合作社，按照每头奶牛5.5吨、每吨50元"
                                  "（自治区补贴30元、盟市补贴20元）的标准给予青贮玉米收储补贴。"))
    assert (spec.kind, spec.quantity, spec.unit_yuan) == ("per_unit", "project.head_count", 275)
    assert compute_benefit(spec, profile(projects=[{"head_count": 200}])).max_yuan == 55_000


def test_unknown_productive_investment_is_bounded_by_the_project_investment():
    # 002 L133 (呼和浩特 46): 按照不超过项目生产性投资的20%给予一次性补贴，最高不超过500万元
    spec = BenefitSpec("percent", rate=0.2, min_yuan=0.0, base="facts.项目生产性投资", cap_yuan=5_000_000,
                       formula="项目生产性投资 × 20%，最高500万元")
    p = profile(projects=[{"name": "数字化车间", "kind": "技术改造", "investment": 1200 * WAN}])
    b = compute_benefit(spec, p)
    assert (b.min_yuan, b.max_yuan) == (0.0, 240 * WAN)  # 生产性投资 ≤ 项目投资 1200万元
    assert b.missing == ["facts.项目生产性投资"]  # still asked
    stated = compute_benefit(spec, profile(projects=[{"kind": "技术改造", "investment": 1200 * WAN}],
                                           facts={"项目生产性投资": 800 * WAN}))
    assert (stated.min_yuan, stated.max_yuan) == (0.0, 160 * WAN)
    assert compute_benefit(spec, profile()).max_yuan == 500 * WAN  # nothing known: the clause's cap
