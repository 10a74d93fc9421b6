"""The one public address: ``/s/<id>``, where a share link points.

With ``Accept: application/json`` it returns the encrypted envelope (passport_vc/share_links.py)
for a checker to open with the key from the link's fragment; a person opening it in a browser
gets a page that explains what it is. 404 once the link expired or was stopped. Every fetch is
logged for the worker (time only: nothing about who looked).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .common import service

blueprint = Blueprint("public", __name__)


def _wants_envelope() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.args.get("format") == "json"


@blueprint.get("/s/<share_id>")
def shared(share_id: str):
    if _wants_envelope():
        response = jsonify(service().shared_envelope(share_id, how="data"))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Access-Control-Allow-Origin"] = "*"  # ciphertext only; no cookies
        response.headers["Vary"] = "Accept"
        return response
    if not service().share_is_live(share_id):
        return render_template("wallet/shared_gone.html"), 404
    service().shared_envelope(share_id, how="page")
    response = render_template("wallet/shared_public.html")
    return response, 200, {"Vary": "Accept"}
