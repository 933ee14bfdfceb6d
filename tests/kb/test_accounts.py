"""Accounts (huiqi.kb.accounts), audit log (huiqi.kb.audit) and document
lifecycle (huiqi.kb.lifecycle) on a migrated SQLite database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from huiqi.kb.accounts import (
    MAX_FAILURES,
    PERM_AUDIT_READ,
    PERM_RULE_REVIEW,
    ROLE_PERMISSIONS,
    AccountError,
    LoginAttempt,
    User,
    authenticate,
    create_user,
    in_scope,
    lookup_session,
    open_session,
    principal_of,
    region_code,
    utcnow,
)
from huiqi.kb.db import session_scope

ALXA = """阿拉善左旗人民政府关于促进民营经济发展的若干措施

阿左政发〔2025〕8号

一、对年度纳税额首次超过500万元的民营企业，一次性奖励10万元。（责任单位：旗税务局）
二、本措施自2025年1月1日起施行，有效期三年。

阿拉善左旗人民政府
2024年12月20日
"""


def test_roles_and_permissions():
    assert ROLE_PERMISSIONS["enterprise"] == frozenset({"request.submit", "firm.self"})  # its own 诉求 and record only (issues 14, 13)
    assert PERM_RULE_REVIEW in ROLE_PERMISSIONS["reviewer"] and PERM_RULE_REVIEW not in ROLE_PERMISSIONS["officer"]
    assert PERM_AUDIT_READ in ROLE_PERMISSIONS["admin"] and PERM_AUDIT_READ not in ROLE_PERMISSIONS["reviewer"]


def test_region_scope():
    top, league, banner, other = (region_code(x) for x in ("内蒙古自治区", "阿拉善盟", "阿拉善左旗", "包头市"))
    assert None not in (top, league, banner, other)
    assert in_scope(None, None) and in_scope(top, banner) and in_scope(top, None)
    assert in_scope(league, banner) and in_scope(banner, banner)
    assert not in_scope(banner, league)  # a 旗 does not see its 盟's documents
    assert not in_scope(league, other) and not in_scope(banner, None)


def test_create_user_validates(engine):
    with session_scope(engine) as s:
        u = create_user(s, "officer1", "long-enough-1", "officer", "包头市民营经济发展服务局", "包头市")
        assert u.region == region_code("包头市") and u.password_hash.startswith("$argon2id$")
        assert "long-enough-1" not in u.password_hash
        for args, field in [(("officer1", "long-enough-1", "officer"), "username"),
                            (("o2", "short", "officer"), "password"),
                            (("o3", "long-enough-1", "boss"), "role"),
                            (("o4", "long-enough-1", "officer", None, "上海市"), "region"),
                            (("o5", "long-enough-1", "enterprise"), "firm_code"),
                            (("o6", "long-enough-1", "officer", None, None, "91150100MA0N123456"), "firm_code"),
                            (("a b", "long-enough-1", "officer"), "username")]:
            with pytest.raises(AccountError) as exc:
                create_user(s, *args)
            assert exc.value.field == field, args
        ent = create_user(s, "firm1", "long-enough-1", "enterprise", firm_code="91150100ma0n123456")
        assert ent.firm_code == "91150100MA0N123456"


def test_lockout_after_failures_and_expiry(engine):
    with session_scope(engine) as s:
        create_user(s, "u1", "long-enough-1", "officer")
    for i in range(MAX_FAILURES - 1):
        with session_scope(engine) as s:
            r = authenticate(s, "u1", "bad", "10.0.0.1")
            assert r.status == 401 and [e for e, _ in r.events] == ["login.failure"]
    with session_scope(engine) as s:
        r = authenticate(s, "u1", "bad", "10.0.0.1")
        assert r.status == 423 and [e for e, _ in r.events] == ["login.failure", "user.lock"]
    with session_scope(engine) as s:
        r = authenticate(s, "u1", "long-enough-1", "10.0.0.1")
        assert r.status == 423 and r.user is None  # the right password does not open a locked account
    with session_scope(engine) as s:  # the lock expires
        u = s.scalar(select(User).where(User.username == "u1"))
        u.locked_until = utcnow() - timedelta(seconds=1)
    with session_scope(engine) as s:
        r = authenticate(s, "u1", "long-enough-1", "10.0.0.1")
        assert r.user is not None and [e for e, _ in r.events] == ["user.unlock", "login.success"]
        assert r.user.failed_logins == 0 and r.user.locked_until is None
        assert s.query(LoginAttempt).count() == MAX_FAILURES + 2
    with session_scope(engine) as s:
        r = authenticate(s, "nobody", "long-enough-1", "10.0.0.1")
        assert r.status == 401 and r.message == "用户名或密码错误"


def test_sessions_expire_and_are_kind_bound(engine):
    with session_scope(engine) as s:
        u = create_user(s, "u2", "long-enough-1", "admin")
        token, row = open_session(s, u, "page", "127.0.0.1")
        assert row.token_hash != token and row.csrf_token
        api_token, _ = open_session(s, u, "api", None)
    with session_scope(engine) as s:
        assert lookup_session(s, token, "page")[0].username == "u2"
        assert lookup_session(s, token, "api") is None and lookup_session(s, api_token, "page") is None
        assert lookup_session(s, "guess", "page") is None
        from huiqi.kb.accounts import UserSession

        for r in s.scalars(select(UserSession)):
            r.expires_at = utcnow() - timedelta(seconds=1)
    with session_scope(engine) as s:
        assert lookup_session(s, token, "page") is None


def _ingest(engine, tmp_path):
    from huiqi.kb.ingest import ingest_paths

    p = tmp_path / "alxa.txt"
    p.write_text(ALXA, encoding="utf-8")
    report = ingest_paths(engine, [p])
    assert report.ok
    return report.files[0].source_file_id


def test_lifecycle_draft_edit_publish(engine, tmp_path):
    from huiqi.kb.lifecycle import (
        LifecycleError,
        StaleEdit,
        board,
        edit_metadata,
        register_upload,
        set_status,
    )
    from huiqi.kb.models import Clause
    from huiqi.kb.queries import get_document, list_documents, list_policies

    sfid = _ingest(engine, tmp_path)
    with session_scope(engine) as s:
        officer = principal_of(create_user(s, "o1", "long-enough-1", "officer", region="阿拉善盟"))
        other = principal_of(create_user(s, "p1", "long-enough-1", "officer", region="包头市"))
        ids, warnings = register_upload(s, officer, sfid)
        assert len(ids) == 1 and not warnings
    did = ids[0]
    with session_scope(engine) as s:
        assert list_documents(s) == [] and list_policies(s) == [] and get_document(s, did) is None
        assert get_document(s, did, include_hidden=True)["id"] == did
        with pytest.raises(LifecycleError) as exc:
            edit_metadata(s, other, did, {"title": "x"}, 1)
        assert exc.value.status == 404
        with pytest.raises(StaleEdit):
            edit_metadata(s, officer, did, {"validity_end": "2030-01-01"}, 0)
        before, after = edit_metadata(s, officer, did, {"validity_end": "2030-01-01"}, 1)
        assert before == {"validity_end": "2027-12-31"} and after == {"validity_end": "2030-01-01"}
        assert edit_metadata(s, officer, did, {"validity_end": "2030-01-01"}, 2) == ({}, {})  # no change
    with session_scope(engine) as s:
        v = s.scalars(select(Clause.validity).where(Clause.document_id == did)).all()
        assert v and all(x["end"] == "2030-01-01" for x in v)  # inherited validity follows the correction
        b = board(s, officer, today=date(2029, 11, 15))
        assert b["drafts"] and not b["sections"]["expiring_60"]["items"]  # drafts are not on the board lines
        assert set_status(s, officer, did, "published", 2) == ("draft", "published")
    with session_scope(engine) as s:
        assert [d["id"] for d in list_documents(s)] == [did] and list_policies(s)
        b = board(s, officer, today=date(2029, 11, 15))
        assert [d["id"] for d in b["sections"]["expiring_60"]["items"]] == [did]
        assert [d["id"] for d in b["sections"]["no_interpretation"]["items"]] == [did]
        b = board(s, officer, today=date(2030, 2, 1))
        assert [d["id"] for d in b["sections"]["expired_current"]["items"]] == [did]
        assert board(s, other)["sections"]["no_interpretation"]["items"] == []  # scope
        set_status(s, officer, did, "repealed", 3)
    with session_scope(engine) as s:
        assert list_policies(s) == []  # a repealed document leaves search and the calculator


def test_audit_record_and_list(engine):
    from huiqi.kb.audit import list_entries, record

    with session_scope(engine) as s:
        record(s, "rule.approve", user_id=7, username="r1", ip="1.2.3.4", object_type="rule_version",
               object_id=3, before={"status": "submitted"}, after={"status": "published", "on": date(2026, 1, 2)})
        record(s, "user.create", username="huiqi-cli", object_type="user", object_id=1)
    with session_scope(engine) as s:
        total, rows = list_entries(s, action="rule.")
        assert total == 1 and rows[0]["after"] == {"status": "published", "on": "2026-01-02"}
        assert rows[0]["object_id"] == "3" and rows[0]["action_label"] == "审核通过"
        assert list_entries(s)[0] == 2


def test_migration_0003_downgrades_cleanly(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from huiqi.kb.db import alembic_config, get_engine, upgrade

    engine = get_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine, "0003_accounts")
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")  # the revision before 0003_accounts
    names = set(inspect(engine).get_table_names())
    assert not names & {"users", "user_sessions", "login_attempts", "audit_log", "document_meta", "interpretations"}
    assert "documents" in names
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='trigger'").scalar() == 0
    upgrade(engine)
    assert "audit_log" in inspect(engine).get_table_names()


NEW = """阿拉善左旗人民政府关于进一步促进民营经济发展的若干措施

