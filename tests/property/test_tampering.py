"""Sign → verify round trips, and any single change to a signed credential breaks verification."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport_vc.jsonld import Canonicalizer
from passport_vc.keys import PrivateKey
from passport_vc.proofs import data_integrity

OB3 = Path(__file__).parent.parent / "vectors" / "ob3" / "ldp-eddsa-rdfc-2022"
KEYS = {curve: PrivateKey.generate(curve) for curve in ("Ed25519", "P-256")}
SUITE = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019"}
CANON = Canonicalizer()


def _options(curve: str) -> dict:
    public = KEYS[curve].public_key.multibase
    return {"type": "DataIntegrityProof", "cryptosuite": SUITE[curve],
            "created": "2025-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
            "verificationMethod": f"did:key:{public}#{public}"}


def _credential() -> dict:
    unsigned = json.loads((OB3 / "unsigned.json").read_text())
    unsigned["credentialSubject"]["id"] = "did:example:worker"
    return unsigned


def _verify(document: dict, curve: str) -> bool:
    outcomes = data_integrity.verify_proofs(document, lambda proof: KEYS[curve].public_key, CANON)
    return all(outcome.ok for outcome in outcomes)


SIGNED = {curve: data_integrity.add_proof(_credential(), KEYS[curve], _options(curve), CANON)
          for curve in KEYS}


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _get(node, path):
    for step in path:
        node = node[step]
    return node


def _set(node, path, value):
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


@pytest.mark.parametrize("curve", sorted(KEYS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=40), hours=st.integers(0, 10_000))
def test_round_trip(curve, name, hours):
    credential = _credential()
    credential["credentialSubject"]["achievement"]["name"] = name
    credential["credentialSubject"]["achievement"]["description"] = f"{hours} hours"
    signed = data_integrity.add_proof(credential, KEYS[curve], _options(curve), CANON)
    assert _verify(signed, curve)


@pytest.mark.parametrize("curve", sorted(KEYS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_change_to_a_signed_value_is_detected(curve, data):
    signed = copy.deepcopy(SIGNED[curve])
    paths = [path for path in _leaves(signed) if path[:1] != ("@context",)]
    path = data.draw(st.sampled_from(paths))
    original = _get(signed, path)
    if isinstance(original, str):
        replacement = data.draw(st.one_of(
            st.text(max_size=20), st.just(original + "x"), st.just(original.upper()),
            st.sampled_from(["did:example:other", "https://evil.example/", "Profile"])))
    else:
        replacement = data.draw(st.one_of(st.integers(), st.text(max_size=5)))
    if replacement == original:
        return
    _set(signed, path, replacement)
    assert not _verify(signed, curve), f"change at {path} went unnoticed"


@pytest.mark.parametrize("curve", sorted(KEYS))
@pytest.mark.parametrize("change", [
    "add-property", "remove-property", "add-type", "remove-type", "issuer", "drop-context",
    "swap-ob-context", "unknown-context", "proof-value", "proof-purpose", "proof-created",
    "proof-method", "remove-proof"])
def test_named_changes_are_detected(curve, change):
    signed = copy.deepcopy(SIGNED[curve])
    if change == "add-property":
        signed["credentialSubject"]["careHoursCompleted"] = 1000
    elif change == "remove-property":
        del signed["credentialSubject"]["achievement"]["description"]
    elif change == "add-type":
        signed["type"].append("EndorsementCredential")
    elif change == "remove-type":
        signed["type"].remove("OpenBadgeCredential")
    elif change == "issuer":
        signed["issuer"]["id"] = "https://example.edu/issuers/other"
    elif change == "drop-context":
        signed["@context"] = signed["@context"][:1]
    elif change == "swap-ob-context":
        signed["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    elif change == "unknown-context":
        signed["@context"].append("https://evil.example/context")
    elif change == "proof-value":
        value = signed["proof"]["proofValue"]
        signed["proof"]["proofValue"] = value[:-2] + ("11" if value[-2:] != "11" else "22")
    elif change == "proof-purpose":
        signed["proof"]["proofPurpose"] = "authentication"
    elif change == "proof-created":
        signed["proof"]["created"] = "2025-01-02T00:00:00Z"
    elif change == "proof-method":
        signed["proof"]["verificationMethod"] += "x"
    elif change == "remove-proof":
        del signed["proof"]
    assert not _verify(signed, curve)
    assert _verify(SIGNED[curve], curve)
