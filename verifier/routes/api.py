"""W3C VC API verifier endpoints (VC API / VCALM; STANDARDS.md "VC API contract") and the DID
Resolution HTTPS binding (DID Resolution §10 ``GET /1.0/identifiers/{did}``).

``POST /credentials/verify`` and ``POST /presentations/verify`` answer 200 with
``{verified: true, checks, warnings, errors}`` or 400 with ``verified: false``; a malformed call
is a problem+json 400 (never a 500), raised as ParsingError and turned into problem details by
passport_vc.integrations.flask.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from passport_vc.errors import DidResolutionError, ParsingError, PassportError
from passport_vc.integrations.flask import json_body
from passport_vc.result import VerificationResult

from .common import current_state

bp = Blueprint("api", __name__)
ENVELOPED = "EnvelopedVerifiableCredential"
RESOLUTION_CONTEXT = "https://w3id.org/did-resolution/v1"
DID_MEDIA_TYPES = ("application/did+ld+json", "application/did+json")


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


def _unwrap(credential: object) -> dict | str:
    """A credential as JSON, a vc+jwt string, or an EnvelopedVerifiableCredential."""
    if isinstance(credential, dict) and credential.get("type") == ENVELOPED:
        data = credential.get("id")
        if isinstance(data, str) and data.startswith("data:") and "," in data:
            return data.split(",", 1)[1]
        raise ParsingError("The enveloped credential has no data: URL id",
                           path="verifiableCredential.id")
    if isinstance(credential, dict | str):
        return credential
    raise ParsingError("Send the credential as a JSON object (or a vc+jwt string) in "
                       "verifiableCredential", path="verifiableCredential")


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
    if "disclosed" in result.facts:  # SD-JWT VC: the claims the holder chose to show
        body["disclosedClaims"] = result.facts["disclosed"]
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
    credential = _unwrap(body["verifiableCredential"])
    options = _options(body)
    verifier = current_state().service.verifier
    if isinstance(credential, str) and "~" in credential:
        # An SD-JWT VC: challenge/domain are what its key binding must answer (nonce, aud).
        return _answer(verifier.verify_sd_jwt_vc(credential.strip(),
                                                 nonce=options.get("challenge"),
                                                 audience=options.get("domain")))
    return _answer(verifier.verify_credential(credential))


@bp.post("/presentations/verify")
def verify_presentation():
    body = json_body()
    presentation = body.get("verifiablePresentation")
    if not isinstance(presentation, dict):
        raise ParsingError("Send the presentation as a JSON object in verifiablePresentation",
                           path="verifiablePresentation")
    options = _options(body)
    result = current_state().service.verifier.verify_presentation(
        presentation, challenge=options.get("challenge"), domain=options.get("domain"))
    return _answer(result)


@bp.get("/1.0/identifiers/<path:did>")
def resolve_identifier(did: str):
    service = current_state().service
    resolver = service.bundle.resolver if service.bundle is not None else \
        service.network.resolver
    accept = request.accept_mimetypes
    wants_document = any(accept.quality(kind) > accept.quality("application/ld+json")
                         for kind in DID_MEDIA_TYPES) and \
        accept.best_match([*DID_MEDIA_TYPES, "application/ld+json"]) in DID_MEDIA_TYPES
    try:
        resolved = resolver.resolve(did)
    except DidResolutionError as error:
        body = {"@context": RESOLUTION_CONTEXT, "didDocument": None,
                "didDocumentMetadata": {},
                "didResolutionMetadata": {"error": error.error_name, "errorMessage":
                                          error.detail}}
        response = jsonify(body)
        response.status_code = error.status if error.status in (400, 404, 410, 501) else 400
        response.mimetype = "application/ld+json"
        return response
    except PassportError as error:
        body = {"@context": RESOLUTION_CONTEXT, "didDocument": None, "didDocumentMetadata": {},
                "didResolutionMetadata": {"error": "internalError",
                                          "errorMessage": error.detail}}
        response = jsonify(body)
        response.status_code = 400
        response.mimetype = "application/ld+json"
        return response
    document = getattr(resolved, "document", resolved)
    if wants_document:
        response = jsonify(document)
        response.mimetype = "application/did+ld+json"
        return response
    response = jsonify({"@context": RESOLUTION_CONTEXT, "didDocument": document,
                        "didDocumentMetadata": {},
                        "didResolutionMetadata": {"contentType": "application/did+ld+json"}})
    response.mimetype = "application/ld+json"
    return response
