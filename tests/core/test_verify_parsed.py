"""``parsed=True`` (the VC API hands over what parse_json already bounded and checked) gives the
same verdict as the full read of the same presentation, and a plain object that was not parsed
is still walked (its characters checked)."""

from __future__ import annotations

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver, did_key_from_public_key, verification_method_for
from passport_vc.issue import IssuerKey, build_presentation, issue_credential, sign_presentation
from passport_vc.keys import PrivateKey
from passport_vc.verify import Verifier

NOW = fixed_clock("2026-06-01T12:00:00Z")
VC2 = "https://www.w3.org/ns/credentials/v2"


def _key():
    key = PrivateKey.generate("Ed25519")
    did = did_key_from_public_key(key.public_key)
    return IssuerKey(key, verification_method_for(did)), did


def _presentation(subject_name: str = "Sam Taylor") -> dict:
    issuer, issuer_did = _key()
    holder, holder_did = _key()
    credentials = [issue_credential(
        {"@context": [VC2, "https://www.w3.org/ns/credentials/examples/v2"],
         "type": ["VerifiableCredential", "ExampleAlumniCredential"], "issuer": issuer_did,
         "validFrom": "2026-01-01T00:00:00Z",
         "credentialSubject": {"id": holder_did, "alumniOf": f"{subject_name} {number}"}},
        issuer, clock=NOW) for number in range(3)]
    return sign_presentation(build_presentation(credentials, holder_did), holder,
                             challenge="c-1", domain="verifier.example", clock=NOW)


def _verdict(result):
    return (result.verified, [(c.name, c.ok) for c in result.checks],
            [(inner.verified, [(c.name, c.ok) for c in inner.checks])
             for inner in result.credentials])


def test_parsed_presentations_get_the_same_verdict():
    verifier = Verifier(resolver=default_resolver(), clock=NOW)
    presentation = _presentation()
    full = verifier.verify_presentation(presentation, challenge="c-1", domain="verifier.example")
    assert full.verified
    quick = verifier.verify_presentation(presentation, challenge="c-1",
                                         domain="verifier.example", parsed=True)
    assert _verdict(quick) == _verdict(full)
    presentation["verifiableCredential"][0]["credentialSubject"]["alumniOf"] = "Changed"
    tampered = verifier.verify_presentation(presentation, challenge="c-1",
                                            domain="verifier.example", parsed=True)
    assert not tampered.verified


def test_an_object_not_parsed_is_still_checked_for_characters():
    verifier = Verifier(resolver=default_resolver(), clock=NOW)
    presentation = _presentation("Sam\x00Taylor")
    result = verifier.verify_presentation(presentation, challenge="c-1",
                                          domain="verifier.example")
    assert not result.verified
    assert any(c.name == "structure" and c.ok is False for c in result.checks)
