"""Typed key objects. A key is never raw bytes outside this module, and never prints a secret.

``PublicKey`` verifies; ``PrivateKey`` is the ``Signer`` the proofs and JWTs use. Curves are
allow-listed: Ed25519 (EdDSA), P-256 (ES256), P-384 (ES384) and P-521 (ES512). P-521 is here
for VC-JOSE-COSE (JOSE / COSE, RFC 7518 §3.4, RFC 9053 §2.1); no Data Integrity cryptosuite
defines it, so the proofs' own curve lists leave it out.

Ed25519 signs and verifies through libsodium (PyNaCl), about twice as fast as OpenSSL here and
stricter: it also refuses small-order R points. ``cryptography`` keeps the key objects
(PKCS#8 at rest, jwcrypto, the ECDSA curves); Ed25519 is deterministic, so both libraries give
the same signature for the same key and message (tests/core/test_keys.py).

An Ed25519 public key must be a point of the curve's prime-order group, as every real key is:
OpenSSL (and so jwcrypto and pycose) accepts the identity point as a key, under which one
"signature" verifies for every message, so such keys are refused where every key is made.
"""

from __future__ import annotations

import base64
import functools
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from nacl.bindings import (
    crypto_core_ed25519_is_valid_point,
    crypto_sign,
    crypto_sign_open,
    crypto_sign_seed_keypair,
)
from nacl.exceptions import BadSignatureError

from . import multikey

CURVES = ("Ed25519", "P-256", "P-384", "P-521")
# curve -> (cryptography curve, hash, coordinate / scalar bytes, JWS algorithm). P-521's
# coordinates are 66 bytes (ceil(521 / 8), RFC 7518 §6.2.1.2), its ES512 signature 132.
_EC = {"P-256": (ec.SECP256R1, hashes.SHA256, 32, "ES256"),
       "P-384": (ec.SECP384R1, hashes.SHA384, 48, "ES384"),
       "P-521": (ec.SECP521R1, hashes.SHA512, 66, "ES512")}
JWS_ALGORITHMS = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
_PYCA_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64url text")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer(Protocol):
    """What a proof or JWT needs from a private key."""

    curve: str

    @property
    def public_key(self) -> PublicKey: ...

    @property
    def jws_algorithm(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


@functools.lru_cache(maxsize=4096)
def _in_prime_order_group(raw: bytes) -> bool:
    # libsodium: on the curve, canonical, in the main subgroup, not of small order (50 µs)
    return crypto_core_ed25519_is_valid_point(raw)


class PublicKey:
    """A public key on an allow-listed curve."""

    __slots__ = ("curve", "_key", "_raw")

    def __init__(self, curve: str, key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey):
        if curve not in CURVES:
            raise ValueError(f"curve {curve!r} is not allowed")
        self.curve = curve
        self._key = key
        if curve == "Ed25519":
            self._raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            if not _in_prime_order_group(self._raw):
                raise ValueError("the point is of small order or outside the group real "
                                 "Ed25519 keys belong to")
        else:
            self._raw = key.public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.CompressedPoint)

    # --- constructors -------------------------------------------------------------------------
    @classmethod
    def from_raw(cls, curve: str, raw: bytes) -> PublicKey:
        try:
            if curve == "Ed25519":
                return cls(curve, ed25519.Ed25519PublicKey.from_public_bytes(raw))
            if curve in _EC:
                point = ec.EllipticCurvePublicKey.from_encoded_point(_EC[curve][0](), raw)
                return cls(curve, point)
        except ValueError as exc:
            raise ValueError(f"not a valid {curve} public key: {exc}") from None
        raise ValueError(f"curve {curve!r} is not allowed")

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        curve, raw = multikey.decode_public(value)
        return cls.from_raw(curve, raw)

    @classmethod
    def from_jwk(cls, jwk: dict) -> PublicKey:
        if not isinstance(jwk, dict):
            raise ValueError("a JWK must be a JSON object")
        if "d" in jwk:
            raise ValueError("a public JWK must not contain the private part 'd'")
        kty, crv = jwk.get("kty"), jwk.get("crv")
        if kty == "OKP" and crv == "Ed25519":
            return cls.from_raw("Ed25519", b64url_decode(jwk.get("x", "")))
        if kty == "EC" and crv in _EC:
            size = _EC[crv][2]
            x, y = b64url_decode(jwk.get("x", "")), b64url_decode(jwk.get("y", ""))
            if len(x) != size or len(y) != size:
                raise ValueError(f"{crv} JWK coordinates must be {size} bytes")
            return cls.from_raw(crv, b"\x04" + x + y)
        raise ValueError(f"unsupported JWK (kty={kty!r}, crv={crv!r})")

    # --- views ----------------------------------------------------------------------------------
    @property
    def raw(self) -> bytes:
        return self._raw

    @property
    def multibase(self) -> str:
        return multikey.encode_public(self.curve, self._raw)

    @property
    def jws_algorithm(self) -> str:
        return JWS_ALGORITHMS[self.curve]

    def to_jwk(self) -> dict:
        if self.curve == "Ed25519":
            return {"kty": "OKP", "crv": "Ed25519", "x": b64url(self._raw)}
        numbers = self._key.public_numbers()
        size = _EC[self.curve][2]
        return {"kty": "EC", "crv": self.curve, "x": b64url(numbers.x.to_bytes(size, "big")),
                "y": b64url(numbers.y.to_bytes(size, "big"))}

    def to_cryptography(self):
        return self._key

    # --- verification ---------------------------------------------------------------------------
    def verify(self, signature: bytes, data: bytes) -> bool:
        """Check a raw signature (Ed25519 64 bytes; ECDSA r||s) over ``data``."""
        try:
            if self.curve == "Ed25519":
                if len(signature) != 64:
                    return False
                crypto_sign_open(bytes(signature) + bytes(data), self._raw)
                return True
            size = _EC[self.curve][2]
            if len(signature) != 2 * size:
                return False
            der = encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                       int.from_bytes(signature[size:], "big"))
            self._key.verify(der, data, ec.ECDSA(_EC[self.curve][1]()))
            return True
        except (InvalidSignature, BadSignatureError):
            return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and (self.curve, self._raw) == (other.curve, other._raw)

    def __hash__(self) -> int:
        return hash((self.curve, self._raw))

    def __repr__(self) -> str:
        return f"PublicKey({self.curve}, {self.multibase})"


