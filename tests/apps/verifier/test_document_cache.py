"""The verifier's shared cache of public documents (verifier/document_cache.py): a table in its
database behind each process's in-memory cache. Two "machines" (two Networks on one database,
SQLite and PostgreSQL) fetch from a real loopback origin: one fetch serves both, a re-check on
one is seen by the other, ETags are revalidated, and the age of a copy is the time the origin
last confirmed it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from passport_vc.fetch import Fetched, revalidating
from passport_web.network import Network, NetworkSettings
from passport_web.sql import Database
from verifier import storage
from verifier.document_cache import DatabaseTier

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class MovableClock:
    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class Origin(BaseHTTPRequestHandler):
    version = 1
    seen: list[str | None] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        asked = self.headers.get("If-None-Match")
        type(self).seen.append(asked)
        tag = f'"v{type(self).version}"'
        if asked == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        body = f'{{"version": {type(self).version}}}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vc+ld+json")
        self.send_header("ETag", tag)
        self.send_header("Cache-Control", "public, max-age=300")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def origin():
    Origin.version, Origin.seen = 1, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def db(database_url):
    database = Database(database_url, storage.metadata)
    database.upgrade("verifier")
    yield database
    database.dispose()


def machine(db, clock, host: str) -> Network:
    return Network(NetworkSettings(http_hosts=frozenset({host})), clock=clock,
                   shared=DatabaseTier(db, clock=clock))


def test_the_table_keeps_the_newest_copy_per_url_and_accept(db):
    clock = MovableClock()
    tier = DatabaseTier(db, clock=clock)
    url = "https://training.example/status/1"
    newer = Fetched(url, b"new", "application/json", START + timedelta(minutes=5), etag='"b"',
                    max_age=300)
    older = Fetched(url, b"old", "application/json", START, etag='"a"', max_age=300)
    tier.save(url, None, newer, START + timedelta(minutes=10))
    tier.save(url, None, older, START + timedelta(minutes=5))  # a slow fetch finishing late
    copy, expires_at = tier.load(url, None)
    assert (copy.body, copy.etag, copy.fetched_at, copy.max_age) == (b"new", '"b"',
                                                                     newer.fetched_at, 300)
    assert expires_at == START + timedelta(minutes=10)
    assert tier.load(url, "application/did+json") is None
    tier.save(url, "application/did+json", older, START + timedelta(minutes=5))
    assert tier.load(url, "application/did+json")[0].body == b"old"


def test_two_machines_on_one_database_fetch_once_and_agree(db, origin):
    clock = MovableClock()
    url = f"http://{origin}/status/northfield/message/1"
    one, two = machine(db, clock, origin), machine(db, clock, origin)
    first = one.fetcher.get(url)
    second = two.fetcher.get(url)
    assert Origin.seen == [None]  # one fetch from the origin for both machines
    assert second.body == first.body and second.from_cache and second.fetched_at == START

    # The provider revokes a credential; an employer on machine one asks to check again.
    Origin.version = 2
    clock.advance(minutes=2)
    rechecked = revalidating(one.fetcher).get(url)
    assert rechecked.body == b'{"version": 2}' and Origin.seen[-1] == '"v1"'
    clock.advance(seconds=31)  # past machine two's in-memory lifetime
    seen = two.fetcher.get(url)
    assert seen.body == b'{"version": 2}' and seen.fetched_at == START + timedelta(minutes=2)
    assert len(Origin.seen) == 2

    # After max-age the copy is revalidated (304), and its age starts again.
    clock.advance(minutes=6)
    again = two.fetcher.get(url)
    assert Origin.seen[-1] == '"v2"' and again.body == b'{"version": 2}'
    assert again.fetched_at == clock()


def test_a_database_failure_never_fails_a_fetch(origin, tmp_path):
    clock = MovableClock()
    broken = Database(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}", storage.metadata)
    network = machine(broken, clock, origin)
    fetched = network.fetcher.get(f"http://{origin}/did.json")
    assert fetched.body == b'{"version": 1}'


def test_the_table_stays_bounded(db):
    """Credential writers choose the URLs: large copies are not shared, and beyond the row limit
    the copies that expire first go at the next sweep."""
    clock = MovableClock()
    tier = DatabaseTier(db, clock=clock, max_rows=3, purge_every=5)
    big = Fetched("https://x.example/big", b"x" * (600 * 1024), None, START)
    tier.save(big.url, None, big, START + timedelta(minutes=5))
    assert tier.load(big.url, None) is None
    for number in range(5):
        url = f"https://x.example/{number}"
        tier.save(url, None, Fetched(url, b"{}", None, START),
                  START + timedelta(minutes=10 + number))
    kept = [n for n in range(5) if tier.load(f"https://x.example/{n}", None) is not None]
    assert kept == [2, 3, 4]
