"""A local SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port):
``with local_smtp() as box: … box.messages`` (``email.message.Message``)."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy


class Box:
    """Messages received by the local server."""

    def __init__(self):
        self.messages = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 OK"

    def find(self, to: str) -> list:
        """Messages to ``to``."""
        return [m for m in self.messages if m["To"] == to]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_smtp():
    """Start an aiosmtpd server on 127.0.0.1 at a free port; yields a :class:`Box`."""
    from aiosmtpd.controller import Controller

    box = Box()
    box.port = free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=box.port)
    ctl.start()
    try:
        yield box
    finally:
        ctl.stop()
