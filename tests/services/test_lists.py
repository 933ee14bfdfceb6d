"""免申即享 lists on the real corpus and the example register: only a
published reviewed rule feeds a paying list, frozen inputs and citations,
risk flags, decisions with reasons and optimistic locking, four-eyes
approval with the meeting reference, 公示 on the working-day calendar,
public objections (validated, rate limited, upheld → excluded), 兑现
through the transition table, exports, and a rule change after approval
(the list is unchanged, the diff shows the change)."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from huiqi.kb import lists as m
from huiqi.kb.db import get_engine, session_scope
from huiqi.kb.models import SourceFile
from huiqi.services import list_payments as pay
from huiqi.services import list_reports as rep
from huiqi.services import lists as svc
from huiqi.services.firms import import_register
from huiqi.services.requests import parse_now
from tests.services.firms_env import uscc
from tests.services.lists_env import AWARD_KEY, make_accounts, principal, register_file, retire_reviewed

AS_OF = date(2024, 6, 1)
T0 = parse_now("2026-09-30T09:00")       # before the 国庆 holidays


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """``(engine, P)`` over a copy of the corpus KB with the example
    register imported (firm 3 has a bank account, firm 12 a 失信 fact)."""
    from tests.services.lists_env import corpus_copy

    tmp = tmp_path_factory.mktemp("lists")
    eng = get_engine(corpus_copy(tmp))
    make_accounts(eng)
    import_register(eng, register_file(tmp, bank={3: "6222020200112233445"}, extra={12: {"事实.失信": "是"}}),
                    "市场监管", "t", as_of=date(2025, 12, 31))
    yield eng, {n: principal(eng, n) for n in ("zhang", "li", "als", "firm3")}
    eng.dispose()


@pytest.fixture(scope="module")
def ruleset(kb):
    from huiqi.calc.engine import load_ruleset

    return load_ruleset(kb[0])


def _tx(engine, fn):
    with session_scope(engine) as s:
        return fn(s)


def _err(engine, fn) -> svc.ListError:
    with pytest.raises(svc.ListError) as exc:
        _tx(engine, fn)
    return exc.value


def _new_list(engine, ruleset, P, mode="B", who="zhang"):
    return _tx(engine, lambda s: svc.create_list(s, P[who], AWARD_KEY, mode, AS_OF, ruleset, now=T0).id)


def test_only_published_reviewed_rules_feed_money(kb, ruleset):
    engine, P = kb
    unchecked = next(e for e in ruleset.entries if e.unchecked)
    assert _err(engine, lambda s: svc.create_list(s, P["zhang"], unchecked.id, "A", AS_OF, ruleset)).status == 422
    assert _err(engine, lambda s: svc.create_list(s, P["firm3"], AWARD_KEY, "B", AS_OF, ruleset)).status == 403
    extracted = next(e for e in ruleset.entries if e.origin == "extracted" and not e.unchecked and e.rule.benefit)
    e = _err(engine, lambda s: svc.create_list(s, P["zhang"], extracted.id, "B", AS_OF, ruleset))
    assert e.status == 422 and "已审核发布的规则" in e.message
    assert _err(engine, lambda s: svc.create_list(s, P["zhang"], AWARD_KEY, "E", AS_OF, ruleset)).field == "mode"


def test_create_freezes_inputs_cites_and_flags(kb, ruleset):
    engine, P = kb
    lid = _new_list(engine, ruleset, P)
    v = _tx(engine, lambda s: rep.list_view(s, P["zhang"], s.get(m.BenefitList, lid)))
    firms = {f["code"]: f for f in v["firms"]}
    assert set(firms) == {uscc(3), uscc(20)}       # the two 专精特新 firms of the register
    assert all(f["amount_yuan"] == 500_000 and f["decision"] == "include" for f in firms.values())
    assert firms[uscc(20)]["risk_flags"] == ["缺少银行账户"] and firms[uscc(3)]["risk_flags"] == []
    assert v["rule_origin"] == "reviewed" and v["rule_version_id"] and v["snapshot"]["rule_version_ids"]
    assert len(v["snapshot"]["profiles"]) == 20 and v["snapshot"]["as_of"] == "2024-06-01"
    # every entry cites the clause's file and lines; the line holds the policy text
    cite = firms[uscc(3)]["citation"]
    text = _tx(engine, lambda s: s.scalar(select(SourceFile.text).where(SourceFile.name == cite["file"],
                                                                         SourceFile.is_current.is_(True))))
    lines = text.split("\n")[cite["start_line"] - 1:cite["end_line"]]
    assert "“专精特新”中小企业" in "".join(lines) and "50万元" in "".join(lines)
    # the 盟 officer's list only screens firms of 阿拉善盟
    lid2 = _new_list(engine, ruleset, P, who="als")
    v2 = _tx(engine, lambda s: rep.list_view(s, P["als"], s.get(m.BenefitList, lid2)))
    assert [f["code"] for f in v2["firms"]] == [uscc(20)] and set(v2["snapshot"]["profiles"]) <= {
        uscc(i) for i in (1, 4, 5, 8, 13, 20)}   # 阿拉善左旗/右旗/额济纳旗 (13: code 152921)
    assert _err(engine, lambda s: svc.get_list(s, P["als"], lid)).status == 404   # whole-region list: out of scope


def test_review_approval_publicity_objections_payments(kb, ruleset, monkeypatch):
    engine, P = kb
    lid = _new_list(engine, ruleset, P)
    zhang, li = P["zhang"], P["li"]
    e = _err(engine, lambda s: svc.decide_entry(s, zhang, lid, uscc(20), "exclude", "  ", now=T0))
    assert e.status == 422 and e.field == "reason"
    ver = _tx(engine, lambda s: svc._entry(s, s.get(m.BenefitList, lid), uscc(20)).version)
    _tx(engine, lambda s: svc.decide_entry(s, zhang, lid, uscc(20), "exclude", "未提供银行账户，转线下申报", None, ver, T0))
    # a second officer working on the page loaded before: stale version → 409
    assert _err(engine, lambda s: svc.decide_entry(s, li, lid, uscc(20), "include", None, None, ver, T0)).status == 409
    _tx(engine, lambda s: svc.submit(s, zhang, lid, now=T0))
    assert _err(engine, lambda s: svc.decide_entry(s, zhang, lid, uscc(3), "hold", None, now=T0)).status == 409
    # four eyes: the author cannot approve even with the approve permission; a meeting is required
    assert _err(engine, lambda s: svc.approve(s, zhang, lid, "2026年第9次党组会纪要", now=T0)).status == 403
    author_reviewer = _err(engine, lambda s: svc.approve(s, li.__class__(**{**li.__dict__, "username": "zhang"}),
                                                         lid, "2026年第9次党组会纪要", now=T0))
    assert author_reviewer.status == 403 and "四眼原则" in author_reviewer.message
    assert _err(engine, lambda s: svc.approve(s, li, lid, "同意", now=T0)).field == "meeting_ref"
    _tx(engine, lambda s: svc.approve(s, li, lid, "2026年第9次党组会纪要", now=T0))
    bl = _tx(engine, lambda s: svc.publicize(s, zhang, lid, 5, now=T0))
    # 09-30 not counted; 10-01…10-07 国庆中秋 holidays; 10-08, 10-09, 10-10 (a 调休 Saturday), 10-12, 10-13
    assert (bl.publicity_start, bl.publicity_end) == (date(2026, 9, 30), date(2026, 10, 13))
    # 精准推送: the included firm is told in the same transaction (inbox), the excluded one is not
    from huiqi.kb.requests import Notification

    notes = _tx(engine, lambda s: [(n.recipient, n.text) for n in s.query(Notification).filter_by(kind="push")])
    assert [r for r, _ in notes] == [uscc(3)]
    assert notes[0][1].startswith("【免申即享名单公示】") and "2026-09-30 至 2026-10-13" in notes[0][1]
    assert "无需申请" in notes[0][1] and "原文：" in notes[0][1] and "/gongshi/" in notes[0][1]
    pub = _tx(engine, lambda s: rep.public_view(s, lid, T0))
    assert [r["主体"] for r in pub["rows"]] == ["示例·草原乳业科技股份公司（虚构）"] and pub["open"]
    assert set(pub["rows"][0]) == {"entry_id", "主体", "依据", "金额", "内容"}
    assert "6222" not in repr(pub) and uscc(3) not in repr(pub)
    entry_id = pub["rows"][0]["entry_id"]
    t1 = parse_now("2026-10-09T10:00")
    assert _err(engine, lambda s: svc.file_objection(s, lid, entry_id, "短", "王", "13900001234", "1.2.3.4", t1)).field == "content"
    assert _err(engine, lambda s: svc.file_objection(s, lid, entry_id, "该企业已注销多年", "王", "12345", "1.2.3.4", t1)).field == "contact_phone"
    oid = _tx(engine, lambda s: svc.file_objection(s, lid, entry_id, "该企业认定已被撤销，不应享受", "王", "13900001234",
                                                  "1.2.3.4", t1).id)
    for _ in range(svc.MAX_OBJECTIONS):
        _tx(engine, lambda s: svc.file_objection(s, lid, entry_id, "重复提交的异议内容", None, "13900001234", "5.6.7.8", t1))
    assert _err(engine, lambda s: svc.file_objection(s, lid, entry_id, "第六次提交的异议", None, "13900001234", "5.6.7.8",
                                                     t1)).status == 429
    # payments wait for the end of the 公示 (and for pending objections)
    t_end = parse_now("2026-10-13T16:00")
    assert _err(engine, lambda s: pay.record_payment(s, zhang, lid, uscc(3), "notify", now=t_end)).status == 409
    t2 = parse_now("2026-10-14T09:00")
    assert _err(engine, lambda s: pay.record_payment(s, zhang, lid, uscc(3), "notify", now=t2)).status == 409  # objections pending
    assert _err(engine, lambda s: svc.file_objection(s, lid, entry_id, "公示期后提交的异议", None, "13900001234", "9.9.9.9",
                                                     t2)).status == 409
    _tx(engine, lambda s: svc.decide_objection(s, zhang, lid, oid, False, "核查认定文件，资质有效", t2))
    for o in _tx(engine, lambda s: [x.id for x in s.query(m.ListObjection).filter_by(status="pending")]):
        _tx(engine, lambda s, o=o: svc.decide_objection(s, zhang, lid, o, False, "重复异议，已合并核查", t2))
    steps = [("notify", {}), ("request", {}), ("failed", {"note": "账户已销户"}), ("fix_account", {"account": "6222999"}),
             ("request", {}), ("paid", {"ref": "财拨〔2026〕101号"})]
    assert _err(engine, lambda s: pay.record_payment(s, zhang, lid, uscc(3), "paid", ref="x", now=t2)).status == 409
    assert _err(engine, lambda s: pay.record_payment(s, zhang, lid, uscc(3), "confirm", now=t2)).status == 409  # mode C only
    for action, kw in steps:
        _tx(engine, lambda s, a=action, k=kw: pay.record_payment(s, zhang, lid, uscc(3), a, now=t2, **k))
    assert _err(engine, lambda s: pay.record_payment(s, zhang, lid, uscc(20), "notify", now=t2)).status == 409  # excluded
    assert _err(engine, lambda s: pay.record_payment(s, zhang, lid, uscc(3), "clawback", now=t2)).field == "note"
    v = _tx(engine, lambda s: rep.list_view(s, zhang, s.get(m.BenefitList, lid)))
    f3 = next(f for f in v["firms"] if f["code"] == uscc(3))
    assert f3["pay_status"] == "paid" and f3["timeliness"]["days"] == 6 and f3["timeliness"]["paid"]
    # exports: 公示 never holds codes or accounts; the payment file does; the 台账 has the trail
    bl = _tx(engine, lambda s: s.get(m.BenefitList, lid))
    books = {k: load_workbook(BytesIO(_tx(engine, lambda s, k=k: rep.export_xlsx(s, s.get(m.BenefitList, lid), k))))
             for k in rep.EXPORT_KINDS}
    gs = [list(r) for r in books["公示"]["公示名单"].iter_rows(values_only=True)]
    assert gs[0] == ["序号", "主体", "依据", "金额（元）", "内容"] and gs[1][1] == "示例·草原乳业科技股份公司（虚构）"
    assert gs[1][3] == 500000 and f"第{bl.start_line}–{bl.end_line}行" in gs[1][2] and len(gs) == 2
    payrows = [list(r) for r in books["payment"]["拨付清单"].iter_rows(values_only=True)]
    assert payrows[1][2:5] == [uscc(3), 500000, "6222999"]
    ledger = [list(r) for r in books["台账"]["兑现过程"].iter_rows(values_only=True)]
    assert [r[3] for r in ledger[1:]] == [a for a, _ in steps]
    taizhang = [list(r) for r in books["台账"]["兑现台账"].iter_rows(values_only=True)]
    assert {r[4] for r in taizhang[1:]} == {"纳入", "剔除"} and any(r[5] == "未提供银行账户，转线下申报" for r in taizhang)


def test_same_policy_in_another_document_is_flagged(kb, ruleset):
    """The 伊金霍洛旗 compilation reprints the 自治区 award (a policy cluster): a firm on
    an approved list of the original is flagged on a list of the reprint."""
    engine, P = kb
    lid = _new_list(engine, ruleset, P)
    _tx(engine, lambda s: svc.submit(s, P["zhang"], lid, now=T0))
    _tx(engine, lambda s: svc.approve(s, P["li"], lid, "2026年第10次党组会纪要", now=T0))
    reprint = next(e for e in ruleset.entries if e.key != AWARD_KEY and e.authority_id == ruleset.get(AWARD_KEY).id
                   and e.origin == "reviewed")
    lid2 = _tx(engine, lambda s: svc.create_list(s, P["zhang"], reprint.key, "B", AS_OF, ruleset, now=T0).id)
    v = _tx(engine, lambda s: rep.list_view(s, P["zhang"], s.get(m.BenefitList, lid2)))
    assert v["citation"]["file"] != _tx(
        engine, lambda s: s.get(m.BenefitList, lid).source_file)
    flags = {f["code"]: f["risk_flags"] for f in v["firms"]}   # the reprint is the 自治区 policy: both firms match
    assert flags == {uscc(3): ["已享受同一政策"], uscc(20): ["缺少银行账户", "已享受同一政策"]}
    assert AWARD_KEY in v["snapshot"]["policy_keys"] and reprint.key in v["snapshot"]["policy_keys"]


def test_rule_change_after_approval_leaves_list_and_gives_diff(kb, ruleset):
    from huiqi.calc.engine import load_ruleset
    from huiqi.rules import review

    engine, P = kb
    lid = _new_list(engine, ruleset, P)
    _tx(engine, lambda s: svc.submit(s, P["zhang"], lid, now=T0))
    _tx(engine, lambda s: svc.approve(s, P["li"], lid, "行署会议纪要〔2026〕7号", now=T0))
    body = retire_reviewed(engine)
    for track in body["tracks"]:
        if track["name"] == "专精特新中小企业":
            track["benefit"]["amount_yuan"] = 600000
    clause_id = ruleset.get(AWARD_KEY).id
    vid = _tx(engine, lambda s: review.save_draft(s, clause_id, body, "zhang").id)
    _tx(engine, lambda s: review.submit(s, vid, "zhang"))
    _tx(engine, lambda s: review.approve(s, vid, "li"))
    rs2 = load_ruleset(engine)
    v = _tx(engine, lambda s: rep.list_view(s, P["zhang"], s.get(m.BenefitList, lid)))
    assert v["status"] == "approved" and {f["amount_yuan"] for f in v["firms"]} == {500000}
    diff = _tx(engine, lambda s: rep.rescreen_diff(s, P["zhang"], s.get(m.BenefitList, lid), rs2, AS_OF))
    assert diff["rule_version_id"]["new"] == vid and diff["rule_version_id"]["old"] != vid
    assert diff["amount_changed"] == [{"code": uscc(3), "old": 500000, "new": 600000},
                                      {"code": uscc(20), "old": 500000, "new": 600000}]
    assert diff["added"] == [] and diff["removed"] == []
