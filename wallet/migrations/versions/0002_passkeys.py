"""Passkeys (WebAuthn) for signing in to the wallet

The worker's passkeys (WebAuthn Level 3 §6.1 credential records) and the single-use challenges
of passkey ceremonies (wallet/passkeys.py).

A database made by create_all while passkeys were being added already has these tables when it
is adopted (stamped 0001): they are left as they are then.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if _made_by_create_all():
        return
    op.create_table(
        "wallet_passkey_challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("challenge", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wallet_passkey_challenges_expires_at",
                    "wallet_passkey_challenges", ["expires_at"])
    op.create_table(
        "wallet_passkeys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("transports", sa.String(length=200), nullable=False),
        sa.Column("aaguid", sa.String(length=36), nullable=True),
        sa.Column("backed_up", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
    )
    op.create_index("ix_wallet_passkeys_account_id", "wallet_passkeys", ["account_id"])


def _made_by_create_all() -> bool:
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    return "wallet_passkeys" in sa.inspect(op.get_bind()).get_table_names()


def downgrade() -> None:
    # dropping a table drops its indexes; children before parents for the foreign keys
    op.drop_table("wallet_passkeys")
    op.drop_table("wallet_passkey_challenges")
