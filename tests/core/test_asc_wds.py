"""ASC-WDS code lists and mapping (schemas/asc_wds.py): the 48 training categories and 37 job
roles as read from the ASC-WDS service's source, every catalogue course mapped, and the typed
OB 3.0 Alignment in the credential: valid against 1EdTech's schema, defined by the OB 3.0
context (safe mode signs it), protected by the signature, and read before the catalogue."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

from jsonschema import Draft201909Validator

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver, did_key_from_public_key, verification_method_for
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.keys import PrivateKey
from passport_vc.verify import Verifier
from schemas import build_training_credential, load_catalogue
from schemas.asc_wds import (
    FRAMEWORK,
    TARGET_TYPE,
    alignment,
    category_for_course,
    category_of,
    course_categories,
    default_topics_for_role,
    job_roles,
    training_categories,
)
from schemas.catalogue import DEFAULT_REQUIRED_TOPICS
from schemas.summary import summarise

SCHEMA = Path(__file__).parents[1] / "vectors" / "ob3" / "schema" / \
    "ob_v3p0_achievementcredential_schema.json"


def test_the_48_training_categories_with_oliver_mcgowan_at_41_to_43():
    categories = training_categories()
    assert len(categories) == 48
    assert set(categories) == set(range(1, 52)) - {3, 4, 24}
    assert [categories[code].name for code in (41, 42, 43)] == [
        "Oliver McGowan Mandatory Training (elearning)",
        "Oliver McGowan Mandatory Training (Tier 1)",
        "Oliver McGowan Mandatory Training (Tier 2)"]
    assert categories[15].name == "Assisting and moving people"


def test_the_code_lists_say_where_they_come_from():
    folder = Path(__file__).parents[2] / "schemas" / "asc-wds"
    for name in ("training-categories.json", "job-roles.json"):
        source = json.loads((folder / name).read_text(encoding="utf-8"))["source"]
        assert source["repository"].endswith("/SopraSteria-SFC")
        assert len(source["commit"]) == 40 and source["commit_date"] == "2026-08-21"


def test_job_roles_and_which_provide_care():
    roles = job_roles()
    assert len(roles) == 37
    assert roles[8].name == "Care worker" and roles[8].care_providing
    assert roles[25].name == "Administrative" and not roles[25].care_providing
    assert 22 not in roles and 41 not in roles  # withdrawn in 2024


def test_every_catalogue_course_is_mapped_and_qualifications_say_why_not():
    mapping = course_categories()
    assert set(mapping) == set(load_catalogue())
    assert category_for_course("moving-and-handling") == 15
    assert [category_for_course(f"oliver-mcgowan-{part}") for part in
            ("part-1", "tier-1", "tier-2")] == [41, 42, 43]
    level3 = mapping["level-3-diploma-in-adult-care"]
    assert level3.category is None and "qualification" in level3.why
    assert all(entry.match in ("exact", "closest", "other", "none") for entry in mapping.values())


def test_default_policy_by_role():
    assert default_topics_for_role(8) == DEFAULT_REQUIRED_TOPICS
    administrative = default_topics_for_role(25)
    assert "fire-safety" in administrative and "medication" not in administrative
    assert default_topics_for_role(None) == () and default_topics_for_role(999) == ()
    assert set(default_topics_for_role(8)) <= {course.topic for course in load_catalogue().values()}


# --- the alignment in credentials -------------------------------------------------------------
def _issuer():
    private = PrivateKey.generate()
    did = did_key_from_public_key(private.public_key)
    return IssuerKey(private, verification_method_for(did))


def _signed(course_key: str, key: IssuerKey) -> dict:
    unsigned = build_training_credential(
        load_catalogue()[course_key], issuer_id=key.controller, issuer_name="Bright Care",
        subject_name="Sam Patel", subject_id=None, completed=date(2026, 3, 2),
        credential_id="urn:uuid:2f1c0c52-6d0e-4f0b-9d59-3c2d7b1e0a11")
    return issue_credential(unsigned, key, clock=fixed_clock("2026-03-02T10:00:00Z"),
                            proof_set=True)


def test_the_credential_carries_a_typed_alignment():
    achievement = _signed("oliver-mcgowan-tier-1", _issuer())["credentialSubject"]["achievement"]
    assert achievement["alignment"] == [{
        "type": ["Alignment"], "targetCode": "42", "targetFramework": FRAMEWORK,
        "targetName": "Oliver McGowan Mandatory Training (Tier 1)", "targetType": TARGET_TYPE,
        "targetUrl": "https://w3id.org/skills-passport/asc-wds/categories#42"}]
    qualification = build_training_credential(
        load_catalogue()["level-3-diploma-in-adult-care"], issuer_id="did:web:x.example",
        issuer_name="X", subject_name="Y", subject_id=None, completed=date(2026, 1, 1),
        credential_id="urn:uuid:2f1c0c52-6d0e-4f0b-9d59-3c2d7b1e0a12")
    assert "alignment" not in qualification["credentialSubject"]["achievement"]


def test_every_course_validates_against_the_1edtech_schema():
    validator = Draft201909Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    key = _issuer()
    for course_key in ("moving-and-handling", "oliver-mcgowan-tier-2",
                       "care-certificate-standard-9"):
        errors = [error.message for error in validator.iter_errors(_signed(course_key, key))]
        assert errors == [], course_key


def test_the_alignment_is_signed_so_changing_its_code_breaks_the_proof():
    key = _issuer()
    signed = _signed("fire-safety", key)
    verifier = Verifier(resolver=default_resolver(), clock=fixed_clock("2026-03-03T10:00:00Z"),
                        check_status=False)
    assert verifier.verify_credential(signed).verified
    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "41"
    assert not verifier.verify_credential(altered).verified


def test_a_verifier_reads_the_alignment_before_the_catalogue():
    achievement = {"alignment": [alignment(13)]}
    assert category_of(achievement, "fire-safety") == 13  # the signed alignment wins
    assert category_of({}, "fire-safety") == 6  # no alignment: the catalogue
    foreign = {"alignment": [{"type": ["Alignment"], "targetFramework": "Something else",
                              "targetCode": "13", "targetName": "x", "targetUrl": "https://x"}]}
    assert category_of(foreign, None) is None
    unknown = {"alignment": [dict(alignment(13), targetCode="3")]}  # code 3 is not used
    assert category_of(unknown, None) is None
    # another issuer's credential (no Skills Passport context) maps through its alignment alone
    credential = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["x"],
                  "issuer": "did:web:other.example", "credentialSubject": {
                      "achievement": {"name": "Epilepsy awareness",
                                      "alignment": [alignment(27)]}}}
    assert summarise(credential).asc_wds_category == 27
