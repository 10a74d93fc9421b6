"""How a service reaches the outside world, from configuration.

Production: HTTPS only, no private addresses (STANDARDS trap 11). The local demo and the tests run
every service on loopback over plain HTTP, so they name those hosts explicitly
(``PASSPORT_HTTP_HOSTS=localhost:5001,localhost:5002``); nothing else is relaxed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from passport_vc.clock import Clock, system_clock

from .settings import flag


@dataclass(frozen=True)
class NetworkSettings:
    http_hosts: frozenset[str] = frozenset()  # host[:port] reached over http (demo/tests only)
    did_documents_dir: Path | None = None  # pinned did:web documents, checked first
    offline: bool = False
    ca_bundle: str | None = None  # REQUESTS_CA_BUNDLE / SSL_CERT_FILE: a private or corporate CA
    # The longest a fetched DID document or status list is used without asking its origin again,
    # whatever max-age the origin sends (PASSPORT_CACHE_MAX_AGE_SECONDS).
    cache_max_age: int = 3600

    @property
    def policy(self):
        """Exactly the named host:port pairs may use http and local addresses; nothing else."""
        from passport_vc.egress import AddressPolicy

        return AddressPolicy.from_hosts(self.http_hosts)

    @classmethod
    def from_env(cls, environ=os.environ, *, did_documents_dir: Path | None = None,
                 ) -> NetworkSettings:
        hosts = frozenset(h.strip() for h in environ.get("PASSPORT_HTTP_HOSTS", "").split(",")
                          if h.strip())
        from passport_vc.egress import ca_bundle_from_env

        folder = environ.get("PASSPORT_DID_DOCUMENTS")
        max_age = environ.get("PASSPORT_CACHE_MAX_AGE_SECONDS", "").strip()
        if max_age and not (max_age.isascii() and max_age.isdigit() and len(max_age) < 8):
            from passport_vc.errors import ConfigError

            raise ConfigError("PASSPORT_CACHE_MAX_AGE_SECONDS must be a whole number of "
                              f"seconds, not {max_age!r}")
        return cls(hosts, Path(folder) if folder else did_documents_dir,
                   flag(environ.get("PASSPORT_OFFLINE")),
                   environ.get("PASSPORT_CA_BUNDLE") or ca_bundle_from_env(environ),
                   int(max_age) if max_age else cls.cache_max_age)


@dataclass
class Network:
    """A fetcher and a DID resolver built once per process from ``NetworkSettings``.

    ``shared``: a ``passport_vc.fetch.SharedTier`` (the verifier's database table) behind the
    in-process cache, so every worker and machine shares what one of them fetched."""

    settings: NetworkSettings
    clock: Clock = system_clock
    shared: object | None = None
    fetcher: object = field(init=False)
    resolver: object = field(init=False)

    def __post_init__(self) -> None:
        from passport_vc.did import default_resolver
        from passport_vc.fetch import CachingFetcher, HttpFetcher, StaticFetcher

        if self.settings.offline:
            self.fetcher = StaticFetcher({}, clock=self.clock)
        else:
            http = HttpFetcher(clock=self.clock, policy=self.settings.policy,
                               ca_bundle=self.settings.ca_bundle)
            self.fetcher = CachingFetcher(
                _HostPolicy(http, self.settings.http_hosts), clock=self.clock,
                max_ttl=timedelta(seconds=self.settings.cache_max_age), shared=self.shared)
        self.resolver = default_resolver(fetcher=self.fetcher,
                                         did_documents_dir=self.settings.did_documents_dir,
                                         clock=self.clock, http_hosts=self.settings.http_hosts)

    def verifier(self, *, schemas=None, check_status: bool = True):
        from passport_vc.verify import Verifier

        if schemas is None:
            from schemas import schema_store

            schemas = schema_store()
        return Verifier(resolver=self.resolver, fetch=self.fetcher, clock=self.clock,
                        schemas=schemas, check_status=check_status)


class _HostPolicy:
    """Plain http only to the named loopback hosts; everything else must be https."""

    def __init__(self, inner, http_hosts: frozenset[str]) -> None:
        self.inner = inner
        self.http_hosts = http_hosts
        self.conditional = getattr(inner, "conditional", False)

    def get(self, url: str, *, accept: str | None = None, **conditions):
        from urllib.parse import urlsplit

        from passport_vc.errors import FetchForbiddenError

        try:
            parts = urlsplit(url)
        except (ValueError, TypeError):
            raise FetchForbiddenError(f"{url!r:.100} is not a valid web address") from None
        if parts.scheme == "http" and parts.netloc not in self.http_hosts:
            raise FetchForbiddenError(f"Only https addresses can be used ({parts.netloc})")
        return self.inner.get(url, accept=accept, **conditions)
