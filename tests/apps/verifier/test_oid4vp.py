"""OpenID4VP 1.0 on the verifier (verifier/oid4vp.py, verifier/routes/oid4vp.py): the request
object's shape, the direct_post answer accepted with the right nonce and refused with a wrong
nonce, a replayed state or an expired request, and who may see the result."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, select
from verifier_world import NOW

from passport_vc.sd_jwt_vc import VCT
from passport_web.passwords import hash_password
from verifier import storage
from verifier.accounts import ensure_organisation
from verifier.oid4vp import (
    OPEN_BADGE_TYPE,
    InvalidRequest,
    authorization_link,
    presentations_in,
)

PUBLIC = "http://localhost:5003"
RESPONSE_URI = PUBLIC + "/oid4vp/response"
CLIENT_ID = "redirect_uri:" + RESPONSE_URI


class MovingClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def app(make_app, database_url, clock):
    app = make_app(database_url, clock=clock)
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    app.extensions["verifier"].db.dispose()


def _ask(client) -> tuple[str, dict]:
    """Make a request as the employer's browser: (state, request object)."""
    response = client.post("/oid4vp")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    found = re.search(r'href="(openid4vp://[^"]+)" id="oid4vp-link"', html)
    link = found.group(1).replace("&amp;", "&")
    assert link.startswith("openid4vp://?")
    query = parse_qs(urlsplit(link).query)
    assert query["client_id"] == [CLIENT_ID]
    request_uri = query["request_uri"][0]
    assert request_uri.startswith(PUBLIC + "/oid4vp/request/")
    answer = client.application.test_client().get(urlsplit(request_uri).path)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    return body["state"], body


def _answer(app, world, body: dict, *, nonce: str | None = None, domain: str | None = None,
            names=("valid",)):
    presentation = world.presentation(list(names), challenge=nonce or body["nonce"],
                                      domain=domain or body["client_id"])
    return app.test_client().post("/oid4vp/response", data={
        "vp_token": json.dumps({"training": [presentation]}), "state": body["state"]})


def _status(client, state: str) -> dict:
    response = client.get(f"/oid4vp/status/{state}")
    assert response.status_code == 200
    return response.get_json()


def test_request_object_has_the_shape_openid4vp_asks_for(app):
    state, body = _ask(app.test_client())
    assert body["client_id"] == CLIENT_ID
    assert body["response_uri"] == RESPONSE_URI
    assert body["response_type"] == "vp_token"
    assert body["response_mode"] == "direct_post"
    assert body["state"] == state and len(state) >= 32
    assert len(body["nonce"]) >= 32 and body["nonce"] != state
    query = body["dcql_query"]["credentials"]
    assert [(item["id"], item["format"]) for item in query] == [
        ("training", "ldp_vc"), ("training_sd_jwt", "dc+sd-jwt")]
    assert query[0]["meta"]["type_values"] == [[OPEN_BADGE_TYPE]]
    assert query[1]["meta"]["vct_values"] == [VCT]
    assert body["dcql_query"]["credential_sets"] == [
        {"options": [["training"], ["training_sd_jwt"]]}]
    assert {"ldp_vc", "dc+sd-jwt"} <= set(body["client_metadata"]["vp_formats_supported"])


def test_each_request_has_its_own_state_and_nonce(app):
    client = app.test_client()
    first, second = _ask(client)[1], _ask(client)[1]
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]


def test_link_is_percent_encoded_as_in_openid4vp_section_5():
    link = authorization_link(RESPONSE_URI, PUBLIC + "/oid4vp/request/abc")
    assert link == ("openid4vp://?client_id=redirect_uri%3Ahttp%3A%2F%2Flocalhost%3A5003%2F"
                    "oid4vp%2Fresponse&request_uri=http%3A%2F%2Flocalhost%3A5003%2Foid4vp%2F"
                    "request%2Fabc")


