"""Who may act for a provider: staff accounts (Argon2id passwords with throttling that a person
can recover from) and API tokens for programmatic issuance (stored as SHA-256 hashes of 256
random bits; shown once). Every account and token belongs to exactly one provider.
"""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select, update

from passport_vc.clock import Clock
from passport_vc.errors import AuthError, ConflictError, MalformedValueError, NotFoundError
from passport_web.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    password_problem,
)
from passport_web.sql import Database

from .cleaning import clean_email, clean_text
from .models import ROLES, ApiToken, Provider, User
from .providers import ProviderService
from .storage import api_tokens, digest, providers, users

TOKEN_PREFIX = "spi_"  # noqa: S105 - a visible prefix, not a secret


class AccessService:
    """Provider staff accounts and API tokens."""

    def __init__(self, db: Database, clock: Clock, providers: ProviderService) -> None:
        self.db, self.clock, self.providers = db, clock, providers

    # --- staff accounts -----------------------------------------------------------------------
    def create_user(self, slug: str, email: str, password: str, role: str = "admin") -> User:
        provider = self.providers.provider(slug)
        address = clean_email(email)
        if address is None:
            raise MalformedValueError("Enter an email address", path="email")
        if role not in ROLES:
            raise MalformedValueError("The role must be admin or staff", path="role")
        problem = password_problem(password if isinstance(password, str) else "")
        if problem:
            raise MalformedValueError(problem, path="password")
        with self.db.transaction() as session:
            if session.execute(select(users.c.id).where(users.c.email == address)).first():
                raise ConflictError("An account with that email address already exists",
                                    path="email")
            user_id = session.execute(insert(users).values(
                provider_id=provider.id, email=address, password_hash=hash_password(password),
                role=role, failures=0, created_at=self.clock())).inserted_primary_key[0]
        return User(user_id, provider.id, address, role)

    def authenticate(self, email: str, password: str) -> User:
        """The account for these details, or AuthError (same message whatever was wrong)."""
        address = (email or "").strip().lower()
        with self.db.reading() as session:
            row = session.execute(select(users).where(users.c.email == address)).first()
        # Guessing is slowed per account *and place* by the web layer (passport_web.signin),
        # not by locking the account, which would let anyone lock a manager out.
        if not check_password(row.password_hash if row else None, password or ""):
            raise AuthError("The email address or password is not right")
        if needs_rehash(row.password_hash):
            with self.db.transaction() as session:
                session.execute(update(users).where(users.c.id == row.id).values(
                    password_hash=hash_password(password)))
        return User.from_row(row)

    def user(self, user_id: int) -> User:
        with self.db.reading() as session:
            row = session.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFoundError("That account no longer exists")
        return User.from_row(row)

    def users_of(self, slug: str) -> list[User]:
        provider = self.providers.provider(slug)
        with self.db.reading() as session:
            rows = session.execute(select(users).where(users.c.provider_id == provider.id)
                                   .order_by(users.c.email)).all()
        return [User.from_row(row) for row in rows]

    # --- API tokens ---------------------------------------------------------------------------
    def create_api_token(self, slug: str, name: str, *,
                         actor: str | None = None) -> tuple[ApiToken, str]:
        """A new token; the secret is returned once and only its hash is kept."""
        provider = self.providers.provider(slug)
        label = clean_text(name, "token name", required=True, limit=120)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.transaction() as session:
            token_id = session.execute(insert(api_tokens).values(
                provider_id=provider.id, name=label, token_hash=digest(secret),
                hint=secret[:10], created_at=now, created_by=actor)).inserted_primary_key[0]
        return ApiToken(token_id, label, secret[:10], now, None, None), secret

    def api_tokens_of(self, slug: str) -> list[ApiToken]:
        provider = self.providers.provider(slug)
        with self.db.reading() as session:
            rows = session.execute(select(api_tokens).where(
                api_tokens.c.provider_id == provider.id).order_by(api_tokens.c.id)).all()
        return [ApiToken.from_row(row) for row in rows]

    def revoke_api_token(self, slug: str, token_id: int) -> None:
        provider = self.providers.provider(slug)
        with self.db.transaction() as session:
            changed = session.execute(update(api_tokens).where(
                api_tokens.c.id == token_id, api_tokens.c.provider_id == provider.id,
                api_tokens.c.revoked_at.is_(None)).values(revoked_at=self.clock())).rowcount
        if not changed:
            raise NotFoundError("There is no active API token with that number")

    def provider_for_token(self, secret: str) -> Provider:
        """The provider an API token acts for, or AuthError."""
        if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or \
                len(secret) > 200:
            raise AuthError("Send a valid API token: Authorization: Bearer spi_…")
        with self.db.reading() as session:
            row = session.execute(select(api_tokens.c.id, api_tokens.c.provider_id,
                                         api_tokens.c.revoked_at).where(
                api_tokens.c.token_hash == digest(secret))).first()
        if row is None or row.revoked_at is not None:
            raise AuthError("This API token is not valid or has been withdrawn")
        with self.db.transaction() as session:
            session.execute(update(api_tokens).where(api_tokens.c.id == row.id)
                            .values(last_used_at=self.clock()))
            provider = session.execute(select(providers).where(
                providers.c.id == row.provider_id)).first()
        return Provider.from_row(provider)
