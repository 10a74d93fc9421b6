"""Server-side sessions and sign-in throttling counters, shared by every worker

``issuer_sessions``: one row per signed-in browser (the cookie holds only a random id), so
signing out, a password change or "sign out everywhere" ends a session for good.
``issuer_sign_in_attempts``: failed sign-ins per (account, place) and per address.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

from passport_web.migration_ops import create_session_tables, drop_session_tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_session_tables(op, "issuer")


def downgrade() -> None:
    drop_session_tables(op, "issuer")
