"""The verifier's first tables

Organisations, their users and staff, saved checks and records, training-matrix topics and
locally recognised providers: verifier/storage.py as it stood when migrations were
introduced (databases made by create_all before then are stamped with it).

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
        "verifier_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "verifier_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_verifier_staff_organisation_id", "verifier_staff", ["organisation_id"])
    op.create_table(
        "verifier_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("refresh_months", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "topic", name="verifier_topics_once"),
    )
    op.create_index("ix_verifier_topics_organisation_id", "verifier_topics", ["organisation_id"])
    op.create_table(
        "verifier_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_index("ix_verifier_users_organisation_id", "verifier_users", ["organisation_id"])
    op.create_table(
        "verifier_checks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["verifier_users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_verifier_checks_organisation_id", "verifier_checks", ["organisation_id"])
    op.create_table(
        "verifier_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("course_key", sa.String(length=100), nullable=False),
        sa.Column("provider_name", sa.String(length=300), nullable=False),
        sa.Column("provider_id", sa.String(length=2048), nullable=False),
        sa.Column("completed", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_state", sa.String(length=40), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.ForeignKeyConstraint(["saved_by"], ["verifier_users.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["verifier_staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "fingerprint", name="verifier_records_once_per_staff"),
    )
    op.create_index("ix_verifier_records_organisation_id", "verifier_records", ["organisation_id"])
    op.create_index("ix_verifier_records_staff_id", "verifier_records", ["staff_id"])
    op.create_table(
        "verifier_trust_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("did", sa.String(length=2048), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("recognised_for", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["verifier_users.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "did", name="verifier_trust_once"),
    )
    op.create_index("ix_verifier_trust_entries_organisation_id",
                    "verifier_trust_entries", ["organisation_id"])


def downgrade() -> None:
    # dropping a table drops its indexes; children before parents for the foreign keys
    op.drop_table("verifier_trust_entries")
    op.drop_table("verifier_records")
    op.drop_table("verifier_checks")
    op.drop_table("verifier_users")
    op.drop_table("verifier_topics")
    op.drop_table("verifier_staff")
    op.drop_table("verifier_organisations")
