"""The shared web layer: errors become problem+json or a plain page, never a stack trace;
security headers; CSRF; front-end assets from our own origin; transactions roll back whole."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from passport_vc.errors import NotFoundError, ParsingError
from passport_web.flask import csrf, init_app, json_body, request_bytes
from passport_web.sql import Database, normalise_url


@pytest.fixture
def app():
    app = Flask("test_app")
    app.config.update(SECRET_KEY="test", TESTING=True)
    init_app(app, service_name="Test service")

    @app.post("/api/echo")
    @csrf.exempt
    def echo():
        return json_body()

    @app.post("/api/twice")
    @csrf.exempt
    def twice():
        from flask import request
        first = request_bytes()
        return {"same": first == request_bytes() == request.get_data(), "size": len(first)}

    @app.get("/missing")
    def missing():
        raise NotFoundError("There is no such record")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.post("/form")
    def form():
        return "ok"

    @app.get("/page")
    def page():
        from flask import render_template_string
        return render_template_string(
            '{% extends "passport/base.html" %}{% block content %}<h1>Hello</h1>{% endblock %}')
    return app


def test_api_errors_are_problem_json(app):
    client = app.test_client()
    response = client.post("/api/echo", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "not valid JSON" in response.json["detail"]
    response = client.post("/api/echo", data="[1]", content_type="application/json")
    assert response.json["detail"] == "The request body must be a JSON object"


def test_the_body_is_read_once_and_the_same_bytes_every_time(app):
    client = app.test_client()
    body = '{"name": "Siân"}'.encode()
    assert client.post("/api/twice", data=body).json == {"same": True, "size": len(body)}
    assert client.post("/api/twice", data=b"").json == {"same": True, "size": 0}


def test_a_body_over_the_limit_is_refused_before_it_is_read(app):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = app.test_client().post("/api/echo", data=b'{"a": "' + b"x" * 200 + b'"}',
                                      content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_a_body_without_a_declared_length_goes_through_werkzeug(app):
    # A chunked upload arrives with no Content-Length; the server marks its input as ending.
    import io

    client = app.test_client()
    response = client.post("/api/echo", input_stream=io.BytesIO(b'{"a": 1}'),
                           content_type="application/json",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 200 and response.json == {"a": 1}
    # …and over the limit without one: werkzeug stops reading and answers 413
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/api/echo", input_stream=io.BytesIO(b"[" + b"1," * 100 + b"1]"),
                           content_type="application/json",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_error_pages_are_plain_english_and_hide_internals(app):
    client = app.test_client()
    response = client.get("/missing")
    assert response.status_code == 404 and b"There is no such record" in response.data
    response = client.get("/boom")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Nothing was changed" in response.data
    response = client.get("/nowhere")
    assert response.status_code == 404 and b"Page not found" in response.data


def test_security_headers_and_csp_without_inline_script(app):
    response = app.test_client().get("/page")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b'<html lang="en-GB"' in response.data and b"Skip to main content" in response.data
    assert b"<script>" not in response.data


def test_forms_need_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/form", data={"a": "b"})
    assert response.status_code == 400 and b"form had expired" in response.data


def test_front_end_assets_are_served_locally(app):
    client = app.test_client()
    assert client.get("/govuk/govuk-frontend.min.css").status_code == 200
    wasm = client.get("/vendor/zxing/zxing_reader.wasm")
    assert wasm.status_code == 200 and wasm.mimetype == "application/wasm"
    assert client.get("/vendor/zxing/../../package.json").status_code == 404
    assert client.get("/healthz").json == {"status": "pass", "service": "Test service"}


def test_request_size_is_bounded(app):
    response = app.test_client().post("/api/echo", data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                                      content_type="application/json")
    assert response.status_code == 413


def test_database_url_forms():
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(Exception, match="sqlite: or postgresql:"):
        normalise_url("mysql://x")


def test_transaction_is_all_or_nothing(database_url):
    metadata = MetaData()
    table = Table("items", metadata, Column("id", Integer, primary_key=True),
                  Column("name", String(20), nullable=False))
    database = Database(database_url, metadata)
    database.create_all()
    with database.transaction() as session:
        session.execute(insert(table).values(name="kept"))
    with pytest.raises(ParsingError), database.transaction() as session:
        session.execute(insert(table).values(name="lost"))
        raise ParsingError("failure half way")
    with database.reading() as session:
        assert session.execute(select(func.count()).select_from(table)).scalar() == 1
    database.dispose()


def test_logs_are_json_without_personal_data(app, caplog):
    import json as json_module
    import logging

    from passport_web.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="passport"):
        app.test_client().get("/missing?name=Amina+Okafor")
        app.test_client().get("/boom")
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert lines and all("Amina" not in line for line in lines)
    request_line = json_module.loads(lines[0])
    assert request_line["route"] == "/missing" and request_line["status"] == 404
    assert any(json_module.loads(line).get("incident") for line in lines)


def test_nul_characters_are_refused_everywhere(app):
    client = app.test_client()
    assert client.get("/missing?q=%00").status_code == 400
    assert client.get("/miss%00ing").status_code == 400
    response = client.post("/api/echo", data='{"name": "Sam\\u0000"}',
                           content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json["detail"]
