"""The shape fast path must give byte-identical canonical output to full JSON-LD processing.

Every vector document, and documents mutated at random leaves with awkward values (blank-node
labels, relative and compact IRIs, terms, control characters, integers, floats, booleans), go
through both paths: either both produce the same canonical N-Quads, or both refuse with the same
kind of error.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport_vc.errors import PassportError
from passport_vc.jsonld import Canonicalizer, document_to_quads
from passport_vc.jsonld.rdfc import canonicalize

VECTORS = Path(__file__).parent.parent / "vectors"
FAST = Canonicalizer(fast_path=True)


def _documents() -> list[dict]:
    found = []
    for path in sorted(VECTORS.rglob("*.json")):
        if path.name in ("SOURCES.json", "vector.json") or "KeyPair" in path.name:
            continue
        data = json.loads(path.read_text())
        if isinstance(data, dict) and "@context" in data:
            found.append({k: v for k, v in data.items() if k != "proof"})
    return found


DOCUMENTS = _documents()


def _leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield from _leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _leaf_paths(item, (*path, index))
    else:
        yield path


def _set(document, path, value):
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


AWKWARD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["_:b0", "_:c14n1", "relative/path", "xsd:string", "schema:name",
                     "OpenBadgeCredential", "VerifiableCredential", "did:example:123",
                     "https://example.com/a b", "https://example.com/ok", "urn:uuid:1234",
                     "urn:x-passport-slot:0", "mailto:a@b.example", "tel:+441234", "@id",
                     "2024-01-01T00:00:00Z", "not a date", "ex:thing", "cred:issuer",
                     "line\nbreak", 'quote"d', "tab\there", "\x00nul"]),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


def _full(document):
    try:
        return canonicalize(document_to_quads(document))
    except PassportError as error:
        return type(error)


def _fast(document):
    try:
        return canonicalize(FAST.quads(document))
    except PassportError as error:
        return type(error)


def test_every_vector_document_is_identical_on_both_paths():
    for document in DOCUMENTS:
        cache = Canonicalizer(fast_path=True)
        first = canonicalize(cache.quads(document))
        assert first == canonicalize(cache.quads(document)) == _full(document)
        assert (cache.shapes.misses, cache.shapes.hits, cache.shapes.fallbacks) == (1, 1, 0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_documents_are_identical_on_both_paths(data):
    document = copy.deepcopy(data.draw(st.sampled_from(DOCUMENTS)))
    paths = list(_leaf_paths(document))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(paths))
        _set(document, path, data.draw(AWKWARD))
    _fast(document)  # warm the shape with these values first...
    assert _fast(document) == _full(document)
    # ...and a document of the same shape whose values differ again
    path = data.draw(st.sampled_from(paths))
    _set(document, path, data.draw(AWKWARD))
    assert _fast(document) == _full(document)
