"""Mutation sweep over signed credentials: every field of a real training credential is dropped,
duplicated, given another JSON type and given another value, and the result is verified.

Nothing that changes what was signed, or what a person is shown, may verify. The only changes
that still verify are the ones JSON-LD defines as meaning nothing (a value repeated in a set, a
lone proof written as a one-item proof set); for those the test proves the canonical signed form
and the summary people see are byte-for-byte the same as the original's.
tests/property/test_tampering.py samples random changes; this walks all of them.
"""

from __future__ import annotations

import base64
import copy
import json
from datetime import date

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver
from passport_vc.issue import issue_credential, issue_credential_jwt
from passport_vc.jsonld import default_canonicalizer
from passport_vc.verify import Verifier
from schemas import build_training_credential, load_catalogue, schema_store
from schemas.summary import summarise

from .conftest import NOW, make_provider

SUITES = [("Ed25519", "eddsa-rdfc-2022"), ("Ed25519", "eddsa-jcs-2022"),
          ("P-256", "ecdsa-rdfc-2019")]


def meaningless(suite: str, path: tuple, name: str) -> bool:
    """Changes the specifications define as saying the same thing."""
    if name in ("duplicate item", "type:list of proof"):  # JSON-LD sets; a one-item proof set
        return True
    # eddsa-jcs-2022 §3.3.2: a proof without @context takes the document's, which is the same
    return suite.endswith("jcs-2022") and path == ("proof", "@context") and name == "drop"


def _training_credential(issuer: str) -> dict:
    return build_training_credential(
        load_catalogue()["fire-safety"], issuer_id=issuer, issuer_name="Acme Training",
        subject_name="Sam Carer", completed=date(2026, 1, 1), hours=3,
        subject_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000001")


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    return Verifier(default_resolver(), None, fixed_clock(NOW), schemas=schema_store(),
                    check_status=False)


def _paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index)
            yield from _paths(value, (*path, index))


def _parent(document, path):
    for step in path[:-1]:
        document = document[step]
    return document


def _other_types(value) -> list[tuple[str, object]]:
    candidates = [None, True, 0, 1.5, "x", [], {}, [value]]
    if not isinstance(value, dict | list):
        candidates.append({"@value": value})
    return [(f"type:{type(alt).__name__}", alt) for alt in candidates
            if type(alt) is not type(value)]


def _other_values(value) -> list[tuple[str, object]]:
    if isinstance(value, bool):
        return [("value", not value)]
    if isinstance(value, str):
        return [("value", value + "x"), ("value:empty", ""), ("value:case", value.swapcase())]
    if isinstance(value, int | float):
        return [("value", value + 1)]
    if isinstance(value, dict):
        return [("value:extra property", {**value, "extraNote": "x"})]
    return []


def mutations(signed: dict):
    """(path, name, mutated document or JSON text) for every field and every kind of change."""
    for path in _paths(signed):
        parent = _parent(signed, path)
        key = path[-1]
        value = parent[key]
        dropped = copy.deepcopy(signed)
        del _parent(dropped, path)[key]
        yield path, "drop", dropped
        if isinstance(parent, list):
            duplicated = copy.deepcopy(signed)
            _parent(duplicated, path).insert(key, copy.deepcopy(value))
            yield path, "duplicate item", duplicated
        else:  # a JSON text naming the field twice, a changed value first
            duplicated = copy.deepcopy(signed)
            target = _parent(duplicated, path)
            items = list(target.items())
            target.clear()
            for name, item in items:
                if name == key:
                    target["\x1fduplicate\x1f"] = "changed"
                target[name] = item
            yield path, "duplicate name", json.dumps(duplicated).replace(
                '"\\u001fduplicate\\u001f"', json.dumps(key))
        for name, replacement in _other_types(value) + _other_values(value):
            if replacement == value and type(replacement) is type(value):
                continue  # e.g. swapcase of "19": no change to test
            changed = copy.deepcopy(signed)
            _parent(changed, path)[key] = replacement
            yield path, name + (" of proof" if path == ("proof",) else ""), changed


def _unsecured(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "proof"}


@pytest.mark.parametrize("curve, suite", SUITES)
def test_no_change_to_a_signed_credential_is_accepted(verifier, curve, suite):
    provider = make_provider(curve)
    signed = issue_credential(_training_credential(provider.controller), provider,
                              cryptosuite=suite, clock=fixed_clock(NOW))
    assert verifier.verify_credential(signed).verified
    canonical = default_canonicalizer().rdfc(_unsecured(signed))
    shown = summarise(signed)
    tried = accepted = 0
    for path, name, mutated in mutations(signed):
        tried += 1
        result = verifier.verify_credential(mutated)
        if not result.verified:
            continue
        accepted += 1
        document = json.loads(mutated) if isinstance(mutated, str) else mutated
        assert meaningless(suite, path, name), f"{suite}: {name} at {path} was accepted"
        assert default_canonicalizer().rdfc(_unsecured(document)) == canonical
        assert summarise(document) == shown, f"{suite}: {name} at {path} changed the summary"
    assert tried > 450
    assert accepted <= 12  # only repeated set members / a one-item proof set


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_no_change_to_a_signed_jwt_payload_is_accepted(verifier):
    provider = make_provider("Ed25519")
    token = issue_credential_jwt(_training_credential(provider.controller), provider,
                                 clock=fixed_clock(NOW))
    assert verifier.verify_credential(token).verified
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tried = 0
    for path, name, mutated in mutations(claims):
        text = mutated if isinstance(mutated, str) else json.dumps(mutated)
        forged = f"{header}.{_b64(text.encode())}.{signature}"
        tried += 1
        assert not verifier.verify_credential(forged).verified, f"{name} at {path}"
    assert tried > 300
