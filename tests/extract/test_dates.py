"""Tests for huiqi.extract.dates: dates, issue dates, validity, closing clauses.

Sentences are copied from the corpus (``data/corpus``) with spaces between
digits and CJK removed (what the normalise stage delivers); the first test
checks that each one really occurs in the corpus.
"""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest

from huiqi.extract.dates import (
    extract_date_conditions,
    extract_validity,
    find_issue_date,
    is_closing_clause,
    parse_date,
    parse_period,
    title_period,
)

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def _norm(line: str) -> str:
    """Test-side stand-in for the normalise stage (digits half-width, no digit–CJK spaces)."""
    line = line.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    line = re.sub(r"(?<=\d)[ \t]+(?=[\u4e00-\u9fff%])|(?<=[\u4e00-\u9fff])[ \t]+(?=\d)", "", line)
    return line.strip()


def _corpus_lines() -> list[str]:
    lines: list[str] = []
    for f in sorted(CORPUS.glob("*.txt")):
        lines.extend(_norm(x) for x in f.read_text(encoding="utf-8").split("\n"))
    return lines


_JOINED: str | None = None


def _in_corpus(snippet: str) -> bool:
    global _JOINED
    if _JOINED is None:
        _JOINED = "".join(x for x in _corpus_lines() if x)
    return snippet in _JOINED


D = date

