"""Tests for the scoring functions of ``benchmarks/parser_bench.py`` and for the gold files.

The script is not a package module, so it is loaded with importlib. The scorers are fed
small fake ``docs --json`` / ``policies --json`` arrays shaped like the CLI contract.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "benchmarks" / "gold"
CORPUS = ROOT / "data" / "corpus"


def _load_bench():
    spec = importlib.util.spec_from_file_location("parser_bench", ROOT / "benchmarks" / "parser_bench.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look the module up while the class is built
    spec.loader.exec_module(mod)
    return mod


pb = _load_bench()

F = "000_d6d39994a278070f.txt"


def clause(file, start, end, units=(), amounts=(), contacts=(), cid=None):
    return {
        "id": cid if cid is not None else f"{file}:{start}",
        "source": {"file": f"/some/dir/{file}", "start_line": start, "end_line": end},
        "responsible_units": list(units),
        "amounts": list(amounts),
        "contacts": list(contacts),
    }


def fig(report, name):
    found = [f for f in report.figures if f.name == name]
    assert found, [f.name for f in report.figures]
    return found[0]


# ------------------------------------------------------------------ matching


def test_match_clause_picks_smallest_containing_range_and_compares_base_names():
    idx = pb.clause_index([clause(F, 5, 20, cid="outer"), clause(F, 7, 7, cid="inner"),
                           clause("other.txt", 7, 7, cid="elsewhere")])
    assert pb.match_clause(idx, F, 7)["id"] == "inner"
    assert pb.match_clause(idx, F, 8)["id"] == "outer"
    assert pb.match_clause(idx, F, 21) is None
    assert pb.match_clause(idx, "nope.txt", 7) is None


def test_prf_edge_cases():
    assert pb.prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert pb.prf(0, 0, 3) == (0.0, 0.0, 0.0)
    p, r, f1 = pb.prf(3, 4, 6)
    assert (p, r) == (0.75, 0.5) and f1 == pytest.approx(0.6)


# ------------------------------------------------------------------ units


def test_score_units_pairs_precision_recall_and_details():
    gold = {"clauses": [
        {"file": F, "line": 7, "item": "1", "units": ["自治区农牧厅（乡村振兴局）", "自治区财政厅"]},
        {"file": F, "line": 8, "item": "2", "units": ["自治区发展改革委", "自治区财政厅"]},
        {"file": F, "line": 99, "item": "3", "units": ["自治区水利厅"]},  # no parser clause
    ]}
    clauses = [
        clause(F, 7, 7, units=["自治区农牧厅（乡村振兴局）", "自治区财政厅"]),
        clause(F, 8, 8, units=["自治区发展改革委", "财政厅"]),  # unexpanded prefix = wrong
    ]
    rep = pb.score_units(gold, clauses)
    # gold pairs 5, predicted 4, true positives 3
    assert fig(rep, "units precision").value == 0.75
    assert fig(rep, "units recall").value == 0.6
    f1 = fig(rep, "units F1")
    assert f1.value == pytest.approx(round(2 * 0.75 * 0.6 / 1.35, 4))
    assert f1.status == "FAIL"
    assert fig(rep, "units clauses exact").value == "1/3"
    assert {(d.line, str(d.got)) for d in rep.details} == {
        (8, str(["自治区发展改革委", "财政厅"])), (99, "NO CLAUSE")}


def test_score_units_counts_gold_clauses_sharing_a_merged_parser_clause():
    gold = {"clauses": [{"file": F, "line": 7, "item": "1", "units": ["A"]},
                        {"file": F, "line": 8, "item": "2", "units": ["B"]}]}
    rep = pb.score_units(gold, [clause(F, 7, 8, units=["A", "B"])])
    assert "sharing a parser clause 2" in fig(rep, "units clauses exact").note


# ------------------------------------------------------------------ structure


def test_score_structure_counts_and_boundary_recall():
    gold = {"files": [
        {"file": F, "clauses": 2, "documents": 1,
         "doc_starts": [{"line": 1, "title": "T", "kind": "document"}]},
        {"file": "001.txt", "documents_min": 2, "stubs": 1, "stubs_distinct_titles": 1,
         "doc_starts": [{"line": 100, "title": "A", "kind": "document"},
                        {"line": 200, "title": "B", "kind": "stub"},
                        {"line": 300, "title": "C", "kind": "document"},
                        {"line": 400, "title": "D", "kind": "document"}]},
    ]}
    docs = [
        {"kind": "document", "has_body": True, "title": "T", "source": {"file": F, "start_line": 2}},
        {"kind": "document", "has_body": True, "title": "A", "source": {"file": "001.txt", "start_line": 103}},
        {"kind": "document", "has_body": True, "title": "B", "source": {"file": "001.txt", "start_line": 199}},
        {"kind": "document", "has_body": True, "title": "C", "source": {"file": "001.txt", "start_line": 304}},
        {"kind": "stub", "has_body": False, "title": "X", "source": {"file": "001.txt", "start_line": 500}},
    ]
    clauses = [clause(F, 3, 3), clause(F, 4, 4), clause(F, 5, 5)]
    rep = pb.score_structure(gold, docs, clauses)
    c = fig(rep, "000 clauses")
    assert (c.value, c.status) == (3, "FAIL")
    assert fig(rep, "000 documents").status == "PASS"
    assert fig(rep, "000 boundary recall (±3)").value == 1.0
    d = fig(rep, "001.txt documents")
    assert (d.value, d.target, d.status) == (3, "≥ 2", "PASS")
    assert fig(rep, "001.txt stubs").status == "PASS"
    b = fig(rep, "001.txt boundary recall (±3)")
    # 100 (+3) and 200 (-1) are found; 300 (+4) and 400 are not
    assert b.value == 0.5 and b.status == "FAIL"
    assert "kind agrees 1/2" in b.note
    missing = sorted(m.line for m in rep.details if m.metric == "doc boundary")
    assert missing == [300, 400]


# ------------------------------------------------------------------ contacts


def test_score_contacts_org_normalisation_and_phone_only():
    f3 = "003_e1d845096e57fa27.txt"
    gold = {"guides": [
        {"file": f3, "line": 134, "title": "g1", "contacts": [
            {"org": "盟工信局", "phone": "0483-8351369"},
            {"org": "阿拉善左旗", "phone": "0483-8229456"}]},
        {"file": f3, "line": 211, "title": "g2", "contacts": [
            {"org": "主管税务局", "phone": "12366"}]},
    ]}
    clauses = [
        clause(f3, 134, 209, contacts=[{"org": "盟工信局：", "phone": "0483-8351369"},  # punctuation ignored
                                       {"org": "阿拉善右旗", "phone": "0483-8229456"}]),  # wrong org
        clause(f3, 211, 310, contacts=[{"org": " 主管 税务局", "phone": "12366"},
                                       {"org": None, "phone": "0483-8332222"}]),  # extra
    ]
    rep = pb.score_contacts(gold, clauses)
    assert fig(rep, "contacts precision").value == 0.5  # 2 of 4
    assert fig(rep, "contacts recall").value == round(2 / 3, 4)
    assert fig(rep, "contacts F1 (org, phone)").status == "FAIL"
    # phones alone: 3 of 4 predicted are right, 3 of 3 gold found
    assert fig(rep, "contacts F1 (phone only)").value == round(2 * 0.75 * 1 / 1.75, 4)


# ------------------------------------------------------------------ amounts


def test_match_amounts_tolerance_multiset_and_roles():
    gold = [{"value_yuan": 5_000_000.0, "role": "cap"},
            {"value_yuan": 5_000_000.0, "role": "fixed"},
            {"value_yuan": 20_000_000.0, "role": "threshold"}]
    pred = [{"value_yuan": 5_000_000.000001, "role": "fixed"},   # within 1e-6 relative
            {"value_yuan": 5_000_000.0, "role": "cap"},
            {"value_yuan": 20_000_100.0, "role": "threshold"},   # 5e-6 off: no match
            {"value_yuan": None, "role": "fixed"}]               # ignored
    m, roles, missing, extra = pb.match_amounts(gold, pred)
    assert (m, roles) == (2, 2)
    assert missing == [20_000_000.0] and extra == [20_000_100.0]


def test_score_amounts_figures():
    gold = {"clauses": [
        {"file": F, "line": 30, "item": "19", "amounts": [
            {"value_yuan": 20_000_000.0, "role": "threshold"}, {"value_yuan": 5_000_000.0, "role": "cap"}]},
        {"file": F, "line": 31, "item": "20", "amounts": [{"value_yuan": 200.0, "role": "per_unit"}]},
        {"file": F, "line": 500, "item": "x", "amounts": [{"value_yuan": 1.0, "role": "fixed"}]},
    ]}
    clauses = [
        clause(F, 30, 30, amounts=[{"value_yuan": 2e7, "role": "threshold", "text": "2000万元"},
                                   {"value_yuan": 5e6, "role": "fixed", "text": "500万元"}]),
        clause(F, 31, 31, amounts=[{"value_yuan": 200.0, "role": "per_unit", "text": "200元"},
                                   {"value_yuan": 1e4, "role": "cap", "text": "1万元"}]),
    ]
    rep = pb.score_amounts(gold, clauses)
    assert fig(rep, "amounts precision").value == 0.75
    assert fig(rep, "amounts recall").value == 0.75
    f1 = fig(rep, "amounts F1 (value_yuan)")
    assert (f1.value, f1.status) == (0.75, "FAIL")
    assert fig(rep, "amounts role agreement").value == round(2 / 3, 4)
    assert fig(rep, "amounts gold clauses matched").value == "2/3"


# ------------------------------------------------------------------ driver


def test_score_all_skips_missing_gold_with_note():
    rep = pb.score_all({"structure": None, "units": {"clauses": []}, "contacts": None, "amounts": None}, [], [])
    skipped = [f.name for f in rep.figures if f.status == "SKIP"]
    assert skipped == ["structure (gold missing)", "contacts (gold missing)", "amounts (gold missing)"]
    assert any("contacts.yaml not found" in n for n in rep.notes)


def test_main_with_fake_cli(monkeypatch, capsys, tmp_path):
    calls = []

    def fake_run_cli(args, timeout=None):
        calls.append(args[0])
        if args[0] == "docs":
            return json.dumps([{"kind": "document", "has_body": True, "title": "T",
                                "source": {"file": F, "start_line": 1, "end_line": 139}}]), 0.1
        if args[0] == "policies":
            return json.dumps([clause(F, 7, 7, units=["A"])]), 0.1
        return "", 1.5

    monkeypatch.setattr(pb, "run_cli", fake_run_cli)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "units.yaml").write_text(yaml.safe_dump(
        {"clauses": [{"file": F, "line": 7, "item": "1", "units": ["A"]}]}, allow_unicode=True), encoding="utf-8")
    assert pb.main(["--json", "--details", "--gold-dir", str(gold_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert calls == ["ingest", "docs", "policies"]
    figs = {f["name"]: f for f in out["figures"]}
    assert figs["ingest seconds"]["value"] == 1.5 and figs["ingest seconds"]["status"] == "PASS"
    assert figs["units F1"]["value"] == 1.0
    assert out["details"] == []


def test_main_returns_2_when_cli_fails(monkeypatch, capsys):
    def failing(args, timeout=None):
        raise pb.CliError("ingest: exit code 1")

    monkeypatch.setattr(pb, "run_cli", failing)
    assert pb.main([]) == 2
    assert "CLI failed" in capsys.readouterr().err


# ------------------------------------------------------------------ the gold files themselves


def _lines(name):
    path = next(CORPUS.glob(f"{name}_*.txt"))
    return path.name, path.read_text(encoding="utf-8").split("\n")


def test_structure_gold_counts_and_starts_point_at_text():
    gold = yaml.safe_load((GOLD / "structure.yaml").read_text(encoding="utf-8"))
    by = {f["file"][:3]: f for f in gold["files"]}
    assert [by[k]["clauses"] for k in ("000", "002", "004")] == [110, 94, 52]
    assert (by["003"]["guides"], by["003"]["documents"], len(by["003"]["doc_starts"])) == (49, 7, 56)
    assert (by["001"]["documents_min"], by["001"]["stubs"], len(by["001"]["doc_starts"])) == (50, 11, 64)
    assert sum(d["kind"] == "stub" for d in by["001"]["doc_starts"]) == 11
    for key, f in by.items():
        _, lines = _lines(key)
        for d in f["doc_starts"]:
            assert lines[d["line"] - 1].strip(), (key, d)
    _, l3 = _lines("003")
    for d in by["003"]["doc_starts"][:49]:
        assert re.match(r"^\s*一、\s*(办理依据|适用范围)\s*$", l3[d["line"] - 1]), d
    _, l1 = _lines("001")
    for d in by["001"]["doc_starts"]:
        if d["kind"] == "stub":
            nxt = [s for s in l1[d["line"]:d["line"] + 4] if s.strip()]
            assert any("微信扫一扫" in s for s in nxt), d


def test_units_gold_lines_are_item_markers_and_counts_match_notes():
    gold = yaml.safe_load((GOLD / "units.yaml").read_text(encoding="utf-8"))["clauses"]
    per_file = Counter(c["file"][:3] for c in gold)
    assert (per_file["000"], per_file["002"], per_file["004"]) == (110, 94, 52)
    assert per_file["001"] >= 20
    for c in gold:
        _, lines = _lines(c["file"][:3])
        text = lines[c["line"] - 1].strip()
        if c["file"].startswith("001") and c["item"].startswith("("):
            # D29 sections; (二) at 5203 is keyed on its text line (marker glued to L5201)
            assert text.startswith(c["item"]) or lines[c["line"] - 3].rstrip().endswith(c["item"]), c
        else:
            assert re.match(rf"^{re.escape(c['item'])}\.", text), c
        assert all("（" not in u or u.count("（") == u.count("）") for u in c["units"])
        assert not any("(" in u or u.endswith("等") or u.endswith("按职责分工负责") for u in c["units"])
    distinct = {k: len({u for c in gold if c["file"].startswith(k) for u in c["units"]}) for k in ("000", "002", "004")}
    assert distinct == {"000": 45, "002": 34, "004": 31}
