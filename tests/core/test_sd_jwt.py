"""SD-JWT (RFC 9901): the reference library's own test cases verified by this project's verifier,
and what this verifier refuses that the library alone would not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jwcrypto import jwk
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.utils.yaml_specification import load_yaml_specification
from sd_jwt.verifier import SDJWTVerifier

from passport_vc.clock import fixed_clock
from passport_vc.errors import (
    InvalidChallengeError,
    InvalidDomainError,
    MalformedProofError,
    ParsingError,
    PassportError,
    ProofVerificationError,
    RangeError,
    TooLargeError,
    UnsupportedAlgorithmError,
)
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.keypairs import b64url
from passport_vc.proofs.sd_jwt import disclosable, issue_sd_jwt, present, split, verify_sd_jwt

VECTORS = Path(__file__).parents[1] / "vectors" / "sd-jwt-python"
SETTINGS = yaml.safe_load(
    (VECTORS / "settings.yml").read_text(encoding="utf-8"))
ISSUER = SETTINGS["identifiers"]["issuer"]
VERIFIER = SETTINGS["identifiers"]["verifier"]
NONCE = SETTINGS["key_binding_nonce"]
EXAMPLE_TYPE = frozenset({"example+sd-jwt"})
ISSUER_JWK = SETTINGS["key_settings"]["issuer_key"]
HOLDER_JWK = SETTINGS["key_settings"]["holder_key"]


def public(key: dict) -> PublicKey:
    return PublicKey.from_jwk({k: v for k, v in key.items() if k != "d"})


def key_for(_header, _payload) -> PublicKey:
    return public(ISSUER_JWK)


def library_presentation(case: dict, *, key_binding: bool) -> str:
    """Issued and presented by the reference library, exactly as its own e2e test does."""
    issuer_key, holder_key = jwk.JWK(**ISSUER_JWK), jwk.JWK(**HOLDER_JWK)
    claims = {"iss": ISSUER, **case["user_claims"]}
    issued = SDJWTIssuer(claims, issuer_key, holder_key if key_binding else None)
    holder = SDJWTHolder(issued.sd_jwt_issuance)
    if key_binding:
        holder.create_presentation(case["holder_disclosed_claims"], NONCE, VERIFIER, holder_key)
    else:
        holder.create_presentation(case["holder_disclosed_claims"])
    return holder.sd_jwt_presentation


@pytest.mark.parametrize("name", ["key_binding", "recursions", "array_of_objects",
                                  "object_data_types"])
def test_reference_library_test_cases_verify_here(name):
    case = load_yaml_specification(VECTORS / f"{name}.yml")
    key_binding = bool(case.get("key_binding"))
    presentation = library_presentation(case, key_binding=key_binding)
    verified = verify_sd_jwt(presentation, key_for=key_for, expected_types=EXAMPLE_TYPE,
                             nonce=NONCE if key_binding else None,
                             audience=VERIFIER if key_binding else None)
    expected = {"iss": ISSUER, **case["expect_verified_user_claims"]}
    if key_binding:
        expected["cnf"] = {"jwk": public(HOLDER_JWK).to_jwk()}
        assert verified.key_binding["nonce"] == NONCE
    assert verified.claims == expected


def test_disclosed_and_withheld_are_reported():
    case = load_yaml_specification(VECTORS / "key_binding.yml")
    verified = verify_sd_jwt(library_presentation(case, key_binding=True), key_for=key_for,
                             expected_types=EXAMPLE_TYPE, nonce=NONCE, audience=VERIFIER)
    assert sorted(verified.disclosed_names) == ["address", "family_name", "given_name"]
    assert verified.undisclosed == 4  # sub, email, phone_number, birthdate
    assert "birthdate" not in verified.claims


# --- what this verifier refuses ------------------------------------------------------------------
@pytest.fixture
def kb_case():
    return load_yaml_specification(VECTORS / "key_binding.yml")


def test_a_disclosure_the_issuer_did_not_sign_is_refused(kb_case):
    presentation = library_presentation(kb_case, key_binding=False)
    extra = b64url(json.dumps(["salt", "given_name", "Mallory"]).encode())
    forged = presentation + extra + "~"
    # The library alone ignores the stray disclosure; RFC 9901 §7.1 requires rejecting it.
    SDJWTVerifier(forged, lambda *_: jwk.JWK(**ISSUER_JWK)).get_verified_payload()
    with pytest.raises(MalformedProofError, match="did not sign"):
        verify_sd_jwt(forged, key_for=key_for, expected_types=EXAMPLE_TYPE)


def test_wrong_nonce_audience_missing_binding_and_changed_disclosures(kb_case):
    presentation = library_presentation(kb_case, key_binding=True)
    with pytest.raises(InvalidChallengeError):
        verify_sd_jwt(presentation, key_for=key_for, expected_types=EXAMPLE_TYPE,
                      nonce="another", audience=VERIFIER)
    with pytest.raises(InvalidDomainError):
        verify_sd_jwt(presentation, key_for=key_for, expected_types=EXAMPLE_TYPE,
                      nonce=NONCE, audience="https://other.example")
    token, disclosures, kb = split(presentation)
    unbound = "~".join([token, *disclosures, ""])
    with pytest.raises(MalformedProofError, match="no key binding") as caught:
        verify_sd_jwt(unbound, key_for=key_for, expected_types=EXAMPLE_TYPE, nonce=NONCE,
                      audience=VERIFIER)
    assert caught.value.extra["part"] == "key_binding"
    fewer = "~".join([token, *disclosures[1:], kb])
    with pytest.raises(MalformedProofError, match="does not cover"):
        verify_sd_jwt(fewer, key_for=key_for, expected_types=EXAMPLE_TYPE, nonce=NONCE,
                      audience=VERIFIER)


def test_old_key_binding_is_refused(kb_case):
    presentation = library_presentation(kb_case, key_binding=True)
    later = fixed_clock("2099-01-01T00:00:00Z")
    with pytest.raises(RangeError, match="too old"):
        verify_sd_jwt(presentation, key_for=key_for, expected_types=EXAMPLE_TYPE,
                      nonce=NONCE, audience=VERIFIER, clock=later)


def _resign_header(presentation: str, header: dict) -> str:
    token, disclosures, kb = split(presentation)
    _h, payload, signature = token.split(".")
    forged = b64url(json.dumps(header).encode()) + "." + payload + "." + signature
    return "~".join([forged, *disclosures, kb])


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384", "EdDSA"])
def test_algorithm_is_fixed_by_the_issuer_key(kb_case, alg):
    presentation = _resign_header(library_presentation(kb_case, key_binding=False),
                                  {"alg": alg, "typ": "example+sd-jwt"})
    with pytest.raises(UnsupportedAlgorithmError):
        verify_sd_jwt(presentation, key_for=key_for, expected_types=EXAMPLE_TYPE)


def test_wrong_type_wrong_key_and_damaged_input(kb_case):
    presentation = library_presentation(kb_case, key_binding=False)
    with pytest.raises(MalformedProofError, match="type"):
        verify_sd_jwt(presentation, key_for=key_for, expected_types=frozenset({"dc+sd-jwt"}))
    stranger = PrivateKey.generate("P-256").public_key
    with pytest.raises(ProofVerificationError):
        verify_sd_jwt(presentation, key_for=lambda *_: stranger, expected_types=EXAMPLE_TYPE)
    with pytest.raises(ParsingError):
        verify_sd_jwt(presentation.replace("~", "~!!~", 1), key_for=key_for,
                      expected_types=EXAMPLE_TYPE)
    with pytest.raises(TooLargeError):
        verify_sd_jwt(presentation + "A" * 300_000, key_for=key_for,
                      expected_types=EXAMPLE_TYPE)


# --- this project's issuer and holder, checked by the library ----------------------------------
@pytest.mark.parametrize("curve", ["P-256", "Ed25519"])
def test_our_sd_jwt_verifies_with_the_reference_library(curve):
    from sd_jwt.common import SDObj

    issuer = PrivateKey.generate(curve)
    holder = PrivateKey.generate("P-256")  # the library checks key bindings with ES256 only
    issued = issue_sd_jwt({"iss": "did:example:issuer", SDObj("name"): "Sam Carer",
                           SDObj("birthdate"): "1990-04-01", "course": "Fire safety"},
                          issuer, header={"typ": "example+sd-jwt", "kid": "k"},
                          holder_key=holder.public_key)
    assert set(disclosable(issued)) == {"name", "birthdate"}
    shared = present(issued, ["name"], signer=holder, nonce="n-1", audience="https://v.example")
    library = SDJWTVerifier(shared, lambda *_: jwk.JWK.from_pyca(
        issuer.public_key.to_cryptography()), "https://v.example", "n-1")
    claims = library.get_verified_payload()
    assert claims["name"] == "Sam Carer" and "birthdate" not in claims
    assert claims["cnf"]["jwk"] == holder.public_key.to_jwk()
    ours = verify_sd_jwt(shared, key_for=lambda *_: issuer.public_key,
                         expected_types=EXAMPLE_TYPE, nonce="n-1", audience="https://v.example")
    assert ours.disclosed_names == ["name"]


def test_key_binding_is_needed_to_present_with_a_nonce():
    issuer = PrivateKey.generate("Ed25519")
    issued = issue_sd_jwt({"iss": "x"}, issuer, header={"typ": "example+sd-jwt"})
    with pytest.raises(PassportError):
        present(issued, [], signer=issuer)