# (text, issued, start, end, relative)  -- real corpus sentences
VALIDITY_CASES = [
    # explicit windows opening the clause
    ("98.自2021年1月1日至2025年12月31日，对年应纳税所得额低于100万元（含100万元）的小型微利企业免征企业所得税地方分享部分。",
     None, D(2021, 1, 1), D(2025, 12, 31), None),
    ("自2023年1月1日至2027年12月31日,对个体工商户年应纳税所得额不超过200万元的部分,减半征收个人所得税。",
     None, D(2023, 1, 1), D(2027, 12, 31), None),
    ("3. 进一步实施小微企业“六税两费”减免政策，2022年1月1日至2024年12月31日，对增值税小规模纳税人、小型微利企业和个体工商户",
     None, D(2022, 1, 1), D(2024, 12, 31), None),
    ("2023年1月1日至2027年12月31日，招用自主就业退役士兵，与其签订1年以上期限劳动合同并依法缴纳社会保险费的，",
     None, D(2023, 1, 1), D(2027, 12, 31), None),
    ("一、自2021年1月1日至2030年12月31日，对设在西部地区的鼓励类产业企业减按15%的税率征收企业所得税。",
     None, D(2021, 1, 1), D(2030, 12, 31), None),
    ("2025年3月1日至2026年12月31日", None, D(2025, 3, 1), D(2026, 12, 31), None),
    ("水平，从2024年到2026年，联合组织实施高技能领军人才培育计划。",
     None, D(2024, 1, 1), D(2026, 12, 31), None),
    # labelled windows (执行时间 / 试点期限)
    ("本政策适用于在鄂尔多斯市工商注册、税务登记的独立法人企业和机构，政策措施执行时间为2022—2025年，市财政每年投入2亿元，",
     None, D(2022, 1, 1), D(2025, 12, 31), None),
    ("该政策措施执行时间为2022--2025年，市财政每年投入5000万元。",
     None, D(2022, 1, 1), D(2025, 12, 31), None),
    ("地方财政肉牛养殖保险试点期限暂定为2022年至2024年，共3年，",
     None, D(2022, 1, 1), D(2024, 12, 31), None),
    # labelled ends (执行期限至 / 有效期至 / 延长至 / 延长到)
    ("阶段性降低失业保险费率至1%的政策延续实施一年，执行期限至2025年12月31日。",
     None, None, D(2025, 12, 31), None),
    ("上年度失业保险基金滚存结余备付期限应在1年以上。政策执行期限至2024年12月31日。",
     None, None, D(2024, 12, 31), None),
    ("5. 降低企业社保负担，2022年延续实施阶段性降低失业保险、工伤保险费率政策，政策执行期限延长至2023年4月30日。",
     None, None, D(2023, 4, 30), None),
    ("工伤保险阶段性降费政策执行期延长到2025年12月31日。", None, None, D(2025, 12, 31), None),
    ("参保缴纳失业保险费，自动配置实施阶段性降低失业保险费率至1%的政策。执行期限至2025年12月31日。",
     None, None, D(2025, 12, 31), None),
    # verb running to a date
    ("补助标准为500元/月，补贴至2025年。", None, None, D(2025, 12, 31), None),
    ("继续实施阶段性降低失业、工伤保险费率政策至2025年底，对不裁员、少裁员的民营企业实施失业保险稳岗返还政策，",
     None, None, D(2025, 12, 31), None),
    # start dates
    ("中央、国务院同意，现予发布，自2024年11月1日起施行。", None, D(2024, 11, 1), None, None),
    ("第十四条 本办法自2025年1月1日起实施。各地区企业职工因病或非因工完全丧失劳动能力退休和退职政策从本办法实施之日起停止执行。",
     None, D(2025, 1, 1), None, None),
    ("五、本公告自2021年1月1日起执行。", None, D(2021, 1, 1), None, None),
    ("自2025年1月1日起，以全区为统筹地区统一确定阶段性降低工伤保险费率政策，",
     None, D(2025, 1, 1), None, None),
    # long-term
    ("60.继续对通行自治区内高速公路ETC客货车给予5%通行费折扣优惠，长期执行。",
     None, None, None, "长期"),
    # relative rules, unresolved and resolved against the issue date
    ("本政策自发布之日起执行，根据执行情况及时调整，", None, None, None, "自发布之日起执行"),
    ("本政策自发布之日起执行，根据执行情况及时调整，", D(2024, 3, 1), D(2024, 3, 1), None, "自发布之日起执行"),
    ("本政策自印发之日起施行。", D(2024, 1, 15), D(2024, 1, 15), None, "自印发之日起施行"),
    ("第十三条 本政策自发布之日起施行，有效期至2025年12月31日。",
     None, None, D(2025, 12, 31), "自发布之日起施行"),
    ("第十三条 本政策自发布之日起施行，有效期至2025年12月31日。",
     D(2024, 5, 10), D(2024, 5, 10), D(2025, 12, 31), "自发布之日起施行"),
    ("十三、本清单内政策由责任单位负责落实，政策有效期两年，政策内容另有规定的依照原规定执行。",
     None, None, None, "有效期两年"),
    ("十三、本清单内政策由责任单位负责落实，政策有效期两年，政策内容另有规定的依照原规定执行。",
     D(2022, 5, 20), D(2022, 5, 20), D(2024, 5, 19), "有效期两年"),
    ("本政策自发布之日起试行，试行期一年。", D(2024, 6, 1), D(2024, 6, 1), D(2025, 5, 31),
     "自发布之日起试行；试行期一年"),
    ("本方案政策措施自发布之日起30日后施行，由市人民政府解释，", D(2022, 5, 20), D(2022, 6, 19), None,
     "自发布之日起30日后施行"),
    ("本意见自发布之日起执行。", D(2023, 9, 1), D(2023, 9, 1), None, "自发布之日起执行"),
]

