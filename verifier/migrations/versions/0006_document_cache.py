"""Shared cache of public documents

``verifier_document_cache``: did:web DID documents and status list credentials this verifier
fetched, with their ETag and lifetime, shared by every worker and machine on the database
(verifier/document_cache.py). A database made by create_all after this table was added already
has it when it is adopted: it is left as it is then.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not op.get_context().as_sql and \
            "verifier_document_cache" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "verifier_document_cache",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("accept", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("etag", sa.String(length=256), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", "accept"),
    )
    op.create_index("ix_verifier_document_cache_expires_at", "verifier_document_cache",
                    ["expires_at"])


def downgrade() -> None:
    op.drop_table("verifier_document_cache")  # its index goes with it
