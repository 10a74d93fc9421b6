"""Wallet service configuration (ARCHITECTURE.md convention 10: frozen config, ``from_env``).

Everything that differs between a laptop demo, the tests and a real deployment lives here:
the database, the secret used to sign session cookies, the master key that seals every
worker's holder key at rest (envelope encryption, passport_vc.keys.storage), the public
address share links are built from, and the clock.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from passport_vc.clock import Clock, system_clock
from passport_web.mail import MailSettings
from passport_web.network import NetworkSettings
from passport_web.settings import flag, required_master_key, session_secret

DEFAULT_INSTANCE = Path("passport-data") / "wallet"


@dataclass(frozen=True)
class WalletConfig:
    database_url: str
    secret_key: str
    master_key: str  # base64url of 32 bytes: seals holder keys (PASSPORT_MASTER_KEY)
    public_url: str = "http://localhost:5002"
    network: NetworkSettings = field(default_factory=NetworkSettings)
    clock: Clock = system_clock
    share_hours_default: int = 24
    share_hours_max: int = 24 * 90
    helper_days_max: int = 366
    due_soon: timedelta = timedelta(days=60)
    http_timeout: float = 10.0
    trust_proxy: bool = False
    testing: bool = False
    # Refresher reminders (wallet/reminders.py): days before expiry, and the SMTP relay
    # (None: reminders show in the wallet only). Known employers: wallet/employers.py.
    reminder_days: tuple[int, ...] = (90, 30, 7)
    mail: MailSettings | None = None
    known_employers_path: Path | None = None
    # Root certificates an employer's x509_san_dns signed OpenID4VP request must chain to
    # (PEM, WALLET_OID4VP_TRUST_ANCHORS); none: such requests are refused.
    oid4vp_trust_anchors_path: Path | None = None

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")

    def master_key_bytes(self) -> bytes:
        from passport_vc.keys.storage import parse_master_key

        return parse_master_key(self.master_key)

    @classmethod
    def from_env(cls, environ=os.environ, *, instance: Path | None = None) -> WalletConfig:
        from passport_web.sql import sqlite_url

        folder = Path(environ.get("WALLET_INSTANCE", instance or DEFAULT_INSTANCE))
        url = environ.get("WALLET_DATABASE_URL") or environ.get("DATABASE_URL") \
            or sqlite_url(folder / "wallet.db")
        master = required_master_key(environ, "every worker's key")
        secret = session_secret(environ, folder, url)
        return cls(database_url=url, secret_key=secret, master_key=master,
                   public_url=environ.get("WALLET_PUBLIC_URL")
                   or environ.get("PUBLIC_URL", "http://localhost:5002"),
                   network=NetworkSettings.from_env(environ),
                   trust_proxy=flag(environ.get("TRUST_PROXY")),
                   mail=MailSettings.from_env(environ),
                   known_employers_path=Path(environ["WALLET_KNOWN_EMPLOYERS"])
                   if environ.get("WALLET_KNOWN_EMPLOYERS") else None,
                   oid4vp_trust_anchors_path=Path(environ["WALLET_OID4VP_TRUST_ANCHORS"])
                   if environ.get("WALLET_OID4VP_TRUST_ANCHORS") else None)

    @classmethod
    def for_tests(cls, database_url: str, *, clock: Clock = system_clock,
                  public_url: str = "http://localhost:5002",
                  network: NetworkSettings | None = None, **changes) -> WalletConfig:
        from passport_vc.keys.storage import generate_master_key

        master = generate_master_key()
        config = cls(database_url=database_url, secret_key=secrets.token_hex(16),
                     master_key=master, public_url=public_url,
                     network=network or NetworkSettings(), clock=clock, testing=True)
        return replace(config, **changes) if changes else config

