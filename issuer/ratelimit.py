"""Request rate limits for the issuer's programmatic endpoints: a fixed-window counter kept in
the database, so every gunicorn worker (and every host sharing the database) counts against the
same limit.

- ``/api/v1/…``: per API token (RFC 6750 bearer), answered with HTTP 429 (RFC 6585 §4) as
  ``application/problem+json`` (RFC 9457) and a ``Retry-After`` header (RFC 9110 §10.2.3).
- OpenID4VCI ``/token`` and ``/credential``: per client address, answered as an OAuth 2.0
  error object (RFC 6749 §5.2, ``invalid_request``) with status 429 and ``Retry-After``.

One row per bucket and window: ``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING
hits`` (PostgreSQL, and SQLite 3.35+) counts atomically in one statement, so two workers never
both see the last free request. Rows of past windows are deleted when a bucket opens a new one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from passport_vc.errors import PROJECT, PassportError

from .storage import rate_limits

MAX_BUCKET = 100


class RateLimitedError(PassportError):
    type, title, status = PROJECT + "rate-limited", "Too many requests", 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int
    limit: int
    retry_after: int  # whole seconds until the window ends (at least 1)


class RateLimiter:
    """Counts requests per bucket in fixed windows of the injected clock's time."""

    def __init__(self, db, clock) -> None:
        self.db, self.clock = db, clock

    def hit(self, bucket: str, limit: int, window: timedelta) -> Decision:
        """Count one request in ``bucket``; allowed while the window's count is within
        ``limit`` (a limit of 0 or less means no limit, and nothing is stored)."""
        if limit <= 0:
            return Decision(True, 0, limit, 0)
        seconds = max(1, int(window.total_seconds()))
        moment = self.clock().timestamp()
        start = int(moment // seconds) * seconds
        retry_after = max(1, math.ceil(start + seconds - moment))
        with self.db.transaction() as session:
            hits = session.execute(_count_statement(self.db, bucket[:MAX_BUCKET], start)).scalar()
            if hits == 1:  # first request of a new window: forget finished windows
                session.execute(delete(rate_limits).where(
                    rate_limits.c.window_start < start - seconds))
        return Decision(hits <= limit, hits, limit, retry_after)

    def check(self, bucket: str, limit: int, window: timedelta, detail: str) -> None:
        """``hit`` and raise RateLimitedError (with the wait in the message) when over."""
        decision = self.hit(bucket, limit, window)
        if not decision.allowed:
            raise RateLimitedError(detail.format(wait=wait_words(decision.retry_after)),
                                   retry_after=decision.retry_after)


def _count_statement(db, bucket: str, start: int):
    if db.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    statement = insert(rate_limits).values(bucket=bucket, window_start=start, hits=1)
    return statement.on_conflict_do_update(
        index_elements=[rate_limits.c.bucket, rate_limits.c.window_start],
        set_={"hits": rate_limits.c.hits + 1}).returning(rate_limits.c.hits)


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def limiter() -> RateLimiter:
    """The app's limiter (made on first use, over the issuer service's database and clock)."""
    found = current_app.extensions.get("issuer_rate_limiter")
    if found is None:
        service = current_app.extensions["issuer"]
        found = current_app.extensions.setdefault("issuer_rate_limiter",
                                                  RateLimiter(service.db, service.clock))
    return found


def config():
    return current_app.extensions["issuer"].config


def problem_response(error: RateLimitedError):
    """429 as application/problem+json with Retry-After."""
    from passport_web.flask import problem_response as make

    response = make(error.to_problem(), error.status)
    response.headers["Retry-After"] = str(error.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response
