"""Fetching public documents (did:web DID documents, status lists) without becoming an SSRF proxy.

STANDARDS.md trap 11: a did:web DID or a ``statusListCredential`` URL is chosen by whoever wrote
the credential, so every fetch is a server-side request to an attacker-chosen URL. The rules:
HTTPS only, the host must resolve to public addresses only (resolved once, connected to that
address and checked again on the socket, so DNS rebinding cannot slip through — see
``passport_vc.egress``), at most three redirects each re-checked against every rule, a size limit
enforced while streaming, one total deadline, and a TTL cache (RFC 9111
``Cache-Control: max-age``, capped) that revalidates with ``If-None-Match`` when the origin gave
an ``ETag``, can share its copies between processes through a ``SharedTier`` (a table in the
service's database) and can serve a stale copy, with its true age, when the origin fails.

Everything takes a ``Fetcher`` so tests and offline verification never touch the network.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property
from http.cookiejar import DefaultCookiePolicy
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from .clock import Clock, system_clock
from .egress import (
    AddressPolicy,
    Deadline,
    check_url,
    guarded_session,
    is_forbidden_address,
    resolve_public,
)
from .errors import FetchError, FetchForbiddenError, TooLargeError

__all__ = ["AddressPolicy", "CachingFetcher", "ChainFetcher", "Fetched", "Fetcher",
           "HttpFetcher", "SharedTier", "StaticFetcher", "check_url", "is_forbidden_address",
           "read_limited", "resolve_public", "revalidating"]
# What a broken connection can raise from below requests (urllib3, http.client, the socket).
READ_FAILURES = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
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
    not_modified: bool = False  # a 304 answer to If-None-Match: ``body`` is empty

    def revalidated(self, answer: Fetched) -> Fetched:
        """This copy, confirmed unchanged by the origin's 304 ``answer`` just now."""
        return replace(self, fetched_at=answer.fetched_at, from_cache=False,
                       etag=answer.etag or self.etag,
                       max_age=answer.max_age if answer.max_age is not None else self.max_age)

    @cached_property
    def body_sha256(self) -> bytes:
        """SHA-256 of the body, once per copy: a cached copy is served to many checks."""
        return hashlib.sha256(self.body).digest()

    def json(self) -> object:
        from .inputs import parse_json

        return parse_json(self.body)


class Fetcher(Protocol):
    def get(self, url: str, *, accept: str | None = None) -> Fetched: ...


def _host_label(url: str) -> str:
    return urlsplit(url).hostname or url


def _parse_max_age(cache_control: str | None) -> int | None:
    if not cache_control:
        return None
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return 0
    match = _MAX_AGE.search(lowered)
    return int(match.group(1)) if match else None


_ENTITY_TAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e]{0,200}"\Z')


def _is_entity_tag(value: str) -> bool:
    """An RFC 9110 entity tag we may send back (a header-safe quoted string)."""
    return isinstance(value, str) and _ENTITY_TAG.match(value) is not None


