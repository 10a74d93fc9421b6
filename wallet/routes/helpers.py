"""Helpers: a worker lets a manager, assessor or advice worker (with their own account) receive
or share training for them, for a limited time; the helper switches into that worker's wallet.
Everything a helper does is written to the worker's activity log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from passport_vc.errors import MalformedValueError, NotFoundError, PassportError
from passport_web.i18n import format_day

from ..service import SCOPES
from .common import current_account_id, field_errors, service, status_of, wallet_page

blueprint = Blueprint("helpers", __name__)
DAY_CHOICES = [("1", "1 day"), ("7", "1 week"), ("30", "30 days"), ("90", "90 days"),
               ("365", "1 year")]


def _page(wallet, errors: dict, form: dict, status: int = 200):
    return render_template("wallet/helpers.html", grants=service().helpers_of(wallet.owner_id),
                           errors=errors, form=form, scopes=list(SCOPES.items()),
                           day_choices=DAY_CHOICES), status


@blueprint.get("/helpers")
@wallet_page("owner")
def helpers_page(wallet):
    return _page(wallet, {}, {"scope": "both", "days": "30"})


@blueprint.post("/helpers")
@wallet_page("owner")
def add_helper(wallet):
    form = {name: request.form.get(name, "") for name in ("helper", "scope", "days")}
    try:
        if not form["helper"].strip():
            raise MalformedValueError("Enter your helper's email address or user name",
                                      path="helper")
        try:
            days = int(form["days"])
        except ValueError:
            raise MalformedValueError("Choose for how long", path="days") from None
        grant = service().authorise_helper(wallet.owner_id, form["helper"], scope=form["scope"],
                                           days=days)
    except PassportError as error:
        return _page(wallet, field_errors(error, "helper"), form, status_of(error))
    flash(gettext("%(name)s can now help you until %(date)s.", name=grant["helper_name"],
                  date=format_day(grant["expires_at"])), "success")
    return redirect(url_for("helpers.helpers_page"))


@blueprint.post("/helpers/<grant_id>/revoke")
@wallet_page("owner")
def revoke_helper(wallet, grant_id: str):
    service().revoke_helper(wallet.owner_id, grant_id)
    flash("Your helper can no longer use your record.", "success")
    return redirect(url_for("helpers.helpers_page"))


@blueprint.get("/helping")
def helping():
    me = current_account_id()
    if not me:
        return redirect(url_for("accounts.sign_in", next=request.path))
    return render_template("wallet/helping.html", grants=service().helping(me))


@blueprint.post("/helping/<worker_id>")
def start_helping(worker_id: str):
    me = current_account_id()
    if not me:
        return redirect(url_for("accounts.sign_in"))
    actor = service().act_for(me, worker_id, "view")  # 404 unless a live grant exists
    session["acting_for"] = worker_id
    service().note_helper_view(worker_id, actor, "Started helping")
    flash(gettext("You are now helping %(name)s.", name=service().account(worker_id).name),
          "success")
    return redirect(url_for("record.record_page"))


@blueprint.post("/helping/stop")
def stop_helping():
    if not current_account_id():
        return redirect(url_for("accounts.sign_in"))
    if session.pop("acting_for", None) is None:
        raise NotFoundError("You are not helping anyone at the moment")
    flash("You are back in your own record.", "success")
    return redirect(url_for("record.record_page"))
