"""An employer asks for a record made for this check: a check code (challenge) and the
verifier's domain, which the worker's presentation must be signed over."""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture
def client(make_app, sqlite_url):
    app = make_app(sqlite_url)
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


def _code(client) -> str:
    client.post("/request")
    page = client.get("/request").get_data(as_text=True)
    return re.search(r'id="check-code">([A-Z0-9-]+)<', page).group(1)


def _check(client, presentation: dict) -> str:
    return client.post("/check", data={"form": "payload",
                                       "payload": json.dumps(presentation)}).get_data(as_text=True)


def test_a_presentation_made_with_the_code_passes(client, world):
    code = _code(client)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert "check code" in client.get("/").get_data(as_text=True)
    page = _check(client, world.presentation(["valid"], challenge=code, domain="localhost:5003"))
    assert "Result: Valid" in page


@pytest.mark.parametrize(("challenge", "domain"), [
    ("ABCD-EFGH", "localhost:5003"),   # an old or someone else's code
    (None, None),                      # a record not made for this check
    ("CODE", "elsewhere.example"),     # right code (filled in below), wrong website
])
def test_a_presentation_not_made_for_this_check_fails(client, world, challenge, domain):
    code = _code(client)
    if challenge == "CODE":
        challenge = code
    page = _check(client, world.presentation(["valid"], challenge=challenge, domain=domain))
    assert "Result: Valid" not in page


def test_without_a_code_any_fresh_record_is_accepted_and_stopping_works(client, world):
    assert "Result: Valid" in _check(client, world.presentation(["valid"]))
    _code(client)
    client.post("/request/stop")
    assert "Result: Valid" in _check(client, world.presentation(["valid"]))
