"""P-521 keys (ES512) for VC-JOSE-COSE: the typed key objects, Multikey / JWK forms, the JOSE
and COSE allow-lists, and vectors signed elsewhere (RFC 7520 §4.3, the W3C vc-jose-cose suite).
did:key P-521 documents are checked against the did:key spec's vectors in test_did.py."""

from __future__ import annotations

import json

import pytest
from jwcrypto import jwk, jws
from multiformats import multicodec, varint

from passport_vc.clock import fixed_clock
from passport_vc.did import did_key_from_public_key, verification_method_for
from passport_vc.errors import ProofVerificationError, UnsupportedAlgorithmError
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.keys import PrivateKey, PublicKey, multikey
from passport_vc.keys.keypairs import b64url, b64url_decode
from passport_vc.proofs import cose
from passport_vc.proofs.jose import sign_jws, verify_jws, verify_vc_jwt

NOW = fixed_clock("2026-06-01T12:00:00Z")

# RFC 7520 (JOSE cookbook) §3.2 "EC Private Key" (P-521) and §4.3 "ECDSA Signature": an ES512
# compact JWS of the §4 payload by that key.
RFC7520_KEY = {
    "kty": "EC", "kid": "bilbo.baggins@hobbiton.example", "use": "sig", "crv": "P-521",
    "x": "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
    "y": "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
    "d": "AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt"}
RFC7520_PROTECTED = ("eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9")
RFC7520_PAYLOAD = (
    "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250"
    "byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hl"
    "cmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4")
RFC7520_SIGNATURE = (
    "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3m"
    "tPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2")

# W3C vc-jose-cose-test-suite (ff6be51) tests/input/vm-p521.json (public part) and
# tests/input/credential-jose-unknown-extensions.txt: a vc+jwt signed ES512 by that key.
SUITE_P521_JWK = {
    "alg": "ES512", "crv": "P-521", "kid": "KQsihxP-LTeTZO2ETEfduP153UBIiFRhI8nSklMSmm0",
    "kty": "EC",
    "x": "Ac8mt4TvYd3TOrYtTk_YTQ5QQMpl58OnrU7uRxQEUoOO_6QnRBM0Xan8KQI_0dPKzcKBak0ZSEXcc5SNFUBHYfbP",
    "y": "ADP_cowssurHA7uMHy4IODl247oQjCxZWFX7Gtr3cFmfVIwEyKGegrJh9ooZy5FsvFVbYwAmLKVfGZs7O15RBsO-"}
SUITE_ISSUER = "https://example.issuer/vc-jose-cose"
SUITE_VC_JWT = (
    "eyJhbGciOiJFUzUxMiIsImN0eSI6InZjIiwia2lkIjoiS1FzaWh4UC1MVGVUWk8yRVRFZmR1UDE1M1VCSWlGUmhJOG"
    "5Ta2xNU21tMCIsInR5cCI6InZjK2p3dCJ9.eyJAY29udGV4dCI6WyJodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGV"
    "udGlhbHMvdjIiLCJodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGVudGlhbHMvZXhhbXBsZXMvdjIiXSwiY3JlZGVud"
    "GlhbFNjaGVtYSI6eyJpZCI6Imh0dHBzOi8vZXhhbXBsZS5vcmcvZXhhbXBsZXMvZGVncmVlLmpzb24iLCJ0eXBlIjo"
    "iSnNvblNjaGVtYSJ9LCJjcmVkZW50aWFsU3ViamVjdCI6eyJkZWdyZWUiOnsibmFtZSI6IkJhY2hlbG9yIG9mIFNja"
    "WVuY2UgYW5kIEFydHMiLCJ0eXBlIjoiQmFjaGVsb3JEZWdyZWUifSwiaWQiOiJkaWQ6ZXhhbXBsZToxMjMifSwiaWF"
    "0IjoiMjAxMC0wMS0wMVQxOToyMzoyNFoiLCJpZCI6Imh0dHA6Ly91bml2ZXJzaXR5LmV4YW1wbGUvY3JlZGVudGlhb"
    "HMvMTg3MiIsImlzcyI6Imh0dHBzOi8vZXhhbXBsZS5pc3N1ZXIvdmMtam9zZS1jb3NlIiwiaXNzdWVyIjoiaHR0cHM"
    "6Ly9leGFtcGxlLmlzc3Vlci92Yy1qb3NlLWNvc2UiLCJqdGkiOiJodHRwOi8vdW5pdmVyc2l0eS5leGFtcGxlL2NyZ"
    "WRlbnRpYWxzLzE4NzIiLCJ0eXBlIjpbIlZlcmlmaWFibGVDcmVkZW50aWFsIiwiRXhhbXBsZUFsdW1uaUNyZWRlbnR"
    "pYWwiXSwidmFsaWRGcm9tIjoiMjAxMC0wMS0wMVQxOToyMzoyNFoifQ.AXLMDJSZkri2raeeqE_iiizddNAvKVihbp"
    "PSMTr-bz-v9ddRnMD2OfLcOuzn5Pt0Clu8Xm7VRDmJiE3WWKXpC8hJANeYouwxlfEHICFhY5n4yVEb9gC-"
    "X8U5I0y4HHA3u-_nn2E6piaMyR7TGpUEXsAbz4jnb7leP_GGErdVNh6zJ_of")


@pytest.mark.parametrize(("curve", "public", "secret"), [
    ("Ed25519", "ed25519-pub", "ed25519-priv"), ("P-256", "p256-pub", "p256-priv"),
    ("P-384", "p384-pub", "p384-priv"), ("P-521", "p521-pub", "p521-priv")])