阿左政发〔2026〕2号

一、对年度纳税额首次超过300万元的民营企业，一次性奖励15万元。（责任单位：旗税务局）
二、本措施自印发之日起施行，《阿拉善左旗人民政府关于促进民营经济发展的若干措施》（阿左政发〔2025〕8号）同时废止。

阿拉善左旗人民政府
2026年2月1日
"""


def test_board_lists_superseded_documents_still_matched(engine, tmp_path):
    from huiqi.kb.ingest import ingest_paths
    from huiqi.kb.lifecycle import board, edit_metadata, set_status
    from huiqi.kb.models import Document

    _ingest(engine, tmp_path)
    p = tmp_path / "new.txt"
    p.write_text(NEW, encoding="utf-8")
    assert ingest_paths(engine, [p]).ok
    with session_scope(engine) as s:
        officer = principal_of(create_user(s, "o2", "long-enough-1", "officer", region="阿拉善左旗"))
        old = s.scalar(select(Document.id).where(Document.doc_number == "阿左政发〔2025〕8号"))
        new = s.scalar(select(Document.id).where(Document.doc_number == "阿左政发〔2026〕2号"))
        assert "阿左政发〔2025〕8号" in " ".join(s.get(Document, new).supersedes)
    with session_scope(engine) as s:
        items = board(s, officer, today=date(2026, 12, 6))["sections"]["superseded_matched"]["items"]
        assert [d["id"] for d in items] == [old] and "写明废止或替代" in items[0]["reason"]
    with session_scope(engine) as s:  # the fix: mark it repealed
        set_status(s, officer, old, "repealed", 0)
    with session_scope(engine) as s:
        assert board(s, officer, today=date(2026, 12, 6))["sections"]["superseded_matched"]["items"] == []
        # superseded_by set by hand also counts
        before, after = edit_metadata(s, officer, new, {"superseded_by": str(old)}, 0)
        assert after == {"superseded_by": old}
        items = board(s, officer, today=date(2026, 12, 6))["sections"]["superseded_matched"]["items"]
        assert [d["id"] for d in items] == [new] and "已登记被文件" in items[0]["reason"]
