"""did:key (W3C CCG The did:key Method v0.9, §3.1 Document Creation Algorithm, Multikey
public key format).

The DID is the key: ``did:key:`` + the Multikey ``publicKeyMultibase`` value. Resolution makes
the document locally, with one Multikey verification method named by the same value and listed
under authentication, assertionMethod, capabilityDelegation and capabilityInvocation. No
keyAgreement key is derived (``enableEncryptionKeyDerivation`` defaults to false and nothing in
this system encrypts to a DID). Allowed keys: Ed25519, P-256, P-384.
"""

from __future__ import annotations

import re

from ..errors import InvalidDidError, MethodNotSupportedError
from ..keys import PublicKey
from .document import DID_CONTEXT, MULTIKEY_CONTEXT

PREFIX = "did:key:"
_SYNTAX = re.compile(r"did:key:z[1-9A-HJ-NP-Za-km-z]{20,200}\Z")
KEY_RELATIONSHIPS = ("authentication", "assertionMethod", "capabilityDelegation",
                     "capabilityInvocation")


def did_key_from_public_key(public_key: PublicKey) -> str:
    return PREFIX + public_key.multibase


def public_key_from_did_key(did: str) -> PublicKey:
    if not isinstance(did, str) or not _SYNTAX.match(did):
        raise InvalidDidError(f"{did!r:.120} is not a valid did:key")
    value = did[len(PREFIX):]
    try:
        public_key = PublicKey.from_multibase(value)
    except ValueError as error:
        if "unsupported" in str(error):
            raise MethodNotSupportedError(
                f"{did:.120} uses a kind of key this system does not accept (only Ed25519, "
                "P-256 and P-384 keys are)") from None
        raise InvalidDidError(f"{did:.120} does not contain a valid key: {error}") from None
    # One key, one DID: refuse alternative spellings of the same key.
    if public_key.multibase != value:
        raise InvalidDidError(f"{did:.120} is not written in the standard way")
    return public_key


def verification_method_for(did: str) -> str:
    """The DID URL of the (only) key of a did:key: ``did:key:z…#z…``."""
    public_key_from_did_key(did)
    return f"{did}#{did[len(PREFIX):]}"


def resolve_did_key(did: str) -> dict:
    public_key = public_key_from_did_key(did)
    method_id = f"{did}#{public_key.multibase}"
    document: dict = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [{"id": method_id, "type": "Multikey", "controller": did,
                                "publicKeyMultibase": public_key.multibase}],
    }
    for relationship in KEY_RELATIONSHIPS:
        document[relationship] = [method_id]
    return document


class KeyResolver:
    """did:key resolver for the registry."""

    def resolve(self, did: str) -> dict:
        return resolve_did_key(did)
