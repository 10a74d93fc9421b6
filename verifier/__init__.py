"""The verifier service: employers scan, verify and keep their staff's training matrix.

Standalone (ARCHITECTURE.md): no account with any issuer or wallet, only public DID documents,
status lists and a trust list — or an offline trust bundle. ``create_app(config)`` builds the
Flask app from a frozen ``VerifierConfig`` (convention 10); the domain logic lives in
``service.py``, ``records.py`` and ``accounts.py`` and never imports Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from .config import VerifierConfig

SERVICE_NAME = "Check training records"


@dataclass
class VerifierState:
    config: VerifierConfig
    db: object  # passport_web.sql.Database
    service: object  # verifier.service.VerifierService


def build_state(config: VerifierConfig) -> VerifierState:
    """Database, network, trust list (and bundle, when offline) wired into the service."""
    from passport_vc.trust import TrustList
    from passport_web.network import Network
    from passport_web.sql import Database

    from . import storage
    from .bundle import load_bundle
    from .document_cache import DatabaseTier
    from .service import VerifierService

    db = Database(config.database_url, storage.metadata)
    db.upgrade("verifier")
    network = Network(config.network, clock=config.clock,
                      shared=DatabaseTier(db, clock=config.clock))
    trust = TrustList.load(config.trust_list_path) if config.trust_list_path else TrustList()
    bundle = load_bundle(config.bundle_path, clock=config.clock) if config.bundle_path else None
    service = VerifierService(db, config, network, trust, bundle=bundle)
    return VerifierState(config, db, service)


def create_app(config: VerifierConfig | None = None) -> Flask:
    from passport_web.flask import add_health_check, init_app
    from passport_web.heap import settle as settle_heap
    from passport_web.openapi import serve_openapi
    from passport_web.settings import require_secret
    from passport_web.signin import init_sign_in

    from . import storage
    from .routes import register_routes

    config = config or VerifierConfig.from_env()
    require_secret(config.secret_key)  # before the database is opened
    app = Flask(__name__, instance_path=str(Path(config.instance_dir).resolve()),
                static_folder="static", static_url_path="/static")
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        TRUST_PROXY=config.trust_proxy,
        # Photos of QR codes are the largest thing anyone sends us.
        MAX_CONTENT_LENGTH=config.max_photo_bytes + 256 * 1024,
        SESSION_COOKIE_NAME="verifier_session",  # services share a host in the demo
        SESSION_COOKIE_SECURE=config.public_url.startswith("https://"),
    )
    state = build_state(config)
    app.extensions["verifier"] = state
    init_sign_in(app, state.db, sessions=storage.sessions, attempts=storage.sign_in_attempts,
                 clock=config.clock)
    init_app(app, service_name=SERVICE_NAME, service_url="/", welsh=True)
    from .words import register_words

    register_words(app)
    serve_openapi(app, __name__)
    add_health_check(app, "database", lambda: _database_ok(state))
    register_routes(app)
    if not app.testing:  # a worker's start-up heap lives until it exits
        settle_heap()
    return app


def _database_ok(state: VerifierState) -> bool:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with state.db.reading() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
