"""orjson writes Flask's JSON answers: the same values as Flask's own provider, or Flask's."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from hypothesis import given, settings
from hypothesis import strategies as st

from passport_web.json_provider import FastJSONProvider

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30)


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.json = FastJSONProvider(app)
    return app


@dataclasses.dataclass
class Point:
    x: int
    when: date


class Text(str):
    pass


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_the_same_value_as_flasks_provider(value):
    app = Flask(__name__)
    fast, flask_own = FastJSONProvider(app), DefaultJSONProvider(app)
    assert json.loads(fast.dumps(value)) == json.loads(flask_own.dumps(value))
    compact = {"separators": (",", ":")}
    assert json.loads(fast.dumps(value, **compact)) == json.loads(flask_own.dumps(value, **compact))


@pytest.mark.parametrize("value", [
    {"when": datetime(2026, 3, 3, 9, 0, tzinfo=UTC)},  # Flask: an HTTP date, not ISO 8601
    {"day": date(2026, 3, 3)},
    {"point": Point(1, date(2026, 3, 3))},
    {"id": uuid.UUID(int=7)},
    {"amount": Decimal("1.50")},
    {"name": Text("Amira")},
    {1: "a name that is not text"},
    {"big": 2**80},
    {"nested": [{"when": datetime(2026, 3, 3, tzinfo=UTC)}]},
])
def test_what_orjson_would_write_differently_is_flasks(value):
    app = Flask(__name__)
    fast, flask_own = FastJSONProvider(app), DefaultJSONProvider(app)
    assert json.loads(fast.dumps(value)) == json.loads(flask_own.dumps(value))


def test_keys_are_sorted_and_text_is_utf8(app):
    with app.test_request_context():
        response = jsonify({"b": 1, "a": "Siân", "c": [3, 2]})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"a":"Siân","b":1,"c":[3,2]}\n'.encode()


def test_debug_output_is_still_indented(app):
    app.debug = True
    with app.test_request_context():
        text = jsonify({"a": 1}).get_data(as_text=True)
    assert text == '{\n  "a": 1\n}\n'


def test_unsorted_when_the_app_asks(app):
    app.json.sort_keys = False
    assert app.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_something_neither_can_write_is_a_type_error(app):
    with pytest.raises(TypeError):
        app.json.dumps({"x": object()})
