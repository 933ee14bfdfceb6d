"""Condition vocabulary (条件词表) for :mod:`huiqi.rules.conditions`.

Each recogniser maps words of Chinese policy texts to condition leaves over
the profile attributes of issue 4's profile contract:

- qualifications (资质认定) → canonical names of
  :data:`huiqi.firm.profile.KNOWN_QUALIFICATIONS`;
- entity types (主体类型) → :data:`huiqi.firm.profile.ENTITY_TYPES`;
- size classes (企业规模) per 《中小企业划型标准规定》（工信部联企业〔2011〕300号）:
  中小企业/中小微企业 → {中型, 小型, 微型}, 小微企业 → {小型, 微型};
- industries (行业) → GB/T 4754-2017 codes (制造业 → C, 工业 → B/C/D);
- project kinds (项目类型), taxpayer types, ownership, listing;
- threshold attribute phrases (门槛指标) → profile / derived / project
  attribute names with the unit scale to apply.

Only vocabulary lives here (no per-document tables); the rules are the
common wording of Chinese enterprise-policy documents.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from huiqi.reference.regions import divisions
from huiqi.rules.model import Condition

# ---------------------------------------------------------------------------
# qualifications (资质认定): (regex, canonical name). Order matters: longer,
# more specific names first; matched spans are masked for later recognisers.

_Q = r"[“”\"'‘’「」]?"

QUALIFICATION_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?:国家级?)?{_Q}专精特新{_Q}\s*{_Q}小巨人{_Q}(?:企业)?|{_Q}小巨人{_Q}企业"), "专精特新“小巨人”企业"),
    (re.compile(rf"{_Q}专精特新{_Q}中小企业|{_Q}专精特新{_Q}企业"), "专精特新中小企业"),
    (re.compile(r"创新型中小企业"), "创新型中小企业"),
    (re.compile(r"科技型中小企业"), "科技型中小企业"),
    (re.compile(r"制造业单项冠军(?:示范)?的?企业|单项冠军(?:示范)?的?企业"), "制造业单项冠军企业"),
    (re.compile(r"(?:国家级?)?高新技术企业|国家高企|高企"), "高新技术企业"),
    (re.compile(r"小型微利企业"), "小型微利企业"),
    (re.compile(r"规模以上(?:工业)?企业|规上(?:工业)?企业"), "规模以上工业企业"),
    (re.compile(r"技术先进型服务企业"), "技术先进型服务企业"),
]

#: a qualification named as the goal of the application, not held yet
#: (申报高新技术企业, 培育科技型中小企业, 科技型中小企业评价指标)
QUAL_NOT_HELD_BEFORE = re.compile(r"(?:申报|申请|争创|培育|创建|评价|晋级为?)\s*[“\"]?$")
QUAL_NOT_HELD_AFTER = re.compile(r"(?:评价指标|指标|培育|入库|库|评审|服务指南|梯度)")

#: counted firms (拥有不少于1家…企业, 2家以上…企业): the qualification is
#: that of other firms (a cluster's members), not of the applicant
COUNTED_RE = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)\s*家")

#: 龙头企业 with an optional level list before it (国家级、自治区级…).
LEVEL_WORD = r"(?:国家级|国家重点|国家|自治区级|自治区|内蒙古自治区|省级|盟市级|盟级|市级|旗县级|旗级|县级|[^\s为的在是对于被与和及、，,（(“”]{2,4}?(?:盟|市)(?=农|产|重|龙))"
DRAGON_RE = re.compile(
    rf"(?P<levels>{LEVEL_WORD}(?:\s*[、和及或]\s*{LEVEL_WORD})*)?"
    r"(?P<body>(?:农业|农牧业)?产业化(?:国家)?(?:重点)?龙头企业|(?:农业|农牧业)?(?:国家)?重点龙头企业)"
)
TECH_CENTER_RE = re.compile(rf"(?P<levels>{LEVEL_WORD}(?:\s*[、和及或]\s*{LEVEL_WORD})*)?企业技术中心")


def level_of(word: str) -> str | None:
    """国家 / 自治区 / 盟市 for a level word (国家级, 省级, 市级 …)."""
    if word.startswith("国家"):
        return "国家级"
    if word.startswith(("自治区", "省")):
        return "自治区级"
    if word.startswith(("盟", "市")) or word.endswith(("盟", "市")):
        return "盟市级"
    if word.startswith("内蒙古"):
        return "自治区级"
    return None


def dragon_names(levels: str | None) -> list[str]:
    """Canonical 农业产业化重点龙头企业 names for a level list (all levels
    when none is written)."""
    names = {"国家级": "国家级农业产业化重点龙头企业", "自治区级": "自治区级农业产业化重点龙头企业",
             "盟市级": "盟市级农业产业化重点龙头企业"}
    if not levels:
        return list(names.values())
    out: list[str] = []
    for w in re.split(r"\s*[、和及或]\s*", levels):
        lv = level_of(w)
        if lv and names[lv] not in out:
            out.append(names[lv])
    return out or list(names.values())


def tech_center_names(levels: str | None) -> list[str]:
    """Canonical 企业技术中心 names for a level list."""
    names = {"国家级": "国家级企业技术中心", "自治区级": "自治区级企业技术中心"}
    if not levels:
        return list(names.values())
    out = [names[lv] for w in re.split(r"\s*[、和及或]\s*", levels) if (lv := level_of(w)) in names]
    return list(dict.fromkeys(out)) or list(names.values())


# ---------------------------------------------------------------------------
# entity types, size, taxpayer, ownership, listing

#: entity types (主体类型): (regex, the profile's entity types it covers)
ENTITY_PATTERNS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"个体工商户|个体户|从事个体经营"), ("个体工商户",)),
    (re.compile(r"农民专业合作社|农牧民专业合作社|专业合作社|合作社"), ("农民专业合作社",)),
    (re.compile(r"家庭农牧场|家庭农场|家庭牧场"), ("家庭农牧场",)),
    # a farming household (养殖户, 种植户, 农牧户) runs as a family farm or
    # registers as a sole trader: either profile type may apply
    (re.compile(r"(?:养殖|种植|种养殖|农牧|牧)户(?!数|均)"), ("家庭农牧场", "个体工商户")),
]

_OTHER_ENTITY = r"(?:农民专业合作社|农牧民专业合作社|专业合作社|合作社|个体工商户|个体户|家庭农牧场|家庭农场|家庭牧场|(?:养殖|种植|种养殖|农牧|牧)户)"
#: 企业 as one entity type in a list with others (…的企业和合作社, 合作社、企业);
#: group ``firm`` is the word 企业/公司
GENERIC_FIRM_RES = (
    re.compile(rf"(?:(?<=的)|(?<=^)|(?<=[、，,]))(?P<firm>企业|公司)(?=\s*[和、或及与]\s*[^，,。；]{{0,4}}?{_OTHER_ENTITY})"),
    re.compile(rf"{_OTHER_ENTITY}\s*[和、或及与]\s*(?P<firm>企业|公司)(?![\u4e00-\u9fff])"),
    # 种植企业（合作社、种植户）, 企业（合作社）: the bracket lists further kinds of applicant
    re.compile(rf"(?P<firm>企业|公司)(?=[（(]\s*{_OTHER_ENTITY})"),
)

SIZE_SME = ["中型", "小型", "微型"]
SIZE_SMALL = ["小型", "微型"]
#: size words used inside names of events, funds, services (中小企业创新创业大赛)
_NOT_FIRM = r"(?![\u4e00-\u9fff]{0,3}(?:大赛|服务|发展|基金|公共|平台|创新|数字化|转型|融资|信用|促进|主管|工作|划型|统计|账款|产值|占比|数量|户数|家数|比例|比重|集群|特色|园区|联盟|协会|商会|专项|政策))"
SIZE_PATTERNS: list[tuple[re.Pattern[str], list[str]]] = [
    (re.compile(rf"(?:中小微型?企业|中小型?企业){_NOT_FIRM}"), SIZE_SME),
    (re.compile(r"中型、小型、微型|中、小、微型"), SIZE_SME),
    (re.compile(rf"(?:(?:国标)?小微型?企业|小型、微型(?:企业)?|小型微型企业){_NOT_FIRM}"), SIZE_SMALL),
    (re.compile(rf"微型企业{_NOT_FIRM}"), ["微型"]),
]

TAXPAYER_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:增值税)?小规模纳税人"), "小规模纳税人"),
    (re.compile(r"(?:增值税)?一般纳税人"), "一般纳税人"),
]

OWNERSHIP_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"民营企业|民营经济主体|非公有制企业"), "民营"),
    (re.compile(r"外商投资企业|外资企业"), "外资"),
]

#: 具有独立法人资格: a 个体工商户 is no legal person (《民法典》第五十四条、
#: 第五十七条), so it is settled for them; for others it stays to confirm
#: (个人独资、合伙企业 are enterprises without legal personality)
LEGAL_PERSON_RE = re.compile(r"具有?(?:独立)?(?:企业)?法人资格|具备(?:独立)?(?:企业)?法人资格|(?<=为)独立法人(?![\u4e00-\u9fff])")

LISTED_RE = re.compile(r"(?:在)?(?:境内外|境内|境外|沪深|北交所|主板|科创板|创业板)?(?:首发|首次公开发行股票并)?上市(?:企业|公司)?")
NOT_LISTED_RE = re.compile(r"拟上市|上市后备|上市辅导|挂牌|上市申报|申报上市|上市申请|申请上市|上市培育")

TAX_GRADE_RE = re.compile(r"纳税信用(?:等级)?(?:评价)?(?:为|评定为|是|达到)?(?P<grades>[ABM](?:\s*[、,，或和及]\s*[ABM])*)级?(?P<above>及?以上)?")

# ---------------------------------------------------------------------------
# industries (GB/T 4754-2017 sections / aliases) named as firm conditions

INDUSTRY_PATTERNS: list[tuple[re.Pattern[str], list[str], str]] = [
    (re.compile(r"(?<!先进)(?<!现代)制造业(?:企业)?(?!单项冠军|集群|创新中心|数字化|转型|试点|高质量|创新|发展|领域|中长期)"), ["C"], "制造业"),
    (re.compile(r"工业企业|工业项目"), ["B", "C", "D"], "工业"),
    (re.compile(r"软件企业"), ["I65"], "软件和信息技术服务业"),
    (re.compile(r"批发零售(?:业|企业)"), ["F"], "批发和零售业"),
    (re.compile(r"住宿餐饮(?:业|企业)"), ["H"], "住宿和餐饮业"),
    (re.compile(r"旅行社"), ["L727"], "旅行社及相关服务"),
]

# ---------------------------------------------------------------------------
# project kinds (项目类型): regex → canonical kind (see evaluate.PROJECT_KIND_ALIASES)

_DO = r"(?:(?<=实施)|(?<=开展)|(?<=进行)|(?<=从事))"
PROJECT_KIND_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_DO}节能(?:技术)?改造|节能(?:技术改造|改造|技改)(?:类)?(?:工程)?项目"), "节能改造"),
    (re.compile(rf"{_DO}节水(?:技术)?改造|节水(?:技术改造|改造|技改)(?:类)?(?:工程)?项目"), "节水改造"),
    (re.compile(rf"{_DO}(?:资源|固废)?综合利用|(?:资源|固废)?综合利用(?:类)?项目"), "综合利用"),
    (re.compile(rf"{_DO}技术改造|技术改造(?:类)?项目|{_DO}技改|技改项目"), "技术改造"),
]

#: a completed project (项目已建成投产, 竣工投产, 已完工)
PROJECT_DONE_RE = re.compile(r"(?:完成建设)?已(?:建成)?投产|已建成投产|建成投产并|竣工投产|已完工|已竣工")
#: words before a subject that make it another party the firm serves or
#: hires (支持小微企业融资担保, 为外商投资企业提供, 带动农牧户; 为 not after
#: 认定/评定/成/列/确定 — checked after it, so every alternative opens with a
#: literal the regex engine can skip to)
OTHER_PARTY_BEFORE = re.compile(
    r"(?:支持|服务于?|为(?<!认定为)(?<!评定为)(?<!成为)(?<!列为)(?<!确定为)|向|面向|帮助|带动|扶持|新增|对接|联结|收购|吸纳|招用|引进|培育)"
    r"[^，,。；的]{0,6}$")

# ---------------------------------------------------------------------------
# threshold attributes (门槛指标): (attribute-phrase regex, units, target
# attribute, scale applied to the extracted value)

THRESHOLD_ATTRIBUTES: list[tuple[re.Pattern[str], tuple[str, ...], str, float]] = [
    (re.compile(r"月销售额|月销售收入|按月"), ("元",), "monthly_sales", 1.0),
    (re.compile(r"应纳税所得额"), ("元",), "taxable_income", 1.0),
    (re.compile(r"资产总额|总资产"), ("元",), "total_assets", 1.0),
    (re.compile(r"研发(?:费用|投入|经费)(?!.*(?:比例|强度|占))"), ("元",), "rd_expense", 1.0),
    (re.compile(r"(?:营业|销售|主营业务)收入|营收|(?<!月)销售额"), ("元",), "revenue", 1.0),
    (re.compile(r"设备(?:投资|购置)"), ("元",), "project.equipment_investment", 1.0),
    (re.compile(r"投资"), ("元",), "project.investment", 1.0),
    (re.compile(r"从业人|职工总数|职工人数|员工|在职职工|用工人数|参保职工|^人数$"), ("人",), "employees", 1.0),
    (re.compile(r"节能量|节约.*标准煤|节能"), ("吨标准煤", "标准煤"), "project.energy_saving_tce", 1.0),
    # 节能量在300吨以上: an energy saving is counted in 吨标准煤 even when written 吨
    (re.compile(r"节能量"), ("吨",), "project.energy_saving_tce", 1.0),
    (re.compile(r"节水"), ("吨", "立方米"), "project.water_saving_t", 1.0),
    (re.compile(r"种植|面积|连片|基地|规模|流转|牧草"), ("亩",), "project.area_mu", 1.0),
    (re.compile(r"存栏|养殖|饲养|出栏|规模|繁育|能繁|母牛|肉牛|奶牛|奶畜|肉羊|骆驼|鸵鸟|新建|扩建|^数量$"),
     ("头", "只", "羽", "匹", "峰"), "project.head_count", 1.0),
    (re.compile(r"成立|注册|设立|正常运营|正常经营|经营期|运营时间|经营时间"), ("年",), "age_years", 1.0),
    (re.compile(r"成立|注册|设立"), ("个月",), "age_years", 1 / 12),
    (re.compile(r"失业保险|参保|缴费|缴纳"), ("个月",), "unemployment_insurance_months", 1.0),
    (re.compile(r"失业保险"), ("年",), "unemployment_insurance_months", 12.0),
    (re.compile(r"裁员率"), ("%",), "layoff_rate", 0.01),
    # 研发投入占营业收入比例达到3%: one year's ratio (a multi-year 近2年…均 / 近三年平均 stays text)
    (re.compile(r"^(?!.*(?:近|平均|累计|连续|每年|均$)).*研发(?:费用|投入|经费)(?:总额|支出)?"
                               r"(?:占(?:企业)?(?:当年|同期|上年度?)?(?:营业|销售|主营业务)?(?:总)?收入(?:总额)?的?(?:比例|比重)?|强度)$"),
     ("%",), "facts.研发费用占营业收入比例", 0.01),
]


def threshold_attribute(phrase: str, unit: str) -> tuple[str, float] | None:
    """Profile attribute and value scale for an extracted threshold
    (``attribute`` phrase, ``unit``) or ``None`` when not recognised.
    ``("足额缴纳失业保险费", "个月")`` → ``("unemployment_insurance_months", 1.0)``."""
    base = unit.split("/")[0]
    for rx, units, target, scale in THRESHOLD_ATTRIBUTES:
        if base in units and rx.search(phrase):
            return target, scale
    return None


# ---------------------------------------------------------------------------
# employment groups (招用…人员): the fact counts how many were hired

HIRE_RE = re.compile(r"(?:招用|吸纳|招收|新招用|安置)")
HIRE_GROUPS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"登记失业"), "登记失业人员招用人数"),
    (re.compile(r"脱贫人口|脱贫劳动力"), "脱贫人口招用人数"),
    (re.compile(r"退役士兵|退役军人"), "退役军人招用人数"),
    (re.compile(r"高校毕业生|毕业生"), "高校毕业生招用人数"),
    (re.compile(r"就业困难人员"), "就业困难人员招用人数"),
    (re.compile(r"残疾人"), "残疾人招用人数"),
]

# ---------------------------------------------------------------------------
# words that mark sentences that are not conditions

#: goals and targets (目标): 力争, 到2025年…
GOAL_RE = re.compile(r"力争|目标任务|发展目标|预期目标|到20\d\d年|年均增长")
#: benefit verbs (享受标准): the condition ends before them
BENEFIT_RE = re.compile(
    r"(?:分别|一次性|每[个家户年人只头亩]?|按照?|最高|可|再|择优)?"
    r"(?:给予|奖励|补贴|补助|奖补|资助|贴息|补偿|减按|免征|减半|减征|返还|扣减|(?:可|可以|均可|即可|方可|予以)享受|兑现|"
    r"(?<![注报])(?:可|可以)(?:申请|依照)|予以(?:补助|补贴|奖励|支持|奖补|资助|返还|减免))"
)
#: Every character a :data:`BENEFIT_RE` match can start with (the first
#: characters of its optional lead words and of its verbs), to scan long
#: sentences with :func:`huiqi.extract.numbers.finditer_from`.
BENEFIT_FIRST_RE = re.compile(r"[分一每按最可再择给奖补资贴减免返扣均即方予兑]")
#: head nouns of a condition naming a government level (盟市, 旗县, 示范县):
#: public bodies, not enterprises
GOVERNMENT_HEAD_RE = re.compile(r"(?:盟市|旗县区?|旗区|市县|县区|县（市、区）|苏木乡镇|嘎查村|示范县|示范旗县|大县|旗（区）|地方政府|的地区|工业园区|经济开发区|开发区|高新区|示范区|试验区)(?:等)?$")

#: head nouns of a condition naming a person (人才政策): the beneficiary is
#: an individual, not an enterprise
PERSON_HEAD_RE = re.compile(
    r"(?:人才|人员|教师|医师|护士|学生|毕业生|研究生|博士|硕士|专家|院士|个人|社工|工作者|完成人|负责人|"
    r"创办人|入选者|青年|农牧民|居民|职工|劳动者|退役军人|退役士兵|校长|园长|工匠|技师|工程师|顾问)(?:等)?$"
)
#: exclusion words (排除): the subject before them is excluded (also with
#: 再/重复 between: 不得再享受, 不再重复支持)
EXCLUDE_RE = re.compile(
    r"(?:不予|不得|不再|不能|不可)(?:再|重复)?(?:支持|补助|补贴|奖励|返还|受理|享受|申报|申请|纳入|安排)"
    r"|不适用本(?:政策|办法|通知|措施)|不属于(?:本政策)?支持范围|不在支持范围"
)
#: definitions, procedure and benefit arithmetic — not eligibility conditions
#: (every alternative opens with a literal, so the regex engine skips to the
#: characters they start with: 报(?<=^报) is ^报 written that way)
NON_CONDITION_RE = re.compile(
    r"是指|指的是|申报材料|申请材料|提交|报送|审核|审批|换算公式|减免税限额|扣减限额|以实际缴纳|"
    r"税额中扣减|结转|遵循|自愿申报|择优认定|其他要求|其他条件|按规定执行|可以选择适用|不得重复享受|不重复补助|"
    r"初审|提出申请|上传|准备相关材料|报(?<=^报)(?:盟|市|旗|自治区)|分为|分成|下同|以.{1,12}为准|登录|填写|复印件|原件|承诺书|申请表|申报书|作出说明|享受上述|已享受|"
    r"叠加享受|核算|为限|计算公式|汇算清缴|减免税总额|纳税年度终了|时间表|副本|社会保险费记录|指为|指由|包括但不限于|"
    r"随借随还|秒批|足不出户|贷款产品|全线上|其中[，,]?[^，,]{1,12}指"
)
#: "already received" wording (已享受同类项目补助, 已获得过…资金支持): in an
#: exclusion (已享受同类项目补助的家庭农牧场不再享受) it is the excluded
#: condition itself, to be confirmed — elsewhere it is procedure
#: (:data:`NON_CONDITION_RE`)
RECEIVED_RE = re.compile(r"已(?:经)?(?:享受|获得|获|取得|领取|申领)")
#: adverbs closing the subject of an exclusion (…的家庭农牧场原则上不再享受)
EXCLUSION_ADVERB_RE = re.compile(r"(?:原则上|一般|均|也|亦)+$")

#: generic subjects that say nothing (符合条件的企业, 经营主体 …)
GENERIC_RE = re.compile(
    r"^(?:符合(?:上述|以上|相关|规定)?条件的|经认定的|相关|各类|有关|辖区内|新|全市|全盟|全旗|全区"
    r"|本(?:公告|通知|办法|政策|措施|细则)所(?:述|称)的?|上述)?"
    r"(?:企业|单位|经营主体|市场主体|主体|纳税人|企事业单位|用人单位|申报单位|项目|个人|人员|团队|机构|企业等单位|企业项目主体|项目主体)?"
    r"(?:和个人|等)?$"
)


# ---------------------------------------------------------------------------
# attribute names, prompts and descriptions (shared by extraction, evaluation and questions)

#: Chinese question (提问) for each attribute, shown by ``next_questions``.
PROMPTS: dict[str, str] = {
    "region": "贵企业的注册地在哪里（旗县区）？",
    "entity_type": "贵单位的主体类型是什么（企业、个体工商户、农民专业合作社、家庭农牧场）？",
    "ownership": "贵企业的所有制性质是什么（民营、国有、外资、混合所有制）？",
    "industry": "贵企业属于什么行业（国民经济行业分类名称或代码）？",
    "established": "贵企业的成立日期是哪一天？",
    "employees": "贵企业从业人员有多少人？",
    "revenue": "贵企业上年度营业收入是多少（元）？",
    "total_assets": "贵企业资产总额是多少（元）？",
    "taxable_income": "贵企业上年度应纳税所得额是多少（元）？",
    "monthly_sales": "贵企业月销售额是多少（元）？",
    "rd_expense": "贵企业上年度研发费用是多少（元）？",
    "taxpayer_type": "贵企业是小规模纳税人还是一般纳税人？",
    "tax_credit_grade": "贵企业的纳税信用等级是什么（A/B/M/C/D）？",
    "qualifications": "贵企业已取得哪些资质认定（如高新技术企业）？",
    "unemployment_insurance_months": "贵企业已足额缴纳失业保险费多少个月？",
    "layoff_rate": "贵企业上年度裁员率是多少？",
    "listed": "贵企业是否已上市？",
    "projects": "贵企业有哪些项目（类型、投资额、建成投产日期）？",
    "project.kind": "贵企业的项目属于什么类型（技术改造、节能改造、节水改造、综合利用、新建、种植、养殖…）？",
    "project.investment": "贵企业项目的总投资（固定资产投资）是多少（元）？",
    "project.equipment_investment": "贵企业项目的设备投资是多少（元）？",
    "project.status": "贵企业项目目前处于什么阶段（备案、在建、建成投产）？",
    "project.completed": "贵企业项目的建成投产日期是哪一天？",
    "project.energy_saving_tce": "贵企业项目的年节能量是多少吨标准煤？",
    "project.water_saving_t": "贵企业项目的年节水量是多少吨？",
    "project.area_mu": "贵企业项目的面积是多少亩？",
    "project.head_count": "贵企业项目的养殖规模是多少头（只）？",
    "owner_groups": "贵企业的创办人或经营者是否属于以下人员：退役军人、自主就业退役士兵、高校毕业生、登记失业人员、脱贫人口、返乡创业人员、残疾人？",
    "products": "贵企业养殖、种植或生产的是什么品种（如肉牛、奶牛、鸵鸟、苜蓿）？",
}

#: Chinese names (名称) of attributes, used in reasons.
ATTRIBUTE_NAMES: dict[str, str] = {
    "region": "注册地", "entity_type": "主体类型", "ownership": "所有制", "industry": "行业",
    "established": "成立日期", "employees": "从业人员", "revenue": "营业收入",
    "total_assets": "资产总额", "taxable_income": "应纳税所得额", "monthly_sales": "月销售额",
    "rd_expense": "研发费用", "taxpayer_type": "纳税人类型", "tax_credit_grade": "纳税信用等级",
    "qualifications": "资质认定", "unemployment_insurance_months": "失业保险缴费月数",
    "layoff_rate": "裁员率", "listed": "是否上市", "projects": "项目",
    "size_class": "企业规模", "sme": "中小微企业", "small_low_profit": "小型微利企业",
    "age_years": "成立年限", "above_scale_industrial": "规模以上工业企业",
    "project.kind": "项目类型", "project.investment": "项目投资", "project.equipment_investment": "设备投资",
    "project.status": "项目状态", "project.completed": "建成投产日期",
    "project.energy_saving_tce": "年节能量", "project.water_saving_t": "年节水量",
    "project.area_mu": "项目面积", "project.head_count": "养殖规模",
    "owner_groups": "创办人身份", "products": "品种/作物",
}

_UNITS = {
    "employees": "人", "unemployment_insurance_months": "个月", "age_years": "年",
    "project.energy_saving_tce": "吨标准煤", "project.water_saving_t": "吨", "project.area_mu": "亩",
    "project.head_count": "头（只）",
}
_MONEY = {"revenue", "total_assets", "taxable_income", "monthly_sales", "rd_expense",
          "project.investment", "project.equipment_investment"}
_RATES = {"layoff_rate"}

#: Project kinds (项目类型) written differently in profiles and texts.
PROJECT_KIND_ALIASES: dict[str, str] = {
    "技改": "技术改造", "技术改造项目": "技术改造", "节能技术改造": "节能改造", "节能": "节能改造",
    "节水技术改造": "节水改造", "节水": "节水改造", "资源综合利用": "综合利用",
    "综合利用项目": "综合利用", "新建项目": "新建", "种植业": "种植", "养殖业": "养殖",
}

#: Qualifications that a derived fact can settle when the firm did not list
#: them (小型微利企业 per 财政部 税务总局公告2022年第13号; 规模以上工业企业 per
#: 国家统计局's 2000万元 standard; see derived.py).
QUAL_DERIVED = {"小型微利企业": "small_low_profit", "规模以上工业企业": "above_scale_industrial"}
_QUAL_DERIVED = QUAL_DERIVED


#: ``entity_type`` value for clauses whose beneficiary is a natural person
#: (人才、教师 …); an enterprise profile never matches it.
PERSON = "个人"
#: ``entity_type`` value for clauses whose beneficiary is a government level
#: (盟市、旗县、示范县 …); an enterprise profile never matches it.
GOVERNMENT = "地方政府"
#: Beneficiaries that are never an enterprise (经营主体).
NON_FIRM_TYPES = frozenset({PERSON, GOVERNMENT})


def canonical_project_kind(kind: str) -> str:
    """Canonical project kind: ``技改`` → ``技术改造``, ``节能技术改造`` →
    ``节能改造``; unknown kinds are returned stripped."""
    k = kind.strip()
    return PROJECT_KIND_ALIASES.get(k, k)


# ---------------------------------------------------------------------------
# formatting


def _fmt_num(x: float) -> str:
    if x == int(x):
        return str(int(x))
    return f"{x:.4g}" if abs(x) < 1 else f"{x:.2f}".rstrip("0").rstrip(".")


def format_value(attribute: str, v: Any) -> str:
    """Human Chinese rendering of a fact value (``3200万元``, ``120 人``, ``5.5%``)."""
    if v is None:
        return "未知"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (int, float)):
        if attribute in _MONEY:
            return f"{_fmt_num(v / 1e4)}万元" if abs(v) >= 1e4 else f"{_fmt_num(v)}元"
        if attribute in _RATES or (attribute.startswith("facts.") and attribute.endswith(("比例", "比重", "率"))):
            return f"{_fmt_num(v * 100)}%"
        return f"{_fmt_num(v)} {_UNITS.get(attribute, '')}".rstrip()
    if isinstance(v, (list, tuple, set)):
        return "、".join(str(x) for x in v) if v else "无"
    return str(v)


def attribute_name(attribute: str) -> str:
    """Chinese name of an attribute (``facts.登记失业人员招用人数`` → ``登记失业人员招用人数``)."""
    if attribute.startswith("facts."):
        return attribute[6:]
    return ATTRIBUTE_NAMES.get(attribute, attribute)


_OP_WORDS = {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "==": "为"}
_DATE_OP_WORDS = {">=": "不早于", ">": "晚于", "<=": "不晚于", "<": "早于", "==": "为"}


def describe(leaf: Condition) -> str:
    """A short Chinese description of a leaf (``从业人员不超过300人``,
    ``资质认定属于高新技术企业``, ``成立日期不早于2022-01-01``), used when a
    leaf has no ``label``."""
    attr = leaf.attribute or ""
    name = attribute_name(attr) if attr else ""
    v = leaf.value
    if leaf.kind == "text":
        return leaf.source_text or "需人工确认的条件"
    if leaf.kind == "region":
        names = []
        for x in (v if isinstance(v, (list, tuple)) else [v]):
            d = divisions().get(str(x))
            names.append(d.name if d else str(x))
        return "注册地在" + "或".join(names)
    if leaf.kind == "membership":
        vals = v if isinstance(v, (list, tuple, set)) else [v]
        word = "不属于" if leaf.operator == "not_in" else "属于"
        return f"{name}{word}{'、'.join(format_value(attr, x) for x in vals)}"
    if leaf.kind == "date":
        if leaf.operator == "between" and isinstance(v, (list, tuple)):
            return f"{name}在{v[0]}至{v[1]}之间"
        return f"{name}{_DATE_OP_WORDS.get(leaf.operator or '', leaf.operator or '')}{v}"
    if leaf.operator == "between" and isinstance(v, (list, tuple)):
        return f"{name}在{format_value(attr, v[0])}至{format_value(attr, v[1])}之间".replace(" ", "")
    if isinstance(v, bool) and leaf.operator == "==":
        return name if v else f"非{name}"
    return f"{name}{_OP_WORDS.get(leaf.operator or '', leaf.operator or '')}{format_value(attr, v)}".replace(" ", "")
