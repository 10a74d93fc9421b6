"""OpenID4VP requests

One row per OpenID4VP 1.0 request the verifier makes (verifier/oid4vp.py): state, nonce, the
response code for the same-device redirect, who asked, when it expires, and the outcome once the
wallet has answered.

A database made by create_all after this table was added already has it when it is adopted
(stamped 0001): it is left as it is then. A partial database (no verifier_users) is left alone
too, for the adoption to refuse it by name.

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
        "verifier_oid4vp_requests",
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("response_code", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("check_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["verifier_users.id"]),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_index("ix_verifier_oid4vp_requests_organisation_id",
                    "verifier_oid4vp_requests", ["organisation_id"])


def _made_by_create_all() -> bool:
    """Already there (create_all made it), or a partial database the adoption will refuse:
    without the tables it refers to, creating it would only fail on PostgreSQL first."""
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return ("verifier_oid4vp_requests" in names
            or not {"verifier_organisations", "verifier_users"} <= names)


def downgrade() -> None:
    op.drop_table("verifier_oid4vp_requests")  # its index goes with it
