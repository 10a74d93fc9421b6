"""did:key (W3C CCG The did:key Method v0.9, §3.1 Document Creation Algorithm).

The DID is the key: ``did:key:`` + the Multikey ``publicKeyMultibase`` value. Resolution makes
the document locally, with one verification method named by the same value and listed under
authentication, assertionMethod, capabilityDelegation and capabilityInvocation. No keyAgreement
key is derived (``enableEncryptionKeyDerivation`` defaults to false and nothing in this system
encrypts to a DID). Allowed keys: Ed25519, P-256, P-384, P-521 (``p521-pub``, 67-byte
compressed point: the spec lists `p521-pub` (0x1202) among its key types and gives P-521
test vectors).

Resolution options (§3.1.1): ``publicKeyFormat`` — Multikey (the default and what this
system's own documents use), JsonWebKey2020, or Ed25519VerificationKey2020 for Ed25519 keys;
``enableExperimentalPublicKeyTypes`` — the experimental formats the spec names are known but
not produced, so they give ``invalidPublicKeyType`` while disabled and
``unsupportedPublicKeyType`` when enabled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import (
    InvalidDidError,
    InvalidPublicKeyError,
    InvalidPublicKeyLengthError,
    InvalidPublicKeyTypeError,
    MethodNotSupportedError,
    UnsupportedPublicKeyTypeError,
)
from ..keys import PublicKey
from ..keys.multikey import PUBLIC_HEADERS, PUBLIC_LENGTHS, decode_multibase
from .document import DID_CONTEXT, MULTIKEY_CONTEXT

PREFIX = "did:key:"
_SYNTAX = re.compile(r"did:key:z[1-9A-HJ-NP-Za-km-z]{1,200}\Z")
KEY_RELATIONSHIPS = ("authentication", "assertionMethod", "capabilityDelegation",
                     "capabilityInvocation")
# §3.1.1 / §3.1.2: the formats a conforming resolver must offer, and their contexts
FORMAT_CONTEXTS = {
    "Multikey": MULTIKEY_CONTEXT,
    "JsonWebKey2020": "https://w3id.org/security/suites/jws-2020/v1",
    "Ed25519VerificationKey2020": "https://w3id.org/security/suites/ed25519-2020/v1",
}
# Known to the spec as experimental / encryption-only formats: never produced here.
EXPERIMENTAL_FORMATS = frozenset({"Ed25519VerificationKey2018", "X25519KeyAgreementKey2019",
                                  "X25519KeyAgreementKey2020", "Bls12381G2Key2020",
                                  "EcdsaSecp256k1VerificationKey2019"})


@dataclass(frozen=True)
class DidKeyOptions:
    """§3.1.1 resolution options (the defaults are the spec's)."""

    public_key_format: str = "Multikey"
    enable_experimental_public_key_types: bool = False


DEFAULT_OPTIONS = DidKeyOptions()


def did_key_from_public_key(public_key: PublicKey) -> str:
    return PREFIX + public_key.multibase


def public_key_from_did_key(did: str) -> PublicKey:
    if not isinstance(did, str) or not _SYNTAX.match(did):
        raise InvalidDidError(f"{did!r:.120} is not a valid did:key")
    value = did[len(PREFIX):]
    _check_key_length(did, value)
    try:
        public_key = PublicKey.from_multibase(value)
    except ValueError as error:
        if "unsupported" in str(error):
            raise MethodNotSupportedError(
                f"{did:.120} uses a kind of key this system does not accept (only Ed25519, "
                "P-256, P-384 and P-521 keys are)") from None
        # §3.1.3 step 6: right length, but not a key (e.g. not a point on the curve)
        raise InvalidPublicKeyError(f"{did:.120} does not contain a valid key: {error}") \
            from None
    # One key, one DID: refuse alternative spellings of the same key.
    if public_key.multibase != value:
        raise InvalidDidError(f"{did:.120} is not written in the standard way")
    return public_key


def _check_key_length(did: str, value: str) -> None:
    """§3.1.3 step 5: a known multicodec header with the wrong number of key bytes."""
    try:
        data = decode_multibase(value)
    except ValueError:
        raise InvalidDidError(f"{did:.120} is not valid base58") from None
    for curve, header in PUBLIC_HEADERS.items():
        if data.startswith(header) and len(data) - len(header) != PUBLIC_LENGTHS[curve]:
            raise InvalidPublicKeyLengthError(
                f"{did:.120} holds {len(data) - len(header)} bytes of {curve} key, but such a "
                f"key has {PUBLIC_LENGTHS[curve]} bytes")


def verification_method_for(did: str) -> str:
    """The DID URL of the (only) key of a did:key: ``did:key:z…#z…``."""
    public_key_from_did_key(did)
    return f"{did}#{did[len(PREFIX):]}"


def check_public_key_format(options: DidKeyOptions) -> None:
    """§3.1.2 Signature Method Creation, steps 1–2."""
    name = options.public_key_format
    if name in FORMAT_CONTEXTS:
        return
    if name in EXPERIMENTAL_FORMATS and not options.enable_experimental_public_key_types:
        raise InvalidPublicKeyTypeError(
            f"The key format {name:.60} is experimental; ask for Multikey, JsonWebKey2020 or "
            "Ed25519VerificationKey2020")
    raise UnsupportedPublicKeyTypeError(
        f"This resolver does not produce the key format {name!r:.60} (it produces Multikey, "
        "JsonWebKey2020 and Ed25519VerificationKey2020)")


def resolve_did_key(did: str, options: DidKeyOptions = DEFAULT_OPTIONS) -> dict:
    check_public_key_format(options)
    public_key = public_key_from_did_key(did)
    method_id = f"{did}#{public_key.multibase}"
    method = _verification_method(did, method_id, public_key, options.public_key_format)
    document: dict = {
        "@context": [DID_CONTEXT, FORMAT_CONTEXTS[options.public_key_format]],
        "id": did,
        "verificationMethod": [method],
    }
    for relationship in KEY_RELATIONSHIPS:
        document[relationship] = [method_id]
    return document


def _verification_method(did: str, method_id: str, public_key: PublicKey, name: str) -> dict:
    method = {"id": method_id, "type": name, "controller": did}
    if name == "JsonWebKey2020":
        method["publicKeyJwk"] = public_key.to_jwk()
        return method
    if name == "Ed25519VerificationKey2020" and public_key.curve != "Ed25519":
        raise InvalidPublicKeyTypeError(
            f"An Ed25519VerificationKey2020 holds an Ed25519 key; {did:.80} is a "
            f"{public_key.curve} key")
    method["publicKeyMultibase"] = public_key.multibase
    return method


class KeyResolver:
    """did:key resolver for the registry."""

    def resolve(self, did: str) -> dict:
        return resolve_did_key(did)
