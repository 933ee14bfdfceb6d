"""Tests for huiqi.extract.money on real clause snippets.

Snippets are copied from the bundled corpus (Inner Mongolia 惠企 policies),
normalised the way the normalize stage does (no spaces around digits).
Expected values were checked by hand: value in yuan and role per amount.
"""

import re
from pathlib import Path

import pytest

from huiqi.extract.money import extract_amounts, extract_rates


def norm(s: str) -> str:
    """Remove spaces next to digits, as the normalize stage does."""
    return re.sub(r"(?<=[\d])\s+|\s+(?=[\d])", "", s)


CASES = [
    ('年推广面积在10 万亩以上的一次性奖补500万元；年推广面积在30万亩以上的一次性奖补1000万元',
     [(5000000.0, 'tier'), (10000000.0, 'tier')]),
    ('对通过国家审定的玉米、大豆等品种每个一次性奖励10万元',
     [(100000.0, 'per_unit')]),
    ('对育种能力评价达到良好等级以上的奶牛育种企业给予基础性奖励100万元',
     [(1000000.0, 'fixed')]),
    ('使用奶牛性控冻精每头补贴120元，使用奶羊冻精每只补贴60元',
     [(120.0, 'per_unit'), (60.0, 'per_unit')]),
    ('分3年共给予每亩1000元补贴',
     [(1000.0, 'per_unit')]),
    ('以上一年度生鲜乳加工量为基数，每增加1吨补贴200元，自治区和盟市各承担50%',
     [(200.0, 'per_unit')]),
    ('按照设备投资总额的10%给予最高5000万元补贴',
     [(50000000.0, 'cap')]),
    ('对投资5亿元及以上且竣工投产的制造业重点产业链“延链补链强链”基本建设项目，按照实际贷款利息的30%给予一次性贴息奖补，单个项目最高奖补500万元',
     [(500000000.0, 'threshold'), (5000000.0, 'cap')]),
    ('对于投资2000万元及以上且已完工的制造业技术改造项目，按照当年技术改造设备投资的20%、单个项目最高不超过500万元给予补助',
     [(20000000.0, 'threshold'), (5000000.0, 'cap')]),
    ('对年节能量2000吨标准煤以上（含2000吨标准煤）的节能技术改造项目（包括打捆项目），每节约1吨标准煤给予200元奖补，单个项目最高奖补500万元',
     [(200.0, 'per_unit'), (5000000.0, 'cap')]),
    ('对年节水量5万吨以上的节水技术改造项目（包括打捆项目），按每节约1吨水给予10元补助',
     [(10.0, 'per_unit')]),
    ('再生资源中废塑料、废纸回收加工利用量在1千吨/年以上的项目按设备投资额的10%补助，单个项目补助不超过500万元',
     [(5000000.0, 'cap')]),
    ('对主导制定国际、国家（行业）标准的企业，分别给予每个标准30万元、20万元一次性奖励；单个企业主导或参与标准制定每年奖励资金不超过50万元',
     [(300000.0, 'tier'), (200000.0, 'tier'), (500000.0, 'cap')]),
    ('一次性给予设备总投资20%的资金补助，最高不超过1000万元。原则上单个品种奖补总额不超过300万元',
     [(10000000.0, 'cap'), (3000000.0, 'cap')]),
    ('开展Ⅰ、Ⅱ、Ⅲ期临床试验研究并承诺成果转化的，分别给予100万元、200万元、300万元一次性补助',
     [(1000000.0, 'tier'), (2000000.0, 'tier'), (3000000.0, 'tier')]),
    ('充电车每车补贴4万元，换电车每车补贴4.5万元',
     [(40000.0, 'per_unit'), (45000.0, 'per_unit')]),
    ('对获批国家级制造业创新中心，连续5年每年给予1000万元研发经费奖补',
     [(10000000.0, 'per_unit')]),
    ('自实现销售收入年度起，5年内按销售收入的5%给予奖补，每年最高奖补500万元',
     [(5000000.0, 'cap')]),
    ('对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业，分别给予20万元、50万元、100万元一次性奖励',
     [(200000.0, 'tier'), (500000.0, 'tier'), (1000000.0, 'tier')]),
    ('对技术经纪人（经理人）年度内累计促成技术转移转化交易金额超过100万元的，按技术交易合同实际成交额的2%，给予最高20万元奖励',
     [(1000000.0, 'threshold'), (200000.0, 'cap')]),
    ('按照每单不超过0.3元的标准',
     [(0.3, 'cap')]),
    ('补助标准为500元/月，补贴至2025年',
     [(500.0, 'per_unit')]),
    ('按照其当年新增小微企业和“三农三牧”主体担保（再担保）责任金额的1%进行风险补偿，单户最高不超500万元',
     [(5000000.0, 'cap')]),
    ('按照融资成本最高不超过8%的标准，提供10万元—300万元的担保贷款',
     [(100000.0, 'range_min'), (3000000.0, 'range_max')]),
    ('自2021年1月1日至2025年12月31日，对年应纳税所得额低于100万元（含100万元）的小型微利企业免征企业所得税地方分享部分。对月销售额不超过3万元（按季9万元）的小规模纳税人免征房产税、城镇土地使用税',
     [(1000000.0, 'threshold'), (30000.0, 'threshold'), (90000.0, 'threshold')]),
    ('中小微企业在2022年1月1日至2022年12月31日期间新购置的设备、器具，单位价值在500万元以上的',
     [(5000000.0, 'threshold')]),
    ('一是信息传输业、建筑业、租赁和商务服务业，标准为从业人员2000人以下，或营业收入10亿元以下或资产总额12亿元以下',
     [(1000000000.0, 'threshold'), (1200000000.0, 'threshold')]),
    ('同一投资主体一个年度内完成固定资产投资超过15亿元的，按2.5%的比例给予投资奖励；超过30亿元的，按3%的比例给予投资奖励',
     [(1500000000.0, 'threshold'), (3000000000.0, 'threshold')]),
    ('固定资产投资5000万元—1亿元（含）的，给予50万元奖励；固定资产投资1亿元以上的，给予100万元奖励',
     [(50000000.0, 'threshold'), (100000000.0, 'threshold'), (500000.0, 'tier'), (100000000.0, 'threshold'), (1000000.0, 'tier')]),
    ('其所获国拨资金在200—500万元（含500万元）的，一次性给予20万元的研发经费奖励支持',
     [(2000000.0, 'threshold'), (5000000.0, 'threshold'), (200000.0, 'fixed')]),
    ('节能量在300吨以上的，按节能量每吨标准煤300—500元标准予以奖补，单个项目奖补资金不超过300万元，单个企业奖补资金不超过600万元',
     [(300.0, 'range_min'), (500.0, 'range_max'), (3000000.0, 'cap'), (6000000.0, 'cap')]),
    ('年利用量在1—20万吨（含20万吨）的，按照10元/吨标准予以奖补，利用量在20万吨以上的，每增加10万吨，超出的部分每吨补贴标准提高5元，上限不超过800万元',
     [(10.0, 'per_unit'), (5.0, 'per_unit'), (8000000.0, 'cap')]),
    ('给予园区每年20元/平方米运营补贴，时间不超过5年',
     [(20.0, 'per_unit')]),
    ('100万元以下的按10%给予买方后补助，100万元至500万元的按超额累进5%给予补助，500万元以上的按超额累进3%给予补助，最高补助限额为200万元',
     [(1000000.0, 'bracket'), (1000000.0, 'bracket'), (5000000.0, 'bracket'), (5000000.0, 'bracket'), (2000000.0, 'cap')]),
    ('年度技术转让所得不超过500万元的部分，免征企业所得税；超过500万元的部分，减半征收',
     [(5000000.0, 'bracket'), (5000000.0, 'bracket')]),
    ('在3年（36个月）内按每户每年24000元为限额依次扣减其当年实际应缴纳的增值税',
     [(24000.0, 'cap')]),
    ('按企业每招用1人1500元的标准发放一次性扩岗补助',
     [(1500.0, 'per_unit')]),
    ('A、B、C类人才，分别给予不低于200万元、150万元、80万元的安家补贴，以及5年期每月3万元、2万元、1万元的生活补助',
     [(2000000.0, 'tier'), (1500000.0, 'tier'), (800000.0, 'tier'), (30000.0, 'per_unit'), (20000.0, 'per_unit'), (10000.0, 'per_unit')]),
    ('给予不低于100万元科研资金支持',
     [(1000000.0, 'floor')]),
    ('鸵鸟产业相关补贴资金、奖励资金总额，全盟每年最高200万元',
     [(2000000.0, 'cap')]),
    ('销售额较上一年每新增100万元奖励2万元，最高不超过30万元，同一企业同一年度不重复奖励',
     [(1000000.0, 'threshold'), (20000.0, 'per_unit'), (300000.0, 'cap')]),
    ('税前年薪在60万元及以上并签订3年以上劳动合同的高级经营管理人员，给予10万元生活补贴，对新招聘的普通高校本科毕业生给予1万元一次性生活补贴',
     [(600000.0, 'threshold'), (100000.0, 'fixed'), (10000.0, 'fixed')]),
    ('一类人才税前薪酬不低于300万元/年，二至四类人才税前50万至300万元/年',
     [(3000000.0, 'threshold'), (500000.0, 'range_min'), (3000000.0, 'range_max')]),
    ('分级分类给予最低5万元，最高不超过40万元的购房补贴',
     [(50000.0, 'floor'), (400000.0, 'cap')]),
    ('对新获得授权的国际、国内发明专利，分别给予1万元/件、3000元/件一次性奖励',
     [(10000.0, 'tier'), (3000.0, 'tier')]),
    ('博士（或正高级职称人员）2000元/人·月，最长补贴36个月',
     [(2000.0, 'per_unit')]),
    ('年龄达到70周岁及以上的父母每人每年给予2000元养老补贴',
     [(2000.0, 'per_unit')]),
    ('全旗地区生产总值达到1221亿元、增长3.5%，一般公共预算收入达到154亿元',
     [(122100000000.0, 'total'), (15400000000.0, 'total')]),
    ('支持呼伦贝尔市、兴安盟、通辽市、赤峰市实施2130万亩黑土地保护性耕作',
     []),
    ('对入驻各类网上跨境电商平台贸易额达到1万美元的我区中小外贸企业，每入驻一个平台给予一次性运营补助2万元或根据平台收取的服务费给予最高70%的支持，单个企业支持不超过5万元',
     [(20000.0, 'per_unit'), (50000.0, 'cap')]),
    ('2024年安排自治区重点产业发展引导基金2亿元，以市场化方式支持先进制造业集群',
     [(200000000.0, 'total')]),
    ('奶牛存栏达到3000头补贴600万元，每增加500头再补贴100万元',
     [(6000000.0, 'fixed'), (1000000.0, 'per_unit')]),
    ('50万元（含）以下贷款年贴息率为2.2%，50万元以上贷款年贴息利率为2%',
     [(500000.0, 'threshold'), (500000.0, 'threshold')]),
    ('近1年销售收入50万元以上，近1年实缴税额0.5万元以上',
     [(500000.0, 'threshold'), (5000.0, 'threshold')]),
    ('加注能力500-1000（不含）公斤/日的补贴资金最高不超过300万元/站，加注能力≥1000公斤/日的补贴资金最高不超过450万元/站',
     [(3000000.0, 'cap'), (4500000.0, 'cap')]),
    ('2022-2025年分别按照30元/公斤、18元/公斤、11元/公斤、3元/公斤标准执行',
     [(30.0, 'tier'), (18.0, 'tier'), (11.0, 'tier'), (3.0, 'tier')]),
    ('每亩工业标准地给予园区5万元奖补，每个园区年度内支持资金不超过2000万元',
     [(50000.0, 'per_unit'), (20000000.0, 'cap')]),
    ('按照其实际房租的30%给予租金补助，连续补贴3年，单户补贴额度每年不超过100万元',
     [(1000000.0, 'cap')]),
    ('对首次认定的高新技术企业给予一次性30万元研发经费奖励',
     [(300000.0, 'fixed')]),
    ('市财政每年投入2亿元设立专项资金',
     [(200000000.0, 'total')]),
    ('对年应纳税所得额低于100万元的小型微利企业免征企业所得税地方分享部分',
     [(1000000.0, 'threshold')]),
    ('月销售额10万元以下增值税小规模纳税人免征增值税',
     [(100000.0, 'threshold')]),
]


