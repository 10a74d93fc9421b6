"""Refresher reminders: a worker is told 90, 30 and 7 days before a credential runs out, in
the wallet (the record page) and by e-mail through the operator's own SMTP relay.

What leaves the wallet, and only to the worker's own address: the training's name, who
provided it, the date it runs out, a "book a refresher" link to the provider's public page (no
worker data in it) and a link to the wallet. Plain text: no images, no tracking.

Which credentials: the current credential of each training line (wallet/lines.py) that is in
use and has a valid-until date; a renewed credential is no longer reminded about, because its
line is led by the renewal. A threshold is the smallest of ``reminder_days`` at or above the days
left, so a credential first seen 5 days before expiry gets the 7-day reminder only.

``send_due`` is safe to run twice, and twice at once: for each (credential, threshold) it first
claims a row in ``wallet_reminders_sent`` (unique), then sends; a second run's claim fails and it
skips. A failed send gives the claim back so the next run tries again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa

from passport_vc.errors import MalformedValueError
from passport_vc.model.validity import UK
from passport_web.reminders import threshold_for, when_text

from . import accounts as acc
from . import storage as st
from .lines import build_lines
from .record import entry_from_row


@dataclass(frozen=True)
class Refresher:
    """A training that needs refreshing soon."""

    credential_id: str
    title: str
    provider_name: str
    valid_until: date
    days_left: int
    threshold: int
    book_url: str | None

    @property
    def when(self) -> str:
        return when_text(self.days_left)


@dataclass
class RunReport:
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    would_send: list[tuple[str, str, int]] = field(default_factory=list)  # dry run


def _document(row: dict) -> dict:
    try:
        if row["format"] == "ldp_vc":
            document = json.loads(row["raw"])
        else:
            document = json.loads(row["verification"]).get("document")
    except (ValueError, AttributeError):
        return {}
    return document if isinstance(document, dict) else {}


def book_url(document: dict, http_hosts: frozenset[str] = frozenset()) -> str | None:
    """The provider's public page for this training: the achievement's web address, else the
    issuer profile's ``url``, else the did:web issuer's website. Only https (or http to a host
    the operator named for local use, as in the demo); never with anything about the worker."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    issuer = document.get("issuer")
    candidates = [achievement.get("id") if isinstance(achievement, dict) else None,
                  issuer.get("url") if isinstance(issuer, dict) else None]
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if isinstance(issuer_id, str) and issuer_id.startswith("did:web:"):
        host = issuer_id.removeprefix("did:web:").split(":")[0].replace("%3A", ":")
        candidates.append(f"https://{host}/")
    for candidate in candidates:
        if not isinstance(candidate, str) or len(candidate) > 500:
            continue
        try:
            parts = urlsplit(candidate)
        except ValueError:
            continue
        if parts.scheme != "https" or not parts.hostname or parts.username or parts.query:
            continue
        if parts.netloc in http_hosts:  # a local provider (demo): it serves plain http
            return "http" + candidate[len("https"):]
        return candidate
    return None


