"""The shape fast path on what the services really sign and verify: a care training credential
with its lifecycle status entry (``statusSize``, an integer the VC 2.0 context types with an
https XML Schema IRI), a Bitstring Status List credential and a holder's presentation of ten
credentials. Each must be served from the cache after its first document (no fallback to full
JSON-LD processing) and give byte-identical canonical N-Quads to the full path, also with values
changed at random.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport_vc.errors import PassportError
from passport_vc.jsonld import Canonicalizer, document_to_quads
from passport_vc.jsonld.rdfc import canonicalize
from passport_vc.status.entries import lifecycle_entry, list_credential
from schemas.builder import build_training_credential
from schemas.catalogue import load_catalogue

ISSUER = "did:web:training.example:providers:northfield"
LIST_URL = "https://training.example/status/northfield/message/1"
COURSES = list(load_catalogue().values())


def training_credential(number: int, course_number: int = 0) -> dict:
    course = COURSES[course_number % len(COURSES)]
    credential = build_training_credential(
        course, issuer_id=ISSUER, issuer_name="Northfield Care Training",
        subject_name=f"Worker {number}", subject_id=None,
        completed=date(2026, 1, 1 + number % 28), credential_id=f"urn:uuid:{uuid.uuid4()}",
        assessment_method="Observed practice", delivery_mode="Face-to-face", hours=3 + number,
        evidence_narrative="Completed the course and its assessment")
    credential["credentialStatus"] = lifecycle_entry(LIST_URL, 1000 + number * 7)
    return credential


def status_list(number: int) -> dict:
    bits = bytearray(131_072 * 2 // 8)
    bits[number % len(bits)] = 0b0100_0000
    return list_credential(f"{LIST_URL[:-1]}{number}", ISSUER, "message", bits,
                           valid_from=datetime(2026, 1, 1, tzinfo=UTC), status_size=2)


def presentation(number: int) -> dict:
    credentials = []
    for offset in range(10):
        credential = training_credential(number * 10 + offset)
        credential["proof"] = [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                "created": "2026-02-01T00:00:00Z",
                                "verificationMethod": f"{ISSUER}#key-1",
                                "proofPurpose": "assertionMethod",
                                "proofValue": f"z{number}x{offset}"}]
        credentials.append(credential)
    return {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "verifiableCredential": credentials}


MAKERS = {"credential": training_credential, "status list": status_list,
          "presentation": presentation}


def _full(document: dict):
    try:
        return canonicalize(document_to_quads(document))
    except PassportError as error:
        return type(error)


def _fast(cache: Canonicalizer, document: dict):
    try:
        return canonicalize(cache.quads(document))
    except PassportError as error:
        return type(error)


def test_product_documents_are_served_from_the_cache_and_identical():
    for name, make in MAKERS.items():
        cache = Canonicalizer(fast_path=True)
        for number in range(4):
            document = make(number)
            assert _fast(cache, document) == _full(document), name
        assert (cache.shapes.misses, cache.shapes.hits, cache.shapes.fallbacks) == (1, 3, 0), name


def test_an_integer_read_as_a_double_is_not_taken_from_a_slot():
    """A context that makes an integer an xsd:double changes its lexical form: the shape must
    not be cached as an integer slot (full path, identical output)."""
    document = {"@context": {"n": {"@id": "https://example.org/n",
                                   "@type": "http://www.w3.org/2001/XMLSchema#double"}},
                "@id": "https://example.org/thing", "n": 5}
    cache = Canonicalizer(fast_path=True)
    for value in (5, 6, 123456):
        document["n"] = value
        assert _fast(cache, document) == _full(document)
    assert cache.shapes.hits == 0


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("@context", "type"):
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


VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.sampled_from(["_:b1", "urn:x-passport-slot:3", "https://example.org/x", "did:key:z6Mk",
                     "revoked", "0x3", "Course", "name", "assertionMethod", "a\"b\\c\n",
                     "https://www.w3.org/2001/XMLSchema#integer", "2026-01-01T00:00:00Z"]),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
CACHE = Canonicalizer(fast_path=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_changed_product_documents_are_identical_on_both_paths(data):
    number = data.draw(st.integers(min_value=0, max_value=50))
    if data.draw(st.booleans()):
        document = training_credential(number, course_number=number)
    else:
        document = status_list(number)
    paths = list(_leaves(document))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        _set(document, data.draw(st.sampled_from(paths)), data.draw(VALUES))
    assert _fast(CACHE, document) == _full(document)


# --- issuance: the fast paths sign exactly what the full path signs -----------------------------
KEY = None


def _issuer_key():
    global KEY
    if KEY is None:
        from passport_vc.issue import IssuerKey
        from passport_vc.keys import PrivateKey

        KEY = IssuerKey(PrivateKey.generate("Ed25519"), f"{ISSUER}#key-1")
    return KEY


FULL = Canonicalizer(fast_path=False)
CREATED = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)


def _sign(document: dict, canonicalizer: Canonicalizer, created: datetime = CREATED):
    from passport_vc.issue import issue_credential

    try:
        return issue_credential(document, _issuer_key(), created=created,
                                canonicalizer=canonicalizer, proof_set=True)
    except PassportError as error:
        return type(error)


def test_issuing_through_the_caches_signs_exactly_what_the_full_path_signs():
    """Ed25519 signatures are deterministic: identical bytes signed give an identical
    proofValue, so equal documents prove the canonical forms were identical."""
    fast = Canonicalizer(fast_path=True)
    for number in range(6):
        document = training_credential(number, course_number=number % 2)
        assert _sign(document, fast) == _sign(document, FULL)
    assert fast.shapes.hits >= 3 and fast.shapes.fallbacks == 0
    assert len(fast._remembered) == 1  # one proof configuration, remembered


class _Text(str):
    pass


def test_remembered_proof_configurations_are_exact_per_json_text():
    cache = Canonicalizer(fast_path=True)
    base = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022", "created": "2026-02-01T09:30:00Z",
            "verificationMethod": f"{ISSUER}#key-1", "proofPurpose": "assertionMethod"}
    variants = [base, {**base, "created": "2026-02-01T09:30:01Z"},
                {**base, "proofPurpose": "authentication"}, {**base, "nonce": 1},
                {**base, "nonce": 1.5}, {**base, "nonce": True}, {**base, "nonce": "1"},
                # flat keys (strings and lists of strings): a list is not its only item, key
                # order counts, a str subclass takes the JSON key
                {**base, "nonce": ["1"]}, {**base, "@context": base["@context"][0]},
                dict(reversed(base.items())), {**base, "nonce": _Text("1")}]
    for _ in range(2):
        for variant in variants:
            assert cache.rdfc(variant, remember=True) == canonicalize(document_to_quads(variant))
    assert len(cache._remembered) == len(variants)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_changed_credentials_sign_identically_through_the_caches(data):
    number = data.draw(st.integers(min_value=0, max_value=50))
    document = training_credential(number, course_number=number)
    paths = list(_leaves(document))
    for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
        _set(document, data.draw(st.sampled_from(paths)), data.draw(VALUES))
    created = CREATED + timedelta(seconds=data.draw(st.integers(min_value=0, max_value=3)))
    assert _sign(document, CACHE, created) == _sign(document, FULL, created)
