"""Signed OpenID4VP requests end to end against the REAL verifier on a loopback server: the
verifier signs its request objects (decentralized_identifier with a did:key or its own did:web,
or x509_san_dns with a certificate from a test CA), the wallet checks the signature and the
"who is asking" panel shows the verified name, looked up in the list of known employers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from support.live import free_port, live_server
from support.pki import make_ca, make_leaf
from wallet_support import PASSWORD, Provider, post, sign_in

from passport_vc.did import did_web_to_url
from passport_vc.keys import PrivateKey
from passport_web.network import NetworkSettings
from verifier.request_signing import RequestSigning, did_web_for, for_certificate, for_did
from wallet import create_app
from wallet.config import WalletConfig


def _known(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "known-employers.json"
    path.write_text(json.dumps({"employers": list(entries)}), encoding="utf-8")
    return path


@pytest.fixture
def signed_pair(tmp_path, clock, network):
    """make(signing, **wallet_changes) -> (verifier app, wallet app, provider, base); a
    callable signing or change is given the verifier's address first."""
    from passport_vc.trust import TrustEntry, TrustList
    from verifier import create_app as verifier_app
    from verifier.config import VerifierConfig
    from verifier.service import VerifierService

    port = free_port()
    base = f"http://localhost:{port}"
    provider = Provider(network)
    opened = []

    def make(signing, **wallet_changes):
        verifier = verifier_app(VerifierConfig.for_tests(
            f"sqlite:///{tmp_path / 'verifier.db'}", clock=clock, public_url=base,
            instance_dir=tmp_path / "verifier",
            oid4vp_signing=signing(base) if callable(signing) else signing))
        state = verifier.extensions["verifier"]
        trust = TrustList("Test providers")
        trust.add(TrustEntry(provider.did, provider.name, ("skills-for-care-endorsed",),
                             datetime(2020, 1, 1, tzinfo=UTC)))
        state.service = VerifierService(state.db, state.config, network, trust)
        verifier.config["WTF_CSRF_ENABLED"] = False
        wallet = create_app(WalletConfig.for_tests(
            f"sqlite:///{tmp_path / 'wallet.db'}", clock=clock,
            network=NetworkSettings(http_hosts=frozenset({f"localhost:{port}"})),
            **{name: value(base) if callable(value) else value
               for name, value in wallet_changes.items()}), network=network)
        server = live_server(verifier, port=port)
        server.__enter__()
        opened.append((server, state, wallet))
        return verifier, wallet, provider, base

    yield make
    for server, state, wallet in opened:
        server.__exit__(None, None, None)
        wallet.extensions["wallet"].db.dispose()
        state.db.dispose()


def _ask(verifier) -> tuple[object, str, str]:
    employer = verifier.test_client()
    ask_path = employer.post("/oid4vp").headers["Location"]
    page = employer.get(ask_path).get_data(as_text=True)
    return employer, ask_path, re.search(r'href="(openid4vp://[^"]+)"',
                                         page).group(1).replace("&amp;", "&")


def _answer(wallet, provider, link):
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue("fire-safety", holder=account.did)[0])
    worker = wallet.test_client()
    sign_in(worker, "amina")
    consent = post(worker, "/answer", {"request": link}, token_from="/answer")
    return service, account, worker, consent


def _send_all(worker, page):
    ticked = re.findall(r'name="credentials" type="checkbox" value="([^"]+)" checked', page)
    return post(worker, "/answer/send", {"credentials": ticked}, token_from="/answer")


def test_did_key_signed_request_shows_the_did_confirmed_and_the_answer_is_valid(
        signed_pair, tmp_path):
    key = PrivateKey.generate("Ed25519")
    signing = for_did(key, None, "http://unused")
    verifier, wallet, provider, base = signed_pair(
        signing, known_employers_path=_known(tmp_path, {"did": signing.did,
                                                        "name": "Oak Lodge Care"}))
    employer, ask_path, link = _ask(verifier)
    assert "client_id=decentralized_identifier%3Adid%3Akey%3A" in link
    assert f"The request is signed as <strong class=\"oid4vp-link\">{signing.did}" in \
        employer.get(ask_path).get_data(as_text=True)
    request_uri = re.search(r"request_uri=([^&]+)", link).group(1)
    from urllib.parse import unquote

    served = employer.get(unquote(request_uri).removeprefix(base))
    assert served.mimetype == "application/oauth-authz-req+jwt"
    assert served.get_data(as_text=True).count(".") == 2

    service, account, worker, consent = _answer(wallet, provider, link)
    page = consent.get_data(as_text=True)
    assert consent.status_code == 200, page[:800]
    assert "Oak Lodge Care asks for your training" in page
    assert re.search(r'id="asker-did">' + re.escape(signing.did)
                     + r' <strong class="govuk-tag govuk-tag--green">Confirmed by signature',
                     page)
    assert 'id="asker-host"' not in page  # a did:key names no website
    assert 'id="asker-answer-host">localhost:' in page
    sent = _send_all(worker, page)
    assert sent.status_code == 200, sent.get_data(as_text=True)[:800]
    state = ask_path.rsplit("/", 1)[1]
    result = employer.get(employer.get(f"/oid4vp/status/{state}").get_json()["result_url"])
    assert "Result: Valid" in result.get_data(as_text=True)
    event = next(e for e in service.activity(account.id) if e["action"] == "shared")
    assert f"Oak Lodge Care ({signing.did}, confirmed by signature" in event["detail"]


