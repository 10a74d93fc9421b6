"""Open Badges 3.0 as 1EdTech certifies it: credentials against 1EdTech's own JSON Schema
(tests/vectors/ob3/schema, provenance in tests/vectors/PROVENANCE.md).

The schema is stricter than VC DM 2.0: ``credentialStatus`` is one object and ``proof`` an
array. A training credential built as the issuer builds it, with one lifecycle status entry
(valid / suspended / revoked in two bits) and a proof set of one, must validate.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from passport_vc.clock import fixed_clock
from passport_vc.did import did_key_from_public_key, verification_method_for
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.keys import PrivateKey
from passport_vc.status import lifecycle_entry, status_entry

SCHEMA = Path(__file__).parents[1] / "vectors" / "ob3" / "schema" / \
    "ob_v3p0_achievementcredential_schema.json"
LIST = "https://training.example/status/brightcare/message/1"


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


def _signed(course_key: str, status) -> dict:
    from schemas import build_training_credential, load_catalogue

    private = PrivateKey.generate()
    issuer = did_key_from_public_key(private.public_key)
    unsigned = build_training_credential(
        load_catalogue()[course_key], issuer_id=issuer, issuer_name="Bright Care Training",
        subject_name="Sam Patel",
        subject_id=did_key_from_public_key(PrivateKey.generate().public_key),
        completed=date(2026, 3, 2), credential_id="urn:uuid:2f1c0c52-6d0e-4f0b-9d59-3c2d7b1e0a11")
    unsigned["credentialStatus"] = status
    return issue_credential(unsigned, IssuerKey(private, verification_method_for(issuer)),
                            clock=fixed_clock("2026-03-02T10:00:00Z"), proof_set=True)


@pytest.mark.parametrize("course_key", ["fire-safety", "moving-and-handling"])
def test_a_lifecycle_entry_and_a_proof_set_validate_against_1edtech_schema(validator,
                                                                           course_key):
    signed = _signed(course_key, lifecycle_entry(LIST, 1234))
    errors = sorted(validator.iter_errors(signed), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


def test_two_status_entries_do_not(validator):
    """Why the lifecycle entry exists: the schema refuses the revocation + suspension pair."""
    pair = [status_entry(LIST.replace("message", "revocation"), 1, "revocation"),
            status_entry(LIST.replace("message", "suspension"), 1, "suspension")]
    errors = list(validator.iter_errors(_signed("fire-safety", pair)))
    assert [list(error.path) for error in errors] == [["credentialStatus"]]


def test_a_renewal_link_validates_and_is_signed(validator):
    """``renews`` (a refresher's link to the credential it renews) is a defined care term: it
    passes 1EdTech's schema and safe-mode signing (an undefined term would be refused)."""
    from schemas import build_training_credential, load_catalogue

    private = PrivateKey.generate()
    issuer = did_key_from_public_key(private.public_key)
    unsigned = build_training_credential(
        load_catalogue()["moving-and-handling"], issuer_id=issuer,
        issuer_name="Bright Care Training", subject_name="Sam Patel", subject_id=None,
        completed=date(2027, 3, 1), credential_id="urn:uuid:3f1c0c52-6d0e-4f0b-9d59-3c2d7b1e0a12",
        renews="urn:uuid:2f1c0c52-6d0e-4f0b-9d59-3c2d7b1e0a11")
    unsigned["credentialStatus"] = lifecycle_entry(LIST, 99)
    signed = issue_credential(unsigned, IssuerKey(private, verification_method_for(issuer)),
                              clock=fixed_clock("2027-03-01T10:00:00Z"), proof_set=True)
    assert signed["renews"] == "urn:uuid:2f1c0c52-6d0e-4f0b-9d59-3c2d7b1e0a11"
    errors = sorted(validator.iter_errors(signed), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
