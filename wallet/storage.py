"""Wallet tables and queries (SQLAlchemy 2.0 Core over passport_web.sql.Database).

Every row that belongs to a worker carries ``account_id``; every query that reads or changes a
worker's data takes the account id and filters on it, so one worker can never reach another's
rows by guessing an id (the routes turn "no such row for you" into 404).

Tables: accounts, recovery_codes, holder_keys, credentials, shares, share_views, helpers,
activity, passkeys, passkey_challenges, reminders_sent. Times are stored in UTC; SQLite drops
the zone, so ``aware`` puts it back on read.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport_web.sessions import attempts_table, sessions_table

metadata = sa.MetaData()

_Time = sa.DateTime(timezone=True)


sessions = sessions_table(metadata, "wallet")  # signed-in browsers (passport_web/sessions.py)
sign_in_attempts = attempts_table(metadata, "wallet")  # throttling, shared by every worker


def aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


accounts = sa.Table(
    "wallet_accounts", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("login", sa.String(320), nullable=False, unique=True),  # email or user name, lower
    sa.Column("email", sa.String(320)),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_failure_at", _Time),
    sa.Column("created_at", _Time, nullable=False),
    # E-mail refresher reminders (wallet/reminders.py); the worker can turn them off.
    sa.Column("reminders", sa.Boolean, nullable=False, default=True, server_default=sa.true()),
)

recovery_codes = sa.Table(
    "wallet_recovery_codes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("used_at", _Time),
)

holder_keys = sa.Table(
    "wallet_holder_keys", metadata,
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              primary_key=True),
    sa.Column("did", sa.String(256), nullable=False),
    sa.Column("verification_method", sa.String(512), nullable=False),
    sa.Column("sealed", sa.Text, nullable=False),  # passport_vc.keys.storage envelope
    sa.Column("created_at", _Time, nullable=False),
)

credentials = sa.Table(
    "wallet_credentials", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("format", sa.String(16), nullable=False),  # "ldp_vc" | "jwt_vc"
    sa.Column("raw", sa.Text, nullable=False),  # the document as received (JSON text or JWT)
    sa.Column("digest", sa.String(64), nullable=False),  # dedupe: sha256 of the normalised raw
    sa.Column("vc_id", sa.String(512)),
    sa.Column("issuer", sa.String(512)),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("topic", sa.String(80)),
    sa.Column("provider_name", sa.String(300)),
    sa.Column("completed", sa.Date),
    sa.Column("valid_until", sa.Date),
    sa.Column("summary", sa.Text, nullable=False),  # JSON of schemas.summary.TrainingSummary
    sa.Column("verification", sa.Text, nullable=False),  # JSON of the last VerificationResult
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("checked_at", _Time, nullable=False),
    sa.Column("added_at", _Time, nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.UniqueConstraint("account_id", "digest", name="uq_wallet_credentials_digest"),
)

shares = sa.Table(
    "wallet_shares", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("label", sa.String(200)),
    sa.Column("credential_ids", sa.Text, nullable=False),  # JSON list, for the owner's view
    sa.Column("iv", sa.String(32), nullable=False),
    sa.Column("ciphertext", sa.Text, nullable=False),  # AES-256-GCM; key only in the link
    sa.Column("challenge", sa.String(256)),
    sa.Column("domain", sa.String(256)),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("revoked_at", _Time),
)

share_views = sa.Table(
    "wallet_share_views", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("share_id", sa.String(64), sa.ForeignKey("wallet_shares.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("viewed_at", _Time, nullable=False),
    sa.Column("how", sa.String(20), nullable=False),  # "data" (opened) | "page" (looked at)
)

helpers = sa.Table(
    "wallet_helpers", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("worker_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                        ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("helper_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                        ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("scope", sa.String(20), nullable=False),  # "receive" | "present" | "both"
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("revoked_at", _Time),
)

activity = sa.Table(
    "wallet_activity", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("at", _Time, nullable=False),
    sa.Column("actor_id", sa.String(32)),  # None: the worker; else the helper's account
    sa.Column("actor_name", sa.String(200)),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)


# --- helpers for rows -----------------------------------------------------------------------
def row_dict(row) -> dict:
    data = dict(row._mapping)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = aware(value)
    return data


def to_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=_json_default)


def _json_default(value: object):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


# --- accounts -------------------------------------------------------------------------------
def account_by_login(session: Session, login: str) -> dict | None:
    row = session.execute(sa.select(accounts).where(accounts.c.login == login)).first()
    return row_dict(row) if row else None


def account_by_id(session: Session, account_id: str) -> dict | None:
    row = session.execute(sa.select(accounts).where(accounts.c.id == account_id)).first()
    return row_dict(row) if row else None


def holder_key(session: Session, account_id: str) -> dict | None:
    row = session.execute(sa.select(holder_keys)
                          .where(holder_keys.c.account_id == account_id)).first()
    return row_dict(row) if row else None


# --- credentials ----------------------------------------------------------------------------
def credential_for(session: Session, account_id: str, credential_id: str) -> dict | None:
    row = session.execute(sa.select(credentials).where(
        credentials.c.id == credential_id, credentials.c.account_id == account_id)).first()
    return row_dict(row) if row else None


def credentials_of(session: Session, account_id: str) -> list[dict]:
    rows = session.execute(sa.select(credentials)
                           .where(credentials.c.account_id == account_id)
                           .order_by(credentials.c.completed.desc(), credentials.c.added_at))
    return [row_dict(row) for row in rows]


def duplicate_of(session: Session, account_id: str, digest: str, vc_id: str | None,
                 issuer: str | None) -> dict | None:
    """The stored credential this one repeats: same bytes, or same credential id and issuer."""
    condition = credentials.c.digest == digest
    if vc_id and issuer:
        condition = sa.or_(condition, sa.and_(credentials.c.vc_id == vc_id,
                                              credentials.c.issuer == issuer))
    row = session.execute(sa.select(credentials).where(
        credentials.c.account_id == account_id, condition)).first()
    return row_dict(row) if row else None


# --- shares ---------------------------------------------------------------------------------
def share_for(session: Session, account_id: str, share_id: str) -> dict | None:
    row = session.execute(sa.select(shares).where(
        shares.c.id == share_id, shares.c.account_id == account_id)).first()
    return row_dict(row) if row else None


def share_by_id(session: Session, share_id: str) -> dict | None:
    row = session.execute(sa.select(shares).where(shares.c.id == share_id)).first()
    return row_dict(row) if row else None


def shares_of(session: Session, account_id: str) -> list[dict]:
    rows = session.execute(sa.select(shares).where(shares.c.account_id == account_id)
                           .order_by(shares.c.created_at.desc()))
    return [row_dict(row) for row in rows]


def views_of(session: Session, share_id: str) -> list[dict]:
    rows = session.execute(sa.select(share_views).where(share_views.c.share_id == share_id)
                           .order_by(share_views.c.viewed_at.desc(), share_views.c.id.desc()))
    return [row_dict(row) for row in rows]


# --- helpers and activity -------------------------------------------------------------------
def helper_grants_for_worker(session: Session, worker_id: str) -> list[dict]:
    query = (sa.select(helpers, accounts.c.name.label("helper_name"),
                       accounts.c.login.label("helper_login"))
             .join(accounts, accounts.c.id == helpers.c.helper_id)
             .where(helpers.c.worker_id == worker_id).order_by(helpers.c.created_at.desc()))
    return [row_dict(row) for row in session.execute(query)]


def helper_grants_for_helper(session: Session, helper_id: str) -> list[dict]:
    query = (sa.select(helpers, accounts.c.name.label("worker_name"))
             .join(accounts, accounts.c.id == helpers.c.worker_id)
             .where(helpers.c.helper_id == helper_id).order_by(helpers.c.created_at.desc()))
    return [row_dict(row) for row in session.execute(query)]


def log_activity(session: Session, account_id: str, at: datetime, action: str, detail: str = "",
                 *, actor_id: str | None = None, actor_name: str | None = None) -> None:
    session.execute(sa.insert(activity).values(account_id=account_id, at=at, action=action,
                                               detail=detail[:2000], actor_id=actor_id,
                                               actor_name=actor_name))


def activity_of(session: Session, account_id: str, limit: int = 200) -> list[dict]:
    rows = session.execute(sa.select(activity).where(activity.c.account_id == account_id)
                           .order_by(activity.c.at.desc(), activity.c.id.desc()).limit(limit))
    return [row_dict(row) for row in rows]


# --- passkeys (WebAuthn Level 3 §6.1 credential records; wallet/passkeys.py) ----------------
passkeys = sa.Table(
    "wallet_passkeys", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              nullable=False, index=True),
    # base64url of the credential id (at most 1023 bytes, WebAuthn §5.8.3): 1364 characters
    sa.Column("credential_id", sa.String(1400), nullable=False, unique=True),
    sa.Column("public_key", sa.Text, nullable=False),  # base64url of the COSE_Key
    sa.Column("sign_count", sa.BigInteger, nullable=False, default=0),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("transports", sa.String(200), nullable=False, default="[]"),  # JSON list
    sa.Column("aaguid", sa.String(36)),
    sa.Column("backed_up", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("last_used_at", _Time),
)

# A challenge lives here, not in the signed session cookie: a cookie can be sent again, a
# deleted row cannot be used again (single use). The session only holds the row's id.
passkey_challenges = sa.Table(
    "wallet_passkey_challenges", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("purpose", sa.String(20), nullable=False),  # "add" | "sign-in"
    sa.Column("challenge", sa.String(128), nullable=False),  # base64url
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE")),
    sa.Column("expires_at", _Time, nullable=False, index=True),
)


def passkeys_of(session: Session, account_id: str) -> list[dict]:
    rows = session.execute(sa.select(passkeys).where(passkeys.c.account_id == account_id)
                           .order_by(passkeys.c.created_at, passkeys.c.id))
    return [row_dict(row) for row in rows]


def passkey_for(session: Session, account_id: str, passkey_id: str) -> dict | None:
    row = session.execute(sa.select(passkeys).where(
        passkeys.c.id == passkey_id, passkeys.c.account_id == account_id)).first()
    return row_dict(row) if row else None


def passkey_by_credential_id(session: Session, credential_id: str) -> dict | None:
    row = session.execute(sa.select(passkeys)
                          .where(passkeys.c.credential_id == credential_id)).first()
    return row_dict(row) if row else None


def add_passkey_challenge(session: Session, challenge_id: str, purpose: str, challenge: str,
                          account_id: str | None, expires_at: datetime, now: datetime) -> None:
    session.execute(sa.delete(passkey_challenges)
                    .where(passkey_challenges.c.expires_at <= now))  # tidy up old ones
    session.execute(sa.insert(passkey_challenges).values(
        id=challenge_id, purpose=purpose, challenge=challenge, account_id=account_id,
        expires_at=expires_at))


def take_passkey_challenge(session: Session, challenge_id: str, purpose: str) -> dict | None:
    """The challenge row, deleted as it is read: it can be used once only. A second request
    racing for the same row deletes nothing and gets None."""
    row = session.execute(sa.select(passkey_challenges).where(
        passkey_challenges.c.id == challenge_id,
        passkey_challenges.c.purpose == purpose)).first()
    if row is None:
        return None
    deleted = session.execute(sa.delete(passkey_challenges)
                              .where(passkey_challenges.c.id == challenge_id)).rowcount
    return row_dict(row) if deleted == 1 else None


# --- refresher reminders (wallet/reminders.py) ----------------------------------------------
# One row per (credential, threshold) e-mailed. The unique constraint is what makes
# ``passport wallet send-reminders`` safe to run twice, or twice at once: a run claims the row
# before sending, and a second run's insert fails instead of sending again.
reminders_sent = sa.Table(
    "wallet_reminders_sent", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(32), sa.ForeignKey("wallet_accounts.id",
                                                         ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("credential_id", sa.String(32), sa.ForeignKey("wallet_credentials.id",
                                                            ondelete="CASCADE"),
              nullable=False),
    sa.Column("threshold", sa.Integer, nullable=False),  # days before expiry: 90, 30, 7
    sa.Column("sent_at", _Time, nullable=False),
    sa.UniqueConstraint("credential_id", "threshold", name="uq_wallet_reminders_sent"),
)
