"""Storage plumbing shared by the services: one engine per database URL, one transaction per unit
of work, and the Alembic migrations that make and change each service's tables. SQLite by default
(a file in the instance folder), PostgreSQL through ``DATABASE_URL``.

Every write in a service goes through ``Database.transaction()``: it commits at the end or rolls
back completely, so a crash mid-request never leaves half-written state.

Migrations (Alembic, https://alembic.sqlalchemy.org/): each service keeps its scripts in
``<service>/migrations/`` (env.py, versions/) and records its revision in its own version table,
``<service>_alembic_version``, so the three services can share one PostgreSQL database.
``Database.upgrade("issuer")`` runs ``alembic upgrade head`` at start-up and in
``passport <service> init``:

- several gunicorn workers starting at once queue on a lock (PostgreSQL: a transaction-level
  advisory lock per service; SQLite: the database write lock taken by ``BEGIN IMMEDIATE``) and the
  whole upgrade is one transaction, so the later workers find the work done;
- a database made before migrations existed (tables made by ``create_all``, no version table) is
  adopted: it is stamped with the initial revision, then upgraded as usual.

For a new revision after changing a ``storage.py``:
``alembic -c <service>/migrations/alembic.ini revision --autogenerate -m "what changed"``
(against an up-to-date database named by the service's DATABASE_URL), then read and tidy it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, MetaData, TypeDecorator, create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from passport_vc.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_FOLDER = "migrations"


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste (``postgres://``, ``postgresql://``) and pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith(("sqlite:", "postgresql+psycopg:")):
        return url
    raise ConfigError(f"DATABASE_URL must be a sqlite: or postgresql: URL, not {url.split(':')[0]}")


def sqlite_url(path: Path) -> str:
    """The URL of a database file, made first (empty) so only its owner can read it; SQLite
    gives its -wal and -shm files the same permissions."""
    if not path.exists():
        from .settings import write_private

        write_private(path, b"")
    return f"sqlite:///{path}"


def _use_wal(cursor) -> None:
    """Switch to write-ahead logging. The switch needs a moment's exclusive lock and SQLite does
    not wait for it (busy_timeout does not apply), so workers opening a new database together
    try again for a while."""
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.1)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite:"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class Database:
    """An engine and a session factory; ``transaction()`` is the unit of work."""

    def __init__(self, url: str, metadata: MetaData) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.metadata = metadata
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite:")

    def upgrade(self, package: str) -> None:
        """Bring the tables up to date with ``<package>/migrations`` (``alembic upgrade head``)."""
        migrate(self, package)

    def create_all(self) -> None:
        """Create missing tables straight from the metadata, without migrations: only for tests
        that need a bare table. The services use ``upgrade``."""
        self.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        self.metadata.drop_all(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


# --- migrations ---------------------------------------------------------------------------------
def version_table(package: str) -> str:
    """Each service records its own revision, so services sharing a database never collide."""
    return f"{package}_alembic_version"


def owned_by(metadata: MetaData) -> Callable[..., bool]:
    """Alembic ``include_object`` hook: look only at this service's tables, so autogenerate and
    ``compare_metadata`` never offer to drop another service's tables in a shared database."""
    def include(_object, name, type_, reflected, _compare_to) -> bool:
        if type_ == "table":
            return name in metadata.tables
        return True
    return include


def render_item(type_: str, obj: object, _autogen_context) -> str | bool:
    """Alembic ``render_item`` hook: write a project TypeDecorator (e.g. a UTC datetime) as the
    plain SQLAlchemy type it stores, so revisions never import a service's storage module."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def migrations_config(database: Database, folder: Path) -> Config:
    """An Alembic Config built in code (no alembic.ini): scripts in ``folder``, this database.
    The version table and the target metadata are named by the service's env.py."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(folder))
    # ConfigParser treats % as interpolation; URLs carry %-escapes (search_path options, passwords)
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    return config


