"""The worker's choice of e-mail refresher reminders (wallet/reminders.py): address, on or off."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from passport_vc.errors import MalformedValueError, PassportError
from passport_web.reminders import days_text

from .common import field_errors, service, status_of, wallet_page

blueprint = Blueprint("reminders", __name__)


@blueprint.route("/account/reminders", methods=["GET", "POST"])
@wallet_page("owner")
def settings(wallet):
    reminders = service().reminders
    if request.method == "GET":
        form = reminders.settings(wallet.owner_id)
        form["reminders"] = "on" if form["reminders"] and form["email"] else "off"
        return render_template("wallet/reminders.html", form=form, errors={},
                               days=days_text(service().config.reminder_days))
    form = {"email": request.form.get("email", "")[:400],
            "reminders": request.form.get("reminders", "")}
    try:
        if form["reminders"] not in ("on", "off"):
            raise MalformedValueError("Choose if you want email reminders", path="reminders")
        reminders.choose(wallet.owner_id, form["email"], form["reminders"] == "on")
    except PassportError as error:
        return render_template("wallet/reminders.html", form=form,
                               errors=field_errors(error, "email"),
                               days=days_text(service().config.reminder_days)), status_of(error)
    if form["reminders"] == "on":
        flash("We will email you before your training runs out.", "success")
    else:
        flash("We will not email you reminders.", "success")
    return redirect(url_for("accounts.account_page"))

