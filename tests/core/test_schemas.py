"""The care context, JSON Schema, training catalogue, credential builder and summary."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.errors import (
    DidNotFoundError,
    JsonLdError,
    MalformedValueError,
    UndefinedTermError,
)
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.jsonld import Canonicalizer, default_loader, document_to_quads
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.model import check_credential_schemas, validate_credential
from passport_vc.verify import Verifier
from schemas import (
    CONTEXT_URL,
    DEFAULT_REQUIRED_TOPICS,
    SCHEMA_ID,
    Course,
    build_training_credential,
    course_from_dict,
    default_refresh_months,
    load_catalogue,
    schema_store,
    summarise,
)
from schemas.builder import CONTEXTS, RENEWAL_CONTEXT, achievement_id, add_months

VECTORS = Path(__file__).parent.parent / "vectors"
VOCAB = "https://w3id.org/skills-passport/vocab#"
NOW = fixed_clock("2026-06-01T10:00:00Z")
CATALOGUE = load_catalogue()


# --- a did:key issuer without the DID module ---------------------------------------------------
@dataclass
class _Method:
    public_key: PublicKey
    controller: str


class _DidDocument:
    def __init__(self, verification_method: str) -> None:
        self.verification_method = verification_method

    def authorizes(self, verification_method: str, relationship: str) -> bool:
        return (verification_method == self.verification_method
                and relationship in ("assertionMethod", "authentication"))


class DidKeyResolver:
    """Resolves exactly one did:key verification method (the brief's hand-made did:key)."""

    def __init__(self, public_key: PublicKey) -> None:
        self.public_key = public_key
        self.did = "did:key:" + public_key.multibase
        self.verification_method = self.did + "#" + public_key.multibase

    def resolve_verification_method(self, verification_method: str):
        if verification_method != self.verification_method:
            raise DidNotFoundError(f"Unknown key {verification_method}")
        return (_Method(self.public_key, self.did), _DidDocument(verification_method))


@pytest.fixture(scope="module")
def issuer():
    private = PrivateKey.generate("Ed25519")
    resolver = DidKeyResolver(private.public_key)
    return IssuerKey(private, resolver.verification_method), resolver


@pytest.fixture(scope="module")
def strict_canonicalizer():
    # No shape cache: every document goes through full PyLD expansion in safe mode.
    return Canonicalizer(fast_path=False)


def build(course: Course, issuer_did: str = "did:web:brightcare.example", **overrides) -> dict:
    arguments = dict(issuer_id=issuer_did, issuer_name="Brightcare Training Ltd",
                     subject_name="Amina Okafor", subject_id=None, completed=date(2026, 1, 31),
                     credential_id="urn:uuid:6a1f1b5e-7c1d-4b8e-9d7a-2f3c4b5a6d7e")
    arguments.update(overrides)
    return build_training_credential(course, **arguments)


def minified_size(document: dict) -> int:
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())


# --- the JSON-LD context ------------------------------------------------------------------------
class TestContext:
    def test_registered_in_the_index_and_pinned(self):
        folder = resources.files("schemas") / "contexts"
        index = json.loads((folder / "index.json").read_text())
        assert list(index) == [CONTEXT_URL, RENEWAL_CONTEXT]
        for entry in index.values():
            assert set(entry) == {"file", "sha256", "source"}
            raw = (folder / entry["file"]).read_bytes()
            assert hashlib.sha256(raw).hexdigest() == entry["sha256"]

    def test_the_published_v1_context_never_changes(self):
        # Credentials, hash pins elsewhere and CBOR-LD term codes of printed VP1- QR codes all
        # depend on these exact bytes: a new term goes in a new context, never into v1.
        raw = (resources.files("schemas") / "contexts" / "skills-passport-v1.jsonld").read_bytes()
        assert hashlib.sha256(raw).hexdigest() == \
            "c220eee0ce355ecf7187d74e43725d525e952784619473484215532f52db51c9"

    def test_the_core_loader_picks_it_up(self):
        assert CONTEXT_URL in default_loader()
        context = default_loader()(CONTEXT_URL, {})["document"]["@context"]
        assert context["@protected"] is True

    def test_every_term_is_in_the_project_vocabulary(self):
        context = default_loader().get(CONTEXT_URL).document["@context"]
        terms = {name: value for name, value in context.items() if not name.startswith("@")}
        for name in ("careCertificateStandard", "trainingTopic", "refreshIntervalMonths",
                     "ofqualNumber", "rqfLevel", "awardingOrganisation", "assessmentMethod",
                     "learningHours", "deliveryMode", "oliverMcGowanTier", "replaces",
                     "courseKey"):
            assert terms[name]["@id"] == VOCAB + name

    def test_protected_terms_cannot_be_redefined(self):
        document = build(CATALOGUE["moving-and-handling"])
        document["@context"].append({"trainingTopic": "https://attacker.example/topic"})
        with pytest.raises(JsonLdError):
            document_to_quads(document)

    def test_does_not_clash_with_open_badges_terms(self):
        # Loading the three contexts together is itself the test: a clash with a protected
        # VC 2.0 or Open Badges term would raise.
        quads = document_to_quads(build(CATALOGUE["care-certificate-standard-4"]))
        assert any(VOCAB + "careCertificateStandard" in str(quad) for quad in quads)


