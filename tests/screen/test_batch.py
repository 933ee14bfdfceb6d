"""Batch screening (huiqi.screen.batch / huiqi.screen.sql): the SQL outcome of
every (profile, clause) pair must equal the per-profile evaluator's."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import duckdb
import pytest

from huiqi.calc.derived import derive_all
from huiqi.calc.evaluate import FactContext, evaluate
from huiqi.firm.profile import load_profile
from huiqi.rules.model import Condition, combine_all, combine_any, negate
from huiqi.screen.batch import (
    DERIVED_COLUMNS,
    BatchError,
    batch_status,
    is_machine_checkable,
    rules_from_ruleset,
    screen,
    synthetic_profiles,
    table_profiles,
)
from huiqi.screen.sql import CODE_OUTCOMES, CODE_STATUS, OUTCOME_CODES, PROFILE_COLUMNS
from tests.dbs import backend_params, fresh_database

AS_OF = date(2025, 6, 30)
CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"

L = Condition.leaf
ALL, ANY, NOT = Condition.all_of, Condition.any_of, Condition.negation


def hand_trees() -> list[tuple[str, Condition]]:
    """Trees covering every leaf kind, operator and connective."""
    return [
        ("thr_le", L("threshold", "employees", "<=", 300)),
        ("thr_gt", L("threshold", "revenue", ">", 2_000_000)),
        ("thr_eq", L("threshold", "employees", "==", 5)),
        ("thr_between_incl", L("threshold", "revenue", "between", [1e6, 2e7])),
        ("thr_between_emp", L("threshold", "employees", "between", [10, 100])),
        ("thr_between_excl", L("threshold", "total_assets", "between", [1e6, 5e7], inclusive=False)),
        ("thr_age", L("threshold", "age_years", ">=", 3)),
        ("thr_age_within", L("threshold", "age_years", "<=", 3)),  # 3年以内: fewer than 3 full years
        ("thr_age_over", L("threshold", "age_years", ">", 2)),
        # 研发费用占营业收入比例: computed from rd_expense and revenue when not stated
        ("thr_rd_ratio", L("threshold", "facts.研发费用占营业收入比例", ">=", 0.03)),
        ("thr_rate", L("threshold", "layoff_rate", "<=", 0.055)),
        ("thr_months", L("threshold", "unemployment_insurance_months", ">=", 12)),
        ("thr_rd", L("threshold", "rd_expense", ">=", 500_000)),
        ("thr_text_attr", L("threshold", "entity_type", "==", "企业")),  # not comparable → unknown
        ("thr_bad_value", L("threshold", "revenue", ">=", "很多")),
        ("mem_entity", L("membership", "entity_type", "in", ["企业", "农民专业合作社"])),
        ("mem_entity_not", L("membership", "entity_type", "not_in", ["个体工商户"])),
        ("mem_taxpayer", L("membership", "taxpayer_type", "in", ["小规模纳税人"])),
        ("mem_grade", L("membership", "tax_credit_grade", "in", ["A", "B"])),
        ("mem_listed", L("membership", "listed", "in", [False])),
        ("mem_listed_odd", L("membership", "listed", "in", ["也许"])),
        ("mem_sme", L("membership", "sme", "in", ["是"])),
        ("mem_industry_section", L("membership", "industry", "in", ["C"])),
        ("mem_industry_div", L("membership", "industry", "in", ["C14", "A03", "I65"])),
        ("mem_industry_class", L("membership", "industry", "in", ["C1441"])),
        ("mem_industry_not", L("membership", "industry", "not_in", ["J", "K"])),
        ("mem_industry_alias", L("membership", "industry", "in", ["B", "C", "D"])),
        ("mem_person", L("membership", "entity_type", "in", ["个人"])),
        ("mem_person_not", L("membership", "entity_type", "not_in", ["个人"])),
        ("mem_government", L("membership", "entity_type", "in", ["地方政府", "个人"])),
        ("mem_empty", L("membership", "entity_type", "in", [])),
        ("mem_qual", L("membership", "qualifications", "in", ["高新技术企业", "科技型中小企业"])),
        ("mem_qual_slp", L("membership", "qualifications", "in", ["小型微利企业"])),
        ("mem_qual_above", L("membership", "qualifications", "in", ["规模以上工业企业"])),
        ("mem_qual_above_or", L("membership", "qualifications", "in", ["规模以上工业企业", "高新技术企业"])),
        ("bool_sme", L("threshold", "sme", "==", True)),
        ("bool_listed_false", L("threshold", "listed", "==", False)),
        ("mem_qual_not", L("membership", "qualifications", "not_in", ["专精特新“小巨人”企业"])),
        ("mem_size", L("membership", "size_class", "in", ["中型", "小型", "微型"])),
        ("mem_size_small", L("membership", "size_class", "in", ["小型", "微型"])),
        ("mem_size_large", L("membership", "size_class", "in", ["大型"])),
        ("mem_unknown_attr", L("membership", "no_such_fact", "in", ["x"])),
        ("region_league", L("region", value=["阿拉善盟"])),
        ("region_codes", L("region", value=["152921", "150627"])),
        ("region_national", L("region", value=["全国"])),
        ("region_ar", L("region", value=["内蒙古自治区"])),
        ("date_est", L("date", "established", ">=", "2022-01-01")),
        ("date_est_between", L("date", "established", "between", ["2015-01-01", "2020-12-31"])),
        ("date_bad", L("date", "established", ">=", "去年")),
        ("fact_thr", L("threshold", "facts.登记失业人员招用人数", ">=", 3)),
        ("fact_mem", L("membership", "facts.高校毕业生招用人数", "in", [2, "3"])),
        ("fact_absent", L("threshold", "facts.不存在的事实", ">=", 1)),
        ("text", L("text", source_text="经营状况良好")),
        ("proj_kind", L("membership", "project.kind", "in", ["技术改造"])),
        ("proj_status_not", L("membership", "project.status", "not_in", ["备案"])),
        ("proj_date", L("date", "project.completed", ">=", "2024-01-01")),
        ("proj_group", ALL([L("membership", "project.kind", "in", ["节能改造", "节水改造"]),
                            L("threshold", "project.investment", ">=", 5_000_000),
                            L("threshold", "project.energy_saving_tce", "between", [100, 5000])])),
        ("proj_any", ANY([L("threshold", "project.area_mu", ">=", 500),
                          L("threshold", "project.head_count", ">=", 1000)])),
        ("all_mixed", ALL([L("membership", "size_class", "in", ["小型", "微型"]),
                           L("threshold", "age_years", ">=", 1),
                           L("text", source_text="无重大违法记录"),
                           NOT(L("membership", "tax_credit_grade", "in", ["C", "D"]))])),
        ("any_mixed", ANY([L("membership", "qualifications", "in", ["高新技术企业"]),
                           ALL([L("threshold", "rd_expense", ">=", 1e6), L("text", source_text="研发能力强")]),
                           L("threshold", "employees", ">=", 1000)])),
        ("not_any", NOT(ANY([L("membership", "industry", "in", ["J"]), L("membership", "listed", "in", [True])]))),
        ("nested", ALL([L("region", value=["鄂尔多斯市", "包头市"]),
                        ANY([NOT(L("threshold", "revenue", "<", 3e6)), L("membership", "ownership", "in", ["国有"])]),
                        L("membership", "project.kind", "in", ["技改"]),
                        L("date", "project.completed", "<=", "2025-12-31")])),
        ("empty_all", ALL([])),
        ("empty_any", ANY([])),
    ]


@pytest.fixture(scope="module")
def synthetic():
    """200 synthetic firms in a DuckDB connection, and their profiles."""
    con = duckdb.connect()
    synthetic_profiles(200, seed=7, as_of=AS_OF, con=con)
    loaded = {pid: load_profile(prof)[0] for pid, prof in table_profiles(con)}
    return con, loaded


@pytest.fixture(scope="module")
def expected(synthetic):
    """Outcome codes of the hand trees by the per-profile evaluator."""
    return _codes_by_evaluate(synthetic[1], hand_trees())


def _codes_by_evaluate(profiles, trees):
    out = {}
    for pid, prof in profiles.items():
        ctx = FactContext.build(prof, AS_OF)
        for cid, tree in trees:
            out[(pid, cid)] = OUTCOME_CODES[evaluate(tree, ctx).outcome]
    return out


def test_integer_codes_are_kleene():
    # one firm; leaves whose outcome is known: met, unmet, unknown, to_confirm
    leaves = {
        "met": L("threshold", "employees", ">=", 1),
        "unmet": L("threshold", "employees", ">=", 1000),
        "unknown": L("threshold", "revenue", ">=", 1),
        "to_confirm": L("text", source_text="经营状况良好"),
    }
    rules, want = [], {}
    for a, b in itertools.product(leaves, repeat=2):
        rules.append((f"and {a} {b}", ALL([leaves[a], leaves[b]])))
        want[f"and {a} {b}"] = combine_all([a, b])
        rules.append((f"or {a} {b}", ANY([leaves[a], leaves[b]])))
        want[f"or {a} {b}"] = combine_any([a, b])
    for a in leaves:
        rules.append((f"not {a}", NOT(leaves[a])))
        want[f"not {a}"] = negate(a)
    res = screen([{"region": "阿拉善左旗", "employees": 12}], rules, AS_OF)
    got = {c: CODE_OUTCOMES[o] for (_, c), o in res.outcome_map().items()}
    assert got == want


def test_derived_sql_agrees_with_derived_py(synthetic):
    con, profiles = synthetic
    sql = {r[0]: r[1:] for r in con.execute(
        "SELECT profile_id, size_class, sme, small_low_profit, age_years, above_scale_industrial "
        "FROM profiles").fetchall()}
    seen = set()
    above = set()
    for pid, prof in profiles.items():
        d = derive_all(prof, AS_OF)
        py = tuple(d[k].value for k in ("size_class", "sme", "small_low_profit", "age_years",
                                        "above_scale_industrial"))
        assert sql[pid] == py, (pid, prof)
        seen.add(py[0])
        above.add(py[4])
    assert above == {True, False, None}  # 规模以上工业企业: every outcome occurs
    # the sample exercises every class and the unknown case
    assert {"大型", "中型", "小型", "微型", None} <= seen or {"中型", "小型", "微型", None} <= seen


def test_batch_equals_evaluate_on_hand_trees(synthetic, expected):
    con, profiles = synthetic
    trees = hand_trees()
    res = screen(con.table("profiles"), trees, AS_OF, con=con)
    assert res.errors == {} and res.n_profiles == 200 and res.pairs == 200 * len(trees)
    assert res.profiles == "profiles"  # the complete synthetic table is used as it is
    got = res.outcome_map()
    want = expected
    diff = [(k, got.get(k), v) for k, v in want.items() if got.get(k) != v]
    assert diff == []
    # the trees are not trivial on this sample: every outcome occurs, most trees split the firms
    assert set(got.values()) == {0, 1, 2, 3}
    split = sum(1 for cid, _ in trees if len({got[(p, cid)] for p in profiles}) > 1)
    assert split >= len(trees) * 2 // 3


def test_list_of_profiles_gives_the_same_outcomes(synthetic, expected):
    con, _ = synthetic
    dicts = [prof for _, prof in table_profiles(con)]
    res = screen(dicts, hand_trees(), AS_OF)
    # list input numbers profiles 1..n in order; synthetic ids are 1..n too
    assert res.outcome_map() == expected


def test_relation_without_derived_columns_gives_the_same_outcomes(synthetic, expected):
    con, _ = synthetic
    base = [c for c in PROFILE_COLUMNS if c not in DERIVED_COLUMNS]
    res = screen(con.sql(f"SELECT {', '.join(base)} FROM profiles"), hand_trees(), AS_OF, con=con)
    assert res.profiles == "screen_profiles"
    assert res.outcome_map() == expected


def test_summary_counts_and_parquet(synthetic, tmp_path):
    con, _ = synthetic
    trees = hand_trees()[:6]
    res = screen(con.table("profiles"), trees, AS_OF, con=con)
    om = res.outcome_map()
    for s in res.summary:
        codes = [o for (p, c), o in om.items() if c == s.clause_id]
        assert (s.eligible, s.likely, s.needs_info, s.ineligible) == tuple(codes.count(k) for k in (3, 2, 1, 0))
    out = tmp_path / "eligible.parquet"
    n = res.write_eligible(out, titles={"thr_le": "从业人数不超过300人"})
    rows = duckdb.sql(f"SELECT clause_id, title, profile_id, status FROM '{out}'").fetchall()
    assert len(rows) == n == sum(s.eligible for s in res.summary)
    assert {r[3] for r in rows} == {"eligible"}
    assert all(om[(r[2], r[0])] == 3 for r in rows)
    assert any(r[1] == "从业人数不超过300人" for r in rows)


def test_xlsx_output(synthetic, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    con, _ = synthetic
    res = screen(con.table("profiles"), hand_trees()[:3], AS_OF, con=con)
    out = tmp_path / "eligible.xlsx"
    n = res.write_eligible(out, statuses=("eligible", "likely"))
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["汇总", "企业名单"]
    assert sum(1 for _ in wb["企业名单"].iter_rows()) == n + 1
    assert [c.value for c in next(wb["汇总"].iter_rows(max_row=1))][:3] == ["条款ID", "条款", "符合"]


def test_bad_input_is_reported_not_raised():
    res = screen([{"region": "伊金霍洛旗", "employees": "3200万"}, {"region": "阿拉善左旗", "employees": 3}],
                 [("c", L("threshold", "employees", "<=", 10))], AS_OF)
    assert res.n_profiles == 1 and res.outcome_map() == {(2, "c"): 3}
    assert len(res.profile_errors) == 1 and "employees" in res.profile_errors[0]
    with pytest.raises(BatchError, match="不支持的类型"):
        screen(42, [], AS_OF)
    with pytest.raises(BatchError, match="不存在"):
        screen("no_such_table", [], AS_OF, con=duckdb.connect())
    with pytest.raises(BatchError, match=r"\.parquet 或 \.xlsx"):
        res.write_eligible("out.csv")


@pytest.fixture(scope="module", params=backend_params())
def ruleset(request, tmp_path_factory):
    """Rule set of two corpus files (policy lists of 自治区 and 盟市 level),
    ingested into SQLite and, when configured, PostgreSQL."""
    from huiqi.calc.engine import load_ruleset
    from huiqi.kb.db import get_engine
    from huiqi.kb.ingest import ingest_paths

    with fresh_database(request.param, tmp_path_factory.mktemp("kb")) as url:
        engine = get_engine(url)
        ingest_paths(engine, sorted(CORPUS.glob("00[02]_*.txt")))
        rs = load_ruleset(engine)
        engine.dispose()
        yield rs


def test_batch_equals_evaluate_on_extracted_trees(synthetic, ruleset):
    con, profiles = synthetic
    rules = rules_from_ruleset(ruleset)
    assert len(rules) >= 10
    trees = [(cid, cond) for cid, cond, _ in rules]
    res = screen(con.table("profiles"), trees, AS_OF, con=con)
    assert res.outcome_map() == _codes_by_evaluate(profiles, trees)


def test_batch_status_equals_engine_match(synthetic, ruleset):
    """Scope (适用地区) included: the batch status is the engine's status."""
    from huiqi.calc.engine import match

    con, profiles = synthetic
    # a day both lists are in force: 002 「政策有效期两年」 from 2022-05-20, and the
    # 2024 list of 000 (its title's year; 2025-06-30 is after both)
    day = date(2024, 3, 1)
    rules = rules_from_ruleset(ruleset, day, machine_checkable_only=False)
    assert len(rules) >= 10
    res = screen(con.table("profiles"), rules, day, con=con)
    got = res.outcome_map()
    ids = [cid for cid, _, _ in rules]
    checkable = {e.id: is_machine_checkable(e.screening_condition(),
                                            ("text",) if e.origin == "reviewed" else ("text", "region"))
                 for e in ruleset.entries}
    statuses = set()
    for pid in list(profiles)[:40]:
        m = match(profiles[pid], day, ruleset=ruleset, clause_ids=ids)
        for r in m["results"]:
            got_status = batch_status(got[(pid, r["id"])], checkable[r["id"]])
            # the documented differences (batch_status): the SQL outcome cannot tell whether a
            # met fact of the firm carries the outcome (a met leaf inside a failed OR branch), so
            # the engine's "unchecked" may be code 2 (likely) or 3 (eligible) in the batch
            assert got_status == r["status"] or (
                r["status"] == "unchecked" and got_status in ("likely", "eligible")), (pid, r["id"])
            statuses.add(r["status"])
    assert {"eligible", "ineligible", "needs_info"} <= statuses


