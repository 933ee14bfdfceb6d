"""A Word 任务分工 table is read in body order and its rows carry their units."""

from pathlib import Path

from huiqi.extract import extract_clause_facts
from huiqi.readers import read_source
from huiqi.structure import parse_source

DOCX = Path(__file__).resolve().parents[2] / "benchmarks" / "unseen" / "docs" / "ln_lishan_2023_2.docx"


def test_table_rows_follow_the_heading_and_give_units():
    src = read_source(DOCX)
    heading = src.lines.index("一、经济社会发展的主要预期目标")
    assert src.lines[heading + 1].split("\t") == ["序号", "工作任务", "牵头单位", "责任单位"]
    assert src.lines[-1] == "二、重点工作任务"
    clauses = [n for d in parse_source(src) for _, n in d.clauses() if n.label.endswith(".")]
    assert len(clauses) == 6
    fourth = extract_clause_facts(clauses[3])
    assert fourth.responsible_units == ["区商务局", "各街道", "区市场局"]
    assert clauses[3].start == heading + 6  # 1-based line of the fourth row