# --- the catalogue ------------------------------------------------------------------------------
class TestCatalogue:
    def test_sixteen_care_certificate_standards_and_the_whole_certificate(self):
        standards = sorted(c.standard for c in CATALOGUE.values()
                           if c.category == "care-certificate" and c.standard is not None)
        assert standards == list(range(1, 17))
        whole = CATALOGUE["care-certificate"]
        assert whole.standard is None and whole.refresh_months is None
        assert CATALOGUE["care-certificate-standard-10"].title.endswith("Safeguarding adults")
        assert CATALOGUE["care-certificate-standard-16"].title.endswith(
            "Awareness of learning disability and autism")
        assert all(c.topic == "care-certificate" for c in CATALOGUE.values()
                   if c.category == "care-certificate")

    @pytest.mark.parametrize(("topic", "months"), [
        ("moving-and-handling", 12), ("basic-life-support", 12), ("medication", 12),
        ("safeguarding-adults", 12), ("safeguarding-children", 12), ("fire-safety", 12),
        ("positive-behaviour-support", 12), ("infection-prevention-and-control", 36),
        ("health-and-safety", 36), ("mental-capacity-act-and-dols", 36),
        ("equality-and-diversity", 36), ("food-safety", 36), ("nutrition-and-hydration", 36),
        ("communication", 36), ("dignity", 36), ("person-centred-care", 36),
        ("recording-and-reporting", 36), ("autism-awareness", 36),
    ])
    def test_mandatory_topics_and_default_intervals(self, topic, months):
        assert default_refresh_months(topic) == months
        courses = [c for c in CATALOGUE.values() if c.topic == topic]
        assert [c.category for c in courses] == ["mandatory"]
        assert courses[0].refresh_months == months

    def test_no_default_interval_where_none_is_set_nationally(self):
        for topic in ("care-certificate", "oliver-mcgowan", "qualification", "unknown-topic"):
            assert default_refresh_months(topic) is None

    def test_oliver_mcgowan(self):
        keys = sorted(k for k, c in CATALOGUE.items() if c.category == "oliver-mcgowan")
        assert keys == ["oliver-mcgowan-part-1", "oliver-mcgowan-tier-1",
                        "oliver-mcgowan-tier-2"]

    def test_qualifications(self):
        qualifications = {k: c for k, c in CATALOGUE.items() if c.category == "qualification"}
        assert len(qualifications) == 5
        certificate = qualifications["level-2-adult-social-care-certificate"]
        assert (certificate.ofqual_number, certificate.rqf_level, certificate.credits) == (
            "610/4009/5", 2, 36)
        diploma = qualifications["level-3-diploma-in-adult-care"]
        assert (diploma.ofqual_number, diploma.rqf_level, diploma.credits) == (
            "610/1372/9", 3, 58)
        assert sorted(c.rqf_level for c in qualifications.values()) == [2, 2, 3, 4, 5]
        assert qualifications["level-2-diploma-in-care"].credits == 46
        assert qualifications["level-4-diploma-in-adult-care"].credits == 70
        assert qualifications["level-5-diploma-leadership-adult-care"].credits >= 90

    def test_default_required_topics(self):
        assert DEFAULT_REQUIRED_TOPICS[0] == "care-certificate"
        assert "oliver-mcgowan" in DEFAULT_REQUIRED_TOPICS
        assert len(DEFAULT_REQUIRED_TOPICS) == 2 + 7 + 11
        assert len(set(DEFAULT_REQUIRED_TOPICS)) == len(DEFAULT_REQUIRED_TOPICS)
        covered = {c.topic for c in CATALOGUE.values()}
        assert set(DEFAULT_REQUIRED_TOPICS) <= covered

    def test_load_catalogue_returns_a_copy(self):
        first = load_catalogue()
        first.pop("medication")
        assert "medication" in load_catalogue()

    def test_course_from_dict_accepts_a_providers_course(self):
        course = course_from_dict({"key": "dysphagia-awareness", "title": "Dysphagia awareness",
                                   "category": "other", "topic": "dysphagia",
                                   "refresh_months": 24, "learning_hours": 3})
        assert course == Course("dysphagia-awareness", "Dysphagia awareness", "other",
                                "dysphagia", 24, "", None, None, None, None, 3.0)

    @pytest.mark.parametrize(("data", "path"), [
        ({"key": "Bad Key", "title": "T", "category": "other", "topic": "t"}, "key"),
        ({"key": "k", "title": " ", "category": "other", "topic": "t"}, "title"),
        ({"key": "k", "title": "T", "category": "elective", "topic": "t"}, "category"),
        ({"key": "k", "title": "T", "category": "other", "topic": "T T"}, "topic"),
        ({"key": "k", "title": "T", "category": "other", "topic": "t",
          "refresh_months": 0}, "refresh_months"),
        ({"key": "k", "title": "T", "category": "other", "topic": "t",
          "refresh_months": "12"}, "refresh_months"),
        ({"key": "k", "title": "T", "category": "mandatory", "topic": "t", "standard": 3},
         "standard"),
        ({"key": "k", "title": "T", "category": "care-certificate", "topic": "t",
          "standard": 17}, "standard"),
        ({"key": "k", "title": "T", "category": "qualification", "topic": "t",
          "ofqual_number": "6101372"}, "ofqual_number"),
        ({"key": "k", "title": "T", "category": "qualification", "topic": "t",
          "rqf_level": 9}, "rqf_level"),
        ({"key": "k", "title": "T", "category": "other", "topic": "t",
          "learning_hours": -1}, "learning_hours"),
        ({"key": "k", "title": "T", "category": "other", "topic": "t", "price": 10}, "price"),
    ])
    def test_course_from_dict_rejects_bad_courses(self, data, path):
        with pytest.raises(MalformedValueError) as caught:
            course_from_dict(data)
        assert caught.value.path == path


