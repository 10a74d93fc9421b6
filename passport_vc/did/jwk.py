"""did:jwk (did:jwk Method Specification, §2.2 Create and §2.3 Read).

The DID is ``did:jwk:`` + base64url(UTF-8 JSON of a public JWK). The document has one
``JsonWebKey2020`` method ``#0``; its relationships follow the JWK's ``use``: ``sig`` → signing
relationships only, ``enc`` → keyAgreement only, absent → both. Only the project's allow-listed
curves (Ed25519, P-256, P-384, P-521) resolve; a JWK carrying a private part is refused.
"""

from __future__ import annotations

import json
import re

from ..errors import InvalidDidError, MethodNotSupportedError, PassportError
from ..inputs import parse_json
from ..keys import PublicKey
from ..keys.keypairs import b64url, b64url_decode
from .document import DID_CONTEXT

PREFIX = "did:jwk:"
JWS_2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"
_SYNTAX = re.compile(r"did:jwk:[A-Za-z0-9_-]{20,2048}\Z")
SIGNING_RELATIONSHIPS = ("assertionMethod", "authentication", "capabilityInvocation",
                         "capabilityDelegation")


def did_jwk_from_public_key(public_key: PublicKey) -> str:
    # Sorted, compact JSON so the same key always gives the same DID.
    text = json.dumps(public_key.to_jwk(), separators=(",", ":"), sort_keys=True)
    return PREFIX + b64url(text.encode("utf-8"))


def jwk_from_did_jwk(did: str) -> dict:
    if not isinstance(did, str) or not _SYNTAX.match(did):
        raise InvalidDidError(f"{did!r:.120} is not a valid did:jwk")
    try:
        jwk = parse_json(b64url_decode(did[len(PREFIX):]), max_bytes=4096)
    except (ValueError, PassportError):
        raise InvalidDidError(f"{did:.120} does not contain a valid key (JWK)") from None
    if not isinstance(jwk, dict):
        raise InvalidDidError(f"{did:.120} does not contain a valid key (JWK)")
    if "d" in jwk:
        raise InvalidDidError("This did:jwk contains a private key, which must never be shared")
    return jwk


def resolve_did_jwk(did: str) -> dict:
    jwk = jwk_from_did_jwk(did)
    try:
        PublicKey.from_jwk(jwk)
    except ValueError as error:
        raise MethodNotSupportedError(f"This did:jwk holds a key this system does not accept "
                                      f"({error})") from None
    method_id = f"{did}#0"
    document: dict = {
        "@context": [DID_CONTEXT, JWS_2020_CONTEXT],
        "id": did,
        "verificationMethod": [{"id": method_id, "type": "JsonWebKey2020", "controller": did,
                                "publicKeyJwk": jwk}],
    }
    use = jwk.get("use")
    if use != "enc":
        for relationship in SIGNING_RELATIONSHIPS:
            document[relationship] = [method_id]
    if use != "sig":
        document["keyAgreement"] = [method_id]
    return document


class JwkResolver:
    """did:jwk resolver for the registry."""

    def resolve(self, did: str) -> dict:
        return resolve_did_jwk(did)
