"""How a service reaches the outside world, from configuration.

Production: HTTPS only, no private addresses (STANDARDS trap 11). The local demo and the tests run
every service on loopback over plain HTTP, so they name those hosts explicitly
(``PASSPORT_HTTP_HOSTS=localhost:5001,localhost:5002``); nothing else is relaxed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..clock import Clock, system_clock
from .settings import flag


@dataclass(frozen=True)
class NetworkSettings:
    http_hosts: frozenset[str] = frozenset()  # host[:port] reached over http (demo/tests only)
    did_documents_dir: Path | None = None  # pinned did:web documents, checked first
    offline: bool = False
    # PEM file of the certificate authorities https fetches trust instead of the public ones
    # (a private CA in a closed deployment, or the W3C suites' local https proxy).
    ca_bundle: Path | None = None

    @property
    def allow_private(self) -> bool:
        return bool(self.http_hosts)

    @classmethod
    def from_env(cls, environ=os.environ, *, did_documents_dir: Path | None = None,
                 ) -> NetworkSettings:
        hosts = frozenset(h.strip() for h in environ.get("PASSPORT_HTTP_HOSTS", "").split(",")
                          if h.strip())
        folder = environ.get("PASSPORT_DID_DOCUMENTS")
        bundle = environ.get("PASSPORT_CA_BUNDLE")
        return cls(hosts, Path(folder) if folder else did_documents_dir,
                   flag(environ.get("PASSPORT_OFFLINE")), Path(bundle) if bundle else None)


@dataclass
class Network:
    """A fetcher and a DID resolver built once per process from ``NetworkSettings``."""

    settings: NetworkSettings
    clock: Clock = system_clock
    fetcher: object = field(init=False)
    resolver: object = field(init=False)

    def __post_init__(self) -> None:
        from ..did import default_resolver
        from ..fetch import CachingFetcher, HttpFetcher, StaticFetcher

        if self.settings.offline:
            self.fetcher = StaticFetcher({}, clock=self.clock)
        else:
            http = HttpFetcher(clock=self.clock, allow_private=self.settings.allow_private,
                               allow_http=bool(self.settings.http_hosts),
                               ca_bundle=self.settings.ca_bundle)
            self.fetcher = CachingFetcher(_HostPolicy(http, self.settings.http_hosts),
                                          clock=self.clock)
        self.resolver = default_resolver(fetcher=self.fetcher,
                                         did_documents_dir=self.settings.did_documents_dir,
                                         clock=self.clock, http_hosts=self.settings.http_hosts)

    def verifier(self, *, schemas=None, check_status: bool = True):
        from ..verify import Verifier

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

    def get(self, url: str, *, accept: str | None = None):
        from urllib.parse import urlsplit

        from ..errors import FetchForbiddenError

        parts = urlsplit(url)
        if parts.scheme == "http" and parts.netloc not in self.http_hosts:
            raise FetchForbiddenError(f"Only https addresses can be used ({parts.netloc})")
        return self.inner.get(url, accept=accept)