def test_answer_with_the_right_nonce_is_accepted_and_shown(app, world):
    employer = app.test_client()
    state, body = _ask(employer)
    assert _status(employer, state) == {"answered": False, "expired": False,
                                        "result_url": None}
    response = _answer(app, world, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    redirect_uri = response.get_json()["redirect_uri"]
    assert redirect_uri.startswith(f"{PUBLIC}/oid4vp/done/{state}?response_code=")
    status = _status(employer, state)
    assert status["answered"] is True and status["result_url"] == f"/oid4vp/ask/{state}"
    page = employer.get(status["result_url"]).get_data(as_text=True)
    assert "Result: Valid" in page
    # The worker's browser, sent back by the wallet, learns only that it was sent.
    worker = app.test_client()
    sent = worker.get(urlsplit(redirect_uri).path + "?" + urlsplit(redirect_uri).query)
    assert sent.status_code == 200 and "Your training was sent" in sent.get_data(as_text=True)
    assert "Result:" not in sent.get_data(as_text=True)
    assert worker.get(f"/oid4vp/done/{state}?response_code=wrong").status_code == 404


def test_wrong_nonce_is_refused_and_the_employer_sees_why(app, world):
    employer = app.test_client()
    state, body = _ask(employer)
    response = _answer(app, world, body, nonce="someone-elses-nonce")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
    page = employer.get(f"/oid4vp/ask/{state}").get_data(as_text=True)
    assert "Result: Valid" not in page and "Not genuine" in page


def test_wrong_domain_is_refused(app, world):
    _state, body = _ask(app.test_client())
    response = _answer(app, world, body, domain="redirect_uri:https://elsewhere.example/r")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_replayed_state_is_refused(app, world):
    _state, body = _ask(app.test_client())
    assert _answer(app, world, body).status_code == 200
    again = _answer(app, world, body)
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_request"
    assert "already been answered" in again.get_json()["error_description"]
    # ...and the request object is no longer served.
    assert app.test_client().get(f"/oid4vp/request/{body['state']}").status_code == 400


def test_expired_request_is_refused(app, world, clock):
    employer = app.test_client()
    state, body = _ask(employer)
    clock.now = NOW + timedelta(minutes=10, seconds=1)
    response = _answer(app, world, body)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    assert "run out" in response.get_json()["error_description"]
    assert _status(employer, state)["expired"] is True
    page = employer.get(f"/oid4vp/ask/{state}").get_data(as_text=True)
    assert "This request has run out" in page


@pytest.mark.parametrize("form", [
    {},
    {"state": "no-such-state", "vp_token": "{}"},
    {"state": "STATE"},
    {"state": "STATE", "vp_token": "not json"},
    {"state": "STATE", "vp_token": json.dumps([{"type": "VerifiablePresentation"}])},
    {"state": "STATE", "vp_token": json.dumps({"other": [{}]})},
    {"state": "STATE", "vp_token": json.dumps({"training": []})},
    {"state": "STATE", "vp_token": json.dumps({"training": ["a string"]})},
    {"state": "STATE", "vp_token": json.dumps({"training": [{"no": "presentation"}]})},
])
def test_bad_answers_are_invalid_request_and_change_nothing(app, form):
    employer = app.test_client()
    state, _body = _ask(employer)
    form = {key: state if value == "STATE" else value for key, value in form.items()}
    response = app.test_client().post("/oid4vp/response", data=form)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["error"] == "invalid_request" and problem["detail"]
    assert _status(employer, state)["answered"] is False


def test_another_browser_cannot_see_the_request_or_its_result(app, world):
    employer = app.test_client()
    state, body = _ask(employer)
    assert _answer(app, world, body).status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/oid4vp/ask/{state}").status_code == 404
    assert stranger.get(f"/oid4vp/status/{state}").status_code == 404
    assert stranger.get(f"/oid4vp/done/{state}").status_code == 404


def test_signed_in_employer_gets_a_saved_check(app, world):
    state_ = app.extensions["verifier"]
    with state_.db.transaction() as session:
        organisation_id = ensure_organisation(session, "Sunny Care", NOW)
        session.execute(insert(storage.users).values(
            organisation_id=organisation_id, email="m@sunny.example", name="M", role="manager",
            password_hash=hash_password("correct horse battery"), failures=0, created_at=NOW))
    employer = app.test_client()
    assert employer.post("/sign-in", data={"email": "m@sunny.example",
                                           "password": "correct horse battery"}
                         ).status_code == 303
    state, body = _ask(employer)
    assert _answer(app, world, body).status_code == 200
    status = _status(employer, state)
    assert status["result_url"].startswith("/checks/")
    assert "Result: Valid" in employer.get(status["result_url"]).get_data(as_text=True)
    with state_.db.reading() as session:
        saved = session.execute(select(storage.checks.c.organisation_id)).scalars().all()
    assert saved == [organisation_id]


def test_vp_token_parser_takes_only_the_training_query():
    assert presentations_in(json.dumps({"training": [{"a": 1}, {"b": 2}]})) == [{"a": 1},
                                                                                {"b": 2}]
    with pytest.raises(Exception, match="too large"):
        presentations_in('{"training": ["' + "x" * (3 * 1024 * 1024) + '"]}')


def test_real_oid4vp_responses_match_the_openapi_document(app, world, make_app, database_url,
                                                          tmp_path):
    """Every documented OpenID4VP operation and status, called for real."""
    from passport_web.openapi import load_openapi
    from tests.support.openapi import ResponseChecker, operations

    document = load_openapi("verifier")
    checker = ResponseChecker(document)
    employer = app.test_client()
    problems: list[str] = []
    seen: set[tuple[str, str, int]] = set()

    def note(method: str, template: str, response) -> None:
        seen.add((method, template, response.status_code))
        problems.extend(checker.check_flask(method, template, response))

    state, body = _ask(employer)
    note("GET", "/oid4vp/request/{state}", employer.get(f"/oid4vp/request/{state}"))
    note("GET", "/oid4vp/request/{state}", employer.get("/oid4vp/request/unknown"))
    note("GET", "/oid4vp/status/{state}", employer.get(f"/oid4vp/status/{state}"))
    note("GET", "/oid4vp/status/{state}", app.test_client().get(f"/oid4vp/status/{state}"))
    note("POST", "/oid4vp/response", _answer(app, world, body))
    note("POST", "/oid4vp/response", _answer(app, world, body))
    note("GET", "/oid4vp/request/{state}", employer.get(f"/oid4vp/request/{state}"))
    note("GET", "/.well-known/did.json", employer.get("/.well-known/did.json"))
    # a verifier that signs its requests with its own did:web
    from passport_vc.keys import PrivateKey
    from verifier.request_signing import did_web_for, for_did

    public_url = app.extensions["verifier"].config.public_url
    signing = for_did(PrivateKey.generate("P-256"), did_web_for(public_url), public_url)
    signed_app = make_app(f"sqlite:///{tmp_path / 'signed.db'}", oid4vp_signing=signing)
    signed_app.config["WTF_CSRF_ENABLED"] = False
    signed_client = signed_app.test_client()
    signed_state = signed_client.post("/oid4vp").headers["Location"].rsplit("/", 1)[1]
    link = signed_client.get(f"/oid4vp/ask/{signed_state}").get_data(as_text=True)
    assert "client_id=decentralized_identifier%3Adid%3Aweb%3A" in link
    signed = signed_client.get(f"/oid4vp/request/{signed_state}")
    assert signed.mimetype == "application/oauth-authz-req+jwt"
    note("GET", "/oid4vp/request/{state}", signed)
    note("GET", "/.well-known/did.json", signed_client.get("/.well-known/did.json"))
    signed_app.extensions["verifier"].db.dispose()
    assert problems == []
    documented = {(method, path, int(status)) for method, path, operation in
                  operations(document)
                  if path.startswith("/oid4vp/") or path == "/.well-known/did.json"
                  for status in operation["responses"]}
    assert seen == documented


@pytest.mark.browser
def test_asking_page_in_a_real_browser_shows_the_answer_by_itself(make_app, sqlite_url, world):
    """The asking page is accessible, and its script shows the result once the wallet answers
    (the wallet's POST is made here with requests, as a wallet would)."""
    import requests
    from playwright.sync_api import sync_playwright
    from support.browser import axe_violations, launch
    from support.live import free_port, live_server

    port = free_port()
    base = f"http://localhost:{port}"
    app = make_app(sqlite_url, public_url=base)
    http = requests.Session()
    http.trust_env = False
    with live_server(app, port=port), sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 900})
            page.goto(base + "/")
            page.get_by_role("link", name="Ask for the worker's training with their wallet").click()
            assert axe_violations(page) == []
            page.get_by_role("button", name="Make a QR code for the worker").click()
            page.wait_for_selector("#oid4vp-qr svg")
            assert axe_violations(page) == []
            link = page.locator("#oid4vp-link").get_attribute("href")
            request_uri = parse_qs(urlsplit(link).query)["request_uri"][0]
            body = http.get(request_uri, timeout=10).json()
            presentation = world.presentation(["valid"], challenge=body["nonce"],
                                              domain=body["client_id"])
            answer = http.post(body["response_uri"], timeout=30, data={
                "vp_token": json.dumps({"training": [presentation]}), "state": body["state"]})
            assert answer.status_code == 200, answer.text
            page.wait_for_selector("#result-heading", timeout=30_000)
            assert page.locator("#result-heading").inner_text() == "Result: Valid"
            assert axe_violations(page) == []
        finally:
            browser.close()


