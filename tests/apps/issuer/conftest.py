"""Fixtures for the issuer tests: a service or app over a real database (SQLite and PostgreSQL
through ``database_url``), a fixed clock, and a verifier that reads the issuer's published DID
documents and status lists through the Flask test client (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class MovableClock:
    """A clock the test moves forward (expiry tests) — injected, never patched."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class ClientFetcher:
    """passport_vc.fetch.Fetcher over a Flask test client: what the issuer serves, no sockets."""

    def __init__(self, client, clock) -> None:
        self.client, self.clock = client, clock
        self.requests: list[str] = []

    def get(self, url: str, *, accept: str | None = None):
        from urllib.parse import urlsplit

        from passport_vc.errors import FetchError
        from passport_vc.fetch import Fetched

        self.requests.append(url)
        response = self.client.get(urlsplit(url).path)
        if response.status_code != 200:
            raise FetchError(f"{url} answered {response.status_code}",
                             status=response.status_code)
        return Fetched(url=url, body=response.data, content_type=response.mimetype,
                       fetched_at=self.clock(), etag=response.headers.get("ETag"))


@pytest.fixture
def fetcher_for():
    """fetcher_for(client, clock) -> a Fetcher reading what that issuer app serves."""
    return ClientFetcher


@pytest.fixture
def clock():
    return MovableClock()


@pytest.fixture
def config(database_url, tmp_path, clock):
    from issuer.config import IssuerConfig

    return IssuerConfig.for_tests(database_url, tmp_path, clock=clock)


@pytest.fixture
def app(config):
    from issuer import create_app

    application = create_app(config)
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
    application.extensions["issuer"].db.dispose()


@pytest.fixture
def service(app):
    return app.extensions["issuer"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def acme(service):
    return service.providers.create_provider("Acme Care Training", "acme")


@pytest.fixture
def verifier(app, service, clock):
    """A core Verifier that trusts only what this issuer published."""
    from passport_vc.did import default_resolver
    from passport_vc.verify import Verifier
    from schemas import schema_store

    fetcher = ClientFetcher(app.test_client(), clock)
    return Verifier(resolver=default_resolver(did_documents_dir=service.config.did_documents_dir),
                    fetch=fetcher, clock=clock, schemas=schema_store())


@pytest.fixture
def holder():
    """A worker's wallet key (did:key, Ed25519) made in the test."""
    from passport_vc.did import did_key_from_public_key, verification_method_for
    from passport_vc.keys import PrivateKey

    key = PrivateKey.generate("Ed25519")
    did = did_key_from_public_key(key.public_key)
    return key, did, verification_method_for(did)


@pytest.fixture
def login(service):
    """login(client, slug, email, role=…): make a staff account and sign the client in."""
    def sign_in(client, slug: str, email: str, *, role: str = "admin"):
        user = service.access.create_user(slug, email, PASSWORD, role)
        response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.data
        return user
    return sign_in


PASSWORD = "correct horse battery"
