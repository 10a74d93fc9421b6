"""Alembic environment for the verifier's tables (Alembic tutorial: env.py).

Run by ``passport_vc.integrations.sql.migrate`` at start-up, which hands over a connection that
already holds the migration lock (``config.attributes["connection"]``). Run by hand, e.g.
``alembic -c verifier/migrations/alembic.ini revision --autogenerate -m "..."``, it connects to the
database given by ``-x url=...``, else the one the service itself would use (its settings).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from passport_vc.integrations.sql import normalise_url, owned_by, render_item, version_table
from verifier.storage import metadata

SERVICE = "verifier"
config = context.config


def _configure(**options) -> None:
    context.configure(
        target_metadata=metadata,
        version_table=version_table(SERVICE),
        include_object=owned_by(metadata),
        render_item=render_item,
        render_as_batch=True,  # SQLite can only ALTER by copying the table: batch mode does that
        compare_type=True,
        **options,
    )


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url") or context.get_x_argument(True).get("url")
    if url:
        return normalise_url(url)
    from verifier.config import VerifierConfig

    return normalise_url(VerifierConfig.from_env().database_url)


def run_offline() -> None:
    """``alembic upgrade head --sql``: print the SQL instead of running it."""
    _configure(url=_database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_database_url())
    try:
        with engine.begin() as connection:
            _configure(connection=connection)
            context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
