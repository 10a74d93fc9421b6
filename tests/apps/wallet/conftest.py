"""Fixtures for the wallet tests: a fixed clock, an injected network, a did:key provider that
signs real credentials, and the app over SQLite and PostgreSQL (``database_url``)."""

from __future__ import annotations

import pytest
from wallet_support import FakeNetwork, Provider

from passport_vc.clock import fixed_clock
from wallet import create_app
from wallet.config import WalletConfig


@pytest.fixture
def clock(now):
    return fixed_clock(now)


@pytest.fixture
def network(clock):
    return FakeNetwork(clock)


@pytest.fixture
def provider(network):
    return Provider(network)


@pytest.fixture
def app(database_url, clock, network):
    app = create_app(WalletConfig.for_tests(database_url, clock=clock), network=network)
    yield app
    app.extensions["wallet"].db.dispose()


@pytest.fixture
def service(app):
    return app.extensions["wallet"]


@pytest.fixture
def sqlite_app(sqlite_url, clock, network):
    app = create_app(WalletConfig.for_tests(sqlite_url, clock=clock), network=network)
    yield app
    app.extensions["wallet"].db.dispose()
