"""Every outbound HTTP connection, under one policy (STANDARDS.md trap 11 and "fetch deadlines").

Whoever writes a credential chooses the URLs we fetch (did:web documents, status lists, a
wallet's offer links), so each connection obeys the same rules, in ``passport_vc.fetch`` and in
the wallet's OpenID4VCI client alike:

- **Addresses.** https only, and the host must resolve to public addresses only. The name is
  resolved once, checked, and the connection is made to exactly that checked address (then the
  connected peer is checked again), so DNS rebinding cannot swap in a private address. A local
  demo or test names ``host:port`` pairs (``PASSPORT_HTTP_HOSTS``); exactly those pairs may use
  plain http and loopback. Every other destination, including every redirect hop, keeps every
  check.
- **One total deadline** for connect, headers and body. A per-read timeout is not a deadline:
  a server sending one byte a second never trips it. A timer shuts the sockets down when the
  deadline passes, wherever the client is blocked.
- **Certificates.** The operating system's or a deployment's CA bundle
  (``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``, ``SSL_CERT_DIR``) is honoured, so a service behind
  a corporate or private CA can fetch; proxies from the environment are not (they would hide the
  real destination from the checks).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .errors import FetchError, FetchForbiddenError

DEFAULT_PORTS = {"http": 80, "https": 443}


# --- address rules ---------------------------------------------------------------------------
def is_forbidden_address(address: str) -> bool:
    """True for anything but a public unicast address (private, loopback, link-local, CGNAT,
    multicast, reserved, unspecified — including IPv4 hidden inside IPv6)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and is_forbidden_address(str(embedded)):
            return True
    return (not ip.is_global) or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def check_url(url: str, *, allow_http: bool = False) -> tuple[str, str, int]:
    """Return (scheme, host, port) for a URL this system may fetch, or raise."""
    if not isinstance(url, str) or len(url) > 2048:
        raise FetchForbiddenError("That web address is not valid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchForbiddenError(f"{url!r:.100} is not a valid web address") from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (allow_http and scheme == "http"):
        raise FetchForbiddenError(f"Only secure (https) addresses are fetched, not {url:.100}")
    if not parts.hostname:
        raise FetchForbiddenError(f"{url:.100} has no host name")
    if parts.username is not None or parts.password is not None:
        raise FetchForbiddenError("Web addresses with a user name or password are not fetched")
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme]


