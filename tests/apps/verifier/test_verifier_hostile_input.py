"""Issue 10 findings 1–2 at the verifier: a null @vocab or a lone surrogate is a 4xx answer with
a reason (problem+json or a not-verified result), never a 500."""

from __future__ import annotations

import copy
import json

import pytest


@pytest.fixture
def client(make_app, sqlite_url):
    return make_app(sqlite_url).test_client()


def _with_null_vocab(credential: dict) -> dict:
    changed = copy.deepcopy(credential)
    changed["@context"] = [*changed["@context"], {"@vocab": None}]
    return changed


def _surrogate_text(body: dict) -> str:
    return json.dumps(body).replace('"credentialSubject": {',
                                    '"credentialSubject": {"x": "\\ud800", ', 1)


def test_null_vocab_at_credentials_verify(client, world):
    body = {"verifiableCredential": _with_null_vocab(world.credentials["valid"])}
    response = client.post("/credentials/verify", json=body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["verified"] is False
    assert any("@context" in (error.get("detail") or "") for error in answer["errors"])


def test_null_vocab_at_presentations_verify(client, world):
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": None}],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [world.credentials["valid"]]}
    response = client.post("/presentations/verify",
                           json={"verifiablePresentation": presentation})
    assert response.status_code == 400
    assert response.get_json()["verified"] is False


@pytest.mark.parametrize("path, wrap", [
    ("/credentials/verify", lambda c: {"verifiableCredential": c}),
    ("/presentations/verify", lambda c: {"verifiablePresentation": {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"], "verifiableCredential": [c]}}),
])
def test_lone_surrogate_is_refused_at_parse_time(client, world, path, wrap):
    response = client.post(path, data=_surrogate_text(wrap(world.credentials["valid"])),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "broken character" in response.get_json()["detail"]


@pytest.mark.parametrize("payload", ["surrogate", "null-vocab"])
def test_check_page_answers_plainly(make_app, sqlite_url, world, payload):
    app = make_app(sqlite_url)
    app.config["WTF_CSRF_ENABLED"] = False
    credential = world.credentials["valid"]
    text = (_surrogate_text(credential) if payload == "surrogate"
            else json.dumps(_with_null_vocab(credential)))
    response = app.test_client().post("/check", data={"payload": text, "form": "payload"})
    body = response.get_data(as_text=True)
    if payload == "surrogate":
        assert response.status_code == 400 and "broken character" in body
    else:  # read, then reported as not a valid credential, with the reason
        assert response.status_code == 200 and "Result: Valid" not in body
        assert "@context" in body


# --- finding 13: a stranger using a recognised provider's name ---------------------------------
def _impostor(world, name: str) -> dict:
    from datetime import date

    from verifier_world import _course

    from passport_vc.issue import issue_credential
    from schemas import build_training_credential

    credential = build_training_credential(
        _course("fire-safety"), issuer_id=world.stranger_key.controller, issuer_name=name,
        subject_name="Sam Carer", subject_id=world.holder_key.controller,
        completed=date(2026, 3, 1), credential_id="urn:uuid:00000000-0000-4000-8000-0000000000ff")
    return issue_credential(credential, world.stranger_key, clock=world.clock)


@pytest.mark.parametrize("name", ["Example Care Training Ltd", "  example care   TRAINING ltd"])
def test_a_stranger_claiming_a_recognised_name_is_headlined_as_a_claim(make_service, world,
                                                                       name):
    report = make_service().check(_impostor(world, name)).credentials[0]
    assert report.state == "unknown-provider"
    assert report.provider_name.startswith("Claims to be ")
    assert report.provider_name.endswith("— not on your trust list")
    assert dict(report.checklist)["Provider"] == report.provider_name
    assert "not issued by that provider" in report.verdict["message"]


def test_the_trust_list_name_is_the_headline_when_trusted(make_service, world):
    from verifier_world import PROVIDER_NAME

    from passport_vc.trust import TrustEntry, TrustList

    trust = TrustList()
    trust.add(TrustEntry(world.stranger_key.controller, "Stranger Training (checked)",
                         ("local",)))
    report = make_service(trust=trust).check(_impostor(world, PROVIDER_NAME)).credentials[0]
    assert report.state == "valid"
    assert report.provider_name == "Stranger Training (checked)"
    assert PROVIDER_NAME not in dict(report.checklist)["Provider"]
