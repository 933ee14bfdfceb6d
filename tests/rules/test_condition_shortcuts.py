"""Shortcuts of condition and benefit extraction give what the full parse
gives: every clause of the bundled corpus (data/corpus/) is extracted with
each shortcut on and off, and the trees must be equal."""

from functools import lru_cache

import pytest

from huiqi.config import corpus_files
from huiqi.extract import extract_clause_facts
from huiqi.readers import read_source
from huiqi.rules import benefits, condition_atoms, conditions
from huiqi.rules.condition_atoms import _Block, _may_hold_threshold
from huiqi.rules.conditions import _states_no_condition, extract_conditions
from huiqi.structure import parse_source


@lru_cache(maxsize=1)
def corpus_clauses() -> tuple[dict, ...]:
    out = []
    for f in corpus_files():
        for doc in parse_source(read_source(f)):
            for _path, node in doc.clauses():
                block = node.block()
                facts = extract_clause_facts(node, block)
                out.append({"text": block.text, "fields": dict(facts.fields),
                            "amounts": [a.to_json() for a in facts.amounts],
                            "document": {"title": doc.title or "", "region": "阿拉善盟", "level": "盟市"}})
    return tuple(out)


def _trees(fn) -> list:
    return [(c.to_dict() if (c := fn(cl)) is not None else None) for cl in corpus_clauses()]


def test_states_no_condition_on_real_text():
    # a duty of a government unit: nothing granted, nothing excluded
    assert _states_no_condition("加强部门协同，做好政策宣传解读，推动政策直达快享。")
    # a grant (给予), an exclusion, a 除外 and a beneficiary after 每个 all need the parse
    assert not _states_no_condition("对新认定的高新技术企业，给予20万元奖励。")
    assert not _states_no_condition("已享受同类项目补助的家庭农牧场原则上不再享受。")
    assert not _states_no_condition("房地产开发项目除外")
    assert not _states_no_condition("每个家庭农牧场最高10万元")


def test_no_condition_shortcut_changes_nothing(monkeypatch):
    with_shortcut = _trees(extract_conditions)
    skipped = sum(1 for cl in corpus_clauses() if not cl["fields"] and _states_no_condition(cl["text"]))
    assert skipped > 300  # most clauses of a policy list grant nothing
    monkeypatch.setattr(conditions, "_states_no_condition", lambda text: False)
    assert _trees(extract_conditions) == with_shortcut


def test_threshold_gate_changes_nothing(monkeypatch):
    with_gate = _trees(extract_conditions)
    monkeypatch.setattr(condition_atoms, "_may_hold_threshold", lambda blk, off, n: True)
    assert _trees(extract_conditions) == with_gate


def test_may_hold_threshold_reads_the_block_text():
    text = "对年销售收入达到2000万元以上（不含房地产企业）的企业，给予奖励"
    blk = _Block(text, 0, text, None)
    assert _may_hold_threshold(blk, 0, 12)  # …达到2000万元
    assert not _may_hold_threshold(blk, text.index("（"), 8)  # the bracket: no number
    assert not _may_hold_threshold(blk, len(text), 5)  # past the end
    # a block at an offset of the clause text: offsets are clause-text offsets
    part = "从业人员不超过300人"
    blk = _Block("申报条件\n" + part, 5, part, None)
    assert _may_hold_threshold(blk, 5, len(part)) and not _may_hold_threshold(blk, 5, 4)


@pytest.mark.parametrize("gate", ["_may_state_text_benefit"])
def test_benefit_gates_change_nothing(monkeypatch, gate):
    on = _trees(benefits.extract_benefit)
    monkeypatch.setattr(benefits, gate, lambda text: True)
    assert _trees(benefits.extract_benefit) == on


def test_node_key_groups_nodes_as_their_dict_forms_do():
    from huiqi.rules.conditions import _node_key, _walk_nodes
    from huiqi.rules.model import Condition

    nodes = [n for cl in corpus_clauses() if (c := extract_conditions(cl)) is not None for n in _walk_nodes(c)]
    # near twins: the same words as another leaf but a strict bound, another label, no text
    leaf = Condition.leaf("threshold", "employees", "<=", 300, source_text="从业人员300人以下", label="从业人员不超过300人")
    nodes += [leaf, Condition.leaf("threshold", "employees", "<=", 300, inclusive=False, source_text=leaf.source_text,
                                   label=leaf.label),
              Condition.leaf("threshold", "employees", "<=", 300.0, source_text=leaf.source_text, label=leaf.label),
              Condition.leaf("threshold", "employees", "<=", 300, source_text=leaf.source_text, label=leaf.source_text),
              Condition.leaf("threshold", "employees", "<=", 300, source_text=leaf.source_text),
              Condition.negation(leaf, "x"), Condition.all_of([leaf], "x"), Condition.any_of([leaf], "x")]
    assert len(nodes) > 1000
    by_dict: dict[str, int] = {}
    by_key: dict[tuple, int] = {}
    for i, n in enumerate(nodes):
        a = by_dict.setdefault(repr(n.to_dict()), i)
        b = by_key.setdefault(_node_key(n), i)
        assert a == b, n
    assert len(by_key) < len(nodes)  # some nodes do repeat


def test_cjk_len_counts_ideographs_only():
    from huiqi.rules.condition_atoms import _cjk_len

    assert _cjk_len("年销售收入达到2000万元以上（含）的企业") == 15
    assert _cjk_len("“专精特新”中小企业，A级") == 9
    assert _cjk_len("") == 0 and _cjk_len("3%，ABC") == 0
