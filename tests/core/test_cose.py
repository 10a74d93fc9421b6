"""VC-JOSE-COSE §3.3 vc+cose / vp+cose: round trips per key type, tampering, the algorithm
allow-list, media types, a vector from the W3C vc-jose-cose test suite, enveloped credentials
and presentations (vp+jwt too) through the Verifier, and ``passport sign``."""

from __future__ import annotations

import base64
import json

import cbor2
import pytest

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver, did_key_from_public_key, verification_method_for
from passport_vc.did.supplied import SuppliedKeyResolver, jwk_thumbprint
from passport_vc.errors import (
    KeyBindingError,
    MalformedProofError,
    ParsingError,
    ProofVerificationError,
    UnsupportedAlgorithmError,
)
from passport_vc.issue import (
    IssuerKey,
    issue_credential_cose,
    sign_presentation_cose,
    sign_presentation_jwt,
)
from passport_vc.keys import PrivateKey
from passport_vc.proofs import cose
from passport_vc.verify import Verifier

NOW = fixed_clock("2026-06-01T12:00:00Z")
VC2 = "https://www.w3.org/ns/credentials/v2"

# W3C vc-jose-cose-test-suite (ff6be51), tests/input/vm-p256.json (public part) and
# tests/input/credential-cose-minimal.txt: a vc+cose signed ES256 by that key.
SUITE_P256 = {
    "id": "https://example.issuer/vc-jose-cose#key-1", "type": "JsonWebKey",
    "controller": "https://example.issuer/vc-jose-cose",
    "publicKeyJwk": {"alg": "ES256", "crv": "P-256", "kty": "EC",
                     "kid": "73voMXFNmNlOEpuYCSJlh8eN0dscykoO6gBukgRS1uU",
                     "x": "WfTi93YuhsQxKbD0ftnjOXJndqhnJ5kgDV-ZDGyrhBQ",
                     "y": "qUd_55EjX0mjKZ6W6mF4UXVYTQ41K6jfdnYFwN5uPyk"}}
SUITE_COSE = (
    "0oRYVqQBJgNuYXBwbGljYXRpb24vdmMEWCs3M3ZvTVhGTm1ObE9FcHVZQ1NKbGg4ZU4wZHNjeWtvTzZnQnVrZ1JT"
    "MXVVEHNhcHBsaWNhdGlvbi92Yytjb3NloFkB8nsiQGNvbnRleHQiOlsiaHR0cHM6Ly93d3cudzMub3JnL25zL2Ny"
    "ZWRlbnRpYWxzL3YyIiwiaHR0cHM6Ly93d3cudzMub3JnL25zL2NyZWRlbnRpYWxzL2V4YW1wbGVzL3YyIl0sInR5"
    "cGUiOlsiVmVyaWZpYWJsZUNyZWRlbnRpYWwiLCJFeGFtcGxlQWx1bW5pQ3JlZGVudGlhbCJdLCJpZCI6Imh0dHA6"
    "Ly91bml2ZXJzaXR5LmV4YW1wbGUvY3JlZGVudGlhbHMvMTg3MiIsImlzc3VlciI6Imh0dHBzOi8vZXhhbXBsZS5p"
    "c3N1ZXIvdmMtam9zZS1jb3NlIiwidmFsaWRGcm9tIjoiMjAxMC0wMS0wMVQxOToyMzoyNFoiLCJjcmVkZW50aWFs"
    "U3ViamVjdCI6eyJkZWdyZWUiOnsibmFtZSI6IkJhY2hlbG9yIG9mIFNjaWVuY2UgYW5kIEFydHMiLCJ0eXBlIjoi"
    "QmFjaGVsb3JEZWdyZWUifSwiaWQiOiJkaWQ6ZXhhbXBsZToxMjMifSwiY3JlZGVudGlhbFNjaGVtYSI6eyJpZCI6"
    "Imh0dHBzOi8vZXhhbXBsZS5vcmcvZXhhbXBsZXMvZGVncmVlLmpzb24iLCJ0eXBlIjoiSnNvblNjaGVtYSJ9fVhA"
    "s3W1WN83yVu/HoEyYMy7Tcmub9zL55PDnfcx5yG42BTe0gdQ+E0V9B3B1gMZyt9dDEGZVJynd8vztWVr7d4Kkw")


