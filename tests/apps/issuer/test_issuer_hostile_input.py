"""Issue 10 findings 1–2 at the issuer's VC API conformance profile: problem+json, never a 500."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from issuer import create_app


@pytest.fixture
def conformance(config):
    app = create_app(replace(config, conformance=True))
    yield app
    app.extensions["issuer"].db.dispose()


def _vc(issuer: str) -> dict:
    return {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"], "issuer": issuer,
            "credentialSubject": {"id": "did:example:subject"}}


@pytest.mark.parametrize("context", [{"@vocab": None}, {"@vocab": "_:"}, {"@version": 2},
                                     {"x": {"@id": "_:p"}}])
def test_hostile_context_is_refused(conformance, context):
    client = conformance.test_client()
    issuers = conformance.extensions["issuer"].conformance.ensure_conformance_issuers()
    credential = _vc(issuers["Ed25519"])
    credential["@context"].append(context)
    credential["credentialSubject"]["x"] = "y"
    response = client.post("/credentials/issue", json={"credential": credential})
    assert response.status_code in (400, 422), response.status_code
    assert response.mimetype == "application/problem+json"


def test_lone_surrogate_is_refused(conformance):
    client = conformance.test_client()
    issuers = conformance.extensions["issuer"].conformance.ensure_conformance_issuers()
    credential = _vc(issuers["Ed25519"])
    text = json.dumps({"credential": credential}).replace('"did:example:subject"',
                                                          '"did:example:\\udc00"')
    response = client.post("/credentials/issue", data=text, content_type="application/json")
    assert response.status_code == 400
    assert "broken character" in response.get_json()["detail"]
