"""did:key v0.9 §3.1 errors and options (publicKeyFormat, enableExperimentalPublicKeyTypes)
and DID URL dereferencing (DID Core §3.2 syntax): what the did-key suite found missing."""

from __future__ import annotations

import pytest

from passport_vc.did.dereference import dereference, parse_did_url
from passport_vc.did.key import DidKeyOptions, resolve_did_key
from passport_vc.errors import (
    DidNotFoundError,
    InvalidDidError,
    InvalidDidUrlError,
    InvalidPublicKeyError,
    InvalidPublicKeyLengthError,
    InvalidPublicKeyTypeError,
    UnsupportedPublicKeyTypeError,
)
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.base58 import b58encode

ED = "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b"  # the did-key suite's DID
P256 = "did:key:" + PrivateKey.from_raw("P-256", bytes(31) + b"\x07").public_key.multibase


@pytest.mark.parametrize("did, got, expected", [
    ("did:key:zTjsVPtY", 3, 32),  # the suite's short key: ed25519-pub header + 3 bytes
    ("did:key:z" + b58encode(bytes([0xED, 0x01]) + bytes(31)), 31, 32),
    ("did:key:z" + b58encode(bytes([0xED, 0x01]) + bytes(33)), 33, 32),
    ("did:key:z" + b58encode(bytes([0x80, 0x24]) + bytes(32)), 32, 33),
])
def test_a_known_key_type_with_the_wrong_length_is_invalid_public_key_length(did, got,
                                                                             expected):
    with pytest.raises(InvalidPublicKeyLengthError) as raised:
        resolve_did_key(did)
    assert raised.value.to_problem()["error"] == "invalidPublicKeyLength"
    assert f"holds {got} bytes" in raised.value.detail and f"has {expected} bytes" in \
        raised.value.detail


def test_the_right_length_but_not_a_key_is_invalid_public_key():
    not_on_p256 = "did:key:z" + b58encode(bytes([0x80, 0x24, 0x05]) + bytes(32))
    with pytest.raises(InvalidPublicKeyError) as raised:
        resolve_did_key(not_on_p256)
    assert raised.value.to_problem()["error"] == "invalidPublicKey"


def test_the_default_format_is_multikey():
    assert resolve_did_key(ED) == resolve_did_key(ED, DidKeyOptions("Multikey"))
    assert resolve_did_key(ED)["verificationMethod"][0]["type"] == "Multikey"


@pytest.mark.parametrize("did", [ED, P256])
def test_json_web_key_2020_names_the_same_key(did):
    document = resolve_did_key(did, DidKeyOptions("JsonWebKey2020"))
    method = document["verificationMethod"][0]
    assert document["@context"][1] == "https://w3id.org/security/suites/jws-2020/v1"
    assert method["type"] == "JsonWebKey2020" and "publicKeyMultibase" not in method
    assert PublicKey.from_jwk(method["publicKeyJwk"]) == \
        PublicKey.from_multibase(did[len("did:key:"):])
    assert document["assertionMethod"] == [method["id"]]


def test_ed25519_verification_key_2020_is_for_ed25519_keys_only():
    method = resolve_did_key(ED, DidKeyOptions("Ed25519VerificationKey2020"))[
        "verificationMethod"][0]
    assert method["type"] == "Ed25519VerificationKey2020"
    assert method["publicKeyMultibase"] == ED[len("did:key:"):]
    with pytest.raises(InvalidPublicKeyTypeError):
        resolve_did_key(P256, DidKeyOptions("Ed25519VerificationKey2020"))


@pytest.mark.parametrize("name, experimental, error", [
    ("Ed25519VerificationKey2018", False, InvalidPublicKeyTypeError),
    ("X25519KeyAgreementKey2019", False, InvalidPublicKeyTypeError),
    ("Ed25519VerificationKey2018", True, UnsupportedPublicKeyTypeError),
    ("unknown", False, UnsupportedPublicKeyTypeError),
    ("unknown", True, UnsupportedPublicKeyTypeError),
])
def test_formats_outside_the_three_are_refused_by_the_specs_rules(name, experimental, error):
    with pytest.raises(error):
        resolve_did_key(ED, DidKeyOptions(name, experimental))


def test_the_format_is_checked_before_the_did():
    # §3.1.2 runs on the options first: an unknown format is reported even for a bad DID
    with pytest.raises(UnsupportedPublicKeyTypeError):
        resolve_did_key("did:key:@", DidKeyOptions("unknown"))
    with pytest.raises(InvalidDidError):
        resolve_did_key("did:key:@")


@pytest.mark.parametrize("text, did, path, query, fragment", [
    (ED, ED, "", None, None),
    (f"{ED}#{ED[8:]}", ED, "", None, ED[8:]),
    (f"{ED}/a/b?x=1#f", ED, "/a/b", "x=1", "f"),
    (f"{ED}?service=files&relativeRef=%2Fa", ED, "", "service=files&relativeRef=%2Fa", None),
    (f"{ED}#", ED, "", None, ""),
])
def test_did_urls_split_into_their_parts(text, did, path, query, fragment):
    parsed = parse_did_url(text)
    assert (parsed.did, parsed.path, parsed.query, parsed.fragment) == \
        (did, path, query, fragment)


@pytest.mark.parametrize("text", [
    f"{ED}/^bar^/?query=`#{ED[8:]}",  # the suite's invalid DID URL
    f"{ED}/a b", f"{ED}#a#b", f"{ED}?q=<", f"{ED}/%zz", "did:key:@/x", "not-a-did#x", "",
    ED + "#" + "a" * 5000,
])
def test_malformed_did_urls_are_invalid_did_url(text):
    with pytest.raises(InvalidDidUrlError) as raised:
        parse_did_url(text)
    assert raised.value.to_problem()["error"] == "invalidDidUrl"


def test_a_fragment_dereferences_to_its_verification_method():
    method = dereference(parse_did_url(f"{ED}#{ED[8:]}"), resolve_did_key)
    assert method["id"] == f"{ED}#{ED[8:]}" and method["controller"] == ED
    assert method["@context"] == resolve_did_key(ED)["@context"]
    assert dereference(parse_did_url(ED), resolve_did_key) == resolve_did_key(ED)


@pytest.mark.parametrize("suffix", ["#nokey", "/path", "?service=x"])
def test_what_the_document_does_not_hold_is_not_found(suffix):
    with pytest.raises(DidNotFoundError):
        dereference(parse_did_url(ED + suffix), resolve_did_key)