# --- the builder --------------------------------------------------------------------------------
class TestBuilder:
    def test_shape_of_a_yearly_course(self):
        credential = build(CATALOGUE["moving-and-handling"])
        assert credential["@context"] == list(CONTEXTS)
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["issuer"] == {"id": "did:web:brightcare.example", "type": ["Profile"],
                                        "name": "Brightcare Training Ltd"}
        assert credential["validFrom"] == "2026-01-31T00:00:00Z"
        assert credential["validUntil"] == "2027-01-31T00:00:00Z"
        assert credential["credentialSchema"] == [{"id": SCHEMA_ID, "type": "JsonSchema"}]
        subject = credential["credentialSubject"]
        assert "id" not in subject
        assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name",
                                          "hashed": False, "identityHash": "Amina Okafor"}]
        assert subject["activityEndDate"] == "2026-01-31T00:00:00Z"
        achievement = subject["achievement"]
        assert achievement["id"] == "https://brightcare.example/achievements/moving-and-handling"
        assert achievement["refreshIntervalMonths"] == 12
        assert achievement["criteria"]["narrative"]
        assert validate_credential(credential) == "2.0"

    def test_no_refresh_means_no_valid_until(self):
        credential = build(CATALOGUE["care-certificate-standard-1"])
        assert "validUntil" not in credential
        achievement = credential["credentialSubject"]["achievement"]
        assert (achievement["trainingTopic"], achievement["careCertificateStandard"]) == (
            "care-certificate", 1)

    def test_three_yearly_course_and_month_ends(self):
        credential = build(CATALOGUE["food-safety"], completed=date(2024, 2, 29))
        assert credential["validUntil"] == "2027-02-28T00:00:00Z"
        assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28,
                                                                            tzinfo=UTC)
        assert add_months(datetime(2027, 12, 15, tzinfo=UTC), 13) == datetime(2029, 1, 15,
                                                                             tzinfo=UTC)

    def test_completion_time_is_kept(self):
        completed = datetime(2026, 5, 1, 14, 30, tzinfo=UTC)
        credential = build(CATALOGUE["medication"], completed=completed)
        assert credential["validFrom"] == "2026-05-01T14:30:00Z"
        assert credential["validUntil"] == "2027-05-01T14:30:00Z"

    def test_optional_details(self):
        credential = build(
            CATALOGUE["level-3-diploma-in-adult-care"], subject_id="did:key:z6MkWorker",
            assessment_method="observation", delivery_mode="blended", hours=7.5,
            evidence_narrative="Observed by an assessor over three shifts.",
            replaces="urn:uuid:11111111-2222-4333-8444-555555555555",
            issuer_extra={"url": "https://brightcare.example"},
            awarding_organisation="NCFE CACHE")
        subject = credential["credentialSubject"]
        assert subject["id"] == "did:key:z6MkWorker"
        assert (subject["assessmentMethod"], subject["deliveryMode"],
                subject["learningHours"]) == ("observation", "blended", 7.5)
        achievement = subject["achievement"]
        assert (achievement["ofqualNumber"], achievement["rqfLevel"],
                achievement["creditsAvailable"], achievement["awardingOrganisation"]) == (
            "610/1372/9", 3, 58, "NCFE CACHE")
        assert achievement["achievementType"] == "Diploma"
        assert credential["evidence"] == [{"type": ["Evidence"], "genre": "observation",
                                           "narrative": "Observed by an assessor over three "
                                                        "shifts."}]
        assert credential["replaces"] == "urn:uuid:11111111-2222-4333-8444-555555555555"
        assert credential["issuer"]["url"] == "https://brightcare.example"
        document_to_quads(credential)  # every optional term is defined

    def test_achievement_ids_live_under_the_issuer(self):
        assert achievement_id("https://brightcare.example/", "fire-safety") == (
            "https://brightcare.example/achievements/fire-safety")
        assert achievement_id("did:web:example.com:providers:brightcare", "fire-safety") == (
            "https://example.com/providers/brightcare/achievements/fire-safety")
        key_id = achievement_id("did:key:z6MkA", "fire-safety")
        assert key_id.startswith("urn:uuid:")
        assert key_id == achievement_id("did:key:z6MkA", "fire-safety")
        assert key_id != achievement_id("did:key:z6MkB", "fire-safety")
        credential = build(CATALOGUE["fire-safety"], issuer_did="did:key:z6MkA")
        assert credential["credentialSubject"]["achievement"]["courseKey"] == "fire-safety"

    def test_blank_optional_fields_are_left_out(self):
        credential = build(CATALOGUE["medication"], assessment_method="", delivery_mode="  ",
                           evidence_narrative="", awarding_organisation="")
        assert "evidence" not in credential
        assert not {"assessmentMethod", "deliveryMode"} & set(credential["credentialSubject"])

    @pytest.mark.parametrize("overrides", [
        {"issuer_id": "Brightcare"}, {"credential_id": "1234"}, {"subject_id": "Amina"},
        {"subject_name": " "}, {"issuer_name": ""}, {"hours": 0}, {"hours": True},
        {"replaces": "old one"}, {"issuer_extra": {"id": "did:web:other.example"}},
        {"completed": "2026-01-31"},
    ])
    def test_bad_input_is_refused(self, overrides):
        with pytest.raises(MalformedValueError):
            build(CATALOGUE["medication"], **overrides)

    def test_a_typical_credential_fits_a_paper_qr(self):
        from passport_vc.qr import MAX_PAPER_VERSION, encode_compact, qr_matrix_version

        # What must hold is the paper QR (QR.md: at most version 25 at level M), pinned for the
        # largest signed credential in tests/apps/issuer/test_issuer_paper_qr.py. The JSON
        # sizes only guard against growth: the ASC-WDS alignment (issue 13) took them from
        # 1,100 / 1,300 bytes to these, which the SP2 dictionary compresses to almost nothing.
        assert minified_size(build(CATALOGUE["moving-and-handling"])) <= 1400
        largest = max(minified_size(build(course)) for course in CATALOGUE.values())
        assert largest <= 1550
        versions = [qr_matrix_version(encode_compact(build(course)))
                    for course in CATALOGUE.values()]
        # measured 9-10 (unsigned, no evidence, no holder): far below the limit
        assert max(versions) <= min(12, MAX_PAPER_VERSION)