@pytest.mark.parametrize("snippet,expected", CASES)
def test_real_clauses_values_and_roles(snippet, expected):
    got = [(a.value_yuan, a.role) for a in extract_amounts(norm(snippet))]
    assert got == expected


def test_value_f1_over_real_clauses():
    """Benchmark-style check: amount F1 on value_yuan per clause."""
    tp = fp = fn = 0
    for snippet, expected in CASES:
        got = sorted(a.value_yuan for a in extract_amounts(norm(snippet)))
        exp = sorted(v for v, _ in expected)
        for v in got:
            if v in exp:
                exp.remove(v)
                tp += 1
            else:
                fp += 1
        fn += len(exp)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.9
    assert len(CASES) >= 60


def test_spans_index_the_input_text():
    text = "对于投资 2000 万元及以上的项目，单个项目最高不超过 500 万元"
    amounts = extract_amounts(text)  # raw text with spaces is accepted too
    assert [a.value_yuan for a in amounts] == [2e7, 5e6]
    for a in amounts:
        assert text[a.start : a.end] == a.text


def test_fullwidth_digits_are_accepted():
    text = "给予最高５００万元补贴"
    (a,) = extract_amounts(text)
    assert a.value_yuan == 5e6 and a.role == "cap" and a.text == "５００万元"


