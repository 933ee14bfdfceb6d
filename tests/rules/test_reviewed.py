"""Reviewed rules (huiqi.rules.reviewed): the loader, its Chinese validation
messages, bad files not stopping good ones, orphan detection, and the shipped
data/rules/*.yaml checked against a knowledge base freshly ingested from
data/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from huiqi.rules.model import Condition
from huiqi.rules.reviewed import (
    excerpt_problems,
    find_orphans,
    load_reviewed_rules,
    load_reviewed_rules_report,
    rule_from_dict,
    rule_to_dict,
)

RULES_DIR = Path(__file__).resolve().parents[2] / "data" / "rules"

# a real clause of the corpus: 000 item 19 (技术改造设备投资20%，最高500万元)
TECH_KEY = "92b554279bc2440952077bf115779ba64d80ac14"
TECH_EXCERPT = "按照当年技术改造设备投资的20%、单个项目最高不超过500万元给予补助"

GOOD_RULE = f"""
  - clause_key: {TECH_KEY}
    title: 技术改造
    excerpt: {TECH_EXCERPT}
    conditions:
      all:
        - {{kind: threshold, attribute: project.investment, operator: ">=", value: 20000000, text: 投资2000万元及以上}}
        - 经营状况良好
    benefit: {{kind: percent, rate: 0.2, base: project.equipment_investment, cap_yuan: 5000000}}
    cases:
      - name: 样例
        as_of: 2024-06-01
        profile: {{region: 包头市, projects: [{{investment: 30000000, equipment_investment: 1000000}}]}}
        status: likely
        min_yuan: 200000
        max_yuan: 200000
"""


@pytest.fixture(autouse=True)
def _no_env_rules_dir(monkeypatch):
    monkeypatch.delenv("HUIQI_RULES_DIR", raising=False)


@pytest.fixture(scope="module")
def db_url(corpus_url):
    """URL of a knowledge base ingested from data/corpus (once per run and
    back end: SQLite, and PostgreSQL when configured)."""
    return corpus_url


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _one_error(tmp_path: Path, rule_yaml: str) -> str:
    """Load a file holding one (bad) rule; return its single error line."""
    path = _write(tmp_path, "bad.yaml", "rules:\n" + rule_yaml)
    report = load_reviewed_rules_report(tmp_path)
    assert report.rules == {}
    assert len(report.errors) == 1, report.errors
    msg = report.errors[0]
    assert msg.startswith(f"{path}: rules[0]"), msg
    return msg


# --------------------------------------------------------------------------
# the shipped rules


def test_shipped_rules_load_cleanly():
    report = load_reviewed_rules_report()
    assert report.errors == []
    assert len(report.rules) >= 30
    assert {Path(f).name for f in report.files} >= {"tax.yaml", "employment.yaml", "industry.yaml",
                                                    "innovation.yaml", "alxa_guides.yaml"}
    for e in report.entries:
        assert e.rule.origin == "reviewed"
        assert e.rule.reviewer_note, e.where
        assert e.cases, f"{e.where}: 没有用例"
        assert e.rule.conditions is not None or e.rule.tracks, e.where
    assert load_reviewed_rules() == report.rules


def _has_threshold(rule) -> bool:
    trees = [rule.conditions] + [t["conditions"] for t in rule.tracks]
    return any(leaf.kind == "threshold" for tree in trees if tree is not None for leaf in tree.leaves())


def test_threshold_rules_have_a_case_on_each_side():
    """A rule with a numeric threshold has ≥ 2 cases, one of them not granted."""
    for e in load_reviewed_rules_report().entries:
        if _has_threshold(e.rule):
            assert len(e.cases) >= 2, e.where
            assert any(c.status in ("ineligible", "needs_info", "expired") for c in e.cases), e.where


def test_conditions_quote_the_text():
    """Every machine-checkable leaf says which words of the clause it came from."""
    for e in load_reviewed_rules_report().entries:
        trees = [e.rule.conditions] + [t["conditions"] for t in e.rule.tracks]
        for tree in trees:
            for leaf in tree.leaves() if tree is not None else []:
                assert leaf.source_text, f"{e.where}: {leaf}"


def test_shipped_rules_match_fresh_knowledge_base(db_url):
    """Every clause key exists in a database ingested from data/corpus and
    every excerpt is part of its clause's text."""
    report = load_reviewed_rules_report()
    assert find_orphans(db_url, report) == []
    assert excerpt_problems(db_url, report) == []


