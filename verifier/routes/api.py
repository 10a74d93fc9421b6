"""W3C VC API verifier endpoints (VC API / VCALM; STANDARDS.md "VC API contract"). The DID
Resolution HTTPS binding is in ``identifiers``.

``POST /credentials/verify`` and ``POST /presentations/verify`` answer 200 with
``{verified: true, checks, warnings, errors}`` or 400 with ``verified: false``; a malformed call
is a problem+json 400 (never a 500), raised as ParsingError and turned into problem details by
passport_web.flask.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from passport_vc.envelope import is_enveloped, open_envelope
from passport_vc.errors import ParsingError
from passport_vc.proofs.vc_sd_jwt import kind_of
from passport_vc.result import VerificationResult
from passport_web.flask import json_body

from .common import current_state

bp = Blueprint("api", __name__)


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


def _credential(value: object) -> tuple[dict, dict | str | None]:
    """VC API: a credential object or an EnvelopedVerifiableCredential, never text (a JSON
    string that happens to parse is not a credential object). Also what an envelope holds."""
    if isinstance(value, dict):
        if is_enveloped(value):  # a bad data: URL is a 400
            return value, open_envelope(value, path="verifiableCredential.id")
        return value, None
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
    credential, inside = _credential(body["verifiableCredential"])
    options = _options(body)
    verifier = current_state().service.verifier
    if isinstance(inside, str) and "~" in inside and kind_of(inside) is None:
        # An SD-JWT VC: challenge/domain are what its key binding must answer (nonce, aud).
        # (A VC-JOSE-COSE vc+sd-jwt is a W3C credential: checked like the others below.)
        return _answer(verifier.verify_sd_jwt_vc(inside, nonce=options.get("challenge"),
                                                 audience=options.get("domain")))
    # json_body() read it with parse_json: bounded and checked once, not walked again.
    return _answer(verifier.verify_credential(credential, parsed=True))


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
