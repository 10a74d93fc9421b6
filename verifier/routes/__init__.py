"""Thin blueprints (ARCHITECTURE.md convention 11): read the request, call the domain, render."""

from __future__ import annotations

from flask import Flask, g

from passport_web.i18n import N_
from passport_web.signin import end_session, session_subject

from .common import current_state


def register_routes(app: Flask) -> None:
    from passport_web.flask import csrf

    from . import accounts, api, asc_wds, identifiers, oid4vp, records, scan, trust

    for module in (scan, records, asc_wds, trust, accounts):
        app.register_blueprint(module.bp)
    app.register_blueprint(oid4vp.pages)  # the employer's asking pages (HTML)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # JSON API: no cookies are used, so there is nothing to forge
    app.register_blueprint(identifiers.bp)
    csrf.exempt(identifiers.bp)  # GET only
    app.register_blueprint(oid4vp.bp)
    csrf.exempt(oid4vp.bp)  # the wallet posts its answer without cookies: nothing to forge

    @app.before_request
    def load_user() -> None:
        from passport_vc.errors import NotFoundError

        from ..accounts import get_user

        g.user = None
        user_id = session_subject()
        if user_id is not None and user_id.isascii() and user_id.isdigit():
            try:
                g.user = get_user(current_state().db, int(user_id))
            except NotFoundError:
                end_session()

    @app.context_processor
    def navigation() -> dict:
        user = g.get("user")
        items = [(N_("Check a certificate"), "/")]  # the layout translates the labels
        if user is not None:
            items += [("Staff", "/staff"), ("Training matrix", "/matrix"),
                      ("Recognised providers", "/trust")]
            if user.is_manager:
                items.append(("Team", "/team"))
            items.append(("Sign out", "/sign-out"))
        else:
            items.append(("Sign in", "/sign-in"))
        return {"navigation": items, "user": user}
