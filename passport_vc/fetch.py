"""Fetching public documents (did:web DID documents, status lists) without becoming an SSRF proxy.

STANDARDS.md trap 11: a did:web DID or a ``statusListCredential`` URL is chosen by whoever wrote
the credential, so every fetch is a server-side request to an attacker-chosen URL. The rules:
HTTPS only, the host must resolve to public addresses only (checked before connecting and again
on the connected socket, so DNS rebinding cannot slip through), at most three redirects each
re-checked, a size limit enforced while streaming, timeouts, and a TTL cache (RFC 9111
``Cache-Control: max-age``, capped at one day) that can serve a stale copy when the origin fails.

Everything takes a ``Fetcher`` so tests and offline verification never touch the network.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http.cookiejar import DefaultCookiePolicy
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .clock import Clock, system_clock
from .errors import FetchError, FetchForbiddenError, TooLargeError

USER_AGENT = "skills-passport/0.1 (+https://www.w3.org/TR/vc-data-model-2.0/)"
MAX_REDIRECTS = 3
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
MAX_CACHE_AGE = timedelta(days=1)
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Fetched:
    """A fetched document. ``content_type`` is the media type only (no parameters), lower case.

    ``max_age`` is the server's ``Cache-Control`` lifetime in seconds (0 for ``no-store`` /
    ``no-cache``), or None when it gave none.
    """

    url: str
    body: bytes
    content_type: str | None
    fetched_at: datetime
    from_cache: bool = False
    etag: str | None = None
    max_age: int | None = None

    def json(self) -> object:
        from .inputs import parse_json

        return parse_json(self.body)


class Fetcher(Protocol):
    def get(self, url: str, *, accept: str | None = None) -> Fetched: ...


# --- address policy --------------------------------------------------------------------------
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


def _host_label(url: str) -> str:
    return urlsplit(url).hostname or url


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
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def resolve_public(host: str, port: int) -> list[str]:
    """Resolve ``host`` and refuse it unless every address is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The web address {host} could not be found") from None
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise FetchError(f"The web address {host} could not be found")
    for address in addresses:
        if is_forbidden_address(address):
            raise FetchForbiddenError(
                f"{host} points to a private or local network address, which is not fetched")
    return addresses


# --- connections that re-check the address they actually reached ----------------------------
class _PeerCheck:
    """Mixin: after connecting, refuse a forbidden peer (defeats DNS rebinding between the
    getaddrinfo check and the connect)."""

    def _new_conn(self):  # type: ignore[override]
        sock = super()._new_conn()  # type: ignore[misc]
        try:
            peer = sock.getpeername()[0]
        except OSError:
            peer = ""
        if is_forbidden_address(peer):
            sock.close()
            raise FetchForbiddenError(
                "The server is on a private or local network address, which is not fetched")
        return sock


class _CheckedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool,
                                                   "https": _CheckedHTTPSPool}


def _parse_max_age(cache_control: str | None) -> int | None:
    if not cache_control:
        return None
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return 0
    match = _MAX_AGE.search(lowered)
    return int(match.group(1)) if match else None


