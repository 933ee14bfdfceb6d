"""``huiqi tick`` runs the precise push: the stored firms reached by the
published rules get inbox messages and e-mail through the configured SMTP
server (a local aiosmtpd), and a second tick sends nothing again."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from huiqi.cli.app import app
from tests.services.push_env import FIRM_A, corpus_copy, store_firm
from tests.smtp_local import local_smtp


def test_tick_pushes_and_mails(corpus_url, tmp_path, monkeypatch):
    if not corpus_url.startswith("sqlite"):
        pytest.skip("copies the SQLite corpus file")
    eng = corpus_copy(corpus_url, tmp_path)
    store_firm(eng, *FIRM_A)
    url = eng.url.render_as_string(hide_password=False)
    eng.dispose()
    runner = CliRunner()
    with local_smtp() as box:
        monkeypatch.setenv("HUIQI_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("HUIQI_SMTP_PORT", str(box.port))
        monkeypatch.setenv("HUIQI_SMTP_FROM", "huiqi@test.cn")
        res = runner.invoke(app, ["tick", "--now", "2024-06-01T10:00", "--db", url, "--json"])
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        assert out["push"]["notified"] >= 3 and out["outbox"]["sent"] >= 3 and out["outbox"]["errors"] == []
        mails = box.find("jia@example.cn")
        subjects = [m["Subject"] for m in mails]
        assert any(s.startswith("【符合】47.") for s in subjects), subjects
        body = next(m for m in mails if m["Subject"].startswith("【符合】47.")).get_content()
        assert "50万元" in body and "原文：000_" in body and "链接：" in body
        res = runner.invoke(app, ["tick", "--now", "2024-06-01T10:05", "--db", url, "--json"])
        again = json.loads(res.stdout)
        assert again["push"]["notified"] == 0 and again["outbox"]["sent"] == 0
        assert len(box.find("jia@example.cn")) == len(mails)
