"""The shared tier of the verifier's cache of public documents (did:web DID documents, status
list credentials): a table in the verifier's database, so every gunicorn worker and every
machine on that database uses what one of them fetched, and a person's "check again" on one
machine refreshes it for all of them.

Each process keeps a small in-memory cache in front of this (``passport_vc.fetch.CachingFetcher``
with ``shared=``) for a few seconds, so a verification normally touches no database at all. The
lifetime of a copy is the origin's ``Cache-Control: max-age`` (capped by the deployment), and an
expired copy with an ``ETag`` is revalidated with ``If-None-Match``. ``fetched_at`` is when the
origin last confirmed the copy: the verdict tells the employer how old that is.

A database failure here never fails a verification: the copy is then fetched from the origin.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.exc import SQLAlchemyError

from passport_vc.fetch import Fetched

from .storage import document_cache

log = logging.getLogger("passport.verifier.cache")
PURGE_EVERY = 200  # saves between two sweeps of long-expired rows
KEEP_EXPIRED = timedelta(days=2)  # a stale copy may still stand in when an origin is down
# Whoever writes a credential chooses its DID and status list URLs, so the table is bounded:
# copies larger than this stay in each process's memory only, and beyond MAX_ROWS the copies
# that expire first are dropped at the next sweep.
MAX_SHARED_BYTES = 512 * 1024
MAX_ROWS = 20_000


class DatabaseTier:
    """``passport_vc.fetch.SharedTier`` over ``verifier_document_cache``. Thread-safe."""

    def __init__(self, db, *, clock, max_rows: int = MAX_ROWS,
                 purge_every: int = PURGE_EVERY) -> None:
        self.db = db
        self.clock = clock
        self.max_rows = max_rows
        self.purge_every = purge_every
        self._saves = 0
        self._lock = threading.Lock()

    def load(self, url: str, accept: str | None) -> tuple[Fetched, datetime] | None:
        try:
            with self.db.reading() as session:
                row = session.execute(select(document_cache).where(
                    document_cache.c.url == url,
                    document_cache.c.accept == (accept or ""))).first()
        except SQLAlchemyError:
            log.warning("document cache unavailable", exc_info=True)
            return None
        if row is None:
            return None
        fetched = Fetched(url=url, body=bytes(row.body), content_type=row.content_type,
                          fetched_at=row.fetched_at, etag=row.etag, max_age=row.max_age)
        return fetched, row.expires_at

    def save(self, url: str, accept: str | None, fetched: Fetched,
             expires_at: datetime) -> None:
        values = {"url": url, "accept": accept or "", "body": bytes(fetched.body),
                  "content_type": fetched.content_type, "etag": fetched.etag,
                  "max_age": fetched.max_age, "fetched_at": fetched.fetched_at,
                  "expires_at": expires_at}
        if len(url) > 2048 or len(values["accept"]) > 200 or \
                len(values["body"]) > MAX_SHARED_BYTES or \
                (fetched.etag is not None and len(fetched.etag) > 256) or \
                (fetched.content_type is not None and len(fetched.content_type) > 200):
            return  # too long to share; the in-process copy still serves this process
        try:
            with self.db.transaction() as session:
                session.execute(_upsert(self.db, values))
                if self._purge_due():
                    self._purge(session)
        except SQLAlchemyError:
            log.warning("document cache unavailable", exc_info=True)

    def _purge(self, session) -> None:
        session.execute(delete(document_cache).where(
            document_cache.c.expires_at < self.clock() - KEEP_EXPIRED))
        rows = session.execute(select(func.count()).select_from(document_cache)).scalar()
        if rows > self.max_rows:
            first = select(document_cache.c.url, document_cache.c.accept).order_by(
                document_cache.c.expires_at).limit(rows - self.max_rows)
            session.execute(delete(document_cache).where(
                tuple_(document_cache.c.url, document_cache.c.accept).in_(first)))

    def _purge_due(self) -> bool:
        with self._lock:
            self._saves += 1
            return self._saves % self.purge_every == 0


def _upsert(db, values: dict):
    """INSERT … ON CONFLICT (url, accept) DO UPDATE: the newest copy wins, on both databases.
    A copy older than the one already stored (a slow fetch finishing late) does not replace
    it."""
    if db.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    statement = insert(document_cache).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in ("url", "accept")}
    return statement.on_conflict_do_update(
        index_elements=["url", "accept"], set_=changed,
        where=document_cache.c.fetched_at <= statement.excluded.fetched_at)