class PrivateKey:
    """A signing key. Its repr shows only the public half; export needs a passphrase."""

    __slots__ = ("curve", "_key", "_public", "_sodium")

    def __init__(self, curve: str, key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        if curve not in CURVES:
            raise ValueError(f"curve {curve!r} is not allowed")
        self.curve = curve
        self._key = key
        self._public = PublicKey(curve, key.public_key())
        self._sodium = b""  # libsodium's expanded secret key (seed || public key), Ed25519 only
        if curve == "Ed25519":
            seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())
            public, self._sodium = crypto_sign_seed_keypair(seed)
            if public != self._public.raw:
                raise ValueError("libsodium and OpenSSL disagree on this key's public half")

    @classmethod
    def generate(cls, curve: str = "Ed25519") -> PrivateKey:
        if curve == "Ed25519":
            return cls(curve, ed25519.Ed25519PrivateKey.generate())
        if curve in _EC:
            return cls(curve, ec.generate_private_key(_EC[curve][0]()))
        raise ValueError(f"curve {curve!r} is not allowed")

    @classmethod
    def from_raw(cls, curve: str, secret: bytes) -> PrivateKey:
        if curve == "Ed25519":
            # Some libraries store seed || public key (64 bytes); check the halves agree.
            seed, public = (secret[:32], secret[32:]) if len(secret) == 64 else (secret, b"")
            key = cls(curve, ed25519.Ed25519PrivateKey.from_private_bytes(seed))
            if public and public != key.public_key.raw:
                raise ValueError("the Ed25519 secret key's public half does not match")
            return key
        if curve in _EC:
            return cls(curve, ec.derive_private_key(int.from_bytes(secret, "big"), _EC[curve][0]()))
        raise ValueError(f"curve {curve!r} is not allowed")

    @classmethod
    def from_multibase(cls, secret_multibase: str) -> PrivateKey:
        curve, raw = multikey.decode_secret(secret_multibase)
        return cls.from_raw(curve, raw)

    @classmethod
    def from_jwk(cls, jwk: dict) -> PrivateKey:
        public = PublicKey.from_jwk({k: v for k, v in jwk.items() if k != "d"})
        key = cls.from_raw(public.curve, b64url_decode(jwk.get("d", "")))
        if key.public_key != public:
            raise ValueError("the JWK's private and public parts do not match")
        return key

    @classmethod
    def from_pkcs8(cls, data: bytes, passphrase: bytes) -> PrivateKey:
        """Load an encrypted PKCS#8 PEM (the at-rest format)."""
        key = serialization.load_pem_private_key(data, password=passphrase)
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return cls("Ed25519", key)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            curve = _PYCA_CURVE_NAMES.get(key.curve.name)
            if curve:
                return cls(curve, key)
        raise ValueError("unsupported key type in PKCS#8 data")

    def to_pkcs8(self, passphrase: bytes) -> bytes:
        """Encrypted PKCS#8 PEM. There is deliberately no unencrypted export."""
        if not passphrase:
            raise ValueError("a passphrase is required to export a private key")
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase))

    @property
    def public_key(self) -> PublicKey:
        return self._public

    @property
    def jws_algorithm(self) -> str:
        return JWS_ALGORITHMS[self.curve]

    def sign(self, data: bytes) -> bytes:
        """Raw signature: Ed25519 (64 bytes) or deterministic ECDSA r||s (RFC 6979)."""
        if self.curve == "Ed25519":
            return crypto_sign(bytes(data), self._sodium)[:64]
        _, hash_cls, size, _ = _EC[self.curve]
        der = self._key.sign(data, ec.ECDSA(hash_cls(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def to_cryptography(self):
        """For jwcrypto and the key store only."""
        return self._key

    def __repr__(self) -> str:
        return f"PrivateKey({self.curve}, public={self._public.multibase}, secret=<hidden>)"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("private keys cannot be pickled; use to_pkcs8() with a passphrase")
