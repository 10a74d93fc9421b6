"""The issuer behind a real HTTP server on loopback: a wallet-like client runs the OpenID4VCI
flow with ``requests``, and the core verifier resolves the provider's did:web and fetches its
status lists over HTTP (the demo's PASSPORT_HTTP_HOSTS setting, nothing else relaxed)."""

from __future__ import annotations

from datetime import date

import requests

from issuer import create_app
from issuer.config import IssuerConfig
from passport_vc.oid4vci import PRE_AUTHORIZED_GRANT, make_proof_jwt, parse_offer_uri
from passport_web.network import Network, NetworkSettings
from tests.support.live import free_port, live_server


def test_offer_to_wallet_and_verification_over_http(sqlite_url, tmp_path, clock, holder):
    port = free_port()
    base = f"http://localhost:{port}"
    config = IssuerConfig.for_tests(sqlite_url, tmp_path, clock=clock, public_url=base)
    app = create_app(config)
    service = app.extensions["issuer"]
    provider = service.providers.create_provider("Acme Care Training", "acme")
    assert provider.did == f"did:web:localhost%3A{port}:providers:acme"
    record = service.issuance.issue("acme", "safeguarding-adults", subject_name="Sam Taylor",
                           completed=date(2026, 6, 1))
    offer = service.delivery.create_offer(record.id)
    key, did, vm = holder
    with live_server(app, port), requests.Session() as http:
        offer_url = parse_offer_uri(offer.uri)["credential_offer_uri"]
        offered = http.get(offer_url, timeout=5).json()
        metadata = http.get(offered["credential_issuer"]
                            + "/.well-known/openid-credential-issuer", timeout=5).json()
        token = http.post(metadata["token_endpoint"], data={
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offered["grants"][PRE_AUTHORIZED_GRANT][
                "pre-authorized_code"]}, timeout=5).json()["access_token"]
        nonce = http.post(metadata["nonce_endpoint"], timeout=5).json()["c_nonce"]
        proof = make_proof_jwt(key, kid=vm, audience=metadata["credential_issuer"],
                               nonce=nonce, clock=clock)
        answer = http.post(metadata["credential_endpoint"], json={
            "credential_configuration_id": offered["credential_configuration_ids"][0],
            "proofs": {"jwt": [proof]}}, headers={"Authorization": f"Bearer {token}"},
            timeout=5)
        assert answer.status_code == 200, answer.text
        credential = answer.json()["credentials"][0]["credential"]
        assert credential["credentialSubject"]["id"] == did

        settings = NetworkSettings(http_hosts=frozenset({f"localhost:{port}"}))
        result = Network(settings, clock=clock).verifier().verify_credential(credential)
        assert result.verified, result.to_json()
        assert all(entry["list_url"].startswith(base + "/status/acme/")
                   for entry in result.facts["status"])

        service.status.revoke(record.id, "Issued to the wrong person")
        again = Network(settings, clock=clock).verifier().verify_credential(credential)
        assert not again.verified
        assert again.check("status").ok is False
        assert "revoked" in again.check("status").message
    service.db.dispose()
