"""The SD-JWT VC twin of a care training credential, checked by the Verifier the services use:
issuer key from the provider's DID document, Bitstring status, key binding, what was shown."""

from __future__ import annotations

import copy
import json

import pytest
from jwcrypto import jwk
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier
from verifier_world import PROVIDER, PROVIDER_NAME

from passport_vc.errors import MalformedValueError
from passport_vc.keys import PrivateKey
from passport_vc.proofs.sd_jwt import split
from passport_vc.sd_jwt_vc import (
    MEDIA_TYPE,
    VCT,
    credential_view,
    issue_sd_jwt_vc,
    present_sd_jwt_vc,
    twin_claims,
)
from schemas import summarise

VERIFIER = "https://employer.example"


def unsigned(world, name: str) -> dict:
    return {k: v for k, v in copy.deepcopy(world.credentials[name]).items() if k != "proof"}


def with_evidence(document: dict) -> dict:
    document["evidence"] = [{"type": ["Evidence"], "narrative": "Observed in practice"}]
    return document


@pytest.fixture(scope="module")
def wallet_key():
    return PrivateKey.generate("Ed25519")


def twin(world, wallet_key, name="valid", **changes) -> str:
    document = with_evidence(unsigned(world, name))
    document.update(changes)
    return issue_sd_jwt_vc(document, world.provider_key, wallet_key.public_key,
                           clock=world.clock)


def check(world, token, **kwargs):
    return world.network().verifier().verify_sd_jwt_vc(token, **kwargs)


def test_twin_carries_the_same_content(world, wallet_key):
    document = with_evidence(unsigned(world, "valid"))
    claims = {getattr(k, "value", k): v for k, v in twin_claims(document,
                                                                clock=world.clock).items()}
    assert claims["iss"] == PROVIDER and claims["vct"] == VCT
    assert claims["jti"] == document["id"]
    assert claims["credential_status"] == document["credentialStatus"]
    assert claims["achievement"] == document["credentialSubject"]["achievement"]
    assert claims["name"] == "Sam Carer"
    token = twin(world, wallet_key)
    header = json.loads(jwk.base64url_decode(token.split(".")[0]))
    assert header["typ"] == MEDIA_TYPE and header["kid"] == world.provider_key.verification_method


def test_full_twin_verifies_and_reads_like_the_credential(world, wallet_key):
    result = check(world, twin(world, wallet_key))
    assert result.verified, result.to_json()
    assert result.facts["format"] == "dc+sd-jwt"
    assert sorted(result.facts["disclosed"]) == ["evidence", "name"]
    names = {check.name for check in result.checks}
    assert {"proof", "issuer_binding", "validity", "status"} <= names
    summary = summarise(result.document)
    original = summarise(unsigned(world, "valid"))
    assert (summary.title, summary.provider_name, summary.subject_name, summary.completed,
            summary.valid_until, summary.course_key) == (
        original.title, PROVIDER_NAME, "Sam Carer", original.completed, original.valid_until,
        original.course_key)


def test_worker_shares_only_what_they_choose_bound_to_the_request(world, wallet_key):
    shared = present_sd_jwt_vc(twin(world, wallet_key), ["evidence"], signer=wallet_key,
                               nonce="n-123", audience=VERIFIER, clock=world.clock)
    result = check(world, shared, nonce="n-123", audience=VERIFIER)
    assert result.verified, result.to_json()
    assert result.facts["disclosed"] == ["evidence"]
    assert result.facts["withheld"] == 1
    assert summarise(result.document).subject_name is None
    assert "name" not in result.facts["claims"]
    holder = [c for c in result.checks if c.name == "holder_binding"]
    assert holder and holder[0].ok
    replay = check(world, shared, nonce="another", audience=VERIFIER)
    assert not replay.verified
    assert [c.name for c in replay.checks if c.ok is False] == ["holder_binding"]


def test_revoked_twin_is_revoked_and_tampering_is_forgery(world, wallet_key):
    revoked = check(world, twin(world, wallet_key, "revoked"))
    status = [c for c in revoked.checks if c.name == "status"][0]
    assert status.ok is False and status.details["state"] == "revoked"
    token, disclosures, kb = split(twin(world, wallet_key))
    header, payload, signature = token.split(".")
    claims = json.loads(jwk.base64url_decode(payload))
    claims["exp"] = claims.get("exp", 0) + 10**8
    forged = ".".join([header, jwk.base64url_encode(json.dumps(claims)), signature])
    result = check(world, "~".join([forged, *disclosures, kb]))
    assert [c.name for c in result.checks if c.ok is False] == ["proof"]


def test_a_key_of_someone_else_is_not_the_issuers(world, wallet_key):
    document = with_evidence(unsigned(world, "valid"))
    from passport_vc.issue import IssuerKey

    impostor = IssuerKey(world.stranger_key.signer, PROVIDER + "#key-1")
    token = issue_sd_jwt_vc(document, impostor, wallet_key.public_key, clock=world.clock)
    assert [c.name for c in check(world, token).checks if c.ok is False] == ["proof"]


def test_reference_library_issuer_verifies_here(world, wallet_key):
    """An SD-JWT VC made by the library's issuer with the provider's key."""
    claims = twin_claims(with_evidence(unsigned(world, "valid")), clock=world.clock)
    issued = SDJWTIssuer(claims, jwk.JWK.from_pyca(world.provider_key.signer.to_cryptography()),
                         jwk.JWK(**wallet_key.public_key.to_jwk()), sign_alg="EdDSA",
                         extra_header_parameters={
                             "typ": MEDIA_TYPE, "kid": world.provider_key.verification_method})
    result = check(world, issued.sd_jwt_issuance)
    assert result.verified, result.to_json()
    assert summarise(result.document).subject_name == "Sam Carer"


def test_our_twin_verifies_with_the_reference_library(world):
    holder = PrivateKey.generate("P-256")  # the library checks key bindings with ES256 only
    token = issue_sd_jwt_vc(with_evidence(unsigned(world, "valid")), world.provider_key,
                            holder.public_key, clock=world.clock)
    shared = present_sd_jwt_vc(token, ["name"], signer=holder, nonce="abc", audience=VERIFIER)
    library = SDJWTVerifier(shared, lambda *_: jwk.JWK.from_pyca(
        world.provider_key.signer.public_key.to_cryptography()), VERIFIER, "abc")
    claims = library.get_verified_payload()
    assert claims["name"] == "Sam Carer" and "evidence" not in claims
    assert claims["vct"] == VCT and claims["iss"] == PROVIDER


def test_a_member_without_a_place_is_refused_not_dropped(world, wallet_key):
    document = unsigned(world, "valid")
    document["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(MalformedValueError, match="favouriteColour"):
        issue_sd_jwt_vc(document, world.provider_key, wallet_key.public_key)
    with pytest.raises(MalformedValueError, match="colour"):
        present_sd_jwt_vc(twin(world, wallet_key), ["colour"], signer=wallet_key, nonce="n",
                          audience=VERIFIER)


def test_view_is_not_mistaken_for_ours_without_our_vct():
    view = credential_view({"iss": "did:web:x", "vct": "https://other.example/type"})
    assert "@context" not in view


def test_expired_twin_is_expired_not_forged(world, wallet_key):
    from passport_vc.verdict import verdict_for

    result = check(world, twin(world, wallet_key, "expired"))
    assert [c.name for c in result.checks if c.ok is False] == ["validity"]
    assert verdict_for(result, now=world.clock(), trust=world.trust).state == "expired"
    assert verdict_for(check(world, twin(world, wallet_key)), now=world.clock(),
                       trust=world.trust).state == "valid"
