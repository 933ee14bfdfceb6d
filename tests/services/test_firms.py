"""Firm register (一企一档): importing the bundled example register as facts,
per-row errors, re-import idempotence, derivation by source priority,
qualification lists, who sees which firm and which facts, corrections."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from huiqi.kb import firms as fm
from huiqi.kb.db import get_engine, session_scope, upgrade
from huiqi.services.firm_views import decide_correction, file_correction, firm_view
from huiqi.services.firms import FactIn, FirmError, check_uscc, derive_profile, firm_profile, import_register
from tests.dbs import backend_params, fresh_database
from tests.services.firms_env import example_rows, uscc, write_register
from tests.services.lists_env import make_accounts, principal


@pytest.fixture(params=backend_params())
def engine(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        eng = get_engine(url)
        upgrade(eng)
        yield eng
        eng.dispose()


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_uscc_check_character():
    assert check_uscc(" " + uscc(7).lower()) == uscc(7)
    bad = uscc(7)[:17] + ("0" if uscc(7)[17] != "0" else "1")
    with pytest.raises(ValueError, match="校验码不符"):
        check_uscc(bad)
    with pytest.raises(ValueError, match="格式不符"):
        check_uscc("示例-0001")


def test_import_example_register_then_reimport(engine, tmp_path):
    path = write_register(tmp_path / "企业名录.csv", example_rows())
    rep = import_register(engine, path, "市场监管", "tester", as_of=date(2025, 12, 31))
    assert (rep.n_rows, rep.n_firms, rep.n_new, rep.errors) == (20, 20, 20, [])
    assert len(rep.changed) == 20 and rep.n_facts == _count(engine, fm.FirmFact)
    with session_scope(engine) as s:
        p = firm_profile(s, uscc(3))
        assert p.name == "示例·草原乳业科技股份公司（虚构）" and p.employees == 180 and p.revenue == 260_000_000
        assert p.qualifications == ["高新技术企业", "专精特新中小企业"] and p.projects[0].kind == "技术改造"
        firm = s.scalar(select(fm.Firm).where(fm.Firm.code == uscc(3)))
        assert firm.region == "150627"  # 伊金霍洛旗
        assert s.get(fm.FirmProfileRow, uscc(3)).version == 1
        imp = s.get(fm.FirmImport, rep.import_id)
        assert (imp.source, imp.actor, imp.n_firms, len(imp.changed)) == ("市场监管", "tester", 20, 20)
    again = import_register(engine, path, "市场监管", "tester", as_of=date(2025, 12, 31))
    assert (again.n_facts, again.changed, again.n_new) == (0, [], 0)
    assert _count(engine, fm.Firm) == 20


def test_bad_rows_are_reported_and_the_rest_stored(engine, tmp_path):
    rows = example_rows()[:4]
    rows[1]["统一社会信用代码"] = rows[1]["统一社会信用代码"][:17] + "Z"   # wrong check character (Z is not in the alphabet)
    rows[2]["从业人员"] = "很多"
    rows[3]["统一社会信用代码"] = ""
    rep = import_register(engine, write_register(tmp_path / "r.csv", rows), "市场监管", "t")
    lines = [e.line() for e in rep.errors]
    assert rep.n_firms == 1 and len(lines) == 3
    assert lines[0].startswith("第3行（统一社会信用代码）") and "格式不符" in lines[0]
    assert lines[1].startswith("第4行（从业人员）")
    assert lines[2] == "第5行（统一社会信用代码）：缺少统一社会信用代码"
    with pytest.raises(FirmError, match="未知数据来源"):
        import_register(engine, tmp_path / "r.csv", "百度", "t")


def test_source_priority_and_newest_within_tier():
    facts = [FactIn("employees", 180, "市场监管", date(2025, 1, 1), 1),
             FactIn("employees", 999, "企业自报", date(2026, 6, 1), 2),     # newer, but self-report
             FactIn("revenue", 1e6, "市场监管", date(2025, 1, 1), 3),
             FactIn("revenue", 2e6, "税务", date(2025, 12, 31), 4),          # official, newer: wins
             FactIn("facts.银行账号", "6222", "企业自报", date(2026, 1, 1), 5),  # no official fact: self-report fills
             FactIn("qualifications", ["高新技术企业"], "市场监管", date(2025, 1, 1), 6),
             FactIn("qualifications", ["专精特新中小企业"], "资质名单", date(2025, 6, 1), 7)]
    profile, prov = derive_profile(facts)
    assert profile["employees"] == 180 and prov["employees"] == {"source": "市场监管", "as_of": "2025-01-01"}
    assert profile["revenue"] == 2e6 and prov["revenue"]["source"] == "税务"
    assert profile["facts"] == {"银行账号": "6222"} and prov["facts.银行账号"]["source"] == "企业自报"
    assert profile["qualifications"] == ["高新技术企业", "专精特新中小企业"]
    assert prov["qualifications"]["source"] == "市场监管、资质名单"


def test_qualification_list_and_self_report(engine, tmp_path):
    import_register(engine, write_register(tmp_path / "r.csv", example_rows()), "市场监管", "t", as_of=date(2025, 1, 1))
    listing = [{"企业名称": "示例·东胜云智软件有限公司（虚构）", "统一社会信用代码": uscc(7), "注册地": "鄂尔多斯市东胜区"},
               {"企业名称": "示例·乌海绿能化工有限公司（虚构）", "统一社会信用代码": uscc(10), "注册地": "乌海市"}]
    rep = import_register(engine, write_register(tmp_path / "2025年专精特新中小企业名单.csv", listing), "资质名单", "t",
                          as_of=date(2025, 6, 1))
    assert rep.changed == sorted([uscc(7), uscc(10)]) and rep.n_new == 0
    with session_scope(engine) as s:
        assert firm_profile(s, uscc(7)).qualifications == ["科技型中小企业", "高新技术企业", "专精特新中小企业"]
        assert s.get(fm.FirmProfileRow, uscc(7)).version == 2
    # a list whose name names no qualification and has no 资质 column is refused row by row
    rep = import_register(engine, write_register(tmp_path / "名单.csv", listing), "资质名单", "t")
    assert rep.n_firms == 0 and all("资质名单应有资质列" in e.message for e in rep.errors)
    # a firm's self-report does not override the register's employees
    rows = [{"统一社会信用代码": uscc(7), "注册地": "鄂尔多斯市东胜区", "从业人员": "999"}]
    import_register(engine, write_register(tmp_path / "self.csv", rows), "企业自报", "t", as_of=date(2026, 1, 1))
    with session_scope(engine) as s:
        assert firm_profile(s, uscc(7)).employees == 45


def test_visibility_sensitive_facts_and_corrections(engine, tmp_path):
    make_accounts(engine)
    import_register(engine, write_register(tmp_path / "r.csv", example_rows()), "市场监管", "t", as_of=date(2025, 1, 1))
    firm3, als, zhang, li = (principal(engine, n) for n in ("firm3", "als", "zhang", "li"))
    with session_scope(engine) as s:
        own = firm_view(s, firm3, uscc(3))
        assert own["profile"]["revenue"] == 260_000_000 and not own["sensitive_hidden"]
        with pytest.raises(FirmError) as exc:
            firm_view(s, firm3, uscc(20))
        assert exc.value.status == 404
        # the 阿拉善盟 officer sees the 阿拉善左旗 firm, not the 伊金霍洛旗 one
        assert firm_view(s, als, uscc(20))["region_name"] == "阿拉善左旗"
        with pytest.raises(FirmError):
            firm_view(s, als, uscc(3))
        masked = firm_view(s, zhang, uscc(3))
        assert masked["profile"]["revenue"]["hidden"] and masked["profile"]["industry"] == "C1441"
        assert all(f["value"] == {"hidden": True, "reason": "涉税、社保数据：当前角色无权查看"}
                   for f in masked["facts"] if f["key"] in ("revenue", "employees"))
        assert firm_view(s, li, uscc(3))["profile"]["revenue"] == 260_000_000
    with session_scope(engine) as s:
        with pytest.raises(FirmError, match="应为整数人数"):
            file_correction(s, firm3, uscc(3), "employees", "很多", None)
        with pytest.raises(FirmError) as exc:
            file_correction(s, zhang, uscc(3), "employees", 185, None)
        assert exc.value.status == 403
        cid = file_correction(s, firm3, uscc(3), "employees", "185", "2025年末参保185人").id
    with session_scope(engine) as s:
        with pytest.raises(FirmError, match="理由"):
            decide_correction(s, zhang, cid, False, "")
        with pytest.raises(FirmError) as exc:
            decide_correction(s, als, cid, True)   # outside the 盟 officer's scope
        assert exc.value.status == 404
        c, changed = decide_correction(s, zhang, cid, True, "核对社保参保记录")
        assert c.status == "confirmed" and changed == [uscc(3)]
    with session_scope(engine) as s:
        view = firm_view(s, li, uscc(3))
        assert view["profile"]["employees"] == 185 and view["sources"]["employees"]["source"] == "工作人员核实"
        assert view["profile_version"] == 2
        with pytest.raises(FirmError) as exc:
            decide_correction(s, zhang, cid, True)
        assert exc.value.status == 409