def test_free_facts_of_every_type_match_evaluate():
    profiles = [
        {"region": "阿拉善左旗", "facts": {"发生重大安全事故": False, "吸纳就业人数": "12", "认定日期": "2023-05-01"}},
        {"region": "阿拉善左旗", "facts": {"发生重大安全事故": True, "吸纳就业人数": 3, "认定日期": "去年"}},
        {"region": "阿拉善左旗", "facts": {"发生重大安全事故": "否", "吸纳就业人数": "三"}},
        {"region": "阿拉善左旗"},
    ]
    trees = [
        ("bool_false", L("membership", "facts.发生重大安全事故", "in", [False])),
        ("bool_text", L("membership", "facts.发生重大安全事故", "in", ["否"])),
        ("bool_not", L("membership", "facts.发生重大安全事故", "not_in", [True])),
        ("num", L("threshold", "facts.吸纳就业人数", ">=", 10)),
        ("num_between", L("threshold", "facts.吸纳就业人数", "between", [3, 12])),
        ("num_text", L("membership", "facts.吸纳就业人数", "in", ["12", 3])),
        ("date", L("date", "facts.认定日期", ">=", "2023-01-01")),
    ]
    res = screen(profiles, trees, AS_OF)
    loaded = {i + 1: load_profile(p)[0] for i, p in enumerate(profiles)}
    want = _codes_by_evaluate(loaded, trees)
    assert res.outcome_map() == want
    assert {want[(1, "num")], want[(2, "num")], want[(4, "num")]} == {3, 0, 1}