def test_did_web_of_the_verifier_itself_shows_its_website(signed_pair, tmp_path, network):
    key = PrivateKey.generate("P-256")
    verifier, wallet, provider, base = signed_pair(
        lambda base: for_did(key, did_web_for(base), base),
        known_employers_path=lambda base: _known(
            tmp_path, {"host": base.removeprefix("http://"), "name": "Rosewood Care Home"}))
    did = did_web_for(base)
    document = verifier.test_client().get("/.well-known/did.json")
    assert document.status_code == 200 and document.get_json()["id"] == did
    # the wallet's resolver reads the verifier's did.json (the test network's copy of it)
    network.fetcher.documents[did_web_to_url(did)] = document.get_data()
    _employer, _path, link = _ask(verifier)
    _service, _account, _worker, consent = _answer(wallet, provider, link)
    page = consent.get_data(as_text=True)
    assert consent.status_code == 200, page[:800]
    assert "Rosewood Care Home asks for your training" in page
    assert f'id="asker-host">{base.removeprefix("http://")} <strong class="govuk-tag ' \
           'govuk-tag--green">Confirmed by signature' in page
    assert f'id="asker-did">{did}' in page


def test_x509_signed_request_shows_the_certified_name(signed_pair, tmp_path, clock):
    ca = make_ca(now=clock())
    leaf_key, leaf = make_leaf(ca, "localhost", now=clock())
    anchors = tmp_path / "roots.pem"
    anchors.write_bytes(ca[1].public_bytes(Encoding.PEM))
    verifier, wallet, provider, base = signed_pair(
        lambda base: for_certificate(leaf_key.to_cryptography(), (leaf,), base),
        oid4vp_trust_anchors_path=anchors,
        known_employers_path=_known(tmp_path, {"host": "localhost", "name": "Rosewood"}))
    employer, ask_path, link = _ask(verifier)
    assert "client_id=x509_san_dns%3Alocalhost" in link
    _service, _account, worker, consent = _answer(wallet, provider, link)
    page = consent.get_data(as_text=True)
    assert consent.status_code == 200, page[:800]
    assert 'id="asker-host">localhost <strong class="govuk-tag govuk-tag--green">Confirmed by ' \
           'signature' in page
    assert "signed with a certificate for <strong>localhost</strong>" in page
    assert "Rosewood asks for your training" in page
    assert _send_all(worker, page).status_code == 200
    state = ask_path.rsplit("/", 1)[1]
    assert employer.get(f"/oid4vp/status/{state}").get_json()["answered"] is True


def test_x509_request_from_a_root_the_wallet_does_not_trust_is_refused(signed_pair, tmp_path,
                                                                       clock):
    ca, other = make_ca(now=clock()), make_ca("Another root", now=clock())
    leaf_key, leaf = make_leaf(ca, "localhost", now=clock())
    anchors = tmp_path / "roots.pem"
    anchors.write_bytes(other[1].public_bytes(Encoding.PEM))
    verifier, wallet, provider, _base = signed_pair(
        lambda base: for_certificate(leaf_key.to_cryptography(), (leaf,), base),
        oid4vp_trust_anchors_path=anchors)
    _employer, _path, link = _ask(verifier)
    _service, _account, _worker, consent = _answer(wallet, provider, link)
    assert consent.status_code == 422
    assert "does not lead to a trusted root certificate" in consent.get_data(as_text=True)


def test_unsigned_verifier_keeps_redirect_uri(signed_pair):
    verifier, _wallet, _provider, base = signed_pair(RequestSigning())
    employer, path, link = _ask(verifier)
    assert "client_id=redirect_uri%3Ahttp" in link
    assert "signed as" not in employer.get(path).get_data(as_text=True)
    assert verifier.test_client().get("/.well-known/did.json").status_code == 404


