"""The provider JSON API (bearer API tokens) and the VC API conformance endpoints: problem+json
errors, never a 500, and each provider reaches only its own records."""

from __future__ import annotations

import pytest

from issuer import create_app

ISSUE = {"course": "fire-safety", "subject_name": "Sam Taylor", "completed": "2026-01-02",
         "hours": 3}


@pytest.fixture
def token(service, acme):
    return service.access.create_api_token("acme", "Learning system")[1]


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_issue_get_revoke_and_offer(client, token, verifier):
    made = client.post("/api/v1/credentials", json=ISSUE, headers=_auth(token))
    assert made.status_code == 201, made.json
    body = made.json
    assert made.headers["Location"] == f"/api/v1/credentials/{body['id']}"
    assert verifier.verify_credential(body["credential"]).verified
    got = client.get(f"/api/v1/credentials/{body['id']}", headers=_auth(token))
    assert got.json["credential"] == body["credential"]
    listed = client.get("/api/v1/credentials?q=taylor", headers=_auth(token)).json["items"]
    assert [item["id"] for item in listed] == [body["id"]]

    offer = client.post(f"/api/v1/credentials/{body['id']}/offers", json={"tx_code": True},
                        headers=_auth(token))
    assert offer.status_code == 201
    assert offer.json["offer_uri"].startswith("openid-credential-offer://")
    assert len(offer.json["tx_code"]) == 6

    revoked = client.post(f"/api/v1/credentials/{body['id']}/revoke",
                          json={"reason": "Issued in error"}, headers=_auth(token))
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert not verifier.verify_credential(body["credential"]).verified


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer spi_wrong"},
                                     {"Authorization": "Basic abc"}])
