"""Signed documents compressed with lz4 on PostgreSQL

PostgreSQL compresses large text with pglz by default; lz4 (PostgreSQL 14 and later, when the
server has it) stores the signed credentials in the same space and writes them over twice as
fast, which is most of a bulk import's time in the database. Rows already stored keep their
pglz compression until rewritten; both are read alike. Nothing changes on SQLite.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from issuer.storage import LZ4_COLUMNS, use_lz4

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().as_sql:  # offline (--sql): no server to ask whether it has lz4
        return
    use_lz4(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if op.get_context().as_sql or bind.dialect.name != "postgresql":
        return
    for table, columns in LZ4_COLUMNS.items():
        op.execute(f"ALTER TABLE {table} "
                   + ", ".join(f"ALTER COLUMN {name} SET COMPRESSION DEFAULT" for name in columns))
