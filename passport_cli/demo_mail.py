"""The demo's mail server: a real SMTP server (aiosmtpd) on a loopback port that keeps every
message it receives in memory and as ``.eml`` files in a mailbox folder, so the demo can show
the reminder e-mails the wallet sends without sending anything off the machine. The tests use it
as their SMTP server too.
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.server.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.server.keep(envelope.content, envelope.rcpt_tos)
        return "250 Message accepted"


class MailServer:
    """``with MailServer(port) as mail: ... mail.messages``."""

    def __init__(self, port: int, *, mailbox: Path | None = None,
                 refuse: frozenset[str] = frozenset()) -> None:
        from aiosmtpd.controller import Controller

        self.port, self.mailbox, self.refuse = port, mailbox, refuse
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port)

    def keep(self, content: bytes, recipients: list[str]) -> None:
        message = message_from_bytes(content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.recipients.append(list(recipients))
        if self.mailbox is not None:
            from passport_web.settings import write_private

            existing = len(list(self.mailbox.glob("*.eml"))) if self.mailbox.is_dir() else 0
            write_private(self.mailbox / f"{existing + 1:04d}.eml", content)

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