# --- JSON Schema --------------------------------------------------------------------------------
class TestCredentialSchema:
    def test_store_holds_the_care_schema(self):
        store = schema_store()
        assert store.get(SCHEMA_ID)["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    @pytest.mark.parametrize(("damage", "where"), [
        (lambda c: c["credentialSubject"]["achievement"].pop("name"),
         "credentialSubject.achievement"),
        (lambda c: c["credentialSubject"].pop("activityEndDate"), "credentialSubject"),
        (lambda c: c["credentialSubject"].pop("identifier"), "credentialSubject"),
        (lambda c: c["issuer"].pop("name"), "issuer"),
        (lambda c: c["credentialSubject"]["achievement"].update(rqfLevel="three"),
         "credentialSubject.achievement.rqfLevel"),
        (lambda c: c["credentialSubject"]["achievement"].update(ofqualNumber="610-1372-9"),
         "credentialSubject.achievement.ofqualNumber"),
        (lambda c: c["@context"].reverse(), "@context"),
        (lambda c: c.update(validFrom="31/01/2026"), "validFrom"),
    ])
    def test_schema_failures_name_the_path(self, damage, where):
        credential = build(CATALOGUE["level-3-diploma-in-adult-care"])
        damage(credential)
        [(schema_id, ok, message)] = check_credential_schemas(credential, schema_store())
        assert (schema_id, ok) == (SCHEMA_ID, False)
        assert message.startswith(where)

    def test_a_foreign_open_badge_does_not_claim_our_schema(self):
        vector = json.loads((VECTORS / "ob3/ldp-eddsa-rdfc-2022/signed.json").read_text())
        assert check_credential_schemas(vector, schema_store()) == []