def _media_type(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


# --- fetchers --------------------------------------------------------------------------------
class HttpFetcher:
    """GET over HTTPS with the SSRF rules above. Safe to share between threads."""

    def __init__(self, *, clock: Clock = system_clock, timeout: float = 5.0,
                 max_bytes: int = 1_048_576, allow_private: bool = False,
                 allow_http: bool = False, session: requests.Session | None = None,
                 ca_bundle: str | os.PathLike | None = None) -> None:
        self.clock = clock
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.allow_http = allow_http
        self._session = session
        self.ca_bundle = str(ca_bundle) if ca_bundle is not None else None
        self._local = threading.local()

    def _session_for_thread(self) -> requests.Session:
        if self._session is not None:
            session = self._session
        else:
            # requests.Session is not documented as thread-safe: one per thread.
            session = getattr(self._local, "session", None)
            if session is None:
                session = requests.Session()
                self._local.session = session
        if not getattr(session, "_passport_guarded", False):
            # Proxies from the environment would hide the real destination from the checks;
            # cookies would let one fetched site track or influence the next fetch.
            session.trust_env = False
            if self.ca_bundle is not None:
                session.verify = self.ca_bundle
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            if not self.allow_private:
                session.mount("https://", _PublicOnlyAdapter())
                session.mount("http://", _PublicOnlyAdapter())
            session._passport_guarded = True  # type: ignore[attr-defined]
        return session

    def _check(self, url: str) -> None:
        _scheme, host, port = check_url(url, allow_http=self.allow_http)
        if not self.allow_private:
            resolve_public(host, port)

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        session = self._session_for_thread()
        headers = {"User-Agent": USER_AGENT, "Accept": accept or "application/json, */*;q=0.5"}
        current = url
        # Slow-drip servers can keep each read under the timeout: bound the whole fetch too.
        deadline = time.monotonic() + 3 * self.timeout
        for _hop in range(MAX_REDIRECTS + 1):
            self._check(current)
            response = self._request(session, current, headers)
            try:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{_host_label(current)} sent a redirect with no "
                                         "address", status=response.status_code)
                    current = urljoin(current, location)
                    continue
                if not 200 <= response.status_code < 300:
                    raise FetchError(f"{_host_label(current)} answered with error "
                                     f"{response.status_code} for {current:.200}",
                                     status=response.status_code)
                body = self._read_body(response, current, deadline)
                return Fetched(
                    url=current, body=body,
                    content_type=_media_type(response.headers.get("Content-Type")),
                    fetched_at=self.clock(), etag=response.headers.get("ETag"),
                    max_age=_parse_max_age(response.headers.get("Cache-Control")))
            finally:
                response.close()
        raise FetchError(f"{_host_label(url)} redirected more than {MAX_REDIRECTS} times")

    def _request(self, session: requests.Session, url: str, headers: dict) -> requests.Response:
        try:
            return session.get(url, headers=headers, timeout=(self.timeout, self.timeout),
                               allow_redirects=False, stream=True)
        except requests.exceptions.Timeout:
            raise FetchError(f"{_host_label(url)} did not answer in time") from None
        except requests.exceptions.SSLError:
            raise FetchError(f"{_host_label(url)} did not present a valid secure (TLS) "
                             "certificate") from None
        except requests.exceptions.RequestException:
            raise FetchError(f"Could not connect to {_host_label(url)}") from None

    def _read_body(self, response: requests.Response, url: str, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise TooLargeError(f"The document at {url:.200} is larger than "
                                f"{self.max_bytes // 1024} KB")
        chunks: list[bytes] = []
        size = 0
        try:
            # iter_content decodes gzip/deflate, so the limit applies to the decoded size and a
            # compressed bomb is stopped too (trap 9).
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise TooLargeError(f"The document at {url:.200} is larger than "
                                        f"{self.max_bytes // 1024} KB")
                if time.monotonic() > deadline:
                    raise FetchError(f"{_host_label(url)} took too long to send the document")
                chunks.append(chunk)
        except requests.exceptions.RequestException:
            raise FetchError(f"The connection to {_host_label(url)} failed while reading "
                             "the document") from None
        return b"".join(chunks)


class StaticFetcher:
    """Serve documents supplied in advance (tests, ``--document``, offline trust bundles)."""

    def __init__(self, documents: Mapping[str, bytes | str | dict], *,
                 fetched_at: datetime | None = None, clock: Clock = system_clock) -> None:
        self._documents: dict[str, tuple[bytes, str | None]] = {}
        for url, value in documents.items():
            if isinstance(value, dict | list):
                body = json.dumps(value).encode("utf-8")
            elif isinstance(value, str):
                body = value.encode("utf-8")
            else:
                body = bytes(value)
            self._documents[url] = (body, _sniff(body))
        self._fetched_at = fetched_at
        self.clock = clock

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        entry = self._documents.get(url)
        if entry is None:
            raise FetchError(f"No copy of {url:.200} is available here", status=404)
        body, content_type = entry
        return Fetched(url=url, body=body, content_type=content_type,
                       fetched_at=self._fetched_at or self.clock())


def _sniff(body: bytes) -> str | None:
    return "application/json" if body.lstrip()[:1] in (b"{", b"[") else None


@dataclass
class _Entry:
    fetched: Fetched
    expires_at: datetime


class CachingFetcher:
    """A TTL cache in front of another fetcher; thread-safe.

    The lifetime is the server's ``max-age`` (capped at one day) or ``ttl``; ``no-store`` is not
    cached. If the origin fails and an expired copy no older than ``max_stale`` is held, that
    copy is returned (``from_cache=True`` with its original ``fetched_at``) so callers can say
    how old their information is instead of failing outright.
    """

    def __init__(self, inner: Fetcher, *, clock: Clock = system_clock,
                 ttl: timedelta = timedelta(minutes=5), max_entries: int = 1024,
                 max_stale: timedelta | None = timedelta(days=1)) -> None:
        self.inner = inner
        self.clock = clock
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_stale = max_stale
        self._entries: OrderedDict[tuple[str, str | None], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, *, accept: str | None = None, fresh: bool = False) -> Fetched:
        key = (url, accept)
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if not fresh and entry is not None and now < entry.expires_at:
                self._entries.move_to_end(key)
                return replace(entry.fetched, from_cache=True)
        try:
            fetched = self.inner.get(url, accept=accept)
        except FetchError:
            stale = self._stale(key, now)
            if stale is not None:
                return replace(stale, from_cache=True)
            raise
        self._store(key, fetched, now)
        return fetched

    def _stale(self, key: tuple[str, str | None], now: datetime) -> Fetched | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            return None
        if self.max_stale is not None and now - entry.expires_at > self.max_stale:
            return None
        return entry.fetched

    def _store(self, key: tuple[str, str | None], fetched: Fetched, now: datetime) -> None:
        if fetched.max_age == 0:
            return
        lifetime = (self.ttl if fetched.max_age is None
                    else min(timedelta(seconds=fetched.max_age), MAX_CACHE_AGE))
        with self._lock:
            self._entries[key] = _Entry(fetched, now + lifetime)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def revalidating(self) -> _Revalidating:
        """A view for when a person asked to "check again now": every request goes to the
        origin (and refreshes this cache); a held copy is still used if the origin is down."""
        return _Revalidating(self)


class _Revalidating:
    def __init__(self, cache: CachingFetcher) -> None:
        self.cache = cache

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        return self.cache.get(url, accept=accept, fresh=True)


def revalidating(fetcher):
    """``fetcher.revalidating()`` where the fetcher caches; any other fetcher as it is."""
    make = getattr(fetcher, "revalidating", None)
    return make() if callable(make) else fetcher


class ChainFetcher:
    """Try each fetcher in turn (e.g. supplied documents first, then the network)."""

    def __init__(self, *fetchers: Fetcher) -> None:
        self.fetchers = fetchers

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        last: FetchError | None = None
        for fetcher in self.fetchers:
            try:
                return fetcher.get(url, accept=accept)
            except FetchError as error:
                last = error
        raise last or FetchError(f"Nothing is set up here to fetch {url:.200}")
