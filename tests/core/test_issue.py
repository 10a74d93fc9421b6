"""Issuing recipes (passport_vc.issue): what the issuer adds or refuses before it signs."""

from __future__ import annotations

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver, did_key_from_public_key, verification_method_for
from passport_vc.issue import DATA_INTEGRITY_CONTEXT, VC1_CONTEXT, IssuerKey, issue_credential
from passport_vc.keys import PrivateKey
from passport_vc.verify import Verifier

CLOCK = fixed_clock("2026-06-01T12:00:00Z")


def _key(curve: str = "Ed25519") -> IssuerKey:
    private = PrivateKey.generate(curve)
    return IssuerKey(private, verification_method_for(did_key_from_public_key(
        private.public_key)))


def _legacy(issuer: str, *contexts: str) -> dict:
    return {"@context": [VC1_CONTEXT, *contexts], "type": ["VerifiableCredential"],
            "issuer": issuer, "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:subject"}}


def test_a_vc_1_1_credential_gets_the_data_integrity_context_when_signed():
    for curve in ("Ed25519", "P-256"):
        key = _key(curve)
        credential = _legacy(key.controller)
        signed = issue_credential(credential, key, clock=CLOCK)
        assert signed["@context"] == [VC1_CONTEXT, DATA_INTEGRITY_CONTEXT]
        assert credential["@context"] == [VC1_CONTEXT]  # the caller's copy is untouched
        assert signed["proof"]["type"] == "DataIntegrityProof"
        result = Verifier(resolver=default_resolver(), clock=CLOCK).verify_credential(signed)
        assert result.verified, result.to_json()


def test_a_context_already_present_is_not_added_again_or_moved():
    key = _key()
    examples = "https://www.w3.org/2018/credentials/examples/v1"
    signed = issue_credential(_legacy(key.controller, DATA_INTEGRITY_CONTEXT, examples), key,
                              clock=CLOCK)
    assert signed["@context"] == [VC1_CONTEXT, DATA_INTEGRITY_CONTEXT, examples]


def test_a_proof_set_of_one_is_an_array_and_verifies():
    key = _key()
    signed = issue_credential(_legacy(key.controller), key, clock=CLOCK, proof_set=True)
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert signed["proof"][0]["proofPurpose"] == "assertionMethod"
    result = Verifier(resolver=default_resolver(), clock=CLOCK).verify_credential(signed)
    assert result.verified, result.to_json()
    assert isinstance(issue_credential(_legacy(key.controller), key, clock=CLOCK)["proof"], dict)
