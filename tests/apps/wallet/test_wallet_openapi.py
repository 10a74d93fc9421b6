"""The wallet's OpenAPI document (wallet/openapi.json) is served and stays true: every JSON route
is documented and routed, real responses match it, and schemathesis against a live loopback
server finds no 500 and no response that breaks it."""

from __future__ import annotations

import json

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wallet_support import PASSWORD

from passport_web.openapi import load_openapi
from tests.support.openapi import ResponseChecker, route_coverage, schemathesis_settings

JSON_ENDPOINTS = {"public.shared", "healthz", "openapi", "passkeys.add_options", "passkeys.add",
                  "passkeys.sign_in_options", "passkeys.sign_in"}


def _is_page(endpoint: str) -> bool:
    return endpoint not in JSON_ENDPOINTS and not endpoint.startswith("openapi")


@pytest.fixture(scope="module")
def document():
    return load_openapi("wallet")


def test_document_is_served_and_covers_every_json_route(sqlite_app, document):
    client = sqlite_app.test_client()
    response = client.get("/openapi.json")
    assert response.status_code == 200 and json.loads(response.data) == document
    coverage = route_coverage(sqlite_app, document, _is_page)
    assert coverage.undocumented == set() and coverage.unrouted == set()


def test_real_share_responses_match_the_document(sqlite_app, provider, document):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, json.dumps(provider.issue("fire-safety")[0]))
    share = service.create_share(account.id, "all-current")
    share_id = share.url.split("/s/")[1].split("#")[0]
    client = sqlite_app.test_client()
    checker = ResponseChecker(document)
    json_headers = {"Accept": "application/json"}
    calls = [("/s/{share_id}", f"/s/{share_id}", 200),
             ("/s/{share_id}", "/s/not-a-share", 404),
             ("/s/{share_id}", "/s/bad%00id", 400),
             ("/healthz", "/healthz", 200)]
    for template, path, status in calls:
        response = client.get(path, headers=json_headers)
        assert response.status_code == status, path
        assert checker.check_flask("GET", template, response) == [], path
    service.revoke_share(account.id, share_id)
    response = client.get(f"/s/{share_id}", headers=json_headers)
    assert response.status_code == 404
    assert checker.check_flask("GET", "/s/{share_id}", response) == []


@pytest.fixture(scope="module")
def live_wallet(tmp_path_factory):
    from wallet_support import FakeNetwork, Provider

    from passport_vc.clock import fixed_clock
    from tests.conftest import NOW
    from tests.support.live import live_server
    from wallet import create_app
    from wallet.config import WalletConfig

    folder = tmp_path_factory.mktemp("wallet-schemathesis")
    clock = fixed_clock(NOW)
    network = FakeNetwork(clock)
    app = create_app(WalletConfig.for_tests(f"sqlite:///{folder / 'wallet.db'}", clock=clock),
                     network=network)
    service = app.extensions["wallet"]
    account = service.create_account("sam@example.com", PASSWORD, "Sam Taylor")
    service.add_credential(account.id, json.dumps(Provider(network).issue("fire-safety")[0]))
    share = service.create_share(account.id, "all-current")
    with live_server(app) as base_url:
        yield base_url, share.url.split("/s/")[1].split("#")[0]
    service.db.dispose()


SCHEMA = schemathesis.openapi.from_dict(load_openapi("wallet"))


@pytest.mark.slow
@SCHEMA.parametrize()
@schemathesis_settings(max_examples=40)
def test_schemathesis_finds_no_server_errors_or_schema_breaks(case, live_wallet):
    base_url, share_id = live_wallet
    if case.path == "/s/{share_id}":
        case.headers = {**(case.headers or {}), "Accept": "application/json"}
        if len(case.path_parameters["share_id"]) % 3 == 0:  # some calls reach a live share
            case.path_parameters["share_id"] = share_id
    case.call_and_validate(base_url=base_url, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance])
