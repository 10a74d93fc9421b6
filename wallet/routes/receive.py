"""Adding training: an offer link (OpenID4VCI), a file, a photo of a QR code, or pasted text.
Everything is verified before it is stored (WalletService.add_credential)."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from passport_vc.baking import baked_credential
from passport_vc.errors import MalformedValueError, PassportError
from passport_web.i18n import N_, course_name

from ..offers import TxCodeRequired
from .common import service, status_of, wallet_page

blueprint = Blueprint("receive", __name__)
MAX_UPLOAD = 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000


def _added(stored: list) -> None:
    for item in stored:
        if item.duplicate:
            flash(gettext("You already have %(title)s in your record, so it was not added "
                          "again.", title=course_name(item.title)), "info")
        elif item.verdict.state in ("valid", "due-soon", "status-unknown"):
            flash(gettext("%(title)s was added to your record.", title=course_name(item.title)),
                  "success")
        else:
            flash(gettext("%(title)s was added, but it is %(state)s: %(detail)s",
                          title=course_name(item.title),
                          state=gettext(item.verdict.label).lower(),
                          detail=item.verdict.message), "info")


def _page(errors: dict, form: dict, status: int = 200, *, need_code: str | None = None):
    """The add page; ``need_code`` (not None) asks for an offer's transaction code instead."""
    return render_template("wallet/add.html", errors=errors, form=form,
                           need_code=need_code), status


@blueprint.get("/add")
@wallet_page("receive")
def add_page(wallet):
    offer = request.args.get("offer", "")
    return _page({}, {"offer": offer})


@blueprint.post("/add/offer")
@wallet_page("receive")
def add_offer(wallet):
    offer = request.form.get("offer", "").strip()
    tx_code = request.form.get("tx_code", "").strip() or None
    if not offer:
        return _page({"offer": N_("Paste the offer link from your training provider")},
                     {"offer": offer}, 400)
    try:
        stored = service().accept_offer(wallet.owner_id, offer, tx_code, actor=wallet.actor)
    except TxCodeRequired as error:
        errors = {"tx_code": N_("Enter the code")} if tx_code is None and request.form.get(
            "asked_code") else {}
        return _page(errors, {"offer": offer}, 400 if errors else 200, need_code=error.detail)
    except PassportError as error:
        field = "tx_code" if tx_code and error.extra.get("oauth_error") in (
            "invalid_grant", "invalid_tx_code") else "offer"
        return _page({field: error.detail}, {"offer": offer}, status_of(error),
                     need_code="" if field == "tx_code" else None)
    _added(stored)
    return redirect(url_for("record.record_page"))


@blueprint.post("/add/text")
@wallet_page("receive")
def add_text(wallet):
    text = request.form.get("text", "")
    if not text.strip():
        return _page({"text": N_("Paste the certificate text or the offer link")}, {}, 400)
    try:
        stored = service().receive_text(wallet.owner_id, text, source="paste",
                                        actor=wallet.actor)
    except TxCodeRequired as error:
        return _page({}, {"offer": text.strip()}, 200, need_code=error.detail)
    except PassportError as error:
        return _page({"text": error.detail}, {"text": text}, status_of(error))
    _added(stored)
    return redirect(url_for("record.record_page"))


@blueprint.post("/add/file")
@wallet_page("receive")
def add_file(wallet):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page({"file": N_("Choose a certificate file (.json or .jwt)")}, {}, 400)
    data = upload.read(MAX_UPLOAD + 1)
    try:
        if len(data) > MAX_UPLOAD:
            raise MalformedValueError("The file is larger than 1 MB, so it is not a certificate")
        baked = baked_credential(data)  # an Open Badges 2.0 or 3.0 badge baked into its image
        if baked is not None:
            stored = [service().add_credential(wallet.owner_id, baked, source="upload",
                                               actor=wallet.actor)]
            _added(stored)
            return redirect(url_for("record.record_page"))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MalformedValueError("This file is not a certificate file. If it is a photo "
                                      "of a QR code, use 'Upload a photo of a QR code'.") from None
        stored = [service().add_credential(wallet.owner_id, text, source="upload",
                                           actor=wallet.actor)]
    except PassportError as error:
        return _page({"file": error.detail}, {}, status_of(error))
    _added(stored)
    return redirect(url_for("record.record_page"))


@blueprint.post("/add/photo")
@wallet_page("receive")
def add_photo(wallet):
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return _page({"photo": N_("Choose a photo of the QR code")}, {}, 400)
    try:
        text = _decode_qr_photo(upload.read(2 * 1024 * 1024))
        stored = service().receive_text(wallet.owner_id, text, source="qr", actor=wallet.actor)
    except TxCodeRequired as error:
        return _page({}, {"offer": text}, 200, need_code=error.detail)
    except PassportError as error:
        return _page({"photo": error.detail}, {}, status_of(error))
    _added(stored)
    return redirect(url_for("record.record_page"))


def _decode_qr_photo(data: bytes) -> str:
    """The text of the first QR code in a photo (zxing-cpp, the decoder QR.md measured best)."""
    import zxingcpp
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise MalformedValueError("This file is not a photo this service can read. Use a JPEG "
                                  "or PNG photo.") from None
    image.thumbnail((2400, 2400))
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    if not found:
        raise MalformedValueError("No QR code was found in this photo. Take the photo again "
                                  "closer, in good light, with the whole code showing.")
    return found[0].text
