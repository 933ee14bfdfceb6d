"""Benefit extraction and computation (享受标准的提取与计算), all money in yuan (元).

Public API:

* :func:`extract_benefit` — one clause (a mapping with ``text``, ``fields``,
  ``amounts``, ``rates``, ``path``, ``document``) → :class:`BenefitSpec` or
  ``None`` (the clause gives no money to a firm);
* :func:`extract_benefits` — every benefit component found in the clause, in
  text order (the building blocks of :func:`extract_benefit`, useful for
  tracks such as 购买技术成果 / 转让技术成果);
* :func:`benefit_for_track` — the components of one track (申报类别, e.g.
  ``转让技术成果``) combined;
* :func:`compute_benefit` — a spec and an :class:`EnterpriseProfile` →
  :class:`Benefit` (``min_yuan``/``max_yuan`` in yuan, formula in Chinese
  words with 万元 for display, ``missing`` fact keys).

What is read (general rules from Inner Mongolia 惠企 texts, no per-document
cases): the benefit text is the service guide's ``政策标准`` field when
present, else the clause text; it is split into sentences (。；\\n) and each
sentence that names a benefit verb (给予/补贴/补助/奖励/奖补/资助/贴息/免征 …)
yields components:

``percent``      按设备投资总额的10%给予…，最高500万元 — rate × base (the noun
                 before the rate mapped to a profile key, see
                 :data:`BASE_ATTRIBUTES`; otherwise ``facts.<名词>``), capped
                 by the next 最高/不超过 amount of the sentence.
``per_unit``     每亩1000元, 每头120元, 每吨标准煤200元, 每人每年7800元 —
                 amount × quantity (:data:`UNIT_QUANTITIES`).
``tiers``        step tables (年推广面积在10万亩以上的500万元；30万亩以上的1000万元)
                 over the attribute the thresholds measure; base plus
                 increments (存栏达到3000头补贴600万元，每增加500头再补贴100万元;
                 每新增100万元奖励2万元，最高30万元) as one tier per step up to
                 the cap (at most :data:`MAX_INCREMENT_STEPS` steps).
``progressive``  超额累进 brackets (100万元以下的按10%，100万元至500万元的按超额累进5% …).
``fixed``        一次性奖励50万元, 给予10万元—50万元, 分别给予100万元、50万元
                 (alternatives: ``min_yuan``..``max_yuan``), 最高2000万元 (0..cap).
``text``         benefits that cannot be computed from the text alone (贴息 at
                 LPR, 减半征收, 地方分享部分); a cap, when stated, still bounds them.

Multi-year payouts (连续5年每年, 5年内…每年最高, 最长补贴5年, 3年（36个月）)
set ``years`` or ``months``; 每年最高 caps set ``annual_cap_yuan``; 单个项目最高
/ 最高不超过 set ``cap_yuan``; caps per unit (每亩不超过1万元, 每人不超过5万元)
set ``per_item_cap_yuan``.

Not benefits (``None``): budgets and funds (安排1.4亿元, 设立…基金), targets,
thresholds, prices (工业用地价格), loan amounts and credit lines (贷款额度最高
400万元), insured sums and premiums the firm pays (保额, 缴纳保险费), pools for a
whole area (全盟每年最高200万元), and the parts of an amount already counted
(每头5000元，其中自治区3000元…). Per-person quantities use the condition
extractor's fact names (:data:`huiqi.rules.vocab.HIRE_GROUPS`:
``facts.登记失业人员招用人数`` …) so one answer settles both.

Conventions beyond the model docstring (compatible extensions, documented
here): on ``percent`` and ``per_unit`` specs ``min_yuan == 0`` marks an
upper-bound rate or unit amount (按每头不超过400元, 总投入不超过30%), so the
computed minimum is 0; ``months`` on a ``percent`` spec multiplies a monthly
base (月销售额 × 12); a ``tiers`` entry may carry ``rate`` (applied to the
whole base) instead of ``amount_yuan`` and ``upper_inclusive``; per-month
unit amounts (元/人·月) are stored per person-year (× 12) so that
``months``/12 applies uniformly.

Tax rules encoded (only when the clause text gives the numbers):

* 减按X%的税率征收企业所得税 / 减按A%计入应纳税所得额，按B%的税率缴纳 — the
  saving is 应纳税所得额 × (25% − effective rate); 25% is the statutory rate of
  《中华人民共和国企业所得税法》第四条 (the rate every 减按 refers to). The
  small low-profit 减按25%/20% wording is that of 财政部 税务总局公告2023年第12号;
  it is read from the clause, never assumed.
* 增值税小规模纳税人 适用3%征收率的应税销售收入减按1%征收、月销售额10万元以下
  免征增值税 (财政部 税务总局公告2023年第19号, quoted in the clause) — an
  estimate per year: 月销售额 × 12 × 3% when 月销售额 ≤ 10万元 (exempt),
  × (3% − 1%) above; computed only when the text names the threshold and
  both rates.

Project bases: :func:`compute_benefit` uses the single best project (the one
giving the largest amount) among the projects passed in (default: all
projects of the profile). Summing over projects is not done because whether
each project qualifies is decided by the condition evaluator; the engine may
pass only the qualifying projects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from huiqi.extract.money import extract_amounts
from huiqi.extract.numbers import finditer_from, to_halfwidth
from huiqi.rules.model import BenefitSpec
from huiqi.rules.regex_gate import required_literals
from huiqi.rules.money_format import fmt_tier_bound, fmt_yuan, is_money_attr, pct  # noqa: F401  (fmt_yuan re-exported)
from huiqi.rules.vocab import HIRE_GROUPS, HIRE_RE

#: 企业所得税法定税率 25%, 《中华人民共和国企业所得税法》第四条.
STATUTORY_CIT_RATE = 0.25

# --------------------------------------------------------------- lexicon --

#: Words that say the sentence gives something to the applicant (给予 …).
_GIVE_RE = re.compile(
    r"(给予|补贴|补助|奖励|奖补|资助|贴息|扶持资金|支持资金|激励资金|后补助|风险补偿|返还|免征|减半征收|减按|"
    r"扣减|一次性奖|研发经费|经费支持|资金支持|项目支持|以奖代补)"
)
#: A benefit stated without computable numbers (减半征收, 予以贴息, 给予…减免).
_TEXT_BENEFIT_RE = re.compile(
    r"(免征|减半征收|减按\s*\d+(?:\.\d+)?%|予以贴息|给予[^，。；]{0,12}(?:贴息|减免)|贴息支持(?!力度)|再贴息|"
    r"减免[^，。；]{0,6}(?:租金|费用)|(?:租金|费用)减免|(?:提供|给予)[^，。；]{0,6}保费补贴|"
    # tax deductions, lower contribution rates, toll discounts and low-interest loans: the firm
    # pays less, by an amount the text does not give (一次性税前扣除, 费率由19%下调为16%,
    # 失业保险费率继续按1%执行, 5%通行费折扣优惠, 享受…的低息)
    r"(?:一次性|可在当年)[^，。；]{0,4}税前扣除|"
    r"费率由\s*\d+(?:\.\d+)?%\s*(?:下调|降低|降)[为至到]|费率(?:继续|合计)?(?:按|为)\s*\d+(?:\.\d+)?%\s*执行?|"
    r"通行费折扣|\d+(?:\.\d+)?%[^，。；]{0,6}折扣优惠|享受[^，。；]{0,24}低息)"
)
#: Words one of which every match of :data:`_TEXT_BENEFIT_RE` holds (a cheap test first).
_TEXT_BENEFIT_WORDS = required_literals(_TEXT_BENEFIT_RE, max_strings=24)


def _may_state_text_benefit(text: str) -> bool:
    """``False`` only when :data:`_TEXT_BENEFIT_RE` cannot match ``text``."""
    return _TEXT_BENEFIT_WORDS is None or any(w in text for w in _TEXT_BENEFIT_WORDS)


#: Sentences about administration, not a grant to the firm.
_NOT_A_GRANT_RE = re.compile(r"(查处|打击|提供便利|争取|督促|通报|不执行|不落实|应及时|力度|研究探索|宣传)")
#: Loans and credit lines are not grants: amounts there are not benefits.
_LOAN_RE = re.compile(r"(贷款额度|补偿额度|贷款单笔|担保贷款|授信|贷款金额|贷款期限|提供[^，。；]{0,12}贷款|发放[^，。；]{0,12}贷款|贷款.{0,4}最高)")
#: A pool for a whole area or programme (全盟每年最高 / 资金总额): not one firm's cap.
_POOL_RE = re.compile(r"(全盟|全市|全区|全旗|全县|全自治区|资金总额|总规模)[^，。；]{0,8}$")
_SENT_SPLIT_RE = re.compile(r"[。；;\n！？!?]")
_SOFT_SPLIT = "，,：:；;。\n"

#: Noun of a percent base → profile attribute (first match wins) and label.
BASE_ATTRIBUTES: list[tuple[str, str, str]] = [
    (r"研发(?:费用|投入)", "rd_expense", "研发费用"),
    (r"应纳税所得额", "taxable_income", "应纳税所得额"),
    (r"月销售额", "monthly_sales", "月销售额"),
    (r"技术交易额|技术交易合同.{0,4}成交额|交易额", "facts.技术交易额", "技术交易额"),
    (r"基础设施", "project.investment", "项目投资"),
    (r"设备(?:总)?投资|设备购置|购置设备|机械设备", "project.equipment_investment", "设备投资"),
    (r"总投资|投资总额|固定资产投资|完成投资|技改投资|建设投资|投资额|项目投资|生产性投资", "project.investment", "项目投资"),
    (r"(?:主营业务|营业|销售)收入", "revenue", "营业收入"),
]
#: Money nouns a percent base must contain (else the rate is not a benefit).
_MONEY_NOUN_RE = re.compile(r"(投资|费用|收入|利息|交易额|成交额|金额|投入|资金|年薪|工资|保费|销售额|价款|支出|费|所得额|价值|拨款)")
_BAD_BASE_RE = re.compile(r"(费率|税率|利率|征收率|占|达到|比例|不低于|低于|高于|降至|降到|最高|LPR|承担|增长|不得)")
_RATE_ANCHOR_RE = re.compile(r"(按照|按|给予|补助|补贴|不超过)")

#: per unit → (quantity attribute, label). ``None`` attribute: decided by context.
UNIT_QUANTITIES: dict[str, tuple[str | None, str]] = {
    "亩": ("project.area_mu", "面积（亩）"),
    "头": ("project.head_count", "头数"),
    "只": ("project.head_count", "只数"),
    "峰": ("project.head_count", "峰数"),
    "匹": ("project.head_count", "匹数"),
    "羽": ("project.head_count", "羽数"),
    "吨标准煤": ("project.energy_saving_tce", "年节能量（吨标准煤）"),
    "标准煤": ("project.energy_saving_tce", "年节能量（吨标准煤）"),
    "吨": (None, "吨数"),
    "人": (None, "人数"),
    "名": (None, "人数"),
    "户": ("__one__", "户"),
    "平方米": (None, "面积（平方米）"),
    "㎡": (None, "面积（平方米）"),
}
_ITEM_UNITS = ("个", "家", "项", "件", "张", "枚", "支", "单", "车", "辆", "台", "套", "座", "所", "床", "位", "株", "次", "批", "间")
#: Words showing that a 每头/每只 amount counts the firm's herd or flock (养殖规模).
_HERD_RE = re.compile(r"(存栏|出栏|养殖|饲养|购买|购进|引进|进口|补栏|能繁|见犊|犊牛|交售|测定|检测|保险|冻精|胚胎|育肥|幼鸟|种鸵鸟|屠宰)")

#: "每个X" where X is the applicant itself: paid once per applicant.
_APPLICANT_RE = re.compile(r"^(?:主体|企业|家庭农牧场|合作社|项目|单位|旗县|示范旗县|旗区|园区|试点|基地|平台|机构|"
                           r"养殖场|集群|数量（家）|数量（个）|数量（所）|数量（座）)")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = r"(\d+|[一二两三四五六七八九十])"

# ------------------------------------------------------------- helpers --


def _int(s: str) -> int:
    return int(s) if s.isdigit() else _CN_DIGITS.get(s, 1)


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of sentences split at 。；\\n！？ (delimiters excluded)."""
    out, start = [], 0
    for m in _SENT_SPLIT_RE.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