@contextmanager
def _migrations_folder(package: str) -> Iterator[Path]:
    with as_file(files(package) / MIGRATIONS_FOLDER) as folder:
        if not (Path(folder) / "env.py").is_file():
            raise ConfigError(f"The {package} service has no database migrations in {folder}")
        yield Path(folder)


def _lock_key(package: str) -> int:
    """A stable signed 64-bit key for pg_advisory_xact_lock, one per service."""
    digest = hashlib.sha256(f"passport-vc migrations {package}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _migration_engine(database: Database) -> Engine:
    """The engine the upgrade runs on. PostgreSQL: the service's own. SQLite file: a separate one
    whose transactions start with BEGIN IMMEDIATE, so the whole upgrade holds the write lock
    (other workers wait up to busy_timeout) and its DDL commits or rolls back as one. Foreign keys
    stay off there: Alembic's batch ALTER copies and drops tables, which SQLite's documented
    12-step ALTER procedure does with foreign key enforcement off."""
    if not database.is_sqlite or _is_memory(database.url):
        return database.engine
    engine = create_engine(database.url, poolclass=NullPool,
                           connect_args={"check_same_thread": False, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        _use_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _is_memory(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url


@contextmanager
def _locked_connection(database: Database, package: str) -> Iterator[Connection]:
    """One transaction holding the per-service migration lock until it commits."""
    engine = _migration_engine(database)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": _lock_key(package)})
            yield connection
    finally:
        if engine is not database.engine:
            engine.dispose()


def _made_before_migrations(connection: Connection, metadata: MetaData, package: str) -> bool:
    names = set(inspect(connection).get_table_names())
    return version_table(package) not in names and bool(names & set(metadata.tables))


def _missing_tables(connection: Connection, metadata: MetaData) -> list[str]:
    names = set(inspect(connection).get_table_names())
    return sorted(set(metadata.tables) - names)


def migrate(database: Database, package: str, revision: str = "head") -> None:
    """``alembic upgrade <revision>`` for the service ``package`` (default: the newest), under the
    service's migration lock, adopting a database made by ``create_all`` first."""
    from alembic import command
    from alembic.script import ScriptDirectory

    with _migrations_folder(package) as folder, _locked_connection(database, package) as connection:
        config = migrations_config(database, folder)
        config.attributes["connection"] = connection
        if _made_before_migrations(connection, database.metadata, package):
            initial = ScriptDirectory.from_config(config).get_base()
            command.stamp(config, initial)
            command.upgrade(config, revision)
            missing = _missing_tables(connection, database.metadata)
            if missing and revision == "head":
                raise ConfigError(
                    f"The {package} database was made by an older version and cannot be brought "
                    f"up to date: these tables are missing: {', '.join(missing)}. "
                    "Start with a new, empty database.")
            return
        command.upgrade(config, revision)


def downgrade(database: Database, package: str, revision: str = "base") -> None:
    """``alembic downgrade <revision>`` (default: remove every table the migrations made)."""
    from alembic import command

    with _migrations_folder(package) as folder, _locked_connection(database, package) as connection:
        config = migrations_config(database, folder)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def head_revision(package: str) -> str:
    """The newest revision in ``<package>/migrations``: what ``upgrade`` brings a database to."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    with _migrations_folder(package) as folder:
        config = Config()
        config.set_main_option("script_location", str(folder))
        return ScriptDirectory.from_config(config).get_current_head()


def current_revision(database: Database, package: str) -> str | None:
    """The revision the database is at, or None for a database migrations never touched."""
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": version_table(package)})
        return context.get_current_revision()


def schema_differences(database: Database, package: str) -> list:
    """What autogenerate would change to make the database match the metadata (Alembic
    ``compare_metadata``); empty when the migrations are true to ``storage.py``."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "version_table": version_table(package), "compare_type": True,
            "compare_server_default": True, "include_object": owned_by(database.metadata)})
        return compare_metadata(context, database.metadata)
