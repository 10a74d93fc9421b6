"""DID Resolution HTTPS binding (DID Resolution §10 ``GET /1.0/identifiers/{did}``): resolving
DIDs and dereferencing DID URLs with this verifier's resolver.

``Accept: application/did-resolution`` (or none) gets a resolution result whose errors are
problem details (``https://www.w3.org/ns/did#…``); ``application/did-url-dereferencing`` a
dereferencing result; the older CCG profile
(``application/ld+json;profile="https://w3id.org/did-resolution"``, the did:key test suite) gets
its string error names; a DID media type gets the bare document (or dereferenced resource).
did:key resolution options (``publicKeyFormat``, ``enableExperimentalPublicKeyTypes``) are
read from the query string.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.datastructures import MIMEAccept

from passport_vc.did.dereference import dereference, parse_did_url
from passport_vc.did.key import DidKeyOptions, resolve_did_key
from passport_vc.errors import (
    InvalidResolutionOptionsError,
    PassportError,
    RepresentationNotSupportedError,
)

from .common import current_state

bp = Blueprint("identifiers", __name__)
RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1"
DID_MEDIA_TYPES = ("application/did+ld+json", "application/did+json")
RESOLUTION_MEDIA_TYPE = "application/did-resolution"
DEREFERENCING_MEDIA_TYPE = "application/did-url-dereferencing"
LEGACY_PROFILE = 'profile="https://w3id.org/did-resolution"'
LEGACY_MEDIA_TYPE = 'application/ld+json;profile="https://w3id.org/did-resolution"'
DID_ERRORS = "https://www.w3.org/ns/did#"
# DID Resolution §7.2 error names (camelCase in DID Core 1.0 / the CCG profile) -> W3C types
W3C_ERROR_NAMES = {"invalidDid": "INVALID_DID", "invalidDidUrl": "INVALID_DID_URL",
                   "notFound": "NOT_FOUND", "methodNotSupported": "METHOD_NOT_SUPPORTED",
                   "representationNotSupported": "REPRESENTATION_NOT_SUPPORTED",
                   "invalidOptions": "INVALID_OPTIONS",
                   "invalidPublicKey": "INVALID_PUBLIC_KEY",
                   "invalidPublicKeyLength": "INVALID_PUBLIC_KEY_LENGTH",
                   "invalidPublicKeyType": "INVALID_PUBLIC_KEY_TYPE",
                   "unsupportedPublicKeyType": "UNSUPPORTED_PUBLIC_KEY_TYPE",
                   "internalError": "INTERNAL_ERROR"}
# HTTP status per error (§10); anything else (e.g. an unusable did:web host) is a 400, never a 500
RESOLUTION_STATUS = {"invalidDid": 400, "invalidDidUrl": 400, "notFound": 404,
                     "deactivated": 410, "methodNotSupported": 501,
                     "representationNotSupported": 406, "invalidOptions": 400,
                     "invalidPublicKey": 400, "invalidPublicKeyLength": 400,
                     "invalidPublicKeyType": 400,
                     "unsupportedPublicKeyType": 501, "internalError": 400}


@bp.get("/1.0/identifiers/<path:did>")
def resolve_identifier(did: str):
    accept = request.headers.get("Accept", "") or "*/*"
    legacy = LEGACY_PROFILE in accept
    accepted = request.accept_mimetypes if request.headers.get("Accept") else \
        MIMEAccept([("*/*", 1)])
    dereferencing = any(char in did for char in "/?#") or \
        accepted.quality(DEREFERENCING_MEDIA_TYPE) > accepted.quality(RESOLUTION_MEDIA_TYPE)
    result_type = DEREFERENCING_MEDIA_TYPE if dereferencing else RESOLUTION_MEDIA_TYPE
    wants_content = not legacy and any(
        accepted.quality(kind) > max(accepted.quality(RESOLUTION_MEDIA_TYPE),
                                     accepted.quality(DEREFERENCING_MEDIA_TYPE))
        for kind in (*DID_MEDIA_TYPES, "application/json"))
    answer = _Answer(legacy=legacy, dereferencing=dereferencing)
    if not legacy and not wants_content and not accepted.quality(result_type) \
            and not accepted.quality("application/ld+json"):
        return answer.error(RepresentationNotSupportedError(
            f"Ask for {result_type}, application/did+ld+json or application/did+json"))
    try:
        content = _content(did, dereferencing)
    except PassportError as error:
        return answer.error(error)
    if wants_content:
        response = jsonify(content)
        response.mimetype = accepted.best_match([*DID_MEDIA_TYPES, "application/json"]) or \
            DID_MEDIA_TYPES[0]
        return response
    return answer.success(content)


def _content(did: str, dereferencing: bool) -> dict:
    options = _did_key_options()
    if not dereferencing:
        return _resolve(did, options)
    return dereference(parse_did_url(did), lambda plain: _resolve(plain, options))


def _resolve(did: str, options: DidKeyOptions | None) -> dict:
    if options is not None and did.startswith("did:key:"):
        return resolve_did_key(did, options)  # pure: no registry, no memo of other formats
    service = current_state().service
    resolver = service.bundle.resolver if service.bundle is not None else \
        service.network.resolver
    resolved = resolver.resolve(did)
    return getattr(resolved, "document", resolved)


def _did_key_options() -> DidKeyOptions | None:
    """did:key §3.1.1 options from the query string; None when none were given."""
    args = request.args
    if "publicKeyFormat" not in args and "enableExperimentalPublicKeyTypes" not in args:
        return None
    experimental = args.get("enableExperimentalPublicKeyTypes", "false")
    if experimental not in ("true", "false"):
        raise InvalidResolutionOptionsError(
            "enableExperimentalPublicKeyTypes must be true or false")
    name = args.get("publicKeyFormat", "Multikey")
    if not name or len(name) > 100:
        raise InvalidResolutionOptionsError("publicKeyFormat must name a key format")
    return DidKeyOptions(name, experimental == "true")


class _Answer:
    """Resolution (§7.1) or dereferencing (§8) results in the asked-for profile."""

    def __init__(self, *, legacy: bool, dereferencing: bool) -> None:
        self.legacy, self.dereferencing = legacy, dereferencing
        self.media_type = LEGACY_MEDIA_TYPE if legacy else \
            DEREFERENCING_MEDIA_TYPE if dereferencing else RESOLUTION_MEDIA_TYPE

    def success(self, content: dict):
        content_type = "application/did+ld+json" if self.legacy else self.media_type
        return self._respond(content, {"contentType": content_type}, 200)

    def error(self, error: PassportError):
        name = getattr(error, "error_name", "internalError")
        if self.legacy:
            metadata: dict = {"error": name, "errorMessage": error.detail}
        else:
            metadata = {"error": {"type": DID_ERRORS + W3C_ERROR_NAMES.get(name, "INTERNAL_ERROR"),
                                  "title": error.title, "detail": error.detail}}
        # DID Core §7.1.2: an unsuccessful resolution's document "MUST be empty"; the CCG
        # profile's suite reads that as an empty object, the W3C profile as null.
        return self._respond({} if self.legacy else None, metadata,
                             RESOLUTION_STATUS.get(name, 400))

    def _respond(self, content: dict | None, metadata: dict, status: int):
        if self.dereferencing and not self.legacy:
            body = {"@context": RESOLUTION_CONTEXT, "contentStream": content,
                    "dereferencingMetadata": metadata, "contentMetadata": {}}
        else:
            meta_name = "didDereferencingMetadata" if self.dereferencing else \
                "didResolutionMetadata"
            body = {"@context": RESOLUTION_CONTEXT, "didDocument": content,
                    meta_name: metadata, "didDocumentMetadata": {}}
        response = jsonify(body)
        response.status_code = status
        # Content-Type equals the metadata's contentType (§10); for the legacy profile the
        # whole media type with its profile parameter.
        response.headers["Content-Type"] = self.media_type
        return response
