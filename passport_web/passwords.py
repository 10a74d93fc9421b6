"""Passwords (Argon2id) and sign-in throttling that a real person can recover from.

WCAG 2.2 SC 3.3.8 (accessible authentication): we never block paste or password managers, and
never ask for a cognitive test. Throttling slows guessing without locking a person out for long:
after ``FREE_ATTEMPTS`` failures each further attempt waits longer, capped at 15 minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from passport_vc.errors import AuthError

_hasher = PasswordHasher()  # argon2-cffi defaults are RFC 9106 "low memory" Argon2id

MIN_LENGTH = 8
MAX_LENGTH = 256
FREE_ATTEMPTS = 5
MAX_WAIT = timedelta(minutes=15)


class TooManyAttemptsError(AuthError):
    title, status = "Too many attempts", 429


def password_problem(password: str) -> str | None:
    """A plain-English reason the password cannot be used, or None."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    if password.strip() == "" or len(set(password)) < 3:
        return "Choose a password that is harder to guess"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash or len(password) > MAX_LENGTH:
        # Spend the same time as a real check, so response time does not reveal accounts.
        _hasher.hash("timing-equaliser")
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def wait_after_failures(failures: int) -> timedelta:
    """How long to wait before the next attempt after ``failures`` failed ones in a row."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=30 * 2 ** min(failures - FREE_ATTEMPTS, 10)), MAX_WAIT)


def locked_until(failures: int, last_failure: datetime | None) -> datetime | None:
    if last_failure is None:
        return None
    wait = wait_after_failures(failures)
    return last_failure + wait if wait else None
