"""Helpers for the end-to-end step "the firms the published rule reaches get
an inbox message and an e-mail (local SMTP)" of the 免申即享 Playwright
test (issue 13). Drop-in use, after the officer has imported the register
and a second officer has approved the reviewed rule::

    from tests.smtp_local import local_smtp
    from tests.web.push_e2e import deliver_push, assert_firm_reached

    with local_smtp() as box:
        deliver_push(engine, box, now)                # push pass + due outbox → the local SMTP server
        assert_firm_reached(page, live_server, "firm_user", PASSWORD, box,
                            email="jia@example.cn", title_part="47.")

The approve route already starts a push pass in a background thread
(:func:`huiqi.web.push_api.push_soon`); :func:`deliver_push` runs one more
(idempotent, serialised by the mirror lock) so the step does not race it.
The firm's e-mail comes from its register row (column ``事实.联系邮箱``) or
from its 政策我能享受的 subscription with the e-mail channel.
"""

from __future__ import annotations

import re
import time
from datetime import datetime


def deliver_push(engine, box, at: datetime | None = None) -> tuple:
    """Run :func:`huiqi.services.push.process` and send the due outbox
    messages to the local SMTP server ``box`` (:func:`tests.smtp_local.local_smtp`).
    Returns ``(PushReport, OutboxReport)``."""
    from huiqi.config import SmtpSettings
    from huiqi.services.outbox import SmtpSender, send_due
    from huiqi.services.push import process
    from huiqi.services.requests import now_utc

    at = at or now_utc()
    pushed = process(engine, at)
    sent = send_due(engine, at, {"email": SmtpSender(SmtpSettings(host="127.0.0.1", port=box.port,
                                                                  sender="huiqi@test.cn"))})
    return pushed, sent


def assert_firm_reached(page, base_url: str, username: str, password: str, box, *, email: str,
                        title_part: str, timeout_s: float = 10.0) -> str:
    """Log in as the firm's account, open 站内信 (``/inbox``) and check a
    【符合】 message naming ``title_part`` with its 原文 citation; check the
    e-mail to ``email`` with the same subject arrived at ``box``. Returns
    the subject."""
    page.goto(f"{base_url}/officer/login?next=/inbox")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(inbox|requests).*"))
    page.goto(f"{base_url}/inbox")
    item = page.locator("#inbox .inbox-item", has_text=title_part).first
    item.wait_for(timeout=timeout_s * 1000)
    subject = item.locator("summary").inner_text().split("\n")[0].strip()
    assert "【符合" in subject, subject
    item.locator("summary").click()
    assert re.search(r"原文：\S+ 第\d+(–\d+)?行", item.inner_text())
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not box.find(email):
        time.sleep(0.1)
    mails = [m for m in box.find(email) if title_part in m["Subject"]]
    assert mails, [m["Subject"] for m in box.messages]
    assert "原文：" in mails[0].get_content() and "链接：" in mails[0].get_content()
    return subject
