"""Migration steps the three services share, written out (not derived from storage.py) so a
revision keeps meaning what it meant when it was written."""

from __future__ import annotations

import sqlalchemy as sa


def _exists(op, name: str) -> bool:
    if op.get_context().as_sql:  # offline (--sql): no database to look at
        return False
    return name in sa.inspect(op.get_bind()).get_table_names()


def create_session_tables(op, prefix: str) -> None:
    """``<prefix>_sessions`` and ``<prefix>_sign_in_attempts`` (passport_web/sessions.py).
    A database made by create_all after they were added already has them: left as it is."""
    if not _exists(op, f"{prefix}_sessions"):
        op.create_table(
            f"{prefix}_sessions",
            sa.Column("id_hash", sa.String(length=64), nullable=False),
            sa.Column("subject", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.BigInteger(), nullable=False),
            sa.Column("last_seen", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("id_hash"),
        )
        op.create_index(f"ix_{prefix}_sessions_subject", f"{prefix}_sessions", ["subject"])
    if not _exists(op, f"{prefix}_sign_in_attempts"):
        op.create_table(
            f"{prefix}_sign_in_attempts",
            sa.Column("key_hash", sa.String(length=64), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("last_failure", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("key_hash"),
        )


def drop_session_tables(op, prefix: str) -> None:
    op.drop_table(f"{prefix}_sign_in_attempts")
    op.drop_table(f"{prefix}_sessions")
