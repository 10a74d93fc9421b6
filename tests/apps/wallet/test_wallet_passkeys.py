"""Passkeys (W3C Web Authentication Level 3) in the wallet: adding one, signing in with it, and
the checks of §7.1/§7.2 that matter here — wrong origin, reused or expired challenge, a
signature counter that goes back, another account's passkey, removal.

The authenticator is real cryptography, not a mock: ``SoftAuthenticator`` holds an EC P-256 key
and builds authenticatorData (§6.1), clientDataJSON (§5.8.1), a "none" attestation object
(§8.7) and ECDSA assertions exactly as a device does, so the wallet's verification (py_webauthn)
runs on genuine bytes. The last test drives headless Chromium with the DevTools virtual
authenticator (ctap2, internal transport, resident keys, user verification).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import struct
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from wallet_support import PASSWORD
from webauthn.helpers import bytes_to_base64url, encode_cbor

from passport_vc.clock import fixed_clock, format_datetime
from tests.conftest import NOW
from wallet import create_app
from wallet.config import WalletConfig
from wallet.passkeys import PasskeyError, relying_party

ORIGIN = "http://localhost:5002"  # WalletConfig.for_tests' public_url
RP_ID = "localhost"
FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return bytes_to_base64url(data)


class SoftAuthenticator:
    """One passkey on a pretend device: the private key never leaves it."""

    def __init__(self, rp_id: str = RP_ID, origin: str = ORIGIN) -> None:
        self.rp_id, self.origin = rp_id, origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.sign_count = 0
        self.user_handle: bytes | None = None

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        return (hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags])
                + struct.pack(">I", self.sign_count) + attested)

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge,
                           "origin": origin or self.origin, "crossOrigin": False}).encode()

    def create(self, options: dict, *, origin: str | None = None) -> dict:
        """navigator.credentials.create(): a "none" attestation, as RegistrationResponseJSON."""
        self.user_handle = _unb64(options["user"]["id"])
        attested = (bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
                    + self._cose_key())
        auth_data = self._auth_data(FLAG_UP | FLAG_UV | FLAG_AT, attested)
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id),
                "type": "public-key", "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": b64(client_data),
                             "attestationObject": b64(attestation), "transports": ["internal"]}}

    def get(self, options: dict, *, origin: str | None = None, count: int | None = None,
            user_handle: bytes | None = None, credential_id: bytes | None = None) -> dict:
        """navigator.credentials.get(): a signed assertion, as AuthenticationResponseJSON."""
        self.sign_count = self.sign_count + 1 if count is None else count
        auth_data = self._auth_data(FLAG_UP | FLAG_UV)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        raw_id = credential_id or self.credential_id
        return {"id": b64(raw_id), "rawId": b64(raw_id), "type": "public-key",
                "clientExtensionResults": {}, "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": b64(client_data),
                             "authenticatorData": b64(auth_data), "signature": b64(signature),
                             "userHandle": b64(user_handle or self.user_handle)}}


def _unb64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """A Flask test client that behaves like the page script: CSRF token from the meta tag."""

    def __init__(self, app) -> None:
        self.client = app.test_client()
        self.token = ""

    def page(self, path: str):
        response = self.client.get(path)
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', response.text) or \
            re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.token = found.group(1)
        return response

    def post_json(self, path: str, body: dict | None = None):
        return self.client.post(path, json=body or {}, headers={"X-CSRFToken": self.token,
                                                                "Accept": "application/json"})

    def sign_in_with_password(self, login: str, password: str = PASSWORD):
        self.page("/sign-in")
        response = self.client.post("/sign-in", data={"login": login, "password": password,
                                                      "csrf_token": self.token})
        assert response.status_code == 302
        self.page("/account")

    def add_passkey(self, device: SoftAuthenticator, name: str = "My phone", **kwargs):
        options = self.post_json("/passkeys/add/options")
        assert options.status_code == 200, options.json
        credential = device.create(options.json["publicKey"], **kwargs)
        return self.post_json("/passkeys/add", {"credential": credential, "name": name})

    def sign_in_with_passkey(self, device: SoftAuthenticator, next_page: str = "", **kwargs):
        self.page("/sign-in")
        options = self.post_json("/passkeys/sign-in/options")
        assert options.status_code == 200, options.json
        credential = device.get(options.json["publicKey"], **kwargs)
        return self.post_json("/passkeys/sign-in", {"credential": credential,
                                                    "next": next_page})

    def signed_in(self) -> bool:
        return self.client.get("/record").status_code == 200


@pytest.fixture
def amina(service):
    return service.create_account("amina@example.com", PASSWORD, "Amina Okafor")


@pytest.fixture
def ben(service):
    return service.create_account("ben@example.com", PASSWORD, "Ben Harris")


def passkey_rows(app, account_id: str):
    return app.extensions["wallet_passkeys"].passkeys(account_id)


def actions(service, account_id: str) -> list[str]:
    return [event["action"] for event in service.activity(account_id)]


# --- adding and signing in ------------------------------------------------------------------
def test_add_a_passkey_then_sign_in_with_it_without_typing_anything(app, service, amina):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    options = browser.post_json("/passkeys/add/options").json["publicKey"]
    assert options["rp"]["id"] == RP_ID
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert _unb64(options["user"]["id"]) == amina.id.encode()  # no personal data in the handle

    added = browser.add_passkey(phone, name="  My   phone ")
    assert added.status_code == 201, added.json
    assert added.json["name"] == "My phone"
    account_page = browser.page("/account").text
    assert "Passkey added: My phone" in account_page
    assert "My phone" in account_page and "Last used: not yet" in account_page
    assert "Add a passkey" in account_page

    anonymous = Browser(app)
    assert not anonymous.signed_in()
    response = anonymous.sign_in_with_passkey(phone, next_page="/share")
    assert response.status_code == 200, response.json
    assert response.json == {"signedIn": True, "next": "/share"}
    assert anonymous.signed_in()
    assert "Last used: 24 November 2026 at 12:00" in anonymous.page("/account").text
    assert actions(service, amina.id)[:2] == ["passkey-sign-in", "passkey-added"]
    # A second sign-in with a higher counter works too; the counter is kept.
    assert Browser(app).sign_in_with_passkey(phone).json["next"] == "/record"


def test_the_sign_in_page_keeps_the_password_form_and_hides_the_passkey_button(app):
    page = Browser(app).page("/sign-in").text
    assert 'name="password"' in page and 'autocomplete="current-password"' in page
    section = re.search(r"<div data-passkey-sign-in[^>]*>", page).group(0)
    assert " hidden" in section  # shown only by passkeys.js when the browser has passkeys
    assert "Sign in with a passkey" in page
    assert re.search(r'<script type="module" src="/static/wallet/passkeys.js">', page)
    assert "<script>" not in page  # no inline script (CSP)


def test_a_passkey_made_for_another_site_is_refused(app, amina):
    browser = Browser(app)
    browser.sign_in_with_password("amina@example.com")
    response = browser.add_passkey(SoftAuthenticator(), origin="https://evil.example")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "different website" in response.json["detail"]
    assert passkey_rows(app, amina.id) == []

    phone = SoftAuthenticator()
    assert browser.add_passkey(phone).status_code == 201
    response = Browser(app).sign_in_with_passkey(phone, origin="https://evil.example")
    assert response.status_code == 401 and "different website" in response.json["detail"]
    other_rp = SoftAuthenticator(rp_id="evil.example")
    other_rp.credential_id, other_rp.key = phone.credential_id, phone.key
    other_rp.user_handle = phone.user_handle
    response = Browser(app).sign_in_with_passkey(other_rp)
    assert response.status_code == 401 and "different website" in response.json["detail"]


def test_a_challenge_works_once_and_expires(app, service, amina):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    assert browser.add_passkey(phone).status_code == 201

    # Same answer sent again through the web: the session no longer names a challenge.
    visitor = Browser(app)
    visitor.page("/sign-in")
    options = visitor.post_json("/passkeys/sign-in/options").json["publicKey"]
    answer = phone.get(options)
    assert visitor.post_json("/passkeys/sign-in", {"credential": answer}).status_code == 200
    visitor.page("/sign-in")  # signing in made a new session: a fresh CSRF token
    replay = visitor.post_json("/passkeys/sign-in", {"credential": answer})
    assert replay.status_code == 401 and "took too long" in replay.json["detail"]

    # Even with the old session cookie's challenge id, the stored challenge is gone.
    passkeys = app.extensions["wallet_passkeys"]
    ceremony = passkeys.sign_in_options()
    answer = phone.get(ceremony.options)
    assert passkeys.finish_sign_in(ceremony.id, answer) == amina.id
    with pytest.raises(PasskeyError, match="took too long"):
        passkeys.finish_sign_in(ceremony.id, phone.get(ceremony.options))

    # A challenge from the add ceremony cannot sign anyone in, nor the reverse.
    add = passkeys.add_options(amina.id)
    with pytest.raises(PasskeyError):
        passkeys.finish_sign_in(add.id, phone.get(add.options))
    assert len(passkey_rows(app, amina.id)) == 1


def test_an_expired_challenge_is_refused(database_url, network):
    moments = [NOW]
    app = create_app(WalletConfig.for_tests(database_url, clock=lambda: moments[0]),
                     network=network)
    try:
        service = app.extensions["wallet"]
        account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
        passkeys, phone = app.extensions["wallet_passkeys"], SoftAuthenticator()
        ceremony = passkeys.add_options(account.id)
        moments[0] = NOW + timedelta(minutes=5, seconds=1)
        with pytest.raises(PasskeyError, match="five minutes"):
            passkeys.finish_add(account.id, ceremony.id, phone.create(ceremony.options))
        assert passkeys.passkeys(account.id) == []
    finally:
        app.extensions["wallet"].db.dispose()


def test_a_signature_counter_that_goes_back_is_refused_and_logged(app, service, amina):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    assert browser.add_passkey(phone).status_code == 201
    assert Browser(app).sign_in_with_passkey(phone, count=5).status_code == 200

    for count in (5, 3):  # the same counter again, or a lower one: a copied passkey
        copy = Browser(app)
        response = copy.sign_in_with_passkey(phone, count=count)
        assert response.status_code == 401
        assert "may have been copied" in response.json["detail"]
        assert not copy.signed_in()
    assert actions(service, amina.id)[:2] == ["passkey-refused", "passkey-refused"]
    assert Browser(app).sign_in_with_passkey(phone, count=6).status_code == 200


def test_a_forged_counter_warning_needs_a_good_signature(app, service, amina):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    assert browser.add_passkey(phone).status_code == 201
    assert Browser(app).sign_in_with_passkey(phone, count=5).status_code == 200
    forger = SoftAuthenticator()  # knows the credential id, not the key
    forger.user_handle = phone.user_handle
    response = Browser(app).sign_in_with_passkey(forger, count=1,
                                                 credential_id=phone.credential_id)
    assert response.status_code == 401 and "did not work" in response.json["detail"]
    assert "passkey-refused" not in actions(service, amina.id)


def test_another_accounts_passkey_cannot_sign_in_as_you(app, amina, ben):
    amina_phone, ben_phone = SoftAuthenticator(), SoftAuthenticator()
    for login, device in (("amina@example.com", amina_phone), ("ben@example.com", ben_phone)):
        browser = Browser(app)
        browser.sign_in_with_password(login)
        assert browser.add_passkey(device).status_code == 201

    # Ben's passkey claiming to be Amina's user: refused.
    response = Browser(app).sign_in_with_passkey(ben_phone, user_handle=amina.id.encode())
    assert response.status_code == 401
    # Ben's key presenting Amina's credential id: the signature does not match her key.
    response = Browser(app).sign_in_with_passkey(ben_phone, user_handle=amina.id.encode(),
                                                 credential_id=amina_phone.credential_id)
    assert response.status_code == 401
    # Ben's own passkey signs in Ben, and only Ben.
    visitor = Browser(app)
    assert visitor.sign_in_with_passkey(ben_phone).status_code == 200
    assert "ben@example.com" in visitor.page("/account").text
    assert "amina@example.com" not in visitor.page("/account").text

    # Ben cannot remove (or even see) Amina's passkey.
    amina_key = passkey_rows(app, amina.id)[0]
    assert visitor.client.get(f"/passkeys/{amina_key.id}/remove").status_code == 404
    response = visitor.client.post(f"/passkeys/{amina_key.id}/remove",
                                   data={"csrf_token": visitor.token, "password": PASSWORD})
    assert response.status_code == 404
    assert len(passkey_rows(app, amina.id)) == 1
    # Nor can Ben finish an add ceremony Amina started.
    passkeys = app.extensions["wallet_passkeys"]
    ceremony = passkeys.add_options(amina.id)
    with pytest.raises(PasskeyError):
        passkeys.finish_add(ben.id, ceremony.id, SoftAuthenticator().create(ceremony.options))
    assert len(passkey_rows(app, ben.id)) == 1


def test_the_same_passkey_cannot_be_added_twice(app, amina, ben):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    assert browser.add_passkey(phone).status_code == 201
    options = browser.post_json("/passkeys/add/options").json["publicKey"]
    assert options["excludeCredentials"][0]["id"] == b64(phone.credential_id)
    response = browser.post_json("/passkeys/add", {"credential": phone.create(options)})
    assert response.status_code == 409
    other = Browser(app)
    other.sign_in_with_password("ben@example.com")
    assert other.add_passkey(phone).status_code == 409  # not moved to another account either
    assert len(passkey_rows(app, amina.id)) == 1 and passkey_rows(app, ben.id) == []


# --- removing -------------------------------------------------------------------------------
def test_removing_a_passkey_needs_the_password_once_the_sign_in_is_not_recent(app, service,
                                                                               amina):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    assert browser.add_passkey(phone, name="Work phone").status_code == 201
    with browser.client.session_transaction() as session:  # signed in an hour ago
        session["signed_in_at"] = format_datetime(service.now() - timedelta(hours=1))
    passkey = passkey_rows(app, amina.id)[0]
    account = browser.page("/account").text
    assert f'href="/passkeys/{passkey.id}/remove"' in account

    page = browser.page(f"/passkeys/{passkey.id}/remove").text
    assert "Remove the passkey “Work phone”?" in page and 'name="password"' in page
    for password, status, message in (("", 422, "Enter your password"),
                                      ("wrong password", 401, "password is not right")):
        response = browser.client.post(f"/passkeys/{passkey.id}/remove",
                                       data={"csrf_token": browser.token, "password": password})
        assert response.status_code == status
        assert message in response.text and "govuk-error-summary" in response.text
        assert len(passkey_rows(app, amina.id)) == 1
    response = browser.client.post(f"/passkeys/{passkey.id}/remove",
                                   data={"csrf_token": browser.token, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/account")
    assert passkey_rows(app, amina.id) == []
    assert "Passkey removed: Work phone" in browser.page("/account").text
    assert actions(service, amina.id)[0] == "passkey-removed"
    # A removed passkey no longer signs in.
    response = Browser(app).sign_in_with_passkey(phone)
    assert response.status_code == 401 and "not linked to an account" in response.json["detail"]


def test_a_recent_passkey_sign_in_removes_without_the_password(app, amina):
    setup, phone, laptop = Browser(app), SoftAuthenticator(), SoftAuthenticator()
    setup.sign_in_with_password("amina@example.com")
    assert setup.add_passkey(phone, name="Phone").status_code == 201
    assert setup.add_passkey(laptop, name="Laptop").status_code == 201
    browser = Browser(app)
    assert browser.sign_in_with_passkey(phone).status_code == 200
    laptop_key = next(item for item in passkey_rows(app, amina.id) if item.name == "Laptop")
    page = browser.page(f"/passkeys/{laptop_key.id}/remove").text
    assert 'name="password"' not in page
    response = browser.client.post(f"/passkeys/{laptop_key.id}/remove",
                                   data={"csrf_token": browser.token})
    assert response.status_code == 302
    assert [item.name for item in passkey_rows(app, amina.id)] == ["Phone"]


def test_recent_means_ten_minutes(app):
    passkeys = app.extensions["wallet_passkeys"]
    assert passkeys.needs_password(None)
    assert not passkeys.needs_password(NOW - timedelta(minutes=9))
    assert passkeys.needs_password(NOW - timedelta(minutes=11))
    assert passkeys.needs_password(NOW + timedelta(hours=1))  # a clock from the future: no


# --- bad input and access -------------------------------------------------------------------
def test_bad_requests_get_clear_problems_and_change_nothing(app, amina):
    anonymous = Browser(app)
    anonymous.page("/sign-in")
    response = anonymous.post_json("/passkeys/add/options")
    assert response.status_code == 401 and "Sign in first" in response.json["detail"]
    response = anonymous.client.post("/passkeys/sign-in/options")  # no CSRF token, no JSON
    assert response.status_code == 400 and response.mimetype == "application/problem+json"

    browser = Browser(app)
    browser.sign_in_with_password("amina@example.com")
    assert browser.post_json("/passkeys/add/options").status_code == 200
    for body, status in (({}, 400), ({"credential": "text"}, 400),
                         ({"credential": {"id": "x"}}, 401),
                         ({"credential": {"id": "AA", "rawId": "AA", "type": "public-key",
                                          "response": {"clientDataJSON": "!!",
                                                       "attestationObject": "@@"}}}, 401),
                         ({"credential": {}, "name": 7}, 422)):
        browser.post_json("/passkeys/add/options")
        response = browser.post_json("/passkeys/add", body)
        assert response.status_code == status, (body, response.json)
        assert response.mimetype == "application/problem+json"
        assert response.json["detail"] and "Traceback" not in response.json["detail"]
    ceremony_options = browser.post_json("/passkeys/add/options").json["publicKey"]
    response = browser.post_json("/passkeys/add", {"credential": SoftAuthenticator().create(
        ceremony_options), "name": "x" * 101})
    assert response.status_code == 422 and "100 characters" in response.json["detail"]
    response = browser.client.post("/passkeys/add", data="not json",
                                   headers={"X-CSRFToken": browser.token,
                                            "Content-Type": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert passkey_rows(app, amina.id) == []

    visitor = Browser(app)
    visitor.page("/sign-in")
    visitor.post_json("/passkeys/sign-in/options")
    for body in ({"credential": []}, {"credential": {"id": "AA", "rawId": "AA",
                                                     "type": "public-key", "response": {
                                                         "clientDataJSON": "e30",
                                                         "authenticatorData": "AA",
                                                         "signature": "AA",
                                                         "userHandle": "%%%"}}}):
        visitor.post_json("/passkeys/sign-in/options")
        response = visitor.post_json("/passkeys/sign-in", body)
        assert response.status_code in (400, 401), body
        assert response.mimetype == "application/problem+json"
    assert not visitor.signed_in()


def test_sign_in_never_redirects_off_the_site(app, amina):
    setup, phone = Browser(app), SoftAuthenticator()
    setup.sign_in_with_password("amina@example.com")
    assert setup.add_passkey(phone).status_code == 201
    for next_page in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = Browser(app).sign_in_with_passkey(phone, next_page=next_page)
        assert response.json["next"] == "/record"


def test_a_helper_cannot_add_passkeys_to_the_worker_they_help(app, service, amina, ben):
    service.authorise_helper(amina.id, "ben@example.com", scope="both")
    browser = Browser(app)
    browser.sign_in_with_password("ben@example.com")
    with browser.client.session_transaction() as session:
        session["acting_for"] = amina.id
    response = browser.post_json("/passkeys/add/options")
    assert response.status_code == 403
    assert passkey_rows(app, amina.id) == []


def test_relying_party_comes_from_the_public_address():
    assert relying_party("http://localhost:5002") == ("localhost", "http://localhost:5002")
    assert relying_party("https://Wallet.Example:443/base/") == ("wallet.example",
                                                                "https://wallet.example")
    assert relying_party("https://wallet.example:8443") == ("wallet.example",
                                                           "https://wallet.example:8443")
    with pytest.raises(ValueError):
        relying_party("wallet.example")


def test_passkey_responses_match_the_openapi_document(sqlite_app):
    from passport_web.openapi import load_openapi
    from tests.support.openapi import ResponseChecker, route_coverage

    document = load_openapi("wallet")
    coverage = route_coverage(sqlite_app, document,
                              lambda endpoint: not endpoint.startswith("passkeys.")
                              or endpoint == "passkeys.remove")
    assert coverage.undocumented == set()
    assert {path for _method, path in coverage.unrouted if path.startswith("/passkeys/")} == set()

    checker = ResponseChecker(document)
    service = sqlite_app.extensions["wallet"]
    service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    browser, phone = Browser(sqlite_app), SoftAuthenticator()
    browser.page("/sign-in")
    assert checker.check_flask("POST", "/passkeys/add/options",
                               browser.post_json("/passkeys/add/options")) == []  # 401
    assert checker.check_flask("POST", "/passkeys/sign-in/options",
                               browser.client.post("/passkeys/sign-in/options")) == []  # 400
    browser.sign_in_with_password("amina@example.com")
    options = browser.post_json("/passkeys/add/options")
    assert options.status_code == 200
    assert checker.check_flask("POST", "/passkeys/add/options", options) == []
    credential = phone.create(options.json["publicKey"])
    assert checker.request_schema_errors("POST", "/passkeys/add",
                                         {"credential": credential, "name": "Phone"}) == []
    added = browser.post_json("/passkeys/add", {"credential": credential, "name": "Phone"})
    assert added.status_code == 201 and checker.check_flask("POST", "/passkeys/add", added) == []
    again = browser.post_json("/passkeys/add", {"credential": credential})
    assert again.status_code == 401 and checker.check_flask("POST", "/passkeys/add", again) == []

    visitor = Browser(sqlite_app)
    visitor.page("/sign-in")
    options = visitor.post_json("/passkeys/sign-in/options")
    assert checker.check_flask("POST", "/passkeys/sign-in/options", options) == []
    answer = phone.get(options.json["publicKey"])
    assert checker.request_schema_errors("POST", "/passkeys/sign-in",
                                         {"credential": answer, "next": "/record"}) == []
    signed_in = visitor.post_json("/passkeys/sign-in", {"credential": answer})
    assert signed_in.status_code == 200
    assert checker.check_flask("POST", "/passkeys/sign-in", signed_in) == []
    visitor.page("/sign-in")
    replay = visitor.post_json("/passkeys/sign-in", {"credential": answer})
    assert replay.status_code == 401
    assert checker.check_flask("POST", "/passkeys/sign-in", replay) == []


# --- a real browser -------------------------------------------------------------------------
@pytest.mark.browser
def test_real_browser_adds_a_passkey_and_signs_in_with_it(tmp_path, network):
    from playwright.sync_api import sync_playwright
    from support.browser import axe_violations, launch
    from support.live import free_port, live_server

    port = free_port()
    config = WalletConfig.for_tests(f"sqlite:///{tmp_path / 'wallet.db'}",
                                    clock=fixed_clock(NOW), public_url=f"http://localhost:{port}")
    app = create_app(config, network=network)
    service = app.extensions["wallet"]
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    try:
        with live_server(app, port) as base, sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page(viewport={"width": 1024, "height": 800})
                cdp = page.context.new_cdp_session(page)
                cdp.send("WebAuthn.enable")
                authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
                    "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                    "hasUserVerification": True, "isUserVerified": True,
                    "automaticPresenceSimulation": True}})["authenticatorId"]

                page.goto(base + "/sign-in")
                assert page.get_by_role("button", name="Sign in with a passkey").is_visible()
                assert axe_violations(page) == []
                page.get_by_label("Email address or user name").fill("amina@example.com")
                page.get_by_label("Password", exact=True).fill(PASSWORD)
                page.get_by_role("button", name="Sign in", exact=True).click()
                page.wait_for_url("**/record")

                page.goto(base + "/account")
                assert page.get_by_text("You have not added a passkey.").is_visible()
                assert axe_violations(page) == []
                page.get_by_label("Name for the new passkey (optional)").fill("Test laptop")
                page.get_by_role("button", name="Add a passkey").click()
                page.get_by_text("Passkey added: Test laptop").wait_for()
                assert page.get_by_text("Last used: not yet").is_visible()
                assert axe_violations(page) == []
                stored = cdp.send("WebAuthn.getCredentials",
                                  {"authenticatorId": authenticator})["credentials"]
                assert len(stored) == 1 and stored[0]["isResidentCredential"]

                page.get_by_role("button", name="Sign out").click()
                page.wait_for_url("**/sign-in")
                page.get_by_role("button", name="Sign in with a passkey").click()
                page.wait_for_url("**/record")
                assert page.get_by_role("heading", name="Your training record").is_visible()
                page.goto(base + "/account")
                assert page.get_by_text("Last used: 24 November 2026 at 12:00").is_visible()
                assert axe_violations(page) == []

                page.set_viewport_size({"width": 320, "height": 640})
                assert page.evaluate("document.documentElement.scrollWidth") <= 320
                page.set_viewport_size({"width": 1024, "height": 800})

                page.get_by_role("link", name="Remove the passkey Test laptop").click()
                assert page.get_by_role("heading", name="Remove the passkey “Test laptop”?")\
                    .is_visible()
                assert axe_violations(page) == []
                page.get_by_role("button", name="Yes, remove this passkey").click()
                page.get_by_text("Passkey removed: Test laptop").wait_for()
                assert page.get_by_text("You have not added a passkey.").is_visible()
            finally:
                browser.close()
        assert passkey_rows(app, account.id) == []
        assert {"passkey-added", "passkey-sign-in", "passkey-removed"} <= set(
            actions(service, account.id))
    finally:
        service.db.dispose()


def test_a_recent_password_sign_in_removes_without_asking_again(app, amina):
    browser, phone = Browser(app), SoftAuthenticator()
    browser.sign_in_with_password("amina@example.com")
    assert browser.add_passkey(phone, name="Work phone").status_code == 201
    passkey = passkey_rows(app, amina.id)[0]
    page = browser.page(f"/passkeys/{passkey.id}/remove").text
    assert 'name="password"' not in page
