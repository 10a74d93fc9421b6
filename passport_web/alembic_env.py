"""The one Alembic environment the three services share (Alembic tutorial: env.py).

Each ``<service>/migrations/env.py`` only calls ``run_migrations(service, metadata, config_class)``.
Run by ``passport_web.sql.migrate`` at start-up, which hands over a connection that
already holds the migration lock (``config.attributes["connection"]``). Run by hand, e.g.
``alembic -c issuer/migrations/alembic.ini revision --autogenerate -m "..."``, it connects to the
database given by ``-x url=...``, else the one the service itself would use (its settings).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine

from .sql import normalise_url, owned_by, render_item, version_table


def run_migrations(service: str, metadata: MetaData, config_class) -> None:
    config = context.config

    def configure(**options) -> None:
        context.configure(
            target_metadata=metadata,
            version_table=version_table(service),
            include_object=owned_by(metadata),
            render_item=render_item,
            render_as_batch=True,  # SQLite can only ALTER by copying the table: batch does that
            compare_type=True,
            **options,
        )

    def database_url() -> str:
        url = config.get_main_option("sqlalchemy.url") or context.get_x_argument(True).get("url")
        return normalise_url(url or config_class.from_env().database_url)

    if context.is_offline_mode():  # ``alembic upgrade head --sql``: print the SQL instead
        configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(database_url())
    try:
        with engine.begin() as connection:
            configure(connection=connection)
            context.run_migrations()
    finally:
        engine.dispose()
