"""HTTP caching of public documents beyond a TTL: ETag revalidation (If-None-Match / 304) over a
real loopback server, a shared tier behind each process's cache (several processes agree), the
cap on an origin's max-age, and "check again" bypassing every tier.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from passport_vc.errors import FetchError
from passport_vc.fetch import CachingFetcher, Fetched, HttpFetcher, revalidating

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class MovableClock:
    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class Origin(BaseHTTPRequestHandler):
    """A status list server: ETag of the current version, 304 when the client has it."""

    version = 1
    down = False
    seen: list[tuple[str, str | None]] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        asked = self.headers.get("If-None-Match")
        type(self).seen.append((self.path, asked))
        if type(self).down:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        tag = f'"v{type(self).version}"'
        if asked == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.send_header("Cache-Control", "public, max-age=60")
            self.end_headers()
            return
        body = f'{{"version": {type(self).version}}}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vc+ld+json")
        self.send_header("ETag", tag)
        self.send_header("Cache-Control", "public, max-age=60")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def origin():
    Origin.version, Origin.seen, Origin.down = 1, [], False
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class MemoryTier:
    """A SharedTier in a dict: what a database table does for several processes."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str | None], tuple[Fetched, datetime]] = {}
        self.loads = 0

    def load(self, url, accept):
        self.loads += 1
        return self.rows.get((url, accept))

    def save(self, url, accept, fetched, expires_at):
        self.rows[(url, accept)] = (fetched, expires_at)


def http(clock) -> HttpFetcher:
    return HttpFetcher(clock=clock, allow_http=True, allow_private=True)


def test_the_fetcher_sends_if_none_match_and_reads_a_304(origin):
    clock = MovableClock()
    fetcher = http(clock)
    first = fetcher.get(f"{origin}/status/1")
    assert first.etag == '"v1"' and first.max_age == 60 and not first.not_modified
    answer = fetcher.get(f"{origin}/status/1", if_none_match='"v1"')
    assert answer.not_modified and answer.body == b""
    assert Origin.seen[-1] == ("/status/1", '"v1"')
    # a value that is not an entity tag is never sent as a header
    fetcher.get(f"{origin}/status/1", if_none_match='"v1"\r\nX-Evil: 1')
    assert Origin.seen[-1] == ("/status/1", None)


def test_an_expired_copy_is_revalidated_and_keeps_its_body(origin):
    clock = MovableClock()
    cache = CachingFetcher(http(clock), clock=clock)
    first = cache.get(f"{origin}/status/1")
    clock.advance(seconds=61)
    again = cache.get(f"{origin}/status/1")
    assert Origin.seen[-1] == ("/status/1", '"v1"')  # a conditional request, answered 304
    assert again.body == first.body and not again.from_cache
    assert again.fetched_at == clock()  # the origin confirmed it just now: that is its age
    clock.advance(seconds=30)
    assert cache.get(f"{origin}/status/1").from_cache and len(Origin.seen) == 2
    Origin.version = 2  # the issuer revoked something
    clock.advance(seconds=31)
    changed = cache.get(f"{origin}/status/1")
    assert changed.body == b'{"version": 2}' and changed.etag == '"v2"'


def test_processes_share_copies_through_the_shared_tier(origin):
    clock = MovableClock()
    tier = MemoryTier()
    one = CachingFetcher(http(clock), clock=clock, shared=tier, local_ttl=timedelta(seconds=5))
    two = CachingFetcher(http(clock), clock=clock, shared=tier, local_ttl=timedelta(seconds=5))
    first = one.get(f"{origin}/status/1")
    second = two.get(f"{origin}/status/1")
    assert len(Origin.seen) == 1  # the second process used the first one's copy
    assert second.from_cache and second.body == first.body and second.fetched_at == START
    # Within its local lifetime a process does not even look at the shared tier.
    loads = tier.loads
    two.get(f"{origin}/status/1")
    assert tier.loads == loads


def test_check_again_in_one_process_is_seen_by_the_others(origin):
    clock = MovableClock()
    tier = MemoryTier()
    one = CachingFetcher(http(clock), clock=clock, shared=tier, local_ttl=timedelta(seconds=5))
    two = CachingFetcher(http(clock), clock=clock, shared=tier, local_ttl=timedelta(seconds=5))
    one.get(f"{origin}/status/1")
    two.get(f"{origin}/status/1")
    Origin.version = 2
    clock.advance(seconds=10)
    rechecked = revalidating(one).get(f"{origin}/status/1")  # a person asked to check again
    assert rechecked.body == b'{"version": 2}' and not rechecked.from_cache
    assert Origin.seen[-1] == ("/status/1", '"v1"')
    clock.advance(seconds=6)  # past the other process's local lifetime
    seen = two.get(f"{origin}/status/1")
    assert seen.body == b'{"version": 2}' and seen.from_cache
    assert len(Origin.seen) == 2  # from the shared tier, not from the origin


def test_check_again_bypasses_a_fresh_shared_copy_and_stale_copies_stand_in(origin):
    clock = MovableClock()
    tier = MemoryTier()
    cache = CachingFetcher(http(clock), clock=clock, shared=tier)
    cache.get(f"{origin}/status/1")
    revalidating(cache).get(f"{origin}/status/1")
    assert len(Origin.seen) == 2  # the fresh shared copy was not used
    other = CachingFetcher(http(clock), clock=clock, shared=tier)
    clock.advance(minutes=30)
    Origin.down = True
    held = other.get(f"{origin}/status/1")  # origin failing: the shared copy stands in, dated
    assert held.from_cache and held.fetched_at == START
    assert revalidating(other).get(f"{origin}/status/1").fetched_at == START


def test_an_origins_max_age_is_capped():
    clock = MovableClock()

    class Generous:
        calls = 0

        def get(self, url, *, accept=None):
            Generous.calls += 1
            return Fetched(url, b"{}", "application/json", clock(), max_age=365 * 86400)

    cache = CachingFetcher(Generous(), clock=clock, max_ttl=timedelta(minutes=10))
    cache.get("https://a.example/did.json")
    clock.advance(minutes=9)
    cache.get("https://a.example/did.json")
    assert Generous.calls == 1
    clock.advance(minutes=1)
    cache.get("https://a.example/did.json")
    assert Generous.calls == 2


def test_a_304_to_a_plain_request_is_an_error():
    clock = MovableClock()

    class Broken:
        def get(self, url, *, accept=None):
            return Fetched(url, b"", None, clock(), not_modified=True)

    with pytest.raises(FetchError):
        CachingFetcher(Broken(), clock=clock).get("https://a.example/x")
