"""Alembic migrations of the three services (passport_web/sql.py, <svc>/migrations/).

Each test runs on SQLite and PostgreSQL. The comparison with ``compare_metadata`` is what keeps
the migrations true to each ``storage.py``: a table or column added there without a revision
makes ``test_upgrade_gives_the_tables_storage_describes`` fail.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from passport_vc.errors import ConfigError
from passport_web.sql import (
    Database,
    current_revision,
    downgrade,
    head_revision,
    migrate,
    schema_differences,
    version_table,
)

SERVICES = ["issuer", "wallet", "verifier"]


def _database(url: str, service: str) -> Database:
    return Database(url, importlib.import_module(f"{service}.storage").metadata)


def _tables(database: Database) -> set[str]:
    return set(sa.inspect(database.engine).get_table_names())


@pytest.fixture(params=SERVICES)
def service(request):
    return request.param


def test_upgrade_gives_the_tables_storage_describes(database_url, service):
    database = _database(database_url, service)
    try:
        database.upgrade(service)
        assert schema_differences(database, service) == []
        assert current_revision(database, service) == head_revision(service)
        assert set(database.metadata.tables) | {version_table(service)} == _tables(database)
        database.upgrade(service)  # a second start finds nothing to do
        assert current_revision(database, service) == head_revision(service)
    finally:
        database.dispose()


def test_downgrade_to_base_then_upgrade_again(database_url, service):
    database = _database(database_url, service)
    try:
        database.upgrade(service)
        downgrade(database, service)
        assert _tables(database) == {version_table(service)}
        assert current_revision(database, service) is None
        missing = {diff[1].name for diff in schema_differences(database, service)
                   if diff[0] == "add_table"}
        assert missing == set(database.metadata.tables)
        database.upgrade(service)
        assert schema_differences(database, service) == []
        assert current_revision(database, service) == head_revision(service)
    finally:
        database.dispose()


def test_database_made_by_create_all_is_adopted(database_url, service):
    database = _database(database_url, service)
    try:
        database.create_all()
        assert version_table(service) not in _tables(database)
        first = next(iter(database.metadata.sorted_tables))
        row = _sample_row(first)
        with database.transaction() as session:
            session.execute(first.insert().values(**row))
        database.upgrade(service)
        assert current_revision(database, service) == head_revision(service)
        assert schema_differences(database, service) == []
        with database.reading() as session:
            assert session.execute(sa.select(sa.func.count()).select_from(first)).scalar() == 1
    finally:
        database.dispose()


def test_wallet_made_by_create_all_before_passkeys_gets_them(database_url):
    database = _database(database_url, "wallet")
    try:
        older = [table for name, table in database.metadata.tables.items()
                 if "passkey" not in name]
        database.metadata.create_all(database.engine, tables=older)
        database.upgrade("wallet")
        assert {"wallet_passkeys", "wallet_passkey_challenges"} <= _tables(database)
        assert schema_differences(database, "wallet") == []
        assert current_revision(database, "wallet") == head_revision("wallet")
    finally:
        database.dispose()


def test_database_with_only_some_tables_is_refused_and_left_alone(database_url):
    database = _database(database_url, "verifier")
    try:
        organisations = database.metadata.tables["verifier_organisations"]
        database.metadata.create_all(database.engine, tables=[organisations])
        with pytest.raises(ConfigError, match="verifier_users") as caught:
            database.upgrade("verifier")
        assert "new, empty database" in caught.value.detail
        assert _tables(database) == {"verifier_organisations"}
    finally:
        database.dispose()


def test_workers_starting_together_all_succeed(database_url, service):
    """Three gunicorn workers' first start: each its own engine, all upgrading at once."""
    databases = [_database(database_url, service) for _ in range(3)]
    start = threading.Barrier(len(databases))
    failures: list[BaseException] = []

    def worker(database: Database) -> None:
        start.wait()
        try:
            migrate(database, service)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(database,)) for database in databases]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)  # a guard against a hang, not a timing assertion
        assert not any(thread.is_alive() for thread in threads)
        assert failures == []
        assert current_revision(databases[0], service) == head_revision(service)
        assert schema_differences(databases[0], service) == []
        with databases[0].reading() as session:
            versions = session.execute(
                sa.text(f"SELECT version_num FROM {version_table(service)}")).scalars().all()
        assert versions == [head_revision(service)]
    finally:
        for database in databases:
            database.dispose()


