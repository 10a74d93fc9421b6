"""Sending e-mail through the operator's own SMTP relay (RFC 5321), for reminders.

Settings come from the environment like every other setting:
  SMTP_HOST, SMTP_PORT (default 587), SMTP_SECURITY = starttls (default) | ssl | none,
  SMTP_USER, SMTP_PASSWORD (both optional: some relays trust the network), SMTP_FROM,
  SMTP_TIMEOUT (seconds, default 30).
``none`` sends in clear text and is meant for a relay on the same machine (or the demo's).
With STARTTLS or SSL the server's certificate is checked against the system's CAs (or
PASSPORT_CA_BUNDLE), never skipped. No tracking: plain text only, no images, no pixels.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from passport_vc.errors import ConfigError, PassportError

SECURITY = ("starttls", "ssl", "none")


class MailError(PassportError):
    """The relay refused the message or could not be reached."""

    title = "The mail server did not take the message"
    status = 502


@dataclass(frozen=True)
class MailSettings:
    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    ca_bundle: str | None = None

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ConfigError(f"SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        if not 0 < self.port < 65536:
            raise ConfigError("SMTP_PORT must be a port number")
        if "@" not in self.sender:
            raise ConfigError("SMTP_FROM must be an e-mail address")

    @classmethod
    def from_env(cls, environ=os.environ) -> MailSettings | None:
        """The settings, or None when SMTP_HOST is not set (no e-mail is sent)."""
        host = environ.get("SMTP_HOST", "").strip()
        if not host:
            return None
        security = environ.get("SMTP_SECURITY", "starttls").strip().lower()
        default_port = {"ssl": 465, "starttls": 587, "none": 25}.get(security, 587)
        try:
            port = int(environ.get("SMTP_PORT") or default_port)
            timeout = float(environ.get("SMTP_TIMEOUT") or 30)
        except ValueError:
            raise ConfigError("SMTP_PORT and SMTP_TIMEOUT must be numbers") from None
        sender = environ.get("SMTP_FROM", "").strip()
        if not sender:
            raise ConfigError("SMTP_FROM is not set: the address reminders are sent from")
        return cls(host=host, sender=sender, port=port, security=security,
                   user=environ.get("SMTP_USER") or None,
                   password=environ.get("SMTP_PASSWORD") or None, timeout=timeout,
                   ca_bundle=environ.get("PASSPORT_CA_BUNDLE") or None)


def plain_message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to reminders
    message.set_content(body)
    return message


class Mailer:
    """One SMTP connection, reused for every message of a run (``with Mailer(...) as m``)."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        settings = self.settings
        context = ssl.create_default_context(cafile=settings.ca_bundle)
        try:
            if settings.security == "ssl":
                smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                        context=context)
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
                if settings.security == "starttls":
                    smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"Could not reach the mail server {settings.host}:{settings.port} "
                            f"({error})") from None
        self._smtp = smtp
        return self

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            raise MailError("The mail server connection is not open")
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"The mail server did not take the message ({error})") from None

    def __exit__(self, *exc) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
