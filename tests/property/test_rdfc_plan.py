"""RDFC-1.0 through a shape's prepared plan (jsonld/rdfc_plan.py) against the full algorithm.

The plan may only answer when the first-degree hashes are all different and no two quads can
coincide; its answer must then be byte for byte the full algorithm's, for SHA-256 and SHA-384
(ecdsa-rdfc-2019 with P-384). Otherwise it must decline, and the caller's answer is still the
full algorithm's.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_shape_cache_product import (
    MAKERS,
    VALUES,
    _leaves,
    _set,
    status_list,
    training_credential,
)

from passport_vc.errors import PassportError
from passport_vc.jsonld import Canonicalizer, document_to_quads
from passport_vc.jsonld.rdfc import canonical_nquads, canonicalize
from passport_vc.jsonld.shapes import ShapeQuads

HASHES = ("sha256", "sha384")


def _full(document: dict, hash_name: str = "sha256"):
    try:
        return canonicalize(document_to_quads(document), hash_name)
    except PassportError as error:
        return type(error)


def _planned(cache: Canonicalizer, document: dict, hash_name: str = "sha256"):
    try:
        return canonical_nquads(cache.quads(document), hash_name)
    except PassportError as error:
        return type(error)


@pytest.mark.parametrize("hash_name", HASHES)
def test_product_documents_take_the_plan_and_match_the_full_algorithm(hash_name):
    for name, make in MAKERS.items():
        cache = Canonicalizer(fast_path=True)
        for number in range(4):
            document = make(number)
            quads = cache.quads(document)
            assert isinstance(quads, ShapeQuads), name
            if number:  # served from the cache: the plan answers, it does not decline
                assert quads.rdfc.canonicalize(quads, hash_name) is not None, name
            assert canonical_nquads(quads, hash_name) == _full(document, hash_name), name


def test_equal_first_degree_hashes_go_through_hash_n_degree_quads():
    """Two blank nodes with the same name have the same first-degree hash: the labels then
    depend on Hash N-Degree Quads (the full algorithm's, on the plan's first-degree hashes)."""
    cache = Canonicalizer(fast_path=True)
    context = {"knows": {"@id": "https://example.org/knows"},
               "name": {"@id": "https://example.org/name"},
               "likes": {"@id": "https://example.org/likes"}}
    for first, second in (("A", "B"), ("C", "D"), ("A", "A"), ("B", "A"), ("B", "B")):
        document = {"@context": context, "@id": "https://example.org/x",
                    "knows": [{"name": first, "likes": {"name": second}},
                              {"name": second, "likes": {"name": first}}]}
        quads = cache.quads(document)
        assert isinstance(quads, ShapeQuads)
        _seen_before(quads)
        for hash_name in HASHES:
            assert quads.rdfc.canonicalize(quads, hash_name) == _full(document, hash_name)


def test_values_that_make_two_quads_equal_make_the_plan_decline():
    """RDFC removes duplicate quads; equal values in two slots of one shape give duplicates."""
    cache = Canonicalizer(fast_path=True)
    context = {"see": {"@id": "https://example.org/see", "@type": "@id"}}
    for first, second in (("https://a.example/", "https://b.example/"),
                          ("https://c.example/", "https://d.example/"),
                          ("https://a.example/", "https://a.example/")):
        document = {"@context": context, "@id": "https://example.org/x",
                    "see": [first, second]}
        quads = cache.quads(document)
        assert isinstance(quads, ShapeQuads)
        _seen_before(quads)
        assert (quads.rdfc.canonicalize(quads) is None) == (first == second)
        assert canonical_nquads(quads) == _full(document)


def _seen_before(quads) -> None:
    """A plan compiles on its shape's second sight; the first time it declines (full path)."""
    quads.rdfc.canonicalize(list(quads[:-1]))  # wrong size: declines without counting
    if quads.rdfc.first_degree is None:
        quads.rdfc.canonicalize(quads)


def test_a_shape_seen_once_takes_the_full_algorithm_then_its_plan():
    cache = Canonicalizer(fast_path=True)
    first, second = training_credential(1), training_credential(2)
    quads = cache.quads(first)
    assert quads.rdfc.canonicalize(quads) is None  # first sight: nothing compiled
    assert quads.rdfc.first_degree is None
    assert canonical_nquads(quads) == _full(first)  # second sight: compiled, and it answers
    assert quads.rdfc.first_degree is not None
    again = cache.quads(second)
    assert again.rdfc is quads.rdfc
    assert again.rdfc.canonicalize(again) == _full(second)


CACHE = Canonicalizer(fast_path=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_changed_product_documents_canonicalize_identically(data):
    number = data.draw(st.integers(min_value=0, max_value=50))
    maker = data.draw(st.sampled_from([training_credential, status_list]))
    document = maker(number)
    paths = list(_leaves(document))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        _set(document, data.draw(st.sampled_from(paths)), data.draw(VALUES))
    hash_name = data.draw(st.sampled_from(HASHES))
    assert _planned(CACHE, document, hash_name) == _full(document, hash_name)


NAMES = st.sampled_from(["A", "B", "C", "a\"b", "x\ny", ""])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(NAMES, min_size=0, max_size=3), min_size=1, max_size=4))
def test_nested_blank_nodes_with_colliding_values(names):
    """Blank nodes linked to each other, with values drawn from a few so that first-degree
    hashes often coincide: the plan answers or declines, the output is always the full one."""
    cache = Canonicalizer(fast_path=True)
    context = {"@vocab": "https://example.org/vocab#"}
    nodes = [{"name": group, "next": {"label": group[:1]}} for group in names]
    document = {"@context": context, "@id": "https://example.org/root", "member": nodes}
    for _ in range(2):  # the second time from the shape cache
        assert _planned(cache, document) == _full(document)


class _Text(str):
    pass


def _with_subclasses(node):
    """The same JSON value built from subclasses of dict, list and str."""
    from collections import OrderedDict

    if isinstance(node, dict):
        return OrderedDict((key, _with_subclasses(value)) for key, value in node.items())
    if isinstance(node, list):
        return type("Items", (list,), {})(_with_subclasses(item) for item in node)
    if isinstance(node, str):
        return _Text(node)
    return node


def test_subclasses_of_json_types_take_the_same_shape_and_output():
    """The shape walk takes exact JSON types by a quicker test; subclasses must still be read
    as the same shape, with the same values, and canonicalize identically."""
    from passport_vc.jsonld.shapes import _shape_of

    for name, make in MAKERS.items():
        document = make(3)
        other = _with_subclasses(document)
        plain, sub = _shape_of(document), _shape_of(other)
        assert (plain.tokens, plain.values, plain.ok) == (sub.tokens, sub.values, sub.ok), name
        assert _planned(CACHE, other) == _full(document), name
