"""Structure parsing on the bundled corpus and on small synthetic documents.

Counts come from reading the files (see benchmarks/gold/structure.yaml).
"""

import re

import pytest

from huiqi.structure import parse_lines


@pytest.fixture(scope="module")
def parsed(corpus_lines):
    cache = {}

    def get(prefix):
        if prefix not in cache:
            cache[prefix] = parse_lines(corpus_lines(prefix))
        return cache[prefix]

    return get


@pytest.mark.parametrize(("prefix", "count"), [("000", 110), ("002", 94), ("004", 52)])
def test_numbered_lists_have_exact_clause_counts(parsed, prefix, count):
    docs = [d for d in parsed(prefix) if d.kind == "document"]
    assert len(docs) == 1
    clauses = docs[0].clauses()
    assert len(clauses) == count
    numbers = [int(re.match(r"\d+", n.label).group()) for _, n in clauses]
    assert numbers == list(range(1, count + 1))


def test_closing_clause_and_prose_section_are_not_clauses(parsed):
    (doc002,) = parsed("002")
    last = doc002.nodes[-1]
    assert last.label == "十三、" and last.role == "closing"
    (doc004,) = parsed("004")
    assert doc004.nodes[-1].heading.startswith("保障措施") and doc004.nodes[-1].role == "text"


def test_title_split_over_two_lines_and_annex_label(parsed):
    assert parsed("000")[0].title == "内蒙古自治区2024年坚持稳中求进以进促稳推动产业高质量发展政策清单"
    assert parsed("004")[0].title == "内蒙古自治区促进工业经济平稳增长行动方案"


def test_tail_is_not_part_of_last_clause(parsed):
    (doc002,) = parsed("002")
    path, last = doc002.clauses()[-1]
    assert "抄送" not in last.block().text
    assert any("2022年5月20日印发" in l.text for l in doc002.tail)


def test_service_guide_compilation(parsed):
    docs = parsed("003")
    kinds = [d.kind for d in docs]
    assert kinds[0] == "front_matter"
    assert kinds.count("guide") == 49
    assert kinds.count("document") == 7
    guides = [d for d in docs if d.kind == "guide"]
    # titles come from the table of contents, in order
    assert guides[0].title == "战略性新兴产业发展专项资金项目服务指南"
    assert guides[-1].title.startswith("进一步解决全盟企业用地厂房不动产登记历史遗留问题")
    fields = [c.field for c in guides[0].nodes[0].children]
    assert fields[:3] == ["办理依据", "受理机构", "适用范围"] and "咨询电话" in fields
    assert guides[0].nodes[0].start == 134


def test_compilation_documents_stubs_and_levels(parsed):
    docs = parsed("001")
    body = [d for d in docs if d.kind == "document"]
    stubs = [d for d in docs if d.kind == "stub"]
    assert len(body) >= 50 and len(stubs) == 11
    assert all(not d.clauses() for d in stubs)
    d02 = next(d for d in docs if d.title and d.title.startswith("内蒙古自治区工业和信息化厅关于调整战略性新兴产业电力交易"))
    assert "〔2022〕405号" in d02.title
    assert d02.level_hint is None or d02.level_hint == "自治区"
    levels = {d.level_hint for d in docs if d.level_hint}
    assert {"国家", "自治区", "盟市", "旗县"} <= levels


def test_unseen_style_document_with_articles():
    lines = [
        "某某市支持小微企业发展暂行办法",
        "",
        "第一条 为支持小微企业发展，结合本市实际，制定本办法。",
        "第二条 对新招用登记失业人员的小微企业，每人给予2000元补贴。",
        "（一）补贴对象为在本市注册的企业；",
        "（二）补贴标准为每人每年2000元。",
        "第三条 本办法自2025年1月1日起施行。",
    ]
    (doc,) = parse_lines(lines)
    assert doc.title == "某某市支持小微企业发展暂行办法"
    roles = [(n.label, n.role) for n in doc.nodes]
    assert roles[1] == ("第二条", "clause")
    assert roles[2] == ("第三条", "closing")
    path, node = doc.clauses()[-1]
    assert node.label == "第二条" and "每人每年2000元" in node.block().text


def test_empty_and_unstructured_text():
    assert parse_lines([]) == []
    (doc,) = parse_lines(["关于做好某项工作的通知", "请各单位认真落实，确保工作取得实效。"])
    assert len(doc.clauses()) == 1
