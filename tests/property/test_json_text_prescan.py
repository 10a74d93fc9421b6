"""parse_json skips the per-string NUL / lone-surrogate test when a scan of the raw text shows
none can be there; the outcome (value, or the error and its message) must be the same as with
the per-string test always on."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from passport_vc import json_text
from passport_vc.errors import PassportError

CHARACTERS = st.characters(exclude_categories=())  # surrogates and NUL included
STRINGS = st.one_of(st.text(CHARACTERS, max_size=8),
                    st.sampled_from(["\x00", "\ud800", "a\udfffb", "\\u0000", "\\", "é", "한"]))
VALUES = st.recursive(
    st.one_of(STRINGS, st.integers(), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(STRINGS, inner, max_size=4)),
    max_leaves=12)


def _outcome(read, text):
    try:
        return ("ok", read(text))
    except PassportError as error:
        return (type(error).__name__, str(error))


def _always_checked(text):
    original = json_text._may_not_be_text
    json_text._may_not_be_text = lambda _text: True
    try:
        return json_text.parse_json(text)
    finally:
        json_text._may_not_be_text = original


@settings(max_examples=300, deadline=None)
@given(VALUES, st.booleans(), st.sampled_from(["str", "utf-8", "utf-16"]))
def test_the_prescan_changes_no_outcome(value, ascii_only, form):
    text = json.dumps({"v": value}, ensure_ascii=ascii_only)
    data = text if form == "str" else text.encode(form, "surrogatepass")
    assert _outcome(json_text.parse_json, data) == _outcome(_always_checked, data)


def test_texts_that_may_hold_bad_characters_are_checked():
    for text in ('{"a": "\\u0000"}', '{"a": "\\uD800"}', '{"a": "\\udc00"}', '{"a\\u0000": 1}',
                 '{"a": "\x00"}', '{"a": "\ud800"}'):
        assert json_text._may_not_be_text(text)
        assert json_text._may_not_be_text(text.encode("utf-8", "surrogatepass"))
    assert not json_text._may_not_be_text('{"a": "\\u00e9 \\ud7ff text"}')
    assert json_text._may_not_be_text('{"a": 1}'.encode("utf-16"))
