"""benchmarks/index_ab.py: the comparison of two versions' outputs."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "index_ab.py"
_spec = importlib.util.spec_from_file_location("index_ab", _PATH)
index_ab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(index_ab)


def _make(d: Path, links, summary_units, vocab: str) -> None:
    k = d / "search" / "keyword" / "e1"
    k.mkdir(parents=True)
    (k / "vocab.txt").write_text(vocab, encoding="utf-8")
    (k / "summary.json").write_text(json.dumps({"terms": 1, "topics": [2], "units": summary_units},
                                               ensure_ascii=False), encoding="utf-8")
    con = sqlite3.connect(d / "kb.db")
    con.execute("CREATE TABLE policy_links (clause_id INTEGER, authority_id INTEGER, similarity REAL)")
    con.executemany("INSERT INTO policy_links VALUES (?, ?, ?)", links)
    con.commit()
    con.close()


def test_same_outputs_ignores_summary_unit_order_only(tmp_path):
    links = [(1, 1, 1.0), (2, 1, 0.93)]
    _make(tmp_path / "a", links, {"财政厅": 3, "科技厅": 1}, "补贴\n企业\n")
    _make(tmp_path / "b", links, {"科技厅": 1, "财政厅": 3}, "补贴\n企业\n")
    _make(tmp_path / "c", links[:1], {"财政厅": 3}, "补贴\n")
    same = index_ab.same_outputs(tmp_path / "a", tmp_path / "b")
    assert same == {"index_files": 2, "same_file_names": True, "differing_files": [], "policy_links": 2,
                    "same_policy_links": True}
    other = index_ab.same_outputs(tmp_path / "a", tmp_path / "c")
    assert sorted(other["differing_files"]) == ["e1/summary.json", "e1/vocab.txt"]
    assert other["same_policy_links"] is False
