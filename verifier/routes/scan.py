"""Scan / upload / paste, and the result page."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from passport_vc.errors import PassportError
from passport_web.i18n import N_, course_name

from ..photo import read_qr_from_photo
from ..records import list_staff, load_check, save_check, save_record
from .common import current_state, current_user, form_int, login_required, manager_required

bp = Blueprint("scan", __name__)
MAX_FILE_BYTES = 512 * 1024


CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)


def _scan_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    state = current_state()
    bundle = state.service.bundle
    return render_template("verifier/scan.html", errors=errors or {}, values=values or {},
                           bundle_note=bundle.describe() if bundle else None,
                           request_code=_request_code()), status


def _domain() -> str:
    return urlsplit(current_state().config.public_url).netloc


def _request_code() -> dict | None:
    """The check code this browser asked the worker to use, if any (OpenID4VP-style challenge
    and domain, typed by the worker into their wallet when they make the QR code)."""
    code = session.get("request_code")
    return {"challenge": code, "domain": _domain()} if isinstance(code, str) else None


@bp.get("/request")
def request_page():
    return render_template("verifier/request.html", request_code=_request_code())


@bp.post("/request")
def request_new():
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    session["request_code"] = f"{code[:4]}-{code[4:]}"
    return redirect(url_for("scan.request_page"), 303)


@bp.post("/request/stop")
def request_stop():
    session.pop("request_code", None)
    flash("You are no longer asking for a check code", "success")
    return redirect(url_for("scan.index"), 303)


@bp.get("/")
def index():
    return _scan_page()


def _given() -> tuple[str, str | bytes, str]:
    """(form field, what was given, where it came from) — exactly one way per form."""
    photo = request.files.get("photo")
    if photo is not None and photo.filename:
        state = current_state()
        data = photo.read(state.config.max_photo_bytes + 1)
        return "photo", read_qr_from_photo(data, max_bytes=state.config.max_photo_bytes,
                                           max_pixels=state.config.max_photo_pixels), "QR code"
    upload = request.files.get("credential_file")
    if upload is not None and upload.filename:
        return "credential_file", upload.read(MAX_FILE_BYTES + 1), "file"
    scanned = request.form.get("scanned", "").strip()
    if scanned:
        return "scanned", scanned, "QR code"
    payload = request.form.get("payload", "").strip()
    if payload:
        return "payload", payload, "text"
    field = request.form.get("form", "payload")
    field = field if field in ("photo", "credential_file", "payload") else "payload"
    message = {"photo": N_("Choose a photo of the QR code"),
               "credential_file": N_("Choose a certificate file")}.get(
        field, N_("Paste the link, the QR code text or the certificate"))
    raise _FieldError(field, message)


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@bp.post("/check")
def check():
    state = current_state()
    user = current_user()
    field = request.form.get("form", "payload")
    try:
        field, given, source = _given()
        if isinstance(given, bytes) and len(given) > MAX_FILE_BYTES:
            raise _FieldError(field, N_("The file is larger than 512 KB, so it is not a "
                              "certificate"))
        asked = _request_code()
        outcome = state.service.check(
            given, organisation_id=user.organisation_id if user else None, source=source,
            challenge=asked["challenge"] if asked else None,
            domain=asked["domain"] if asked else None)
    except _FieldError as error:
        return _scan_page({error.field: error.message}, status=400)
    except PassportError as error:
        field = field if field in ("photo", "credential_file", "payload") else "payload"
        values = {"payload": request.form.get("payload", "")[:4000]}
        return _scan_page({field: error.detail}, values,
                          status=422 if error.status == 422 else 400)
    if user is None:
        return render_template("verifier/result.html", outcome=outcome, check_id=None,
                               staff=[])
    check_id = save_check(state.db, user.organisation_id, user.id, outcome,
                          state.service.clock)
    return redirect(url_for("scan.result", check_id=check_id), 303)


@bp.get("/checks/<check_id>")
@login_required
def result(check_id: str):
    state = current_state()
    user = current_user()
    outcome = load_check(state.db, user.organisation_id, check_id)
    staff = list_staff(state.db, user.organisation_id) if user.is_manager else []
    return render_template("verifier/result.html", outcome=outcome, check_id=check_id,
                           staff=staff)


@bp.post("/checks/<check_id>/save")
@manager_required
def save(check_id: str):
    state = current_state()
    user = current_user()
    outcome = load_check(state.db, user.organisation_id, check_id)
    index, staff_id = form_int("credential"), form_int("staff_id")
    if index is None or not 0 <= index < len(outcome.credentials):
        flash("Choose which certificate to save")
        return redirect(url_for("scan.result", check_id=check_id), 303)
    if staff_id is None:
        flash("Choose the staff member to save the certificate to")
        return redirect(url_for("scan.result", check_id=check_id), 303)
    save_record(state.db, user.organisation_id, user.id, staff_id, outcome.credentials[index],
                state.service.clock)
    flash(gettext("Saved %(training)s to the staff member's record",
                  training=course_name(outcome.credentials[index].title)), "success")
    return redirect(url_for("records.staff_member", staff_id=staff_id), 303)
