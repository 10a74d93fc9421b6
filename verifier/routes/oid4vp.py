"""OpenID4VP 1.0 for the employer: ask for the worker's training with their wallet.

Two blueprints. ``pages`` (nested under the scan blueprint, so its pages sit with the other
checking pages): the asking page with the QR code and same-device link, and the "done" page the
worker's browser comes back to. ``bp`` (JSON, documented in verifier/openapi.json, no CSRF
because the wallet posts without cookies): the request object at request_uri, the direct_post
response endpoint and the status the asking page polls. The protocol rules live in
verifier/oid4vp.py; this module only reads requests and stores what happened.

Who may see a result: the browser that asked (its session lists the request's state), or, for
the page the wallet sends the worker back to, whoever holds the response code (OpenID4VP §8.2).
"""

from __future__ import annotations

import hmac
import json
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from passport_vc.errors import NotFoundError, PassportError
from passport_vc.qr import qr_svg

from .. import storage
from ..oid4vp import (
    InvalidRequest,
    PresentationRequest,
    authorization_link,
    done_address,
    new_request,
    presentations_in,
    request_object,
)
from ..records import list_staff, save_check
from ..service import CheckOutcome
from .common import current_state, current_user

pages = Blueprint("oid4vp", __name__)
bp = Blueprint("oid4vp_api", __name__)
SESSION_KEY = "oid4vp_states"
MAX_ASKED = 10
SOURCE = "the worker's wallet"
KEEP_ANSWERS = timedelta(days=1)  # after expiry: long enough to look at the result again


# --- helpers ----------------------------------------------------------------------------------
def _response_uri() -> str:
    return current_state().config.public_url + "/oid4vp/response"


def _signing():
    return current_state().config.oid4vp_signing


def _client_id() -> str:
    """The client id of every request this verifier makes (and so the answer's audience)."""
    return _signing().client_id(_response_uri())


def _request_uri(state: str) -> str:
    return current_state().config.public_url + f"/oid4vp/request/{state}"


def _now():
    return current_state().service.clock()


def _load(state: str) -> dict | None:
    with current_state().db.reading() as db_session:
        return storage.oid4vp_request(db_session, state)


def _asked_here(state: str) -> bool:
    return state in session.get(SESSION_KEY, [])


def _own(state: str) -> dict:
    """A request this browser made; anyone else's is 'not found' (no hint that it exists)."""
    row = _load(state) if _asked_here(state) else None
    if row is None:
        raise NotFoundError("This request was not found. Start a new one.")
    return row


def _outcome(row: dict) -> CheckOutcome | None:
    return CheckOutcome.from_json(json.loads(row["outcome"])) if row["outcome"] else None


def _result_url(row: dict) -> str:
    if row["check_id"] and current_user() is not None:
        return url_for("scan.result", check_id=row["check_id"])
    return url_for("oid4vp.ask", state=row["state"])


# --- pages ------------------------------------------------------------------------------------
@pages.get("/oid4vp")
def start():
    return render_template("verifier/oid4vp_start.html")


@pages.post("/oid4vp")
def create():
    state = current_state()
    user = current_user()
    asked = new_request(_now())
    with state.db.transaction() as db_session:
        storage.forget_old_oid4vp_requests(db_session, asked.created_at - KEEP_ANSWERS)
        storage.add_oid4vp_request(
            db_session, state=asked.state, nonce=asked.nonce, response_code=asked.response_code,
            organisation_id=user.organisation_id if user else None,
            user_id=user.id if user else None, created_at=asked.created_at,
            expires_at=asked.expires_at)
    session[SESSION_KEY] = [*session.get(SESSION_KEY, [])[-(MAX_ASKED - 1):], asked.state]
    return redirect(url_for("oid4vp.ask", state=asked.state), 303)


@pages.get("/oid4vp/ask/<state>")
def ask(state: str):
    row = _own(state)
    if row["answered_at"] is not None:
        if row["check_id"] and current_user() is not None:
            return redirect(url_for("scan.result", check_id=row["check_id"]), 303)
        user = current_user()
        staff = (list_staff(current_state().db, user.organisation_id)
                 if user is not None and user.is_manager else [])
        return render_template("verifier/result.html", outcome=_outcome(row), check_id=None,
                               staff=staff)
    expired = row["expires_at"] <= _now()
    link = authorization_link(_response_uri(), _request_uri(state), _client_id())
    return render_template(
        "verifier/oid4vp_ask.html", state=state, link=link, expired=expired,
        expires_at=row["expires_at"], checked=request.args.get("checked") == "1",
        signed_as=_client_id().split(":", 1)[1] if _signing().signed else None,
        qr=None if expired else qr_svg(link, title="QR code for the worker's wallet"))


@pages.get("/oid4vp/done/<state>")
def done(state: str):
    """Where the wallet sends the worker's browser after answering (same-device flow)."""
    row = _load(state)
    code = request.args.get("response_code", "")
    if row is None or row["answered_at"] is None:
        raise NotFoundError("This request was not found")
    if _asked_here(state):
        return redirect(_result_url(row), 303)
    if not hmac.compare_digest(code.encode(), row["response_code"].encode()):
        raise NotFoundError("This request was not found")
    return render_template("verifier/oid4vp_sent.html")