@pytest.mark.browser
def test_signed_request_answered_in_a_real_browser_shows_the_verified_name(
        signed_pair, tmp_path, network):
    """In Chromium: the verifier signs with its own did:web; the wallet shows its website and
    DID confirmed by signature and the employer's name from the list; Send; the employer sees
    a valid answer. axe finds nothing on the consent page."""
    from playwright.sync_api import sync_playwright
    from support.browser import axe_violations, launch

    key = PrivateKey.generate("Ed25519")
    verifier, wallet, provider, base = signed_pair(
        lambda base: for_did(key, did_web_for(base), base),
        known_employers_path=lambda base: _known(
            tmp_path, {"host": base.removeprefix("http://"), "name": "Rosewood Care Home"}))
    did = did_web_for(base)
    network.fetcher.documents[did_web_to_url(did)] = \
        verifier.test_client().get("/.well-known/did.json").get_data()
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue("fire-safety", holder=account.did)[0])
    employer, ask_path, link = _ask(verifier)
    host = base.removeprefix("http://")
    with live_server(wallet) as wallet_base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 900})
            page.goto(wallet_base + "/sign-in")
            page.get_by_label("Email address or user name").fill("amina")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.goto(wallet_base + "/answer")
            page.get_by_label("The employer's request").fill(link)
            page.get_by_role("button", name="Continue").click()
            assert page.locator("h1").inner_text() == "Rosewood Care Home asks for your training"
            assert page.locator("#asker-host").inner_text() == f"{host} Confirmed by signature"
            assert page.locator("#asker-did").inner_text() == f"{did} Confirmed by signature"
            assert page.locator("#asker-known").inner_text() == "Yes"
            assert "signed with a key of" in page.locator("#asker-proof").inner_text()
            assert axe_violations(page) == []
            page.get_by_role("button", name="Send").click()
            assert page.locator("h1").inner_text() == "Your training was sent"
        finally:
            browser.close()
    state = ask_path.rsplit("/", 1)[1]
    result = employer.get(employer.get(f"/oid4vp/status/{state}").get_json()["result_url"])
    assert "Result: Valid" in result.get_data(as_text=True)


# --- pure: the signed request by value, and what a signature cannot excuse --------------------
def _signed_link(token: str, client_id: str) -> str:
    from urllib.parse import urlencode

    return "openid4vp://?" + urlencode({"client_id": client_id, "request": token})


def _request_body(client_id: str, response_uri: str) -> dict:
    return {"client_id": client_id, "response_type": "vp_token",
            "response_mode": "direct_post", "response_uri": response_uri, "nonce": "n-1",
            "state": "s-1", "dcql_query": {"credentials": [{
                "id": "training", "format": "ldp_vc"}]}}


def _reader(clock, **options):
    from passport_vc.did import default_resolver
    from passport_vc.oid4vp_request import verify_request_object
    from wallet.oid4vp import PresentationClient

    return PresentationClient(None, lambda token: verify_request_object(
        token, resolver=default_resolver(), clock=clock, **options))


def test_signed_request_by_value_is_read_and_bound_to_its_link(clock):
    from passport_vc.errors import MalformedValueError
    from passport_vc.oid4vp_request import sign_request_object

    signing = for_did(PrivateKey.generate("Ed25519"), None, "http://unused")
    client_id = f"decentralized_identifier:{signing.did}"
    token = sign_request_object(_request_body(client_id, "https://oak.example/r"), signing.key,
                                kid=signing.kid)
    asked = _reader(clock).read(_signed_link(token, client_id))
    assert (asked.signed_by, asked.verified_name, asked.client_id) == (
        "decentralized_identifier", signing.did, client_id)
    other = f"decentralized_identifier:{for_did(PrivateKey.generate('Ed25519'), None, '').did}"
    with pytest.raises(MalformedValueError, match="does not match its QR code"):
        _reader(clock).read(_signed_link(token, other))
    with pytest.raises(MalformedValueError, match="cannot check signed requests"):
        from wallet.oid4vp import PresentationClient

        PresentationClient(None).read(_signed_link(token, client_id))


def test_certificate_cannot_send_the_answer_to_another_host(clock):
    from passport_vc.errors import MalformedValueError
    from passport_vc.oid4vp_request import sign_request_object

    ca = make_ca(now=clock())
    key, leaf = make_leaf(ca, "rosewood.example", now=clock())
    client_id = "x509_san_dns:rosewood.example"
    token = sign_request_object(_request_body(client_id, "https://collector.example/r"), key,
                                x5c=[leaf])
    with pytest.raises(MalformedValueError, match="certificate is for rosewood.example"):
        _reader(clock, trust_anchors=[ca[1]]).read(_signed_link(token, client_id))
    fine = sign_request_object(_request_body(client_id, "https://rosewood.example/r"), key,
                               x5c=[leaf])
    assert _reader(clock, trust_anchors=[ca[1]]).read(
        _signed_link(fine, client_id)).verified_host == "rosewood.example"
