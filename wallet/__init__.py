"""The wallet service: care workers hold, view, share and keep their training record.

``create_app(config)`` builds the Flask app (ARCHITECTURE.md convention 10). Domain logic lives
in ``service.WalletService`` (no Flask); the blueprints in ``routes/`` stay thin.
"""

from __future__ import annotations

from flask import Flask, g

from passport_web.flask import add_health_check, init_app
from passport_web.i18n import N_
from passport_web.openapi import serve_openapi
from passport_web.pdf_font import require_pdf_font
from passport_web.signin import init_sign_in
from passport_web.sql import Database

from .config import WalletConfig
from .service import WalletService
from .storage import metadata, sessions, sign_in_attempts

# Labels marked for translation (passport_web.i18n); the layout shows them in the page's language.
NAVIGATION_SIGNED_IN = [(N_("Your training record"), "/record"), (N_("Add training"), "/add"),
                        (N_("Share"), "/share"), (N_("Print"), "/paper"),
                        (N_("Your account"), "/account")]
NAVIGATION_SIGNED_OUT = [(N_("Sign in"), "/sign-in"), (N_("Create an account"), "/sign-up")]


def create_app(config: WalletConfig | None = None, *, network=None) -> Flask:
    from passport_web.heap import settle as settle_heap
    config = config or WalletConfig.from_env()
    require_pdf_font()  # the paper passport is a PDF: refuse to start without its font
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(SECRET_KEY=config.secret_key, TRUST_PROXY=config.trust_proxy,
                      TESTING=config.testing,
                      SESSION_COOKIE_NAME="wallet_session",
                      SESSION_COOKIE_SECURE=config.public_url.startswith("https://"))
    init_app(app, service_name="Skills Passport wallet", service_url="/",
             navigation=NAVIGATION_SIGNED_OUT, welsh=True)
    serve_openapi(app, __name__)
    if network is None:
        from passport_web.network import Network

        network = Network(config.network, clock=config.clock)
    db = Database(config.database_url, metadata)
    db.upgrade("wallet")
    service = WalletService(db, config, network)
    init_sign_in(app, db, sessions=sessions, attempts=sign_in_attempts, clock=config.clock)
    app.extensions["wallet"] = service
    add_health_check(app, "database", lambda: _database_ok(db))

    @app.context_processor
    def wallet_navigation() -> dict:
        from .routes.common import current_account_id

        signed_in = bool(current_account_id())
        return {"navigation": NAVIGATION_SIGNED_IN if signed_in else NAVIGATION_SIGNED_OUT,
                "acting_for": getattr(g, "acting_for_name", None)}

    from .routes import register

    register(app)
    if not app.testing:  # a worker's start-up heap lives until it exits
        settle_heap()
    return app


def _database_ok(db: Database) -> bool:
    import sqlalchemy as sa

    try:
        with db.reading() as session_:
            session_.execute(sa.select(1))
    except sa.exc.SQLAlchemyError:
        return False
    return True
