"""Master-key rotation for a service's sealed private keys (docs/deploy.md "Keys").

Every sealed key in the table is opened with the old master key and sealed again under the new
one, in ONE transaction: either every row moves to the new key or none does, so a failure half
way never leaves a mixture that neither key opens.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Table, select, update

from passport_vc.keys.storage import reseal_private_key

from .sql import Database


def reseal_all(database: Database, table: Table, *, sealed_column: str, context_column: str,
               old_master: bytes, new_master: bytes,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Re-seal every non-empty ``sealed_column`` of ``table``; returns how many keys moved."""
    if old_master == new_master:
        from passport_vc.errors import ConfigError

        raise ConfigError("The new master key is the same as the current one")
    sealed, context = table.c[sealed_column], table.c[context_column]
    key_columns = list(table.primary_key.columns)
    with database.transaction() as session:
        rows = session.execute(select(*key_columns, sealed, context)
                               .where(sealed.is_not(None)).with_for_update()).all()
        for number, row in enumerate(rows, 1):
            if not row[-2]:
                continue
            fresh = reseal_private_key(row[-2], old_master, new_master, context=row[-1])
            condition = [column == row[i] for i, column in enumerate(key_columns)]
            session.execute(update(table).where(*condition).values({sealed_column: fresh}))
            if progress:
                progress(number, len(rows))
    return len([row for row in rows if row[-2]])
