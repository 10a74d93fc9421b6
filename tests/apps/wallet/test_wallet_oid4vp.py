"""OpenID4VP 1.0 in the wallet (wallet/oid4vp.py, wallet/routes/oid4vp.py): reading and
checking requests (good and bad), and the whole flow against the REAL verifier app on a loopback
server: the employer asks → the worker's wallet answers → the verifier shows "Valid"."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import pytest
from support.live import free_port, live_server
from wallet_support import PASSWORD, Provider, post, sign_in

from passport_vc.errors import MalformedValueError
from passport_web.network import NetworkSettings
from wallet import create_app
from wallet.config import WalletConfig
from wallet.oid4vp import (
    VpRequest,
    parse_link,
    safe_redirect,
    validate_request,
    vp_token,
)

RESPONSE_URI = "https://employer.example/oid4vp/response"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"


def _request(**changes) -> dict:
    request = {
        "client_id": "redirect_uri:" + RESPONSE_URI, "response_type": "vp_token",
        "response_mode": "direct_post", "response_uri": RESPONSE_URI, "nonce": "n-0S6_WzA2Mj",
        "state": "s-8d2f", "dcql_query": {"credentials": [{
            "id": "training", "format": "ldp_vc", "meta": {"type_values": [[OB]]}}]}}
    request.update(changes)
    return {key: value for key, value in request.items() if value is not None}


# --- pure: links and request objects ----------------------------------------------------------
def test_a_good_request_is_read():
    asked = validate_request(_request(), link_client_id="redirect_uri:" + RESPONSE_URI)
    assert asked == VpRequest("redirect_uri:" + RESPONSE_URI, RESPONSE_URI, "n-0S6_WzA2Mj",
                              "s-8d2f", "training")
    assert asked.verifier_host == "employer.example"
    assert VpRequest.from_json(asked.to_json()) == asked
    assert json.loads(vp_token(asked, {"type": ["VerifiablePresentation"]})) == {
        "training": [{"type": ["VerifiablePresentation"]}]}


def test_link_by_reference_and_by_value_are_read():
    link = ("openid4vp://?client_id=" + quote("redirect_uri:" + RESPONSE_URI, safe="")
            + "&request_uri=" + quote("https://employer.example/oid4vp/request/abc", safe=""))
    assert parse_link(link) == {"client_id": "redirect_uri:" + RESPONSE_URI,
                                "request_uri": "https://employer.example/oid4vp/request/abc"}
    by_value = _request(dcql_query=json.dumps(_request()["dcql_query"]))
    link = "openid4vp://?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in by_value.items())
    assert validate_request(parse_link(link)).query_id == "training"


@pytest.mark.parametrize("link", [
    "https://employer.example/oid4vp",                      # not a request link
    "openid-credential-offer://?credential_offer_uri=x",    # an offer, not a request
    "openid4vp://?request_uri=https%3A%2F%2Fa.example%2Fr",  # no client_id
    "openid4vp://?client_id=a&client_id=b&request_uri=x",   # a parameter twice
    "openid4vp://?client_id=x&request=a.b.c&request_uri=x",  # by value and by reference
    "openid4vp://?" + "a" * 9000,                            # far too long
])
def test_bad_links_are_refused_plainly(link):
    with pytest.raises(MalformedValueError) as caught:
        parse_link(link)
    assert caught.value.detail and "Traceback" not in caught.value.detail


@pytest.mark.parametrize(("changes", "words"), [
    ({"client_id": "x509_san_dns:employer.example"}, "not signed"),
    ({"client_id": "decentralized_identifier:did:web:employer.example"}, "not signed"),
    ({"client_id": "pre-registered-client"}, "who is asking"),
    ({"client_id": "redirect_uri:https://other.example/r"}, "somewhere other"),
    ({"response_uri": None}, "somewhere other"),
    ({"client_id": "redirect_uri:ftp://e.example/r", "response_uri": "ftp://e.example/r"},
     "no valid address"),
    ({"response_type": "id_token"}, "cannot give"),
    ({"response_mode": "fragment"}, "does not support"),
    ({"nonce": None}, "no nonce"),
    ({"state": ""}, "no state"),
    ({"dcql_query": None}, "what it asks for"),
    ({"dcql_query": {"credentials": [{"id": "pid", "format": "dc+sd-jwt"}]}}, "does not hold"),
    ({"dcql_query": {"credentials": [{"id": "x", "format": "ldp_vc", "meta": {
        "type_values": [["https://example.org#DrivingLicence"]]}}]}}, "does not hold"),
])
def test_bad_requests_are_refused_plainly(changes, words):
    with pytest.raises(MalformedValueError, match=words):
        validate_request(_request(**changes))


def test_request_not_matching_its_qr_code_is_refused():
    with pytest.raises(MalformedValueError, match="does not match its QR code"):
        validate_request(_request(), link_client_id="redirect_uri:https://evil.example/r")


def test_redirects_go_only_to_the_verifiers_own_host():
    asked = validate_request(_request())
    assert safe_redirect("https://employer.example/oid4vp/done/s?response_code=c",
                         asked) == "https://employer.example/oid4vp/done/s?response_code=c"
    for elsewhere in ("https://evil.example/x", "http://employer.example/x",
                      "javascript:alert(1)", None, 5):
        assert safe_redirect(elsewhere, asked) is None


# --- the whole flow against the real verifier -------------------------------------------------
@pytest.fixture
def verifier_and_wallet(tmp_path, clock, network):
    """The real verifier on a loopback port and a wallet allowed to reach only that host."""
    from passport_vc.trust import TrustEntry, TrustList
    from verifier import create_app as verifier_app
    from verifier.config import VerifierConfig
    from verifier.service import VerifierService

    port = free_port()
    base = f"http://localhost:{port}"
    provider = Provider(network)
    verifier = verifier_app(VerifierConfig.for_tests(
        f"sqlite:///{tmp_path / 'verifier.db'}", clock=clock, public_url=base,
        instance_dir=tmp_path / "verifier"))
    state = verifier.extensions["verifier"]
    trust = TrustList("Test providers")
    trust.add(TrustEntry(provider.did, provider.name, ("skills-for-care-endorsed",),
                         datetime(2020, 1, 1, tzinfo=UTC)))
    state.service = VerifierService(state.db, state.config, network, trust)
    verifier.config["WTF_CSRF_ENABLED"] = False
    wallet = create_app(WalletConfig.for_tests(
        f"sqlite:///{tmp_path / 'wallet.db'}", clock=clock,
        network=NetworkSettings(http_hosts=frozenset({f"localhost:{port}"}))), network=network)
    service = wallet.extensions["wallet"]
    try:
        with live_server(verifier, port=port):
            yield verifier, wallet, provider, base
    finally:
        service.db.dispose()
        state.db.dispose()


def _employer_asks(verifier) -> tuple[object, str, str]:
    employer = verifier.test_client()
    created = employer.post("/oid4vp")
    ask_path = created.headers["Location"]
    page = employer.get(ask_path).get_data(as_text=True)
    link = re.search(r'href="(openid4vp://[^"]+)"', page).group(1).replace("&amp;", "&")
    return employer, ask_path, link


def test_worker_answers_the_real_verifier_and_it_shows_valid(verifier_and_wallet):
    verifier, wallet, provider, base = verifier_and_wallet
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    for course in ("moving-and-handling", "fire-safety"):
        service.add_credential(account.id, provider.issue(course, holder=account.did)[0])
    employer, ask_path, link = _employer_asks(verifier)
    state = ask_path.rsplit("/", 1)[1]

    worker = wallet.test_client()
    sign_in(worker, "amina")
    consent = post(worker, "/answer", {"request": link}, token_from="/answer")
    page = consent.get_data(as_text=True)
    assert consent.status_code == 200, page[:600]
    assert f"localhost:{urlsplit(base).port} asks for your training" in page
    ticked = re.findall(r'name="credentials" type="checkbox" value="([^"]+)" checked', page)
    assert len(ticked) == 2  # all current training is pre-ticked

    sent = post(worker, "/answer/send", {"credentials": ticked[:1]}, token_from="/answer")
    assert sent.status_code == 200
    back = re.search(r'href="([^"]+)" id="back-to-verifier"', sent.get_data(as_text=True))
    done = back.group(1).replace("&amp;", "&")
    assert done.startswith(f"{base}/oid4vp/done/{state}?response_code=")
    # The worker's own browser (not the employer's) following it learns only that it was sent.
    done_page = verifier.test_client().get(done.removeprefix(base))
    assert "Your training was sent" in done_page.get_data(as_text=True)

    status = employer.get(f"/oid4vp/status/{state}").get_json()
    assert status["answered"] is True
    result = employer.get(status["result_url"]).get_data(as_text=True)
    assert "Result: Valid" in result
    assert "1 certificate shared" in result
    log = service.activity(account.id)
    assert any(event["action"] == "shared" and f"localhost:{urlsplit(base).port}"
               in event["detail"] for event in log)

    # The same request cannot be answered twice.
    again = post(worker, "/answer", {"request": link}, token_from="/answer")
    assert again.status_code >= 400
    assert "new QR code" in again.get_data(as_text=True)


def test_request_from_a_host_the_wallet_may_not_reach_is_refused(verifier_and_wallet, tmp_path,
                                                                 clock, network):
    verifier, _wallet, _provider, _base = verifier_and_wallet
    _employer, _path, link = _employer_asks(verifier)
    closed = create_app(WalletConfig.for_tests(f"sqlite:///{tmp_path / 'closed.db'}",
                                               clock=clock), network=network)
    try:
        closed.extensions["wallet"].create_account("amina", PASSWORD, "Amina Okafor")
        worker = closed.test_client()
        sign_in(worker, "amina")
        refused = post(worker, "/answer", {"request": link}, token_from="/answer")
        assert refused.status_code >= 400
        assert "Continue" in refused.get_data(as_text=True)  # back on the paste page
    finally:
        closed.extensions["wallet"].db.dispose()


def test_send_without_a_request_or_a_choice_is_refused(sqlite_app):
    service = sqlite_app.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    worker = sqlite_app.test_client()
    sign_in(worker, "amina")
    response = post(worker, "/answer/send", {"credentials": ["x"]}, token_from="/answer")
    assert response.status_code == 400
    assert "Scan their QR code again" in response.get_data(as_text=True)
    empty = post(worker, "/answer", {"request": ""}, token_from="/answer")
    assert empty.status_code == 400
    assert "It starts with openid4vp://" in empty.get_data(as_text=True)
    assert worker.get("/add").get_data(as_text=True).count('href="/answer"') == 1


@pytest.mark.browser
def test_answering_in_a_real_browser_is_accessible(verifier_and_wallet):
    """Paste the request, see who asks, Send, and go back to the verifier: axe finds nothing."""
    from playwright.sync_api import sync_playwright
    from support.browser import axe_violations, launch

    verifier, wallet, provider, base = verifier_and_wallet
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue(holder=account.did)[0])
    _employer, _path, link = _employer_asks(verifier)
    with live_server(wallet) as wallet_base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 800})
            _open_answer_page(page, wallet_base)
            assert axe_violations(page) == []
            page.get_by_role("button", name="Continue").click()
            assert page.locator(".govuk-error-summary").is_visible()
            assert axe_violations(page) == []
            page.get_by_label("The employer's request").fill(link)
            page.get_by_role("button", name="Continue").click()
            host = urlsplit(base).netloc
            assert page.locator("h1").inner_text() == f"{host} asks for your training"
            assert page.locator("input[name=credentials]").first.is_checked()
            assert axe_violations(page) == []
            page.get_by_role("button", name="Send").click()
            assert page.locator("h1").inner_text() == "Your training was sent"
            assert axe_violations(page) == []
            page.get_by_role("link", name=f"Go back to {host}").click()
            page.wait_for_url(f"{base}/oid4vp/done/**")
            assert page.locator("h1").inner_text() == "Your training was sent"
        finally:
            browser.close()


def _open_answer_page(page, wallet_base: str) -> None:
    page.goto(wallet_base + "/sign-in")
    page.get_by_label("Email address or user name").fill("amina")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(wallet_base + "/add")
    page.get_by_role("link", name="answer an employer's request").click()


def _add_sd_jwt_with_evidence(service, provider, account):
    from wallet_support import ISSUED_AT

    from passport_vc.did import public_key_from_did_key
    from passport_vc.sd_jwt_vc import issue_sd_jwt_vc

    credential, _ = provider.unsigned("moving-and-handling", holder=account.did)
    credential["evidence"] = [{"type": ["Evidence"], "narrative": "Observed hoist transfer"}]
    token = issue_sd_jwt_vc(credential, provider.issuer_key, public_key_from_did_key(account.did),
                            clock=lambda: ISSUED_AT)
    return service.add_credential(account.id, token)


def _assert_only_evidence_shown(employer, state: str) -> None:
    status = employer.get(f"/oid4vp/status/{state}").get_json()
    assert status["answered"] is True
    result = employer.get(status["result_url"]).get_data(as_text=True)
    assert "Result: Valid" in result and "Moving and handling of people" in result
    assert "Shown by the worker" in result and "Evidence" in result
    assert "Amina Okafor" not in result


@pytest.mark.browser
def test_sd_jwt_request_answered_in_a_real_browser(verifier_and_wallet):
    """The verifier's request (DCQL with the dc+sd-jwt query) answered end to end in Chromium:
    the worker ticks only Evidence; the employer sees it verified, without the worker's name."""
    from playwright.sync_api import sync_playwright
    from support.browser import axe_violations, launch

    verifier, wallet, provider, base = verifier_and_wallet
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    _add_sd_jwt_with_evidence(service, provider, account)
    employer, ask_path, link = _employer_asks(verifier)
    with live_server(wallet) as wallet_base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 800})
            _open_answer_page(page, wallet_base)
            page.get_by_label("The employer's request").fill(link)
            page.get_by_role("button", name="Continue").click()
            assert page.get_by_label("Moving and handling of people", exact=False).is_checked()
            assert not page.get_by_label("Name", exact=True).is_checked()
            page.get_by_label("Evidence", exact=True).check()
            assert axe_violations(page) == []
            page.get_by_role("button", name="Send").click()
            assert page.locator("h1").inner_text() == "Your training was sent"
        finally:
            browser.close()
    _assert_only_evidence_shown(employer, ask_path.rsplit("/", 1)[1])


def test_worker_answers_with_an_sd_jwt_showing_only_what_they_tick(verifier_and_wallet):
    verifier, wallet, provider, base = verifier_and_wallet
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    stored = _add_sd_jwt_with_evidence(service, provider, account)
    employer, ask_path, link = _employer_asks(verifier)
    state = ask_path.rsplit("/", 1)[1]
    worker = wallet.test_client()
    sign_in(worker, "amina")
    page = post(worker, "/answer", {"request": link}, token_from="/answer").get_data(
        as_text=True)
    assert f'value="{stored.id}" checked' in page and 'name="show" type="checkbox"' in page
    sent = post(worker, "/answer/send", {"credentials": [stored.id], "show": ["evidence"]},
                token_from="/answer")
    assert sent.status_code == 200, sent.get_data(as_text=True)[:2000]
    _assert_only_evidence_shown(employer, state)
    shared = [e for e in service.activity(account.id) if e["action"] == "shared"]
    assert any("showing evidence" in e["detail"] for e in shared)
