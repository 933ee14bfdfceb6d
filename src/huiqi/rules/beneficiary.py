"""Beneficiary of a clause (受益对象): who receives the money or relief.

:func:`classify_beneficiary` reads the clause text in general terms: the
recipient phrase of each support sentence — ``对 X 给予…``, ``给予 X …补贴``,
``向 X 发放``, ``为 X 提供`` — is classified by its head word (the last
category word in it, so 企业引进的人才 is a person), and budgets that name no
recipient (安排…亿元支持…, 设立…基金) are a government programme:

* ``企业`` — enterprises, including 个体工商户, 合作社, 家庭农牧场 and farming
  households (种植户, 养殖户, 农牧户);
* ``个人`` — people: 人才, 专家, 员工/职工, 教师, 学生, 毕业生 …; also money
  words that only a person receives (生活补贴, 安家费, 购房补贴, 个人所得税);
* ``园区/平台`` — parks, development zones, incubators and platforms;
* ``政府部门`` —盟市/旗县 governments and programme budgets;
* ``金融机构`` — banks, guarantee and insurance institutions;
* ``其他`` — a support sentence whose recipient is none of these.

An explicit indirect object of 给予 (对工业园区实施的项目…给予园区补贴) decides
over the 对 phrase. When several recipients are named, an enterprise wins (the firm gets its
own money from the clause), then a person, a park or platform, a financial
institution, a government. No support sentence at all gives ``None``.
"""

from __future__ import annotations

import re

BENEFICIARIES = ("企业", "个人", "园区/平台", "政府部门", "金融机构", "其他")

# category words, matched at the END of a recipient phrase (its head)
_HEADS: list[tuple[str, re.Pattern[str]]] = [
    ("金融机构", re.compile(r"(?:金融机构|银行(?:业)?(?:机构)?|担保(?:机构|公司)|保险(?:机构|公司)|小额贷款公司|融资租赁公司|基金管理人|投资机构|创投机构)")),
    ("园区/平台", re.compile(r"(?:园区|产业园|开发区|高新区|示范区|试验区|孵化器|众创空间|加速器|平台|服务机构|中介机构|(?:产业)?联盟|协会|商会|集聚区)")),
    ("政府部门", re.compile(r"(?:盟市|旗县(?:区)?|旗（区）|旗区|地区|地方|政府|苏木(?:乡镇)?|嘎查(?:村)?|部门|示范县|大县)")),
    ("个人", re.compile(r"(?:人才|专家|院士|人员|员工|职工|教师|校长|医生|学生|毕业生|博士(?:后)?|硕士|研究生|个人|居民|团队|带头人|负责人|工匠|技师|技能人才|领军人才|创始人|家属|子女|配偶|消费者|购房人|劳动者|就业人员|退役军人|失业人员|残疾人)")),
    ("企业", re.compile(r"(?:企业|公司|个体工商户|个体户|经营主体|市场主体|商户|合作社|家庭农牧场|家庭农场|家庭牧场|(?:养殖|种植|种养殖|农牧|牧)户|养殖场|种植基地|牧场|主体|法人|纳税人|项目|单位|用人单位|生产者|经营者|场(?:户)?)")),
]
_PRIORITY = ("企业", "个人", "园区/平台", "金融机构", "政府部门", "其他")
_RECIPIENT = [
    re.compile(r"对(?P<x>[^，。；;,：:]{1,45}?)(?:，\s*)?(?:给予|按照|按|分别给予|一次性|奖励|奖补|补贴|补助|贴息|免征|减征|减半|减按|返还)"),
    # 对 …，与之签订…的小微企业，给予: a 对 phrase whose clauses are joined by commas, ending in 的 + its head
    # (…的中小外贸企业，每入驻一个平台给予: a per-unit phrase may stand between the head and 给予)
    re.compile(r"对(?P<x>[^。；;：:]{2,80}?的[^，。；;,的]{1,15})，\s*(?:每[^，。；;,]{1,12}?)?(?:给予|分别给予|一次性给予)"),
    re.compile(r"给予(?P<x>[^，。；;,0-9一二三四五六七八九十每按最]{1,20}?)(?:[0-9一二三四五六七八九十]|每|按|最高|一次性|不超过)[^。；]{0,30}?(?:补贴|补助|奖励|奖补|资助|津贴|安家费)"),
    re.compile(r"(?:向|为)(?P<x>[^，。；;,]{1,25}?)(?:发放|提供|兑现|拨付)[^。；]{0,20}?(?:补贴|补助|奖励|资金|贷款|担保|津贴)"),
    re.compile(r"(?P<x>[^，。；;,、]{1,20}?)(?:可|均可|可以)?(?:享受|申请|获得)[^。；]{0,20}?(?:补贴|补助|奖励|贴息|优惠|减免)"),
]
#: Index in :data:`_RECIPIENT` of the explicit indirect object (给予 X …补贴).
_EXPLICIT = 2
#: Index in :data:`_RECIPIENT` of ``X 可享受/申请/获得…``, the words every
#: match of it holds, and how far after the start of a match the word can
#: begin (the recipient, at most 20 characters, and 可/均可/可以).
_CLAIM, _CLAIM_WORD, _CLAIM_REACH = 4, re.compile(r"享受|申请|获得"), 22
#: Money only a person receives.
_PERSONAL_MONEY = re.compile(r"生活补贴|生活津贴|安家费|安家补贴|购房补贴|租房补贴|住房补贴|岗位津贴|学费|助学|薪酬补贴|一次性生活")
#: A programme budget naming no recipient: 安排1.4亿元支持…, 设立…基金.
_BUDGET = re.compile(r"(?:安排|统筹|设立|筹集|下达)[^。；，]{0,20}?(?:[0-9.]+\s*(?:亿|万)元|专项资金|引导基金|产业基金|资金)")
#: Enterprise words anywhere in a text whose recipient phrase was not found.
_FIRM_WORDS = re.compile(r"企业|公司|个体工商户|合作社|家庭农牧场|家庭农场|经营主体|市场主体|纳税人|项目")
_SUPPORT = re.compile(r"补贴|补助|奖励|奖补|资助|贴息|免征|减征|减半|减按|返还|津贴|安家费|担保|贷款|优惠|扣除|退税|减免")