def test_multikey_headers_are_the_multicodec_tables(curve, public, secret):
    assert multikey.PUBLIC_HEADERS[curve] == varint.encode(multicodec.get(public).code)
    assert multikey.SECRET_HEADERS[curve] == varint.encode(multicodec.get(secret).code)
    assert multikey.MULTICODEC_NAMES[curve] == public


def test_p521_key_forms_round_trip():
    key = PrivateKey.generate("P-521")
    public = key.public_key
    assert public.jws_algorithm == key.jws_algorithm == "ES512"
    assert len(public.raw) == 67 and public.multibase.startswith("z2J9")  # did:key spec: z2J9
    assert PublicKey.from_multibase(public.multibase) == public
    jwk_form = public.to_jwk()
    assert len(b64url_decode(jwk_form["x"])) == len(b64url_decode(jwk_form["y"])) == 66
    assert PublicKey.from_jwk(jwk_form) == public
    secret = multikey.encode_secret("P-521", key.to_cryptography().private_numbers()
                                    .private_value.to_bytes(66, "big"))
    assert PrivateKey.from_multibase(secret).public_key == public
    assert PrivateKey.from_pkcs8(key.to_pkcs8(b"pass phrase"), b"pass phrase").public_key \
        == public
    signature = key.sign(b"care certificate")
    assert len(signature) == 132
    assert public.verify(signature, b"care certificate")
    assert not public.verify(signature, b"care certificatf")
    assert not public.verify(signature[:-1], b"care certificate")


def test_p521_jwk_coordinates_must_be_full_length():
    """RFC 7518 §6.2.1.2: the coordinate is the full 66 bytes, leading zeros included."""
    short = {**PrivateKey.from_jwk(RFC7520_KEY).public_key.to_jwk()}
    short["x"] = b64url(b64url_decode(short["x"])[1:])  # RFC 7520's x starts with a 0 byte
    with pytest.raises(ValueError, match="66 bytes"):
        PublicKey.from_jwk(short)


def test_rfc7520_es512_vector():
    key = PrivateKey.from_jwk(RFC7520_KEY)
    public = key.public_key
    assert public.to_jwk() == {name: RFC7520_KEY[name] for name in ("kty", "crv", "x", "y")}
    signing_input = f"{RFC7520_PROTECTED}.{RFC7520_PAYLOAD}".encode("ascii")
    signature = b64url_decode(RFC7520_SIGNATURE)
    assert public.verify(signature, signing_input)
    assert not public.verify(signature, signing_input + b"x")
    # and the key signs what an independent implementation (jwcrypto) accepts
    token = sign_jws({"claim": "value"}, key, {"kid": RFC7520_KEY["kid"]})
    checked = jws.JWS()
    checked.deserialize(token)
    checked.verify(jwk.JWK(**{k: v for k, v in RFC7520_KEY.items() if k != "d"}), alg="ES512")
    assert json.loads(checked.payload) == {"claim": "value"}


def test_the_w3c_suites_es512_vc_jwt_verifies_with_its_key_and_not_when_changed():
    public = PublicKey.from_jwk(SUITE_P521_JWK)
    asked = []

    def lookup(kid: str) -> PublicKey:
        asked.append(kid)
        return public

    verified = verify_vc_jwt(SUITE_VC_JWT, public_key_for_kid=lookup, clock=NOW)
    assert verified.header["alg"] == "ES512"
    assert asked == [f"{SUITE_ISSUER}#{SUITE_P521_JWK['kid']}"]
    assert verified.payload["issuer"] == SUITE_ISSUER
    header, payload, signature = SUITE_VC_JWT.split(".")
    changed = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    with pytest.raises(ProofVerificationError):
        verify_vc_jwt(f"{header}.{payload}.{changed}", public_key_for_kid=lookup, clock=NOW)


def test_es512_only_for_p521_and_p521_only_for_es512():
    p521, p384 = PrivateKey.generate("P-521"), PrivateKey.generate("P-384")
    es512 = sign_jws({"a": 1}, p521, {})
    with pytest.raises(UnsupportedAlgorithmError, match="P-384"):
        verify_jws(es512, p384.public_key)
    with pytest.raises(UnsupportedAlgorithmError, match="P-521"):
        verify_jws(sign_jws({"a": 1}, p384, {}), p521.public_key)
    with pytest.raises(UnsupportedAlgorithmError):
        sign_jws({"a": 1}, p521, {"alg": "ES256"})
    assert verify_jws(es512, p521.public_key)[0]["alg"] == "ES512"


def test_cose_es512_message_is_checked_against_the_curve():
    p521, p256 = PrivateKey.generate("P-521"), PrivateKey.generate("P-256")
    did = did_key_from_public_key(p521.public_key)
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": did,
                "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:1"}}
    data = cose.sign_cose(document, p521, kid=verification_method_for(did), kind="credential")
    verified = cose.verify_cose(data, kind="credential",
                                public_key_for_kid=lambda _kid: p521.public_key)
    assert verified.algorithm == "ES512" and verified.document == document
    with pytest.raises(UnsupportedAlgorithmError, match="P-256"):
        cose.verify_cose(data, kind="credential", public_key_for_kid=lambda _kid: p256.public_key)


def test_p521_has_no_data_integrity_cryptosuite():
    """ecdsa-rdfc-2019 / ecdsa-jcs-2019 define P-256 and P-384 only."""
    key = PrivateKey.generate("P-521")
    did = did_key_from_public_key(key.public_key)
    credential = {"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": did,
                  "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:1"}}
    with pytest.raises(UnsupportedAlgorithmError, match="vc\\+jwt or vc\\+cose"):
        issue_credential(credential, IssuerKey(key, verification_method_for(did)))
    with pytest.raises(UnsupportedAlgorithmError, match="P-521"):
        issue_credential(credential, IssuerKey(key, verification_method_for(did)),
                         cryptosuite="ecdsa-rdfc-2019")
