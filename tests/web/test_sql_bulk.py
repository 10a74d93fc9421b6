"""insert_many stores exactly what ``session.execute(insert(table), rows)`` stores, on SQLite and
PostgreSQL: the same values read back, the same stored text for dates and times, database
defaults and ids, Python-side defaults (through the ordinary path), and nothing at all when the
transaction fails."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from issuer.storage import metadata as issuer_metadata
from issuer.storage import status_indexes
from passport_web.sql import Database
from passport_web.sql_bulk import insert_many

metadata = MetaData()


def _table(name: str) -> Table:
    return Table(name, metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("label", String(40), nullable=False),
                 Column("body", Text),
                 Column("day", Date),
                 Column("at", DateTime(timezone=True)),
                 Column("blob", LargeBinary),
                 Column("flag", Boolean),
                 Column("count", Integer, server_default="7"))


ORDINARY, BULK = _table("t_ordinary"), _table("t_bulk")
WITH_DEFAULT = Table("t_default", metadata,
                     Column("id", Integer, primary_key=True, autoincrement=True),
                     Column("label", String(40), nullable=False),
                     Column("tries", Integer, nullable=False, default=3))


def _rows() -> list[dict]:
    # tabs, line ends and backslashes: what COPY's text format must escape (PostgreSQL)
    return [{"label": f"row {n}", "body": "é 한 \U0001f600 it's 50% \"quoted\"\t\\N\r\n\\."
             * (n % 3),
             "day": date(2026, 1, 1) + timedelta(days=n) if n % 4 else None,
             "at": datetime(2026, 11, 24, 12, n, 30, 123456, tzinfo=UTC) if n % 5 else None,
             "blob": bytes([n, 0, 255]) if n % 2 else None, "flag": n % 3 == 0}
            for n in range(23)]


@pytest.fixture
def database(database_url):
    db = Database(database_url, metadata)
    db.create_all()
    yield db
    db.dispose()


def _read(db: Database, table: Table) -> list[tuple]:
    with db.reading() as session:
        return [tuple(row)[1:] for row in session.execute(select(table).order_by(table.c.id))]


def test_the_same_rows_as_an_ordinary_insert(database):
    with database.transaction() as session:
        session.execute(insert(ORDINARY), _rows())
        insert_many(session, BULK, _rows())
    ordinary, bulk = _read(database, ORDINARY), _read(database, BULK)
    assert bulk == ordinary
    assert len(bulk) == 23 and all(row[-1] == 7 for row in bulk)  # the database's default
    assert bulk[1][3] == datetime(2026, 11, 24, 12, 1, 30, 123456, tzinfo=UTC) \
        or bulk[1][3] == datetime(2026, 11, 24, 12, 1, 30, 123456)  # SQLite keeps no zone
    with database.reading() as session:  # and the same text or values in the columns
        raw = [session.execute(text(f"SELECT day, at, flag FROM {name} ORDER BY id")).all()
               for name in ("t_ordinary", "t_bulk")]
    assert raw[0] == raw[1]


def test_a_zone_other_than_utc_is_stored_as_insert_stores_it(database):
    moment = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    with database.transaction() as session:
        session.execute(insert(ORDINARY), [{"label": "a", "at": moment}])
        insert_many(session, BULK, [{"label": "a", "at": moment}])
    assert _read(database, BULK) == _read(database, ORDINARY)


def test_python_side_defaults_take_the_ordinary_path(database):
    with database.transaction() as session:
        insert_many(session, WITH_DEFAULT, [{"label": "a"}, {"label": "b"}])
        insert_many(session, WITH_DEFAULT, [{"label": "c", "tries": 1}])
    assert _read(database, WITH_DEFAULT) == [("a", 3), ("b", 3), ("c", 1)]


def test_rows_with_other_columns_are_refused_and_nothing_is_kept(database):
    with pytest.raises(ValueError, match="same columns"):
        with database.transaction() as session:
            insert_many(session, BULK, _rows()[:3])
            insert_many(session, BULK, [{"label": "a"}, {"label": "b", "body": "x"}])
    assert _read(database, BULK) == []
    with database.transaction() as session:
        insert_many(session, BULK, [])
    assert _read(database, BULK) == []


def test_the_database_refuses_a_repeated_key_and_the_batch_is_undone(database_url):
    """status_indexes' primary key still refuses a reused index (issue 14: never reused)."""
    db = Database(database_url, issuer_metadata)
    db.create_all()
    try:
        from issuer.storage import providers, status_lists

        with db.transaction() as session:
            session.execute(insert(providers).values(
                id=1, slug="p", name="P", did="did:web:p.example", curve="Ed25519",
                created_at=datetime(2026, 1, 1, tzinfo=UTC)))
            session.execute(insert(status_lists).values(
                id=1, provider_id=1, purpose="message", list_no=1, size=8, bits=b"\0" * 2,
                allocated=b"\0", used=0, version=1, updated_at=datetime(2026, 1, 1, tzinfo=UTC)))
        with pytest.raises(IntegrityError, match="(?i)unique|duplicate"):
            with db.transaction() as session:
                insert_many(session, status_indexes, [{"list_id": 1, "idx": 3},
                                                     {"list_id": 1, "idx": 3}])
        with db.reading() as session:
            assert session.execute(select(func.count()).select_from(status_indexes)).scalar() == 0
    finally:
        db.dispose()
