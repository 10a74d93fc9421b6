"""OpenID4VCI 1.0 pre-authorized code flow end to end against the spec's message formats:
offer → metadata → token → nonce → credential with a holder key proof; and every refusal."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from passport_vc.oid4vci import PRE_AUTHORIZED_GRANT, make_proof_jwt, parse_offer_uri

ISSUER = "http://localhost:5001"


@pytest.fixture
def record(service, acme):
    return service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor",
                         completed=date(2026, 1, 2))


def _offer_path(uri: str) -> str:
    reference = parse_offer_uri(uri)["credential_offer_uri"]
    assert reference.startswith(ISSUER + "/offers/")
    return urlsplit(reference).path


def _token(client, code, tx_code=None):
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return client.post("/token", data=form)


def _proof(holder, clock, nonce, audience=ISSUER):
    key, _did, vm = holder
    return make_proof_jwt(key, kid=vm, audience=audience, nonce=nonce, clock=clock)


def _credential(client, token, body):
    return client.post("/credential", json=body, headers={"Authorization": f"Bearer {token}"})


def test_full_flow_ldp_vc(client, service, record, holder, clock, verifier):
    offer = service.delivery.create_offer(record.id)
    assert offer.uri.startswith("openid-credential-offer://?credential_offer_uri=")
    served = client.get(_offer_path(offer.uri))
    assert served.status_code == 200 and served.headers["Cache-Control"] == "no-store"
    document = served.json
    assert document["credential_issuer"] == ISSUER
    grant = document["grants"][PRE_AUTHORIZED_GRANT]
    assert grant["pre-authorized_code"] == offer.pre_authorized_code and "tx_code" not in grant

    metadata = client.get("/.well-known/openid-credential-issuer").json
    assert metadata["credential_issuer"] == ISSUER
    assert metadata["credential_endpoint"] == ISSUER + "/credential"
    assert metadata["nonce_endpoint"] == ISSUER + "/nonce"
    assert set(document["credential_configuration_ids"]) <= set(
        metadata["credential_configurations_supported"])
    server = client.get("/.well-known/oauth-authorization-server").json
    assert server["token_endpoint"] == ISSUER + "/token"

    token = _token(client, grant["pre-authorized_code"])
    assert token.status_code == 200, token.json
    assert token.json["token_type"] == "Bearer" and token.json["expires_in"] > 0
    nonce = client.post("/nonce").json["c_nonce"]
    response = _credential(client, token.json["access_token"], {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, nonce)]}})
    assert response.status_code == 200, response.json
    credential = response.json["credentials"][0]["credential"]
    _key, did, _vm = holder
    assert credential["credentialSubject"]["id"] == did
    assert credential["credentialStatus"] == record.document["credentialStatus"]
    assert verifier.verify_credential(credential).verified
    stored = service.register.record(record.id)
    assert stored.holder_did == did
    # the access token and the offer are single use
    again = _credential(client, token.json["access_token"], {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, client.post("/nonce").json["c_nonce"])]}})
    assert again.status_code == 401 and again.json["error"] == "invalid_token"
    assert client.get(_offer_path(offer.uri)).status_code == 410


def test_legacy_proof_and_jwt_format(client, service, record, holder, clock, verifier):
    offer = service.delivery.create_offer(record.id)
    token = _token(client, offer.pre_authorized_code).json["access_token"]
    nonce = client.post("/nonce").json["c_nonce"]
    response = _credential(client, token, {"format": "jwt_vc_json", "proof": {
        "proof_type": "jwt", "jwt": _proof(holder, clock, nonce)}})
    assert response.status_code == 200, response.json
    jwt = response.json["credentials"][0]["credential"]
    assert isinstance(jwt, str)
    result = verifier.verify_credential(jwt)
    assert result.verified and result.document["credentialSubject"]["id"] == holder[1]


def test_replayed_pre_authorized_code_is_refused(client, service, record):
    offer = service.delivery.create_offer(record.id)
    assert _token(client, offer.pre_authorized_code).status_code == 200
    replay = _token(client, offer.pre_authorized_code)
    assert replay.status_code == 400
    assert replay.json["error"] == "invalid_grant"
    assert replay.headers["Cache-Control"] == "no-store"


def test_wrong_nonce_is_refused(client, service, record, holder, clock):
    offer = service.delivery.create_offer(record.id)
    token = _token(client, offer.pre_authorized_code).json["access_token"]
    client.post("/nonce")
    response = _credential(client, token, {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, "a-nonce-this-issuer-never-gave")]}})
    assert response.status_code == 400 and response.json["error"] == "invalid_nonce"
    # the token was not spent by the failed request: a proper retry works
    nonce = client.post("/nonce").json["c_nonce"]
    retry = _credential(client, token, {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, nonce)]}})
    assert retry.status_code == 200
    # a nonce is single use
    reused = service.delivery.create_offer(record.id)
    other = _token(client, reused.pre_authorized_code).json["access_token"]
    response = _credential(client, other, {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, nonce)]}})
    assert response.json["error"] == "invalid_nonce"


def test_expired_nonce_and_offer(client, service, record, holder, clock):
    offer = service.delivery.create_offer(record.id)
    token = _token(client, offer.pre_authorized_code).json["access_token"]
    nonce = client.post("/nonce").json["c_nonce"]
    clock.advance(minutes=6)
    response = _credential(client, token, {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, nonce)]}})
    assert response.json["error"] == "invalid_nonce"
    clock.advance(minutes=10)  # the access token has expired too
    fresh_nonce = client.post("/nonce").json["c_nonce"]
    response = _credential(client, token, {
        "credential_configuration_id": "CareTrainingCredential_ldp_vc",
        "proofs": {"jwt": [_proof(holder, clock, fresh_nonce)]}})
    assert response.status_code == 401 and response.json["error"] == "invalid_token"
    late = service.delivery.create_offer(record.id)
    clock.advance(days=15)
    assert client.get(_offer_path(late.uri)).status_code == 410
    expired = _token(client, late.pre_authorized_code)
    assert expired.status_code == 400 and expired.json["error"] == "invalid_grant"


def test_transaction_code(client, service, record):
    offer = service.delivery.create_offer(record.id, with_tx_code=True)
    assert offer.tx_code and len(offer.tx_code) == 6 and offer.tx_code.isdigit()
    grant = client.get(_offer_path(offer.uri)).json["grants"][PRE_AUTHORIZED_GRANT]
    assert grant["tx_code"] == {"input_mode": "numeric", "length": 6,
                                "description": grant["tx_code"]["description"]}
    assert offer.tx_code not in str(grant)
    missing = _token(client, offer.pre_authorized_code)
    assert missing.json["error"] == "invalid_request"
    wrong = "000000" if offer.tx_code != "000000" else "111111"
    assert _token(client, offer.pre_authorized_code, wrong).json["error"] == "invalid_grant"
    assert _token(client, offer.pre_authorized_code, offer.tx_code).status_code == 200
    # guessing is limited
    guarded = service.delivery.create_offer(record.id, with_tx_code=True)
    wrong = "000000" if guarded.tx_code != "000000" else "111111"
    for _ in range(5):
        _token(client, guarded.pre_authorized_code, wrong)
    locked = _token(client, guarded.pre_authorized_code, guarded.tx_code)
    assert locked.status_code == 400 and locked.json["error"] == "invalid_grant"
    plain = service.delivery.create_offer(record.id)
    assert _token(client, plain.pre_authorized_code, "123456").json["error"] == \
        "invalid_request"


def test_token_endpoint_errors(client):
    assert client.post("/token", data={"grant_type": "password"}).json["error"] == \
        "unsupported_grant_type"
    assert client.post("/token", data={"grant_type": PRE_AUTHORIZED_GRANT}).json["error"] == \
        "invalid_request"
    unknown = _token(client, "x" * 43)
    assert unknown.status_code == 400 and unknown.json["error"] == "invalid_grant"


def test_credential_endpoint_errors(client, service, record, holder, clock):
    body = {"credential_configuration_id": "CareTrainingCredential_ldp_vc"}
    assert client.post("/credential", json=body).status_code == 401
    assert _credential(client, "nope", body).json["error"] == "invalid_token"

    def fresh_token():
        return _token(client, service.delivery.create_offer(record.id).pre_authorized_code
                      ).json["access_token"]

    token = fresh_token()
    nonce = client.post("/nonce").json["c_nonce"]
    unknown = _credential(client, token, {"credential_configuration_id": "Other",
                                          "proofs": {"jwt": [_proof(holder, clock, nonce)]}})
    assert unknown.json["error"] == "unknown_credential_configuration"
    assert _credential(client, token, {"format": "mso_mdoc"}).json["error"] == \
        "unsupported_credential_format"
    assert _credential(client, token, body).json["error"] == "invalid_proof"
    wrong_audience = _credential(client, token, {**body, "proofs": {"jwt": [
        _proof(holder, clock, nonce, audience="https://elsewhere.example")]}})
    assert wrong_audience.json["error"] == "invalid_proof"
    two = _credential(client, token, {**body, "proofs": {"jwt": [
        _proof(holder, clock, nonce), _proof(holder, clock, nonce)]}})
    assert two.json["error"] == "invalid_proof"
    garbage = client.post("/credential", data="not json", content_type="application/json",
                          headers={"Authorization": f"Bearer {token}"})
    assert garbage.status_code == 400 and garbage.json["error"] == "invalid_credential_request"
    # a credential revoked after the offer is not handed out
    service.status.revoke(record.id, "Issued in error")
    denied = _credential(client, token, {**body, "proofs": {"jwt": [
        _proof(holder, clock, nonce)]}})
    assert denied.json["error"] == "credential_request_denied"
    assert service.register.record(record.id).holder_did is None


def test_offers_only_for_active_credentials(client, service, record):
    service.status.revoke(record.id, "Issued in error")
    from passport_vc.errors import GoneError

    with pytest.raises(GoneError):
        service.delivery.create_offer(record.id)
    assert client.get("/offers/unknown").status_code == 404
