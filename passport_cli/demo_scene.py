"""The demo scene: three services wired together on localhost, and the people in it.

Kept apart from the command so the end-to-end test can build the same scene on free ports.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from passport_web.settings import write_private

PASSWORD = "care-demo-2026"  # noqa: S105 - the published demo password

WORKER = {"login": "amina@example.org", "name": "Amina Okafor"}
PROVIDERS = {
    "northfield": {"name": "Northfield College", "user": "trainer@northfield.example",
                   "ofqual_number": "RN5678"},
    "careskills": {"name": "CareSkills Online", "user": "admin@careskills.example"},
}
EMPLOYER = {"name": "Rosewood Care Home", "user": "manager@rosewood.example",
            "staff": ["Amina Okafor", "Tom Hughes", "Grace Mensah"]}


@dataclass
class DemoScene:
    data: Path
    ports: dict[str, int]
    apps: dict = field(default_factory=dict)
    # Tests move the verifier's clock forward to see past its status-list cache (5 minutes).
    verifier_clock: object | None = None
    # The local SMTP server the wallet sends reminders to (passport_cli/demo_mail.py); None:
    # no e-mail (the wallet still shows refreshers due on the record page).
    mail_port: int | None = None
    mail_server: object | None = None

    def url(self, service: str) -> str:
        return f"http://localhost:{self.ports[service]}"

    # --- configuration ------------------------------------------------------------------------
    def _master_key(self) -> str:
        from passport_vc.keys.storage import generate_master_key

        path = self.data / "master.key"
        if not path.is_file():
            write_private(path, generate_master_key())
        return path.read_text(encoding="utf-8").strip()

    def _secret(self, name: str) -> str:
        import secrets

        path = self.data / f"{name}.secret"
        if not path.is_file():
            write_private(path, secrets.token_hex(32))
        return path.read_text(encoding="utf-8").strip()

    def _trust_list(self) -> Path:
        path = self.data / "trust-list.json"
        if not path.is_file():
            host = f"localhost%3A{self.ports['issuer']}"
            path.write_text(json.dumps({
                "name": "Demo list of recognised training providers",
                "updated": "2026-01-01T00:00:00Z",
                "entries": [{"did": f"did:web:{host}:providers:northfield",
                             "name": PROVIDERS["northfield"]["name"],
                             "recognised_for": ["skills-for-care-endorsed",
                                                "ofqual-awarding-organisation"],
                             "since": "2024-01-01T00:00:00Z"}]}, indent=2), encoding="utf-8")
        return path

    def _known_employers(self) -> Path:
        """The wallet's list of known employers: the demo's verifier is Rosewood's."""
        path = self.data / "known-employers.json"
        if not path.is_file():
            path.write_text(json.dumps({
                "name": "Demo list of known employers",
                "employers": [{"host": f"localhost:{self.ports['verifier']}",
                               "name": EMPLOYER["name"]}]}, indent=2), encoding="utf-8")
        return path

    def _oid4vp_signing(self):
        """The demo employer signs its OpenID4VP requests with its own did:web (served by the
        verifier at /.well-known/did.json), so the wallet shows a name proven by signature."""
        from verifier.request_signing import did_web_for, load_signing

        url = self.url("verifier")
        return load_signing({"VERIFIER_OID4VP_CLIENT_ID": "decentralized_identifier",
                             "VERIFIER_OID4VP_DID": did_web_for(url)}, url,
                            self.data / "verifier")

    @property
    def mailbox(self) -> Path:
        return self.data / "mailbox"

    def _mail_settings(self):
        from passport_web.mail import MailSettings

        if self.mail_port is None:
            return None
        return MailSettings(host="127.0.0.1", port=self.mail_port, security="none",
                            sender="reminders@wallet.localhost", timeout=10)

    def configs(self) -> dict:
        from issuer.config import IssuerConfig
        from passport_web.network import NetworkSettings
        from passport_web.sql import sqlite_url
        from verifier.config import VerifierConfig
        from wallet.config import WalletConfig

        hosts = frozenset(self._http_hosts().split(","))
        network = NetworkSettings(http_hosts=hosts)
        master = self._master_key()
        return {
            "issuer": IssuerConfig(
                database_url=sqlite_url(self.data / "issuer.db"),
                secret_key=self._secret("issuer"), master_key=master,
                public_url=self.url("issuer"), did_documents_dir=self.data / "did-documents",
                network=network),
            "wallet": WalletConfig(
                database_url=sqlite_url(self.data / "wallet.db"),
                secret_key=self._secret("wallet"), master_key=master,
                public_url=self.url("wallet"), network=network, mail=self._mail_settings(),
                known_employers_path=self._known_employers()),
            "verifier": VerifierConfig(
                database_url=sqlite_url(self.data / "verifier.db"),
                secret_key=self._secret("verifier"), public_url=self.url("verifier"),
                instance_dir=self.data / "verifier", trust_list_path=self._trust_list(),
                wallet_hosts=frozenset({f"localhost:{self.ports['wallet']}"}),
                network=network, mail=self._mail_settings(),
                oid4vp_signing=self._oid4vp_signing(),
                **({"clock": self.verifier_clock} if self.verifier_clock else {})),
        }

    def start_servers(self) -> list[ServerThread]:
        import issuer
        import verifier
        import wallet

        configs = self.configs()
        if self.mail_port is not None:
            from .demo_mail import MailServer

            self.mail_server = MailServer(self.mail_port, mailbox=self.mailbox).start()
        factories = {"issuer": issuer.create_app, "wallet": wallet.create_app,
                     "verifier": verifier.create_app}
        servers = []
        for name, factory in factories.items():
            self.apps[name] = factory(configs[name])
            server = ServerThread(name, self.apps[name], self.ports[name])
            server.start()
            servers.append(server)
        return servers

    def service(self, name: str):
        found = self.apps[name].extensions[name]
        return getattr(found, "service", found)

    # --- the people and what they hold ------------------------------------------------------
    def seed(self, progress=print) -> dict:
        issuer_svc = self.service("issuer")
        wallet_svc = self.service("wallet")
        verifier_svc = self.service("verifier")
        today = date.today()

        progress("Training providers: Northfield College (did:web, rotated key) and "
                 "CareSkills Online")
        for slug, info in PROVIDERS.items():
            issuer_svc.providers.create_provider(info["name"], slug,
                                       ofqual_number=info.get("ofqual_number"))
            issuer_svc.access.create_user(slug, info["user"], PASSWORD, role="admin")

        account = wallet_svc.create_account(WORKER["login"], PASSWORD, WORKER["name"])
        account_id = account.id if hasattr(account, "id") else account["id"]
        holder = wallet_svc.holder_did(account_id)

        def issue(slug: str, course: str, completed: date, **extra):
            return issuer_svc.issuance.issue(slug, course, subject_name=WORKER["name"],
                                    subject_email=WORKER["login"], completed=completed,
                                    actor="demo", **extra)

        progress("Care Certificate standards 1–3 (signed with Northfield's first key)")
        early = [issue("northfield", f"care-certificate-standard-{n}",
                       today - timedelta(days=700 - n)) for n in (1, 2, 3)]
        issuer_svc.providers.rotate_key("northfield")
        progress("Mandatory training, a Level 2 qualification, Oliver McGowan Tier 1")
        plan = [
            ("northfield", "safeguarding-adults", today - timedelta(days=60), {}),
            ("northfield", "moving-and-handling", today - timedelta(days=330), {}),  # due soon
            ("northfield", "fire-safety", today - timedelta(days=420), {}),  # expired
            ("northfield", "basic-life-support", today - timedelta(days=90), {}),  # revoked
            ("northfield", "infection-prevention-and-control", today - timedelta(days=200), {}),
            ("northfield", "medication", today - timedelta(days=120), {}),
            ("northfield", "health-and-safety", today - timedelta(days=400), {}),
            ("northfield", "level-2-adult-social-care-certificate", today - timedelta(days=250),
             {"assessment_method": "Portfolio and observed practice"}),
            ("careskills", "oliver-mcgowan-tier-1", today - timedelta(days=150), {}),
        ]
        later = [issue(slug, course, when, **extra) for slug, course, when, extra in plan]
        records = early + later

        progress("Delivering them to Amina's wallet (OpenID4VCI offers and files)")
        for number, record in enumerate(records):
            if number % 2 == 0:
                offer = issuer_svc.delivery.create_offer(record.id)
                wallet_svc.accept_offer(account_id, offer.uri)
            else:
                document = issuer_svc.issuance.credential_document(record.id, "ldp_vc", holder)
                wallet_svc.add_credential(account_id, json.dumps(document))
        progress("A renewal: Health and safety, refreshed last week (the old one stays valid)")
        renewal = issuer_svc.issuance.renew(later[6].id, completed=today - timedelta(days=7),
                                            actor="demo")
        wallet_svc.accept_offer(account_id, issuer_svc.delivery.create_offer(renewal.id).uri)
        revoked = later[3]
        issuer_svc.status.revoke(revoked.id, "The assessor's sign-off could not be confirmed")
        wallet_svc.recheck(account_id)
        pending = issue("northfield", "care-certificate-standard-4", today - timedelta(days=3))
        pending_offer = issuer_svc.delivery.create_offer(pending.id)

        progress("Employer: Rosewood Care Home with a small training matrix")
        self._seed_employer(verifier_svc, issuer_svc, records)
        share = wallet_svc.create_share(account_id, "all-current", hours=24 * 7)
        return {"worker": WORKER, "providers": PROVIDERS, "employer": EMPLOYER,
                "password": PASSWORD, "share_url": share.url, "pending_offer": pending_offer.uri,
                "revoked_record": revoked.id, "credentials": len(records) + 1,
                "account_id": account_id, "pending_record": pending.id}

    def refresh(self, details: dict) -> dict:
        """Links expire (share: 7 days, offer: 14 days): make fresh ones on every start."""
        from passport_vc.errors import PassportError

        wallet_svc, issuer_svc = self.service("wallet"), self.service("issuer")
        try:
            share = wallet_svc.create_share(details["account_id"], "all-current", hours=24 * 7)
            offer = issuer_svc.delivery.create_offer(details["pending_record"])
        except (KeyError, PassportError):
            return details  # data from an older demo: keep the links it printed before
        return {**details, "share_url": share.url, "pending_offer": offer.uri}

    def send_reminders(self):
        """What ``passport wallet send-reminders`` does, once per start (safe to repeat)."""
        from passport_web.mail import Mailer

        settings = self._mail_settings()
        if settings is None:
            return None
        with Mailer(settings) as mailer:
            return self.service("wallet").reminders.send_due(mailer)

    def send_staff_reminders(self):
        """What ``passport verifier send-reminders`` does: the employer's managers are told
        about staff training running out (safe to repeat)."""
        from passport_web.mail import Mailer
        from verifier.reminders import StaffReminders

        settings = self._mail_settings()
        if settings is None:
            return None
        state = self.apps["verifier"].extensions["verifier"]
        with Mailer(settings) as mailer:
            return StaffReminders(state.db, state.config).send_due(mailer)

    def mailbox_text(self, limit: int = 2) -> str:
        """The newest reminder e-mails in the demo's mailbox, as text to print."""
        from email import message_from_bytes, policy

        files = sorted(self.mailbox.glob("*.eml"))[-limit:] if self.mailbox.is_dir() else []
        shown = []
        for path in files:
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            body = message.get_content().replace("\r\n", "\n").strip()
            shown.append(f"  To: {message['To']}\n  Subject: {message['Subject']}\n\n"
                         + "\n".join("    " + line for line in body.splitlines()))
        return "\n\n".join(shown)

    def _seed_employer(self, verifier_svc, issuer_svc, records) -> None:
        """Amina's saved checks plus two colleagues with partial training."""
        from verifier import accounts
        from verifier import records as staff_records

        state = self.apps["verifier"].extensions["verifier"]
        db, clock = state.db, state.config.clock
        manager = accounts.add_user(db, organisation=EMPLOYER["name"], email=EMPLOYER["user"],
                                    name="Sam Patel", role="manager", password=PASSWORD,
                                    clock=clock)
        organisation = manager.organisation_id
        staff = {name: staff_records.add_staff(db, organisation, name, title, clock)
                 for name, title in zip(EMPLOYER["staff"], ("Care worker", "Senior care worker",
                                                           "Night care assistant"), strict=True)}
        today = date.today()
        colleagues = {"Tom Hughes": [("safeguarding-adults", 40), ("fire-safety", 300),
                                     ("moving-and-handling", 500)],
                      "Grace Mensah": [("care-certificate", 90), ("medication", 350)]}
        documents = [(staff["Amina Okafor"], issuer_svc.issuance.credential_document(r.id,
                                                                                     "ldp_vc"))
                     for r in records]
        for name, courses in colleagues.items():
            for course, days_ago in courses:
                record = issuer_svc.issuance.issue("northfield", course, subject_name=name,
                                          completed=today - timedelta(days=days_ago),
                                          actor="demo")
                documents.append((staff[name], record.document))
        for staff_id, document in documents:
            outcome = verifier_svc.check(document, organisation_id=organisation)
            for report in outcome.credentials:
                staff_records.save_record(db, organisation, manager.id, staff_id, report, clock)
        # ASC-WDS (issue 13): the workplace id and each person's job role (8 care worker,
        # 7 senior care worker), so "Download for ASC-WDS" works straight away
        from verifier import asc_wds

        asc_wds.set_establishment_id(db, organisation, "ROSEWOOD1")
        for name, role in zip(EMPLOYER["staff"], (8, 7, 8), strict=True):
            asc_wds.set_staff_asc_wds(db, organisation, staff[name], worker_id="", job_role=role)

    def welcome(self, details: dict) -> str:
        issuer, wallet, verifier = (self.url(n) for n in ("issuer", "wallet", "verifier"))
        return f"""
Skills Passport demo is running. Everyone's password is: {details['password']}

  Issuer   (training providers)  {issuer}
      sign in as {PROVIDERS['northfield']['user']}  (Northfield College, recognised)
             or  {PROVIDERS['careskills']['user']}  (CareSkills Online, not on the trust list)
  Wallet   (care workers)        {wallet}
      sign in as {WORKER['login']}  ({WORKER['name']}, {details['credentials']} credentials)
  Verifier (employers)           {verifier}
      sign in as {EMPLOYER['user']}  ({EMPLOYER['name']}, training matrix)

Try this:
  1. Open the verifier at {verifier}/ and scan Amina's interview QR (wallet → Share), or paste
     this link into the verifier:  {details['share_url']}
  2. In the wallet, print Amina's paper passport and scan one of its QR codes with the verifier.
  3. In the issuer, revoke a credential, then check it again with the verifier.
  4. Accept a new credential in the wallet (Add → paste this offer link):
     {details['pending_offer']}
  5. Check a credential file from the command line (download one from the wallet first):
     PASSPORT_HTTP_HOSTS={self._http_hosts()} .venv/bin/passport verify FILE
  6. In the verifier's training matrix, "Download for ASC-WDS": see what is left out and why,
     then download the ASC-WDS bulk upload training file.
  7. In the issuer, open a credential in the register and choose "Issue renewal"; the wallet
     shows the renewal on top with the earlier completion under it.
  8. In the verifier, ask with OpenID4VP or a check code: before sharing, Amina's wallet shows
     who is asking ({EMPLOYER['name']}, on the wallet's list of known employers).
{self._mail_note()}"""

    def _mail_note(self) -> str:
        if self.mail_port is None:
            return ""
        text = self.mailbox_text()
        return (f"\nReminder e-mails go to the demo's own mail server (port {self.mail_port});"
                f" each is also saved in\n  {self.mailbox}/\n"
                + (f"The newest (to Amina, and to Rosewood's manager about staff):\n\n{text}\n"
                   if text else "No reminder is due.\n"))

    def _http_hosts(self) -> str:
        return ",".join(f"localhost:{port}" for port in self.ports.values())


class ServerThread(threading.Thread):
    """One WSGI app on a loopback port; stop() shuts it down cleanly."""

    def __init__(self, name: str, app, port: int) -> None:
        from werkzeug.serving import make_server

        super().__init__(name=f"demo-{name}", daemon=True)
        self.server = make_server("127.0.0.1", port, app, threaded=True)

    def run(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.join(timeout=5)
