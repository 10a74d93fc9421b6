"""The training record and one credential's details, downloads and offline QR."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext

from passport_vc.qr import MAX_PAPER_VERSION, qr_matrix_version, qr_svg
from passport_web.i18n import N_, course_name

from .common import service, wallet_page

blueprint = Blueprint("record", __name__)

CHECK_LABELS = {"structure": N_("Format"), "proof": N_("Signature"),
                "issuer_binding": N_("Provider's key"), "validity": N_("Dates"),
                "status": N_("Revoked or suspended"), "schema": N_("Data")}

# The certificate page's detail names (schemas.summary keys, as the page writes them).
DETAIL_NAMES = (
    N_("Description"),
    N_("Achievement id"),
    N_("Achievement type"),
    N_("Standard"),
    N_("Refresh months"),
    N_("Ofqual number"),
    N_("Rqf level"),
    N_("Credits"),
    N_("Learning hours"),
    N_("Awarding organisation"),
    N_("Oliver mcgowan tier"),
    N_("Criteria"),
    N_("Assessment method"),
    N_("Delivery mode"),
    N_("Hours"),
    N_("Replaces"),
    N_("Renews"),
    N_("Evidence"),
)



@blueprint.get("/record")
@wallet_page("view")
def record_page(wallet):
    groups = service().record(wallet.owner_id)
    if wallet.by_helper:
        service().note_helper_view(wallet.owner_id, wallet.actor, "Looked at the training record")
    total = sum(len(group.all_entries) for group in groups)
    return render_template("wallet/record.html", groups=groups, total=total,
                           name=service().account(wallet.owner_id).name,
                           refreshers=service().reminders.due(wallet.owner_id))


@blueprint.get("/training/<credential_id>")
@wallet_page("view")
def details(wallet, credential_id: str):
    item = service().credential(wallet.owner_id, credential_id)
    if wallet.by_helper:
        service().note_helper_view(wallet.owner_id, wallet.actor,
                                   f"Looked at {item['row']['title']}")
    qr_text = service().qr_text(wallet.owner_id, credential_id)
    version = qr_matrix_version(qr_text)
    return render_template("wallet/credential.html", item=item, labels=CHECK_LABELS,
                           qr=qr_svg(qr_text, title=f"Offline QR code for "
                                     f"{item['row']['title']}"),
                           qr_fits_paper=version <= MAX_PAPER_VERSION,
                           has_vp1=item["row"]["format"] == "ldp_vc")


@blueprint.get("/training/<credential_id>/vp1")
@wallet_page("present")
def vp1(wallet, credential_id: str):
    """The VP1- (CBOR-LD) QR code, for checkers built for the Learner Credential Wallet."""
    item = service().credential(wallet.owner_id, credential_id)
    text = service().vpqr_text(wallet.owner_id, credential_id)
    qr = qr_svg(text, title=f"VP1 QR code for {item['row']['title']}") if text else None
    return render_template("wallet/vp1.html", item=item, qr=qr), 200 if qr else 404


@blueprint.get("/training/<credential_id>/download")
@wallet_page("present")
def download(wallet, credential_id: str):
    name, media_type, data = service().download(wallet.owner_id, credential_id)
    return Response(data, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.get("/training/<credential_id>/badge.<kind>")
@wallet_page("present")
def download_badge(wallet, credential_id: str, kind: str):
    name, media_type, data = service().download_badge(wallet.owner_id, credential_id, kind)
    return Response(data, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.route("/training/<credential_id>/show-some", methods=["GET", "POST"])
@wallet_page("present")
def show_some(wallet, credential_id: str):
    """An SD-JWT credential with only the details the worker ticks, for one employer."""
    import secrets

    from flask import request

    from passport_vc.errors import PassportError
    from passport_vc.qr import encode_compact

    item = service().credential(wallet.owner_id, credential_id)
    choices = service().disclosable(wallet.owner_id, credential_id)
    form = {"audience": request.form.get("audience", "").strip()[:200],
            "code": request.form.get("code", "").strip()[:64]}
    page = {"item": item, "choices": choices, "form": form, "errors": {}, "shared": None}
    if item["row"]["format"] != "dc+sd-jwt":
        page["errors"]["show"] = ("This certificate is shared whole: only SD-JWT certificates "
                                  "let you choose what to show")
        return render_template("wallet/show_some.html", **page), 400
    if request.method == "GET":
        return render_template("wallet/show_some.html", **page)
    if not form["audience"].startswith(("https://", "http://")):
        page["errors"]["audience"] = "Enter the employer's web address, starting with https://"
        return render_template("wallet/show_some.html", **page), 400
    shown = request.form.getlist("show")
    try:
        shared = service().selective_presentation(
            wallet.owner_id, credential_id, shown, audience=form["audience"],
            nonce=form["code"] or secrets.token_urlsafe(16), actor=wallet.actor)
    except PassportError as error:
        page["errors"]["show"] = error.detail
        return render_template("wallet/show_some.html", **page), 400
    labels = {name: label for name, label, _value in choices}
    page.update(shared=shared, audience=form["audience"], shown=[labels[n] for n in shown],
                qr=qr_svg(encode_compact(shared), title=f"QR code for {item['row']['title']}"))
    return render_template("wallet/show_some.html", **page)


@blueprint.post("/training/<credential_id>/check")
@wallet_page("view")
def check_one(wallet, credential_id: str):
    done = service().recheck(wallet.owner_id, credential_id)
    flash(gettext("Checked again: %(result)s.", result=gettext(done[0].verdict.label)),
          "success")
    return redirect(url_for("record.details", credential_id=credential_id))


@blueprint.post("/record/check")
@wallet_page("view")
def check_all(wallet):
    done = service().recheck(wallet.owner_id)
    flash(ngettext("Checked %(num)d training record again.",
                   "Checked %(num)d training records again.", len(done)), "success")
    return redirect(url_for("record.record_page"))


@blueprint.route("/training/<credential_id>/remove", methods=["GET", "POST"])
@wallet_page("owner")
def remove(wallet, credential_id: str):
    from flask import request

    item = service().credential(wallet.owner_id, credential_id)
    if request.method == "GET":
        return render_template("wallet/remove.html", item=item)
    service().remove_credential(wallet.owner_id, credential_id, actor=wallet.actor)
    flash(gettext("%(title)s was removed from your record.",
                  title=course_name(item["row"]["title"])), "success")
    return redirect(url_for("record.record_page"))
