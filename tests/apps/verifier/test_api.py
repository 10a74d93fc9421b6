"""The W3C VC API verifier endpoints and DID resolution (STANDARDS.md "VC API contract")."""

from __future__ import annotations

import json

import pytest
from verifier_world import PROVIDER

from passport_vc.issue import issue_credential_jwt


@pytest.fixture
def client(make_app, sqlite_url):
    return make_app(sqlite_url).test_client()


def test_verified_credential_is_200(client, world):
    response = client.post("/credentials/verify", json={
        "verifiableCredential": world.credentials["valid"], "options": {"checks": ["proof"]}})
    body = response.get_json()
    assert response.status_code == 200
    assert body["verified"] is True
    assert {"proof", "issuer_binding", "status"} <= set(body["checks"])
    assert body["errors"] == [] and body["warnings"] == []


@pytest.mark.parametrize("name, check", [("altered", "proof"), ("revoked", "status"),
                                         ("expired", "validity")])
def test_not_verified_is_400_with_errors(client, world, name, check):
    response = client.post("/credentials/verify",
                           json={"verifiableCredential": world.credentials[name]})
    body = response.get_json()
    assert response.status_code == 400
    assert body["verified"] is False
    assert check not in body["checks"]
    assert body["errors"]


def test_status_that_could_not_be_checked_is_not_verified(client, world):
    response = client.post("/credentials/verify",
                           json={"verifiableCredential": world.credentials["status-unknown"]})
    body = response.get_json()
    assert response.status_code == 400 and body["verified"] is False
    assert any("could not be checked" in (error.get("detail") or "") for error in body["errors"])


def test_jwt_and_enveloped_credentials(client, world):
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
    assert client.post("/credentials/verify",
                       json={"verifiableCredential": token}).status_code == 200
    enveloped = {"@context": "https://www.w3.org/ns/credentials/v2",
                 "type": "EnvelopedVerifiableCredential",
                 "id": "data:application/vc+jwt," + token}
    assert client.post("/credentials/verify",
                       json={"verifiableCredential": enveloped}).get_json()["verified"]


def test_presentation_verify_with_challenge_and_domain(client, world):
    presentation = world.presentation(["valid"], challenge="c-123", domain="employer.example")
    good = client.post("/presentations/verify", json={
        "verifiablePresentation": presentation,
        "options": {"challenge": "c-123", "domain": "employer.example"}})
    assert good.status_code == 200 and good.get_json()["verified"] is True
    assert good.get_json()["credentialResults"][0]["verified"] is True
    bad = client.post("/presentations/verify", json={
        "verifiablePresentation": presentation,
        "options": {"challenge": "other", "domain": "employer.example"}})
    assert bad.status_code == 400 and bad.get_json()["verified"] is False
    inner = client.post("/presentations/verify", json={
        "verifiablePresentation": world.presentation(["revoked"])})
    assert inner.status_code == 400
    assert inner.get_json()["credentialResults"][0]["verified"] is False


@pytest.mark.parametrize("path, body", [
    ("/credentials/verify", b"not json"),
    ("/credentials/verify", b"[1, 2]"),
    ("/credentials/verify", json.dumps({"credential": {}}).encode()),
    ("/credentials/verify", json.dumps({"verifiableCredential": 5}).encode()),
    ("/credentials/verify", json.dumps({"verifiableCredential": {},
                                        "options": "all"}).encode()),
    ("/credentials/verify", json.dumps({"verifiableCredential": {
        "type": "EnvelopedVerifiableCredential", "id": 3}}).encode()),
    ("/credentials/verify", b""),
    ("/presentations/verify", json.dumps({"verifiablePresentation": "x"}).encode()),
    ("/presentations/verify", json.dumps({"verifiablePresentation": {},
                                          "options": {"challenge": 5}}).encode()),
    ("/credentials/verify", b"{" * 5000 + b"}" * 5000),
])
def test_malformed_calls_are_problem_json_never_500(client, path, body):
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_garbage_credential_object_is_a_normal_not_verified(client):
    response = client.post("/credentials/verify", json={"verifiableCredential": {"a": 1}})
    assert response.status_code == 400
    assert response.get_json()["verified"] is False


def test_did_resolution(client, world):
    response = client.get(f"/1.0/identifiers/{PROVIDER}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["didDocument"]["id"] == PROVIDER
    assert body["didResolutionMetadata"]["contentType"] == "application/did+ld+json"
    only = client.get(f"/1.0/identifiers/{PROVIDER}",
                      headers={"Accept": "application/did+ld+json"})
    assert only.mimetype == "application/did+ld+json" and only.get_json()["id"] == PROVIDER
    key = client.get(f"/1.0/identifiers/{world.holder_key.controller}")
    assert key.get_json()["didDocument"]["id"] == world.holder_key.controller


@pytest.mark.parametrize("did, status, error", [
    ("did:web:nowhere.example", 404, "notFound"),
    ("not-a-did", 400, "invalidDid"),
    ("did:example:123", 501, "methodNotSupported"),
])
def test_did_resolution_errors(client, did, status, error):
    response = client.get(f"/1.0/identifiers/{did}")
    assert response.status_code == status
    assert response.get_json()["didResolutionMetadata"]["error"] == error


def test_sd_jwt_vc_with_key_binding_and_disclosed_claims(client, world):
    from passport_vc.keys import PrivateKey
    from passport_vc.sd_jwt_vc import issue_sd_jwt_vc, present_sd_jwt_vc

    holder = PrivateKey.generate("Ed25519")
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_sd_jwt_vc(unsigned, world.provider_key, holder.public_key, clock=world.clock)
    shared = present_sd_jwt_vc(token, [], signer=holder, nonce="c-1",
                               audience="https://employer.example", clock=world.clock)
    options = {"challenge": "c-1", "domain": "https://employer.example"}
    response = client.post("/credentials/verify",
                           json={"verifiableCredential": shared, "options": options})
    body = response.get_json()
    assert response.status_code == 200, body
    assert "holder_binding" in body["checks"] and body["disclosedClaims"] == []
    replayed = client.post("/credentials/verify", json={
        "verifiableCredential": shared, "options": {**options, "challenge": "c-2"}})
    assert replayed.status_code == 400 and "holder_binding" not in replayed.get_json()["checks"]
    enveloped = {"@context": "https://www.w3.org/ns/credentials/v2",
                 "type": "EnvelopedVerifiableCredential",
                 "id": "data:application/dc+sd-jwt," + token}
    answer = client.post("/credentials/verify", json={"verifiableCredential": enveloped})
    assert answer.status_code == 200 and answer.get_json()["disclosedClaims"] == ["name"]
