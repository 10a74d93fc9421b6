"""Answering an employer's request (OpenID4VP 1.0, wallet/oid4vp.py): paste or scan the
``openid4vp://`` link, see who asks and for what, choose the training, send.

The validated request is kept in the session between "who asks" and "Send", so what is sent
answers exactly the request the worker saw. Redirects after sending go only to the verifier's
own host (wallet/oid4vp.py ``safe_redirect``), offered as a link on the "sent" page.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, session

from passport_vc.errors import PassportError
from passport_web.i18n import N_

from ..oid4vp import VpRequest, answer_request, asker_of, read_request
from .common import service, status_of, wallet_page

blueprint = Blueprint("oid4vp", __name__)
SESSION_KEY = "oid4vp_request"


def _paste_page(errors: dict, text: str = "", status: int = 200):
    return render_template("wallet/oid4vp_paste.html", errors=errors,
                           form={"request": text}), status


def _answerable(entry, asked: VpRequest) -> bool:
    """What this request can carry: SD-JWT certificates only if it asks for them, the others
    only if it asks for W3C credentials; older-format badges never (they are not signed)."""
    if entry.format == "dc+sd-jwt":
        return asked.sd_query_id is not None
    return bool(asked.query_id) and entry.format != "ob2"


def _consent_page(wallet, asked: VpRequest, errors: dict, chosen: list[str] | None = None,
                  status: int = 200):
    from passport_vc.sd_jwt_vc import CLAIM_LABELS, SELECTIVE

    groups = service().record(wallet.owner_id)
    entries = [entry for group in groups for entry in group.all_entries
               if _answerable(entry, asked)]
    # Ticked to start with: the current credential of each training, not also the one a
    # renewal took over from (wallet/lines.py).
    ticked = set(chosen) if chosen is not None else {
        entry.id for group in groups for entry in group.entries
        if entry.current and _answerable(entry, asked)}
    labels = dict(CLAIM_LABELS)
    details = [(name, labels[name]) for name in SELECTIVE] \
        if any(entry.format == "dc+sd-jwt" for entry in entries) else []
    return render_template("wallet/oid4vp_consent.html", asked=asked, entries=entries,
                           ticked=ticked, errors=errors, details=details,
                           asker=asker_of(asked, service())), status


@blueprint.get("/answer")
@wallet_page("present")
def paste(wallet):
    return _paste_page({}, request.args.get("request", "")[:8192])


@blueprint.post("/answer")
@wallet_page("present")
def read(wallet):
    text = request.form.get("request", "").strip()
    if not text:
        return _paste_page({"request": N_("Paste the employer's request. It starts with "
                                          "openid4vp://")}, text, 400)
    try:
        asked = read_request(service(), text)
    except PassportError as error:
        return _paste_page({"request": error.detail}, text, status_of(error))
    session[SESSION_KEY] = asked.to_json()
    return _consent_page(wallet, asked, {})


@blueprint.post("/answer/send")
@wallet_page("present")
def send(wallet):
    try:
        asked = VpRequest.from_json(session.get(SESSION_KEY))
    except PassportError as error:
        return _paste_page({"request": error.detail}, "", 400)
    chosen = request.form.getlist("credentials")
    if not chosen:
        return _consent_page(wallet, asked, {"credentials": N_("Choose at least one training "
                                                              "record to send")}, [], 400)
    try:
        answered = answer_request(service(), wallet.owner_id, asked, chosen, actor=wallet.actor,
                                  show=request.form.getlist("show"))
    except PassportError as error:
        return _consent_page(wallet, asked, {"credentials": error.detail}, chosen,
                             status_of(error))
    session.pop(SESSION_KEY, None)
    # A link back, not a redirect: the wallet's CSP (form-action 'self') rightly stops a form
    # post from being redirected to another site.
    return render_template("wallet/oid4vp_sent.html", answered=answered)
