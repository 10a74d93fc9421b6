"""One lifecycle status entry per credential (Open Badges 3.0: a single credentialStatus)

New credentials point at one 2-bit entry of a "message" status list (valid / suspended /
revoked) in ``status_list`` / ``status_index``; the revocation and suspension positions of
credentials issued before stay as they are, and become optional for new ones.

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

PAIR = ("revocation_list", "revocation_index", "suspension_list", "suspension_index")


def upgrade() -> None:
    if _made_by_create_all():
        return
    # batch mode: SQLite cannot change a column's nullability in place
    with op.batch_alter_table("issuer_records") as batch:
        batch.add_column(sa.Column("status_list", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
        for name in PAIR:
            batch.alter_column(name, existing_type=sa.Integer(), nullable=True)


def _made_by_create_all() -> bool:
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    columns = {column["name"] for column in
               sa.inspect(op.get_bind()).get_columns("issuer_records")}
    return "status_list" in columns


def downgrade() -> None:
    # Credentials issued with a lifecycle entry cannot be expressed in the older shape.
    if op.get_bind().execute(sa.text(
            "SELECT COUNT(*) FROM issuer_records WHERE status_list IS NOT NULL")).scalar():
        raise RuntimeError("Credentials with a lifecycle status entry exist; they cannot be "
                           "moved back to separate revocation and suspension lists")
    with op.batch_alter_table("issuer_records") as batch:
        for name in PAIR:
            batch.alter_column(name, existing_type=sa.Integer(), nullable=False)
        batch.drop_column("status_index")
        batch.drop_column("status_list")