def test_round_trip_to_dict():
    for e in load_reviewed_rules_report().entries:
        d = rule_to_dict(e.rule, e.excerpt, e.cases)
        rule, excerpt, cases = rule_from_dict(d, "rules[0]")
        assert rule == e.rule and excerpt == e.excerpt and cases == e.cases


# --------------------------------------------------------------------------
# loader and validation


def test_good_rule_loads(tmp_path):
    _write(tmp_path, "tech.yaml", "rules:" + GOOD_RULE)
    report = load_reviewed_rules_report(tmp_path)
    assert report.errors == []
    rule = report.rules[TECH_KEY]
    assert rule.origin == "reviewed" and rule.title == "技术改造"
    assert rule.conditions.op == "all"
    assert [leaf.kind for leaf in rule.conditions.leaves()] == ["threshold", "text"]
    assert rule.conditions.children[1].source_text == "经营状况良好"
    assert rule.benefit.kind == "percent" and rule.benefit.cap_yuan == 5000000
    case = report.entries[0].cases[0]
    assert case.status == "likely" and case.min_yuan == 200000.0 and case.as_of.isoformat() == "2024-06-01"


def test_validity_override_loads_and_round_trips(tmp_path):
    rule = f"""
  - clause_key: {TECH_KEY}
    excerpt: {TECH_EXCERPT}
    validity: {{end: 2022-12-31, text: 申报截止时间为2022年12月31日}}
"""
    _write(tmp_path, "v.yaml", "rules:" + rule)
    report = load_reviewed_rules_report(tmp_path)
    assert report.errors == []
    got = report.rules[TECH_KEY].validity
    assert got == {"start": None, "end": "2022-12-31", "text": "申报截止时间为2022年12月31日"}
    d = rule_to_dict(report.rules[TECH_KEY], TECH_EXCERPT)
    assert d["validity"] == {"end": "2022-12-31", "text": "申报截止时间为2022年12月31日"}
    assert rule_from_dict(d)[0] == report.rules[TECH_KEY]


@pytest.mark.parametrize(("fragment", "expected"), [
    ("benefit: {kind: foo}", "rules[0].benefit.kind: 无效的类型 'foo'"),
    ("benefit: {kind: percent, base: project.investment}", "rules[0].benefit.rate: percent 类型必须给出"),
    ("benefit: {kind: percent, rate: 20, base: project.investment}", "rules[0].benefit.rate: 比例应为 0 到 1 之间的小数"),
    ("benefit: {kind: per_unit, unit_yuan: 200, quantity: 节能量}", "rules[0].benefit.quantity: 未知的属性 '节能量'"),
    ("benefit: {kind: fixed, amount_yuan: 1, colour: red}", "rules[0].benefit: 未知字段 colour"),
    ("benefit: {kind: progressive, base: facts.交易额, tiers: [{min: 0, max: 100, rate: 0.1}, {min: 200, rate: 0.05}]}",
     "rules[0].benefit.tiers[1].min: 超额累进各档应首尾相接"),
    ("conditions: {all: [{kind: threshold, attribute: staff, operator: '>=', value: 3}]}",
     "rules[0].conditions.all[0].attribute: 未知的属性 'staff'"),
    ("conditions: {all: [{kind: threshold, attribute: employees, operator: '=>', value: 3}]}",
     "rules[0].conditions.all[0]: 数值条件的比较符 '=>' 无效"),
    ("conditions: {any: [{kind: threshold, attribute: revenue, operator: '<=', value: 2000万}]}",
     "rules[0].conditions.any[0].value: 数值条件的取值应为数字"),
    ("conditions: {kind: membership, attribute: qualifications, operator: in, value: 高新技术企业}",
     "rules[0].conditions.value: 归属条件的取值应为非空的文字列表"),
    ("conditions: {kind: threshold, attribute: small_low_profit, operator: '==', value: true}",
     "rules[0].conditions.value: 是/否事实请写成归属条件"),
    ("conditions: {not: {kind: date, attribute: established, operator: '>=', value: 2024-02-30}}",
     "rules[0].conditions.not.value: 应为 ISO 日期"),
    ("tracks: [{name: 节能}]", "rules[0].tracks[0]: 类别至少要有 conditions 或 benefit"),
    ("stacking: {group: 就业, mode: sum}", "rules[0].stacking.mode: 无效的叠加方式 'sum'"),
    ("validity: {end: 2022-02-30, text: 申报截止}", "rules[0].validity.end: 应为 ISO 日期"),
    ("validity: {end: 2022-12-31}", "rules[0].validity.text: 缺少设定有效期的条款原文"),
    ("validity: {text: 申报截止}", "rules[0].validity: 至少要给出 start 或 end"),
    ("validity: {start: 2023-01-01, end: 2022-12-31, text: x}", "rules[0].validity: start 2023-01-01 晚于 end 2022-12-31"),
    ("validity: {until: 2022-12-31, text: x}", "rules[0].validity: 未知字段 until"),
    ("validity: 2022-12-31", "rules[0].validity: 应为映射"),
])
def test_validation_messages_name_the_yaml_path(tmp_path, fragment, expected):
    rule = f"""
  - clause_key: {TECH_KEY}
    excerpt: {TECH_EXCERPT}
    {fragment}
"""
    msg = _one_error(tmp_path, rule)
    assert expected in msg, msg


