"""VC-JOSE-COSE (W3C Recommendation) §3.3: securing VC 2.0 with COSE as ``application/vc+cose``
and presentations as ``application/vp+cose``.

A COSE_Sign1 message (RFC 9052 §4.2, CBOR tag 18) whose payload is the credential or
presentation as JSON, with ``alg``, ``kid``, ``typ`` (RFC 9596, label 16) and ``content type``
(label 3) in the protected header.

CBOR is decoded here (cbor2, bounded depth) and the message handed to pycose only after the
algorithm has been fixed by the key's curve (the same frozen allow-list idea as ``jose.py``):
an algorithm that is not the curve's never reaches the crypto. Signing uses the project's
``Signer`` over pycose's Sig_structure, so the private key never leaves its typed object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import cbor2
from pycose.algorithms import EdDSA, Es256, Es384, Es512
from pycose.headers import KID, Algorithm, ContentType
from pycose.keys import EC2Key, OKPKey
from pycose.keys.curves import P256, P384, P521, Ed25519
from pycose.messages import Sign1Message

from ..errors import (
    KeyBindingError,
    MalformedProofError,
    ParsingError,
    PassportError,
    ProofVerificationError,
    TooLargeError,
    UnsupportedAlgorithmError,
)
from ..inputs import parse_json
from ..keys import PublicKey, Signer
from ..keys.keypairs import b64url_decode

# curve -> the one COSE algorithm (RFC 9053 §2.1, §2.2) a key on it may sign with
ALLOWED_ALGORITHMS = MappingProxyType({"Ed25519": EdDSA, "P-256": Es256, "P-384": Es384,
                                       "P-521": Es512})
ALGORITHM_NAMES = MappingProxyType({"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384",
                                    "P-521": "ES512"})
_COSE_CURVES = {"Ed25519": Ed25519, "P-256": P256, "P-384": P384, "P-521": P521}
COSE_SIGN1_TAG = 18
TYP_LABEL = 16  # RFC 9596
CRIT_LABEL = 2
MAX_COSE_BYTES = 512 * 1024
# kind -> (typ, content type) as VC-JOSE-COSE §3.3.1 / §3.3.2 register them
MEDIA_TYPES = MappingProxyType({
    "credential": ("application/vc+cose", "application/vc"),
    "presentation": ("application/vp+cose", "application/vp"),
})


@dataclass(frozen=True)
class VerifiedCose:
    """A COSE_Sign1 whose signature checked out; ``document`` is the secured JSON."""

    kind: str
    document: dict
    kid: str
    algorithm: str


@dataclass(frozen=True)
class UnverifiedCose:
    kind: str
    document: dict
    kid: str | None
    algorithm_id: object
    message: Sign1Message


# --- signing -------------------------------------------------------------------------------------
def sign_cose(document: dict, signer: Signer, *, kid: str, kind: str) -> bytes:
    """COSE_Sign1 (tagged) over ``document`` as compact UTF-8 JSON."""
    if kind not in MEDIA_TYPES:
        raise ValueError(f"kind must be one of {sorted(MEDIA_TYPES)}")
    algorithm = ALLOWED_ALGORITHMS.get(signer.curve)
    if algorithm is None:
        raise UnsupportedAlgorithmError(f"A {signer.curve} key cannot sign COSE here")
    typ, content_type = MEDIA_TYPES[kind]
    payload = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    message = Sign1Message(phdr={Algorithm: algorithm, KID: kid.encode("utf-8"),
                                 ContentType: content_type, TYP_LABEL: typ}, payload=payload)
    message.signature = signer.sign(message._create_sig_structure())
    return message.encode(tag=True, sign=False)


# --- reading -------------------------------------------------------------------------------------
def _decode_message(data: bytes) -> Sign1Message:
    if not isinstance(data, bytes | bytearray):
        raise ParsingError("A COSE message must be bytes")
    if len(data) > MAX_COSE_BYTES:
        raise TooLargeError(f"The COSE message is larger than {MAX_COSE_BYTES // 1024} KB")
    try:
        value = cbor2.loads(bytes(data), max_depth=16)
    except Exception:  # noqa: BLE001 - cbor2 raises several types for bad input; all mean "not CBOR"
        raise ParsingError("This is not a COSE message (not readable CBOR)") from None
    if not isinstance(value, cbor2.CBORTag) or value.tag != COSE_SIGN1_TAG:
        raise ParsingError("This is not a COSE_Sign1 message (CBOR tag 18)")
    parts = list(value.value) if isinstance(value.value, list | tuple) else None
    if parts is None or len(parts) != 4:
        raise ParsingError("A COSE_Sign1 message has four parts")
    protected, unprotected, payload, signature = parts
    if not isinstance(protected, bytes) or not isinstance(payload, bytes) or \
            not isinstance(signature, bytes) or not isinstance(unprotected, Mapping):
        raise ParsingError("The COSE_Sign1 message's parts have the wrong types")
    try:
        return Sign1Message.from_cose_obj([protected, dict(unprotected), payload, signature],
                                          True)
    except Exception:  # noqa: BLE001 - pycose raises assorted errors for malformed headers
        raise ParsingError("The COSE message's protected header is not readable") from None


def _header_value(message: Sign1Message, header, label: int):
    for key, value in message.phdr.items():
        if key is header or key == label or getattr(key, "identifier", None) == label:
            return value
    return None


def read_unverified(data: bytes, *, kind: str | None = None) -> UnverifiedCose:
    """Decode a vc+cose / vp+cose message WITHOUT checking the signature."""
    message = _decode_message(data)
    if _header_value(message, None, CRIT_LABEL) is not None:
        # No COSE extension is understood here (RFC 9052 §3.1 "crit").
        raise MalformedProofError("The COSE message requires extensions this system does not "
                                  "support")
    if any(getattr(key, "identifier", key) in (1, TYP_LABEL, 3) for key in message.uhdr):
        raise MalformedProofError("The COSE message's algorithm and media type must be "
                                  "integrity protected")
    typ = _header_value(message, None, TYP_LABEL)
    content_type = _header_value(message, ContentType, 3)
    found = [name for name, (t, c) in MEDIA_TYPES.items()
             if (typ is None or typ == t) and (content_type is None or content_type == c)]
    if (typ is None and content_type is None) or not found:
        raise MalformedProofError(
            f"The COSE message's media type ({typ!r}, content type {content_type!r}) is not "
            "application/vc+cose or application/vp+cose")
    found_kind = found[0]
    if kind is not None and found_kind != kind:
        raise MalformedProofError(f"Expected a {kind} secured with COSE, got a {found_kind}")
    kid = _header_value(message, KID, 4)
    if kid is not None:
        try:
            kid = kid.decode("utf-8") if isinstance(kid, bytes) else kid
        except UnicodeDecodeError:
            raise MalformedProofError("The COSE message's key id is not text") from None
        if not isinstance(kid, str):
            raise MalformedProofError("The COSE message's key id is not text")
    try:
        document = parse_json(message.payload, max_bytes=MAX_COSE_BYTES)
    except PassportError as error:
        raise ParsingError(f"The COSE message's content is not JSON: {error.detail}") from None
    if not isinstance(document, dict):
        raise ParsingError("The COSE message's content is not a JSON object")
    algorithm = _header_value(message, Algorithm, 1)
    return UnverifiedCose(found_kind, document, kid, algorithm, message)


def _cose_key(public_key: PublicKey):
    jwk = public_key.to_jwk()
    if public_key.curve == "Ed25519":
        return OKPKey(crv=Ed25519, x=b64url_decode(jwk["x"]))
    return EC2Key(crv=_COSE_CURVES[public_key.curve], x=b64url_decode(jwk["x"]),
                  y=b64url_decode(jwk["y"]))


def check_signature(unverified: UnverifiedCose, public_key: PublicKey) -> str:
    """Check the signature with ``public_key``; returns the algorithm's name."""
    allowed = ALLOWED_ALGORITHMS.get(public_key.curve)
    algorithm = unverified.algorithm_id
    if allowed is None or algorithm is None or \
            getattr(algorithm, "identifier", algorithm) != allowed.identifier:
        name = getattr(algorithm, "fullname", algorithm)
        raise UnsupportedAlgorithmError(
            f"The COSE message's algorithm {name!r} is not allowed for a {public_key.curve} key")
    message = unverified.message
    message.key = _cose_key(public_key)
    try:
        ok = message.verify_signature()
    except Exception:  # noqa: BLE001 - a wrongly sized signature etc.: not a valid signature
        ok = False
    if not ok:
        raise ProofVerificationError("The signature does not match the COSE message's content")
    return ALGORITHM_NAMES[public_key.curve]


