"""Many rows into one table: ``session.execute(insert(table), rows)`` without SQLAlchemy's
per-row statement machinery.

For each row of an executemany, SQLAlchemy builds the compiled statement's parameters anew
(every key looked up, every value through its type); in a 10,000-credential import that was
about 3 % of every instruction (callgrind: 2.59 M → 2.51 M per stored credential). Here the
SQL is written once per table and column list, each column's own
bind processor for this database converts its values (the same conversion ``insert()`` does:
dates and times as SQLite stores them, native values for PostgreSQL), and the driver receives
one executemany. Tables with Python-side column defaults take the ordinary path, which applies
them; the database's own defaults and autoincrement ids apply either way.

On PostgreSQL (psycopg) the rows go in with ``COPY … FROM STDIN`` instead, which its manual
recommends for loading many rows: no statement per row for the server to parse, plan and run
(a 10,000-credential import waited on the server for over a quarter of its time). Constraints,
defaults and the transaction are the same; an error comes back as SQLAlchemy's own exception
(a repeated key as ``IntegrityError``), as from an INSERT.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from sqlalchemy import Table, exc, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

# How each DB-API paramstyle writes the n-th parameter (named ones are called p0, p1, …).
_MARKERS: dict[str, Callable[[int], str]] = {
    "qmark": lambda n: "?", "format": lambda n: "%s", "numeric": lambda n: f":{n + 1}",
    "named": lambda n: f":p{n}", "pyformat": lambda n: f"%(p{n})s"}


@lru_cache(maxsize=64)
def _plan(table: Table, names: tuple[str, ...], dialect: Dialect
          ) -> tuple[str, tuple[tuple[int, Callable], ...], bool] | None:
    """(SQL, (position, bind processor) for the columns that convert, keyed parameters?), or
    None when a column left out has a Python-side default (the ordinary insert applies it)."""
    if any(column.default is not None for column in table.columns if column.name not in names):
        return None
    style = dialect.paramstyle
    if style not in _MARKERS:
        return None
    preparer = dialect.identifier_preparer
    # Names come from the table's own metadata, quoted by the dialect; values only as parameters.
    sql = (f"INSERT INTO {preparer.format_table(table)} "  # noqa: S608
           f"({', '.join(preparer.quote(name) for name in names)}) "
           f"VALUES ({', '.join(_MARKERS[style](n) for n in range(len(names)))})")
    processors = []
    for position, name in enumerate(names):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((position, process))
    return sql, tuple(processors), style in ("named", "pyformat")


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, object]]) -> None:
    """Insert ``rows`` (each with the same keys, column names of ``table``) in the session's
    transaction."""
    if not rows:
        return
    names = tuple(rows[0])
    connection = session.connection()
    plan = _plan(table, names, connection.dialect)
    if plan is None:
        session.execute(insert(table), list(rows))
        return
    sql, processors, keyed = plan
    copying = connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"
    size = len(names)
    parameters: list = []
    for row in rows:
        if len(row) != size:
            raise ValueError(f"every row inserted into {table.name} needs the same columns")
        values = [row[name] for name in names]
        for position, process in processors:
            if values[position] is not None:
                values[position] = process(values[position])
        parameters.append({f"p{n}": value for n, value in enumerate(values)}
                          if keyed and not copying else tuple(values))
    if copying:
        _copy(connection, table, names, parameters)
    else:
        connection.exec_driver_sql(sql, parameters)


def _copy(connection: Connection, table: Table, names: tuple[str, ...],
          rows: list[tuple]) -> None:
    """PostgreSQL's COPY through psycopg, in the connection's open transaction."""
    import psycopg

    preparer = connection.dialect.identifier_preparer
    statement = (f"COPY {preparer.format_table(table)} "
                 f"({', '.join(preparer.quote(name) for name in names)}) FROM STDIN")
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:
        raise exc.DBAPIError.instance(statement, None, error, psycopg.Error,
                                      dialect=connection.dialect) from error
