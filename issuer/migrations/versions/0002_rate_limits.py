"""Request counters for rate limiting, shared by every worker

Fixed-window counters per bucket (an API token, a caller's address) for issuer/ratelimit.py.

A database made by create_all while this table was being added already has it when it is
adopted (stamped 0001): it is left as it is then.

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
        "issuer_rate_limits",
        sa.Column("bucket", sa.String(length=100), nullable=False),
        sa.Column("window_start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start"),
    )
    op.create_index("ix_issuer_rate_limits_window", "issuer_rate_limits", ["window_start"])


def _made_by_create_all() -> bool:
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    return "issuer_rate_limits" in sa.inspect(op.get_bind()).get_table_names()


def downgrade() -> None:
    # dropping the table drops its index
    op.drop_table("issuer_rate_limits")