# --- JSON: the protocol -----------------------------------------------------------------------
@bp.url_value_preprocessor
def _refuse_nul(_endpoint, _values) -> None:
    """Runs before the app's own NUL check (which answers HTML to a caller without an Accept
    header): the wallet gets invalid_request as JSON."""
    values = [request.path, *request.args.values()]
    if request.mimetype == "application/x-www-form-urlencoded":
        values.extend(request.form.values())
    if any("\x00" in value for value in values):
        raise InvalidRequest("The request contains a NUL character, which is never valid here")


@bp.errorhandler(PassportError)
def _problem(error: PassportError):
    """Always JSON here, whatever the caller's Accept header: a wallet is reading it."""
    from passport_web.flask import problem_response

    return problem_response(error.to_problem(), error.status)


@bp.get("/oid4vp/request/<state>")
def request_object_view(state: str):
    row = _load(state)
    if row is None:
        raise NotFoundError("There is no such request")
    if row["answered_at"] is not None or row["expires_at"] <= _now():
        raise InvalidRequest("This request has already been answered or has run out. Ask the "
                             "employer to make a new one.")
    asked = PresentationRequest(row["state"], row["nonce"], row["response_code"],
                                row["created_at"], row["expires_at"])
    body = request_object(_response_uri(), asked, _client_id())
    signing = _signing()
    if signing.signed:  # §5.10.1: the signed request object, as a JWT
        response = current_app.response_class(
            signing.sign(body, _now(), asked.expires_at),
            mimetype="application/oauth-authz-req+jwt")
    else:
        response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/.well-known/did.json")
def did_document():
    """The verifier's own did:web document, when its requests are signed with that DID."""
    document = _signing().did_document
    if document is None:
        raise NotFoundError("This verifier publishes no DID document")
    response = current_app.response_class(json.dumps(document), mimetype="application/did+json")
    response.headers["Cache-Control"] = "max-age=300"
    return response


@bp.post("/oid4vp/response")
def response_endpoint():
    """OpenID4VP §8.2 direct_post: ``vp_token`` and ``state``, form-encoded."""
    service = current_state().service
    state_value = request.form.get("state", "")
    row = _load(state_value) if state_value else None
    now = _now()
    if row is None:
        raise InvalidRequest("The state does not match any request this verifier made")
    if row["answered_at"] is not None:
        raise InvalidRequest("This request has already been answered")
    if row["expires_at"] <= now:
        raise InvalidRequest("This request has run out. Ask the employer to make a new one.")
    presentations = presentations_in(request.form.get("vp_token"))
    outcomes = []
    for presentation in presentations:
        try:
            outcome = service.check(
                presentation, challenge=row["nonce"], domain=_client_id(),
                organisation_id=row["organisation_id"], source=SOURCE)
        except PassportError as error:
            raise InvalidRequest(f"A presentation could not be checked: {error.detail}") from None
        outcomes.append(_sd_jwt_answer(outcome) if isinstance(presentation, str) else outcome)
    if any(outcome.kind != "presentation" for outcome in outcomes):
        raise InvalidRequest("Each answer must be a Verifiable Presentation")
    outcome = _merge(outcomes)
    db = current_state().db
    with db.transaction() as db_session:
        if not storage.answer_oid4vp_request(db_session, row["state"], now=now,
                                             outcome=json.dumps(outcome.to_json())):
            raise InvalidRequest("This request has already been answered")
    if row["organisation_id"] is not None and row["user_id"] is not None:
        check_id = save_check(db, row["organisation_id"], row["user_id"], outcome,
                              service.clock)
        with db.transaction() as db_session:
            storage.link_oid4vp_check(db_session, row["state"], check_id)
    if not outcome.presentation_ok:
        failed = next(line for line in outcome.presentation_checks if line.ok is not True)
        raise InvalidRequest(f"The presentation failed its checks: {failed.message}")
    response = jsonify({"redirect_uri": done_address(_response_uri(), row["state"],
                                                     row["response_code"])})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/oid4vp/status/<state>")
def status(state: str):
    """Polled by the asking page (verifier/static/oid4vp.js)."""
    row = _own(state)
    answered = row["answered_at"] is not None
    response = jsonify({
        "answered": answered,
        "expired": not answered and row["expires_at"] <= _now(),
        "result_url": _result_url(row) if answered else None,
    })
    response.headers["Cache-Control"] = "no-store"
    return response


def _sd_jwt_answer(outcome: CheckOutcome) -> CheckOutcome:
    """An SD-JWT VC answers as its own presentation: its key binding (nonce, aud) is the
    presentation's check, as a holder's signature is for a Verifiable Presentation."""
    from dataclasses import replace

    from ..service import CHECK_LABELS, CheckLine

    if outcome.kind != "credential" or len(outcome.credentials) != 1:
        raise InvalidRequest("Each dc+sd-jwt answer must be one SD-JWT credential")
    binding = [line for line in outcome.credentials[0].checks if line.name == "holder_binding"]
    if not binding:
        binding = [CheckLine("holder_binding", CHECK_LABELS.get("holder_binding", "Holder"),
                             False, "The SD-JWT was not signed by the worker's wallet for this "
                             "request")]
    return replace(outcome, kind="presentation", presentation_checks=binding)


def _merge(outcomes: list[CheckOutcome]) -> CheckOutcome:
    """Several presentations answering one query are shown as one check."""
    if len(outcomes) == 1:
        return outcomes[0]
    first = outcomes[0]
    return CheckOutcome(
        first.source, "presentation", first.checked_at,
        [report for outcome in outcomes for report in outcome.credentials],
        [line for outcome in outcomes for line in outcome.presentation_checks],
        first.holder, first.bundle_note,
        [note for outcome in outcomes for note in outcome.notes])
