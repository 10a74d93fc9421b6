"""The issuer service: training providers issue, deliver, revoke and manage care training
credentials. ``create_app(config)`` builds the Flask app over ``IssuerService``
(issuer/service.py, no Flask); routes in issuer/routes/ stay thin.
"""

from __future__ import annotations

from flask import Flask, g

from .config import IssuerConfig

SERVICE_NAME = "Issue training records"


def create_app(config: IssuerConfig | None = None) -> Flask:
    from passport_web.flask import add_health_check, csrf, init_app
    from passport_web.heap import settle as settle_heap
    from passport_web.openapi import serve_openapi
    from passport_web.pdf_font import require_pdf_font
    from passport_web.signin import init_sign_in
    from passport_web.sql import Database

    from .auth import load_user
    from .routes import api, pages, public
    from .service import IssuerService
    from .storage import metadata, sessions, sign_in_attempts

    config = config or IssuerConfig.from_env()
    require_pdf_font()  # certificates are PDFs: refuse to start without their font
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key, TESTING=config.testing, TRUST_PROXY=config.trust_proxy,
        # the three services share a host in the demo: cookies are not separated by port
        SESSION_COOKIE_NAME="issuer_session",
        SESSION_COOKIE_SECURE=config.public_base.startswith("https://"),
        MAX_CONTENT_LENGTH=4 * 1024 * 1024)
    init_app(app, service_name=SERVICE_NAME, service_url="/",
             json_paths=("/token", "/credential", "/nonce", "/status/"),
             oauth_paths=frozenset({"/token", "/credential", "/nonce"}))
    serve_openapi(app, __name__)
    database = Database(config.database_url, metadata)
    database.upgrade("issuer")
    service = IssuerService(database, config)
    init_sign_in(app, database, sessions=sessions, attempts=sign_in_attempts, clock=config.clock)
    if config.conformance:
        service.conformance.ensure_conformance_issuers()
    app.extensions["issuer"] = service
    app.extensions["issuer_config"] = config

    app.before_request(load_user)
    for blueprint in (public.bp, api.bp):
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    app.register_blueprint(pages.bp)

    @app.context_processor
    def navigation() -> dict:
        if g.get("user") is None:
            return {"navigation": [("Sign in", "/sign-in")]}
        items = [("Home", "/dashboard"), ("Issue", "/issue"), ("Register", "/register"),
                 ("Upload a file", "/import")]
        if g.user.role == "admin":
            items += [("Keys", "/keys"), ("API tokens", "/api-tokens")]
        return {"navigation": items, "current_user": g.user, "current_provider": g.provider}

    def database_ok() -> bool:
        from sqlalchemy import text

        try:
            with database.reading() as session:
                session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return False
        return True

    add_health_check(app, "database", database_ok)
    if not app.testing:  # a worker's start-up heap lives until it exits
        settle_heap()
    return app


__all__ = ["IssuerConfig", "create_app"]
