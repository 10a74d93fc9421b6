"""Receiving over OpenID4VCI 1.0 (pre-authorized code) from an issuer-like loopback server.

The issuer double below is a minimal Flask app built from passport_vc.oid4vci and
passport_vc.issue (the real issuer service is written separately): metadata, offer by
reference, token (with an optional transaction code), nonce, credential with key-proof checks,
and its status lists — all over real HTTP on localhost, reached through the wallet's real
Network with ``http_hosts`` naming that one host.
"""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import quote

import pytest
from flask import Flask, jsonify, request
from support.live import free_port, live_server
from wallet_support import PASSWORD, Provider, post, sign_in

from passport_vc import oid4vci
from passport_vc.did.key import public_key_from_did_key
from passport_vc.errors import FetchForbiddenError, MalformedValueError, PassportError
from passport_vc.issue import issue_credential, issue_credential_jwt
from passport_web.network import Network, NetworkSettings
from wallet import create_app
from wallet.config import WalletConfig
from wallet.offers import TxCodeRequired
from wallet.service import WalletService

CONFIGURATIONS = {
    "moving-and-handling_ldp": {"format": "ldp_vc", "name": "Moving and handling"},
    "moving-and-handling_jwt": {"format": "jwt_vc_json", "name": "Moving and handling"},
}


class IssuerDouble:
    def __init__(self, base: str, clock) -> None:
        self.base = base
        self.clock = clock
        self.provider = Provider(status_base=f"{base}/status")
        self.offers: dict[str, dict] = {}  # offer id -> {code, tx_code, ids, used}
        self.tokens: dict[str, str] = {}
        self.nonces: set[str] = set()
        self.last_index: int | None = None
        self.app = self._build()

    def make_offer(self, ids: list[str], *, tx_code: str | None = None) -> str:
        offer_id, code = secrets.token_urlsafe(8), secrets.token_urlsafe(24)
        self.offers[offer_id] = {"code": code, "tx_code": tx_code, "ids": ids, "used": False}
        return oid4vci.offer_uri(f"{self.base}/offers/{offer_id}")

    def _build(self) -> Flask:
        app = Flask("issuer-double")
        base = self.base

        @app.get("/.well-known/openid-credential-issuer")
        def metadata():
            return jsonify(oid4vci.issuer_metadata(base, CONFIGURATIONS))

        @app.get("/.well-known/oauth-authorization-server")
        def oauth():
            return jsonify(oid4vci.authorization_server_metadata(base))

        @app.get("/offers/<offer_id>")
        def offer(offer_id):
            entry = self.offers[offer_id]
            tx = {"input_mode": "numeric", "length": 6} if entry["tx_code"] else None
            return jsonify(oid4vci.credential_offer(base, entry["ids"], entry["code"], tx))

        @app.post("/token")
        def token():
            form = request.form
            entry = next((e for e in self.offers.values()
                          if e["code"] == form.get("pre-authorized_code")), None)
            if (form.get("grant_type") != oid4vci.PRE_AUTHORIZED_GRANT or entry is None
                    or entry["used"] or entry["tx_code"] not in (None, form.get("tx_code"))):
                return jsonify({"error": "invalid_grant"}), 400
            entry["used"] = True
            access = secrets.token_urlsafe(16)
            self.tokens[access] = json.dumps(entry["ids"])
            return jsonify({"access_token": access, "token_type": "Bearer", "expires_in": 300})

        @app.post("/nonce")
        def nonce():
            value = secrets.token_urlsafe(12)
            self.nonces.add(value)
            return jsonify({"c_nonce": value})

        @app.post("/credential")
        def credential():
            access = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if access not in self.tokens:
                return jsonify({"error": "invalid_token"}), 401
            body = request.get_json()
            config_id = body["credential_configuration_id"]
            proof = body["proofs"]["jwt"][0]
            claims = json.loads(_b64(proof.split(".")[1]))
            if claims.get("nonce") not in self.nonces:
                return jsonify({"error": "invalid_nonce"}), 400
            self.nonces.discard(claims["nonce"])
            try:
                holder = oid4vci.verify_proof_jwt(
                    proof, audience=base, nonce=claims["nonce"], clock=self.clock,
                    resolve_key=lambda kid: public_key_from_did_key(kid.split("#")[0]))
            except PassportError as error:
                return jsonify(oid4vci.error_response(error)), 400
            unsigned, self.last_index = self.provider.unsigned("moving-and-handling",
                                                               holder=holder)
            if CONFIGURATIONS[config_id]["format"] == "ldp_vc":
                signed = issue_credential(unsigned, self.provider.issuer_key, clock=self.clock)
            else:
                signed = issue_credential_jwt(unsigned, self.provider.issuer_key,
                                              clock=self.clock)
            return jsonify({"credentials": [{"credential": signed}]})

        @app.get("/status/<purpose>/1")
        def status(purpose):
            return jsonify(self.provider.list_document(purpose))

        return app


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def issuer(clock):
    port = free_port()
    double = IssuerDouble(f"http://localhost:{port}", clock)
    with live_server(double.app, port=port):
        yield double


