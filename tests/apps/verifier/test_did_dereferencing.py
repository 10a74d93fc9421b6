"""GET /1.0/identifiers/{did or DID URL}: did:key options and DID URL dereferencing, in both
profiles. The cases are the did-key test suite's (w3c-ccg/did-key-test-suite tests/10-create.js),
sent the way the suite sends them (the identifier URL-encoded, options in the query)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from verifier_world import PROVIDER

LEGACY = 'application/ld+json;profile="https://w3id.org/did-resolution"'
DID = "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b"
KEY = DID[len("did:key:"):]
KEY_AGREEMENT = f"{DID}#z6LSfHfAMAopsuBxaBzvp51GXrPf38Az13j2fmwqadbwwrzJ"


@pytest.fixture
def client(make_app, sqlite_url):
    return make_app(sqlite_url).test_client()


def _get(client, identifier: str, accept: str = LEGACY, **options):
    response = client.get(f"/1.0/identifiers/{quote(identifier, safe='')}",
                          query_string=options, headers={"Accept": accept})
    return response, json.loads(response.data)


def _resolver_response(body: dict) -> None:
    assert {"@context", "didDocument", "didDocumentMetadata"} <= set(body)


@pytest.mark.parametrize("identifier, options, metadata, error, status", [
    ("did:key:@", {}, "didResolutionMetadata", "invalidDid", 400),
    ("did:key:zTjsVPtY", {}, "didResolutionMetadata", "invalidPublicKeyLength", 400),
    (f"{DID}/^bar^/?query=`#{KEY}", {}, "didDereferencingMetadata", "invalidDidUrl", 400),
    (DID, {"publicKeyFormat": "unknown"}, "didResolutionMetadata",
     "unsupportedPublicKeyType", 501),
    (f"{DID}#{KEY}", {"publicKeyFormat": "Ed25519VerificationKey2018",
                      "enableExperimentalPublicKeyTypes": "false"},
     "didDereferencingMetadata", "invalidPublicKeyType", 400),
    (KEY_AGREEMENT, {"publicKeyFormat": "Ed25519VerificationKey2018",
                     "enableExperimentalPublicKeyTypes": "false"},
     "didDereferencingMetadata", "invalidPublicKeyType", 400),
    (DID, {"enableExperimentalPublicKeyTypes": "maybe"}, "didResolutionMetadata",
     "invalidOptions", 400),
])
def test_the_did_key_suites_errors_in_the_ccg_profile(client, identifier, options, metadata,
                                                       error, status):
    response, body = _get(client, identifier, **options)
    assert response.status_code == status
    assert response.headers["Content-Type"] == LEGACY
    _resolver_response(body)
    assert body[metadata]["error"] == error and body[metadata]["errorMessage"]
    assert body["didDocument"] == {}  # "MUST be empty"; the suite asks for an object


def test_a_key_fragment_dereferences_to_the_key_with_its_controller(client):
    response, body = _get(client, f"{DID}#{KEY}")
    assert response.status_code == 200
    _resolver_response(body)
    assert body["didDereferencingMetadata"] == {"contentType": "application/did+ld+json"}
    assert body["didDocument"]["id"] == f"{DID}#{KEY}"
    assert body["didDocument"]["controller"] == DID


def test_json_web_key_2020_on_request(client):
    response, body = _get(client, DID, publicKeyFormat="JsonWebKey2020")
    assert response.status_code == 200
    method = body["didDocument"]["verificationMethod"][0]
    assert method["type"] == "JsonWebKey2020" and method["publicKeyJwk"]["crv"] == "Ed25519"


def test_the_w3c_profile_gives_a_dereferencing_result(client):
    response, body = _get(client, f"{DID}#{KEY}", "application/did-url-dereferencing")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == body["dereferencingMetadata"]["contentType"] \
        == "application/did-url-dereferencing"
    assert body["contentStream"]["controller"] == DID and body["contentMetadata"] == {}
    bare, content = _get(client, f"{DID}#{KEY}", "application/did+ld+json")
    assert bare.mimetype == "application/did+ld+json" and content["controller"] == DID
    assert "dereferencingMetadata" not in content


def test_w3c_profile_dereferencing_errors_are_problem_objects(client):
    response, body = _get(client, f"{DID}#nokey", "application/did-url-dereferencing")
    assert response.status_code == 404
    problem = body["dereferencingMetadata"]["error"]
    assert problem["type"] == "https://www.w3.org/ns/did#NOT_FOUND" and problem["detail"]
    assert body["contentStream"] is None


def test_a_did_web_key_dereferences_through_the_verifiers_resolver(client, world):
    document = _get(client, PROVIDER, "application/did-resolution")[1]["didDocument"]
    method_id = document["assertionMethod"][0]
    method_id = method_id if isinstance(method_id, str) else method_id["id"]
    if method_id.startswith("#"):
        method_id = PROVIDER + method_id
    response, body = _get(client, method_id, "application/did-url-dereferencing")
    assert response.status_code == 200
    assert body["contentStream"]["id"] in (method_id, method_id[len(PROVIDER):])
