"""Rate limits on the issuer's programmatic endpoints (issuer/ratelimit.py): a fixed window
counted in the database. /api/v1 per API token → 429 problem+json with Retry-After; OpenID4VCI
/token and /credential per client address → 429 with an RFC 6749 ``invalid_request`` object.
Limits hold across workers (two apps over one database) and under concurrent requests; every
429 matches issuer/openapi.json. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from issuer import create_app
from issuer.config import IssuerConfig
from issuer.ratelimit import RateLimiter, wait_words
from issuer.storage import rate_limits
from passport_vc.errors import ConfigError
from passport_vc.oid4vci import PRE_AUTHORIZED_GRANT
from passport_web.openapi import load_openapi
from tests.support.openapi import ResponseChecker

SEARCH = "/api/v1/credentials"


@pytest.fixture(scope="module")
def checker():
    return ResponseChecker(load_openapi("issuer"))


@pytest.fixture
def make_app(config):
    made = []

    def build(**changes):
        application = create_app(replace(config, **changes))
        application.config["WTF_CSRF_ENABLED"] = False
        made.append(application)
        return application
    yield build
    for application in made:
        application.extensions["issuer"].db.dispose()


def _token(application, slug: str = "acme", name: str = "Learning system") -> dict:
    service = application.extensions["issuer"]
    if slug not in {provider.slug for provider in service.providers.list_providers()}:
        service.providers.create_provider(f"{slug.title()} Care Training", slug)
    return {"Authorization": "Bearer " + service.access.create_api_token(slug, name)[1]}


def _stored_rows(application) -> int:
    with application.extensions["issuer"].db.reading() as session:
        return session.execute(select(func.count()).select_from(rate_limits)).scalar()


# --- the JSON API: per token -------------------------------------------------------------------
def test_api_token_over_its_limit_gets_429_problem_with_retry_after(make_app, clock, checker):
    application = make_app(api_rate_limit=3)
    client = application.test_client()
    auth = _token(application)
    for _ in range(3):
        response = client.get(SEARCH, headers=auth)
        assert response.status_code == 200
    clock.advance(seconds=45)
    refused = client.get(SEARCH, headers=auth)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "15"  # the window started at 12:00:00
    assert refused.json["status"] == 429
    assert refused.json["detail"] == ("This API token has sent too many requests. Wait 15 "
                                      "seconds and try again.")
    assert checker.check_flask("GET", SEARCH, refused) == []
    # a write is refused too, and nothing is issued
    issue = {"course": "fire-safety", "subject_name": "Sam Taylor", "completed": "2026-01-02"}
    blocked = client.post(SEARCH, json=issue, headers=auth)
    assert blocked.status_code == 429
    assert checker.check_flask("POST", SEARCH, blocked) == []
    assert application.extensions["issuer"].register.counts("acme")["total"] == 0
    clock.advance(seconds=15)  # the next window
    assert client.post(SEARCH, json=issue, headers=auth).status_code == 201


def test_each_api_token_has_its_own_budget(make_app):
    application = make_app(api_rate_limit=2)
    client = application.test_client()
    first, second = _token(application), _token(application, name="Second system")
    other_provider = _token(application, "bright")
    for _ in range(2):
        assert client.get(SEARCH, headers=first).status_code == 200
    assert client.get(SEARCH, headers=first).status_code == 429
    assert client.get(SEARCH, headers=second).status_code == 200
    assert client.get(SEARCH, headers=other_provider).status_code == 200


def test_requests_without_a_valid_token_are_401_and_not_counted(make_app):
    application = make_app(api_rate_limit=2)
    client = application.test_client()
    for headers in ({}, {"Authorization": "Bearer spi_not-a-real-token"},
                    {"Authorization": "Basic abc"}) * 2:
        response = client.get(SEARCH, headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
    assert _stored_rows(application) == 0
    auth = _token(application)
    assert [client.get(SEARCH, headers=auth).status_code for _ in range(3)] == [200, 200, 429]


def test_every_api_operation_is_limited(make_app, checker):
    application = make_app(api_rate_limit=1)
    client = application.test_client()
    auth = _token(application)
    record = application.extensions["issuer"].issuance.issue(
        "acme", "fire-safety", subject_name="Sam Taylor",
        completed=date(2026, 1, 2))
    assert client.get(f"/api/v1/credentials/{record.id}", headers=auth).status_code == 200
    calls = [("GET", "/api/v1/credentials/{record_id}", f"/api/v1/credentials/{record.id}", None),
             ("POST", "/api/v1/credentials/{record_id}/revoke",
              f"/api/v1/credentials/{record.id}/revoke", {"reason": "Issued in error"}),
             ("POST", "/api/v1/credentials/{record_id}/offers",
              f"/api/v1/credentials/{record.id}/offers", {})]
    for method, template, path, body in calls:
        response = client.open(path, method=method, json=body, headers=auth)
        assert response.status_code == 429, path
        assert response.headers["Retry-After"] == "60"
        assert checker.check_flask(method, template, response) == []
    assert application.extensions["issuer"].register.record(record.id).state == "active"


def test_the_limit_is_shared_by_workers_over_one_database(make_app):
    """Two apps over the same database stand for two gunicorn workers."""
    worker_one = make_app(api_rate_limit=4)
    worker_two = make_app(api_rate_limit=4)
    auth = _token(worker_one)
    one, two = worker_one.test_client(), worker_two.test_client()
    answers = [client.get(SEARCH, headers=auth).status_code
               for client in (one, two, one, two, one, two)]
    assert answers == [200, 200, 200, 200, 429, 429]


def test_a_limit_of_zero_switches_the_api_limit_off(make_app):
    application = make_app(api_rate_limit=0)
    client = application.test_client()
    auth = _token(application)
    assert all(client.get(SEARCH, headers=auth).status_code == 200 for _ in range(5))
    assert _stored_rows(application) == 0


# --- OpenID4VCI: per client address ------------------------------------------------------------
def _offer_code(application) -> str:
    service = application.extensions["issuer"]
    if "acme" not in {provider.slug for provider in service.providers.list_providers()}:
        service.providers.create_provider("Acme Care Training", "acme")
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor",
                           completed=date(2026, 1, 2))
    return service.delivery.create_offer(record.id).pre_authorized_code


def test_token_and_credential_share_a_per_address_budget(make_app, clock, checker):
    application = make_app(oid4vci_rate_limit=3)
    client = application.test_client()
    here = {"REMOTE_ADDR": "192.0.2.10"}
    assert client.post("/token", data={"grant_type": "password"},
                       environ_base=here).status_code == 400
    assert client.post("/credential", json={}, environ_base=here).status_code == 401
    good = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": _offer_code(application)}
    assert client.post("/token", data=good, environ_base=here).status_code == 200

    clock.advance(seconds=20)
    refused = client.post("/token", data=good, environ_base=here)
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    assert refused.json == {"error": "invalid_request", "error_description":
                            "Too many requests have come from your address. Wait 40 seconds "
                            "and try again."}
    assert refused.headers["Retry-After"] == "40"
    assert refused.headers["Cache-Control"] == "no-store"
    assert checker.check_flask("POST", "/token", refused) == []
    blocked = client.post("/credential", json={}, headers={"Authorization": "Bearer x"},
                          environ_base=here)
    assert blocked.status_code == 429
    assert checker.check_flask("POST", "/credential", blocked) == []

    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    fresh = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": _offer_code(application)}
    assert client.post("/token", data=fresh, environ_base=elsewhere).status_code == 200
    # the other endpoints are not counted
    for _ in range(3):
        assert client.post("/nonce", environ_base=here).status_code == 200
        assert client.get("/.well-known/openid-credential-issuer",
                          environ_base=here).status_code == 200
    clock.advance(minutes=1)
    assert client.post("/token", data={"grant_type": "password"},
                       environ_base=here).status_code == 400


def test_a_refused_token_request_does_not_use_the_code(make_app):
    application = make_app(oid4vci_rate_limit=1)
    client = application.test_client()
    code = _offer_code(application)
    here = {"REMOTE_ADDR": "192.0.2.20"}
    assert client.post("/token", data={"grant_type": "password"},
                       environ_base=here).status_code == 400
    good = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    assert client.post("/token", data=good, environ_base=here).status_code == 429
    # the code was not spent: the same worker collects it from another network
    answer = client.post("/token", data=good, environ_base={"REMOTE_ADDR": "192.0.2.21"})
    assert answer.status_code == 200
    assert answer.json["access_token"]


# --- the counter itself ------------------------------------------------------------------------
def test_concurrent_hits_never_let_more_than_the_limit_through(service, clock):
    limiter = RateLimiter(service.db, clock)
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(8):
            decision = limiter.hit("api:concurrent", 20, timedelta(minutes=1))
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 48
    assert allowed.count(True) == 20


def test_finished_windows_are_deleted_when_a_new_one_opens(service, clock):
    limiter = RateLimiter(service.db, clock)
    window = timedelta(minutes=1)
    for bucket in ("a", "b", "c"):
        limiter.hit(bucket, 5, window)
    clock.advance(minutes=1)
    limiter.hit("a", 5, window)  # the previous window is kept (just finished)
    clock.advance(minutes=1)
    decision = limiter.hit("a", 5, window)
    assert decision.allowed and decision.hits == 1
    with service.db.reading() as session:
        rows = session.execute(select(rate_limits.c.bucket, rate_limits.c.window_start)
                               .order_by(rate_limits.c.window_start)).all()
    starts = {start for _bucket, start in rows}
    assert len(starts) == 2  # the first window's three rows are gone
    assert len(rows) == 2


def test_counts_follow_the_window_not_the_first_request(service, clock):
    limiter = RateLimiter(service.db, clock)
    clock.advance(seconds=50)
    first = limiter.hit("x", 1, timedelta(minutes=1))
    second = limiter.hit("x", 1, timedelta(minutes=1))
    assert (first.allowed, second.allowed, second.retry_after) == (True, False, 10)
    clock.advance(seconds=10)
    assert limiter.hit("x", 1, timedelta(minutes=1)).allowed


def test_wait_words_are_plain():
    assert wait_words(1) == "1 second"
    assert wait_words(59) == "59 seconds"
    assert wait_words(60) == "1 minute"
    assert wait_words(61) == "2 minutes"


# --- configuration -----------------------------------------------------------------------------
def _environ(**values) -> dict:
    from passport_vc.keys.storage import generate_master_key

    return {"PASSPORT_MASTER_KEY": generate_master_key(), "SECRET_KEY": "x" * 32,
            "DATABASE_URL": "sqlite:///unused.db", **values}


def test_limits_come_from_the_environment(tmp_path):
    default = IssuerConfig.from_env(_environ(), instance=tmp_path)
    assert (default.api_rate_limit, default.oid4vci_rate_limit) == (600, 120)
    assert default.rate_limit_window == timedelta(minutes=1)
    set_ = IssuerConfig.from_env(_environ(ISSUER_API_RATE_LIMIT="50",
                                          ISSUER_OID4VCI_RATE_LIMIT="0",
                                          ISSUER_RATE_LIMIT_WINDOW_SECONDS="10"),
                                 instance=tmp_path)
    assert (set_.api_rate_limit, set_.oid4vci_rate_limit) == (50, 0)
    assert set_.rate_limit_window == timedelta(seconds=10)


@pytest.mark.parametrize("name, value", [("ISSUER_API_RATE_LIMIT", "lots"),
                                         ("ISSUER_OID4VCI_RATE_LIMIT", "-1"),
                                         ("ISSUER_RATE_LIMIT_WINDOW_SECONDS", "0")])
def test_unreadable_limits_stop_the_service_starting(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        IssuerConfig.from_env(_environ(**{name: value}), instance=tmp_path)