@pytest.mark.parametrize(("rule", "expected"), [
    ("  - excerpt: x\n", "rules[0].clause_key: 应为 40 位十六进制的条款键"),
    ("  - clause_key: abc123\n    excerpt: x\n", "rules[0].clause_key: 应为 40 位十六进制的条款键"),
    (f"  - clause_key: {TECH_KEY}\n", "rules[0].excerpt: 缺少条款原文摘录"),
    (f"  - clause_key: {TECH_KEY}\n    excerpt: x\n    benfit: {{kind: fixed}}\n", "rules[0]: 未知字段 benfit"),
    (f"  - clause_key: {TECH_KEY}\n    excerpt: x\n    cases: [{{name: a, as_of: 2024-06-01, profile: {{region: 包头市}}, status: ok}}]\n",
     "rules[0].cases[0].status: 无效的状态 'ok'"),
    (f"  - clause_key: {TECH_KEY}\n    excerpt: x\n    cases: [{{name: a, as_of: 2024-13-01, profile: {{region: 包头市}}, status: eligible}}]\n",
     "rules[0].cases[0].as_of: 应为 ISO 日期"),
    (f"  - clause_key: {TECH_KEY}\n    excerpt: x\n    cases: [{{name: a, as_of: 2024-06-01, profile: {{region: 包头市, employees: 3200万}}, status: eligible}}]\n",
     "rules[0].cases[0].profile.employees: 应为整数人数"),
    (f"  - clause_key: {TECH_KEY}\n    excerpt: x\n    cases: [{{name: a, as_of: 2024-06-01, profile: {{employees: 3}}, status: eligible}}]\n",
     "rules[0].cases[0].profile.region: 缺少必填项"),
])
def test_rule_level_messages(tmp_path, rule, expected):
    msg = _one_error(tmp_path, rule)
    assert expected in msg, msg


def test_bad_files_do_not_stop_the_others(tmp_path):
    good = _write(tmp_path, "a_good.yaml", "rules:" + GOOD_RULE)
    broken = _write(tmp_path, "b_broken.yaml", "rules:\n  - clause_key: [unclosed\n")
    other_key = "a" * 40
    mixed = _write(tmp_path, "c_mixed.yaml", f"""rules:
  - clause_key: {other_key}
    excerpt: 第一条
    benefit: {{kind: fixed, amount_yuan: 100}}
  - clause_key: {"b" * 40}
    excerpt: 第二条
    benefit: {{kind: foo}}
""")
    _write(tmp_path, "d_not_rules.yaml", "- just\n- a list\n")
    _write(tmp_path, "e_dup.yaml", "rules:" + GOOD_RULE)
    _write(tmp_path, "notes.txt", "not a rules file")
    report = load_reviewed_rules_report(tmp_path)
    assert set(report.rules) == {TECH_KEY, other_key}
    assert report.rules[other_key].benefit.amount_yuan == 100
    errors = report.errors
    assert len(errors) == 4, errors
    assert errors[0].startswith(f"{broken}: YAML 格式错误（第") and "行" in errors[0]
    assert errors[1] == f"{mixed}: rules[1].benefit.kind: 无效的类型 'foo'"
    assert errors[2].startswith(f"{tmp_path / 'd_not_rules.yaml'}: 顶层应为")
    assert errors[3] == f"{tmp_path / 'e_dup.yaml'}: rules[0].clause_key: 与 {good}: rules[0] 重复，已忽略本条"
    assert len(report.files) == 5  # the .txt file is not read


