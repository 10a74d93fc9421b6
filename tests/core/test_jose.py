"""VC-JOSE-COSE vc+jwt: issue/verify round trips, legacy VC 1.1 JWTs, and every refusal."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.errors import (
    KeyBindingError,
    MalformedProofError,
    ProofVerificationError,
    RangeError,
    UnsupportedAlgorithmError,
)
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.keypairs import b64url, b64url_decode
from passport_vc.proofs.jose import (
    ALLOWED_ALGORITHMS,
    issue_vc_jwt,
    sign_jws,
    verify_jws,
    verify_vc_jwt,
)

NOW = fixed_clock("2025-06-01T12:00:00Z")


def did_key(key: PrivateKey) -> tuple[str, str]:
    did = "did:key:" + key.public_key.multibase
    return did, did + "#" + key.public_key.multibase


def credential(issuer: str, **extra) -> dict:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    document.update(extra)
    return document


def resolver_for(*keys: PrivateKey):
    table = {did_key(key)[1]: key.public_key for key in keys}

    def public_key_for_kid(kid: str) -> PublicKey:
        return table[kid]
    return public_key_for_kid


def parts(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return (json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature)


def assemble(header: dict, payload: dict, signature: bytes = b"") -> str:
    encode = lambda data: b64url(json.dumps(data).encode())  # noqa: E731
    return f"{encode(header)}.{encode(payload)}.{b64url(signature)}"


@pytest.mark.parametrize("curve,alg", [("Ed25519", "EdDSA"), ("P-256", "ES256"),
                                       ("P-384", "ES384"), ("P-521", "ES512")])
def test_issue_and_verify_round_trip(curve, alg):
    key = PrivateKey.generate(curve)
    did, kid = did_key(key)
    original = credential(did, validUntil="2030-01-01T00:00:00Z")
    token = issue_vc_jwt(original, key, kid=kid, clock=NOW)

    header, payload, _ = parts(token)
    assert header == {"alg": alg, "kid": kid, "typ": "vc+jwt"}
    assert payload["iss"] == did
    assert payload["iat"] == int(NOW().timestamp())
    assert payload["nbf"] == int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())

    verified = verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)
    assert verified.payload == original
    assert verified.kid == kid
    assert verified.header["alg"] == alg
    assert verified.claims["iss"] == did
    assert alg in ALLOWED_ALGORITHMS[curve]


def test_relative_kid_is_resolved_against_the_issuer():
    key = PrivateKey.generate()
    did, kid = did_key(key)
    token = sign_jws(credential(did), key, {"kid": "#" + key.public_key.multibase,
                                           "typ": "vc+jwt"})
    assert verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW).kid == kid


def test_legacy_vc_1_1_jwt_is_mapped_to_a_credential():
    key = PrivateKey.generate("P-256")
    did, kid = did_key(key)
    issued = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    expires = int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    claims = {
        "iss": did, "nbf": issued, "exp": expires, "jti": "http://example.edu/credentials/3732",
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "vc": {"@context": ["https://www.w3.org/2018/credentials/v1",
                            "https://www.w3.org/2018/credentials/examples/v1"],
               "type": ["VerifiableCredential", "UniversityDegreeCredential"],
               "credentialSubject": {"degree": {"type": "BachelorDegree",
                                                "name": "Bachelor of Science and Arts"}}},
    }
    token = sign_jws(claims, key, {"kid": kid, "typ": "JWT"})
    verified = verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)
    document = verified.payload
    assert document["issuer"] == did
    assert document["issuanceDate"] == "2024-01-01T00:00:00Z"
    assert document["expirationDate"] == "2030-01-01T00:00:00Z"
    assert document["id"] == "http://example.edu/credentials/3732"
    assert document["credentialSubject"]["id"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert document["credentialSubject"]["degree"]["type"] == "BachelorDegree"
    # typ may also be absent in a VC 1.1 JWT
    untyped = sign_jws(claims, key, {"kid": kid})
    assert verify_vc_jwt(untyped, public_key_for_kid=resolver_for(key),
                         clock=NOW).payload == document


# --- refusals ------------------------------------------------------------------------------------
@pytest.fixture
def issuer():
    key = PrivateKey.generate()
    did, kid = did_key(key)
    return key, did, kid


def test_alg_none_is_refused(issuer):
    key, did, kid = issuer
    token = assemble({"alg": "none", "kid": kid, "typ": "vc+jwt"}, credential(did))
    with pytest.raises(UnsupportedAlgorithmError, match="not signed"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)


def test_hs256_with_the_public_key_as_secret_is_refused(issuer):
    key, did, kid = issuer
    header = {"alg": "HS256", "kid": kid, "typ": "vc+jwt"}
    unsigned = assemble(header, credential(did))[:-1]
    mac = hmac.new(key.public_key.raw, unsigned.encode(), hashlib.sha256).digest()
    looked_up: list[str] = []

    def lookup(kid: str) -> PublicKey:
        looked_up.append(kid)
        return key.public_key
    with pytest.raises(UnsupportedAlgorithmError, match="shared-secret"):
        verify_vc_jwt(unsigned + "." + b64url(mac), public_key_for_kid=lookup, clock=NOW)
    assert looked_up == []  # refused before any key was even resolved
    with pytest.raises(UnsupportedAlgorithmError):
        verify_jws(unsigned + "." + b64url(mac), key.public_key)


def test_algorithm_must_match_the_key_curve(issuer):
    key, did, kid = issuer
    p256 = PrivateKey.generate("P-256")
    token = sign_jws(credential(did), p256, {"kid": kid, "typ": "vc+jwt"})  # ES256
    with pytest.raises(UnsupportedAlgorithmError, match="Ed25519"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)


def test_wrong_typ_is_refused(issuer):
    key, did, kid = issuer
    for typ in ("vc+ld+json+jwt", "vp+jwt", "application/json"):
        token = sign_jws(credential(did), key, {"kid": kid, "typ": typ})
        with pytest.raises(MalformedProofError, match="type"):
            verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)
    # typ JWT means VC 1.1, which needs a vc claim
    token = sign_jws(credential(did), key, {"kid": kid, "typ": "JWT"})
    with pytest.raises(MalformedProofError, match="'vc' claim"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)


def test_crit_header_and_missing_kid_are_refused(issuer):
    key, did, kid = issuer
    token = sign_jws(credential(did), key, {"kid": kid, "typ": "vc+jwt", "crit": ["exp"]})
    with pytest.raises(MalformedProofError, match="extensions"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)
    token = sign_jws(credential(did), key, {"typ": "vc+jwt"})
    with pytest.raises(MalformedProofError, match="which key"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)


def test_iss_must_equal_the_issuer(issuer):
    key, did, kid = issuer
    payload = credential(did, iss="did:example:somebody-else")
    token = sign_jws(payload, key, {"kid": kid, "typ": "vc+jwt"})
    with pytest.raises(KeyBindingError, match="somebody-else"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)


def test_expired_and_not_yet_valid(issuer):
    key, did, kid = issuer
    token = issue_vc_jwt(credential(did, validUntil="2025-05-01T00:00:00Z"), key, kid=kid,
                         clock=NOW)
    with pytest.raises(RangeError, match="expired"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)
    token = issue_vc_jwt(credential(did, validFrom="2026-01-01T00:00:00Z"), key, kid=kid,
                         clock=NOW)
    with pytest.raises(RangeError, match="not valid until"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=NOW)
    # within the leeway both are accepted
    edge = fixed_clock("2025-05-01T00:00:30Z")
    token = issue_vc_jwt(credential(did, validUntil="2025-05-01T00:00:00Z"), key, kid=kid,
                         clock=NOW)
    assert verify_vc_jwt(token, public_key_for_kid=resolver_for(key), clock=edge).payload


def test_tampered_payload_is_refused(issuer):
    key, did, kid = issuer
    token = issue_vc_jwt(credential(did), key, kid=kid, clock=NOW)
    header, payload, signature = token.split(".")
    changed = json.loads(b64url_decode(payload))
    changed["credentialSubject"]["alumniOf"] = "A Different School"
    forged = ".".join([header, b64url(json.dumps(changed).encode()), signature])
    with pytest.raises(ProofVerificationError):
        verify_vc_jwt(forged, public_key_for_kid=resolver_for(key), clock=NOW)


def test_wrong_key_is_refused(issuer):
    key, did, kid = issuer
    token = issue_vc_jwt(credential(did), key, kid=kid, clock=NOW)
    impostor = PrivateKey.generate().public_key
    with pytest.raises(ProofVerificationError):
        verify_vc_jwt(token, public_key_for_kid=lambda _kid: impostor, clock=NOW)


def test_kid_of_another_did_is_refused(issuer):
    key, did, _ = issuer
    other = PrivateKey.generate()
    _, other_kid = did_key(other)
    token = sign_jws(credential(did), other, {"kid": other_kid, "typ": "vc+jwt"})
    with pytest.raises(KeyBindingError, match="not a key of the issuer"):
        verify_vc_jwt(token, public_key_for_kid=resolver_for(key, other), clock=NOW)
    with pytest.raises(KeyBindingError):
        issue_vc_jwt(credential(did), other, kid=other_kid, clock=NOW)


def test_verify_jws_checks_expected_typ(issuer):
    key, _, kid = issuer
    token = sign_jws({"hello": "world"}, key, {"kid": kid, "typ": "openid4vci-proof+jwt"})
    header, payload = verify_jws(token, key.public_key, expected_typ={"openid4vci-proof+jwt"})
    assert header["typ"] == "openid4vci-proof+jwt" and payload == {"hello": "world"}
    with pytest.raises(MalformedProofError):
        verify_jws(token, key.public_key, expected_typ={"vc+jwt"})