def test_project_names_and_rd_intensity_match_evaluate():
    """A project-kind test also reads the project's name, and 研发费用占营业收入比例
    follows from rd_expense and revenue: the batch path agrees with evaluate."""
    profiles = [
        {"region": "土默特左旗", "projects": [{"name": "智能制造数字化车间", "kind": "技术改造", "investment": 1.2e7}]},
        {"region": "土默特左旗", "projects": [{"name": "新厂房", "kind": "技术改造"}]},
        {"region": "土默特左旗", "projects": [{"name": "机器换人生产线"}]},
        {"region": "土默特左旗", "rd_expense": 5e6, "revenue": 6e7},
        {"region": "土默特左旗", "rd_expense": 5e6, "revenue": 6e7, "facts": {"研发费用占营业收入比例": "1%"}},
        {"region": "土默特左旗", "revenue": 6e7},
    ]
    trees = [
        ("smart", L("membership", "project.kind", "in", ["智能制造", "机器换人", "数字化改造"])),
        ("not_smart", L("membership", "project.kind", "not_in", ["智能制造"])),
        ("rd_ratio", L("threshold", "facts.研发费用占营业收入比例", ">=", 0.03)),
    ]
    res = screen(profiles, trees, AS_OF)
    loaded = {i + 1: load_profile(p)[0] for i, p in enumerate(profiles)}
    want = _codes_by_evaluate(loaded, trees)
    assert res.outcome_map() == want
    assert [want[(i, "smart")] for i in (1, 2, 3)] == [3, 0, 1]
    assert [want[(i, "rd_ratio")] for i in (4, 5, 6)] == [3, 0, 1]
