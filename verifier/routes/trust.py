"""The list of recognised training providers: the deployment's file plus the employer's own."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from passport_vc.errors import ConflictError, MalformedValueError
from passport_vc.trust import RECOGNITIONS

from .. import trust_entries
from .common import current_state, current_user, login_required, manager_required

bp = Blueprint("trust", __name__)


def _page(errors: dict, values: dict, status: int = 200):
    state, user = current_state(), current_user()
    configured = sorted(state.service.trust.entries.values(), key=lambda entry: entry.name)
    local = trust_entries.local_trust_entries(state.db, user.organisation_id)
    return render_template("verifier/trust.html", configured=configured, local=local,
                           recognitions=RECOGNITIONS, errors=errors, values=values,
                           now=state.service.clock()), status


@bp.get("/trust")
@login_required
def trust_list():
    return _page({}, {})


@bp.post("/trust")
@manager_required
def add_entry():
    state, user = current_state(), current_user()
    try:
        trust_entries.add_trust_entry(state.db, user.organisation_id, user.id,
                                did=request.form.get("did", ""),
                                name=request.form.get("name", ""),
                                recognised_for=request.form.get("recognised_for", ""),
                                note=request.form.get("note", ""), clock=state.service.clock)
    except (MalformedValueError, ConflictError) as error:
        return _page({error.path or "did": error.detail}, request.form, 400)
    flash(gettext("%(name)s is now on your list", name=request.form.get("name", "").strip()),
          "success")
    return redirect(url_for("trust.trust_list"), 303)


@bp.post("/trust/remove")
@manager_required
def remove_entry():
    state, user = current_state(), current_user()
    trust_entries.remove_trust_entry(state.db, user.organisation_id, request.form.get("did", ""))
    flash("The provider was removed from your list", "success")
    return redirect(url_for("trust.trust_list"), 303)
