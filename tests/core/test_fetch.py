"""Fetching: SSRF refusals (STANDARDS.md trap 11), limits, redirects, and the TTL cache.

Network tests use a loopback http.server started here; nothing leaves the machine.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from passport_vc.errors import FetchError, FetchForbiddenError, TooLargeError
from passport_vc.fetch import (
    CachingFetcher,
    ChainFetcher,
    Fetched,
    HttpFetcher,
    StaticFetcher,
    check_url,
    is_forbidden_address,
    resolve_public,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class MovableClock:
    def __init__(self, moment: datetime = START) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


# --- a loopback server -----------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    requests_seen: list[str] = []

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}) and "Transfer-Encoding" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).requests_seen.append(self.path)
        path = self.path
        if path == "/did.json":
            self._send(200, json.dumps({"id": "did:web:example.com"}).encode(),
                       {"Content-Type": "application/did+json; charset=utf-8", "ETag": '"v1"',
                        "Cache-Control": "public, max-age=120"})
        elif path == "/accept":
            self._send(200, (self.headers.get("Accept") or "").encode())
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/server-error":
            self._send(500, b"oops")
        elif path.startswith("/redirect/"):
            remaining = int(path.rsplit("/", 1)[1])
            target = "/did.json" if remaining == 0 else f"/redirect/{remaining - 1}"
            self._send(302, headers={"Location": target})
        elif path == "/redirect-absolute":
            port = self.server.server_address[1]
            self._send(301, headers={"Location": f"http://127.0.0.1:{port}/did.json"})
        elif path == "/redirect-to-file":
            self._send(302, headers={"Location": "file:///etc/passwd"})
        elif path == "/redirect-to-loopback":
            self._send(307, headers={"Location": "http://localhost:9/secret"})
        elif path == "/redirect-no-location":
            self._send(302)
        elif path == "/big-declared":
            self._send(200, b"x" * 5000)
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()  # no length: the client must count while reading
            for _ in range(50):
                self.wfile.write(b"y" * 1000)
        elif path == "/gzip-bomb":
            body = gzip.compress(b"\0" * 2_000_000, compresslevel=9)
            self._send(200, body, {"Content-Encoding": "gzip", "Content-Type": "application/json"})
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"late")
        else:
            self._send(404)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def local_fetcher(**options) -> HttpFetcher:
    options.setdefault("clock", MovableClock())
    return HttpFetcher(allow_http=True, allow_private=True, **options)


# --- HttpFetcher against the loopback server -------------------------------------------------
def test_fetches_a_document_with_its_metadata(server):
    fetched = local_fetcher().get(server + "/did.json")
    assert json.loads(fetched.body) == {"id": "did:web:example.com"}
    assert fetched.content_type == "application/did+json"
    assert fetched.etag == '"v1"'
    assert fetched.max_age == 120
    assert fetched.fetched_at == START
    assert fetched.from_cache is False
    assert fetched.json() == {"id": "did:web:example.com"}


def test_sends_the_requested_accept_header(server):
    fetched = local_fetcher().get(server + "/accept", accept="application/vc+jwt")
    assert fetched.body == b"application/vc+jwt"


def test_error_status_is_a_fetch_error_with_the_status(server):
    with pytest.raises(FetchError) as raised:
        local_fetcher().get(server + "/missing")
    assert raised.value.extra["status"] == 404
    assert "404" in raised.value.detail
    with pytest.raises(FetchError) as raised:
        local_fetcher().get(server + "/server-error")
    assert raised.value.extra["status"] == 500


def test_follows_up_to_three_redirects(server):
    fetched = local_fetcher().get(server + "/redirect/2")  # 3 redirects in all
    assert fetched.url == server + "/did.json"
    assert local_fetcher().get(server + "/redirect-absolute").url == server + "/did.json"
    with pytest.raises(FetchError) as raised:
        local_fetcher().get(server + "/redirect/3")
    assert "redirected more than 3 times" in raised.value.detail
    with pytest.raises(FetchError):
        local_fetcher().get(server + "/redirect-no-location")


def test_a_redirect_to_another_scheme_is_refused(server):
    with pytest.raises(FetchForbiddenError):
        local_fetcher().get(server + "/redirect-to-file")


def test_a_redirect_to_loopback_is_refused(server):
    """The loopback test server stands in for a public site; every later hop gets the real
    public-address check, so its redirect to localhost is refused before any connection."""
    first = server + "/redirect-to-loopback"

    class TrustFirstHop(HttpFetcher):
        def _check(self, url: str) -> None:
            super()._check(url)
            if url != first:
                _scheme, host, port = check_url(url, allow_http=True)
                resolve_public(host, port)

    with pytest.raises(FetchForbiddenError) as raised:
        TrustFirstHop(allow_http=True, allow_private=True).get(first)
    assert "private or local" in raised.value.detail


def test_the_connected_address_is_checked_again(server):
    """DNS rebinding: the name looked public when checked, then pointed at loopback. The
    connection itself is refused, and the server never sees the request."""

    class RebindingDns(HttpFetcher):
        def _check(self, url: str) -> None:
            check_url(url, allow_http=True)  # pretend the pre-connect lookup was public

    Handler.requests_seen.clear()
    with pytest.raises(FetchForbiddenError):
        RebindingDns(allow_http=True).get(server + "/did.json")
    assert Handler.requests_seen == []


def test_size_limits(server):
    with pytest.raises(TooLargeError):
        local_fetcher(max_bytes=1000).get(server + "/big-declared")
    with pytest.raises(TooLargeError):
        local_fetcher(max_bytes=10_000).get(server + "/big-chunked")
    assert len(local_fetcher(max_bytes=100_000).get(server + "/big-chunked").body) == 50_000


def test_a_compressed_bomb_is_stopped_at_the_decoded_limit(server):
    with pytest.raises(TooLargeError):
        local_fetcher(max_bytes=100_000).get(server + "/gzip-bomb")


def test_timeouts_and_refused_connections_are_plain_fetch_errors(server):
    with pytest.raises(FetchError) as raised:
        local_fetcher(timeout=0.2).get(server + "/slow")
    assert "did not answer in time" in raised.value.detail
    with pytest.raises(FetchError) as raised:
        local_fetcher(timeout=1).get("http://127.0.0.1:9/nothing-listens-here")
    assert "Could not connect" in raised.value.detail


# --- default policy: refuse before connecting ------------------------------------------------
def test_defaults_refuse_plain_http(server):
    with pytest.raises(FetchForbiddenError) as raised:
        HttpFetcher().get(server + "/did.json")
    assert "https" in raised.value.detail


def test_defaults_refuse_loopback_even_when_http_is_allowed(server):
    Handler.requests_seen.clear()
    with pytest.raises(FetchForbiddenError):
        HttpFetcher(allow_http=True).get(server + "/did.json")
    assert Handler.requests_seen == []


@pytest.mark.parametrize("url", [
    "https://10.0.0.1/did.json", "https://192.168.1.10/.well-known/did.json",
    "https://172.16.5.4/", "https://169.254.169.254/latest/meta-data/", "https://127.0.0.1/",
    "https://localhost/", "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/",
    "https://[fc00::1]/", "https://100.64.0.1/", "https://0.0.0.0/", "https://224.0.0.1/",
    "https://240.0.0.1/",
])
def test_defaults_refuse_https_to_private_addresses(url):
    with pytest.raises(FetchForbiddenError):
        HttpFetcher().get(url)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/",
                                 "https://user:pw@example.com/", "https:///nohost", "not a url",
                                 "https://example.com:99999/"])
def test_only_plain_https_urls_are_fetched(url):
    with pytest.raises(FetchForbiddenError):
        HttpFetcher().get(url)


def test_address_classification():
    for address in ("8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"):
        assert not is_forbidden_address(address)
    for address in ("127.0.0.1", "10.1.2.3", "::1", "::ffff:10.0.0.1", "2002:7f00:1::",
                    "fe80::1%eth0", "garbage", ""):
        assert is_forbidden_address(address)


# --- StaticFetcher and ChainFetcher ----------------------------------------------------------
def test_static_fetcher_serves_supplied_documents():
    fetcher = StaticFetcher({"https://a.example/x.json": {"a": 1}, "https://a.example/t": "text",
                             "https://a.example/b": b"\x00\x01"}, fetched_at=START)
    document = fetcher.get("https://a.example/x.json")
    assert json.loads(document.body) == {"a": 1}
    assert document.content_type == "application/json"
    assert document.fetched_at == START
    assert fetcher.get("https://a.example/t").body == b"text"
    assert fetcher.get("https://a.example/b").content_type is None
    with pytest.raises(FetchError) as raised:
        fetcher.get("https://a.example/other")
    assert raised.value.extra["status"] == 404


def test_static_fetcher_uses_the_clock_when_no_time_is_given():
    clock = MovableClock()
    fetcher = StaticFetcher({"https://a.example/": "x"}, clock=clock)
    clock.advance(hours=2)
    assert fetcher.get("https://a.example/").fetched_at == START + timedelta(hours=2)


def test_chain_fetcher_returns_the_first_success_or_the_last_error():
    first = StaticFetcher({"https://a.example/1": "one"})
    second = StaticFetcher({"https://a.example/2": "two"})
    chain = ChainFetcher(first, second)
    assert chain.get("https://a.example/1").body == b"one"
    assert chain.get("https://a.example/2").body == b"two"
    with pytest.raises(FetchError) as raised:
        chain.get("https://a.example/3")
    assert "https://a.example/3" in raised.value.detail
    with pytest.raises(FetchError):
        ChainFetcher().get("https://a.example/1")


# --- CachingFetcher --------------------------------------------------------------------------
class Counting:
    """An inner fetcher that counts calls and can be told to fail or change its answer."""

    def __init__(self, clock, max_age: int | None = None) -> None:
        self.clock = clock
        self.calls = 0
        self.fail = False
        self.max_age = max_age

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        self.calls += 1
        if self.fail:
            raise FetchError("The status list server is down")
        return Fetched(url=url, body=f"{url} #{self.calls} {accept}".encode(),
                       content_type="application/json", fetched_at=self.clock(),
                       max_age=self.max_age)


def test_cache_serves_within_the_ttl_then_refetches():
    clock = MovableClock()
    inner = Counting(clock)
    cache = CachingFetcher(inner, clock=clock)
    first = cache.get("https://a.example/list")
    assert not first.from_cache
    clock.advance(minutes=4, seconds=59)
    again = cache.get("https://a.example/list")
    assert again.from_cache and again.body == first.body and inner.calls == 1
    assert again.fetched_at == START
    clock.advance(seconds=1)
    fresh = cache.get("https://a.example/list")
    assert not fresh.from_cache and inner.calls == 2


def test_cache_honours_max_age_up_to_one_day():
    clock = MovableClock()
    inner = Counting(clock, max_age=60)
    cache = CachingFetcher(inner, clock=clock)
    cache.get("https://a.example/x")
    clock.advance(seconds=59)
    assert cache.get("https://a.example/x").from_cache
    clock.advance(seconds=1)
    assert not cache.get("https://a.example/x").from_cache

    inner = Counting(clock, max_age=7 * 86400)
    cache = CachingFetcher(inner, clock=clock)
    cache.get("https://a.example/y")
    clock.advance(hours=23, minutes=59)
    assert cache.get("https://a.example/y").from_cache
    clock.advance(minutes=1)
    assert not cache.get("https://a.example/y").from_cache


def test_no_store_is_not_cached():
    clock = MovableClock()
    inner = Counting(clock, max_age=0)
    cache = CachingFetcher(inner, clock=clock)
    cache.get("https://a.example/x")
    cache.get("https://a.example/x")
    assert inner.calls == 2


def test_stale_copy_is_served_when_the_origin_fails():
    clock = MovableClock()
    inner = Counting(clock)
    cache = CachingFetcher(inner, clock=clock, max_stale=timedelta(hours=6))
    original = cache.get("https://a.example/list")
    clock.advance(hours=1)
    inner.fail = True
    stale = cache.get("https://a.example/list")
    assert stale.from_cache and stale.body == original.body
    assert stale.fetched_at == START  # the caller can say how old it is
    clock.advance(hours=6)
    with pytest.raises(FetchError):
        cache.get("https://a.example/list")
    with pytest.raises(FetchError):
        cache.get("https://a.example/never-fetched")


def test_accept_is_part_of_the_cache_key_and_entries_are_bounded():
    clock = MovableClock()
    inner = Counting(clock)
    cache = CachingFetcher(inner, clock=clock, max_entries=2)
    json_copy = cache.get("https://a.example/x", accept="application/json")
    jwt_copy = cache.get("https://a.example/x", accept="application/vc+jwt")
    assert json_copy.body != jwt_copy.body and inner.calls == 2
    cache.get("https://a.example/x", accept="application/json")  # refresh its recency
    cache.get("https://a.example/z")  # evicts the least recently used (the jwt copy)
    assert inner.calls == 3
    assert cache.get("https://a.example/x", accept="application/json").from_cache
    assert not cache.get("https://a.example/x", accept="application/vc+jwt").from_cache
    cache.clear()
    assert not cache.get("https://a.example/z").from_cache


def test_cache_is_safe_under_threads():
    clock = MovableClock()
    inner = Counting(clock)
    cache = CachingFetcher(inner, clock=clock, max_entries=8)
    urls = [f"https://a.example/{index % 20}" for index in range(2000)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(cache.get, urls))
    assert all(result.url == url for result, url in zip(results, urls, strict=True))
    assert len(cache._entries) <= 8


def test_revalidating_view_asks_the_origin_and_refreshes_the_cache():
    from passport_vc.fetch import revalidating

    clock = MovableClock()
    inner = Counting(clock)
    cache = CachingFetcher(inner, clock=clock)
    cache.get("https://a.example/list")
    fresh = revalidating(cache).get("https://a.example/list")
    assert not fresh.from_cache and inner.calls == 2
    # the fresh answer is now what the cache holds for everyone else
    assert cache.get("https://a.example/list").body == fresh.body and inner.calls == 2
    inner.fail = True  # origin down: a person's re-check still gets the held copy, marked
    held = revalidating(cache).get("https://a.example/list")
    assert held.from_cache and held.body == fresh.body
    plain = StaticFetcher({"https://a.example/x": b"{}"})
    assert revalidating(plain) is plain