# --- every catalogue course: build → issue → verify (safe mode) → schema ------------------------
@pytest.mark.parametrize("key", list(CATALOGUE))
def test_every_course_issues_and_verifies(key, issuer, strict_canonicalizer):
    issuer_key, resolver = issuer
    credential = build(CATALOGUE[key], issuer_did=resolver.did,
                       subject_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                       assessment_method="observation", delivery_mode="face-to-face", hours=3)
    signed = issue_credential(credential, issuer_key, clock=NOW)
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    verifier = Verifier(resolver, None, NOW, schema_store(), canonicalizer=strict_canonicalizer)
    result = verifier.verify_credential(signed)
    assert result.verified, result.to_json()
    assert [c.name for c in result.checks] == ["structure", "proof", "issuer_binding",
                                               "validity", "schema"]
    assert result.check("schema").ok is True
    summary = summarise(signed)
    assert (summary.course_key, summary.topic, summary.category) == (
        key, CATALOGUE[key].topic, CATALOGUE[key].category)


class TestSafeMode:
    def signed(self, issuer) -> dict:
        issuer_key, resolver = issuer
        credential = build(CATALOGUE["moving-and-handling"], issuer_did=resolver.did)
        return issue_credential(credential, issuer_key, clock=NOW)

    @pytest.mark.parametrize("inject", [
        lambda c: c["credentialSubject"].update(careHoursCompleted=1000),
        lambda c: c["credentialSubject"]["achievement"].update(careHoursCompleted=1000),
        lambda c: c["issuer"].update(careHoursCompleted=1000),
    ])
    def test_injected_undefined_property_is_rejected(self, issuer, strict_canonicalizer, inject):
        signed = self.signed(issuer)
        tampered = copy.deepcopy(signed)
        inject(tampered)
        unsigned = {k: v for k, v in tampered.items() if k != "proof"}
        with pytest.raises(UndefinedTermError) as caught:
            strict_canonicalizer.quads(unsigned)
        assert caught.value.path.endswith("careHoursCompleted")
        _, resolver = issuer
        result = Verifier(resolver, None, NOW, schema_store(),
                          canonicalizer=strict_canonicalizer).verify_credential(tampered)
        assert not result.verified
        assert result.check("structure").ok is False
        assert "careHoursCompleted" in result.check("structure").message

    def test_undefined_property_cannot_be_issued(self, issuer):
        issuer_key, resolver = issuer
        credential = build(CATALOGUE["medication"], issuer_did=resolver.did)
        credential["credentialSubject"]["careHoursCompleted"] = 1000
        with pytest.raises(UndefinedTermError):
            issue_credential(credential, issuer_key, clock=NOW)

    def test_changed_care_term_breaks_the_signature(self, issuer, strict_canonicalizer):
        signed = self.signed(issuer)
        signed["credentialSubject"]["achievement"]["refreshIntervalMonths"] = 120
        _, resolver = issuer
        result = Verifier(resolver, None, NOW, schema_store(),
                          canonicalizer=strict_canonicalizer).verify_credential(signed)
        assert result.check("proof").ok is False


