"""Refresher reminders (wallet/reminders.py) against a REAL SMTP server (aiosmtpd on a free
port): who gets what, the message itself, opt-out, idempotence (two runs, and two at once),
a refused message tried again next time, the dry run, the settings page, the record banner and
``passport wallet send-reminders``."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from support.live import free_port
from wallet_support import ISSUED_AT, PASSWORD, post, sign_in

from passport_cli.demo_mail import MailServer
from passport_vc.issue import issue_credential
from passport_web.mail import Mailer, MailSettings
from passport_web.reminders import threshold_for
from schemas.builder import RENEWAL_CONTEXT
from wallet import storage
from wallet.reminders import book_url

# NOW is 24 November 2026: these run out in 47 days, 7 days and 189 days.
COURSES = {"moving-and-handling": date(2026, 1, 10), "fire-safety": date(2025, 12, 1),
           "medication": date(2026, 6, 1)}
BOOK = "https://provider.example/courses/refreshers"


@pytest.fixture
def mail():
    with MailServer(free_port(), refuse=frozenset({"refused@example.com"})) as server:
        yield server


def settings_for(mail) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=mail.port, security="none",
                        sender="reminders@wallet.example", timeout=5)


def run(service, mail, **options):
    with Mailer(settings_for(mail)) as mailer:
        return service.reminders.send_due(mailer, **options)


def _worker(service, provider, login="amina@example.com"):
    account = service.create_account(login, PASSWORD, "Amina Okafor")
    for course, completed in COURSES.items():
        credential, _ = provider.unsigned(course, completed=completed, holder=account.did)
        credential["issuer"]["url"] = BOOK  # OB 3.0 Profile.url: the provider's page
        signed = issue_credential(credential, provider.issuer_key, created=ISSUED_AT)
        service.add_credential(account.id, json.dumps(signed))
    return account


def test_thresholds():
    assert [threshold_for(days, (90, 30, 7)) for days in (200, 90, 47, 30, 8, 7, 0, -1)] == [
        None, 90, 90, 30, 30, 7, 7, None]


def test_each_due_reminder_is_sent_once_in_plain_english(service, provider, mail):
    account = _worker(service, provider)
    report = run(service, mail)
    assert (report.sent, report.already_sent, report.failed) == (2, 0, 0)
    by_subject = {message["Subject"]: message for message in mail.messages}
    assert set(by_subject) == {"Your Fire safety training runs out in 7 days",
                               "Your Moving and handling of people training runs out in 47 days"}
    message = by_subject["Your Fire safety training runs out in 7 days"]
    assert message["To"] == "amina@example.com"
    assert message["From"] == "reminders@wallet.example"
    assert message["Auto-Submitted"] == "auto-generated"
    assert not message.is_multipart() and message.get_content_type() == "text/plain"
    body = message.get_content().replace("\r\n", "\n")
    words = " ".join(body.split())
    assert "Your Fire safety certificate from Care Skills Ltd is valid until 1 December 2026. " \
        "That is in 7 days." in words
    assert f"Book a refresher with Care Skills Ltd:\n{BOOK}\n" in body
    assert "\nhttp://localhost:5002/account/reminders\n" in body  # how to stop them
    assert max(len(line) for line in body.splitlines()) <= 72
    # nothing beyond what is needed: no name, no keys, no ids
    for private in ("Amina", "Okafor", account.did, account.id, "did:", "urn:uuid"):
        assert private not in body and private not in message["Subject"]
    assert "<img" not in body and "?" not in BOOK

    again = run(service, mail)  # safe to run twice: one e-mail per threshold
    assert (again.sent, again.already_sent) == (0, 2) and len(mail.messages) == 2
    with service.db.reading() as session:
        assert session.execute(sa.select(sa.func.count())
                               .select_from(storage.reminders_sent)).scalar_one() == 2


def test_next_threshold_is_sent_when_it_comes(app, provider, mail, database_url, network):
    from passport_vc.clock import fixed_clock
    from wallet import create_app
    from wallet.config import WalletConfig

    service = app.extensions["wallet"]
    _worker(service, provider)
    run(service, mail)
    later = create_app(WalletConfig.for_tests(  # the same database, 17 days on
        database_url, clock=fixed_clock(service.now() + timedelta(days=17)),
        master_key=service.config.master_key), network=network)
    try:
        report = run(later.extensions["wallet"], mail)
    finally:
        later.extensions["wallet"].db.dispose()
    assert report.sent == 1  # moving and handling: 30 days left now; fire safety: expired
    assert mail.messages[-1]["Subject"].endswith("runs out in 30 days")


def test_opt_out_and_no_email_address_get_nothing(service, provider, mail):
    account = _worker(service, provider)
    _worker(service, provider, login="sam.user")  # a user name: no e-mail address
    service.reminders.choose(account.id, "", False)
    assert run(service, mail).sent == 0 and mail.messages == []
    assert service.reminders.due(account.id)  # still shown in the wallet


def test_two_runs_at_once_send_each_reminder_once(service, provider, mail):
    for number in range(3):
        _worker(service, provider, login=f"worker{number}@example.com")
    reports = []
    start = threading.Barrier(2)

    def one_run():
        start.wait()
        reports.append(run(service, mail))

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(report.sent for report in reports) == 6
    assert len(mail.messages) == 6
    assert sorted(m["To"] for m in mail.messages) == sorted(
        f"worker{n}@example.com" for n in range(3) for _ in range(2))


def test_a_refused_message_is_tried_again_next_run(service, provider, mail):
    account = _worker(service, provider, login="refused@example.com")
    report = run(service, mail)
    assert (report.sent, report.failed) == (0, 2)
    service.reminders.choose(account.id, "amina@example.com", True)
    assert run(service, mail).sent == 2


def test_dry_run_sends_and_records_nothing(service, provider, mail):
    _worker(service, provider)
    report = service.reminders.send_due(dry_run=True)
    assert sorted(report.would_send) == [("amina@example.com", "Fire safety", 7),
                                         ("amina@example.com", "Moving and handling of people",
                                          90)]
    assert run(service, mail).sent == 2


def test_a_renewed_training_is_not_reminded(service, provider, mail):
    account = _worker(service, provider)
    old = json.loads(next(row for row in _rows(service, account.id)
                          if row["title"] == "Fire safety")["raw"])
    renewal, _ = provider.unsigned("fire-safety", completed=date(2026, 11, 20),
                                   holder=account.did)
    renewal["@context"].append(RENEWAL_CONTEXT)
    renewal["renews"] = old["id"]
    service.add_credential(account.id, json.dumps(
        issue_credential(renewal, provider.issuer_key, created=ISSUED_AT)))
    assert [item.title for item in service.reminders.due(account.id)] == [
        "Moving and handling of people"]


def _rows(service, account_id):
    with service.db.reading() as session:
        return storage.credentials_of(session, account_id)


def test_book_link_is_the_providers_public_page_only():
    achievement = {"credentialSubject": {"achievement": {
        "id": "https://northfield.example/providers/n/achievements/fire-safety"}}}
    assert book_url(achievement) == achievement["credentialSubject"]["achievement"]["id"]
    assert book_url({"issuer": {"id": "did:web:northfield.example:providers:n"}}) == \
        "https://northfield.example/"
    assert book_url({"issuer": {"id": "did:web:localhost%3A5001:providers:n"}},
                    frozenset({"localhost:5001"})) == "http://localhost:5001/"
    for bad in ("http://plain.example/", "javascript:alert(1)", "https://x.example/?who=amina",
                "https://user@x.example/", 5):
        assert book_url({"issuer": {"id": "did:key:z6Mk", "url": bad}}) is None


# --- pages ------------------------------------------------------------------------------------
def test_record_page_shows_the_refreshers_due(app, service, provider):
    _worker(service, provider)
    client = app.test_client()
    sign_in(client, "amina@example.com")
    page = client.get("/record").get_data(as_text=True)
    banner = page.split('id="refreshers"')[1].split("</div>\n</div>")[0]
    assert "Refresher training due" in page and "2 training certificates run out soon" in banner
    assert "Fire safety</strong> runs out on 1 December 2026 (in 7 days)" in banner
    assert f'href="{BOOK}" rel="noopener noreferrer">Book a refresher with Care Skills Ltd' \
        in banner
    assert "Medication" not in banner


def test_reminder_settings_page(app, service, provider):
    account = service.create_account("amina.okafor", PASSWORD, "Amina Okafor")
    client = app.test_client()
    sign_in(client, "amina.okafor")
    page = client.get("/account/reminders").get_data(as_text=True)
    assert "90, 30 and 7 days" in page and 'value="off" checked' in page
    path = "/account/reminders"
    for form, words in [({"reminders": "on", "email": ""}, "Enter your email address"),
                        ({"reminders": "on", "email": "not an email"}, "correct format"),
                        ({"reminders": "on", "email": "a@b.c\r\nBcc: x@y.z"}, "correct format"),
                        ({"email": "amina@example.com"}, "Choose if you want")]:
        refused = post(client, path, form, token_from=path)
        assert refused.status_code == 422 and words in refused.get_data(as_text=True)
    assert service.reminders.settings(account.id) == {"email": "", "reminders": True}
    saved = post(client, path, {"reminders": "on", "email": " Amina@Example.com "},
                 token_from=path)
    assert saved.status_code == 302
    assert "On, to amina@example.com" in client.get("/account").get_data(as_text=True)
    assert service.reminders.settings(account.id) == {"email": "amina@example.com",
                                                      "reminders": True}
    post(client, path, {"reminders": "off", "email": "amina@example.com"}, token_from=path)
    assert service.reminders.settings(account.id)["reminders"] is False
    assert any(event["action"] == "reminders" and "off" in event["detail"]
               for event in service.activity(account.id))
    assert client.post(path, data={"reminders": "on"}).status_code == 400  # no CSRF token


def test_cli_send_reminders_twice_and_dry_run(tmp_path, capsys, mail, clock, network, monkeypatch):
    from wallet_support import Provider

    from passport_cli.main import main
    from passport_vc.keys.storage import generate_master_key
    from passport_web.sql import Database
    from wallet.config import WalletConfig
    from wallet.service import WalletService
    from wallet.storage import metadata

    database = f"sqlite:///{tmp_path / 'wallet.db'}"
    master = generate_master_key()
    (tmp_path / "master.key").write_text(master)
    config = WalletConfig.for_tests(database, clock=clock, master_key=master)
    db = Database(database, metadata)
    db.upgrade("wallet")
    service = WalletService(db, config, network)
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    provider = Provider(network)
    soon = date.today() - timedelta(days=330)  # yearly: runs out in 35 days (real clock)
    service.add_credential(account.id, json.dumps(provider.issue(
        "moving-and-handling", completed=soon, holder=account.did)[0]))
    common = ["--database-url", database, "--master-key-file", str(tmp_path / "master.key"),
              "--instance", str(tmp_path / "instance")]
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["wallet", "send-reminders", *common]) == 1
    assert "SMTP_HOST is not set" in capsys.readouterr().err
    assert main(["wallet", "send-reminders", *common, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would send: amina@example.com: Moving and handling of people (90-day" in out
    assert mail.messages == []
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(mail.port))
    monkeypatch.setenv("SMTP_SECURITY", "none")
    monkeypatch.setenv("SMTP_FROM", "reminders@wallet.example")
    assert main(["wallet", "send-reminders", *common]) == 0
    captured = capsys.readouterr()
    assert "1 reminder(s) sent" in captured.out and "accounts done" in captured.err
    assert main(["wallet", "send-reminders", *common]) == 0
    assert "0 reminder(s) sent, 1 already sent" in capsys.readouterr().out
    assert len(mail.messages) == 1 and mail.recipients == [["amina@example.com"]]
    db.dispose()
