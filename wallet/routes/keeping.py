"""Keeping the record: the printable paper passport, the encrypted backup and restore, and the
download of every credential as plain files."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from passport_vc.errors import MalformedValueError, PassportError
from passport_web.i18n import course_name, format_day, html_lang

from .common import field_errors, service, status_of, wallet_page

blueprint = Blueprint("keeping", __name__)
MAX_BACKUP_UPLOAD = 16 * 1024 * 1024


def _attachment(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@blueprint.get("/paper")
@wallet_page("present")
def paper(wallet):
    return render_template("wallet/paper.html", count=len(service().entries(wallet.owner_id)))


@blueprint.get("/paper/skills-passport.pdf")
@wallet_page("present")
def paper_pdf(wallet):
    from ..paper import PaperWords

    words = PaperWords(text=gettext, day=lambda value: format_day(value) or "-",
                       course=course_name, language=html_lang())
    data = service().paper_passport_pdf(wallet.owner_id, actor=wallet.actor, words=words)
    return _attachment(data, "application/pdf", "skills-passport.pdf")


@blueprint.get("/export.zip")
@wallet_page("present")
def export_zip(wallet):
    return _attachment(service().export_folder_zip(wallet.owner_id, actor=wallet.actor),
                       "application/zip", "skills-passport-files.zip")


@blueprint.get("/backup")
@wallet_page("owner")
def backup_page(wallet):
    empty = not service().entries(wallet.owner_id)
    return render_template("wallet/backup.html", errors={}, empty=empty)


@blueprint.post("/backup")
@wallet_page("owner")
def make_backup(wallet):
    passphrase = request.form.get("passphrase", "")
    if passphrase != request.form.get("passphrase_again", ""):
        return render_template("wallet/backup.html", empty=False, errors={
            "passphrase_again": "The two passphrases are not the same"}), 400
    try:
        data = service().backup(wallet.owner_id, passphrase)
    except PassportError as error:
        return render_template("wallet/backup.html", empty=False,
                               errors=field_errors(error, "passphrase")), status_of(error)
    return _attachment(data, "application/json", "skills-passport-backup.json")


@blueprint.post("/restore")
@wallet_page("owner")
def restore(wallet):
    upload = request.files.get("backup")
    try:
        if upload is None or not upload.filename:
            raise MalformedValueError("Choose your backup file", path="backup")
        data = upload.read(MAX_BACKUP_UPLOAD + 1)
        if len(data) > MAX_BACKUP_UPLOAD:
            raise MalformedValueError("This file is too large to be a backup", path="backup")
        count = service().restore(wallet.owner_id, data, request.form.get("restore_passphrase",
                                                                          ""))
    except PassportError as error:
        errors = field_errors(error, "backup")
        if error.path == "passphrase" or error.status == 422 and "passphrase" in error.detail:
            errors = {"restore_passphrase": error.detail}
        return render_template("wallet/backup.html", empty=True, errors=errors), \
            status_of(error)
    flash(ngettext("Your backup is restored: %(num)d training record and your wallet key.",
                   "Your backup is restored: %(num)d training records and your wallet key.",
                   count), "success")
    return redirect(url_for("record.record_page"))