def test_range_min_inherits_unit_of_max():
    got = [(a.value_yuan, a.role, a.text) for a in extract_amounts("按每吨补贴300—500元")]
    assert got == [(300.0, "range_min", "300"), (500.0, "range_max", "500元")]
    text = "其中：电价0.29—0.33元/度，团队5万—15万元支持，给予200—500万元"
    got = [(a.value_yuan, a.text) for a in extract_amounts(text)]
    assert got == [(0.29, "0.29"), (0.33, "0.33元/度"), (5e4, "5万"), (1.5e5, "15万元"), (2e6, "200"), (5e6, "500万元")]


def test_per_unit_names_the_unit():
    got = [(a.per, a.role) for a in extract_amounts("对重点群体每人每年7800元，补助标准为500元/月，每节约1吨标准煤给予200元")]
    assert got == [("人·年", "per_unit"), ("月", "per_unit"), ("吨标准煤", "per_unit")]


def test_thousands_separator_in_either_width():
    got = [a.value_yuan for a in extract_amounts("销售收入小于5,000万元（含）的企业；小于5，000万元（含）的企业")]
    assert got == [5e7, 5e7]
    assert [a.value_yuan for a in extract_amounts("分别给予20万元，300元")] == [2e5, 300.0]


def test_condition_vs_target():
    cond = "对推进计划投资总额达2000万元以上但未完成目标任务的企业，对营业收入增长20%以上且营业收入超过1亿元的企业"
    assert [a.role for a in extract_amounts(cond)] == ["threshold", "threshold"]
    target = "力争五年内产业引导基金出资规模不低于100亿元"
    assert [a.role for a in extract_amounts(target)] == ["total"]


