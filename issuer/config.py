"""Issuer service configuration (ARCHITECTURE.md convention 10: frozen config, ``from_env``).

What differs between a laptop demo, the tests and a deployment: the database, the session
secret, the master key sealing every provider's private keys at rest (envelope encryption,
passport_vc.keys.storage), the public address DIDs and status lists are built from, where DID
documents are written, offer lifetimes, the optional conformance (VC API) profile, the clock.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from passport_vc.clock import Clock, system_clock
from passport_vc.errors import ConfigError
from passport_web.network import NetworkSettings
from passport_web.settings import flag, required_master_key, session_secret

DEFAULT_INSTANCE = Path("passport-data") / "issuer"
DEFAULT_PUBLIC_URL = "http://localhost:5001"
CONFORMANCE_CURVES = ("Ed25519", "P-256")
# Status list sizes: Bitstring Status List 1.0 §6.1 asks for at least 131,072 entries; verifiers
# here expand at most 2 MB (passport_vc.status.MAX_DECODED_BYTES), i.e. 8,388,608 two-bit entries.
MIN_LIST_SIZE = 131_072
MAX_LIST_SIZE = 8_388_608


@dataclass(frozen=True)
class IssuerConfig:
    database_url: str
    secret_key: str
    master_key: str  # base64url of 32 bytes (PASSPORT_MASTER_KEY): seals provider keys
    public_url: str = DEFAULT_PUBLIC_URL
    did_documents_dir: Path = Path("did-documents")
    network: NetworkSettings = field(default_factory=NetworkSettings)
    clock: Clock = system_clock
    offer_lifetime: timedelta = timedelta(days=14)
    access_token_lifetime: timedelta = timedelta(minutes=10)
    nonce_lifetime: timedelta = timedelta(minutes=5)
    # entries per status list (herd privacy: at least 131,072; a provider's lists roll over
    # to a new list when full). 1,048,576 two-bit entries publish as ~256 KB before gzip.
    status_list_size: int = 131_072
    # how long a CDN or verifier may keep a status list credential (Cache-Control max-age)
    status_cache_seconds: int = 300
    # VC API conformance profile: POST /credentials/issue signs only with these did:key
    # issuers (made and sealed on first start), so the W3C test suites can be pointed at it.
    conformance: bool = False
    max_tx_code_attempts: int = 5
    # Fixed-window rate limits kept in the database, so they hold across gunicorn workers
    # (issuer/ratelimit.py): requests per window per API token on /api/v1/…, and per client
    # address on the OpenID4VCI /token and /credential endpoints together. 0 switches one off.
    api_rate_limit: int = 600
    oid4vci_rate_limit: int = 120
    rate_limit_window: timedelta = timedelta(minutes=1)
    trust_proxy: bool = False
    testing: bool = False

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def public_host(self) -> str:
        """host[:port] of PUBLIC_URL, as a did:web writes it (``localhost%3A5001``)."""
        parts = urlsplit(self.public_base)
        if not parts.hostname:
            raise ConfigError(f"PUBLIC_URL {self.public_url!r} is not a web address")
        return parts.hostname + (f"%3A{parts.port}" if parts.port else "")

    @property
    def did_web_base(self) -> str:
        """``did:web:`` + host (+ path segments when PUBLIC_URL has a path, e.g. behind a
        proxy prefix): providers hang below it as ``…:providers:<slug>``."""
        segments = [part for part in urlsplit(self.public_base).path.split("/") if part]
        return ":".join(["did:web:" + self.public_host, *segments])

    def master_key_bytes(self) -> bytes:
        from passport_vc.keys.storage import parse_master_key

        return parse_master_key(self.master_key)

    @classmethod
    def from_env(cls, environ=os.environ, *, instance: Path | None = None) -> IssuerConfig:
        from passport_web.sql import sqlite_url

        folder = Path(environ.get("ISSUER_INSTANCE", instance or DEFAULT_INSTANCE))
        url = environ.get("ISSUER_DATABASE_URL") or environ.get("DATABASE_URL") \
            or sqlite_url(folder / "issuer.db")
        master = required_master_key(environ, "every provider's signing keys")
        secret = session_secret(environ, folder, url)
        return cls(database_url=url, secret_key=secret, master_key=master,
                   public_url=environ.get("ISSUER_PUBLIC_URL")
                   or environ.get("PUBLIC_URL", DEFAULT_PUBLIC_URL),
                   did_documents_dir=Path(environ.get("PASSPORT_DID_DOCUMENTS_OUT",
                                                      "did-documents")),
                   network=NetworkSettings.from_env(environ),
                   conformance=flag(environ.get("ISSUER_CONFORMANCE", "")),
                   trust_proxy=flag(environ.get("TRUST_PROXY", "")),
                   api_rate_limit=_count(environ, "ISSUER_API_RATE_LIMIT", 600),
                   oid4vci_rate_limit=_count(environ, "ISSUER_OID4VCI_RATE_LIMIT", 120),
                   rate_limit_window=timedelta(seconds=_count(
                       environ, "ISSUER_RATE_LIMIT_WINDOW_SECONDS", 60, low=1)),
                   status_list_size=_count(environ, "ISSUER_STATUS_LIST_SIZE", MIN_LIST_SIZE,
                                           low=MIN_LIST_SIZE, high=MAX_LIST_SIZE),
                   status_cache_seconds=_count(environ, "ISSUER_STATUS_MAX_AGE", 300,
                                               high=86_400))

    @classmethod
    def for_tests(cls, database_url: str, tmp_path: Path, *, clock: Clock = system_clock,
                  public_url: str = DEFAULT_PUBLIC_URL, **changes) -> IssuerConfig:
        from passport_vc.keys.storage import generate_master_key

        config = cls(database_url=database_url, secret_key=secrets.token_hex(16),
                     master_key=generate_master_key(), public_url=public_url,
                     did_documents_dir=Path(tmp_path) / "did-documents", clock=clock,
                     testing=True)
        return replace(config, **changes) if changes else config


def _count(environ, name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        number = low - 1
    if number < low or (high is not None and number > high):
        limits = f"from {low:,} to {high:,}" if high is not None else f"of {low} or more"
        raise ConfigError(f"{name} must be a whole number {limits}, not {value!r}")
    return number

