"""Refresher reminders: a worker's choice to get them, and which ones were sent

``wallet_accounts.reminders``: e-mail reminders on (default) or off.
``wallet_reminders_sent``: one row per (credential, days-before-expiry threshold) e-mailed;
unique, so running ``passport wallet send-reminders`` twice sends nothing twice.
A database made by create_all after this was added already has both: left as it is.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _inspector():
    return None if op.get_context().as_sql else sa.inspect(op.get_bind())


def upgrade() -> None:
    inspector = _inspector()
    columns = ({column["name"] for column in inspector.get_columns("wallet_accounts")}
               if inspector else set())
    if "reminders" not in columns:
        with op.batch_alter_table("wallet_accounts") as batch:
            batch.add_column(sa.Column("reminders", sa.Boolean(), nullable=False,
                                       server_default=sa.true()))
    if inspector and "wallet_reminders_sent" in inspector.get_table_names():
        return
    op.create_table(
        "wallet_reminders_sent",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("credential_id", sa.String(length=32), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["wallet_accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["credential_id"], ["wallet_credentials.id"],
                                ondelete="CASCADE"),
        sa.UniqueConstraint("credential_id", "threshold", name="uq_wallet_reminders_sent"),
    )
    op.create_index("ix_wallet_reminders_sent_account_id", "wallet_reminders_sent",
                    ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_wallet_reminders_sent_account_id", table_name="wallet_reminders_sent")
    op.drop_table("wallet_reminders_sent")
    with op.batch_alter_table("wallet_accounts") as batch:
        batch.drop_column("reminders")
