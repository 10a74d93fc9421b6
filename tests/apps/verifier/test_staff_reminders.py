"""Staff refresher reminders for employers (verifier/reminders.py) against a REAL SMTP server
(aiosmtpd on a free port): one digest per organisation to its managers only, sent once per
threshold however often the command runs, and ``passport verifier send-reminders``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from support.live import free_port

from passport_cli.demo_mail import MailServer
from passport_cli.main import main
from passport_web.mail import Mailer, MailSettings
from verifier import build_state, storage
from verifier.accounts import add_user
from verifier.config import VerifierConfig
from verifier.records import add_staff, save_record
from verifier.reminders import StaffReminders


@pytest.fixture
def mail():
    with MailServer(free_port()) as server:
        yield server


def _organisation(state, world, make_service, names=("valid", "due-soon", "expired")):
    manager = add_user(state.db, organisation="Sunny Care", email="boss@sunny.example",
                       name="Bo", role="manager", password="a long enough password",
                       clock=world.clock)
    add_user(state.db, organisation="Sunny Care", email="viewer@sunny.example", name="Vi",
             role="viewer", password="a long enough password", clock=world.clock)
    staff_id = add_staff(state.db, manager.organisation_id, "Sam Carer", "", world.clock)
    online = make_service(state.db)
    for name in names:
        report = online.check(world.credentials[name]).credentials[0]
        save_record(state.db, manager.organisation_id, manager.id, staff_id, report, world.clock)
    return manager


def test_managers_get_one_digest_once(make_app, database_url, world, make_service, mail):
    app = make_app(database_url)
    state = app.extensions["verifier"]
    _organisation(state, world, make_service)
    reminders = StaffReminders(state.db, state.config)
    assert [(item.title, item.days_left, item.threshold) for item in
            reminders.due(1, "Sunny Care")] == [("Fire safety", 21, 30)]
    assert reminders.send_due(dry_run=True).would_send == [
        ("boss@sunny.example", "Sam Carer", "Fire safety", 30)]
    settings = MailSettings(host="127.0.0.1", port=mail.port, security="none",
                            sender="checker@sunny.example", timeout=5)
    with Mailer(settings) as mailer:
        first = reminders.send_due(mailer)
        second = reminders.send_due(mailer)
    assert (first.sent, first.items, second.sent, second.already_sent) == (1, 1, 0, 1)
    [message] = mail.messages
    assert mail.recipients == [["boss@sunny.example"]]  # managers only
    assert message["Subject"] == "1 staff training at Sunny Care runs out soon"
    body = message.get_content().replace("\r\n", "\n")
    assert "- Sam Carer: Fire safety, 15 December 2026 (in 21 days)" in body
    assert "\nhttp://localhost:5003/matrix" in body
    assert "Moving and handling" not in body and "Medication" not in body  # not due / expired
    with state.db.reading() as session:
        assert session.execute(sa.select(sa.func.count())
                               .select_from(storage.reminders_sent)).scalar_one() == 1
    state.db.dispose()


def test_cli_send_reminders(monkeypatch, tmp_path, database_url, world, make_service, mail,
                            capsys):
    monkeypatch.setenv("VERIFIER_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    state = build_state(VerifierConfig.from_env())
    _organisation(state, world, make_service, names=("valid",))
    soon = date.today() + timedelta(days=20)  # the CLI runs on the real clock
    with state.db.transaction() as session:
        session.execute(storage.records.update().values(valid_until=soon))
    assert main(["verifier", "send-reminders"]) == 1
    assert "SMTP_HOST is not set" in capsys.readouterr().err
    assert main(["verifier", "send-reminders", "--dry-run"]) == 0
    assert "would send: boss@sunny.example: Sam Carer, Moving and handling of people (30-day" \
        in capsys.readouterr().out
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(mail.port))
    monkeypatch.setenv("SMTP_SECURITY", "none")
    monkeypatch.setenv("SMTP_FROM", "checker@sunny.example")
    assert main(["verifier", "send-reminders"]) == 0
    captured = capsys.readouterr()
    assert "1 email(s) sent about 1 staff training(s)" in captured.out
    assert "Sunny Care: 1 training(s) to 1 manager(s)" in captured.err
    assert main(["verifier", "send-reminders"]) == 0
    assert "0 email(s) sent about 0 staff training(s), 1 already sent" in \
        capsys.readouterr().out
    assert len(mail.messages) == 1
    state.db.dispose()