def _b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _issuer(curve: str):
    key = PrivateKey.generate(curve)
    did = did_key_from_public_key(key.public_key)
    return IssuerKey(key, verification_method_for(did)), did


def _credential(issuer: str) -> dict:
    return {"@context": [VC2, "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"], "issuer": issuer,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:123", "alumniOf": "Example University"}}


def _envelope(data: bytes, kind: str = "Credential", media: str = "vc+cose") -> dict:
    return {"@context": VC2, "type": f"EnvelopedVerifiable{kind}",
            "id": f"data:application/{media};base64," + base64.b64encode(data).decode()}


def _verifier() -> Verifier:
    return Verifier(resolver=default_resolver(), clock=NOW)


@pytest.mark.parametrize(("curve", "alg"), [("Ed25519", "EdDSA"), ("P-256", "ES256"),
                                            ("P-384", "ES384"), ("P-521", "ES512")])
def test_vc_cose_round_trip_per_key_type(curve, alg):
    key, did = _issuer(curve)
    data = issue_credential_cose(_credential(did), key)
    assert cbor2.loads(data).tag == 18
    unverified = cose.read_unverified(data)
    assert unverified.kind == "credential" and unverified.kid == key.verification_method
    result = _verifier().verify_credential(_envelope(data))
    assert result.verified, result.to_json()
    assert result.facts["format"] == "cose_vc" and result.facts["cryptosuite"] == alg


def test_tampered_payload_fails():
    key, did = _issuer("Ed25519")
    tag = cbor2.loads(issue_credential_cose(_credential(did), key))
    protected, unprotected, payload, signature = tag.value
    changed = payload.replace(b"Example University", b"Evil University")
    data = cbor2.dumps(cbor2.CBORTag(18, [protected, dict(unprotected), changed, signature]))
    with pytest.raises(ProofVerificationError):
        cose.verify_cose(data, kind="credential",
                         public_key_for_kid=lambda _kid: key.signer.public_key)
    result = _verifier().verify_credential(_envelope(data))
    assert not result.verified and result.check("proof").ok is False


def test_an_algorithm_that_is_not_the_keys_is_refused():
    """An ES256 message checked against an Ed25519 key never reaches the crypto."""
    p256, p256_did = _issuer("P-256")
    ed, _ = _issuer("Ed25519")
    data = issue_credential_cose(_credential(p256_did), p256)
    with pytest.raises(UnsupportedAlgorithmError):
        cose.verify_cose(data, kind="credential",
                         public_key_for_kid=lambda _kid: ed.signer.public_key)


def test_the_key_must_be_the_issuers():
    key, _did = _issuer("Ed25519")
    other = "did:example:someone-else"
    with pytest.raises(KeyBindingError):
        issue_credential_cose(_credential(other), key)
    # a message claiming another issuer's name with our key is refused on verify too
    forged = cose.sign_cose(_credential(other), key.signer, kid=key.verification_method,
                            kind="credential")
    with pytest.raises(KeyBindingError):
        cose.verify_cose(forged, kind="credential",
                         public_key_for_kid=lambda _kid: key.signer.public_key)


def test_media_types_and_shape_are_checked():
    key, did = _issuer("Ed25519")
    vc = issue_credential_cose(_credential(did), key)
    with pytest.raises(MalformedProofError):  # a credential is not a presentation
        cose.read_unverified(vc, kind="presentation")
    with pytest.raises(ParsingError):
        cose.read_unverified(b"\xd2\x83\x01\x02\x03")
    with pytest.raises(ParsingError):
        cose.read_unverified(cbor2.dumps(cbor2.CBORTag(17, [b"", {}, b"{}", b""])))
    # an enveloped credential may not carry a presentation's media type
    result = _verifier().verify_credential(_envelope(vc, media="vp+cose"))
    assert not result.verified and result.check("structure").ok is False


def test_the_w3c_suites_vector_verifies_with_its_key_and_not_when_changed():
    data = _b64(SUITE_COSE)
    resolver = SuppliedKeyResolver(SUITE_P256)
    verifier = Verifier(resolver=resolver, clock=NOW)
    result = verifier.verify_credential(_envelope(data))
    assert result.verified, result.to_json()
    assert jwk_thumbprint(SUITE_P256["publicKeyJwk"]) == SUITE_P256["publicKeyJwk"]["kid"]
    broken = bytearray(data)
    broken[-1] ^= 1
    assert not verifier.verify_credential(_envelope(bytes(broken))).verified


@pytest.mark.parametrize("media", ["vp+cose", "vp+jwt"])
def test_enveloped_presentations_verify_with_their_credentials(media):
    issuer, issuer_did = _issuer("P-256")
    holder, holder_did = _issuer("Ed25519")
    credential = issue_credential_cose(_credential(issuer_did), issuer)
    presentation = {"@context": [VC2], "type": ["VerifiablePresentation"],
                    "holder": holder_did, "verifiableCredential": [_envelope(credential)]}
    if media == "vp+cose":
        envelope = _envelope(sign_presentation_cose(presentation, holder), "Presentation", media)
        result = _verifier().verify_presentation(envelope)
    else:
        token = sign_presentation_jwt(presentation, holder, clock=NOW, challenge="abc",
                                      domain="verifier.example")
        envelope = {"@context": VC2, "type": "EnvelopedVerifiablePresentation",
                    "id": "data:application/vp+jwt," + token}
        result = _verifier().verify_presentation(envelope, challenge="abc",
                                                 domain="verifier.example")
        wrong = _verifier().verify_presentation(envelope, challenge="other")
        assert not wrong.verified and wrong.check("presentation").ok is False
    assert result.verified, result.to_json()
    assert result.check("holder_binding").ok is True
    assert [inner.verified for inner in result.credentials] == [True]


def test_a_presentation_with_an_unsecured_credential_is_not_signed():
    holder, holder_did = _issuer("Ed25519")
    presentation = {"@context": [VC2], "type": ["VerifiablePresentation"],
                    "holder": holder_did, "verifiableCredential": [_credential(holder_did)]}
    with pytest.raises(Exception, match="must be secured"):
        sign_presentation_cose(presentation, holder)


def test_passport_sign_and_verify_round_trip(tmp_path, capsys):
    from passport_cli.main import main

    key = PrivateKey.generate("P-256")
    jwk = key.public_key.to_jwk()
    controller = "https://issuer.example"
    secret = dict(jwk, d=base64.urlsafe_b64encode(
        key.to_cryptography().private_numbers().private_value.to_bytes(32, "big"))
        .rstrip(b"=").decode())
    method = {"id": controller + "#key-1", "type": "JsonWebKey", "controller": controller,
              "publicKeyJwk": jwk, "secretKeyJwk": secret}
    (tmp_path / "key.json").write_text(json.dumps(method))
    (tmp_path / "vc.json").write_text(json.dumps(_credential(controller)))
    for secured_as in ("vc+cose", "vc+jwt"):
        out = tmp_path / f"out-{secured_as}.txt"
        assert main(["sign", str(tmp_path / "vc.json"), "--format", secured_as, "--key",
                     str(tmp_path / "key.json"), "-o", str(out)]) == 0
        assert main(["verify", str(out), "--key", str(tmp_path / "key.json"),
                     "--format", secured_as]) == 0
        other = "vc+jwt" if secured_as == "vc+cose" else "vc+cose"
        assert main(["verify", str(out), "--key", str(tmp_path / "key.json"),
                     "--format", other]) == 1
    # refused in plain English: a credential whose issuer does not control the key
    (tmp_path / "vc2.json").write_text(json.dumps(_credential("https://someone.example")))
    assert main(["sign", str(tmp_path / "vc2.json"), "--format", "vc+cose", "--key",
                 str(tmp_path / "key.json")]) == 1
    assert "does not control this key" in capsys.readouterr().err
    # usage error: unknown format
    with pytest.raises(SystemExit) as stopped:
        main(["sign", str(tmp_path / "vc.json"), "--format", "vc+xml", "--key", "k"])
    assert stopped.value.code == 2