# Eligibility cut-offs, targets, deadlines, repeal dates: no validity at all.
NEGATIVE_CASES = [
    "25.对2022年1月1日后通过研发或引进方式获得国家批准文号的1类或2类化学药、生物制品、",
    "对2022年1月1日后获得特殊化妆品注册证，并获得生产许可的企业，每个品种给予一次性奖补50万元，",
    "8.保持规模化养殖场补贴政策连续性，适应形势变化，对2019年以后、本政策出台以前已开工在建项目",
    "10.支持发展特色奶畜养殖，对2022年（含）以后新建的5000只以上奶羊",
    "1.扶持现有企业做大做强。对2024年（含）以后通过兼并重组、扩规提产",
    "企业招用相关人员时间应在2024年1月1日至2025年12月31日之间。",
    "中小微企业在2022年1月1日至2022年12月31日期间新购置的设备、器具",
    "78.加快推进盟市间水权二期工程建设，力争2024年为沿黄盟市解决5000万立方米工业用水指标。",
    "到2024年底，全区新建建筑中装配式建筑面积占比力争达到25%。",
    "规推动落后产能退出。到2030年，主要再生资源循环利用量达到5.1亿吨，",
    "优化专利技术供需对接模式。到2025年底，全区涉及专利的技术合",
    "发展新质生产力。到2027年，低空空域改革初见成效，",
    "87.2024年安排自治区重点产业发展引导基金2亿元，以市场化方式支持先进制造业集群和产业链重大项目。",
    "十一、2021年12月27日国家发展改革委、商务部发布的2021年版《外商投资准入负面清单》自2024年11月1日起废止。",
    "（一）支持整车示范应用。2025年底前，对在鄂尔多斯市开展示范应用并",
    "加快建设纳入国家第一批大型风电光伏基地新能源项目，力争2023年底建成并网。",
]

# Not corpus text: validity of a certificate or contract is not the policy's.
OTHER_THING_CASES = [
    "高新技术企业资格有效期为3年。",
    "证书有效期至2026年12月31日。",
    "借款合同有效期为2024年1月1日至2025年12月31日。",
]


def test_cases_are_real_corpus_text():
    missing = [t for t, *_ in VALIDITY_CASES if not _in_corpus(t)]
    missing += [t for t in NEGATIVE_CASES if not _in_corpus(t)]
    assert missing == []
    assert len({t for t, *_ in VALIDITY_CASES}) + len(NEGATIVE_CASES) >= 30


@pytest.mark.parametrize("text,issued,start,end,relative", VALIDITY_CASES)
def test_extract_validity(text, issued, start, end, relative):
    v = extract_validity(text, issued)
    assert (v.start, v.end, v.relative) == (start, end, relative)
    assert v.basis and v.basis in text
    for sp in v.spans:
        assert text[sp.start : sp.end] == sp.text


@pytest.mark.parametrize("text", NEGATIVE_CASES)
def test_conditions_and_targets_are_not_validity(text):
    v = extract_validity(text, issued=D(2024, 1, 1))
    assert (v.start, v.end, v.relative, v.basis, v.spans) == (None, None, None, None, [])


@pytest.mark.parametrize("text", OTHER_THING_CASES)
def test_certificate_validity_is_not_policy_validity(text):
    v = extract_validity(text, issued=D(2024, 1, 1))
    assert (v.start, v.end, v.relative) == (None, None, None)


def test_basis_and_spans_point_into_text():
    text = "第十三条 本政策自发布之日起施行，有效期至2025年12月31日。"
    v = extract_validity(text)
    assert v.basis == "自发布之日起施行，有效期至2025年12月31日"
    assert [s.text for s in v.spans] == ["自发布之日起施行", "有效期至2025年12月31日"]


def test_document_level_self_reference_beats_item_windows():
    # 002: items carry their own windows; the closing clause sets the document's period.
    text = (
        "3. 进一步实施小微企业“六税两费”减免政策，2022年1月1日至2024年12月31日，对增值税小规模纳税人减按50%征收资源税。\n"
        "十三、本清单内政策由责任单位负责落实，政策有效期两年，政策内容另有规定的依照原规定执行。"
    )
    v = extract_validity(text, issued=D(2022, 5, 20))
    assert (v.start, v.end) == (D(2022, 5, 20), D(2024, 5, 19))


def test_start_takes_end_from_window_with_same_start():
    # 001 财政部 税务总局 国家发展改革委公告2020年第23号: 一、… and 五、… of one document.
    text = (
        "一、自2021年1月1日至2030年12月31日，对设在西部地区的鼓励类产业企业减按15%的税率征收企业所得税。\n"
        "五、本公告自2021年1月1日起执行。《财政部 海关总署 国家税务总局关于赣州市执行西部大开发税收政策问题的通知》"
        "（财税〔2013〕4号）中的企业所得税政策规定自2021年1月1日起停止执行。"
    )
    v = extract_validity(text)
    assert (v.start, v.end) == (D(2021, 1, 1), D(2030, 12, 31))
    assert len(v.spans) == 2


