"""Signing in and out, and managers adding people to their organisation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from passport_vc.errors import AuthError, ConflictError, MalformedValueError
from passport_web.i18n import N_
from passport_web.signin import (
    begin_session,
    check_sign_in,
    end_every_session,
    end_session,
    remember_device,
)

from .. import accounts
from .common import current_state, current_user, manager_required, safe_next

bp = Blueprint("accounts", __name__)


@bp.get("/sign-in")
def sign_in():
    return render_template("verifier/sign_in.html", errors={}, values={},
                           next=safe_next(request.args.get("next")))


@bp.post("/sign-in")
def sign_in_post():
    state = current_state()
    email, password = request.form.get("email", ""), request.form.get("password", "")
    target = safe_next(request.form.get("next"))
    errors, status = {}, 400
    if not email.strip():
        errors["email"] = N_("Enter your email address")
    if not password:
        errors["password"] = N_("Enter your password")  # noqa: S105 (a message, not a secret)
    if not errors:
        try:
            user = check_sign_in(email, lambda: accounts.authenticate(
                state.db, email, password, state.service.clock))
        except AuthError as error:
            errors["email"] = error.detail
            status = 429 if error.status == 429 else 400
        else:
            begin_session(str(user.id))  # fresh and server-side: no fixation, can be ended
            return remember_device(redirect(target, 303), email)
    return render_template("verifier/sign_in.html", errors=errors, values={"email": email},
                           next=target), status


@bp.get("/sign-out")
def sign_out():
    if current_user() is None:
        return redirect(url_for("scan.index"))
    return render_template("verifier/sign_out.html")


@bp.post("/sign-out")
def sign_out_post():
    end_session()
    flash("You have signed out", "success")
    return redirect(url_for("scan.index"), 303)


@bp.post("/sign-out-everywhere")
def sign_out_everywhere():
    user = current_user()
    if user is None:
        return redirect(url_for("scan.index"), 303)
    end_every_session(str(user.id))
    flash("You have signed out on every device, including this one", "success")
    return redirect(url_for("scan.index"), 303)


@bp.get("/team")
@manager_required
def team():
    state, user = current_state(), current_user()
    return render_template("verifier/team.html", users=accounts.list_users(
        state.db, user.organisation_id), roles=accounts.ROLES, errors={}, values={})


@bp.post("/team")
@manager_required
def add_member():
    state, user = current_state(), current_user()
    form = request.form
    errors = accounts.validate_user(form.get("email", ""), form.get("name", ""),
                                    form.get("role", ""), form.get("password", ""))
    if not errors:
        try:
            accounts.add_user(state.db, organisation=user.organisation_id,
                              email=form["email"], name=form["name"], role=form["role"],
                              password=form["password"], clock=state.service.clock)
        except (ConflictError, MalformedValueError) as error:
            errors[error.path or "email"] = error.detail
    if errors:
        return render_template("verifier/team.html", users=accounts.list_users(
            state.db, user.organisation_id), roles=accounts.ROLES, errors=errors,
            values={key: form.get(key, "") for key in ("email", "name", "role")}), 400
    flash(gettext("%(name)s can now sign in", name=form["name"].strip()), "success")
    return redirect(url_for("accounts.team"), 303)
