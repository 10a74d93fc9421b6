"""Refresher reminders for an employer's staff: the organisation's managers are e-mailed when a
cell of their training matrix (verifier/records.py) runs out in 90, 30 or 7 days — the same
thresholds as the worker's own reminders in the wallet (passport_web/reminders.py).

One digest per organisation and run, sent to each manager through the verifier operator's SMTP
relay (passport_web/mail.py): staff name, training, due date and a link to the matrix; nothing
else. Safe to run twice, or twice at once: each (staff member, topic, due date, threshold) is
claimed in ``verifier_reminders_sent`` (unique) before the digest goes; a failed send gives the
claims back for the next run.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from passport_web.reminders import threshold_for, when_text

from . import storage
from .records import training_matrix


@dataclass(frozen=True)
class StaffDue:
    staff_id: int
    staff_name: str
    topic: str
    title: str
    due: date
    days_left: int
    threshold: int


@dataclass
class RunReport:
    sent: int = 0  # digests
    items: int = 0  # staff trainings in them
    already_sent: int = 0
    failed: int = 0
    would_send: list[tuple[str, str, str, int]] = field(default_factory=list)


class StaffReminders:
    def __init__(self, db, config, days: tuple[int, ...] = (90, 30, 7)) -> None:
        self.db, self.config, self.days = db, config, days

    def today(self) -> date:
        return self.config.clock().date()

    def due(self, organisation_id: int, organisation_name: str) -> list[StaffDue]:
        today = self.today()
        matrix = training_matrix(self.db, organisation_id, organisation_name, today,
                                 due_soon=self.config.due_soon)
        found = []
        for row in matrix.rows:
            for topic, cell in zip(matrix.topics, row.cells, strict=True):
                if cell.due is None or cell.state == "missing":
                    continue
                days_left = (cell.due - today).days
                threshold = threshold_for(days_left, self.days)
                if threshold is not None:
                    found.append(StaffDue(row.staff.id, row.staff.name, topic.topic,
                                          topic.title, cell.due, days_left, threshold))
        return sorted(found, key=lambda item: (item.days_left, item.staff_name))

    def send_due(self, mailer=None, *, dry_run: bool = False,
                 progress: Callable[[str], None] = lambda text: None) -> RunReport:
        from passport_web.mail import MailError, plain_message

        report = RunReport()
        with self.db.reading() as session:
            organisations = session.execute(sa.select(
                storage.organisations.c.id, storage.organisations.c.name)
                .order_by(storage.organisations.c.id)).all()
        progress(f"{len(organisations)} organisation(s)")
        for organisation_id, name in organisations:
            managers = self._managers(organisation_id)
            items = self.due(organisation_id, name) if managers else []
            if dry_run:
                report.would_send += [(email, item.staff_name, item.title, item.threshold)
                                      for item in items if not self._was_sent(item)
                                      for email in managers]
                continue
            claimed = [item for item in items if self._claim(organisation_id, item)]
            report.already_sent += len(items) - len(claimed)
            if not claimed:
                continue
            subject, body = digest_text(name, claimed, self.config.public_url.rstrip("/"))
            try:
                for email in managers:
                    mailer.send(plain_message(mailer.settings, email, subject, body))
            except MailError as error:
                for item in claimed:
                    self._release(item)
                report.failed += 1
                progress(f"  could not send for organisation {organisation_id}: {error.detail}")
                continue
            report.sent += 1
            report.items += len(claimed)
            progress(f"  {name}: {len(claimed)} training(s) to {len(managers)} manager(s)")
        return report

    def _managers(self, organisation_id: int) -> list[str]:
        users = storage.users
        with self.db.reading() as session:
            return list(session.execute(sa.select(users.c.email).where(
                users.c.organisation_id == organisation_id, users.c.role == "manager")
                .order_by(users.c.id)).scalars())

    def _key(self, item: StaffDue):
        table = storage.reminders_sent
        return sa.and_(table.c.staff_id == item.staff_id, table.c.topic == item.topic,
                       table.c.due == item.due, table.c.threshold == item.threshold)

    def _was_sent(self, item: StaffDue) -> bool:
        with self.db.reading() as session:
            return session.execute(sa.select(storage.reminders_sent.c.id)
                                   .where(self._key(item))).first() is not None

    def _claim(self, organisation_id: int, item: StaffDue) -> bool:
        try:
            with self.db.transaction() as session:
                session.execute(sa.insert(storage.reminders_sent).values(
                    organisation_id=organisation_id, staff_id=item.staff_id, topic=item.topic,
                    due=item.due, threshold=item.threshold, sent_at=self.config.clock()))
        except sa.exc.IntegrityError:
            return False
        return True

    def _release(self, item: StaffDue) -> None:
        with self.db.transaction() as session:
            session.execute(sa.delete(storage.reminders_sent).where(self._key(item)))


def digest_text(organisation: str, items: list[StaffDue], public_url: str) -> tuple[str, str]:
    count = len(items)
    subject = (f"{count} staff training{'s' if count != 1 else ''} at {organisation} "
               f"run{'s' if count == 1 else ''} out soon")
    lines = [f"- {item.staff_name}: {item.title}, {item.due:%-d %B %Y} "
             f"({when_text(item.days_left)})" for item in items]
    body = "\n\n".join([
        "Hello,",
        textwrap.fill(f"This training of your staff at {organisation} runs out soon. Ask "
                      "them to book a refresher, so your training matrix stays in date.", 72),
        "\n".join(lines),
        f"See the training matrix:\n{public_url}/matrix",
        textwrap.fill("You get this email because you are a manager for this organisation "
                      "in the Skills Passport checker. Each reminder is sent once.", 72),
    ])
    return subject, body + "\n"