def _subject_of(document: dict, kind: str) -> str | None:
    party = document.get("issuer" if kind == "credential" else "holder")
    if isinstance(party, dict):
        party = party.get("id")
    return party if isinstance(party, str) else None


def verify_cose(data: bytes, *, kind: str,
                public_key_for_kid: Callable[[str], PublicKey]) -> VerifiedCose:
    """Verify a vc+cose / vp+cose message; raises a PassportError if it fails.

    The key id must name a key of the credential's issuer (or the presentation's holder); a
    bare key name is taken relative to them. ``public_key_for_kid`` resolves it (the caller
    still checks the key is listed under the right verification relationship).
    """
    unverified = read_unverified(data, kind=kind)
    controller = _subject_of(unverified.document, kind)
    who = "issuer" if kind == "credential" else "holder"
    if not controller:
        raise KeyBindingError(f"The secured {kind} names no {who}, so no key can be its")
    kid = absolute_kid(unverified.kid, controller)
    if kid.split("#", 1)[0] != controller:
        raise KeyBindingError(f"The message was signed with {kid}, which is not a key of the "
                              f"{who} {controller}")
    algorithm = check_signature(unverified, public_key_for_kid(kid))
    return VerifiedCose(kind, unverified.document, kid, algorithm)


def absolute_kid(kid: object, controller: str | None) -> str:
    """A key id as a full URL: ``#name`` and a bare ``name`` are relative to the controller
    (the issuer or holder), as ``kid`` is only a hint within their keys (RFC 7515 §4.1.4)."""
    if not isinstance(kid, str) or not kid:
        raise MalformedProofError("The message does not say which key signed it (no 'kid')")
    if kid.startswith("#") and controller:
        return controller + kid
    if "#" not in kid and ":" not in kid and controller:
        return controller + "#" + kid
    if "#" not in kid:
        raise MalformedProofError(f"The key id {kid!r} does not name a verification method")
    return kid


__all__ = ["ALLOWED_ALGORITHMS", "MEDIA_TYPES", "VerifiedCose", "sign_cose", "verify_cose",
           "read_unverified", "check_signature", "absolute_kid"]
