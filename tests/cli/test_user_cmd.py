"""``huiqi user add | list``: the first admin from one command, password from stdin."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from huiqi.cli.app import app


def test_user_add_and_list(tmp_path):
    db = str(tmp_path / "u.db")
    runner = CliRunner()
    r = runner.invoke(app, ["user", "add", "admin", "--role", "admin", "--password-stdin", "--db", db],
                      input="first-admin-pass\n")
    assert r.exit_code == 0, r.output
    assert "已创建账号" in r.output
    r = runner.invoke(app, ["user", "add", "bt", "--role", "officer", "--region", "包头市", "--unit",
                            "包头市民营经济发展服务局", "--password-stdin", "--db", db], input="officer-pass-1\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "list", "--json", "--db", db])
    users = json.loads(r.stdout)
    assert [(u["username"], u["role"], u["region_name"]) for u in users] == [
        ("admin", "admin", "全区"), ("bt", "officer", "包头市")]
    assert all("password_hash" not in u for u in users)
    # errors: one line, exit 2, nothing created
    for args, stdin, words in [
        (["user", "add", "admin", "--role", "admin", "--password-stdin"], "another-pass-1\n", "已存在"),
        (["user", "add", "x1", "--role", "boss", "--password-stdin"], "another-pass-1\n", "未知角色"),
        (["user", "add", "x2", "--role", "officer", "--password-stdin"], "short\n", "密码至少"),
        (["user", "add", "x3", "--role", "officer", "--region", "火星"], "", "--password-stdin"),
    ]:
        r = runner.invoke(app, [*args, "--db", db], input=stdin)
        assert r.exit_code == 2 and words in r.output, (args, r.output)
    r = runner.invoke(app, ["user", "list", "--json", "--db", db])
    assert len(json.loads(r.stdout)) == 2
    # the admin can log in with that password
    from huiqi.kb.accounts import authenticate
    from huiqi.kb.db import get_engine, session_scope

    with session_scope(get_engine(f"sqlite:///{db}")) as s:
        assert authenticate(s, "admin", "first-admin-pass", None).user is not None
