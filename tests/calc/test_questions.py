"""Next questions (下一个问题): ranking missing facts by undecided money."""

from __future__ import annotations

from huiqi.calc.questions import next_questions, prompt_for


def _r(id, status, missing, max_yuan=None):
    b = None if max_yuan is None else {"min_yuan": 0.0, "max_yuan": max_yuan, "formula": ""}
    return {"id": id, "status": status, "missing": missing, "benefit": b}


def test_ranked_by_money_then_by_clause_count():
    results = [
        _r(1, "needs_info", ["employees"], 100_000),
        _r(2, "needs_info", ["employees", "revenue"], 50_000),
        _r(3, "needs_info", ["qualifications"], 500_000),
        _r(4, "needs_info", ["facts.登记失业人员招用人数"]),
        _r(5, "needs_info", ["established"]),
        _r(6, "needs_info", ["established"]),
    ]
    qs = next_questions(results)
    assert [q["fact"] for q in qs] == ["qualifications", "employees", "revenue", "established",
                                        "facts.登记失业人员招用人数"]
    emp = qs[1]
    assert emp["settles_yuan"] == 150_000 and emp["settles_clauses"] == 2
    assert qs[3]["settles_yuan"] == 0 and qs[3]["settles_clauses"] == 2


def test_settled_clauses_are_not_counted():
    results = [_r(1, "ineligible", ["employees"], 1e6), _r(2, "expired", ["revenue"], 1e6),
               _r(3, "eligible", [], 1e6)]
    assert next_questions(results) == []


def test_amount_facts_of_eligible_clauses_count():
    qs = next_questions([_r(1, "eligible", ["project.equipment_investment"], 5e6)])
    assert qs[0]["fact"] == "project.equipment_investment" and qs[0]["settles_yuan"] == 5e6


def test_duplicate_missing_keys_count_once_and_limit():
    qs = next_questions([_r(1, "needs_info", ["employees", "employees"], 10)], limit=1)
    assert len(qs) == 1 and qs[0]["settles_yuan"] == 10 and qs[0]["settles_clauses"] == 1


def test_prompts_are_chinese_questions():
    assert "从业人员" in prompt_for("employees")
    assert prompt_for("facts.登记失业人员招用人数") == "请提供：登记失业人员招用人数"
    assert "设备投资" in prompt_for("project.equipment_investment")
