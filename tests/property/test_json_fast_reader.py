"""parse_json reads with orjson when it can prove the strict reader would read the same, and
leaves everything else to the strict reader. Over texts with repeated names, colons in names
and strings, escaped colons, big integers, floats, odd spacing and broken characters, the
outcome (the value with its exact types, or the error and its message) must be the strict
reader's."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from passport_vc import json_text
from passport_vc.errors import PassportError

NAMES = st.one_of(st.sampled_from(["a", "a:", ":", "id", "b:c", "é", "\u003a", "x"]),
                  st.text(st.sampled_from("ab:é\x00\ud800"), max_size=3))
LEAVES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.sampled_from("a:b é\\\"\x00\ud800"), max_size=6),
    st.sampled_from(["1e400", "-0", "-0.0", "12345678901234567890123", "1E5"]).map(
        lambda number: ("raw", number)))
# An object is a list of (name, value) pairs, so the same name can be written twice.
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4).map(lambda items: ("list", items)),
                            st.lists(st.tuples(NAMES, inner), max_size=4).map(
                                lambda pairs: ("object", pairs))),
    max_leaves=14)


def _write(tree, ascii_only: bool, space: str) -> str:
    if isinstance(tree, tuple) and tree[0] == "raw":
        return tree[1]
    if isinstance(tree, tuple) and tree[0] == "list":
        return "[" + f",{space}".join(_write(item, ascii_only, space) for item in tree[1]) + "]"
    if isinstance(tree, tuple) and tree[0] == "object":
        return "{" + f",{space}".join(
            json.dumps(name, ensure_ascii=ascii_only) + f"{space}:{space}"
            + _write(value, ascii_only, space) for name, value in tree[1]) + "}"
    return json.dumps(tree, ensure_ascii=ascii_only)


def _typed(value):
    """The value with every leaf's type beside it: 1 and 1.0 and True are equal in Python."""
    if isinstance(value, dict):
        return ("dict", [(name, _typed(item)) for name, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _outcome(read, text):
    try:
        return ("ok", _typed(read(text)))
    except PassportError as error:
        return (type(error).__name__, str(error))


def _strict(text):
    original = json_text._parse_fast
    json_text._parse_fast = lambda _text: json_text._SLOW
    try:
        return json_text.parse_json(text)
    finally:
        json_text._parse_fast = original


@settings(max_examples=600, deadline=None)
@given(TREES, st.booleans(), st.sampled_from(["", " ", "\n\t"]), st.booleans())
def test_the_fast_reader_changes_no_outcome(tree, ascii_only, space, as_bytes):
    text = _write(("object", [("v", tree)]), ascii_only, space)
    data = text.encode("utf-8", "surrogatepass") if as_bytes else text
    assert _outcome(json_text.parse_json, data) == _outcome(_strict, data)


def test_a_repeated_name_is_refused_however_it_is_hidden():
    for text in ('{"a":1,"a":2}', '{"a:":"x:y","a:":"x:y"}', '{"o":{"k":[1,{"k":1,"k":1}]}}',
                 '{"\\u003a":1,":":2}', '{"a":{"b:":1},"a":{"b:":1}}'):
        for data in (text, text.encode()):
            try:
                json_text.parse_json(data)
            except PassportError as error:
                assert "twice" in str(error), text
            else:
                raise AssertionError(f"{text} was read although a name is given twice")


def test_the_fast_reader_takes_ordinary_credentials():
    """Where it is meant to help: the document orjson reads is the one returned."""
    text = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                       "id": "urn:uuid:1", "issuer": "did:web:provider.example",
                       "validFrom": "2026-01-01T00:00:00Z", "n": [1, -2, True, None]})
    assert json_text._parse_fast(text) is not json_text._SLOW
    assert json_text._parse_fast(text.encode()) == json.loads(text)
    for slow in ('{"n": 1.5}', '{"n": 123456789012345678901234567890}', '{"a\\u003a": 1}',
                 '{"a": 1, "a": 2}', '{"a": NaN}', '\ufeff{"a": 1}'):
        assert json_text._parse_fast(slow) is json_text._SLOW, slow