def test_two_expiry_dates_first_labelled_wins():
    text = (
        "阶段性降低失业保险费率至1%的政策延续实施一年，执行期限至2025年12月31日。"
        "政策执行期限至2024年12月31日。"
    )
    assert extract_validity(text).end == D(2025, 12, 31)


def test_duration_anchors_on_explicit_start():
    v = extract_validity("本办法自2025年1月1日起施行，有效期两年。")
    assert (v.start, v.end, v.relative) == (D(2025, 1, 1), D(2026, 12, 31), "有效期两年")


def test_empty_and_dateless_text():
    assert extract_validity("").to_json() == extract_validity("对企业给予100万元奖励。").to_json()
    assert extract_validity("对企业给予100万元奖励。").start is None


# --- date conditions ---------------------------------------------------------

@pytest.mark.parametrize(
    "text,expected",
    [
        ("对2022年1月1日后获得国家注册的特殊医学用途配方食品", [("after", D(2022, 1, 1), None, "2022年1月1日后")]),
        ("对2019年以后、本政策出台以前已开工在建项目", [("after", D(2019, 1, 1), None, "2019年以后")]),
        ("对2022年（含）以后新建的5000只以上奶羊", [("after", D(2022, 1, 1), None, "2022年（含）以后")]),
        ("企业招用相关人员时间应在2024年1月1日至2025年12月31日之间。",
         [("between", D(2024, 1, 1), D(2025, 12, 31), "2024年1月1日至2025年12月31日")]),
        ("到2025年底，全区涉及专利的技术合", [("target", None, D(2025, 12, 31), "到2025年底")]),
        ("力争2024年为沿黄盟市解决5000万立方米工业用水指标", [("target", None, D(2024, 12, 31), "力争2024年")]),
        ("2025年底前，对在鄂尔多斯市开展示范应用", [("before", None, D(2025, 12, 31), "2025年底前")]),
        ("政策受理截止期限为2022年12月31日。", [("before", None, D(2022, 12, 31), "截止期限为2022年12月31日")]),
        ("依据《鄂尔多斯市第三轮草原生态保护补助奖励政策实施方案（2021-2025年）》执行。",
         [("period", D(2021, 1, 1), D(2025, 12, 31), "2021-2025年")]),
        # validity phrases are not repeated as conditions
        ("自2021年1月1日至2025年12月31日，对小型微利企业免征", []),
    ],
)
def test_extract_date_conditions(text, expected):
    got = [(k, s, e, sp.text) for k, s, e, sp in extract_date_conditions(text)]
    assert got == expected


# --- parse_date / parse_period -------------------------------------------------

@pytest.mark.parametrize(
    "s,expected",
    [
        ("2022年5月20日", D(2022, 5, 20)),
        ("2025年7月", D(2025, 7, 1)),
        ("2022-04-25", D(2022, 4, 25)),
        ("2025年6月8日", D(2025, 6, 8)),
        ("2025/6/8", D(2025, 6, 8)),
        ("二〇二二年五月二十日", D(2022, 5, 20)),
        ("二○二二年五月廿日", D(2022, 5, 20)),  # OCR ○ and 廿
        ("二〇二二年十二月三十一日印发", D(2022, 12, 31)),
        ("2022年5月20日印发", D(2022, 5, 20)),
        ("（2025年2月26日）", D(2025, 2, 26)),
        ("2022 年 5 月 20 日", D(2022, 5, 20)),
        ("２０２２年５月２０日", D(2022, 5, 20)),
        ("20220520", D(2022, 5, 20)),  # only the jionlp fallback knows this one
        ("2025年2月30日", None),
        ("2025年", None),
        ("", None),
        ("本政策自发布之日起执行", None),
    ],
)
def test_parse_date(s, expected):
    assert parse_date(s) == expected


