"""Fixtures shared by every test folder: databases (SQLite and PostgreSQL), a fixed clock."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime

import pytest

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL",
                                   "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _postgres_schema_url(base: str):
    """A fresh schema per test, so tests never see each other's rows; dropped afterwards."""
    import psycopg

    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return url, drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each storage test runs twice: on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url, drop = _postgres_schema_url(TEST_DATABASE_URL)
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def now():
    return NOW
