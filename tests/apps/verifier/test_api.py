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


def test_enveloped_credentials_verify_and_bare_text_is_refused(client, world):
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
    enveloped = {"@context": "https://www.w3.org/ns/credentials/v2",
                 "type": "EnvelopedVerifiableCredential",
                 "id": "data:application/vc+jwt," + token}
    assert client.post("/credentials/verify",
                       json={"verifiableCredential": enveloped}).get_json()["verified"]
    # VC API: verifiableCredential is an object. A JWT or a JSON string that happens to parse
    # is refused as a parsing error, not verified.
    for text in (token, json.dumps(world.credentials["valid"])):
        response = client.post("/credentials/verify", json={"verifiableCredential": text})
        assert response.status_code == 400
        assert response.get_json()["type"].endswith("PARSING_ERROR")


def test_enveloped_credential_inside_a_presentation(client, world):
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [{
                        "@context": "https://www.w3.org/ns/credentials/v2",
                        "type": "EnvelopedVerifiableCredential",
                        "id": "data:application/vc+jwt," + token}]}
    response = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["credentialResults"][0]["verified"] is True
    presentation["verifiableCredential"] = [token]
    refused = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert refused.status_code == 400 and refused.get_json()["verified"] is False


def test_a_signed_presentation_without_holder_verifies_but_says_it_is_unbound(client, world):
    from verifier_world import FakeNetwork

    from passport_vc.issue import build_presentation

    unsigned = build_presentation([world.credentials["valid"]], world.holder_key.controller)
    del unsigned["holder"]
    options = {"challenge": "c-1", "domain": "employer.example"}
    holderless = _sign_without_holder(world, unsigned, options)
    response = client.post("/presentations/verify", json={"verifiablePresentation": holderless,
                                                           "options": options})
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["verified"] is True
    assert any("not bound to anyone" in warning["message"] for warning in body["warnings"])
    assert "holder_binding" not in body["checks"]
    # An employer's check code (a challenge the service asked for) still needs the holder:
    # by default the engine binds a presentation answering a challenge to its holder.
    result = FakeNetwork(world).verifier().verify_presentation(holderless, **options)
    assert not result.verified
    assert result.check("holder_binding").ok is False
    assert result.check("holder_binding").problem["title"] == "The signing key is not the holder's"


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


LEGACY = 'application/ld+json;profile="https://w3id.org/did-resolution"'


@pytest.mark.parametrize("accept", [None, "application/did-resolution"])
def test_did_resolution(client, world, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/1.0/identifiers/{PROVIDER}", headers=headers)
    assert response.status_code == 200
    body = json.loads(response.data)
    assert body["didDocument"]["id"] == PROVIDER
    # DID Resolution §10: the Content-Type header is didResolutionMetadata.contentType
    assert response.headers["Content-Type"] == body["didResolutionMetadata"]["contentType"] \
        == "application/did-resolution"
    only = client.get(f"/1.0/identifiers/{PROVIDER}",
                      headers={"Accept": "application/did+ld+json"})
    assert only.mimetype == "application/did+ld+json" and only.get_json()["id"] == PROVIDER
    key = client.get(f"/1.0/identifiers/{world.holder_key.controller}")
    assert json.loads(key.data)["didDocument"]["id"] == world.holder_key.controller


@pytest.mark.parametrize("did, status, error", [
    ("did:web:nowhere.example", 404, "NOT_FOUND"),
    ("not-a-did", 400, "INVALID_DID"),
    ("did:example", 400, "INVALID_DID"),
    ("did:example:123", 501, "METHOD_NOT_SUPPORTED"),
])
def test_did_resolution_errors_are_problem_objects(client, did, status, error):
    response = client.get(f"/1.0/identifiers/{did}",
                          headers={"Accept": "application/did-resolution"})
    assert response.status_code == status
    body = json.loads(response.data)
    problem = body["didResolutionMetadata"]["error"]
    assert problem["type"] == "https://www.w3.org/ns/did#" + error
    assert problem["detail"]
    assert body["didDocument"] is None and body["didDocumentMetadata"] == {}


@pytest.mark.parametrize("did, status, error", [
    ("did:web:nowhere.example", 404, "notFound"),
    ("not-a-did", 400, "invalidDid"),
    ("did:example:123", 501, "methodNotSupported"),
])
def test_did_resolution_errors_for_the_older_ccg_profile_are_names(client, did, status, error):
    response = client.get(f"/1.0/identifiers/{did}", headers={"Accept": LEGACY})
    assert response.status_code == status
    assert response.headers["Content-Type"] == LEGACY
    assert json.loads(response.data)["didResolutionMetadata"]["error"] == error


def test_did_resolution_of_an_unknown_representation_is_406(client):
    response = client.get(f"/1.0/identifiers/{PROVIDER}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert json.loads(response.data)["didResolutionMetadata"]["error"]["type"].endswith(
        "#REPRESENTATION_NOT_SUPPORTED")


def _sign_without_holder(world, unsigned: dict, options: dict) -> dict:
    from passport_vc.clock import format_datetime
    from passport_vc.jsonld import default_canonicalizer
    from passport_vc.proofs import data_integrity

    proof_options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                     "created": format_datetime(world.clock()),
                     "verificationMethod": world.holder_key.verification_method,
                     "proofPurpose": "authentication", **options}
    return data_integrity.add_proof(dict(unsigned), world.holder_key.signer, proof_options,
                                    default_canonicalizer())


