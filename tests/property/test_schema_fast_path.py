"""The compiled schema validator (jsonschema-rs) may only ever say "valid" where jsonschema says
valid too: care training credentials changed at random leaves (awkward text, whitespace that
Python and ECMA regular expressions read differently, trailing newlines, bad dates, numbers of
every kind) get the same verdict from ``check_credential_schemas`` as from jsonschema alone.
"""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import best_match

from passport_vc.model.schema_check import _valid_fast, check_credential_schemas
from passport_vc.status.entries import lifecycle_entry
from schemas import schema_store
from schemas.builder import build_training_credential
from schemas.catalogue import load_catalogue

STORE = schema_store()
COURSES = list(load_catalogue().values())
SCHEMA_ID = "https://w3id.org/skills-passport/schemas/care-training-credential-v1.json"


def credential(number: int) -> dict:
    document = build_training_credential(
        COURSES[number % len(COURSES)], issuer_id="did:web:training.example:providers:north",
        issuer_name="Northfield Care Training", subject_name=f"Worker {number}",
        subject_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" if number % 2
        else None, completed=date(2025, 1 + number % 12, 1 + number % 28),
        credential_id=f"urn:uuid:{uuid.uuid4()}", assessment_method="Observed practice",
        delivery_mode="Face-to-face", hours=1 + number % 9,
        evidence_narrative="Completed the course and its assessment")
    document["credentialStatus"] = lifecycle_entry("https://training.example/status/1", number)
    document["credentialSchema"] = [{"id": SCHEMA_ID, "type": "JsonSchema"}]
    return document


def _python_says_valid(document: dict) -> bool:
    return best_match(STORE.validator(SCHEMA_ID).iter_errors(document)) is None


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _set(document, path, value):
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


AWKWARD = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from("ab:/ \t\n\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000-0Z"),
            max_size=12),
    st.sampled_from(["https://example.org/x\n", "https:a\x1cb", "moving-and-handling\n",
                     "2026-01-01T00:00:00Z\n", "2026-13-01T00:00:00Z", "2026-02-30T25:61:00Z",
                     "2026-01-01T00:00:00+01:00", "2026-01-01t00:00:00z", "", "x" * 300,
                     "urn:uuid:1", "did:web:x", "Course", "Observed practice", "123/4567/8"]),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 0.0, -1.0, 2.5, True, False, None, [], {}]),
)


def test_the_product_credential_is_valid_on_the_fast_path():
    for number in range(20):
        document = credential(number)
        assert _valid_fast(STORE, SCHEMA_ID, document)
        assert check_credential_schemas(document, STORE) == [(SCHEMA_ID, True, "")]


def test_characters_the_regex_engines_read_differently_go_to_jsonschema():
    document = credential(1)
    document["credentialSubject"]["achievement"]["id"] = "https:a\x1cb"
    assert not _valid_fast(STORE, SCHEMA_ID, document)
    assert check_credential_schemas(document, STORE)[0][1] is _python_says_valid(document)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_fast_path_never_accepts_what_jsonschema_refuses(data):
    document = credential(data.draw(st.integers(min_value=0, max_value=200)))
    paths = [path for path in _leaves(document) if path[0] != "credentialSchema"]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        _set(document, data.draw(st.sampled_from(paths)), data.draw(AWKWARD))
    python = _python_says_valid(document)
    if _valid_fast(STORE, SCHEMA_ID, document):
        assert python
    assert (check_credential_schemas(document, STORE)[0][1] is True) is python
