"""Sending the outbox (发件箱发送): due messages with retries and back-off,
daily and weekly digests, through channel adapters.

Adapters (:class:`Sender`): e-mail by :class:`SmtpSender` (smtplib, the
server of :func:`huiqi.config.smtp_settings`); SMS and 企业微信 through the
same interface — a deployment plugs its gateway in with
:func:`send_due`'s ``senders``; without one the channel reports 未配置 and
the message waits for its retries, then fails.

A message is *claimed* before it is sent (its ``next_attempt_at`` moved a
lease ahead in a committed update that succeeds for one tick only), so two
ticks at once never send it twice. Failure: ``attempts`` + 1,
``last_error``, next attempt after 1, 4, 16, 64 minutes; after
:data:`MAX_ATTEMPTS` the message is ``failed``. Digest messages (batch
daily/weekly, due at their digest time) of one recipient and channel are
sent as one message.
"""

from __future__ import annotations

import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from sqlalchemy import Engine, select, update

from huiqi.kb.db import session_scope
from huiqi.kb.push import CHANNEL_SCREEN, OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT, OutboxMessage

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)
DIGEST_LABELS = {"daily": "每日汇总", "weekly": "每周汇总"}


class SendError(RuntimeError):
    """A channel could not deliver a message (Chinese message; retried)."""


class Sender(Protocol):
    """A channel adapter: ``send(recipient, subject, body)``; raises
    :class:`SendError` (or ``OSError``) when the message was not accepted."""

    def send(self, recipient: str, subject: str, body: str) -> None: ...


class Unconfigured:
    """The adapter of a channel with no gateway configured: always fails."""

    def __init__(self, label: str):
        self.label = label

    def send(self, recipient: str, subject: str, body: str) -> None:
        raise SendError(f"{self.label}通道未配置")


class SmtpSender:
    """E-mail through an SMTP server (:class:`huiqi.config.SmtpSettings`;
    plain text UTF-8, login when a user is set, STARTTLS or SSL)."""

    def __init__(self, settings=None):
        from huiqi.config import smtp_settings

        self.settings = settings or smtp_settings()

    def send(self, recipient: str, subject: str, body: str) -> None:
        st = self.settings
        if not st.host:
            raise SendError("电子邮件通道未配置（HUIQI_SMTP_HOST）")
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = st.sender, recipient, subject
        msg["Date"], msg["Message-ID"] = formatdate(localtime=True), make_msgid(domain="huiqi")
        msg.set_content(body)
        cls = smtplib.SMTP_SSL if st.security == "ssl" else smtplib.SMTP
        try:
            with cls(st.host, st.port, timeout=st.timeout) as smtp:
                if st.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if st.user:
                    smtp.login(st.user, st.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"邮件发送失败：{type(exc).__name__}: {exc}") from None


def default_senders() -> dict[str, Sender]:
    """``{channel: adapter}``: e-mail by SMTP; SMS and 企业微信 unconfigured."""
    return {"email": SmtpSender(), "sms": Unconfigured("短信"), "wecom": Unconfigured("企业微信")}


@dataclass
class OutboxReport:
    """What :func:`send_due` did: ``sent`` messages (a digest counts once),
    ``rows_sent`` outbox rows delivered, ``retried``, ``failed`` (gave up),
    ``errors`` ``[(channel, recipient, error)]``."""

    sent: int = 0
    rows_sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 4, 16, 64 … minutes."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


def _claim(engine: Engine, at: datetime, limit: int) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        due = list(s.scalars(select(OutboxMessage).where(
            OutboxMessage.status == OUTBOX_PENDING, OutboxMessage.channel != CHANNEL_SCREEN,
            OutboxMessage.next_attempt_at <= at).order_by(OutboxMessage.id).limit(limit)))
        claimed = []
        for m in due:
            res = s.execute(update(OutboxMessage).where(
                OutboxMessage.id == m.id, OutboxMessage.status == OUTBOX_PENDING,
                OutboxMessage.next_attempt_at == m.next_attempt_at).values(next_attempt_at=at + LEASE)
                .execution_options(synchronize_session=False))
            if res.rowcount == 1:
                claimed.append(m)
        s.expunge_all()
        return claimed


def _groups(rows: list[OutboxMessage]) -> list[tuple[str, str, str, str, list[OutboxMessage]]]:
    """``(channel, recipient, subject, body, rows)``: instant rows alone, digest rows per recipient."""
    out = []
    digests: dict[tuple, list[OutboxMessage]] = defaultdict(list)
    for m in rows:
        if m.batch in DIGEST_LABELS:
            digests[(m.channel, m.recipient, m.batch)].append(m)
        else:
            out.append((m.channel, m.recipient, m.subject, m.body, [m]))
    for (ch, rcpt, batch), ms in digests.items():
        subject = f"【{DIGEST_LABELS[batch]}】{len(ms)} 条政策消息"
        body = "\n\n".join(f"{i}. {m.subject}\n{m.body}" for i, m in enumerate(ms, 1))
        out.append((ch, rcpt, subject, body, ms))
    return out


def send_due(engine: Engine, at: datetime, senders: dict[str, Sender] | None = None, *,
             limit: int = 1000, max_attempts: int = MAX_ATTEMPTS) -> OutboxReport:
    """Send the outbox messages due at ``at`` (naive UTC), at most
    ``limit`` rows, through ``senders`` (default :func:`default_senders`).
    Returns an :class:`OutboxReport`; delivery errors never raise."""
    senders = senders if senders is not None else default_senders()
    rep = OutboxReport()
    for channel, recipient, subject, body, rows in _groups(_claim(engine, at, limit)):
        sender = senders.get(channel) or Unconfigured(channel)
        try:
            sender.send(recipient, subject, body)
            error = None
        except (SendError, OSError) as exc:
            error = str(exc) or type(exc).__name__
        with session_scope(engine) as s:
            for m in rows:
                row = s.get(OutboxMessage, m.id)
                row.attempts += 1
                if error is None:
                    row.status, row.sent_at, row.last_error = OUTBOX_SENT, at, None
                elif row.attempts >= max_attempts:
                    row.status, row.last_error = OUTBOX_FAILED, error
                else:
                    row.next_attempt_at, row.last_error = at + backoff(row.attempts), error
        if error is None:
            rep.sent += 1
            rep.rows_sent += len(rows)
        else:
            rep.errors.append((channel, recipient, error))
            if rows[0].attempts + 1 >= max_attempts:
                rep.failed += 1
            else:
                rep.retried += 1
    return rep