def _enveloped(token: str) -> dict:
    return {"@context": "https://www.w3.org/ns/credentials/v2",
            "type": "EnvelopedVerifiableCredential", "id": "data:application/dc+sd-jwt," + token}


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
                           json={"verifiableCredential": _enveloped(shared), "options": options})
    body = response.get_json()
    assert response.status_code == 200, body
    assert "holder_binding" in body["checks"] and body["disclosedClaims"] == []
    replayed = client.post("/credentials/verify", json={
        "verifiableCredential": _enveloped(shared), "options": {**options, "challenge": "c-2"}})
    assert replayed.status_code == 400 and "holder_binding" not in replayed.get_json()["checks"]
    answer = client.post("/credentials/verify", json={"verifiableCredential": _enveloped(token)})
    assert answer.status_code == 200 and answer.get_json()["disclosedClaims"] == ["name"]


def test_vc_jose_cose_vc_sd_jwt_is_checked_as_a_w3c_credential(client, world):
    """data:application/vc+sd-jwt (VC-JOSE-COSE): the W3C credential itself as the SD-JWT
    payload, not an SD-JWT VC; checked like any credential and says what was disclosed."""
    from passport_vc.issue import issue_credential_sd_jwt
    from passport_vc.proofs.sd_jwt import present

    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_sd_jwt(unsigned, world.provider_key, clock=world.clock,
                                    selective=["credentialSubject.achievement"])
    envelope = {"@context": "https://www.w3.org/ns/credentials/v2",
                "type": "EnvelopedVerifiableCredential",
                "id": "data:application/vc+sd-jwt," + token}
    response = client.post("/credentials/verify", json={"verifiableCredential": envelope})
    body = response.get_json()
    assert response.status_code == 200, body
    assert {"proof", "issuer_binding", "status"} <= set(body["checks"])
    assert body["disclosedClaims"] == ["achievement"]
    hidden = present(token, {})
    response = client.post("/credentials/verify", json={"verifiableCredential": {
        **envelope, "id": "data:application/vc+sd-jwt," + hidden}})
    assert response.get_json()["disclosedClaims"] == []
    jwt, disclosures = token.split("~", 1)
    signature = jwt.rsplit(".", 1)[1]
    forged = jwt[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB") + "~" + disclosures
    response = client.post("/credentials/verify", json={"verifiableCredential": {
        **envelope, "id": "data:application/vc+sd-jwt," + forged}})
    assert response.status_code == 400 and "proof" not in response.get_json()["checks"]