class Reminders:
    """Refresher reminders over the wallet's database (no Flask)."""

    def __init__(self, service) -> None:  # wallet.service.WalletService
        self.service = service
        self.config = service.config

    def today(self) -> date:
        return self.service.now().astimezone(UK).date()

    def due(self, account_id: str) -> list[Refresher]:
        with self.service.db.reading() as session:
            rows = st.credentials_of(session, account_id)
        return self._due_in(rows)

    def _due_in(self, rows: list[dict]) -> list[Refresher]:
        now, today = self.service.now(), self.today()
        entries = [entry_from_row(row, now, due_soon=self.config.due_soon) for row in rows]
        by_id = {row["id"]: row for row in rows}
        found = []
        for line in build_lines(rows, entries):
            head = line.current
            if not head.current or head.valid_until is None:
                continue
            days_left = (head.valid_until - today).days
            threshold = threshold_for(days_left, self.config.reminder_days)
            if threshold is None:
                continue
            found.append(Refresher(head.id, head.title, head.provider_name, head.valid_until,
                                   days_left, threshold,
                                   book_url(_document(by_id[head.id]),
                                            self.config.network.http_hosts)))
        return sorted(found, key=lambda item: item.days_left)

    # --- the worker's choices -----------------------------------------------------------------
    def settings(self, account_id: str) -> dict:
        with self.service.db.reading() as session:
            row = st.account_by_id(session, account_id)
        return {"email": row["email"] or "", "reminders": bool(row["reminders"])}

    def choose(self, account_id: str, email: str, reminders: bool) -> None:
        """Set the address reminders go to (optional) and whether to send them."""
        email = (email or "").strip().lower()
        if email and (len(email) > 320 or not acc.EMAIL.match(email)):
            raise MalformedValueError("Enter an email address in the correct format, like "
                                      "name@example.com", path="email")
        if reminders and not email:
            raise MalformedValueError("Enter your email address to get reminders, or choose "
                                      "not to get them", path="email")
        with self.service.db.transaction() as session:
            session.execute(sa.update(st.accounts).where(st.accounts.c.id == account_id)
                            .values(email=email or None, reminders=reminders))
            self.service._log(session, account_id, "reminders",
                              "Email reminders turned on" if reminders
                              else "Email reminders turned off")

    # --- sending --------------------------------------------------------------------------------
    def send_due(self, mailer=None, *, dry_run: bool = False,
                 progress: Callable[[str], None] = lambda text: None) -> RunReport:
        """E-mail every reminder that is due and not yet sent. ``mailer``: an open
        passport_web.mail.Mailer (not needed for a dry run)."""
        from datetime import timedelta

        from passport_web.mail import MailError, plain_message

        report = RunReport()
        today = self.today()
        # Only accounts holding something that runs out within the longest threshold: a daily
        # run reads a small part of a large wallet, not every worker's record.
        soon = sa.exists().where(
            st.credentials.c.account_id == st.accounts.c.id,
            st.credentials.c.valid_until >= today,
            st.credentials.c.valid_until <= today + timedelta(days=max(self.config.reminder_days)))
        with self.service.db.reading() as session:
            accounts = session.execute(sa.select(st.accounts.c.id, st.accounts.c.email).where(
                st.accounts.c.reminders.is_(True), st.accounts.c.email.is_not(None), soon)
                .order_by(st.accounts.c.id)).all()
        progress(f"{len(accounts)} account{'s' if len(accounts) != 1 else ''} with reminders on "
                 "and training running out soon")
        for number, (account_id, email) in enumerate(accounts, 1):
            for item in self.due(account_id):
                if dry_run:
                    if not self._was_sent(item):
                        report.would_send.append((email, item.title, item.threshold))
                    continue
                if not self._claim(account_id, item):
                    report.already_sent += 1
                    continue
                subject, body = reminder_text(item, self.config.public_base)
                try:
                    mailer.send(plain_message(mailer.settings, email, subject, body))
                except MailError as error:
                    self._release(item)
                    report.failed += 1
                    progress(f"  could not send to account {account_id[:8]}: {error.detail}")
                    continue
                report.sent += 1
            if number % 100 == 0 or number == len(accounts):
                progress(f"  {number}/{len(accounts)} accounts done, {report.sent} sent")
        return report

    def _was_sent(self, item: Refresher) -> bool:
        with self.service.db.reading() as session:
            return session.execute(sa.select(st.reminders_sent.c.id).where(
                st.reminders_sent.c.credential_id == item.credential_id,
                st.reminders_sent.c.threshold == item.threshold)).first() is not None

    def _claim(self, account_id: str, item: Refresher) -> bool:
        try:
            with self.service.db.transaction() as session:
                session.execute(sa.insert(st.reminders_sent).values(
                    account_id=account_id, credential_id=item.credential_id,
                    threshold=item.threshold, sent_at=self.service.now()))
        except sa.exc.IntegrityError:
            return False  # another run has it (or had it): it is sent once
        return True

    def _release(self, item: Refresher) -> None:
        with self.service.db.transaction() as session:
            session.execute(sa.delete(st.reminders_sent).where(
                st.reminders_sent.c.credential_id == item.credential_id,
                st.reminders_sent.c.threshold == item.threshold))


def reminder_text(item: Refresher, wallet_url: str) -> tuple[str, str]:
    """(subject, plain-English body, wrapped at 72 columns; links on lines of their own).
    Nothing about the worker beyond the training itself."""
    import textwrap

    until = f"{item.valid_until:%-d %B %Y}"
    subject = f"Your {item.title} training runs out {item.when}"
    book = ([f"Book a refresher with {item.provider_name}:", item.book_url] if item.book_url
            else [f"Contact {item.provider_name} to book a refresher."])
    paragraphs = [
        ["Hello,"],
        [f"Your {item.title} certificate from {item.provider_name} is valid until {until}. "
         f"That is {item.when}."],
        ["Do the refresher training before then, so your employer can see your training is "
         "in date."],
        book,
        ["When you have done it, the provider can send the new certificate to your Skills "
         "Passport wallet:", f"{wallet_url}/record"],
        ["You get this email because reminders are on in your Skills Passport wallet. To "
         "stop them:", f"{wallet_url}/account/reminders"],
    ]
    body = "\n\n".join("\n".join(line if "://" in line else textwrap.fill(line, 72)
                                  for line in paragraph) for paragraph in paragraphs)
    return subject, body + "\n"
