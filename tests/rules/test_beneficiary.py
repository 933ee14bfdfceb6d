"""Beneficiary (受益对象) read from real clause text (huiqi.rules.beneficiary)."""

from __future__ import annotations

import pytest

from huiqi.rules.beneficiary import classify_beneficiary
from huiqi.rules.model import Condition, Rule
from huiqi.rules.store import beneficiary_of


def _clause(corpus_lines, prefix: str, start: int, end: int) -> str:
    return "".join(x.strip() for x in corpus_lines(prefix)[start - 1:end])


@pytest.mark.parametrize("prefix,start,end,expected", [
    # 47.对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业，分别给予20万元、50万元、100万元一次性奖励
    ("000", 61, 61, "企业"),
    # 对全职引进的顶尖人才（A类）给予不低于300万元安家补贴
    ("001", 8649, 8652, "个人"),
    # 55.支持工业园区工业标准地建设……每亩工业标准地给予园区5万元
    ("002", 161, 163, "园区/平台"),
    # 4.安排1.4亿元支持自治区种业高质量发展 (a programme budget)
    ("000", 11, 11, "政府部门"),
    # 对列入自治区制造业数字化转型试点的盟市，给予5000万元奖补
    ("001", 3411, 3414, "政府部门"),
    # 对吸纳…高校毕业生，与之签订1年以上劳动合同…的小微企业，给予…社会保险补贴 (then a second
    # sentence for the graduates themselves): the firm is paid, the 对 phrase spans commas
    ("003", 3646, 3646, "企业"),
    # 对入驻各类网上跨境电商平台贸易额达到1万美元的我区中小外贸企业，每入驻一个平台给予一次性运营补助2万元:
    # a per-unit phrase between the firm and 给予; the platform is where the firm sells, not who is paid
    ("001", 6973, 6979, "企业"),
])
def test_recipient_from_text(corpus_lines, prefix, start, end, expected):
    text = _clause(corpus_lines, prefix, start, end)
    assert classify_beneficiary(text) == expected, text[:80]


def test_financial_institution_and_people_inside_a_firm_phrase():
    assert classify_beneficiary("对新增首贷户数排名靠前的银行给予风险补偿资金奖励") == "金融机构"
    assert classify_beneficiary("对企业引进的博士研究生给予每月3000元生活补贴") == "个人"
    assert classify_beneficiary("对吸纳登记失业人员的企业给予每人1000元补贴") == "企业"
    assert classify_beneficiary("加强组织领导，压实工作责任") is None


def test_entity_type_condition_comes_first():
    person = Rule("k", conditions=Condition.leaf("membership", "entity_type", "in", ["个人"]))
    assert beneficiary_of(person, "对企业给予10万元奖励") == "个人"
    assert beneficiary_of(Rule("k"), "对企业给予10万元奖励") == "企业"
    assert beneficiary_of(Rule("k")) is None


def test_claim_scan_finds_what_finditer_finds():
    """The windowed scan of the 可享受/申请/获得 pattern (issue 17: it was
    tried at every position) gives the pattern's own ``finditer`` matches."""
    import random
    from pathlib import Path

    from huiqi.rules import beneficiary as B

    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    rnd = random.Random(5)
    alphabet = "享受申请获得可均以补贴助奖励优惠减免企业，。；、 a"
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 60))) for _ in range(20000)]
    pat = B._RECIPIENT[B._CLAIM]
    found = 0
    for s in texts:
        want = [(m.span(), m.groups()) for m in pat.finditer(s)]
        assert [(m.span(), m.groups()) for m in B._claim_matches(s)] == want, s
        found += len(want)
    assert found > 100
