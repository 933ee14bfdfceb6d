"""Sending the outbox: e-mail to a local SMTP server (aiosmtpd), digests,
retries with back-off, the SMS / 企业微信 adapter interface with a fake."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from huiqi.config import SmtpSettings
from huiqi.kb.db import get_engine, session_scope, upgrade
from huiqi.kb.push import OutboxMessage
from huiqi.services.outbox import SendError, SmtpSender, send_due
from huiqi.services.push_message import due_at
from tests.smtp_local import local_smtp

AT = datetime(2026, 10, 12, 2, 0)  # Monday 10:00 Beijing


class FakeSms:
    """SMS adapter that fails ``fail`` times, then records the messages."""

    def __init__(self, fail: int = 0):
        self.fail, self.sent = fail, []

    def send(self, recipient, subject, body):
        if self.fail:
            self.fail -= 1
            raise SendError("短信网关超时")
        self.sent.append((recipient, subject))


@pytest.fixture
def eng(tmp_path):
    e = get_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(e)
    yield e
    e.dispose()


def _add(eng, channel, recipient, subject, key, batch="instant"):
    with session_scope(eng) as s:
        s.add(OutboxMessage(channel=channel, recipient=recipient, subject=subject, body=f"正文：{subject}\n原文：x.txt 第1–2行",
                            dedupe_key=key, status="pending", batch=batch, attempts=0,
                            next_attempt_at=due_at(batch, AT), created_at=AT))


def _rows(eng):
    with session_scope(eng) as s:
        return {m.dedupe_key: (m.status, m.attempts, m.last_error) for m in s.scalars(select(OutboxMessage))}


def test_email_digest_and_sms_retry(eng):
    _add(eng, "email", "jia@example.cn", "【符合】47.专精特新奖励", "k1")
    _add(eng, "email", "yi@example.cn", "【政策更新】甲", "k2", "daily")
    _add(eng, "email", "yi@example.cn", "【政策更新】乙", "k3", "daily")
    _add(eng, "sms", "13800000000", "【符合】短信", "k4")
    sms = FakeSms(fail=1)
    with local_smtp() as box:
        senders = {"email": SmtpSender(SmtpSettings(host="127.0.0.1", port=box.port, sender="huiqi@test.cn")),
                   "sms": sms}
        rep = send_due(eng, AT, senders)
        assert rep.sent == 1 and rep.retried == 1
        (m,) = box.find("jia@example.cn")
        assert m["Subject"] == "【符合】47.专精特新奖励" and "原文：x.txt 第1–2行" in m.get_content()
        assert not box.find("yi@example.cn")  # the daily digest waits for 08:00 tomorrow
        assert _rows(eng)["k4"][:2] == ("pending", 1)
        # the SMS retry is due after 1 minute; the digest the next morning
        rep = send_due(eng, AT + timedelta(minutes=1), senders)
        assert rep.sent == 1 and sms.sent == [("13800000000", "【符合】短信")]
        rep = send_due(eng, due_at("daily", AT), senders)
        (d,) = box.find("yi@example.cn")
        assert d["Subject"] == "【每日汇总】2 条政策消息" and "甲" in d.get_content() and "乙" in d.get_content()
        # nothing is sent twice
        assert send_due(eng, AT + timedelta(days=3), senders).sent == 0
        assert len(box.messages) == 2
    assert {k: v[0] for k, v in _rows(eng).items()} == {"k1": "sent", "k2": "sent", "k3": "sent", "k4": "sent"}


def test_smtp_down_backs_off_then_fails(eng):
    from tests.smtp_local import free_port

    _add(eng, "email", "jia@example.cn", "【符合】47", "k1")
    senders = {"email": SmtpSender(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2))}
    at = AT
    for attempt in range(1, 6):
        rep = send_due(eng, at, senders)
        assert rep.sent == 0 and len(rep.errors) == 1
        status, attempts, error = _rows(eng)["k1"]
        assert attempts == attempt and "邮件发送失败" in error
        assert send_due(eng, at + timedelta(seconds=30), senders).errors == []  # not due before its back-off
        at = at + timedelta(minutes=4 ** (attempt - 1))
    assert status == "failed" and rep.failed == 1


def test_unconfigured_email_is_a_clear_error(eng, monkeypatch):
    monkeypatch.delenv("HUIQI_SMTP_HOST", raising=False)
    _add(eng, "email", "jia@example.cn", "【符合】47", "k1")
    rep = send_due(eng, AT)
    assert rep.errors == [("email", "jia@example.cn", "电子邮件通道未配置（HUIQI_SMTP_HOST）")]