def test_parse_period():
    assert parse_period("补贴至2025年") == (D(2025, 1, 1), D(2025, 12, 31))
    assert parse_period("2025年底") == (D(2025, 12, 1), D(2025, 12, 31))
    assert parse_period("2024年6月底前") == (D(2024, 6, 30), D(2024, 6, 30))
    assert parse_period("2024年2月") == (D(2024, 2, 1), D(2024, 2, 29))
    assert parse_period("无日期") is None


# --- why not jionlp alone ---------------------------------------------------------

def _jio():
    from huiqi.extract.dates import _jionlp

    return _jionlp()


def test_jionlp_anchors_open_phrases_on_time_base():
    """jio.parse_time turns an eligibility cut-off into a span ending at "now"."""
    base = time.mktime((2022, 5, 20, 12, 0, 0, 0, 0, -1))
    res = _jio().parse_time("2022年1月1日后", time_base=base)
    assert res["time"][1].startswith("2022-05-20")  # ends "now", not an open cut-off
    res = _jio().parse_time("至2025年12月31日", time_base=base)
    assert res["time"][0].startswith("2022-05-20")  # starts "now", meaningless here
    assert extract_date_conditions("对2022年1月1日后获得")[0][:3] == ("after", D(2022, 1, 1), None)


def test_jionlp_misreads_ocr_zero_and_year_end():
    assert _jio().parse_time("二○二二年五月二十日", time_base=0)["time"][0].startswith("1922")
    assert parse_date("二○二二年五月二十日") == D(2022, 5, 20)
    assert _jio().parse_time("2025年底", time_base=0)["time"][0].startswith("2025-11-01")
    assert _jio().parse_time("补贴至2025年", time_base=0)["time"][0].startswith("2025-01-01")
    assert extract_validity("补贴至2025年。").end == D(2025, 12, 31)


def test_extract_validity_over_the_corpus():
    paras = [p for p in _corpus_lines() if p]
    assert len(paras) > 7000
    # ~15k paragraphs: the corpus lines plus their pairwise joins (wrapped sentences).
    paras = paras + [a + b for a, b in zip(paras, paras[1:])][: 15000 - len(paras)]
    # speed (and jionlp's, which is why validity has its own parser): benchmarks/extract_speed.py
    found = sum(1 for p in paras if extract_validity(p).basis)
    assert found > 40


# --- issue date ----------------------------------------------------------------------

def test_issue_date_imprint_line():
    lines = [
        "十三、本清单内政策由责任单位负责落实，政策有效期两年，政策内容另有规定的依照原规定执行。",
        "",
        "抄送：市委各部门，呼和浩特警备区。",
        "市人大常委会办公室、政协办公室、纪委监委办公室，市法院、检察院。",
        "各人民团体，新闻单位。",
        "呼和浩特市人民政府办公室",
        "2022年5月20日印发",
    ]
    assert find_issue_date(lines) == (D(2022, 5, 20), (6, 0, 10))


def test_issue_date_with_trailing_lines():
    lines = [
        "信息公开选项：主动公开",
        "内蒙古自治区发展和改革委员会办公室",
        "2022年4月25日印发",
        "",
        "",
        "附件",
    ]
    d, where = find_issue_date(lines)
    assert d == D(2022, 4, 25) and where.line == 2


def test_issue_date_signature_block():
    lines = [
        "五、本公告自2021年1月1日起执行。",
        "特此公告。",
        "财政部 税务总局 国家发展改革委",
        "2020年4月23日",
    ]
    assert find_issue_date(lines)[0] == D(2020, 4, 23)


@pytest.mark.parametrize("last", ["2025年6月8日", "(2025年2月26日)", "（2025年2月26日）", "二〇二二年五月二十日"])
def test_issue_date_forms(last):
    lines = ["各有关部门、金融机构要强化政策宣传，积极营造良好舆论氛围。", last]
    d, where = find_issue_date(lines)
    assert d == parse_date(last) and where.line == 1
    assert last[where.start : where.end] and parse_date(last[where.start : where.end]) == d


