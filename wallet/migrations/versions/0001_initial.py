"""The wallet's first tables

Worker accounts and recovery codes, holder keys, held credentials, shares and their views,
helpers and the activity log: wallet/storage.py as it stood when migrations were introduced
(databases made by create_all before then are stamped with it).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wallet_accounts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("login", sa.String(length=320), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "wallet_activity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wallet_activity_account_id", "wallet_activity", ["account_id"])
    op.create_table(
        "wallet_credentials",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("vc_id", sa.String(length=512), nullable=True),
        sa.Column("issuer", sa.String(length=512), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=True),
        sa.Column("provider_name", sa.String(length=300), nullable=True),
        sa.Column("completed", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("verification", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "digest", name="uq_wallet_credentials_digest"),
    )
    op.create_index("ix_wallet_credentials_account_id", "wallet_credentials", ["account_id"])
    op.create_table(
        "wallet_helpers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("helper_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["helper_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wallet_helpers_helper_id", "wallet_helpers", ["helper_id"])
    op.create_index("ix_wallet_helpers_worker_id", "wallet_helpers", ["worker_id"])
    op.create_table(
        "wallet_holder_keys",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("did", sa.String(length=256), nullable=False),
        sa.Column("verification_method", sa.String(length=512), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "wallet_recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wallet_recovery_codes_account_id", "wallet_recovery_codes", ["account_id"])
    op.create_table(
        "wallet_shares",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("credential_ids", sa.Text(), nullable=False),
        sa.Column("iv", sa.String(length=32), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("challenge", sa.String(length=256), nullable=True),
        sa.Column("domain", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wallet_shares_account_id", "wallet_shares", ["account_id"])
    op.create_table(
        "wallet_share_views",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("share_id", sa.String(length=64), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("how", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["share_id"], ["wallet_shares.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wallet_share_views_share_id", "wallet_share_views", ["share_id"])


def downgrade() -> None:
    # dropping a table drops its indexes; children before parents for the foreign keys
    op.drop_table("wallet_share_views")
    op.drop_table("wallet_shares")
    op.drop_table("wallet_recovery_codes")
    op.drop_table("wallet_holder_keys")
    op.drop_table("wallet_helpers")
    op.drop_table("wallet_credentials")
    op.drop_table("wallet_activity")
    op.drop_table("wallet_accounts")