def _head(phrase: str) -> str | None:
    """The category of a recipient phrase by its last category word."""
    best: tuple[int, str] | None = None
    for cat, pat in _HEADS:
        for m in pat.finditer(phrase):
            if best is None or m.end() > best[0] or (m.end() == best[0] and cat == "企业"):
                best = (m.end(), cat)
    return best[1] if best else None


def _claim_matches(text: str):
    """The matches of ``_RECIPIENT[_CLAIM].finditer(text)``, found faster.

    That pattern opens with a lazy run of up to 20 characters, so ``finditer``
    tries it at every position of the text, reading ahead each time. A match
    starting at ``p`` holds a claim word starting in ``p + 1 …
    p + _CLAIM_REACH``, so it is tried only in the stretch before each
    claim word: the same matches, in the same order."""
    pat = _RECIPIENT[_CLAIM]
    pos = 0
    while True:
        w = _CLAIM_WORD.search(text, pos + 1)
        if w is None:
            return
        k = w.start()
        for p in range(max(pos, k - _CLAIM_REACH), k):
            m = pat.match(text, p)
            if m:
                yield m
                pos = m.end()
                break
        else:
            pos = k  # no match starts before k


def recipients(text: str, explicit_only: bool = False) -> list[str]:
    """Categories of the recipient phrases of ``text`` in pattern order
    (may repeat); ``explicit_only``: only the indirect objects of 给予
    (给予园区5万元奖补), which name the recipient outright."""
    out = []
    for n, pat in enumerate(_RECIPIENT):
        if explicit_only and n != _EXPLICIT:
            continue
        for m in _claim_matches(text or "") if n == _CLAIM else pat.finditer(text or ""):
            cat = _head(m.group("x"))
            if cat is not None:
                out.append(cat)
    return out


def classify_beneficiary(text: str) -> str | None:
    """The beneficiary (one of :data:`BENEFICIARIES`) of a clause text, or
    ``None`` when the text has no support sentence. See the module
    docstring for the rules; never raises."""
    t = text or ""
    if not _SUPPORT.search(t) and not _BUDGET.search(t):
        return None
    found = set(recipients(t, explicit_only=True)) or set(recipients(t))
    if _PERSONAL_MONEY.search(t) and "企业" not in found:
        found.add("个人")
    if not found:
        if _FIRM_WORDS.search(t):
            return "企业"
        if _BUDGET.search(t):
            return "政府部门"
        return "其他" if _SUPPORT.search(t) else None
    for cat in _PRIORITY:
        if cat in found:
            return cat
    return "其他"
