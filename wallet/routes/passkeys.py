"""Passkeys (W3C Web Authentication Level 3) as another way to sign in to the wallet.

JSON endpoints for the page script (wallet/static/wallet/passkeys.js), documented in
wallet/openapi.json; each POST carries the CSRF token in the ``X-CSRFToken`` header (read from
the page's ``<meta name="csrf-token">``), which Flask-WTF checks like a form field:

- ``POST /passkeys/add/options`` and ``POST /passkeys/add`` — a signed-in worker adds a passkey;
- ``POST /passkeys/sign-in/options`` and ``POST /passkeys/sign-in`` — sign in with one.

Removing one is an ordinary page (``/passkeys/<id>/remove``): it works without JavaScript and
asks for the password unless the worker signed in within the last ten minutes. The ceremony
logic lives in wallet/passkeys.py; the session holds only the id of the pending challenge.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from passport_vc.clock import format_datetime, parse_datetime
from passport_vc.errors import AuthError, MalformedValueError, PassportError
from passport_web.flask import (
    handle_csrf_error,
    handle_http_error,
    handle_passport_error,
    json_body,
    problem_response,
)

from ..passkeys import PasskeyService
from .accounts import safe_next
from .common import current_account_id, open_wallet, service, sign_in_session, wallet_page

blueprint = Blueprint("passkeys", __name__)

ADD_CEREMONY = "passkey_add"
SIGN_IN_CEREMONY = "passkey_sign_in"
SIGNED_IN_AT = "signed_in_at"  # when this session signed in (RFC 3339); "recent sign-in"
JSON_ENDPOINTS = frozenset({"passkeys.add_options", "passkeys.add", "passkeys.sign_in_options",
                            "passkeys.sign_in"})


@blueprint.record_once
def _make_service(state) -> None:
    wallet = state.app.extensions["wallet"]
    state.app.extensions["wallet_passkeys"] = PasskeyService(
        wallet.db, wallet.config, check_password=wallet.authenticate)


# The JSON endpoints answer every error as problem+json, even when the caller sent no JSON
# content type or Accept header (the shared handlers would show an HTML page then).
@blueprint.errorhandler(PassportError)
def _passport_error(error: PassportError):
    if request.endpoint not in JSON_ENDPOINTS:
        return handle_passport_error(error)
    problem = error.to_problem()
    return problem_response(problem, int(problem.get("status", 400)))


@blueprint.errorhandler(CSRFError)
def _csrf_error(error: CSRFError):
    if request.endpoint not in JSON_ENDPOINTS:
        return handle_csrf_error(error)
    return problem_response({"type": "about:blank", "title": "Form expired", "status": 400,
                             "detail": "The page had expired or the request did not come from "
                                       "this site. Reload the page and try again."}, 400)


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if request.endpoint not in JSON_ENDPOINTS:
        return handle_http_error(error)
    status = error.code or 500
    detail = {413: "What you sent is too large."}.get(status, "The request could not be used. "
                                                              "Reload the page and try again.")
    return problem_response({"type": "about:blank", "title": error.name, "status": status,
                             "detail": detail}, status)


def passkeys() -> PasskeyService:
    return current_app.extensions["wallet_passkeys"]


@blueprint.app_context_processor
def _passkey_values() -> dict:
    """``signed_in_passkeys()`` for the account page (called only where it is shown)."""

    def signed_in_passkeys():
        account_id = current_account_id()
        return passkeys().passkeys(account_id) if account_id else []
    return {"signed_in_passkeys": signed_in_passkeys}


def _owner() -> str:
    """The signed-in worker, acting for themselves (a helper cannot add passkeys for others)."""
    if not current_account_id():
        raise AuthError("Sign in first, then add a passkey from the Your account page.")
    return open_wallet("owner").owner_id


def _signed_in_at():
    value = session.get(SIGNED_IN_AT)
    try:
        return parse_datetime(value) if value else None
    except MalformedValueError:
        return None


def _text(body: dict, name: str, limit: int = 2000) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise MalformedValueError(f"{name} must be text of {limit} characters or fewer",
                                  path=name)
    return value


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# --- adding a passkey -----------------------------------------------------------------------
@blueprint.post("/passkeys/add/options")
def add_options():
    ceremony = passkeys().add_options(_owner())
    session[ADD_CEREMONY] = ceremony.id
    return _no_store(jsonify({"publicKey": ceremony.options}))


@blueprint.post("/passkeys/add")
def add():
    account_id = _owner()
    body = json_body()
    name = _text(body, "name", 200)
    passkey = passkeys().finish_add(account_id, session.pop(ADD_CEREMONY, None),
                                    body.get("credential"), name)
    flash(gettext("Passkey added: %(name)s. You can now use it to sign in.", name=passkey.name),
          "success")
    response = jsonify({"id": passkey.id, "name": passkey.name,
                        "createdAt": format_datetime(passkey.created_at)})
    response.status_code = 201
    return _no_store(response)


# --- signing in -----------------------------------------------------------------------------
@blueprint.post("/passkeys/sign-in/options")
def sign_in_options():
    ceremony = passkeys().sign_in_options()
    session[SIGN_IN_CEREMONY] = ceremony.id
    return _no_store(jsonify({"publicKey": ceremony.options}))


@blueprint.post("/passkeys/sign-in")
def sign_in():
    body = json_body()
    next_page = safe_next(_text(body, "next"))
    account_id = passkeys().finish_sign_in(session.pop(SIGN_IN_CEREMONY, None),
                                           body.get("credential"))
    sign_in_session(account_id)  # a new session: nothing from before signing in carries over
    session[SIGNED_IN_AT] = format_datetime(service().now())
    return _no_store(jsonify({"signedIn": True, "next": next_page}))


# --- removing (a page: works without JavaScript) --------------------------------------------
@blueprint.route("/passkeys/<passkey_id>/remove", methods=["GET", "POST"])
@wallet_page("owner")
def remove(wallet, passkey_id: str):
    passkey = passkeys().passkey(wallet.owner_id, passkey_id)
    needs_password = passkeys().needs_password(_signed_in_at())
    if request.method == "GET":
        return render_template("wallet/passkey_remove.html", passkey=passkey,
                               needs_password=needs_password, errors={})
    try:
        passkeys().remove(wallet.owner_id, passkey_id, password=request.form.get("password"),
                          signed_in_at=_signed_in_at())
    except PassportError as error:
        if error.path != "password" and error.status != 429:
            raise
        status = int(error.to_problem().get("status", 400))
        return render_template("wallet/passkey_remove.html", passkey=passkey,
                               needs_password=True, errors={"password": error.detail}), status
    flash(gettext("Passkey removed: %(name)s. It can no longer be used to sign in.",
                  name=passkey.name), "success")
    return redirect(url_for("accounts.account_page"))
