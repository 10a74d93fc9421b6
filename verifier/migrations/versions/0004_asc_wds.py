"""ASC-WDS: the workplace id, each staff member's worker id and job role, role policies

``verifier_organisations.asc_wds_establishment_id`` (LOCALESTID), ``verifier_staff``'s
``asc_wds_worker_id`` (UNIQUEWORKERID) and ``asc_wds_job_role`` (MAINJOBROLE code), and
``verifier_role_policies``: the training an employer requires for a job role, where it differs
from the defaults (issue 13).

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


def upgrade() -> None:
    if _made_by_create_all():
        return
    op.add_column("verifier_organisations",
                  sa.Column("asc_wds_establishment_id", sa.String(length=50), nullable=True))
    op.add_column("verifier_staff",
                  sa.Column("asc_wds_worker_id", sa.String(length=50), nullable=True))
    op.add_column("verifier_staff", sa.Column("asc_wds_job_role", sa.Integer(), nullable=True))
    op.create_table(
        "verifier_role_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("job_role", sa.Integer(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["verifier_organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "job_role", name="verifier_role_policies_once"),
    )
    op.create_index("ix_verifier_role_policies_organisation_id", "verifier_role_policies",
                    ["organisation_id"])


def _made_by_create_all() -> bool:
    """A database made by create_all after these were added already has them when it is
    adopted (stamped 0001); a partial one is left for the adoption to refuse by name."""
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    names = set(sa.inspect(op.get_bind()).get_table_names())
    return ("verifier_role_policies" in names
            or not {"verifier_organisations", "verifier_staff"} <= names)


def downgrade() -> None:
    op.drop_table("verifier_role_policies")  # its index goes with it
    with op.batch_alter_table("verifier_staff") as batch:
        batch.drop_column("asc_wds_job_role")
        batch.drop_column("asc_wds_worker_id")
    with op.batch_alter_table("verifier_organisations") as batch:
        batch.drop_column("asc_wds_establishment_id")