def test_old_requests_are_forgotten_a_day_after_they_expire(app, clock):
    employer = app.test_client()
    old_state, _body = _ask(employer)
    clock.now = NOW + timedelta(days=1, minutes=11)
    new_state, _body = _ask(employer)
    with app.extensions["verifier"].db.reading() as session:
        states = session.execute(select(storage.oid4vp_requests.c.state)).scalars().all()
    assert states == [new_state] and old_state != new_state


def _sd_jwt_answer(app, world, body: dict, *, nonce: str | None = None, show=("name",)):
    from passport_vc.sd_jwt_vc import issue_sd_jwt_vc, present_sd_jwt_vc

    holder = world.holder_key.signer
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_sd_jwt_vc(unsigned, world.provider_key, holder.public_key, clock=world.clock)
    shared = present_sd_jwt_vc(token, list(show), signer=holder, nonce=nonce or body["nonce"],
                               audience=body["client_id"], clock=world.clock)
    return app.test_client().post("/oid4vp/response", data={
        "vp_token": json.dumps({"training_sd_jwt": [shared]}), "state": body["state"]})


def test_an_sd_jwt_answer_is_accepted_and_shows_only_what_was_disclosed(app, world):
    client = app.test_client()
    state, body = _ask(client)
    response = _sd_jwt_answer(app, world, body, show=())
    assert response.status_code == 200, response.get_json()
    result_url = _status(client, state)["result_url"]
    page = client.get(result_url).get_data(as_text=True)
    assert "Moving and handling of people" in page and "Shown by the worker" in page
    assert "Sam Carer" not in page


def test_an_sd_jwt_answer_for_another_request_is_refused(app, world):
    _state, body = _ask(app.test_client())
    response = _sd_jwt_answer(app, world, body, nonce="not-this-request")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_vp_token_kinds_are_checked_per_query():
    with pytest.raises(InvalidRequest, match="SD-JWT"):
        presentations_in(json.dumps({"training_sd_jwt": [{"a": 1}]}))
    with pytest.raises(InvalidRequest, match="asked for"):
        presentations_in(json.dumps({"something_else": ["x~"]}))
    assert presentations_in(json.dumps({"training": [{"a": 1}], "training_sd_jwt": ["x~"]})) \
        == [{"a": 1}, "x~"]
