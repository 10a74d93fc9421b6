"""The issuer offers the SD-JWT VC twin through OpenID4VCI (``dc+sd-jwt`` configuration), bound
to the wallet's key named by a DID or sent bare as a JWK."""

from __future__ import annotations

from datetime import date

import pytest

from passport_vc.keys import PrivateKey
from passport_vc.oid4vci import PRE_AUTHORIZED_GRANT, PROOF_TYPE, make_proof_jwt
from passport_vc.proofs.jose import sign_jws
from passport_vc.sd_jwt_vc import VCT, present_sd_jwt_vc

ISSUER = "http://localhost:5001"
CONFIG_ID = "CareTrainingCredential_dc+sd-jwt"


@pytest.fixture
def record(service, acme):
    return service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor",
                         completed=date(2026, 1, 2))


def _collect(client, service, record, proof_for) -> object:
    offer = service.delivery.create_offer(record.id)
    assert CONFIG_ID in client.get(f"/offers/{offer.id}").json["credential_configuration_ids"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    token = client.post("/token", data=form).json["access_token"]
    nonce = client.post("/nonce").json["c_nonce"]
    return client.post("/credential", json={"credential_configuration_id": CONFIG_ID,
                                            "proofs": {"jwt": [proof_for(nonce)]}},
                       headers={"Authorization": f"Bearer {token}"})


def test_metadata_describes_the_sd_jwt_configuration(client):
    metadata = client.get("/.well-known/openid-credential-issuer").json
    config = metadata["credential_configurations_supported"][CONFIG_ID]
    assert config["format"] == "dc+sd-jwt" and config["vct"] == VCT
    assert "jwk" in config["cryptographic_binding_methods_supported"]
    assert "credential_definition" not in config
    paths = [claim["path"] for claim in config["credential_metadata"]["claims"]]
    assert ["name"] in paths and ["birthdate"] in paths


def test_twin_is_issued_bound_to_a_did_key_and_checks_out(client, service, record, holder,
                                                        clock, verifier):
    key, did, vm = holder
    response = _collect(client, service, record, lambda nonce: make_proof_jwt(
        key, kid=vm, audience=ISSUER, nonce=nonce, clock=clock))
    assert response.status_code == 200, response.json
    token = response.json["credentials"][0]["credential"]
    assert isinstance(token, str) and token.endswith("~")
    result = verifier.verify_sd_jwt_vc(token)
    assert result.verified, result.to_json()
    assert result.facts["claims"]["sub"] == did
    assert result.facts["claims"]["cnf"]["jwk"] == key.public_key.to_jwk()
    assert result.facts["claims"]["credential_status"] == record.document["credentialStatus"]
    shared = present_sd_jwt_vc(token, [], signer=key, nonce="n", audience="https://e.example",
                               clock=clock)
    answer = verifier.verify_sd_jwt_vc(shared, nonce="n", audience="https://e.example")
    assert answer.verified and answer.facts["disclosed"] == []
    assert service.register.record(record.id).holder_did == did


def test_a_wallet_may_send_its_key_bare(client, service, record, clock, verifier):
    key = PrivateKey.generate("P-256")

    def proof(nonce):
        return sign_jws({"aud": ISSUER, "iat": int(clock().timestamp()), "nonce": nonce}, key,
                        {"typ": PROOF_TYPE, "jwk": key.public_key.to_jwk()})

    response = _collect(client, service, record, proof)
    assert response.status_code == 200, response.json
    result = verifier.verify_sd_jwt_vc(response.json["credentials"][0]["credential"])
    assert result.verified
    assert result.facts["claims"]["sub"].startswith("did:jwk:")
    assert result.facts["claims"]["cnf"]["jwk"] == key.public_key.to_jwk()


def test_a_proof_naming_its_key_twice_is_refused(client, service, record, holder, clock):
    key, _did, vm = holder

    def proof(nonce):
        return sign_jws({"aud": ISSUER, "iat": int(clock().timestamp()), "nonce": nonce}, key,
                        {"typ": PROOF_TYPE, "kid": vm, "jwk": key.public_key.to_jwk()})

    response = _collect(client, service, record, proof)
    assert response.status_code == 400 and response.json["error"] == "invalid_proof"


def test_jwt_vc_issuer_metadata_gives_the_key_of_our_twins_over_real_http(
        database_url, tmp_path, clock, holder):
    """Each provider's /.well-known/jwt-vc-issuer/providers/<slug> (SD-JWT VC draft §5), fetched
    through the engine's HttpFetcher from the running issuer, lists the key that signed the
    provider's twin under the twin's kid, and keeps an earlier key after a rotation."""
    from support.live import free_port, live_server

    from issuer import create_app
    from issuer.config import IssuerConfig
    from passport_vc.fetch import HttpFetcher
    from passport_vc.jwt_vc_issuer import issuer_public_key, metadata_url
    from passport_vc.proofs.jose import read_unverified, verify_jws

    port = free_port()
    base = f"http://localhost:{port}"
    app = create_app(IssuerConfig.for_tests(database_url, tmp_path, clock=clock,
                                            public_url=base))
    service = app.extensions["issuer"]
    try:
        service.providers.create_provider("Acme Care Training", "acme")
        record = service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor",
                                        completed=date(2026, 1, 2))
        key, did, _vm = holder
        twin = service.issuance.sd_jwt_twin(record, did, key.public_key)
        signed = twin.split("~", 1)[0]
        kid = read_unverified(signed)[0]["kid"]
        iss = f"{base}/providers/acme"
        assert metadata_url(iss) == f"{base}/.well-known/jwt-vc-issuer/providers/acme"
        fetcher = HttpFetcher(allow_http=True, allow_private=True, clock=clock)
        with live_server(app, port=port):
            public_key = issuer_public_key(iss, kid, fetcher)
            assert verify_jws(signed, public_key, expected_typ={"dc+sd-jwt"})[1]["vct"] == VCT
            service.providers.rotate_key("acme")
            fetched = fetcher.get(metadata_url(iss)).json()
            assert fetched["issuer"] == iss
            assert [entry["kid"] for entry in fetched["jwks"]["keys"]] == [
                kid, kid.rsplit("-", 1)[0] + "-2"]
            assert all("d" not in entry for entry in fetched["jwks"]["keys"])
    finally:
        service.db.dispose()
