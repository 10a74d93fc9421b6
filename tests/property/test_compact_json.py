"""compact_json (orjson) writes the same text as ``json.dumps(compact, ensure_ascii=False)`` for
the JSON data we store and key on: the issuer's import keys of earlier imports must keep
matching, and stored documents must read back equal."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from issuer.bulk import row_key
from passport_vc.json_text import compact_json

CHARACTERS = st.characters(exclude_categories=("Cs",))  # every character that is text
STRINGS = st.one_of(st.text(CHARACTERS, max_size=8),
                    st.sampled_from(["\x00", "\x1c", "\u2028", "\\", '"', "é", "한", "😀", "/"]))
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))
VALUES = st.recursive(
    st.one_of(STRINGS, NUMBERS, st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(STRINGS, inner, max_size=4)),
    max_leaves=16)


def _reference(value, sort_keys=False):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_reads_back_equal_and_matches_json_except_float_spelling(value):
    text = compact_json(value)
    assert json.loads(text) == value
    if not _has_float(value):  # floats: orjson writes 1e-07 as 1e-7, the same number
        assert text == _reference(value)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(STRINGS, st.one_of(STRINGS, st.none(), st.integers(),
                                         st.floats(min_value=0.01, max_value=5000).map(
                                             lambda hours: round(hours, 2)))))
def test_sorted_text_is_json_dumps_text_for_import_rows(details):
    """Import rows hold text, None, whole numbers and hours (2 decimals, 0 < h <= 5000)."""
    assert compact_json(details, sort_keys=True) == _reference(details, sort_keys=True)


def test_values_orjson_refuses_fall_back_to_json():
    for value in ({"big": 2**70}, {"half": "\ud800"}, {1: "integer key"}):
        assert compact_json(value) == _reference(value)


def test_import_row_key_is_unchanged():
    """Pinned: an import key computed before orjson; a re-upload must still be recognised."""
    details = {"course_key": "fire-safety", "subject_name": "Siân Ŵyn", "completed": "2026-03-27",
               "subject_email": None, "holder_did": None, "hours": 7.5,
               "assessment_method": "Observed practice", "delivery_mode": None,
               "evidence": "Completed \"the\" course"}
    # sha256 of "bench\n" + json.dumps(details, sort_keys=True, compact, ensure_ascii=False)
    assert row_key("bench", details) == \
        "27bdecdb20ede12c0110bc982f048bbd74016ccbb0aa09b407686016fcac5911"


def _has_float(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_has_float(item) for item in value)
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    return False
