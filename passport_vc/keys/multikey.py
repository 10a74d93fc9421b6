"""Multikey encoding (W3C Controlled Identifiers 1.0 §2.2.2): multicodec header + key bytes.

Public keys: Ed25519 raw 32 bytes; P-256/P-384/P-521 SEC1 compressed points. Secret keys: raw
scalar / seed. Headers are the unsigned-varint multicodec codes. P-521 (``p521-pub`` 0x1202,
``p521-priv`` 0x1308) is in the multicodec table and the did:key spec's key types, though not
in Controlled Identifiers' own Multikey table; it is used for VC-JOSE-COSE keys only.
"""

from __future__ import annotations

from multiformats import multibase

from .base58 import b58decode, b58encode

# multicodec name → varint header (checked against the multiformats table in tests)
PUBLIC_HEADERS = {
    "Ed25519": bytes([0xED, 0x01]),
    "P-256": bytes([0x80, 0x24]),
    "P-384": bytes([0x81, 0x24]),
    "P-521": bytes([0x82, 0x24]),
}
SECRET_HEADERS = {
    "Ed25519": bytes([0x80, 0x26]),
    "P-256": bytes([0x86, 0x26]),
    "P-384": bytes([0x87, 0x26]),
    "P-521": bytes([0x88, 0x26]),
}
PUBLIC_LENGTHS = {"Ed25519": 32, "P-256": 33, "P-384": 49, "P-521": 67}
MULTICODEC_NAMES = {"Ed25519": "ed25519-pub", "P-256": "p256-pub", "P-384": "p384-pub",
                    "P-521": "p521-pub"}


def encode_multibase_b58(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_multibase(value: str) -> bytes:
    """Decode a multibase string; base58btc fast, other bases through ``multiformats``."""
    if not isinstance(value, str) or not value:
        raise ValueError("multibase value must be a non-empty string")
    if value[0] == "z":
        return b58decode(value[1:])
    return bytes(multibase.decode(value))


def encode_public(curve: str, raw: bytes) -> str:
    return encode_multibase_b58(PUBLIC_HEADERS[curve] + raw)


def decode_public(value: str) -> tuple[str, bytes]:
    """Return (curve, raw key bytes) for a ``publicKeyMultibase`` value."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("publicKeyMultibase must be base58btc (start with 'z')")
    data = decode_multibase(value)
    for curve, header in PUBLIC_HEADERS.items():
        if data.startswith(header):
            raw = data[len(header):]
            if len(raw) != PUBLIC_LENGTHS[curve]:
                raise ValueError(f"{curve} public key has {len(raw)} bytes, expected "
                                 f"{PUBLIC_LENGTHS[curve]}")
            return curve, raw
    raise ValueError("unsupported multikey type (allowed: Ed25519, P-256, P-384, P-521)")


def encode_secret(curve: str, raw: bytes) -> str:
    return encode_multibase_b58(SECRET_HEADERS[curve] + raw)


def decode_secret(value: str) -> tuple[str, bytes]:
    data = decode_multibase(value)
    for curve, header in SECRET_HEADERS.items():
        if data.startswith(header):
            return curve, data[len(header):]
    raise ValueError("unsupported secret multikey type")