def test_api_needs_a_valid_token(client, headers):
    response = client.post("/api/v1/credentials", json=ISSUE, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("change, status", [
    ({"course": "no-such-course"}, 422),
    ({"completed": "yesterday"}, 422),
    ({"completed": 20260102}, 422),
    ({"subject_name": ["Sam"]}, 422),
    ({"hours": -1}, 422),
    ({"holder_did": "sam"}, 422),
    ({"surprise": True}, 400),
])
def test_bad_input_is_a_clear_problem_and_changes_nothing(client, service, token, change,
                                                         status):
    response = client.post("/api/v1/credentials", json={**ISSUE, **change},
                           headers=_auth(token))
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"]
    assert service.register.counts("acme")["total"] == 0


def test_malformed_bodies(client, token):
    for data in ("", "not json", "[1, 2]", "{" * 100):
        response = client.post("/api/v1/credentials", data=data,
                               content_type="application/json", headers=_auth(token))
        assert response.status_code in (400, 413, 422)
        assert response.mimetype == "application/problem+json"


def test_withdrawn_token_stops_working(client, service, token):
    [made] = service.access.api_tokens_of("acme")
    service.access.revoke_api_token("acme", made.id)
    assert client.get("/api/v1/credentials", headers=_auth(token)).status_code == 401


def test_another_providers_token_cannot_reach_records(client, service, token):
    record = client.post("/api/v1/credentials", json=ISSUE, headers=_auth(token)).json
    service.providers.create_provider("Other Org", "other")
    other = _auth(service.access.create_api_token("other", "theirs")[1])
    for method, path, body in [("get", f"/api/v1/credentials/{record['id']}", None),
                               ("post", f"/api/v1/credentials/{record['id']}/revoke",
                                {"reason": "x"}),
                               ("post", f"/api/v1/credentials/{record['id']}/offers", {})]:
        response = getattr(client, method)(path, json=body, headers=other)
        assert response.status_code == 404, path
    assert client.get("/api/v1/credentials", headers=other).json["items"] == []
    assert service.register.record(record["id"]).state == "active"


def test_unknown_action_and_state_errors(client, token):
    record = client.post("/api/v1/credentials", json=ISSUE, headers=_auth(token)).json
    assert client.post(f"/api/v1/credentials/{record['id']}/delete",
                       headers=_auth(token)).status_code == 404
    reinstate = client.post(f"/api/v1/credentials/{record['id']}/reinstate",
                            headers=_auth(token))
    assert reinstate.status_code == 409
    no_reason = client.post(f"/api/v1/credentials/{record['id']}/revoke", json={},
                            headers=_auth(token))
    assert no_reason.status_code == 422


# --- VC API conformance profile -------------------------------------------------------------------
@pytest.fixture
def conformance(config):
    from dataclasses import replace

    app = create_app(replace(config, conformance=True))
    yield app
    app.extensions["issuer"].db.dispose()


def _vc(issuer: str, **extra) -> dict:
    return {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"], "issuer": issuer,
            "credentialSubject": {"id": "did:example:subject"}, **extra}


def test_vc_api_issue_and_status(conformance, clock, fetcher_for):
    from passport_vc.did import default_resolver
    from passport_vc.verify import Verifier

    client = conformance.test_client()
    service = conformance.extensions["issuer"]
    # already made at start-up: the same DIDs come back
    issuers = service.conformance.ensure_conformance_issuers()
    verifier = Verifier(resolver=default_resolver(), fetch=fetcher_for(client, clock),
                        clock=clock)
    for curve, suite in (("Ed25519", "eddsa-rdfc-2022"), ("P-256", "ecdsa-rdfc-2019")):
        response = client.post("/credentials/issue", json={
            "credential": _vc(issuers[curve]),
            "options": {"credentialStatus": {"type": "BitstringStatusListEntry"}}})
        assert response.status_code == 201, response.json
        signed = response.json["verifiableCredential"]
        assert signed["proof"]["cryptosuite"] == suite
        assert signed["@context"][1] == "https://www.w3.org/ns/credentials/examples/v2"
        assert verifier.verify_credential(signed).verified
        changed = client.post("/credentials/status", json={
            "credentialId": signed["id"],
            "credentialStatus": [{"type": "BitstringStatusListCredential",
                                  "status": "revoked"}]})
        assert changed.status_code == 200, changed.json
        result = verifier.verify_credential(signed)
        assert not result.verified and result.check("status").ok is False
    # 1.1 input is accepted too
    legacy = {"@context": ["https://www.w3.org/2018/credentials/v1",
                           "https://w3id.org/security/data-integrity/v2"],
              "type": ["VerifiableCredential"], "issuer": issuers["Ed25519"],
              "issuanceDate": "2026-01-01T00:00:00Z",
              "credentialSubject": {"id": "did:example:subject"}}
    assert client.post("/credentials/issue", json={"credential": legacy}).status_code == 201


@pytest.mark.parametrize("mutate", [
    lambda vc: vc.pop("@context"),
    lambda vc: vc.update({"type": ["Other"]}),
    lambda vc: vc.pop("credentialSubject"),
    lambda vc: vc.update({"validFrom": "yesterday"}),
    lambda vc: vc.update({"validFrom": "2026-01-02T00:00:00Z",
                          "validUntil": "2025-01-01T00:00:00Z"}),
    lambda vc: vc.update({"credentialSchema": {"id": "https://example.org/s"}}),
    lambda vc: vc.update({"@context": ["https://www.w3.org/ns/credentials/v2"],
                          "undefinedTerm": 1}),  # examples/v2 has a catch-all @vocab
    lambda vc: vc.update({"issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}),
    lambda vc: vc.update({"relatedResource": [{"id": "https://example.org/x"}]}),
])
def test_vc_api_rejects_malformed_credentials(conformance, mutate):
    client = conformance.test_client()
    issuers = conformance.extensions["issuer"].conformance.ensure_conformance_issuers()
    credential = _vc(issuers["Ed25519"])
    mutate(credential)
    response = client.post("/credentials/issue", json={"credential": credential})
    assert response.status_code in (400, 422), response.json
    assert response.mimetype == "application/problem+json"


def test_vc_api_status_errors(conformance):
    client = conformance.test_client()
    assert client.post("/credentials/status", json={"credentialId": "urn:uuid:nope",
                                                    "credentialStatus": [{"status": "revoked"}]}
                       ).status_code == 404
    assert client.post("/credentials/status", json={"credentialId": 1}).status_code == 400
    assert client.post("/credentials/issue", json={"credential": "text"}).status_code == 400


def test_vc_api_is_off_by_default(client):
    response = client.post("/credentials/issue", json={"credential": _vc("did:key:z6Mk")})
    assert response.status_code == 404