def test_issue_date_cover_page_month():
    lines = ["", "", "阿拉善盟2025年促进民营经济高质量发展", "", "阿拉善盟发展和改革委员会",
             "阿拉善盟民营经济发展服务局", "2025年7月", "", "为帮助盟内广大民营经济经营主体全面清晰掌握政策申报要素，"]
    assert find_issue_date(lines) == (D(2025, 7, 1), (6, 0, 7))


def test_issue_date_absent():
    lines = [
        "内蒙古自治区党委办公厅、自治区人民政府办公厅2011年9月6日印发的",
        "《内蒙古自治区“草原英才”工程若干政策规定（试行）》（厅发〔2011〕64号）自本意见印发之日起同时废止。",
        "自2021年1月1日至2025年12月31日，对小型微利企业免征企业所得税地方分享部分。",
    ]
    assert find_issue_date(lines) is None
    assert find_issue_date([]) is None


# --- title period -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "title,expected",
    [
        ("内蒙古自治区人民政府办公厅关于印发自治区低空经济高质量发展实施方案（2024—2027年）的通知",
         (D(2024, 1, 1), D(2027, 12, 31))),
        ("鄂尔多斯市促进产业基金高质量发展五年行动方案（2024—2028年）", (D(2024, 1, 1), D(2028, 12, 31))),
        ("内蒙古自治区加快推进跨境电子商务发展行动计划（2022-2025年）", (D(2022, 1, 1), D(2025, 12, 31))),
        ("内蒙古自治区小微企业个体工商户三年成长计划（2023—2025）", (D(2023, 1, 1), D(2025, 12, 31))),
        ("资源综合利用企业所得税优惠目录（2021年版）", (None, None)),
        ("关于加强新时代人才工作助推高质量发展的若干措施（试行）", (None, None)),
        ("内蒙古自治区2024年坚持稳中求进以进促稳推动产业高质量发展政策清单", (None, None)),
    ],
)
def test_title_period(title, expected):
    assert title_period(title) == expected


# --- closing clauses --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,expected",
    [
        ("十三、本清单内政策由责任单位负责落实，政策有效期两年，政策内容另有规定的依照原规定执行。", True),
        ("本政策自发布之日起执行，根据执行情况及时调整，由自治区工业和信息化厅负责解释。", True),
        ("第十四条 本办法自2025年1月1日起实施。", True),
        ("本方案政策措施自发布之日起30日后施行，由市人民政府解释，", True),
        ("本意见自发布之日起执行。此前印发的《关于开展首台（套）重大技术装备保险补偿机制试点工作的通知》（财建〔2015〕19号）等文件同时废止。", True),
        ("第十二条 本政策由鄂尔多斯市人民政府负责解释。", True),
        ("本政策自发布之日起试行，试行期一年。", True),
        ("政策实施过程中如遇国家政策调整，按照国家政策规定执行。同时，阿拉善盟行政公署关于印发《阿拉善盟民营企业发展奖励措施》的通知（阿署发〔2024〕9号）予以废止。", True),
        ("98.自2021年1月1日至2025年12月31日，对年应纳税所得额低于100万元（含100万元）的小型微利企业免征企业所得税地方分享部分。", False),
        ("阶段性降低失业保险费率至1%的政策延续实施一年，执行期限至2025年12月31日。", False),
        ("60.继续对通行自治区内高速公路ETC客货车给予5%通行费折扣优惠，长期执行。", False),
        ("企业招用相关人员时间应在2024年1月1日至2025年12月31日之间。", False),
        ("本政策适用于在鄂尔多斯市工商注册、税务登记的独立法人企业和机构，政策措施执行时间为2022—2025年，市财政每年投入2亿元，", False),
        ("15. 已获得省级专精特新中小企业认定（有效期内）。", False),
        ("本办法所称高新技术企业是指在有效期内的国家高新技术企业。", False),
        ("本办法有效期为3年。", True),
        ("", False),
    ],
)
def test_is_closing_clause(text, expected):
    assert is_closing_clause(text) is expected