def test_missing_or_empty_directory(tmp_path):
    assert load_reviewed_rules_report(tmp_path).rules == {}
    report = load_reviewed_rules_report(tmp_path / "nope")
    assert report.rules == {} and report.errors == [f"{tmp_path / 'nope'}: 规则目录不存在"]
    _write(tmp_path, "empty.yaml", "")
    assert load_reviewed_rules_report(tmp_path).errors == []


def test_rules_dir_from_environment(tmp_path, monkeypatch):
    from huiqi.config import rules_dir

    assert rules_dir() == RULES_DIR.resolve()
    _write(tmp_path, "one.yaml", "rules:" + GOOD_RULE)
    monkeypatch.setenv("HUIQI_RULES_DIR", str(tmp_path))
    assert rules_dir() == tmp_path.resolve()
    assert list(load_reviewed_rules()) == [TECH_KEY]


def test_bare_string_condition_is_text_to_confirm():
    rule, _, _ = rule_from_dict({"clause_key": TECH_KEY, "excerpt": "x", "conditions": "经营状况良好"})
    assert rule.conditions == Condition.leaf("text", source_text="经营状况良好", label="经营状况良好")


# --------------------------------------------------------------------------
# orphans and excerpts against a knowledge base


def test_orphans_and_wrong_excerpts_are_reported(tmp_path, db_url):
    orphan_key = "f" * 40
    other_real_key = "de7cee9906f066f46b518a31e7727744c3c7802a"  # 000 item 20 (节能节水)
    _write(tmp_path, "r.yaml", f"""rules:{GOOD_RULE}
  - clause_key: {orphan_key}
    title: 已被修改的条款
    excerpt: 原文已变
    benefit: {{kind: fixed, amount_yuan: 1}}
  - clause_key: {other_real_key}
    excerpt: 这段话不在条款里
    benefit: {{kind: fixed, amount_yuan: 1}}
""")
    report = load_reviewed_rules_report(tmp_path)
    orphans = find_orphans(db_url, report)
    assert [(o.clause_key, o.title, o.index) for o in orphans] == [(orphan_key, "已被修改的条款", 1)]
    assert "知识库中没有该条款" in orphans[0].message() and "r.yaml: rules[1].clause_key" in orphans[0].message()
    problems = excerpt_problems(db_url, report)
    assert len(problems) == 2
    assert "rules[1].clause_key: 知识库中没有该条款" in problems[0]
    assert "rules[2].excerpt: 与条款原文不符" in problems[1]


def test_orphans_accept_a_session(db_url, tmp_path):
    from sqlalchemy.orm import Session

    from huiqi.kb.db import get_engine

    _write(tmp_path, "r.yaml", "rules:" + GOOD_RULE)
    report = load_reviewed_rules_report(tmp_path)
    engine = get_engine(db_url)
    try:
        with Session(engine) as s:
            assert find_orphans(s, report) == []
        assert find_orphans(engine, report) == []
    finally:
        engine.dispose()


def test_check_rules_function(tmp_path, db_url):
    from huiqi.rules.reviewed import check_rules

    _write(tmp_path, "r.yaml", f"rules:{GOOD_RULE}\n  - clause_key: {'f' * 40}\n    excerpt: 旧条款\n"
                               f"    benefit: {{kind: fixed, amount_yuan: 1}}\n")
    problems = check_rules(db_url, tmp_path)
    assert len(problems) == 1 and "rules[1].clause_key: 知识库中没有该条款" in problems[0]
