"""The issuer's first tables

Training providers and their signing keys, staff users, issued records, Bitstring Status
Lists and their allocated indexes, OpenID4VCI offers, access tokens and nonces, file imports, API
tokens, courses, the audit log and VC API credentials: issuer/storage.py as it stood when
migrations were introduced (databases made by create_all before then are stamped with it).

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
        "issuer_c_nonces",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nonce_hash"),
    )
    op.create_table(
        "issuer_providers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("did", sa.String(length=500), nullable=False),
        sa.Column("did_method", sa.String(length=8), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("curve", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("ofqual_number", sa.String(length=40), nullable=True),
        sa.Column("sfc_endorsement_id", sa.String(length=64), nullable=True),
        sa.Column("next_key_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("did"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "issuer_api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_issuer_api_tokens_provider_id", "issuer_api_tokens", ["provider_id"])
    op.create_table(
        "issuer_courses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_id", "key", name="uq_issuer_courses"),
    )
    op.create_table(
        "issuer_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_issuer_events_provider_id", "issuer_events", ["provider_id"])
    op.create_index("ix_issuer_events_record_id", "issuer_events", ["record_id"])
    op.create_table(
        "issuer_import_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_issuer_import_batches_provider_id",
                    "issuer_import_batches", ["provider_id"])
    op.create_table(
        "issuer_provider_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("vm_id", sa.String(length=600), nullable=False),
        sa.Column("fragment", sa.String(length=120), nullable=False),
        sa.Column("curve", sa.String(length=16), nullable=False),
        sa.Column("public_multibase", sa.String(length=200), nullable=False),
        sa.Column("sealed_private", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vm_id"),
    )
    op.create_index("ix_issuer_provider_keys_provider_id", "issuer_provider_keys", ["provider_id"])
    op.create_table(
        "issuer_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=100), nullable=False),
        sa.Column("course_key", sa.String(length=80), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("subject_search", sa.String(length=400), nullable=False),
        sa.Column("subject_email", sa.String(length=320), nullable=True),
        sa.Column("holder_did", sa.String(length=600), nullable=True),
        sa.Column("completed", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("revocation_list", sa.Integer(), nullable=False),
        sa.Column("revocation_index", sa.Integer(), nullable=False),
        sa.Column("suspension_list", sa.Integer(), nullable=False),
        sa.Column("suspension_index", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaces", sa.String(length=32), nullable=True),
        sa.Column("replaced_by", sa.String(length=32), nullable=True),
        sa.Column("verification_method", sa.String(length=600), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("holder_document", sa.Text(), nullable=True),
        sa.Column("holder_jwt", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("import_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
        sa.UniqueConstraint("provider_id", "import_key", name="uq_issuer_records_import_key"),
    )
    op.create_index("ix_issuer_records_provider_completed",
                    "issuer_records", ["provider_id", "completed"])
    op.create_index("ix_issuer_records_provider_course",
                    "issuer_records", ["provider_id", "course_key"])
    op.create_table(
        "issuer_status_lists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("list_no", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("allocated", sa.LargeBinary(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed", sa.Text(), nullable=True),
        sa.Column("signed_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_id", "purpose", "list_no", name="uq_issuer_status_lists"),
    )
    op.create_table(
        "issuer_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_index("ix_issuer_users_provider_id", "issuer_users", ["provider_id"])
    op.create_table(
        "issuer_vc_api_credentials",
        sa.Column("credential_id", sa.String(length=600), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("list_no", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["issuer_providers.id"]),
        sa.PrimaryKeyConstraint("credential_id"),
    )
    op.create_table(
        "issuer_import_rows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("record_id", sa.String(length=32), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["issuer_import_batches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_issuer_import_rows_batch_id", "issuer_import_rows", ["batch_id"])
    op.create_table(
        "issuer_offers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=64), nullable=True),
        sa.Column("tx_attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("holder_did", sa.String(length=600), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["issuer_records.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_issuer_offers_record_id", "issuer_offers", ["record_id"])
    op.create_table(
        "issuer_status_indexes",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["issuer_status_lists.id"]),
        sa.PrimaryKeyConstraint("list_id", "idx"),
    )
    op.create_table(
        "issuer_access_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("offer_id", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["offer_id"], ["issuer_offers.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )


def downgrade() -> None:
    # dropping a table drops its indexes; children before parents for the foreign keys
    op.drop_table("issuer_access_tokens")
    op.drop_table("issuer_status_indexes")
    op.drop_table("issuer_offers")
    op.drop_table("issuer_import_rows")
    op.drop_table("issuer_vc_api_credentials")
    op.drop_table("issuer_users")
    op.drop_table("issuer_status_lists")
    op.drop_table("issuer_records")
    op.drop_table("issuer_provider_keys")
    op.drop_table("issuer_import_batches")
    op.drop_table("issuer_events")
    op.drop_table("issuer_courses")
    op.drop_table("issuer_api_tokens")
    op.drop_table("issuer_providers")
    op.drop_table("issuer_c_nonces")
