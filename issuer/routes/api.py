"""Programmatic access: the provider JSON API (``/api/v1``, bearer API tokens) and the W3C VC API
conformance endpoints (``/credentials/issue``, ``/credentials/status``). Errors are
``application/problem+json`` (RFC 9457) with a plain ``detail``; malformed input is 400/422,
never a 500.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, jsonify, request, url_for

from passport_vc.errors import MalformedValueError, NotFoundError, ParsingError
from passport_web.flask import json_body, request_bytes

from .. import auth
from ..auth import service
from ..models import Record
from ..ratelimit import RateLimitedError, config, limiter, problem_response
from ..storage import digest

MAX_OFFSET = 1_000_000  # beyond any register; keeps the number inside a database integer
bp = Blueprint("api", __name__)
ISSUE_FIELDS = frozenset({"course", "subject_name", "completed", "subject_email", "holder_did",
                          "assessment_method", "delivery_mode", "hours", "evidence"})


@bp.before_request
def authenticate_and_limit():
    """Every /api/v1 request: the API token first (401 without a valid one, before anything is
    counted), then the per-token rate limit (429 with Retry-After)."""
    if not request.path.startswith("/api/v1/"):
        return
    g.api_provider = auth.api_provider()
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    settings = config()
    limiter().check("api:" + digest(token), settings.api_rate_limit,
                    settings.rate_limit_window,
                    "This API token has sent too many requests. Wait {wait} and try again.")


@bp.app_errorhandler(RateLimitedError)
def rate_limited(error: RateLimitedError):
    return problem_response(error)


def api_provider():
    """The provider this request's API token acts for (checked once, before the view)."""
    return g.get("api_provider") or auth.api_provider()


def record_json(record: Record, *, with_document: bool = True) -> dict:
    body = {
        "id": record.id, "credential_id": record.credential_id, "course": record.course_key,
        "course_title": record.course_title, "subject_name": record.subject_name,
        "subject_email": record.subject_email, "holder_did": record.holder_did,
        "completed": record.completed.isoformat(),
        "valid_until": record.valid_until.isoformat() if record.valid_until else None,
        "state": record.state, "reason": record.reason, "replaces": record.replaces,
        "replaced_by": record.replaced_by,
        "links": {"self": url_for("api.get_credential", record_id=record.id),
                  "offers": url_for("api.create_offer", record_id=record.id)},
    }
    if with_document:
        body["credential"] = record.document
    return body


def _only(body: dict, allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ParsingError(f"Unknown field {unknown[0]!r}. Allowed: {', '.join(sorted(allowed))}",
                           path=unknown[0])


@bp.post("/api/v1/credentials")
def issue_credential():
    provider = api_provider()
    body = json_body()
    _only(body, ISSUE_FIELDS)
    completed = body.get("completed")
    if not isinstance(completed, str):
        raise MalformedValueError("completed must be a date like 2026-03-27", path="completed")
    try:
        completed_date = date.fromisoformat(completed)
    except ValueError:
        raise MalformedValueError("completed must be a date like 2026-03-27",
                                  path="completed") from None
    record = service().issuance.issue(
        provider.slug, body.get("course"), subject_name=body.get("subject_name"),
        completed=completed_date, subject_email=body.get("subject_email"),
        holder_did=body.get("holder_did"), assessment_method=body.get("assessment_method"),
        delivery_mode=body.get("delivery_mode"), hours=body.get("hours"),
        evidence=body.get("evidence"), actor=f"api:{provider.slug}")
    response = jsonify(record_json(record))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_credential", record_id=record.id)
    return response


@bp.get("/api/v1/credentials")
def search_credentials():
    provider = api_provider()
    args = request.args

    def day(name: str) -> date | None:
        value = args.get(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise MalformedValueError(f"{name} must be a date like 2026-03-27",
                                      path=name) from None

    try:
        limit = min(max(int(args.get("limit", 100)), 1), 1000)
        offset = min(max(int(args.get("offset", 0)), 0), MAX_OFFSET)
    except ValueError:
        raise MalformedValueError("limit and offset must be whole numbers") from None
    found = service().register.search(provider.slug, args.get("q"), args.get("course"), day("from"),
                             day("to"), state=args.get("state"), limit=limit, offset=offset)
    return jsonify({"items": [record_json(r, with_document=False) for r in found]})


@bp.get("/api/v1/credentials/<record_id>")
def get_credential(record_id: str):
    provider = api_provider()
    return jsonify(record_json(service().register.record(record_id, provider=provider.id)))


@bp.post("/api/v1/credentials/<record_id>/<action>")
def change_state(record_id: str, action: str):
    provider = api_provider()
    if action not in ("revoke", "suspend", "reinstate"):
        raise NotFoundError("The action must be revoke, suspend or reinstate")
    body = json_body() if request_bytes() else {}
    _only(body, frozenset({"reason"}))
    method = getattr(service().status, action)
    record = method(record_id, body.get("reason"), provider=provider.id,
                    actor=f"api:{provider.slug}")
    return jsonify(record_json(record, with_document=False))


@bp.post("/api/v1/revocations")
def revoke_many():
    """Revoke up to 50,000 credentials in one all-or-nothing batch."""
    provider = api_provider()
    body = json_body()
    _only(body, frozenset({"ids", "reason"}))
    count = service().status.revoke_many(body.get("ids"), body.get("reason"),
                                         provider=provider.id, actor=f"api:{provider.slug}")
    return jsonify({"revoked": count})


@bp.post("/api/v1/credentials/<record_id>/offers")
def create_offer(record_id: str):
    provider = api_provider()
    body = json_body() if request_bytes() else {}
    _only(body, frozenset({"tx_code"}))
    with_tx_code = body.get("tx_code", False)
    if not isinstance(with_tx_code, bool):
        raise MalformedValueError("tx_code must be true or false", path="tx_code")
    offer = service().delivery.create_offer(record_id, with_tx_code=with_tx_code,
                                            provider=provider.id,
                                   actor=f"api:{provider.slug}")
    response = jsonify({"offer_id": offer.id, "offer_uri": offer.uri, "tx_code": offer.tx_code,
                        "expires_at": offer.expires_at.isoformat()})
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


# --- W3C VC API (conformance profile) ------------------------------------------------------------
def _conformance_on() -> None:
    if not service().config.conformance:
        raise NotFoundError("The VC API conformance profile is switched off on this service")


@bp.post("/credentials/issue")
def vc_api_issue():
    _conformance_on()
    body = json_body()
    response = jsonify({"verifiableCredential": service().conformance.vc_api_issue(body)})
    response.status_code = 201
    return response


@bp.post("/credentials/status")
def vc_api_status():
    _conformance_on()
    return jsonify(service().conformance.vc_api_status(json_body()))