_PARA_SPLIT_RE = re.compile(r"[。\n！？!?]")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of paragraphs split at 。\n！？ only (a step table's
    steps are often separated by ；)."""
    out, start = [], 0
    for m in _PARA_SPLIT_RE.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _seg_start(text: str, pos: int, floor: int = 0) -> int:
    i = pos - 1
    while i >= floor and text[i] not in _SOFT_SPLIT:
        i -= 1
    return i + 1


def _benefit_text(clause: Mapping) -> str:
    fields = clause.get("fields") or {}
    for key in ("政策标准", "补贴标准", "奖励标准", "优惠标准", "税收优惠", "优惠内容"):
        v = fields.get(key) if isinstance(fields, Mapping) else None
        if isinstance(v, str) and v.strip():
            return v
    return str(clause.get("text") or "")


def _is_clause_text(raw: str, text: str, clause: Mapping) -> bool:
    """Whether ``text`` (``raw`` made half-width) is the clause text made
    half-width — the clause's stored amounts then belong to it. The same
    string needs no second conversion, and one of another length cannot
    become it (:func:`~huiqi.extract.numbers.to_halfwidth` keeps lengths)."""
    full = str(clause.get("text") or "")
    if raw == full:
        return True
    return len(raw) == len(full) and text == to_halfwidth(full)


def _amounts(text: str, given: Any) -> list[dict]:
    """Amounts of ``text`` with spans: the clause's KB amounts located in the
    text in order; when some cannot be located (the KB amounts belong to the
    whole clause, the text is one field) the text is re-read with
    :func:`huiqi.extract.money.extract_amounts` (the same extractor)."""
    out: list[dict] = []
    pos = 0
    ok = bool(given)
    for a in given or []:
        d = a if isinstance(a, Mapping) else getattr(a, "__dict__", {})
        t = str(d.get("text") or "")
        i = text.find(t, pos) if t else -1
        if i < 0:
            ok = False
            break
        out.append({"value": d.get("value_yuan"), "role": d.get("role"), "text": t, "per": d.get("per"),
                    "start": i, "end": i + len(t)})
        pos = i + len(t)
    if ok:
        return out
    return [{"value": a.value_yuan, "role": a.role, "text": a.text, "per": a.per, "start": a.start, "end": a.end}
            for a in extract_amounts(text)]


#: Amounts that are prices, insured sums or payments by the firm, not grants.
_NOT_GRANT_AMOUNT_RE = re.compile(r"(保额|保险金额|保费|缴纳|价格|售价|收费|年薪|薪酬|工资)[^，。；、]{0,6}$")
#: An amount the firm pays (…元缴纳, …元的保险费): not a grant.
_PAID_AFTER_RE = re.compile(r"\s*(?:缴纳|缴费|的?保险费|的?保费)")
#: An amount naming a fund being set up (设立不低于30亿元的科技创新基金): not a benefit.
_FUND_AFTER_RE = re.compile(r"\s*(?:以上)?的?[\u4e00-\u9fff]{0,10}(?:基金|资金池)")


def _is_breakdown(text: str, s: int, a: dict) -> bool:
    """True for the parts of an amount already counted: 每吨50元（自治区补贴30元、
    盟市补贴20元）, 每头补贴5000元，其中，自治区财政补贴3000元."""
    left = text[s : a["start"]]
    i = max(left.rfind("（"), left.rfind("("))
    if i >= 0 and ")" not in left[i:] and "）" not in left[i:] and re.search(r"元\s*$", left[:i]):
        return True
    piece = left[max(0, len(left) - 40):]
    if not re.search(r"其中[^。；]*$", piece):
        return False
    return "元" in left.rsplit("其中", 1)[0]


_PER_SPLIT_RE = re.compile(r"[·/]")


def _per_units(per: str | None, amount_text: str) -> list[str]:
    """Units of a ``per`` string (``人·年`` → [人, 年]); ``/亩`` in the amount
    text counts too."""
    units: list[str] = []
    for src in (per or "", amount_text.split("/", 1)[1] if "/" in amount_text else ""):
        for u in _PER_SPLIT_RE.split(src):
            u = u.strip()
            if u and u not in units:
                units.append(u)
    return units


_YEARS_RES = tuple(re.compile(p) for p in (rf"连续{_NUM}年", rf"{_NUM}年(?:（\d+个月）)?内", rf"最长(?:补贴|支持|奖励)?{_NUM}年",
                                             rf"支持最多不超过{_NUM}年"))


def _years_in(sent: str) -> int | None:
    """Years of a multi-year payout named in a sentence (连续5年 / 5年内 /
    最长补贴5年 / 三年内每年 / 3年（36个月）内), else ``None``."""
    if "年" not in sent:
        return None  # every pattern holds 年
    for rx in _YEARS_RES:
        m = rx.search(sent)
        if m:
            return _int(m.group(1))
    return None


def _fact_key(name: str) -> str:
    return "facts." + re.sub(r"\s+", "", name)


def _base_attr(noun: str) -> tuple[str, str]:
    """A percent base noun → (attribute, Chinese label)."""
    for rx, attr, label in BASE_ATTRIBUTES:
        if re.search(rx, noun):
            return attr, label
    name = re.sub(r"^(?:其|该|本|用人单位)", "", noun)
    name = re.sub(r"(?:上一?年度|当年度?|实际)", "", name) or noun
    return _fact_key(name), name


def _caps_after(amounts: list[dict], start: int, end: int, stop: int | None = None) -> tuple[float | None, float | None, float | None, str]:
    """(cap, annual_cap, per_item_cap, cap_text) from the first cap amount in
    [start, stop or end)."""
    for a in amounts:
        if a["start"] < start or a["start"] >= (stop if stop is not None else end) or a["value"] is None:
            continue
        if a["role"] != "cap":
            continue
        units = _per_units(a["per"], a["text"])
        if "年" in units:
            return None, a["value"], None, a["text"]
        if units:
            # 每亩补贴不超过1万元 / 每人不超过5万元: a cap per unit of the quantity
            return None, None, a["value"], a["text"]
        return a["value"], None, None, a["text"]
    return None, None, None, ""


# ---------------------------------------------------------- components --


_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*%")
#: What a match of :data:`_PERCENT_RE` or :data:`_TIER_COND_RE` starts with
#: (a digit), for :func:`~huiqi.extract.numbers.finditer_from`.
_DIGIT_RE = re.compile(r"\d")


def _percent_components(text: str, s: int, e: int, amounts: list[dict]) -> list[BenefitSpec]:
    sent = text[s:e]
    out: list[BenefitSpec] = []
    matches = list(finditer_from(_PERCENT_RE, _DIGIT_RE, sent)) if "%" in sent else []
    for k, m in enumerate(matches):
        seg0 = _seg_start(sent, m.start())
        left = sent[seg0 : m.start()]
        anchors = list(_RATE_ANCHOR_RE.finditer(left))
        if not anchors:
            continue
        upto = False
        last = anchors[-1]
        if re.search(r"(不低于|不少于|低于|高于|达到|超过|占|比重|比例)\s*$", left[: last.start()]):
            continue  # 比重不低于补助资金的30%: a condition
        noun = left[last.end():].strip()
        if last.group(1) == "不超过":
            upto = True
            if not noun.rstrip("的") and len(anchors) > 1:
                noun = left[anchors[-2].end():].strip()  # 给予…总投入不超过30%
            elif not re.search(r"(按照|按|给予|额度|金额|资金|奖补|补贴|补助|奖励)$", left[: last.start()]):
                continue  # 融资成本最高不超过8%: a rate limit, not a benefit
        noun = noun.strip()
        if noun.endswith("不超过"):
            noun, upto = noun[: -len("不超过")], True
        noun = noun.rstrip("的").strip()
        if noun.startswith("不超过"):
            noun, upto = noun[len("不超过"):], True
        if not noun or len(noun) > 40 or _BAD_BASE_RE.search(noun) or not _MONEY_NOUN_RE.search(noun):
            continue
        if "超额累进" in sent:
            continue
        after = sent[m.end() : m.end() + 16]
        if re.match(r"\s*(?:以上|以下|的利率|的税率)", after):
            continue
        rate = float(m.group(1)) / 100
        attr, label = _base_attr(noun)
        nxt = s + matches[k + 1].start() if k + 1 < len(matches) else e
        cap, annual, per_item, cap_text = _caps_after(amounts, s + m.end(), e, nxt if nxt > s + m.end() else e)
        if cap is None and annual is None:
            # cap written before the rate in the same piece: 给予最高500万元…的10%
            cap, annual, per_item, cap_text = _caps_after(amounts, s + seg0, s + m.start())
        years = _years_in(sent) or 1
        spec = BenefitSpec("percent", rate=rate, base=attr, cap_yuan=cap, annual_cap_yuan=annual,
                           per_item_cap_yuan=per_item, years=years, source_text=sent.strip(),
                           formula=f"{label} × {pct(rate)}" + ("（不超过）" if upto else "")
                           + (f"，上限 {cap_text}" if cap_text else ""))
        if upto:
            spec.min_yuan = 0.0
        out.append(spec)
    return out


def _quantity_for(unit: str, text: str, sent: str, pos_in_sent: int) -> tuple[str | None, str]:
    """Quantity attribute and label for a per-unit amount."""
    if unit in _ITEM_UNITS:
        m = None
        for m in re.finditer(rf"每(?:\d+|一)?{unit}([\u4e00-\u9fff]{{1,6}}?)(?=给予|补贴|补助|奖励|奖补|一次性|按|标准|，|,|$)",
                             sent[:pos_in_sent]):
            pass
        noun = m.group(1) if m else ""
        noun = re.sub(r"(给予|补贴|补助|奖励|奖补|一次性)+$", "", noun)
        noun = re.sub(r"(分别|择优|合计|不超过|最高|一次性|给予)", "", noun)
        if not noun:
            return _fact_key(f"数量（{unit}）"), f"数量（{unit}）"
        return _fact_key(f"{noun}数量"), f"{noun}数量"
    attr, label = UNIT_QUANTITIES.get(unit, (None, f"数量（{unit}）"))
    if attr == "project.head_count" and not _HERD_RE.search(sent):
        # 培育出排名进入前50名的种公牛每头奖励100万元: not the size of a herd
        name = f"符合条件的{unit}数"
        return _fact_key(name), name
    if attr is not None:
        return attr, label
    left = sent[:pos_in_sent]
    if unit == "吨":
        if re.search(r"每(?:节约|节)?\s*1?\s*吨水|节水", left[-20:]):
            return "project.water_saving_t", "年节水量（吨）"
        m = None
        for m in re.finditer(r"每(?:新?增加|新增|节约|综合利用|收购|加工)?\s*1?\s*吨", left):
            pass
        verb = ""
        if m:
            verb = re.sub(r"[每\s1吨]", "", m.group(0))
        name = f"{verb}量（吨）" if verb else "数量（吨）"
        return _fact_key(name), name
    if unit in ("人", "名"):
        scope = sent if HIRE_RE.search(sent) else (text if HIRE_RE.search(text) and len(_sentences(text)) <= 3 else sent)
        if HIRE_RE.search(scope):
            # the same fact names as the condition extractor (huiqi.rules.vocab.HIRE_GROUPS)
            for rx, name in HIRE_GROUPS:
                if rx.search(scope):
                    return _fact_key(name), name
        if HIRE_RE.search(scope):
            return _fact_key("招用人数"), "招用人数"
        people = None
        for people in re.finditer(r"([\u4e00-\u9fff]{0,8}(?:人才|人员|学生|毕业生|博士|硕士|专家|员工|职工|青年))", left):
            pass
        if people:
            noun = re.split(r"[的或和及与为在将]", people.group(1))[-1]
            noun = re.sub(r"^(?:择优|接收|引进|选派|全职|柔性|给予|对(?!口))+", "", noun)
            if len(noun) >= 2:
                return _fact_key(f"{noun}人数"), f"{noun}人数"
        return _fact_key("人数"), "人数"
    if unit in ("平方米", "㎡"):
        name = "建筑面积（平方米）" if "建筑面积" in sent else "面积（平方米）"
        return _fact_key(name), name
    return None, label


def _per_unit_component(text: str, s: int, e: int, a: dict, amounts: list[dict]) -> BenefitSpec | None:
    sent = text[s:e]
    units = _per_units(a["per"], a["text"])
    if not units or a["value"] is None:
        return None
    if _POOL_RE.search(text[max(s, a["start"] - 20) : a["start"]]):
        return None
    money_step = re.match(r"^(\d+(?:\.\d+)?)(万|亿)?元$", units[0]) if len(units) == 1 else None
    if money_step:
        # 销售额较上一年每新增100万元奖励2万元，最高不超过30万元: whole steps of a money increase
        step = float(money_step.group(1)) * _SCALE[money_step.group(2)]
        left = sent[: a["start"] - s]
        nm = None
        for nm in re.finditer(r"([\u4e00-\u9fff]{2,8}?)(?:较上一?年度?)?每(?:新增|增加|增长)", left):
            pass
        noun = re.sub(r"^(?:的|企业|其|年|对|且)+", "", nm.group(1)) if nm else "金额"
        name = f"{noun}新增额"
        cap, annual_cap, _, cap_text = _caps_after(amounts, a["end"], e)
        top = cap if cap is not None else annual_cap
        n_steps = MAX_INCREMENT_STEPS if top is None else max(1, int(top // a["value"]))
        tiers = [{"min": k * step, "max": (k + 1) * step,
                  "amount_yuan": min(top, k * a["value"]) if top is not None else k * a["value"]}
                 for k in range(n_steps + 1)]
        tiers[-1]["max"] = None
        return BenefitSpec("tiers", base=_fact_key(name), tiers=tiers, source_text=sent.strip(),
                           formula=f"{name}每{fmt_yuan(step)} {fmt_yuan(a['value'])}"
                           + (f"，上限 {cap_text}" if cap_text else f"（列出{MAX_INCREMENT_STEPS}档）"))
    if any(re.match(r"\d", u) for u in units):
        return None  # 每增加500头再补贴100万元: handled by _increment_component
    annual = "年" in units
    monthly = "月" in units
    core = [u for u in units if u not in ("年", "月")]
    pos = a["start"] - s
    if not core:
        # 按每人2000元/月: the 每… unit stands before the amount
        m = re.search(r"每(?:1|一)?(人|名|户|头|只|亩)[^，；。]{0,4}$", sent[_seg_start(sent, pos):pos])
        if m:
            core = [m.group(1)]
    years = _years_in(sent)
    if not core:
        if monthly:
            return BenefitSpec("text", source_text=sent.strip(),
                               formula=f"按月发放 {a['text']}，月数未定，无法计算总额")
        if a["role"] == "cap":
            # 每年不超过200万元贴息 / 每年最高奖补500万元: 0..cap per year
            if re.search(r"(贴息|利息)", sent):
                return BenefitSpec("text", annual_cap_yuan=a["value"], years=years or 1, source_text=sent.strip(),
                                   formula=f"贴息金额取决于贷款额与利率，每年最高{fmt_yuan(a['value'])}")
            return BenefitSpec("fixed", min_yuan=0.0, max_yuan=a["value"], years=years or 1, source_text=sent.strip(),
                               formula=f"每年最高{fmt_yuan(a['value'])}")
        # 每年给予1000万元: a fixed amount per year
        return BenefitSpec("fixed", amount_yuan=a["value"], years=years or 1, source_text=sent.strip(),
                           formula=f"每年 {fmt_yuan(a['value'])}" + (f" × {years}年" if years else ""))
    if len(core) == 2:
        # 按照每头奶牛5.5吨、每吨50元: 5.5 × 50 = 275元 per head
        m = re.search(rf"每{core[0]}[^，、。；\d]{{0,6}}(\d+(?:\.\d+)?){core[1]}", sent)
        if m:
            a = dict(a, value=a["value"] * float(m.group(1)), per=core[0],
                     text=f"{m.group(1)}{core[1]}×{fmt_yuan(a['value'])}")
            units, core = [core[0]], [core[0]]
    if len(core) > 1:
        return BenefitSpec("text", source_text=sent.strip(),
                           formula=f"按 {a['text']}（{'·'.join(core)}）的复合单位计算，需人工核定")
    unit = core[0]
    if unit.endswith("万元") or unit.endswith("元"):
        return None
    attr, label = _quantity_for(unit, text, sent, pos)
    if attr is None:
        return None
    if unit in _ITEM_UNITS and (a["role"] == "tier" or _APPLICANT_RE.search(label)):
        # 每个主体给予30万元 / 每个示范旗县奖励1000万元: per applicant, i.e. once
        upto = a["role"] == "cap"
        return BenefitSpec("fixed", amount_yuan=None if upto else a["value"], min_yuan=0.0 if upto else None,
                           max_yuan=a["value"] if upto else None, years=years or 1, source_text=sent.strip(),
                           formula=f"每{unit}{'最高' if upto else ''}{fmt_yuan(a['value'])}")
    upto = a["role"] == "cap"
    rest_start = a["end"]
    cap, annual_cap, per_item, cap_text = _caps_after(amounts, rest_start, e)
    months: int | None = None
    unit_yuan = a["value"]
    if unit in ("人", "名") and (annual or monthly):
        if monthly:
            m = re.search(rf"(?:最长|最多)(?:补贴|发放)?{_NUM}个月", sent)
            months = _int(m.group(1)) if m else 1
            unit_yuan = a["value"] * 12
        else:
            m = re.search(r"(\d+)个月", sent)
            months = int(m.group(1)) if m else ((years or 1) * 12)
            years = None
    elif annual and years is None:
        years = 1
    if attr == "__one__":
        # 每户每年24000元为限额: the applicant itself is the one 户
        spec = BenefitSpec("fixed", min_yuan=0.0 if upto or "限额" in sent else a["value"],
                           max_yuan=a["value"], years=(years or 1), source_text=sent.strip(),
                           formula=f"每户每年 {fmt_yuan(a['value'])}" + ("（限额）" if "限额" in sent else ""))
        m = re.search(r"(\d+)个月", sent)
        if m:
            spec.years = max(1, int(m.group(1)) // 12)
        return spec
    per_txt = "每" + unit + ("每年" if annual and unit not in ("人", "名") else "")
    if unit in ("人", "名"):
        per_txt = "每人" + ("每年" if annual else "每月" if monthly else "")
    spec = BenefitSpec("per_unit", unit_yuan=unit_yuan, quantity=attr, months=months, cap_yuan=cap,
                       annual_cap_yuan=annual_cap, per_item_cap_yuan=per_item, years=years or 1,
                       source_text=sent.strip(),
                       formula=f"{label} × {per_txt}{fmt_yuan(a['value'])}" + ("（不超过）" if upto else "")
                       + (f"，上限 {cap_text}" if cap_text else ""))
    if upto:
        spec.min_yuan = 0.0
    return spec


_TIER_COND_RE = re.compile(
    r"(?P<lo>\d+(?:\.\d+)?)\s*(?P<lo_scale>万|亿|千)?\s*(?P<lo_unit>元|亩|头|只|吨标准煤|吨|人|平方米|户)?\s*"
    r"(?:(?:—|–|－|-|~|～|至)\s*(?P<hi>\d+(?:\.\d+)?)\s*(?P<hi_scale>万|亿|千)?\s*(?P<hi_unit>元|亩|头|只|吨标准煤|吨|人|平方米|户)?"
    r"|(?:（含[^）]{0,10}）)?\s*(?P<dir>及以上|以上|（含）以上|以下|（含）以下|及以下))"
)
_SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, None: 1.0, "": 1.0}


def _tier_attr(cond: str, unit: str | None) -> tuple[str, str]:
    if unit == "元" or unit is None:
        for rx, attr, label in BASE_ATTRIBUTES:
            if re.search(rx, cond):
                return attr, label
        if re.search(r"投资", cond):
            return "project.investment", "项目投资"
    if unit == "吨标准煤":
        return "project.energy_saving_tce", "年节能量（吨标准煤）"
    m = re.search(r"([\u4e00-\u9fff]+)\s*$", cond)
    run = re.sub(r"(?:达到|在|超过|为|达)+$", "", m.group(1)) if m else ""
    noun = re.sub(r"^[且并对和或及的其]+", "", run[-6:]) or "数量"
    name = f"{noun}（{unit}）" if unit and unit != "元" else noun
    return _fact_key(name), name


def _tier_component(text: str, s: int, e: int, amounts: list[dict]) -> tuple[BenefitSpec, list[int]] | None:
    """Step tiers: ≥2 benefit amounts each preceded (since the previous
    amount) by a numeric condition of the same unit."""
    cands = [(i, a) for i, a in enumerate(amounts) if s <= a["start"] < e and a["role"] in ("tier", "fixed")
             and a["value"] is not None and not _per_units(a["per"], a["text"])]
    tiers = []
    idx: list[int] = []
    prev_end = s
    attr_label = None
    for i, a in cands:
        left = text[prev_end : a["start"]]
        conds = [m for m in finditer_from(_TIER_COND_RE, _DIGIT_RE, left) if m.group("hi") or m.group("dir")]
        prev_end = a["end"]
        if not conds:
            continue
        m = conds[-1]
        unit = m.group("lo_unit") or m.group("hi_unit")
        lo = float(m.group("lo")) * _SCALE[m.group("lo_scale") or m.group("hi_scale")]
        hi = None
        if m.group("hi"):
            hi = float(m.group("hi")) * _SCALE[m.group("hi_scale") or m.group("lo_scale")]
        if m.group("dir") and "下" in m.group("dir"):
            lo, hi = 0.0, lo
        al = _tier_attr(left[: m.start()], unit)
        if attr_label is None:
            attr_label = al
        elif al[0] != attr_label[0]:
            continue
        tiers.append({"min": lo, "max": hi, "amount_yuan": a["value"]})
        idx.append(i)
    if len(tiers) < 2 or attr_label is None:
        return None
    tiers.sort(key=lambda t: t["min"])
    for i, t in enumerate(tiers[:-1]):
        if t["max"] is None:
            t["max"] = tiers[i + 1]["min"]
    desc = "；".join(f"{fmt_tier_bound(t['min'], attr_label[0])}起 {fmt_yuan(t['amount_yuan'])}" for t in tiers)
    return BenefitSpec("tiers", base=attr_label[0], tiers=tiers, source_text=text[s:e].strip(),
                       formula=f"按{attr_label[1]}分档：{desc}"), idx


_BRACKET_RE = re.compile(
    r"(?P<lo>\d+(?:\.\d+)?)\s*(?P<lo_scale>万|亿)?元?\s*"
    r"(?:(?:至|—|–|-|～|~)\s*(?P<hi>\d+(?:\.\d+)?)\s*(?P<hi_scale>万|亿)?元?(?:（含[^）]*）)?|(?P<dir>以下|以上)(?:（含[^）]*）)?)"
    r"[^，；。%]{0,10}?按(?:超额累进)?\s*(?P<rate>\d+(?:\.\d+)?)\s*%"
)


#: Steps listed for an uncapped increment rule (每增加500头再补贴100万元).
MAX_INCREMENT_STEPS = 50


_HEAD_STEP_RE = re.compile(r"^(\d+(?:\.\d+)?)(万)?(头|只|亩|峰|匹)$")


def _increment_component(text: str, s: int, e: int, amounts: list[dict]) -> tuple[BenefitSpec, list[int]] | None:
    """Base amount plus increments (奶牛存栏达到3000头补贴600万元，每增加500头再补贴
    100万元[，最高不超过1000万元]) as step tiers over the quantity: one tier per
    increment up to the cap, or :data:`MAX_INCREMENT_STEPS` steps without a cap."""
    for j, inc in enumerate(amounts):
        if not (s <= inc["start"] < e) or inc["value"] is None:
            continue
        m = _HEAD_STEP_RE.match(str(inc["per"] or ""))
        if not m:
            continue
        step = float(m.group(1)) * (1e4 if m.group(2) else 1.0)
        unit = m.group(3)
        base_i = next((i for i in range(j - 1, -1, -1) if s <= amounts[i]["start"] < e
                       and amounts[i]["role"] in ("fixed", "tier", "per_unit") and amounts[i]["value"] is not None
                       and not re.match(r"^\d", str(amounts[i]["per"] or ""))), None)
        if base_i is None:
            continue
        base = amounts[base_i]
        gap = text[base["end"] : inc["start"]]
        if "或" in gap or len(gap) > 30:
            continue
        left = text[s : base["start"]]
        th = None
        for th in re.finditer(rf"(\d+(?:\.\d+)?)\s*(万)?\s*{unit}", left):
            pass
        n0 = float(th.group(1)) * (1e4 if th.group(2) else 1.0) if th else 0.0
        cap_i = next((i for i in range(j + 1, len(amounts)) if s <= amounts[i]["start"] < e
                      and amounts[i]["role"] == "cap" and amounts[i]["value"] is not None), None)
        cap = amounts[cap_i]["value"] if cap_i is not None else None
        a0, da = float(base["value"]), float(inc["value"])
        n_steps = MAX_INCREMENT_STEPS if cap is None or da <= 0 else max(0, int((cap - a0) // da))
        tiers = []
        for k in range(n_steps + 1):
            amount = a0 + k * da if cap is None else min(cap, a0 + k * da)
            tiers.append({"min": n0 + k * step, "max": n0 + (k + 1) * step, "amount_yuan": amount})
        tiers[-1]["max"] = None
        if unit in ("头", "只", "峰", "匹"):
            attr = "project.head_count" if _HERD_RE.search(text[s:e]) else _fact_key(f"符合条件的{unit}数")
        else:
            attr = "project.area_mu"
        used = [base_i, j] + ([cap_i] if cap_i is not None else [])
        spec = BenefitSpec("tiers", base=attr, tiers=tiers, source_text=text[s:e].strip(),
                           formula=f"{n0:g}{unit}起 {fmt_yuan(a0)}，每增加{step:g}{unit}再加 {fmt_yuan(da)}"
                           + (f"，最高 {fmt_yuan(cap)}" if cap is not None else
                              f"（列出{MAX_INCREMENT_STEPS}档，更多档次需人工核定）"))
        return spec, used
    return None


def _progressive_component(text: str, s: int, e: int, amounts: list[dict]) -> BenefitSpec | None:
    sent = text[s:e]
    if "超额累进" not in sent and "的部分" not in sent:
        return None
    brackets = []
    first = None
    for m in _BRACKET_RE.finditer(sent):
        lo = float(m.group("lo")) * _SCALE[m.group("lo_scale") or m.group("hi_scale")]
        rate = float(m.group("rate")) / 100
        if m.group("hi"):
            hi = float(m.group("hi")) * _SCALE[m.group("hi_scale") or m.group("lo_scale")]
        elif m.group("dir") == "以下":
            lo, hi = 0.0, lo
        else:
            hi = None
        brackets.append({"min": lo, "max": hi, "rate": rate})
        if first is None:
            first = m
    if len(brackets) < 2 or first is None:
        return None
    brackets.sort(key=lambda b: b["min"])
    noun_m = re.search(r"([\u4e00-\u9fff]{2,10}?)(?:在|为)?\s*$", sent[: first.start()])
    noun = noun_m.group(1) if noun_m else "基数"
    attr, label = _base_attr(noun)
    cap, annual, per_item, cap_text = _caps_after(amounts, s + first.end(), e)
    desc = "；".join(
        f"{fmt_tier_bound(b['min'], attr)}–{fmt_tier_bound(b['max'], attr) if b['max'] is not None else '以上'} 部分按{pct(b['rate'])}"
        for b in brackets)
    head = sent.split("：", 1)[0] if "：" in sent[:16] else ""
    return BenefitSpec("progressive", base=attr, tiers=brackets, cap_yuan=cap, annual_cap_yuan=annual,
                       source_text=sent.strip(),
                       formula=(f"【{head.strip()}】" if head else "") + f"{label}超额累进：{desc}"
                       + (f"，上限 {cap_text}" if cap_text else ""))


_CIT_PART_RE = re.compile(r"减按\s*(\d+(?:\.\d+)?)%\s*计入应纳税所得额[^。；]{0,20}?按\s*(\d+(?:\.\d+)?)%\s*的?税率")
_CIT_RATE_RE = re.compile(r"减按\s*(\d+(?:\.\d+)?)%\s*的税率征收企业所得税")


def _tax_components(text: str, sentences: list[tuple[int, int]] | None = None) -> list[BenefitSpec]:
    """Tax reductions whose every number is in the text (see module
    docstring); ``sentences``: :func:`_sentences` of ``text`` when known."""
    out: list[BenefitSpec] = []
    if "减按" not in text and "免征增值税" not in text:
        return out  # both rate patterns open with 减按
    for s, e in sentences if sentences is not None else _sentences(text):
        sent = text[s:e]
        m = _CIT_PART_RE.search(sent)
        if m:
            eff = float(m.group(1)) / 100 * float(m.group(2)) / 100
            out.append(BenefitSpec("percent", rate=round(STATUTORY_CIT_RATE - eff, 6), base="taxable_income",
                                   source_text=sent.strip(),
                                   formula=f"应纳税所得额 × (法定税率25% − {m.group(1)}% × {m.group(2)}% = 实际税负{pct(eff)})"))
            continue
        m = _CIT_RATE_RE.search(sent)
        if m:
            r = float(m.group(1)) / 100
            if r < STATUTORY_CIT_RATE:
                out.append(BenefitSpec("percent", rate=round(STATUTORY_CIT_RATE - r, 6), base="taxable_income",
                                       source_text=sent.strip(),
                                       formula=f"应纳税所得额 × (法定税率25% − 优惠税率{pct(r)})"))
            continue
        if "免征增值税" in sent:
            th = re.search(r"月销售额\s*(\d+(?:\.\d+)?)\s*万元以下", sent)
            full = re.search(r"适用\s*(\d+(?:\.\d+)?)%\s*征收率", sent)
            red = re.search(r"减按\s*(\d+(?:\.\d+)?)%\s*征收", sent)
            if th and full and red:
                limit = float(th.group(1)) * 1e4
                r_full, r_red = float(full.group(1)) / 100, float(red.group(1)) / 100
                out.append(BenefitSpec(
                    "tiers", base="monthly_sales", months=12, source_text=sent.strip(),
                    tiers=[{"min": 0.0, "max": limit, "rate": r_full, "upper_inclusive": True},
                           {"min": limit, "max": None, "rate": round(r_full - r_red, 6)}],
                    formula=f"月销售额 × 12个月 × {pct(r_full)}（月销售额{fmt_yuan(limit)}以下免征）或 × "
                            f"({pct(r_full)} − {pct(r_red)})（减按{pct(r_red)}征收）"))
    return out


def extract_benefits(clause: Mapping) -> list[BenefitSpec]:
    """Every benefit component of a clause, in text order (see the module
    docstring for what is recognised). Each component's ``source_text``
    quotes its sentence. Never raises on odd input; returns ``[]`` when the
    clause gives nothing computable or textual."""
    if not isinstance(clause, Mapping):
        return []
    raw = _benefit_text(clause)
    text = to_halfwidth(raw)
    if not text.strip():
        return []
    # a paragraph or sentence holds a benefit verb only if the text does (no verb spans a delimiter);
    # the amounts are read only by the components of such sentences
    gives = _GIVE_RE.search(text) is not None
    amounts = _amounts(text, clause.get("amounts") if _is_clause_text(raw, text, clause) else None) if gives else []
    comps: list[tuple[int, BenefitSpec]] = []
    sentences = _sentences(text)
    tax = _tax_components(text, sentences)
    for spec in tax:
        comps.append((text.find(spec.source_text), spec))
    used: set[int] = set()
    for s, e in _paragraphs(text) if gives else ():
        if not _GIVE_RE.search(text[s:e]):
            continue
        found = _tier_component(text, s, e, amounts)
        if found is not None:
            comps.append((amounts[found[1][0]]["start"], found[0]))
            used.update(found[1])
    for s, e in sentences if gives else ():
        sent = text[s:e]
        if not _GIVE_RE.search(sent):
            continue
        if any(sp.source_text == sent.strip() for _, sp in comps):
            continue
        prog = _progressive_component(text, s, e, amounts)
        if prog is not None:
            comps.append((s, prog))
            continue
        inc = _increment_component(text, s, e, amounts)
        if inc is not None and not used.intersection(inc[1]):
            comps.append((amounts[inc[1][0]]["start"], inc[0]))
            used.update(inc[1])
        for spec in _percent_components(text, s, e, amounts):
            comps.append((s, spec))
            if spec.cap_yuan is not None or spec.annual_cap_yuan is not None:
                for i, a in enumerate(amounts):
                    if a["role"] == "cap" and a["value"] in (spec.cap_yuan, spec.annual_cap_yuan) and s <= a["start"] < e:
                        used.add(i)
                        break
        for i, a in enumerate(amounts):
            if not (s <= a["start"] < e) or i in used or a["value"] is None:
                continue
            if _LOAN_RE.search(text[max(s, a["start"] - 14) : a["start"]]):
                continue
            if _is_breakdown(text, s, a) or _FUND_AFTER_RE.match(text, a["end"]):
                continue
            if _NOT_GRANT_AMOUNT_RE.search(text[max(s, a["start"] - 12) : a["start"]]) or _PAID_AFTER_RE.match(
                    text[a["end"] : a["end"] + 6]):
                continue
            units = _per_units(a["per"], a["text"])
            role = a["role"]
            if role in ("per_unit",) or (units and role in ("cap", "fixed", "tier", "floor")):
                spec = _per_unit_component(text, s, e, a, amounts)
                if spec is not None:
                    comps.append((a["start"], spec))
                    caps = {spec.cap_yuan, spec.annual_cap_yuan}
                    if spec.kind == "tiers" and spec.tiers:
                        caps.add(spec.tiers[-1].get("amount_yuan"))
                    cap_i = next((j for j, b in enumerate(amounts) if j > i and b["role"] == "cap" and s <= b["start"] < e
                                  and b["value"] in caps), None)
                    if cap_i is not None:
                        used.add(cap_i)
                continue
            if role in ("fixed", "tier"):
                years = _years_in(sent)
                comps.append((a["start"], BenefitSpec("fixed", amount_yuan=a["value"], source_text=sent.strip(),
                                                      years=1, formula=f"{fmt_yuan(a['value'])}"
                                                      + (f"（{years}年内分期，合计）" if years and "共" in sent else ""))))
            elif role in ("range_min", "range_max"):
                if role == "range_max":
                    lo = next((b for b in reversed(amounts[:i]) if b["role"] == "range_min"), None)
                    lo_v = lo["value"] if lo else 0.0
                    comps.append((a["start"], BenefitSpec("fixed", min_yuan=lo_v, max_yuan=a["value"], source_text=sent.strip(),
                                                          formula=f"{fmt_yuan(lo_v)}至{fmt_yuan(a['value'])}")))
            elif role == "floor" and not re.search(r"(不低于|不少于|最低|至少)\s*$", text[max(s, a["start"] - 6) : a["start"]]):
                comps.append((a["start"], BenefitSpec("fixed", amount_yuan=a["value"], source_text=sent.strip(),
                                                      formula=fmt_yuan(a["value"]))))
            elif role == "floor":
                comps.append((a["start"], BenefitSpec("fixed", min_yuan=a["value"], max_yuan=a["value"], source_text=sent.strip(),
                                                      formula=f"不低于{fmt_yuan(a['value'])}（按下限计）")))
            elif role == "cap":
                pre = text[max(s, a["start"] - 20) : a["start"]]
                if _POOL_RE.search(pre):
                    continue  # 全盟每年最高200万元: a budget for everyone, not one firm's cap
                if re.search(r"(贴息|利息)", sent) and not re.search(r"\d%", pre):
                    comps.append((a["start"], BenefitSpec("text", cap_yuan=a["value"], source_text=sent.strip(),
                                                          annual_cap_yuan=None,
                                                          formula=f"贴息金额取决于贷款额与利率，最高{fmt_yuan(a['value'])}"
                                                          + ("（每年）" if "每年" in pre else ""))))
                else:
                    comps.append((a["start"], BenefitSpec("fixed", min_yuan=0.0, max_yuan=a["value"], source_text=sent.strip(),
                                                          formula=f"最高{fmt_yuan(a['value'])}")))
    comps.sort(key=lambda c: c[0])
    out = [c[1] for c in comps]
    if not out and _may_state_text_benefit(text) and _TEXT_BENEFIT_RE.search(text):  # none in the text: none in a sentence
        for s, e in sentences:
            sent = text[s:e]
            m = _TEXT_BENEFIT_RE.search(sent)
            if m and not _NOT_A_GRANT_RE.search(sent):
                phrase = re.split(r"[，,。；（(]", sent[m.start():])[0][:24]
                what = "贷款" if ("贴息" in sent or "低息" in sent) else "应纳税额" if "税" in sent else "费用"
                out.append(BenefitSpec("text", source_text=sent.strip()[:300],
                                       formula=f"“{phrase}”：金额取决于企业的{what}，条款未给出可计算的全部数字"))
                break
    return out


def extract_benefit(clause: Mapping) -> BenefitSpec | None:
    """The benefit (享受标准) of one clause, all money in yuan, or ``None``
    when the clause gives no money to a firm (budgets, targets, prices,
    conditions only).

    ``clause`` keys: ``text`` (normalised clause text), ``fields``
    (service-guide fields; ``政策标准`` is read instead of the text when
    present), ``amounts`` (KB amount dicts ``{value_yuan, role, text,
    per?}``), ``rates``, ``path``, ``document``. Among several components
    (:func:`extract_benefits`): when all are fixed amounts (分别给予 100万元、
    50万元 — alternatives) they are merged into one ``fixed`` spec with
    ``min_yuan``..``max_yuan``; otherwise the first computable (non-fixed,
    non-text) component is returned, its formula noting how many standards
    the clause has (reviewed rules or tracks handle the others). Never
    raises.
    """
    try:
        comps = extract_benefits(clause)
    except Exception:  # noqa: BLE001 - extraction must never break a whole run
        return None
    return _combine(comps)


def _combine(comps: list[BenefitSpec]) -> BenefitSpec | None:
    """One spec for several components (see :func:`extract_benefit`)."""
    if not comps:
        return None
    if len(comps) == 1:
        return comps[0]
    if all(c.kind == "fixed" for c in comps):
        def amount(c: BenefitSpec, v: float | None) -> float:
            return (v if v is not None else (c.amount_yuan or 0.0)) * (c.years or 1)

        lo = min(amount(c, c.min_yuan) for c in comps)
        hi = max(amount(c, c.max_yuan) for c in comps)
        srcs: list[str] = []
        for c in comps:
            if c.source_text not in srcs:
                srcs.append(c.source_text)
        if lo == hi:
            return BenefitSpec("fixed", amount_yuan=lo, source_text="；".join(srcs), formula=fmt_yuan(lo))
        return BenefitSpec("fixed", min_yuan=lo, max_yuan=hi, source_text="；".join(srcs),
                           formula=f"按所属情形给予 {fmt_yuan(lo)}至{fmt_yuan(hi)}（条款列有{len(comps)}项标准："
                           + "、".join(c.formula for c in comps) + "）")
    main = next((c for c in comps if c.kind not in ("fixed", "text")), None) or next(
        (c for c in comps if c.kind == "fixed"), comps[0])
    n = len(comps)
    if "条款另有" not in main.formula:
        main.formula += f"（条款另有{n - 1}项标准）"
    return main


def benefit_for_track(clause: Mapping, label: str) -> BenefitSpec | None:
    """The benefit of one track (申报类别) of a clause: the components of
    :func:`extract_benefits` whose sentence contains ``label`` (a track
    heading such as ``转让技术成果`` or ``节水``; leading numbering such as
    ``3.`` is ignored), combined as in :func:`extract_benefit`. ``None`` when
    no component names the label. Never raises."""
    core = re.sub(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）.、．]\s*)", "", str(label or "")).strip("：: ")
    if not core:
        return None
    try:
        comps = [c for c in extract_benefits(clause) if core in c.source_text]
    except Exception:  # noqa: BLE001
        return None
    return _combine(comps)


# ------------------------------------------------------------ compute --

