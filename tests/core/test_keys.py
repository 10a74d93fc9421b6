"""Ed25519 through libsodium: the same signatures as OpenSSL, and no weaker a check; keys
outside the prime-order group refused wherever a key is made."""

from __future__ import annotations

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from passport_vc.did import default_resolver
from passport_vc.did.key import public_key_from_did_key
from passport_vc.errors import InvalidPublicKeyError
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.multikey import encode_public
from passport_vc.verify import Verifier

# RFC 8032 §7.1, TEST 1 and TEST 2
RFC8032 = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
     "39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f"
     "3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]
ORDER = 2**252 + 27742317777372353535851937790883648493  # the group order L


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(secret, public, message, signature):
    key = PrivateKey.from_raw("Ed25519", bytes.fromhex(secret))
    assert key.public_key.raw.hex() == public
    assert key.sign(bytes.fromhex(message)).hex() == signature
    assert key.public_key.verify(bytes.fromhex(signature), bytes.fromhex(message))
    assert not key.public_key.verify(bytes.fromhex(signature), bytes.fromhex(message) + b"!")


def test_the_same_signatures_as_openssl_both_ways():
    for _ in range(50):
        openssl = ed25519.Ed25519PrivateKey.generate()
        ours = PrivateKey("Ed25519", openssl)
        message = os.urandom(int.from_bytes(os.urandom(1), "big"))
        signature = ours.sign(message)
        assert signature == openssl.sign(message)  # Ed25519 is deterministic
        openssl.public_key().verify(signature, message)  # raises if it does not verify
        assert ours.public_key.verify(openssl.sign(message), message)


def test_changed_signatures_and_messages_are_refused():
    key = PrivateKey.generate("Ed25519")
    message = os.urandom(64)
    signature = key.sign(message)
    for position in range(0, 64, 7):
        changed = bytearray(signature)
        changed[position] ^= 0x01
        assert not key.public_key.verify(bytes(changed), message)
    assert not key.public_key.verify(signature[:63], message)
    assert not key.public_key.verify(signature + b"\0", message)
    assert not key.public_key.verify(b"", message)
    assert not key.public_key.verify(signature, message[:-1])
    other = PrivateKey.generate("Ed25519")
    assert not other.public_key.verify(signature, message)


def test_a_non_canonical_s_is_refused():
    # S + L verifies the same equation; RFC 8032 §5.1.7 requires S < L (malleability).
    key = PrivateKey.generate("Ed25519")
    message = b"care certificate"
    signature = key.sign(message)
    s = int.from_bytes(signature[32:], "little") + ORDER
    assert s < 2**256
    assert not key.public_key.verify(signature[:32] + s.to_bytes(32, "little"), message)


SMALL_ORDER = [  # encodings of the points of order 1, 2, 4 and 8
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
]


def test_openssl_alone_lets_the_identity_key_verify_anything():
    # Why small-order keys are refused: with A and R the identity point and S = 0, OpenSSL's
    # check accepts this one "signature" for every message (libsodium does not).
    identity = bytes.fromhex(SMALL_ORDER[0])
    openssl = ed25519.Ed25519PublicKey.from_public_bytes(identity)
    for message in (b"", b"any message at all", os.urandom(64)):
        openssl.verify(identity + bytes(32), message)  # raises if refused


@pytest.mark.parametrize("point", SMALL_ORDER)
def test_small_order_keys_are_refused_everywhere_a_key_is_made(point):
    raw = bytes.fromhex(point)
    with pytest.raises(ValueError, match="small order"):
        PublicKey.from_raw("Ed25519", raw)
    with pytest.raises(ValueError, match="small order"):
        PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519",
                            "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()})
    with pytest.raises(ValueError, match="small order"):
        PublicKey("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw))
    did = "did:key:" + encode_public("Ed25519", raw)
    with pytest.raises(InvalidPublicKeyError):
        public_key_from_did_key(did)


def test_a_jws_under_the_identity_key_is_not_accepted():
    identity = bytes.fromhex(SMALL_ORDER[0])
    did = "did:key:" + encode_public("Ed25519", identity)
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": f"{did}#{did[8:]}"}
    payload = {"@context": ["https://www.w3.org/ns/credentials/v2"],
               "type": ["VerifiableCredential"], "issuer": did,
               "credentialSubject": {"name": "anyone"}}
    part = [base64.urlsafe_b64encode(json.dumps(x).encode()).rstrip(b"=").decode()
            for x in (header, payload)]
    forged = base64.urlsafe_b64encode(identity + bytes(32)).rstrip(b"=").decode()
    result = Verifier(resolver=default_resolver()).verify_credential(".".join(part) + "." + forged)
    assert not result.verified
    assert any(check.name == "proof" and check.ok is False for check in result.checks)
