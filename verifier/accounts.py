"""Employer accounts: organisations and their users (roles ``manager`` and ``viewer``).

Managers change records (staff, saved verifications, matrix policy, local trust entries, users);
viewers can check credentials and read everything of their own organisation. Passwords are
Argon2id with gentle throttling (passport_web.passwords, WCAG 2.2 SC 3.3.8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from passport_vc.clock import Clock
from passport_vc.errors import AuthError, ConflictError, MalformedValueError, NotFoundError
from passport_web.passwords import (
    check_password,
    hash_password,
    password_problem,
)

from . import storage

ROLES = {"manager": "Manager (can change records)", "viewer": "Viewer (can check and read)"}
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}")


@dataclass(frozen=True)
class User:
    id: int
    organisation_id: int
    organisation_name: str
    email: str
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_user(email: str, name: str, role: str, password: str) -> dict[str, str]:
    """Field -> plain-English problem, for the form's error summary."""
    errors: dict[str, str] = {}
    if not EMAIL.fullmatch(normalise_email(email)):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if not name.strip():
        errors["name"] = "Enter the person's name"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if role not in ROLES:
        errors["role"] = "Choose manager or viewer"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    return errors


def seed_topics(session, organisation_id: int) -> None:
    """A new employer starts with the Skills for Care defaults (schemas.catalogue)."""
    from schemas.catalogue import DEFAULT_REQUIRED_TOPICS, default_refresh_months, topic_title

    session.execute(insert(storage.topics), [
        {"organisation_id": organisation_id, "topic": topic, "title": topic_title(topic),
         "refresh_months": default_refresh_months(topic)}
        for topic in DEFAULT_REQUIRED_TOPICS])


def ensure_organisation(session, name: str, now: datetime) -> int:
    name = name.strip()
    if not name or len(name) > 200:
        raise MalformedValueError("Enter the organisation's name (200 characters or fewer)")
    found = session.execute(select(storage.organisations.c.id).where(
        func.lower(storage.organisations.c.name) == name.lower())).scalar()
    if found is not None:
        return found
    organisation_id = session.execute(insert(storage.organisations).values(
        name=name, created_at=now)).inserted_primary_key[0]
    seed_topics(session, organisation_id)
    return organisation_id


def add_user(db, *, organisation: str | int, email: str, name: str, role: str, password: str,
             clock: Clock) -> User:
    """Create a user (and the organisation, given by name, if it is new)."""
    errors = validate_user(email, name, role, password)
    if errors:
        raise MalformedValueError(next(iter(errors.values())), path=next(iter(errors)))
    now = clock()
    with db.transaction() as session:
        if isinstance(organisation, int):
            organisation_id = organisation
        else:
            organisation_id = ensure_organisation(session, organisation, now)
        taken = session.execute(select(storage.users.c.id).where(
            storage.users.c.email == normalise_email(email))).scalar()
        if taken is not None:
            raise ConflictError("There is already an account with that email address",
                                path="email")
        user_id = session.execute(insert(storage.users).values(
            organisation_id=organisation_id, email=normalise_email(email), name=name.strip(),
            role=role, password_hash=hash_password(password), failures=0,
            created_at=now)).inserted_primary_key[0]
    return get_user(db, user_id)


def _user_query():
    u, o = storage.users, storage.organisations
    return select(u.c.id, u.c.organisation_id, o.c.name, u.c.email, u.c.name, u.c.role).join(
        o, o.c.id == u.c.organisation_id)


def get_user(db, user_id: int) -> User:
    with db.reading() as session:
        row = session.execute(_user_query().where(storage.users.c.id == user_id)).first()
    if row is None:
        raise NotFoundError("There is no such user")
    return User(*row)


def list_users(db, organisation_id: int) -> list[User]:
    with db.reading() as session:
        rows = session.execute(_user_query().where(
            storage.users.c.organisation_id == organisation_id).order_by(
            storage.users.c.name)).all()
    return [User(*row) for row in rows]


def authenticate(db, email: str, password: str, clock: Clock) -> User:
    """The user, or AuthError with a plain message (the same for a wrong email or password)."""
    users = storage.users
    with db.reading() as session:
        row = session.execute(select(users.c.id, users.c.password_hash).where(
            users.c.email == normalise_email(email))).first()
    # Guessing is slowed per account and place by the web layer (passport_web.signin), never
    # by locking the account, which would let anyone lock a manager out.
    if not check_password(row.password_hash if row else None, password):
        raise AuthError("The email address or password is not right")
    return get_user(db, row.id)
