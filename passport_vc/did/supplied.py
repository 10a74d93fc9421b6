"""A verification method supplied out of band (a key file), as a resolver that knows only it.

Controlled Identifiers 1.0 §2.2: a verification method names its ``controller``; a verifier
that was handed the method (rather than resolving a DID) may use it for that controller only.
The W3C VC-JOSE-COSE suite works this way: its issuer is ``https://example.issuer/…`` with a
``JsonWebKey`` method given in a file, and its tokens' ``kid`` is the key's JWK ``kid`` or its
RFC 7638 thumbprint. Such a key id, taken relative to the controller (``controller#kid``), is
accepted as naming the method; the issuer–key binding check is the same as for a DID.
"""

from __future__ import annotations

import hashlib
import json

from ..errors import MalformedValueError, VerificationMethodNotFoundError
from ..keys.keypairs import b64url
from .document import VerificationMethod

# the members RFC 7638 §3.2 hashes, per key type
_THUMBPRINT_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y")}


def jwk_thumbprint(jwk: dict) -> str:
    members = _THUMBPRINT_MEMBERS.get(jwk.get("kty"))
    if members is None:
        raise MalformedValueError("The key is not an OKP or EC JWK")
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"),
                           sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


class _ControllerDocument:
    """What the verifier asks of a resolved document: is the method listed for a purpose?"""

    def __init__(self, method: VerificationMethod, names: set[str]) -> None:
        self.id = method.controller
        self._names = names

    def authorizes(self, url: str, relationship: str) -> bool:
        return relationship in ("assertionMethod", "authentication") and url in self._names


class SuppliedKeyResolver:
    """Resolves the one verification method it was given (no network, no DIDs)."""

    def __init__(self, entry: dict) -> None:
        if not isinstance(entry, dict):
            raise MalformedValueError("A verification method must be a JSON object")
        public_entry = {name: value for name, value in entry.items()
                        if name not in ("secretKeyJwk", "secretKeyMultibase")}
        controller = public_entry.get("controller")
        if not isinstance(controller, str) or not controller:
            raise MalformedValueError("The verification method names no controller")
        self.method = VerificationMethod.from_json(public_entry, document_id=controller)
        names = {self.method.id}
        jwk = public_entry.get("publicKeyJwk")
        if isinstance(jwk, dict):
            names.add(f"{controller}#{jwk_thumbprint(jwk)}")
            if isinstance(jwk.get("kid"), str) and jwk["kid"]:
                names.add(f"{controller}#{jwk['kid']}")
        self._names = names
        self._document = _ControllerDocument(self.method, names)

    def resolve_verification_method(self, url: str):
        if url not in self._names:
            raise VerificationMethodNotFoundError(
                f"The key {url} is not the one supplied ({self.method.id})")
        return self.method, self._document


__all__ = ["SuppliedKeyResolver", "jwk_thumbprint"]