def _media_type(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


# --- fetchers --------------------------------------------------------------------------------
class HttpFetcher:
    conditional = True  # understands if_none_match
    """GET over HTTPS under ``passport_vc.egress`` rules (addresses checked on every hop and
    every connection, one total deadline, a size cap). Safe to share between threads.

    ``timeout`` bounds connecting and each read; ``deadline`` (default: twice the timeout)
    bounds the whole fetch, redirects included. ``policy`` names the hosts a local deployment
    reaches over http; ``allow_private``/``allow_http`` switch checks off (tests only).
    """

    def __init__(self, *, clock: Clock = system_clock, timeout: float = 5.0,
                 max_bytes: int = 1_048_576, allow_private: bool = False,
                 allow_http: bool = False, session: requests.Session | None = None,
                 policy: AddressPolicy | None = None, deadline: float | None = None,
                 ca_bundle: str | None = None) -> None:
        self.clock = clock
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else 2 * timeout
        self.max_bytes = max_bytes
        base = policy or AddressPolicy()
        self.policy = replace(base, allow_private=base.allow_private or allow_private,
                              allow_http=base.allow_http or allow_http)
        self.ca_bundle = ca_bundle
        self._session = session
        self._local = threading.local()

    @property
    def allow_private(self) -> bool:
        return self.policy.allow_private

    def _session_for_thread(self) -> requests.Session:
        if self._session is not None:
            session = self._session
            if not getattr(session, "_passport_guarded", False):
                guarded = guarded_session(self.policy, ca_bundle=self.ca_bundle)
                session.trust_env = False
                session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
                session.verify = guarded.verify
                for prefix, adapter in guarded.adapters.items():
                    session.mount(prefix, adapter)
                session._passport_guarded = True  # type: ignore[attr-defined]
            return session
        # requests.Session is not documented as thread-safe: one per thread.
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = guarded_session(self.policy,
                                                            ca_bundle=self.ca_bundle)
        return session

    def _check(self, url: str) -> None:
        self.policy.check(url)

    def get(self, url: str, *, accept: str | None = None,
            if_none_match: str | None = None) -> Fetched:
        session = self._session_for_thread()
        # "Connection: close": every connection is new, so each one is opened under this
        # fetch's deadline and address checks (a pooled one would have been checked earlier).
        headers = {"User-Agent": USER_AGENT, "Accept": accept or "application/json, */*;q=0.5",
                   "Connection": "close"}
        if if_none_match and _is_entity_tag(if_none_match):
            headers["If-None-Match"] = if_none_match
        with Deadline(self.deadline) as deadline:
            try:
                return self._get(session, url, headers, deadline)
            except FetchError:
                if deadline.expired:
                    raise FetchError(f"{_host_label(url)} took more than {self.deadline:g} "
                                     "seconds to send the document") from None
                raise

    def _get(self, session: requests.Session, url: str, headers: dict,
             deadline: Deadline) -> Fetched:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check(current)
            response = self._request(session, current, headers, deadline)
            try:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{_host_label(current)} sent a redirect with no "
                                         "address", status=response.status_code)
                    current = urljoin(current, location)
                    continue
                if response.status_code == 304 and "If-None-Match" in headers:
                    return Fetched(
                        url=current, body=b"", content_type=None, fetched_at=self.clock(),
                        etag=response.headers.get("ETag"), not_modified=True,
                        max_age=_parse_max_age(response.headers.get("Cache-Control")))
                if not 200 <= response.status_code < 300:
                    raise FetchError(f"{_host_label(current)} answered with error "
                                     f"{response.status_code} for {current:.200}",
                                     status=response.status_code)
                body = read_limited(response, self.max_bytes, current)
                return Fetched(
                    url=current, body=body,
                    content_type=_media_type(response.headers.get("Content-Type")),
                    fetched_at=self.clock(), etag=response.headers.get("ETag"),
                    max_age=_parse_max_age(response.headers.get("Cache-Control")))
            finally:
                response.close()
        raise FetchError(f"{_host_label(url)} redirected more than {MAX_REDIRECTS} times")

    def _request(self, session: requests.Session, url: str, headers: dict,
                 deadline: Deadline) -> requests.Response:
        timeout = max(0.001, min(self.timeout, deadline.remaining()))
        try:
            return session.get(url, headers=headers, timeout=(timeout, self.timeout),
                               allow_redirects=False, stream=True)
        except requests.exceptions.Timeout:
            raise FetchError(f"{_host_label(url)} did not answer in time") from None
        except requests.exceptions.SSLError:
            raise FetchError(f"{_host_label(url)} did not present a valid secure (TLS) "
                             "certificate") from None
        except requests.exceptions.RequestException as error:
            forbidden = _forbidden_cause(error)
            if forbidden is not None:
                raise forbidden from None
            raise FetchError(f"Could not connect to {_host_label(url)}") from None
        except READ_FAILURES:
            raise FetchError(f"Could not connect to {_host_label(url)}") from None


def _forbidden_cause(error: BaseException) -> FetchForbiddenError | None:
    """A refusal raised inside urllib3 comes back wrapped; find it again."""
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, FetchForbiddenError):
            return seen
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, FetchForbiddenError):
                return arg
            reason = getattr(arg, "reason", None)
            if isinstance(reason, FetchForbiddenError):
                return reason
        seen = getattr(seen, "reason", None) or seen.__cause__ or seen.__context__
    return None


