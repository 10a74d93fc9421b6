"""Flask integration shared by the three services: errors as problem+json, security headers,
CSRF, GOV.UK Frontend assets served from our own origin, the shared page layout, health checks.

Services call ``init_app(app, service_name=…)`` from their ``create_app``; routes stay thin and
raise ``PassportError`` subclasses, which become ``application/problem+json`` for API requests
and a plain-English error page for people.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from passport_vc.errors import PassportError

from .i18n import init_i18n
from .json_provider import FastJSONProvider
from .logs import configure_logging, log_requests

log = logging.getLogger("passport.web")
csrf = CSRFProtect()

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FRONTEND_DIR = PROJECT_ROOT / "node_modules"
GOVUK_DIST = FRONTEND_DIR / "govuk-frontend" / "dist" / "govuk"
ZXING_DIR = FRONTEND_DIR / "zxing-wasm" / "dist"
MAX_REQUEST_BYTES = 2 * 1024 * 1024
# Paths whose callers are programs in every service; a service adds its own in init_app.
JSON_PATHS = ("/api/", "/credentials/", "/presentations/", "/1.0/", "/.well-known/")

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def wants_json() -> bool:
    """API callers get problem+json: JSON bodies, /api/ and VC API paths, or an Accept header."""
    if request.is_json or request.path.startswith(current_app.config["PASSPORT_JSON_PATHS"]):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json",
                                                "application/problem+json"])
    return best in ("application/json", "application/problem+json")


def problem_response(problem: dict, status: int) -> Response:
    response = jsonify(problem)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def N_(message: str) -> str:  # noqa: N802 - gettext's marker: extracted now, translated later
    return message


def _error_page(title: str, detail: str, status: int):
    # Titles and details marked with N_ are in the catalogue; an engine's detail stays English.
    return render_template("passport/error.html", title=gettext(title),
                           detail=gettext(detail)), status


def handle_passport_error(error: PassportError):
    problem = error.to_problem()
    status = int(problem.get("status", 400))
    if wants_json():
        return problem_response(problem, status)
    return _error_page(problem.get("title", "There is a problem"), error.detail, status)


def handle_http_error(error: HTTPException):
    titles = {404: N_("Page not found"), 405: N_("This address does not accept that request"),
              413: N_("What you sent is too large"), 429: N_("Too many attempts")}
    title = titles.get(error.code or 500, error.name)
    detail = {404: N_("If you typed the web address, check it is correct."),
              413: N_("Send a smaller file (the limit is 2 MB).")}.get(error.code or 500,
                                                                       error.description or "")
    if wants_json():
        return problem_response({"type": "about:blank", "title": title, "status": error.code,
                                 "detail": detail}, error.code or 500)
    return _error_page(title, detail, error.code or 500)


def handle_csrf_error(error: CSRFError):
    detail = N_("The form had expired or did not come from this site. Go back, reload the "
                "page and try again.")
    if wants_json():
        return problem_response({"type": "about:blank", "title": "Form expired", "status": 400,
                                 "detail": detail}, 400)
    return _error_page(N_("The form had expired"), detail, 400)


def handle_unexpected(error: Exception):
    incident = secrets.token_hex(4)
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    log.exception("unexpected error", extra={"incident": incident, "method": request.method,
                                              "route": rule})
    detail = f"Something went wrong on our side. Nothing was changed. Reference: {incident}."
    if not wants_json():
        detail = gettext("Something went wrong on our side. Nothing was changed. Reference: "
                         "%(incident)s.", incident=incident)
    if wants_json():
        return problem_response({"type": "about:blank", "title": "Internal error", "status": 500,
                                 "detail": detail}, 500)
    return _error_page(N_("Sorry, there is a problem with the service"), detail, 500)


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy",
                                "camera=(self), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _register_assets(app: Flask) -> None:
    """GOV.UK Frontend and zxing-wasm, installed by npm at set-up, served from this origin."""

    @app.route("/assets/<path:filename>")
    def govuk_assets(filename: str):
        return send_from_directory(GOVUK_DIST / "assets", filename, max_age=86400)

    @app.route("/govuk/<path:filename>")
    def govuk_frontend(filename: str):
        if not filename.startswith("govuk-frontend.min."):
            return handle_http_error(_NotFound())
        return send_from_directory(GOVUK_DIST, filename, max_age=3600)

    @app.route("/vendor/zxing/<path:filename>")
    def zxing_assets(filename: str):
        files = {"zxing-reader.js": ("iife/reader", "index.js"),
                 "zxing_reader.wasm": ("reader", "zxing_reader.wasm")}
        if filename not in files:
            return handle_http_error(_NotFound())
        folder, name = files[filename]
        response = send_from_directory(ZXING_DIR / folder, name, max_age=86400)
        if name.endswith(".wasm"):
            response.mimetype = "application/wasm"
        return response

    @app.route("/shared/<path:filename>")
    def shared_static(filename: str):
        return send_from_directory(Path(__file__).parent / "static", filename, max_age=3600)


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` limited to what an INTEGER column holds on PostgreSQL (and SQLite): a
    25-digit id is a 404, not an overflow inside the database driver."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class _NotFound(HTTPException):
    code = 404
    description = "Page not found"


def init_app(app: Flask, *, service_name: str, service_url: str = "/",
             navigation: list[tuple[str, str]] | None = None,
             json_paths: tuple[str, ...] = (), oauth_paths: frozenset[str] = frozenset(),
             welsh: bool = False) -> None:
    """Everything the three services share. Call once from ``create_app``.

    ``json_paths``: more path prefixes whose errors are problem+json; ``oauth_paths``: exact
    paths of OAuth endpoints, whose callers expect RFC 6749 error objects instead; ``welsh``:
    the pages are offered in Welsh too (passport_web.i18n)."""
    from .settings import require_secret

    require_secret(app.config.get("SECRET_KEY") or "")  # the same on every machine
    app.config["PASSPORT_JSON_PATHS"] = JSON_PATHS + tuple(json_paths)
    app.config["PASSPORT_OAUTH_PATHS"] = frozenset(oauth_paths)
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_REQUEST_BYTES)
    app.json = FastJSONProvider(app)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    # Flask's defaults already hold these keys (SameSite None), so setdefault would do nothing.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Every <int:…> in every route: ids beyond what the databases store are simply not found.
    app.url_map.converters["int"] = DatabaseIdConverter
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1,
                                x_prefix=1)
    app.jinja_loader = ChoiceLoader([app.jinja_loader,
                                     PackageLoader("passport_web", "templates")])
    init_i18n(app, welsh=welsh)
    csrf.init_app(app)
    app.register_error_handler(PassportError, handle_passport_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.after_request(security_headers)
    _register_assets(app)

    @app.context_processor
    def layout_values() -> dict:
        return {"service_name": service_name, "service_url": service_url,
                "navigation": navigation or []}

    @app.route("/healthz")
    def healthz():
        checks = current_app.extensions.get("passport_health", [])
        failing = [name for name, check in checks if not check()]
        body = {"status": "fail" if failing else "pass", "service": service_name}
        if failing:
            body["failing"] = failing
        return jsonify(body), (503 if failing else 200)

    @app.before_request
    def refuse_nul_characters():
        # No legitimate address, query or form contains NUL; PostgreSQL cannot store it.
        values = [request.path, *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values.extend(request.form.values())
        if any("\x00" in value for value in values):
            from passport_vc.errors import ParsingError

            detail = "The request contains a NUL character, which is never valid here"
            if request.path in app.config["PASSPORT_OAUTH_PATHS"]:  # RFC 6749 §5.2 errors
                response = jsonify({"error": "invalid_request", "error_description": detail})
                response.status_code = 400
                response.headers["Cache-Control"] = "no-store"
                return response
            return handle_passport_error(ParsingError(detail))
        return None

    @app.before_request
    def remember_start() -> None:
        given = request.headers.get("X-Request-Id", "")[:64]
        g.request_id = given if given.replace("-", "").isalnum() else secrets.token_hex(6)

    if not app.testing and not app.config.get("TESTING"):
        configure_logging(app.config.get("LOG_LEVEL") or os.environ.get("LOG_LEVEL", "INFO"))
    log_requests(app, app.import_name.split(".")[0])


def add_health_check(app: Flask, name: str, check) -> None:
    app.extensions.setdefault("passport_health", []).append((name, check))


def request_bytes() -> bytes:
    """The request body as bytes, read once (later calls, and ``request.get_data``, give the
    same bytes).

    ``request.data`` would first run the form parser's machinery, and werkzeug's guarded stream
    costs about as much as reading a credential's JSON: a body of declared length within the
    size limit, with nothing read yet, is read straight from the server's input, exactly that
    many bytes. Anything else (no or chunked length, too large, already read) goes through
    werkzeug, which answers 413 for a body over the limit."""
    environ = request.environ
    length = environ.get("CONTENT_LENGTH") or ""
    if (length.isdigit() and getattr(request, "_cached_data", None) is None
            and "stream" not in request.__dict__ and "form" not in request.__dict__
            and not environ.get("HTTP_TRANSFER_ENCODING") and not request.shallow):
        size = int(length)
        limit = request.max_content_length
        if limit is None or size <= limit:
            data = environ["wsgi.input"].read(size) if size else b""
            request._cached_data = data
            return data
    return request.get_data(parse_form_data=False)


def json_body(max_keys: int = 64) -> dict:
    """The request's JSON object, bounded; a clear 400 otherwise (never a 500)."""
    from passport_vc.errors import ParsingError
    from passport_vc.inputs import parse_json

    data = request_bytes()
    if not data:
        raise ParsingError("Send a JSON object in the request body")
    value = parse_json(data)
    if not isinstance(value, dict):
        raise ParsingError("The request body must be a JSON object")
    if len(value) > max_keys:
        raise ParsingError("The request body has too many fields")
    return value