@pytest.fixture
def wallet(sqlite_url, clock, issuer):
    host = issuer.base.removeprefix("http://")
    config = WalletConfig.for_tests(sqlite_url, clock=clock,
                                    network=NetworkSettings(http_hosts=frozenset({host})))
    app = create_app(config)  # the real Network: http only to the issuer double's host
    yield app
    app.extensions["wallet"].db.dispose()


def test_accepts_an_offer_preferring_ldp_vc_bound_to_the_holder(wallet, issuer):
    service: WalletService = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    link = issuer.make_offer(["moving-and-handling_jwt", "moving-and-handling_ldp"])
    stored = service.accept_offer(account.id, link)
    assert [(item.format, item.state) for item in stored] == [("ldp_vc", "valid")]
    document = service.credential(account.id, stored[0].id)["document"]
    assert document["credentialSubject"]["id"] == account.did
    assert document["issuer"]["id"] == issuer.provider.did
    with pytest.raises(MalformedValueError) as caught:  # single use
        service.accept_offer(account.id, link)
    assert "already been used" in caught.value.detail
    assert len(service.entries(account.id)) == 1


def test_jwt_vc_json_when_that_is_all_that_is_offered(wallet, issuer):
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    stored = service.accept_offer(account.id, issuer.make_offer(["moving-and-handling_jwt"]))
    assert [(item.format, item.state) for item in stored] == [("jwt_vc", "valid")]
    document = service.credential(account.id, stored[0].id)["document"]
    assert document["credentialSubject"]["id"] == account.did


def test_transaction_code_is_asked_for_and_checked(wallet, issuer):
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    link = issuer.make_offer(["moving-and-handling_ldp"], tx_code="493817")
    with pytest.raises(TxCodeRequired):
        service.accept_offer(account.id, link)
    with pytest.raises(MalformedValueError) as caught:
        service.accept_offer(account.id, link, "000000")
    assert "code you typed is wrong" in caught.value.detail
    assert service.entries(account.id) == []
    link = issuer.make_offer(["moving-and-handling_ldp"], tx_code="493817")
    assert service.accept_offer(account.id, link, "493817")[0].state == "valid"


def test_status_is_fetched_from_the_issuer_and_revocation_shows(wallet, issuer):
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    stored = service.accept_offer(account.id, issuer.make_offer(["moving-and-handling_ldp"]))
    issuer.provider.set("revocation", issuer.last_index)
    service.verifier.fetch.clear()  # the wallet caches status lists for 5 minutes
    assert service.recheck(account.id)[0].state == "revoked"
    assert service.entries(account.id)[0].id == stored[0].id


def test_offer_by_value_and_through_the_page(wallet, issuer):
    service = wallet.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    entry_id = re.search(r"offers%2F([^&]+)$", issuer.make_offer(["moving-and-handling_ldp"]))
    offer = issuer.offers[entry_id.group(1)]
    by_value = oid4vci.credential_offer(issuer.base, offer["ids"], offer["code"])
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(by_value))
    client = wallet.test_client()
    sign_in(client, "amina")
    response = post(client, "/add/offer", {"offer": link})
    assert response.status_code == 302
    assert "Moving and handling of people was added" in client.get("/record").get_data(
        as_text=True)
    coded = issuer.make_offer(["moving-and-handling_ldp"], tx_code="111222")
    page = post(client, "/add/offer", {"offer": coded}).get_data(as_text=True)
    assert 'name="tx_code"' in page and 'name="asked_code"' in page
    wrong = post(client, "/add/offer", {"offer": coded, "tx_code": "999999", "asked_code": "1"})
    assert wrong.status_code == 422 and "code you typed is wrong" in wrong.get_data(as_text=True)


def test_the_address_policy_applies_to_offers(sqlite_url, clock, issuer):
    strict = WalletConfig.for_tests(sqlite_url, clock=clock)  # no http hosts named
    app = create_app(strict, network=Network(strict.network, clock=clock))
    service = app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    with pytest.raises(FetchForbiddenError):
        service.accept_offer(account.id, issuer.make_offer(["moving-and-handling_ldp"]))
    port = issuer.base.rsplit(":", 1)[1]
    sneaky = oid4vci.offer_uri(f"http://127.0.0.1:{port}/offers/x")
    with pytest.raises(FetchForbiddenError):
        service.accept_offer(account.id, sneaky)
    assert service.entries(account.id) == []
    app.extensions["wallet"].db.dispose()
