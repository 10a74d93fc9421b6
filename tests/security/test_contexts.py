"""Hostile @context values: every shape is a project error, none lets an unsigned term through.

Finding 1 of issue 10: ``{"@vocab": null}`` crashed inside PyLD with a KeyError (HTTP 500).
Found while fixing it: ``{"@vocab": "_:"}`` made every undefined term a blank-node predicate,
which JSON-LD → RDF silently drops, so a property injected after signing still verified.
"""

from __future__ import annotations

import copy

import pytest

from passport_vc.errors import JsonLdError, PassportError
from passport_vc.issue import issue_credential
from passport_vc.jsonld import Canonicalizer

from .conftest import V2, unsigned_credential

HOSTILE_CONTEXTS = [
    {"@vocab": None}, {"@vocab": 1}, {"@vocab": []}, {"@vocab": {}}, {"@base": 1},
    {"@language": 1}, {"@version": 1.0}, {"@version": "1.1"}, {"@protected": "yes"},
    {"@propagate": "x"}, {"@import": 1}, {"@import": "https://unknown.example/c"},
    {"@direction": "up"}, {"term": 1}, {"term": {"@id": 1}}, {"term": {"@type": 1}},
    {"term": {"@container": 1}}, {"term": {"@context": 1}}, {"term": {"@reverse": 1}},
    {"term": {"@language": 1}}, {"term": {"@nest": 1}}, {"term": {"@prefix": "x"}},
    {"term": []}, {"@type": 1}, {"": "urn:x:"}, {"@context": 1}, {"term": {"@id": None,
                                                                          "@reverse": "x"}},
    {"@vocab": "_:"}, {"@vocab": "_:b"}, {"name2": {"@id": "_:p"}},
]


@pytest.mark.parametrize("context", HOSTILE_CONTEXTS, ids=repr)
def test_hostile_context_is_a_project_error_on_issue(provider, context):
    credential = unsigned_credential(provider.controller)
    credential["@context"] = [V2, context]
    credential["credentialSubject"]["name2"] = "x"
    with pytest.raises(PassportError):
        issue_credential(credential, provider, canonicalizer=Canonicalizer(fast_path=False))


@pytest.mark.parametrize("context", HOSTILE_CONTEXTS, ids=repr)
def test_hostile_context_is_never_verified(signed, verifier, context):
    tampered = copy.deepcopy(signed)
    tampered["@context"] = [*tampered["@context"], context]
    tampered["credentialSubject"]["name2"] = "x"
    result = verifier.verify_credential(tampered)
    assert not result.verified


def test_null_vocab_is_a_clear_json_ld_error():
    document = {"@context": [V2, {"@vocab": None}], "type": ["VerifiableCredential"]}
    with pytest.raises(JsonLdError, match="context"):
        Canonicalizer(fast_path=False).quads(document)


@pytest.mark.parametrize("vocab", ["_:", "_:b"])
def test_blank_node_vocabulary_cannot_smuggle_an_unsigned_property(signed, verifier, vocab):
    tampered = copy.deepcopy(signed)
    tampered["@context"] = [*tampered["@context"], {"@vocab": vocab}]
    tampered["credentialSubject"]["careHoursCompleted"] = 1000
    result = verifier.verify_credential(tampered)
    assert not result.verified
    assert result.check("structure").ok is False


def test_blank_node_type_is_refused(provider):
    credential = unsigned_credential(provider.controller)
    credential["@context"] = [V2, {"@vocab": "_:"}]
    credential["type"] = ["VerifiableCredential", "MadeUpType"]
    with pytest.raises(JsonLdError):
        issue_credential(credential, provider)
