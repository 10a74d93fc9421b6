"""Refresher reminders for staff training, e-mailed to the organisation's managers

``verifier_reminders_sent``: one row per (staff member, topic, due date, threshold) sent;
unique, so ``passport verifier send-reminders`` twice sends nothing twice. A database made by
create_all after this was added already has the table: left as it is.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if _made_by_create_all():
        return
    op.create_table(
        "verifier_reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["verifier_staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "topic", "due", "threshold",
                            name="verifier_reminders_once"),
    )
    op.create_index("ix_verifier_reminders_sent_organisation_id", "verifier_reminders_sent",
                    ["organisation_id"])


def _made_by_create_all() -> bool:
    """Already there (create_all after this was added), or a partial database that the
    adoption refuses by name afterwards: nothing to do either way."""
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return ("verifier_reminders_sent" in names
            or not {"verifier_organisations", "verifier_staff"} <= names)


def downgrade() -> None:
    op.drop_index("ix_verifier_reminders_sent_organisation_id",
                  table_name="verifier_reminders_sent")
    op.drop_table("verifier_reminders_sent")