def resolve_public(host: str, port: int) -> list[str]:
    """Resolve ``host`` and refuse it unless every address is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchError(f"The web address {host} could not be found") from None
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise FetchError(f"The web address {host} could not be found")
    for address in addresses:
        if is_forbidden_address(address):
            raise FetchForbiddenError(
                f"{host} points to a private or local network address, which is not fetched")
    return addresses


def parse_named_hosts(entries: Iterable[str]) -> frozenset[tuple[str, int | None]]:
    """``host[:port]`` entries → (lower-case host, port or None for the scheme's default)."""
    named = set()
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            parts = urlsplit("//" + entry)
            port = parts.port
        except ValueError:
            continue  # a malformed entry names nothing (it never widens the policy)
        if parts.hostname:
            named.add((parts.hostname.lower(), port))
    return frozenset(named)


@dataclass(frozen=True)
class AddressPolicy:
    """Which destinations a connection may reach.

    ``named``: (host, port) pairs a local deployment names; only those may use http and
    private or loopback addresses (a port of None means the scheme's default port).
    ``allow_private``: turn the address checks off altogether (tests of other behaviour only).
    """

    named: frozenset[tuple[str, int | None]] = frozenset()
    allow_private: bool = False
    allow_http: bool = False

    @classmethod
    def from_hosts(cls, entries: Iterable[str]) -> AddressPolicy:
        return cls(parse_named_hosts(entries))

    def is_named(self, scheme: str, host: str, port: int) -> bool:
        host = host.lower().rstrip(".")
        return ((host, port) in self.named
                or (port == DEFAULT_PORTS.get(scheme) and (host, None) in self.named))

    def check(self, url: str) -> tuple[str, str, int]:
        """Refuse a URL before any connection: scheme, form, and (unless named) the address."""
        scheme, host, port = check_url(url, allow_http=True)
        named = self.is_named(scheme, host, port)
        if scheme == "http" and not (named or self.allow_http):
            raise FetchForbiddenError(f"Only secure (https) addresses are fetched, not "
                                      f"{url:.100}")
        if not (named or self.allow_private):
            resolve_public(host, port)
        return scheme, host, port

    def guards(self, scheme: str, host: str, port: int) -> bool:
        return not (self.allow_private or self.is_named(scheme, host, port))


# --- one deadline for a whole exchange -------------------------------------------------------
_current = threading.local()


class Deadline:
    """``with Deadline(seconds):`` — sockets opened inside are shut down when time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(0.0, self.expires - time.monotonic())

    def __enter__(self) -> Deadline:
        self._outer = getattr(_current, "deadline", None)
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()
        _current.deadline = self._outer

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for TLS sockets: a blocked read returns at once,
        # without touching the TLS object another thread is using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


def current_deadline() -> Deadline | None:
    return getattr(_current, "deadline", None)


# --- connections that obey the policy --------------------------------------------------------
class _Guarded:
    """Mixin for urllib3 connections: connect only to a checked address, then re-check the
    peer, and put the socket under the current deadline."""

    policy: AddressPolicy = AddressPolicy()
    scheme = "https"

    def _new_conn(self):  # type: ignore[override]
        deadline = current_deadline()
        if deadline is not None:
            if deadline.remaining() <= 0:
                raise ConnectTimeoutError(self, "The deadline passed before connecting")
            self.timeout = min(self.timeout or deadline.seconds, deadline.remaining())
        guarded = self.policy.guards(self.scheme, self.host, self.port)
        if not guarded:
            sock = super()._new_conn()  # type: ignore[misc]
        else:
            sock = self._connect_checked()
            try:
                peer = sock.getpeername()[0]
            except OSError:
                peer = ""
            if is_forbidden_address(peer):
                sock.close()
                raise FetchForbiddenError("The server is on a private or local network "
                                          "address, which is not fetched")
        if deadline is not None:
            deadline.register(sock)
        return sock

    def _connect_checked(self):
        # Resolve once and connect to exactly the addresses that were checked. ``host`` (used
        # for TLS server name and certificate checks) keeps the name.
        addresses = resolve_public(self.host, self.port)
        name = self._dns_host
        last: Exception | None = None
        try:
            for address in addresses:
                self._dns_host = address
                try:
                    return super()._new_conn()  # type: ignore[misc]
                except (NewConnectionError, ConnectTimeoutError) as error:
                    last = error
        finally:
            self._dns_host = name
        raise last  # type: ignore[misc]


class _NoReuse:
    """Mixin for urllib3 pools: never keep a connection for the next request. Each request then
    opens its own, under its own deadline and address checks (a kept one was checked for an
    earlier request, and may have been closed by the server in the meantime)."""

    def _put_conn(self, conn) -> None:  # type: ignore[override]
        if conn is not None:
            conn.close()
        super()._put_conn(None)  # type: ignore[misc]


def _pool_classes(policy: AddressPolicy) -> dict:
    http_conn = type("GuardedHTTPConnection", (_Guarded, HTTPConnection),
                     {"policy": policy, "scheme": "http"})
    https_conn = type("GuardedHTTPSConnection", (_Guarded, HTTPSConnection),
                      {"policy": policy, "scheme": "https"})
    return {"http": type("GuardedHTTPPool", (_NoReuse, HTTPConnectionPool),
                         {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSPool", (_NoReuse, HTTPSConnectionPool),
                          {"ConnectionCls": https_conn})}


class GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: AddressPolicy, **kwargs) -> None:
        self.policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.policy)


def ca_bundle_from_env(environ: Mapping[str, str] = os.environ) -> str | None:
    """The CA file or folder a deployment names (requests' own variable first, then
    OpenSSL's), or None for the bundled certifi roots."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        value = (environ.get(name) or "").strip()
        if value:
            return value
    return None


def guarded_session(policy: AddressPolicy, *, ca_bundle: str | None = None) -> requests.Session:
    """A requests session whose every connection obeys ``policy``."""
    session = requests.Session()
    # Proxies from the environment would hide the real destination from the checks; cookies
    # would let one fetched site track or influence the next fetch.
    session.trust_env = False
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    if ca_bundle:
        session.verify = ca_bundle
    adapter = GuardedAdapter(policy)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
