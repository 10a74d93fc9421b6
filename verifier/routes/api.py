"""W3C VC API verifier endpoints (VC API / VCALM; STANDARDS.md "VC API contract") and the DID
Resolution HTTPS binding (DID Resolution §10 ``GET /1.0/identifiers/{did}``).

``POST /credentials/verify`` and ``POST /presentations/verify`` answer 200 with
``{verified: true, checks, warnings, errors}`` or 400 with ``verified: false``; a malformed call
is a problem+json 400 (never a 500), raised as ParsingError and turned into problem details by
passport_web.flask.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.datastructures import MIMEAccept

from passport_vc.envelope import is_enveloped, open_envelope
from passport_vc.errors import (
    ParsingError,
    PassportError,
    RepresentationNotSupportedError,
)
from passport_vc.result import VerificationResult
from passport_web.flask import json_body

from .common import current_state

bp = Blueprint("api", __name__)
RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1"
DID_MEDIA_TYPES = ("application/did+ld+json", "application/did+json")
RESOLUTION_MEDIA_TYPE = "application/did-resolution"
LEGACY_PROFILE = 'profile="https://w3id.org/did-resolution"'
LEGACY_MEDIA_TYPE = 'application/ld+json;profile="https://w3id.org/did-resolution"'
DID_ERRORS = "https://www.w3.org/ns/did#"
# DID Resolution §7.2 error names (camelCase in DID Core 1.0 / the CCG profile) -> W3C types
W3C_ERROR_NAMES = {"invalidDid": "INVALID_DID", "invalidDidUrl": "INVALID_DID_URL",
                   "notFound": "NOT_FOUND", "methodNotSupported": "METHOD_NOT_SUPPORTED",
                   "representationNotSupported": "REPRESENTATION_NOT_SUPPORTED",
                   "invalidPublicKeyLength": "INVALID_PUBLIC_KEY_LENGTH",
                   "internalError": "INTERNAL_ERROR"}
# HTTP status per error (§10); anything else (e.g. an unusable did:web host) is a 400, never a 500
RESOLUTION_STATUS = {"invalidDid": 400, "invalidDidUrl": 400, "notFound": 404,
                     "deactivated": 410, "methodNotSupported": 501,
                     "representationNotSupported": 406, "invalidPublicKeyLength": 400,
                     "internalError": 400}


def _options(body: dict) -> dict:
    options = body.get("options", {})
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise ParsingError("options must be a JSON object", path="options")
    for name in ("challenge", "domain"):
        if options.get(name) is not None and not isinstance(options[name], str):
            raise ParsingError(f"options.{name} must be text", path=f"options.{name}")
    checks = options.get("checks")
    if checks is not None and (not isinstance(checks, list)
                               or not all(isinstance(item, str) for item in checks)):
        raise ParsingError("options.checks must be a list of check names", path="options.checks")
    return options


def _credential(value: object) -> dict:
    """VC API: a credential object or an EnvelopedVerifiableCredential, never text (a JSON
    string that happens to parse is not a credential object)."""
    if isinstance(value, dict):
        if is_enveloped(value):
            open_envelope(value, path="verifiableCredential.id")  # a bad data: URL is a 400
        return value
    raise ParsingError("Send the credential as a JSON object in verifiableCredential (a vc+jwt "
                       "as an EnvelopedVerifiableCredential with a data: URL id)",
                       path="verifiableCredential")


def _answer(result: VerificationResult):
    errors = list(result.errors)
    # "Could not check" is not verified either; say why in errors rather than nothing.
    for check in result.checks:
        if check.ok is None:
            errors.append(check.problem or {"title": "Check could not be completed",
                                            "detail": check.message, "check": check.name})
    for inner in result.credentials:
        for check in inner.checks:
            if check.ok is None:
                errors.append(check.problem or {"title": "Check could not be completed",
                                                "detail": check.message, "check": check.name})
    body = {"verified": result.verified,
            "checks": [check.name for check in result.checks if check.ok],
            "warnings": result.warnings, "errors": errors}
    if result.credentials:
        body["credentialResults"] = [
            {"verified": inner.verified, "checks": [c.name for c in inner.checks if c.ok],
             "warnings": inner.warnings, "errors": inner.errors}
            for inner in result.credentials]
    return jsonify(body), (200 if result.verified else 400)


@bp.post("/credentials/verify")
def verify_credential():
    body = json_body()
    if "verifiableCredential" not in body:
        raise ParsingError("Send the credential in verifiableCredential",
                           path="verifiableCredential")
    credential = _credential(body["verifiableCredential"])
    _options(body)
    return _answer(current_state().service.verifier.verify_credential(credential))


@bp.post("/presentations/verify")
def verify_presentation():
    body = json_body()
    presentation = body.get("verifiablePresentation")
    if not isinstance(presentation, dict):
        raise ParsingError("Send the presentation as a JSON object in verifiablePresentation",
                           path="verifiablePresentation")
    options = _options(body)
    result = current_state().service.verifier.verify_presentation(
        presentation, challenge=options.get("challenge"), domain=options.get("domain"),
        require_holder=False)  # VC DM 2.0: holder is optional; the answer says "not bound"
    return _answer(result)


@bp.get("/1.0/identifiers/<path:did>")
def resolve_identifier(did: str):
    """DID Resolution §10 HTTPS binding. ``Accept: application/did-resolution`` (or none) gets a
    resolution result whose errors are problem details (``https://www.w3.org/ns/did#…``); the
    older CCG profile (``application/ld+json;profile="https://w3id.org/did-resolution"``, the
    did:key test suite) gets its string error names; a DID media type gets the bare document."""
    service = current_state().service
    resolver = service.bundle.resolver if service.bundle is not None else \
        service.network.resolver
    accept = request.headers.get("Accept", "") or "*/*"
    legacy = LEGACY_PROFILE in accept
    accepted = request.accept_mimetypes if request.headers.get("Accept") else \
        MIMEAccept([("*/*", 1)])
    wants_document = not legacy and any(
        accepted.quality(kind) > accepted.quality(RESOLUTION_MEDIA_TYPE)
        for kind in DID_MEDIA_TYPES)
    if not legacy and not wants_document and not accepted.quality(RESOLUTION_MEDIA_TYPE) \
            and not accepted.quality("application/ld+json"):
        return _resolution_answer(None, RepresentationNotSupportedError(
            "Ask for application/did-resolution, application/did+ld+json or "
            "application/did+json"), legacy=False)
    try:
        resolved = resolver.resolve(did)
    except PassportError as error:
        return _resolution_answer(None, error, legacy=legacy)
    document = getattr(resolved, "document", resolved)
    if wants_document:
        media_type = accepted.best_match(DID_MEDIA_TYPES) or DID_MEDIA_TYPES[0]
        response = jsonify(document)
        response.mimetype = media_type
        return response
    return _resolution_answer(document, None, legacy=legacy)


def _resolution_answer(document: dict | None, error: PassportError | None, *, legacy: bool):
    media_type = LEGACY_MEDIA_TYPE if legacy else RESOLUTION_MEDIA_TYPE
    metadata: dict = {"contentType": "application/did+ld+json" if legacy else media_type}
    status = 200
    if error is not None:
        name = getattr(error, "error_name", "internalError")
        status = RESOLUTION_STATUS.get(name, 400)
        metadata = {"error": name, "errorMessage": error.detail} if legacy else \
            {"error": {"type": DID_ERRORS + W3C_ERROR_NAMES.get(name, "INTERNAL_ERROR"),
                       "title": error.title, "detail": error.detail}}
    body = {"@context": RESOLUTION_CONTEXT, "didDocument": document,
            "didResolutionMetadata": metadata, "didDocumentMetadata": {}}
    response = jsonify(body)
    response.status_code = status
    # Content-Type must equal didResolutionMetadata.contentType (§10); for the legacy profile
    # the whole media type with its profile parameter.
    response.headers["Content-Type"] = media_type
    return response