# --- summary ------------------------------------------------------------------------------------
class TestSummary:
    def test_our_credential(self):
        credential = build(CATALOGUE["moving-and-handling"], hours=2,
                           evidence_narrative="Practical assessment passed.")
        summary = summarise(credential)
        assert summary.title == "Moving and handling of people"
        assert (summary.course_key, summary.topic, summary.category) == (
            "moving-and-handling", "moving-and-handling", "mandatory")
        assert (summary.provider_name, summary.provider_id) == (
            "Brightcare Training Ltd", "did:web:brightcare.example")
        assert (summary.completed, summary.valid_until) == (date(2026, 1, 31), date(2027, 1, 31))
        assert (summary.subject_name, summary.subject_id) == ("Amina Okafor", None)
        assert summary.credential_id == "urn:uuid:6a1f1b5e-7c1d-4b8e-9d7a-2f3c4b5a6d7e"
        assert summary.details["refresh_months"] == 12
        assert summary.details["hours"] == 2
        assert summary.details["evidence"] == ["Practical assessment passed."]

    def test_a_providers_own_course(self):
        course = course_from_dict({"key": "dysphagia-awareness", "title": "Dysphagia awareness",
                                   "category": "other", "topic": "dysphagia",
                                   "refresh_months": 24})
        summary = summarise(build(course, issuer_did="did:key:z6MkA"))
        assert (summary.course_key, summary.topic, summary.category) == (
            "dysphagia-awareness", "dysphagia", "other")
        assert summary.valid_until == date(2028, 1, 31)

    def test_a_foreign_open_badge_falls_back(self):
        vector = json.loads((VECTORS / "ob3/spec-examples/basicOpenBadgeCredential-0.json")
                            .read_text())
        summary = summarise(vector)
        assert summary.title == "Teamwork"
        assert (summary.course_key, summary.topic, summary.category) == (None, "other", "other")
        assert (summary.provider_name, summary.provider_id) == (
            "Example Corp", "https://example.com/issuers/876543")
        assert (summary.completed, summary.valid_until) == (date(2010, 1, 1), None)
        assert summary.subject_id == "did:example:ebfeb1f712ebc6f1c276e12ec21"
        assert summary.subject_name is None

    def test_odd_shapes_do_not_crash(self):
        summary = summarise({"issuer": "did:example:i", "credentialSubject": [
            {"achievement": [{"name": {"@value": "Wound care", "@language": "en"}}],
             "activityEndDate": "not a date"}], "validFrom": "2025-05-05"})
        assert (summary.title, summary.provider_name, summary.completed) == (
            "Wound care", "did:example:i", date(2025, 5, 5))
        with pytest.raises(MalformedValueError):
            summarise("not a credential")  # type: ignore[arg-type]


def test_every_course_round_trips_through_its_dict():
    from schemas.catalogue import course_from_dict, load_catalogue

    for course in load_catalogue().values():
        assert course_from_dict(course.to_dict()) == course