def test_not_money():
    text = "2022年实施2130万亩黑土地保护，建设5万吨冷库，内政发〔2022〕12号，增长3.5%"
    assert extract_amounts(text) == []


def test_inclusion_note_is_not_a_second_amount():
    got = [a.value_yuan for a in extract_amounts("年应纳税所得额低于100万元（含100万元）的企业")]
    assert got == [1e6]


def test_other_currencies_are_skipped():
    assert extract_amounts("贸易额达到1万美元的企业") == []


def test_amounts_to_json():
    (a,) = extract_amounts("每亩补贴1000元")
    assert a.to_json() == {"value_yuan": 1000.0, "role": "per_unit", "text": "1000元", "per": "亩"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("按照设备投资总额的10%给予最高5000万元补贴", ["按照设备投资总额的10%"]),
        ("对增值税小规模纳税人减按50%征收资源税", ["减按50%"]),
        ("100万元至500万元的按超额累进5%给予补助", ["超额累进5%"]),
        ("按实际放款日人民银行一年期贷款市场报价利率（LPR）的50%给予贴息支持", ["率（LPR）的50%"]),
        ("失业保险费率继续按1%执行，用人单位和个人分别执行0.5%", ["按1%", "分别执行0.5%"]),
        ("按百分之三（三厘）的年利率定额贴息", ["按百分之三"]),
        ("自治区各级财政再贴息10%～20%", ["再贴息10%～20%"]),
        ("费率１％（含）以下的", ["费率１％"]),
    ],
)
def test_extract_rates(text, expected):
    spans = extract_rates(text)
    assert [s.text for s in spans] == expected
    for s in spans:
        assert text[s.start : s.end] == s.text


def test_rates_one_span_per_rate():
    text = "二类由基准费率0.4%降到0.32%，三类由基准费率0.7%降到0.56%"
    assert len(extract_rates(text)) == 4


CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


@pytest.mark.skipif(not CORPUS.exists(), reason="corpus not bundled")
def test_corpus_sentences_give_amounts():
    """Every sentence of the corpus goes through the three extractors without
    an error, and the amounts are many (speed: benchmarks/extract_speed.py)."""
    from huiqi.extract.thresholds import extract_thresholds

    text = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    chunks = [norm(c) for c in re.split(r"[。\n]{1,}", text) if c.strip()]
    n = 0
    for c in chunks:
        n += len(extract_amounts(c))
        extract_rates(c)
        extract_thresholds(c)
    assert n > 500
