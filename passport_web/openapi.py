"""Serving a service's OpenAPI 3.1 document (OpenAPI Specification 3.1.0 §4.3 "Document
Structure": one JSON document describing the JSON API).

Each service keeps its document as package data next to its code (``issuer/openapi.json``,
``verifier/openapi.json``) and calls ``serve_openapi(app, __name__)`` from ``create_app``. The
document is read and parsed once at start-up, so a broken file stops the service from starting
instead of being served; tests keep it true against the routes and the real responses.
"""

from __future__ import annotations

import json
from importlib import resources

from flask import Flask, Response, request

OPENAPI_PATH = "/openapi.json"


def load_openapi(package: str, filename: str = "openapi.json") -> dict:
    """The parsed OpenAPI document shipped in ``package``."""
    text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
    document = json.loads(text)
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise ValueError(f"{package}/{filename} is not an OpenAPI 3 document")
    return document


def serve_openapi(app: Flask, package: str, filename: str = "openapi.json") -> None:
    """Register ``GET /openapi.json`` answering the document as ``application/json``.

    Only a JSON body is served (no HTML viewer), so the service's Content-Security-Policy needs
    no exception. The body is serialised once: every response is byte-identical (stable ETag).
    """
    document = load_openapi(package, filename)
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")

    def openapi_document() -> Response:
        response = Response(body, mimetype="application/json")
        response.headers["Cache-Control"] = "public, max-age=300"
        # API tooling (code generators, viewers) on other origins may read the description.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.add_etag()
        return response.make_conditional(request)

    app.add_url_rule(OPENAPI_PATH, endpoint="openapi_document", view_func=openapi_document,
                     methods=["GET"])


__all__ = ["OPENAPI_PATH", "load_openapi", "serve_openapi"]
