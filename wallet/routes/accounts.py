"""Sign up, sign in, sign out, recovery codes, the account page (WCAG 2.2 SC 3.3.8: paste and
password managers work — ``autocomplete`` attributes, no blocked paste; show-password toggle)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from passport_vc.errors import PassportError
from passport_web.i18n import N_
from passport_web.signin import check_sign_in, end_every_session, end_session, remember_device
from passport_web.signin import safe_next as safe_local_next

from .common import (
    current_account_id,
    field_errors,
    service,
    sign_in_session,
    status_of,
    wallet_page,
)

blueprint = Blueprint("accounts", __name__)


def safe_next(value: str | None) -> str:
    """Only a path on this site (no open redirect): passport_web.signin.safe_next."""
    return safe_local_next(value, url_for("record.record_page"))


@blueprint.get("/")
def start():
    if current_account_id():
        return redirect(url_for("record.record_page"))
    return render_template("wallet/start.html")


@blueprint.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    if request.method == "GET":
        return render_template("wallet/sign_up.html", errors={}, form={})
    form = {name: request.form.get(name, "") for name in ("name", "login")}
    password = request.form.get("password", "")
    try:
        account = service().create_account(form["login"], password, form["name"])
    except PassportError as error:
        return render_template("wallet/sign_up.html", errors=field_errors(error, "login"),
                               form=form), status_of(error)
    sign_in_session(account.id)
    return render_template("wallet/recovery_codes.html", codes=account.recovery_codes,
                           new_account=True)


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_page = request.values.get("next", "")
    if request.method == "GET":
        return render_template("wallet/sign_in.html", errors={}, form={}, next=next_page)
    login = request.form.get("login", "")
    password = request.form.get("password", "")
    try:
        account = check_sign_in(login, lambda: service().authenticate(login, password))
    except PassportError as error:
        return render_template("wallet/sign_in.html", errors={"login": error.detail},
                               form={"login": login}, next=next_page), status_of(error)
    sign_in_session(account.id)
    return remember_device(redirect(safe_next(next_page)), login)


@blueprint.post("/sign-out")
def sign_out():
    end_session()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@blueprint.post("/sign-out-everywhere")
@wallet_page("owner")
def sign_out_everywhere(wallet):
    end_every_session(wallet.owner_id)
    flash("You have signed out on every device, including this one.", "success")
    return redirect(url_for("accounts.sign_in"))


@blueprint.route("/recover", methods=["GET", "POST"])
def recover():
    if request.method == "GET":
        return render_template("wallet/recover.html", errors={}, form={})
    form = {"login": request.form.get("login", ""), "code": request.form.get("code", "")}
    try:
        account = check_sign_in(form["login"], lambda: service().recover(
            form["login"], form["code"], request.form.get("password", "")))
    except PassportError as error:
        return render_template("wallet/recover.html", errors=field_errors(error, "code"),
                               form=form), status_of(error)
    end_every_session(account.id)  # a new password: whoever had the old one is signed out
    sign_in_session(account.id)
    flash("Your new password is set. Each recovery code works only once. You have been "
          "signed out on every other device.", "success")
    return redirect(url_for("record.record_page"))


@blueprint.get("/account")
@wallet_page("owner")
def account_page(wallet):
    account = service().account(wallet.owner_id)
    return render_template("wallet/account.html", account=account,
                           unused_codes=service().unused_recovery_codes(wallet.owner_id),
                           helping=service().helping(wallet.owner_id),
                           reminders=service().reminders.settings(wallet.owner_id))


@blueprint.post("/account/recovery-codes")
@wallet_page("owner")
def new_codes(wallet):
    codes = service().replace_recovery_codes(wallet.owner_id)
    return render_template("wallet/recovery_codes.html", codes=codes, new_account=False)


@blueprint.get("/activity")
@wallet_page("owner")
def activity(wallet):
    return render_template("wallet/activity.html", events=service().activity(wallet.owner_id),
                           labels=ACTIVITY_LABELS)


ACTIVITY_LABELS = {
    "account-created": N_("made the account"),
    "recovered": N_("signed in with a recovery code"),
    "recovery-codes": N_("made new recovery codes"), "credential-added": N_("added"),
    "credential-removed": N_("removed"), "share-created": N_("shared"),
    "share-revoked": N_("stopped a link"),
    "paper-printed": N_("printed a paper copy"), "exported": N_("downloaded the files"),
    "backup-made": N_("made a backup"), "restored": N_("restored a backup"),
    "helper-added": N_("let someone help"), "helper-removed": N_("stopped a helper"),
    "helper-viewed": N_("looked at the record"), "passkey-added": N_("added a passkey"),
    "passkey-removed": N_("removed a passkey"), "passkey-sign-in": N_("signed in with a passkey"),
    "passkey-refused": N_("a passkey was refused (it may have been copied)"),
    "shared": N_("shared"), "reminders": N_("changed email reminders")}
