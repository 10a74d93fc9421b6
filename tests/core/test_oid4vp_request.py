"""Signed OpenID4VP request objects (passport_vc/oid4vp_request.py) with real X.509 certificates
made by ``cryptography`` (a test CA, leaves with and without the right SAN, expired, from an
untrusted root) and real DIDs (did:key, did:jwk, did:web from a pinned document)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from support.pki import NOW, _name, make_ca, make_leaf

from passport_vc.did import (
    build_did_document,
    default_resolver,
    did_jwk_from_public_key,
    did_key_from_public_key,
    did_web_to_url,
)
from passport_vc.errors import PassportError, UnsupportedAlgorithmError
from passport_vc.fetch import StaticFetcher
from passport_vc.keys import PrivateKey
from passport_vc.keys.keypairs import b64url
from passport_vc.oid4vp_request import sign_request_object, verify_request_object


def clock():
    return NOW


def payload(client_id, response_uri="https://rosewood.example/oid4vp/response", **extra):
    return {"client_id": client_id, "response_type": "vp_token",
            "response_mode": "direct_post", "response_uri": response_uri, "nonce": "n-1",
            "state": "s-1", "exp": int((NOW + timedelta(minutes=10)).timestamp()), **extra}


@pytest.fixture(scope="module")
def ca():
    return make_ca()


# --- x509_san_dns -----------------------------------------------------------------------------
def test_x509_san_dns_request_verifies_with_the_dns_name_proven(ca):
    key, leaf = make_leaf(ca, "rosewood.example")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "oauth-authz-req+jwt" and header["alg"] == "ES256"
    verified = verify_request_object(token, trust_anchors=[ca[1]], clock=clock)
    assert (verified.prefix, verified.name, verified.host) == (
        "x509_san_dns", "rosewood.example", "rosewood.example")
    assert verified.payload["nonce"] == "n-1"


def test_ed25519_leaf_signs_with_eddsa(ca):
    key, leaf = make_leaf(ca, "rosewood.example", key=PrivateKey.generate("Ed25519"))
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    assert verify_request_object(token, trust_anchors=[ca[1]], clock=clock).name == \
        "rosewood.example"


def _refused(token, match, **options):
    options.setdefault("clock", clock)
    with pytest.raises(PassportError, match=match):
        verify_request_object(token, **options)


def test_certificate_for_another_website_is_refused(ca):
    key, leaf = make_leaf(ca, "elsewhere.example")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    _refused(token, "not for this website", trust_anchors=[ca[1]])


def test_expired_certificate_is_refused(ca):
    key, leaf = make_leaf(ca, "rosewood.example", not_before=NOW - timedelta(days=100),
                          not_after=NOW - timedelta(days=1))
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    _refused(token, "run out or is not valid yet", trust_anchors=[ca[1]])


def test_certificate_from_an_untrusted_root_is_refused(ca):
    other = make_ca("Someone Else's Root")
    key, leaf = make_leaf(other, "rosewood.example")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    _refused(token, "trusted root", trust_anchors=[ca[1]])
    _refused(token, "no trusted root certificates configured", trust_anchors=[])


def test_signature_by_another_key_than_the_leaf_is_refused(ca):
    _key, leaf = make_leaf(ca, "rosewood.example")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"),
                                PrivateKey.generate("P-256"), x5c=[leaf])
    _refused(token, "signature does not match", trust_anchors=[ca[1]])


def test_tampered_request_is_refused(ca):
    key, leaf = make_leaf(ca, "rosewood.example")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    head, body, signature = token.split(".")
    changed = payload("x509_san_dns:rosewood.example",
                      response_uri="https://attacker.example/steal")
    tampered = ".".join([head, b64url(json.dumps(changed).encode()), signature])
    _refused(tampered, "signature does not match", trust_anchors=[ca[1]])


def test_wrong_algorithm_for_the_key_is_refused(ca):
    key, leaf = make_leaf(ca, "rosewood.example")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), key, x5c=[leaf])
    head, body, signature = token.split(".")
    for alg in ("ES384", "EdDSA", "none", "HS256", "RS256"):
        header = json.loads(base64.urlsafe_b64decode(head + "=="))
        header["alg"] = alg
        forged = ".".join([b64url(json.dumps(header).encode()), body, signature])
        with pytest.raises(PassportError) as caught:
            verify_request_object(forged, trust_anchors=[ca[1]], clock=clock)
        assert isinstance(caught.value, UnsupportedAlgorithmError), alg


def test_rsa_leaf_is_refused(ca):
    ca_key, ca_cert = ca
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder().subject_name(_name("rosewood.example"))
            .issuer_name(ca_cert.subject).public_key(rsa_key.public_key())
            .serial_number(1).not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("rosewood.example")]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    signer = PrivateKey.generate("P-256")
    token = sign_request_object(payload("x509_san_dns:rosewood.example"), signer, x5c=[leaf])
    _refused(token, "kind of key", trust_anchors=[ca[1]])


def test_missing_or_unreadable_chain_and_wrong_type_are_refused(ca):
    key, leaf = make_leaf(ca, "rosewood.example")
    no_chain = sign_request_object(payload("x509_san_dns:rosewood.example"), key)
    _refused(no_chain, "certificate chain", trust_anchors=[ca[1]])
    from passport_vc.proofs.jose import sign_jws

    garbage = sign_jws(payload("x509_san_dns:rosewood.example"), key,
                       {"typ": "oauth-authz-req+jwt", "x5c": ["not base64!"]})
    _refused(garbage, "not readable", trust_anchors=[ca[1]])
    wrong_typ = sign_jws(payload("x509_san_dns:rosewood.example"), key, {"typ": "JWT"})
    _refused(wrong_typ, "not a signed request object", trust_anchors=[ca[1]])


def test_expired_request_is_refused(ca):
    key, leaf = make_leaf(ca, "rosewood.example")
    stale = payload("x509_san_dns:rosewood.example",
                    exp=int((NOW - timedelta(minutes=5)).timestamp()))
    _refused(sign_request_object(stale, key, x5c=[leaf]), "request expired",
             trust_anchors=[ca[1]])


def test_signed_redirect_uri_request_is_refused():
    key = PrivateKey.generate("P-256")
    token = sign_request_object(payload("redirect_uri:https://rosewood.example/oid4vp/response"),
                                key)
    _refused(token, "cannot be signed")


# --- decentralized_identifier -----------------------------------------------------------------
def test_did_key_request_verifies_with_the_did_as_name():
    key = PrivateKey.generate("Ed25519")
    did = did_key_from_public_key(key.public_key)
    kid = f"{did}#{did.split(':')[-1]}"
    token = sign_request_object(payload(f"decentralized_identifier:{did}"), key, kid=kid)
    verified = verify_request_object(token, resolver=default_resolver(), clock=clock)
    assert (verified.prefix, verified.name, verified.host) == (
        "decentralized_identifier", did, None)


def test_did_jwk_request_verifies():
    key = PrivateKey.generate("P-256")
    did = did_jwk_from_public_key(key.public_key)
    token = sign_request_object(payload(f"decentralized_identifier:{did}"), key,
                                kid=f"{did}#0")
    assert verify_request_object(token, resolver=default_resolver(), clock=clock).name == did


def _did_web(key, did="did:web:rosewood.example", *, relationships=("authentication",)):
    document = build_did_document(did, [("key-1", key.public_key)], assertion=[],
                                  authentication=["key-1"])
    for relationship in ("assertionMethod", "authentication"):
        if relationship not in relationships:
            document.pop(relationship, None)
    return document


def test_did_web_request_names_the_website():
    key = PrivateKey.generate("P-256")
    did = "did:web:rosewood.example"
    resolver = default_resolver(fetcher=StaticFetcher({did_web_to_url(did): _did_web(key)}))
    token = sign_request_object(payload(f"decentralized_identifier:{did}"), key,
                                kid=f"{did}#key-1")
    verified = verify_request_object(token, resolver=resolver, clock=clock)
    assert (verified.name, verified.host) == (did, "rosewood.example")


def test_kid_of_another_did_is_refused():
    key = PrivateKey.generate("Ed25519")
    mine = did_key_from_public_key(key.public_key)
    other = did_key_from_public_key(PrivateKey.generate("Ed25519").public_key)
    token = sign_request_object(payload(f"decentralized_identifier:{other}"), key,
                                kid=f"{mine}#{mine.split(':')[-1]}")
    _refused(token, "not a key of", resolver=default_resolver())


def test_did_request_signed_by_a_key_not_in_the_document_is_refused():
    key = PrivateKey.generate("P-256")
    did = did_jwk_from_public_key(PrivateKey.generate("P-256").public_key)
    token = sign_request_object(payload(f"decentralized_identifier:{did}"), key,
                                kid=f"{did}#0")
    _refused(token, "signature does not match", resolver=default_resolver())
    no_kid = sign_request_object(payload(f"decentralized_identifier:{did}"), key)
    _refused(no_kid, "which key", resolver=default_resolver())


def test_did_web_key_only_for_key_agreement_is_refused():
    key = PrivateKey.generate("P-256")
    did = "did:web:rosewood.example"
    document = _did_web(key, relationships=())
    method = document.pop("verificationMethod")[0]
    document["capabilityInvocation"] = [method]  # embedded, for another use only
    resolver = default_resolver(fetcher=StaticFetcher({did_web_to_url(did): document}))
    token = sign_request_object(payload(f"decentralized_identifier:{did}"), key,
                                kid=f"{did}#key-1")
    _refused(token, "not a key", resolver=resolver)
