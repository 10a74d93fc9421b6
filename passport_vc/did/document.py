"""DID documents and their verification methods (DID Core 1.0 §5.2–5.3; Controlled
Identifiers 1.0 §2.2 Multikey and JsonWebKey).

A ``DidDocument`` answers the two questions a verifier asks (STANDARDS.md trap 3): which public
key does this DID URL name, and is that key listed under the verification relationship the
proof claims (``assertionMethod`` for credentials, ``authentication`` for presentations)?
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import (
    InvalidDidUrlError,
    MalformedValueError,
    UnsupportedAlgorithmError,
    VerificationMethodNotFoundError,
)
from ..keys import PublicKey

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
RELATIONSHIPS = ("authentication", "assertionMethod", "keyAgreement", "capabilityInvocation",
                 "capabilityDelegation")
MULTIBASE_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})
JWK_TYPES = frozenset({"JsonWebKey", "JsonWebKey2020"})


@dataclass(frozen=True)
class VerificationMethod:
    id: str
    type: str
    controller: str
    public_key: PublicKey

    @classmethod
    def from_json(cls, entry: dict, *, document_id: str) -> VerificationMethod:
        """Parse one verification method; ``#frag`` ids are made absolute against the DID."""
        if not isinstance(entry, dict):
            raise MalformedValueError("A verification method must be a JSON object")
        method_id = absolute_id(entry.get("id"), document_id)
        method_type, controller = entry.get("type"), entry.get("controller")
        if not isinstance(method_type, str) or not isinstance(controller, str):
            raise MalformedValueError(f"The key {method_id} has no type or controller")
        try:
            if method_type in MULTIBASE_TYPES:
                public_key = PublicKey.from_multibase(entry.get("publicKeyMultibase"))
                if method_type == "Ed25519VerificationKey2020" and public_key.curve != "Ed25519":
                    raise ValueError("an Ed25519VerificationKey2020 must hold an Ed25519 key")
            elif method_type in JWK_TYPES:
                public_key = PublicKey.from_jwk(entry.get("publicKeyJwk"))
            else:
                raise UnsupportedAlgorithmError(
                    f"The key {method_id} is of type {method_type}, which this system does not "
                    "accept")
        except ValueError as error:
            raise MalformedValueError(f"The key {method_id} is not valid: {error}") from None
        return cls(method_id, method_type, controller, public_key)


def absolute_id(value: object, document_id: str) -> str:
    """Turn a relative ``#fragment`` reference into a full DID URL."""
    if not isinstance(value, str) or not value:
        raise MalformedValueError("A verification method has no id")
    if value.startswith("#"):
        return document_id + value
    return value


class DidDocument:
    """A resolved DID document. Treat ``document`` as read-only: it may be shared (memoised)."""

    __slots__ = ("document", "id", "_entries", "_parsed")

    def __init__(self, document: dict) -> None:
        if not isinstance(document, dict):
            raise MalformedValueError("A DID document must be a JSON object")
        document_id = document.get("id")
        if not isinstance(document_id, str) or not document_id.startswith("did:"):
            raise MalformedValueError("The DID document has no valid id")
        self.document = document
        self.id = document_id
        self._entries: dict[str, dict] = {}
        self._parsed: dict[str, VerificationMethod] = {}
        for entry in _as_list(document.get("verificationMethod")):
            self._add_entry(entry)
        # Methods may also be embedded in a relationship (usable for that relationship only,
        # which ``authorizes`` enforces).
        for relationship in RELATIONSHIPS:
            for entry in _as_list(document.get(relationship)):
                if isinstance(entry, dict):
                    self._add_entry(entry)

    def _add_entry(self, entry: object) -> None:
        if not isinstance(entry, dict):
            raise MalformedValueError("A verification method must be a JSON object")
        method_id = absolute_id(entry.get("id"), self.id)
        if method_id in self._entries and self._entries[method_id] != entry:
            raise MalformedValueError(f"The DID document lists the key {method_id} twice")
        self._entries[method_id] = entry

    @property
    def verification_methods(self) -> list[VerificationMethod]:
        """Every method this system can use (types it does not accept are left out)."""
        methods = []
        for method_id in self._entries:
            try:
                methods.append(self.verification_method(method_id))
            except (MalformedValueError, UnsupportedAlgorithmError):
                continue
        return methods

    def verification_method(self, did_url: str) -> VerificationMethod:
        if not isinstance(did_url, str):
            raise InvalidDidUrlError("The key reference is not text")
        method_id = absolute_id(did_url, self.id)
        cached = self._parsed.get(method_id)
        if cached is not None:
            return cached
        entry = self._entries.get(method_id)
        if entry is None:
            raise VerificationMethodNotFoundError(
                f"The DID document of {self.id} has no key {method_id}")
        method = VerificationMethod.from_json(entry, document_id=self.id)
        self._parsed[method_id] = method
        return method

    def authorizes(self, did_url: str, relationship: str) -> bool:
        """Is ``did_url`` listed (by reference or embedded) under ``relationship``?"""
        if relationship not in RELATIONSHIPS or not isinstance(did_url, str):
            return False
        wanted = absolute_id(did_url, self.id)
        for entry in _as_list(self.document.get(relationship)):
            reference = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(reference, str) and reference and \
                    absolute_id(reference, self.id) == wanted:
                return True
        return False

    def __repr__(self) -> str:
        return f"DidDocument({self.id}, {len(self._entries)} keys)"


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def build_did_document(did: str, methods: list[tuple[str, PublicKey]], *, assertion: list[str],
                       authentication: list[str], extra: dict | None = None) -> dict:
    """A DID document with Multikey methods; ``methods`` and the relationships name fragments
    (``"key-1"`` or ``"#key-1"``)."""
    def full(fragment: str) -> str:
        if not isinstance(fragment, str) or not fragment.lstrip("#"):
            raise MalformedValueError("A key needs a name (a fragment such as key-1)")
        return f"{did}#{fragment.lstrip('#')}"

    verification_methods = []
    seen: set[str] = set()
    for fragment, public_key in methods:
        method_id = full(fragment)
        if method_id in seen:
            raise MalformedValueError(f"The key name {fragment} is used twice")
        seen.add(method_id)
        verification_methods.append({"id": method_id, "type": "Multikey", "controller": did,
                                     "publicKeyMultibase": public_key.multibase})
    document: dict = {"@context": [DID_CONTEXT, MULTIKEY_CONTEXT], "id": did,
                      "verificationMethod": verification_methods}
    for name, fragments in (("authentication", authentication), ("assertionMethod", assertion)):
        ids = [full(fragment) for fragment in fragments]
        unknown = [method_id for method_id in ids if method_id not in seen]
        if unknown:
            raise MalformedValueError(f"{name} names keys the document does not have: "
                                      + ", ".join(unknown))
        document[name] = ids
    for key, value in (extra or {}).items():
        if key in ("id", "@context", "verificationMethod"):
            raise MalformedValueError(f"{key} cannot be replaced in a DID document")
        document[key] = value
    DidDocument(document)  # fail here rather than when someone resolves it
    return document
