"""Sharing: choose training → a signed presentation behind an interview QR and link (the key
only in the link's fragment, shown once), the list of links with their view logs, revoking."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from passport_vc.errors import MalformedValueError, PassportError
from passport_vc.qr import qr_svg

from .common import field_errors, service, status_of, wallet_page

blueprint = Blueprint("shares", __name__)
HOUR_CHOICES = [("1", "1 hour"), ("24", "24 hours (1 day)"), ("72", "3 days"),
                ("168", "7 days"), ("720", "30 days")]


def _choose_page(wallet, errors: dict, form: dict, status: int = 200):
    entries = service().entries(wallet.owner_id)
    return render_template("wallet/share_choose.html", entries=entries, errors=errors,
                           form=form, hour_choices=HOUR_CHOICES), status


@blueprint.get("/share")
@wallet_page("present")
def choose(wallet):
    form = {"hours": "24", "what": "all-current",
            "challenge": request.args.get("challenge", ""),
            "domain": request.args.get("domain", "")}
    return _choose_page(wallet, {}, form)


@blueprint.post("/share")
@wallet_page("present")
def make(wallet):
    form = {"what": request.form.get("what", "all-current"),
            "hours": request.form.get("hours", "24"),
            "chosen": request.form.getlist("credentials"),
            "challenge": request.form.get("challenge", ""),
            "domain": request.form.get("domain", ""), "label": request.form.get("label", "")}
    try:
        try:
            hours = int(form["hours"])
        except ValueError:
            raise MalformedValueError("Choose how long the link works", path="hours") from None
        # Ticked boxes win over "all": sharing less than meant is the safer mistake.
        chosen = form["chosen"] or ("all-current" if form["what"] == "all-current" else [])
        if form["domain"].strip() and request.form.get("confirmed") != "yes":
            return _confirm_page(wallet, form, chosen, hours)
        share = service().create_share(wallet.owner_id, chosen, hours=hours,
                                       challenge=form["challenge"] or None,
                                       domain=form["domain"] or None,
                                       label=form["label"] or None, actor=wallet.actor)
    except PassportError as error:
        return _choose_page(wallet, field_errors(error, "credentials"), form, status_of(error))
    return render_template("wallet/share_made.html", share=share,
                           qr=qr_svg(share.url, title="Interview QR code: a link to your "
                                     "shared training record"))


def _confirm_page(wallet, form: dict, chosen, hours: int):
    """Who is asking, before a share made for an employer's check code (wallet/employers.py):
    the website the worker typed, whether it is a known employer, and what will be shared."""
    from ..employers import normalise_host

    host = normalise_host(form["domain"])
    if host is None:
        raise MalformedValueError("Enter the employer's website as shown on their screen, for "
                                  "example rosewood.example", path="domain")
    entries = service().entries(wallet.owner_id)
    if chosen == "all-current":
        sharing = [entry for entry in entries if entry.current]
    else:
        sharing = [entry for entry in entries if entry.id in set(chosen)]
    if not sharing:
        raise MalformedValueError("Choose at least one training record to share",
                                  path="credentials")
    asker = service().known_employers.ask(host, proven=False)
    return render_template("wallet/share_confirm.html", form=form, asker=asker,
                           sharing=sharing, hours=hours)


@blueprint.get("/shares")
@wallet_page("present")
def list_shares(wallet):
    return render_template("wallet/shares.html", shares=service().shares(wallet.owner_id),
                           now=service().now())


@blueprint.get("/shares/<share_id>")
@wallet_page("present")
def share_detail(wallet, share_id: str):
    share, views = service().share(wallet.owner_id, share_id)
    titles = {entry.id: entry.title for entry in service().entries(wallet.owner_id)}
    return render_template("wallet/share_detail.html", share=share, views=views,
                           titles=titles, now=service().now())


@blueprint.post("/shares/<share_id>/revoke")
@wallet_page("present")
def revoke(wallet, share_id: str):
    service().revoke_share(wallet.owner_id, share_id, actor=wallet.actor)
    flash("The link has been stopped. Nobody can open it now.", "success")
    return redirect(url_for("shares.share_detail", share_id=share_id))
