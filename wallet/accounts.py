"""Accounts: sign-up, sign-in with throttling, recovery codes.

WCAG 2.2 SC 3.3.8 (accessible authentication): an email address OR a simple user name (many
care workers share a family email or have none), a password that paste and password managers
work with, and printable one-time recovery codes instead of a memory test. Passwords are
Argon2id (passport_web.passwords). Recovery codes carry 50 random bits each, so a
salted SHA-256 is enough to store them (an offline guess of one code costs 2^49 hashes on
average), and the check stays fast.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from passport_vc.errors import MalformedValueError

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read back
RECOVERY_CODES = 10
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}\Z")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}\Z")


@dataclass(frozen=True)
class Account:
    id: str
    login: str
    name: str
    email: str | None
    did: str
    created_at: datetime
    recovery_codes: tuple[str, ...] = ()  # only right after they are made; never stored clear


def normalise_login(value: str) -> str:
    return (value or "").strip().lower()


def login_problem(login: str) -> str | None:
    if not login:
        return "Enter your email address or a user name"
    if "@" in login:
        return None if EMAIL.match(login) else ("Enter an email address in the correct format, "
                                                "like name@example.com")
    if not USERNAME.match(login):
        return ("A user name must be 3 to 40 letters or numbers (you can also use . _ or -), "
                "with no spaces")
    return None


def name_problem(name: str) -> str | None:
    if not (name or "").strip():
        return "Enter your full name"
    if len(name.strip()) > 200:
        return "Your name must be 200 characters or fewer"
    return None


def check_new_account(login: str, password: str, name: str) -> None:
    from passport_web.passwords import password_problem

    for field, problem in (("login", login_problem(login)), ("name", name_problem(name)),
                           ("password", password_problem(password or ""))):
        if problem:
            raise MalformedValueError(problem, path=field)


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    def one() -> str:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        return f"{raw[:5]}-{raw[5:]}"
    return [one() for _ in range(count)]


def normalise_code(code: str) -> str:
    return "".join(char for char in (code or "").lower() if char.isalnum())


def hash_code(account_id: str, code: str) -> str:
    return hashlib.sha256(f"{account_id}:{normalise_code(code)}".encode()).hexdigest()


def code_matches(account_id: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(account_id, code), stored_hash)
