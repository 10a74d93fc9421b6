"""Verifier service configuration (ARCHITECTURE.md convention 10: a frozen dataclass + from_env)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from passport_vc.clock import Clock, system_clock
from passport_web.mail import MailSettings
from passport_web.network import NetworkSettings
from passport_web.settings import flag, session_secret
from passport_web.sql import sqlite_url

from .request_signing import RequestSigning, load_signing

DEFAULT_INSTANCE = Path("passport-data") / "verifier"


def _hosts(text: str) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class VerifierConfig:
    database_url: str
    secret_key: str
    public_url: str = "http://localhost:5003"
    instance_dir: Path = DEFAULT_INSTANCE
    # Recognised providers, from a file the deployment chooses (passport_vc.trust format).
    trust_list_path: Path | None = None
    # Wallets whose interview links we open (host[:port]); anything else is refused by name.
    wallet_hosts: frozenset[str] = frozenset()
    # An offline trust bundle: when set, nothing is fetched and every result says its age.
    bundle_path: Path | None = None
    network: NetworkSettings = field(default_factory=NetworkSettings)
    clock: Clock = system_clock
    due_soon: timedelta = timedelta(days=60)
    max_photo_bytes: int = 8 * 1024 * 1024
    max_photo_pixels: int = 24_000_000
    trust_proxy: bool = False
    testing: bool = False
    # Staff refresher reminders to managers (verifier/reminders.py); None: none are sent.
    mail: MailSettings | None = None
    # How OpenID4VP requests say who is asking, signed or not (verifier/request_signing.py)
    oid4vp_signing: RequestSigning = field(default_factory=RequestSigning)

    @classmethod
    def from_env(cls, environ=os.environ) -> VerifierConfig:
        instance = Path(environ.get("VERIFIER_INSTANCE", str(DEFAULT_INSTANCE)))
        database = environ.get("DATABASE_URL") or sqlite_url(instance / "verifier.db")
        trust = environ.get("VERIFIER_TRUST_LIST")
        bundle = environ.get("VERIFIER_BUNDLE")
        wallets = environ.get("VERIFIER_WALLET_HOSTS", environ.get("PASSPORT_WALLET_HOSTS", ""))
        public_url = environ.get("PUBLIC_URL", cls.public_url).rstrip("/")
        return cls(
            database_url=database,
            secret_key=session_secret(environ, instance, database),
            public_url=public_url,
            instance_dir=instance,
            trust_list_path=Path(trust) if trust else None,
            wallet_hosts=_hosts(wallets),
            bundle_path=Path(bundle) if bundle else None,
            network=NetworkSettings.from_env(environ),
            trust_proxy=flag(environ.get("TRUST_PROXY")),
            mail=MailSettings.from_env(environ),
            oid4vp_signing=load_signing(environ, public_url, instance),
        )

    @classmethod
    def for_tests(cls, database_url: str, **changes) -> VerifierConfig:
        values = {"secret_key": "test-secret-" + "x" * 20, "testing": True,
                  "wallet_hosts": frozenset({"wallet.example"})}
        values.update(changes)
        return cls(database_url=database_url, **values)

