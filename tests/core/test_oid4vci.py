"""OpenID4VCI 1.0 building blocks: offers, offer links, metadata, key proofs."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.errors import (
    InvalidChallengeError,
    MalformedProofError,
    MalformedValueError,
    ParsingError,
    TooLargeError,
)
from passport_vc.inputs import read_unverified
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.keypairs import b64url
from passport_vc.oid4vci import (
    PRE_AUTHORIZED_GRANT,
    authorization_server_metadata,
    credential_offer,
    error_response,
    issuer_metadata,
    make_proof_jwt,
    offer_uri,
    parse_offer_uri,
    verify_proof_jwt,
)
from passport_vc.proofs.jose import sign_jws

ISSUER = "https://training.example"
CODE = "pre-auth-" + "x" * 24
NOW = fixed_clock("2025-06-01T12:00:00Z")


def holder(curve: str = "Ed25519") -> tuple[PrivateKey, str, str]:
    key = PrivateKey.generate(curve)
    did = "did:key:" + key.public_key.multibase
    return key, did, did + "#" + key.public_key.multibase


def resolver(*keys: PrivateKey):
    table = {"did:key:" + k.public_key.multibase + "#" + k.public_key.multibase: k.public_key
             for k in keys}

    def resolve(kid: str) -> PublicKey:
        return table[kid]
    return resolve


# --- offers --------------------------------------------------------------------------------------
def test_credential_offer_shape():
    tx_code = {"input_mode": "numeric", "length": 6, "description": "The PIN from your email"}
    offer = credential_offer(ISSUER + "/", ["care-certificate"], CODE, tx_code)
    assert offer == {
        "credential_issuer": ISSUER,
        "credential_configuration_ids": ["care-certificate"],
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": CODE, "tx_code": tx_code}}}
    assert "tx_code" not in credential_offer(ISSUER, ["a"], CODE)["grants"][PRE_AUTHORIZED_GRANT]


@pytest.mark.parametrize("args", [
    ("http://training.example", ["a"], CODE),   # not https
    (ISSUER, [], CODE),
    (ISSUER, ["a"], "short"),
])
def test_credential_offer_refuses_bad_input(args):
    with pytest.raises(MalformedValueError):
        credential_offer(*args)


def test_offer_uri_round_trip_by_reference():
    url = ISSUER + "/offers/abc?x=1&y=2"
    link = offer_uri(url)
    assert link == ("openid-credential-offer://?credential_offer_uri="
                    "https%3A%2F%2Ftraining.example%2Foffers%2Fabc%3Fx%3D1%26y%3D2")
    assert parse_offer_uri(link) == {"credential_offer_uri": url}
    # the verifier's input reader recognises an offer and explains it is for a wallet
    with pytest.raises(ParsingError, match="wallet"):
        read_unverified(link)


def test_parse_offer_by_value():
    offer = credential_offer(ISSUER, ["care-certificate"], CODE)
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))
    assert parse_offer_uri(link) == {"credential_offer": offer}
    https_link = "https://wallet.example/receive?credential_offer=" + quote(json.dumps(offer))
    assert parse_offer_uri(https_link) == {"credential_offer": offer}


@pytest.mark.parametrize("text", [
    "https://training.example/offers/abc",                       # no query
    "mailto:someone@example.com?credential_offer_uri=https://a.example",
    "openid-credential-offer://?something_else=1",
    "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fevil.example%2Fo",
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example&"
    "credential_offer=%7B%7D",
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example&"
    "credential_offer_uri=https%3A%2F%2Fb.example",
    "openid-credential-offer://?credential_offer=%7Bnot%20json",
    "openid-credential-offer://?credential_offer=" + quote(json.dumps(
        {"credential_issuer": "https://a.example", "credential_configuration_ids": []})),
    "openid-credential-offer://?credential_offer=" + quote(json.dumps(
        {"credential_issuer": "ftp://a.example", "credential_configuration_ids": ["a"]})),
    "openid-credential-offer://?credential_offer=" + quote(json.dumps(["a"])),
])
def test_parse_offer_refuses_anything_else(text):
    with pytest.raises(ParsingError):
        parse_offer_uri(text)


def test_parse_offer_is_bounded():
    with pytest.raises(TooLargeError):
        parse_offer_uri("openid-credential-offer://?credential_offer=" + "a" * 10_000)


# --- metadata ------------------------------------------------------------------------------------
def test_issuer_metadata():
    metadata = issuer_metadata(ISSUER + "/", {
        "care-certificate": {"format": "ldp_vc",
                             "types": ["VerifiableCredential", "OpenBadgeCredential"],
                             "contexts": ["https://www.w3.org/ns/credentials/v2",
                                          "https://purl.imsglobal.org/spec/ob/v3p0/"
                                          "context-3.0.3.json"],
                             "name": "Care Certificate"},
        "care-certificate-jwt": {"format": "jwt_vc_json",
                                 "types": ["VerifiableCredential", "OpenBadgeCredential"]},
    }, display_name="Example Training Ltd")
    assert metadata["credential_issuer"] == ISSUER
    assert metadata["credential_endpoint"] == ISSUER + "/credential"
    assert metadata["nonce_endpoint"] == ISSUER + "/nonce"
    assert metadata["authorization_servers"] == [ISSUER]
    assert metadata["token_endpoint"] == ISSUER + "/token"
    ldp = metadata["credential_configurations_supported"]["care-certificate"]
    assert ldp["format"] == "ldp_vc"
    assert ldp["credential_definition"]["@context"][1].endswith("context-3.0.3.json")
    assert ldp["credential_definition"]["type"] == ["VerifiableCredential",
                                                    "OpenBadgeCredential"]
    assert ldp["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022",
                                                              "ecdsa-rdfc-2019"]
    assert ldp["proof_types_supported"] == {
        "jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}}
    assert ldp["credential_metadata"]["display"][0]["name"] == "Care Certificate"
    jwt = metadata["credential_configurations_supported"]["care-certificate-jwt"]
    assert jwt["format"] == "jwt_vc_json"
    assert "@context" not in jwt["credential_definition"]
    assert jwt["credential_signing_alg_values_supported"] == ["EdDSA", "ES256"]
    assert metadata["display"] == [{"name": "Example Training Ltd", "locale": "en-GB"}]
    with pytest.raises(MalformedValueError, match="format"):
        issuer_metadata(ISSUER, {"x": {"format": "mso_mdoc"}})
    assert authorization_server_metadata(ISSUER)["token_endpoint"] == ISSUER + "/token"


# --- key proofs ----------------------------------------------------------------------------------
@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
def test_proof_round_trip(curve):
    key, did, kid = holder(curve)
    token = make_proof_jwt(key, kid=kid, audience=ISSUER, nonce="n-123", clock=NOW)
    assert verify_proof_jwt(token, audience=ISSUER, nonce="n-123", clock=NOW,
                            resolve_key=resolver(key)) == did


def proof(key, kid, **overrides) -> str:
    header = {"typ": "openid4vci-proof+jwt", "kid": kid}
    header.update(overrides.pop("header", {}))
    payload = {"aud": ISSUER, "iat": int(NOW().timestamp()), "nonce": "n-123"}
    payload.update(overrides)
    return sign_jws(payload, key, header)


def check(token: str, key: PrivateKey, **options):
    settings = {"audience": ISSUER, "nonce": "n-123", "clock": NOW,
                "resolve_key": resolver(key)}
    settings.update(options)
    return verify_proof_jwt(token, **settings)


def test_wrong_nonce_is_invalid_challenge():
    key, _, kid = holder()
    with pytest.raises(InvalidChallengeError) as caught:
        check(proof(key, kid, nonce="old-nonce"), key)
    assert error_response(caught.value)["error"] == "invalid_nonce"
    with pytest.raises(InvalidChallengeError):
        check(proof(key, kid, nonce=None), key)


@pytest.mark.parametrize("change,message", [
    ({"header": {"typ": "JWT"}}, "type"),
    ({"header": {"typ": "vc+jwt"}}, "type"),
    ({"aud": "https://other-issuer.example"}, "different credential issuer"),
    ({"iat": int(NOW().timestamp()) - 3600}, "too old"),
    ({"iat": int(NOW().timestamp()) + 3600}, "future"),
    ({"iat": "yesterday"}, "when it was made"),
])
def test_bad_proofs_are_malformed(change, message):
    key, _, kid = holder()
    with pytest.raises(MalformedProofError, match=message) as caught:
        check(proof(key, kid, **change), key)
    assert error_response(caught.value) == {"error": "invalid_proof",
                                            "error_description": caught.value.detail}


def test_max_age_is_configurable():
    key, did, kid = holder()
    token = proof(key, kid, iat=int(NOW().timestamp()) - 600)
    assert check(token, key, max_age=timedelta(minutes=15)) == did


def test_wrong_algorithms_are_refused():
    key, _, kid = holder()
    header = {"alg": "none", "typ": "openid4vci-proof+jwt", "kid": kid}
    payload = {"aud": ISSUER, "iat": int(NOW().timestamp()), "nonce": "n-123"}
    unsigned = (b64url(json.dumps(header).encode()) + "."
                + b64url(json.dumps(payload).encode()) + ".")
    with pytest.raises(MalformedProofError, match="algorithm"):
        check(unsigned, key)
    p384, _, p384_kid = holder("P-384")
    with pytest.raises(MalformedProofError, match="algorithm"):  # ES384 not offered
        check(proof(p384, p384_kid), p384)
    # an ES256 proof claiming an Ed25519 holder key
    p256 = PrivateKey.generate("P-256")
    with pytest.raises(MalformedProofError, match="does not match"):
        check(proof(p256, kid), key)


def test_wrong_key_and_missing_kid_are_refused():
    key, _, kid = holder()
    impostor = PrivateKey.generate()
    with pytest.raises(MalformedProofError, match="not valid"):
        check(proof(impostor, kid), key)
    with pytest.raises(MalformedProofError, match="kid"):
        check(sign_jws({"aud": ISSUER, "iat": int(NOW().timestamp()), "nonce": "n-123"}, key,
                       {"typ": "openid4vci-proof+jwt"}), key)
    with pytest.raises(MalformedProofError, match="once"):  # both a kid and a bare key
        check(proof(key, kid, header={"jwk": key.public_key.to_jwk()}), key)
    with pytest.raises(MalformedValueError):
        make_proof_jwt(key, kid="not-a-did", audience=ISSUER, nonce="n", clock=NOW)


def test_a_bare_jwk_key_proof_names_the_holder_by_did_jwk():
    from passport_vc.did import did_jwk_from_public_key

    key = PrivateKey.generate("P-256")
    bare = sign_jws({"aud": ISSUER, "iat": int(NOW().timestamp()), "nonce": "n-123"}, key,
                    {"typ": "openid4vci-proof+jwt", "jwk": key.public_key.to_jwk()})
    assert check(bare, key) == did_jwk_from_public_key(key.public_key)
    other = PrivateKey.generate("P-256")
    lying = sign_jws({"aud": ISSUER, "iat": int(NOW().timestamp()), "nonce": "n-123"}, other,
                     {"typ": "openid4vci-proof+jwt", "jwk": key.public_key.to_jwk()})
    with pytest.raises(MalformedProofError, match="not valid"):
        check(lying, key)
    with_secret = {**key.public_key.to_jwk(), "d": "AAAA"}
    with pytest.raises(MalformedProofError, match="not usable"):
        check(sign_jws({"aud": ISSUER, "iat": 1, "nonce": "n-123"}, key,
                       {"typ": "openid4vci-proof+jwt", "jwk": with_secret}), key)