def read_limited(response: requests.Response, max_bytes: int, url: str) -> bytes:
    """The body, decoded, refused beyond ``max_bytes``; a broken stream is a FetchError."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isascii() and declared.isdigit() and \
            (len(declared) > 15 or int(declared) > max_bytes):
        raise TooLargeError(f"The document at {url:.200} is larger than {max_bytes // 1024} KB")
    chunks: list[bytes] = []
    size = 0
    try:
        # iter_content decodes gzip/deflate, so the limit applies to the decoded size and a
        # compressed bomb is stopped too (trap 9).
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > max_bytes:
                raise TooLargeError(f"The document at {url:.200} is larger than "
                                    f"{max_bytes // 1024} KB")
            chunks.append(chunk)
    except (requests.exceptions.RequestException, *READ_FAILURES):
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
    served: Fetched | None = None  # the same copy marked from_cache, made once

    def __post_init__(self) -> None:
        if self.served is None:
            self.served = replace(self.fetched, from_cache=True)


class SharedTier(Protocol):
    """Copies shared by every process of a service (e.g. a database table): what one worker
    fetched, the others use until it expires. ``load`` returns (copy, expires_at) or None."""

    def load(self, url: str, accept: str | None) -> tuple[Fetched, datetime] | None: ...

    def save(self, url: str, accept: str | None, fetched: Fetched,
             expires_at: datetime) -> None: ...


class CachingFetcher:
    """A TTL cache in front of another fetcher; thread-safe.

    The lifetime is the server's ``max-age`` (capped at ``max_ttl``, one day unless set) or
    ``ttl``; ``no-store``/``no-cache`` is not cached. An expired copy with an ``ETag`` is
    revalidated (``If-None-Match``; a 304 keeps the body and restarts its lifetime) when the
    inner fetcher can make conditional requests. With a ``shared`` tier, this in-process cache
    holds a copy for at most ``local_ttl`` and then looks in the shared tier (another process
    may have refreshed it) before asking the origin, so every process agrees within
    ``local_ttl``. If the origin fails and an expired copy no older than ``max_stale`` is held,
    that copy is returned (``from_cache=True`` with the time the origin last confirmed it,
    ``fetched_at``) so callers can say how old their information is instead of failing.
    """

    def __init__(self, inner: Fetcher, *, clock: Clock = system_clock,
                 ttl: timedelta = timedelta(minutes=5), max_entries: int = 1024,
                 max_stale: timedelta | None = timedelta(days=1),
                 max_ttl: timedelta = MAX_CACHE_AGE, shared: SharedTier | None = None,
                 local_ttl: timedelta = timedelta(seconds=30)) -> None:
        self.inner = inner
        self.clock = clock
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_stale = max_stale
        self.max_ttl = max_ttl
        self.shared = shared
        self.local_ttl = local_ttl
        self._entries: OrderedDict[tuple[str, str | None], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, *, accept: str | None = None, fresh: bool = False) -> Fetched:
        key = (url, accept)
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if not fresh and entry is not None and now < entry.expires_at:
                self._entries.move_to_end(key)
                return entry.served
        held = entry.fetched if entry is not None else None
        if self.shared is not None:
            found = self.shared.load(url, accept)
            if found is not None:
                copy, expires_at = found
                if not fresh and now < expires_at:
                    self._remember(key, copy, min(expires_at, now + self.local_ttl))
                    return replace(copy, from_cache=True)
                if held is None or copy.fetched_at >= held.fetched_at:
                    held = copy
        try:
            fetched = self._from_origin(url, accept, held)
        except FetchError:
            stale = self._stale(held, now)
            if stale is not None:
                return replace(stale, from_cache=True)
            raise
        self._store(key, fetched, now)
        return fetched

    def _from_origin(self, url: str, accept: str | None, held: Fetched | None) -> Fetched:
        if held is not None and held.etag and getattr(self.inner, "conditional", False):
            answer = self.inner.get(url, accept=accept, if_none_match=held.etag)
            return held.revalidated(answer) if answer.not_modified else answer
        answer = self.inner.get(url, accept=accept)
        if answer.not_modified:  # never asked for: a broken origin
            raise FetchError(f"{_host_label(url)} answered 304 to a plain request")
        return answer

    def _stale(self, held: Fetched | None, now: datetime) -> Fetched | None:
        if held is None:
            return None
        # As long as the copy's own lifetime plus ``max_stale`` after the origin last confirmed it.
        if self.max_stale is not None and \
                now - held.fetched_at > self._lifetime(held) + self.max_stale:
            return None
        return held

    def _lifetime(self, fetched: Fetched) -> timedelta:
        if fetched.max_age is None:
            return min(self.ttl, self.max_ttl)
        return min(timedelta(seconds=fetched.max_age), self.max_ttl)

    def _store(self, key: tuple[str, str | None], fetched: Fetched, now: datetime) -> None:
        if fetched.max_age == 0:
            return
        expires_at = now + self._lifetime(fetched)
        if self.shared is not None:
            self.shared.save(key[0], key[1], fetched, expires_at)
            expires_at = min(expires_at, now + self.local_ttl)
        self._remember(key, fetched, expires_at)

    def _remember(self, key: tuple[str, str | None], fetched: Fetched,
                  expires_at: datetime) -> None:
        with self._lock:
            self._entries[key] = _Entry(fetched, expires_at)
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