_WORKER = """
import pathlib, sys, time
from passport_web.sql import Database, migrate
from issuer.storage import metadata

folder, number, url = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
database = Database(url, metadata)
(folder / f"ready-{number}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
migrate(database, "issuer")
"""


def test_worker_processes_starting_together_all_succeed(database_url, tmp_path):
    """Like gunicorn: separate processes (Alembic's module-level context is per process)."""
    command = [sys.executable, "-c", _WORKER, str(tmp_path)]
    workers = [subprocess.Popen([*command, str(number), database_url],  # noqa: S603
                                stderr=subprocess.PIPE, text=True) for number in range(3)]
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready-*"))) < len(workers):
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(worker.poll() is None for worker in workers)
            time.sleep(0.05)
        (tmp_path / "go").touch()
        errors = [worker.communicate(timeout=120)[1] for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0, 0], errors
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    database = _database(database_url, "issuer")
    try:
        assert current_revision(database, "issuer") == head_revision("issuer")
        assert schema_differences(database, "issuer") == []
    finally:
        database.dispose()


def test_services_sharing_one_database_keep_their_own_versions(database_url):
    databases = [_database(database_url, service) for service in SERVICES]
    try:
        for database, service in zip(databases, SERVICES, strict=True):
            database.upgrade(service)
        for database, service in zip(databases, SERVICES, strict=True):
            assert current_revision(database, service) == head_revision(service)
            assert schema_differences(database, service) == []
        downgrade(databases[1], "wallet")
        remaining = _tables(databases[0])
        assert not any(name.startswith("wallet_") and name != version_table("wallet")
                       for name in remaining)
        assert set(databases[0].metadata.tables) <= remaining
        assert set(databases[2].metadata.tables) <= remaining
    finally:
        for database in databases:
            database.dispose()


def _sample_row(table: sa.Table) -> dict:
    """Values for every required column of ``table``, enough for one insert."""
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    row = {}
    for column in table.columns:
        if column.nullable or (column.primary_key and column.autoincrement is True):
            continue
        python_type = getattr(column.type, "impl_instance", column.type).python_type
        if python_type is datetime:
            row[column.name] = now
        elif python_type is int:
            row[column.name] = 1
        elif python_type is bytes:
            row[column.name] = b"\x00"
        elif python_type is bool:
            row[column.name] = False
        else:
            row[column.name] = "x"
    return row


def _compression(database: Database) -> dict[str, str | None]:
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'issuer_records'::regclass AND attname IN "
            "('document', 'holder_document', 'details')").all()
    return {name: (method or None) for name, method in rows}


@pytest.mark.parametrize("made_by", ["migrations", "create_all", "downgrade"])
def test_signed_documents_are_compressed_with_lz4_on_postgresql(database_url, made_by):
    database = _database(database_url, "issuer")
    if not database_url.startswith("postgresql"):
        # SQLite has no compression methods: the migration and the table hook change nothing
        try:
            database.upgrade("issuer")
            from issuer.storage import use_lz4
            with database.engine.begin() as connection:
                use_lz4(connection)
            assert schema_differences(database, "issuer") == []
        finally:
            database.dispose()
        return
    try:
        if made_by == "create_all":
            database.create_all()
        else:
            database.upgrade("issuer")
        if made_by == "downgrade":
            downgrade(database, "issuer", "0004")
            assert _compression(database) == {"document": None, "holder_document": None,
                                              "details": None}
            database.upgrade("issuer")
        # 'l' is lz4 in pg_attribute; the small JSON details keep the server's default
        assert _compression(database) == {"document": "l", "holder_document": "l",
                                          "details": None}
    finally:
        database.dispose()
