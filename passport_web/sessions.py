"""Sign-in sessions the server can end, and sign-in throttling that holds across machines.

A session cookie alone cannot be withdrawn: whoever copied it keeps it until it expires. So the
cookie carries only a random session id, and the id is valid while its row exists in the
service's database. Signing out deletes the row; a password change or "sign out everywhere"
deletes every row of that person. Because the rows live in the database (SQLite or PostgreSQL),
every gunicorn worker and every machine sharing the database agrees at once.

Throttling (OWASP Authentication Cheat Sheet, "Account lockout" and "device cookies"): failed
sign-ins are counted per *account and place*, where a place is the browser's known-device id
(set after a successful sign-in) or, for a browser not seen before, the client address. Guessing
from one place slows that place only, so nobody can lock a worker or manager out from
elsewhere, and a correct password from a device that signed in before still passes. A separate
count per address slows one address trying many accounts. Waits grow after
``passwords.FREE_ATTEMPTS`` failures, capped at 15 minutes; every count is a database row.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, delete, select
from sqlalchemy import update as sql_update

from .passwords import wait_after_failures

SESSION_ID_BYTES = 32
IDLE_LIMIT = timedelta(hours=12)  # a session not used for this long has ended
TOUCH_EVERY = 300  # seconds: how stale ``last_seen`` may get before a request updates it
ADDRESS_FREE_ATTEMPTS = 50  # failures from one address, across accounts, before it waits


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def sessions_table(metadata: MetaData, prefix: str) -> Table:
    """``<prefix>_sessions``: one row per signed-in browser; the cookie holds the id, the
    table only its SHA-256."""
    return Table(
        f"{prefix}_sessions", metadata,
        Column("id_hash", String(64), primary_key=True),
        Column("subject", String(64), nullable=False),  # the account or user id
        Column("created_at", BigInteger, nullable=False),  # Unix seconds
        Column("last_seen", BigInteger, nullable=False),
        Index(f"ix_{prefix}_sessions_subject", "subject"),
    )


def attempts_table(metadata: MetaData, prefix: str) -> Table:
    """``<prefix>_sign_in_attempts``: failed sign-ins per (account, place) and per address."""
    return Table(
        f"{prefix}_sign_in_attempts", metadata,
        Column("key_hash", String(64), primary_key=True),
        Column("failures", Integer, nullable=False),
        Column("last_failure", BigInteger, nullable=False),  # Unix seconds
    )


class SessionStore:
    """Server-side sessions over one service's table and clock."""

    def __init__(self, db, table: Table, clock: Callable[[], datetime]) -> None:
        self.db, self.table, self.clock = db, table, clock

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def start(self, subject: str) -> str:
        """A new session for ``subject``; returns the id to put in the cookie."""
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        now = self._now()
        with self.db.transaction() as session:
            session.execute(self.table.insert().values(
                id_hash=_digest(session_id), subject=str(subject), created_at=now,
                last_seen=now))
            # Forget sessions nobody has used for a long time (they have ended anyway).
            session.execute(delete(self.table).where(
                self.table.c.last_seen < now - int(IDLE_LIMIT.total_seconds()) * 2))
        return session_id

    def subject(self, session_id: object) -> str | None:
        """Whose session this is, or None when it has ended (signed out, expired, unknown)."""
        if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
            return None
        now, t = self._now(), self.table
        with self.db.reading() as session:
            row = session.execute(select(t.c.subject, t.c.last_seen).where(
                t.c.id_hash == _digest(session_id))).first()
        if row is None or row.last_seen < now - int(IDLE_LIMIT.total_seconds()):
            return None
        if now - row.last_seen > TOUCH_EVERY:
            with self.db.transaction() as session:
                session.execute(sql_update(t).where(t.c.id_hash == _digest(session_id))
                                .values(last_seen=now))
        return row.subject

    def end(self, session_id: object) -> None:
        if isinstance(session_id, str) and session_id:
            with self.db.transaction() as session:
                session.execute(delete(self.table).where(
                    self.table.c.id_hash == _digest(session_id)))

    def end_all(self, subject: str) -> int:
        """End every session of ``subject``; returns how many."""
        with self.db.transaction() as session:
            return session.execute(delete(self.table).where(
                self.table.c.subject == str(subject))).rowcount


class SignInThrottle:
    """Failed sign-ins counted per (login, place) and per address, in the database."""

    def __init__(self, db, table: Table, clock: Callable[[], datetime]) -> None:
        self.db, self.table, self.clock = db, table, clock

    @staticmethod
    def keys(login: str, *, address: str, device: str | None) -> tuple[str, str]:
        """The (login, place) key and the address key for one attempt."""
        place = f"device:{device}" if device else f"address:{address}"
        return f"login:{login.strip().lower()}|{place}", f"address:{address}"

    def wait_until(self, login: str, *, address: str, device: str | None) -> datetime | None:
        """When the next attempt may be made, if it must wait; None when it may go ahead."""
        pair, by_address = self.keys(login, address=address, device=device)
        rows = self._rows([pair, by_address])
        latest = None
        for key, free in ((pair, 0), (by_address, ADDRESS_FREE_ATTEMPTS)):
            row = rows.get(_digest(key))
            if row is None or (key == by_address and device):
                continue  # a known device is not slowed by its address's other traffic
            wait = wait_after_failures(max(0, row.failures - free))
            if wait:
                until = datetime.fromtimestamp(row.last_failure, self.clock().tzinfo) + wait
                if until > self.clock() and (latest is None or until > latest):
                    latest = until
        return latest

    def failed(self, login: str, *, address: str, device: str | None) -> None:
        now = int(self.clock().timestamp())
        with self.db.transaction() as session:
            for key in self.keys(login, address=address, device=device):
                self._count(session, _digest(key), now)

    def succeeded(self, login: str, *, address: str, device: str | None) -> None:
        pair, _by_address = self.keys(login, address=address, device=device)
        with self.db.transaction() as session:
            session.execute(delete(self.table).where(self.table.c.key_hash == _digest(pair)))

    def _rows(self, keys: list[str]) -> dict:
        with self.db.reading() as session:
            rows = session.execute(select(self.table).where(
                self.table.c.key_hash.in_([_digest(key) for key in keys]))).all()
        return {row.key_hash: row for row in rows}

    def _count(self, session, key_hash: str, now: int) -> None:
        """One more failure, counted atomically (two workers never both insert the row)."""
        if self.db.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        t = self.table
        session.execute(insert(t).values(key_hash=key_hash, failures=1, last_failure=now)
                        .on_conflict_do_update(index_elements=[t.c.key_hash],
                                               set_={"failures": t.c.failures + 1,
                                                     "last_failure": now}))
