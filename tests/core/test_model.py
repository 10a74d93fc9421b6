"""VC Data Model 2.0 / 1.1 checks: shape, validity period, relatedResource, JSON Schema."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.errors import ConfigError, MalformedValueError, ParsingError
from passport_vc.jsonld import default_loader
from passport_vc.keys.base58 import b58encode
from passport_vc.model import (
    SchemaStore,
    check_credential_schemas,
    check_validity,
    validate_credential,
    validate_presentation,
    validity_window,
)

VECTORS = Path(__file__).parent.parent / "vectors"
V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def credential() -> dict:
    return {
        "@context": [V2, EXAMPLES],
        "id": "urn:uuid:0a6f3c4e-4b0e-4c38-9c1e-2f6f7c1c9d10",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-31T09:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "name": "Amina Okafor"},
    }


def credential_v1() -> dict:
    return {
        "@context": [V1, "https://www.w3.org/2018/credentials/examples/v1"],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "https://example.edu/issuers/565049",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": "Example University"},
    }


def with_changes(base: dict, **changes) -> dict:
    document = copy.deepcopy(base)
    for key, value in changes.items():
        key = key.replace("__", "@") if key.startswith("__") else key
        if value is DELETE:
            document.pop(key, None)
        else:
            document[key] = value
    return document


DELETE = object()


# --- valid documents -----------------------------------------------------------------------------
class TestValidCredentials:
    def test_minimal_v2_credential_is_2_0(self):
        assert validate_credential(credential()) == "2.0"

    def test_v1_credential_is_1_1_for_issue_and_verify(self):
        assert validate_credential(credential_v1(), purpose="verify") == "1.1"
        assert validate_credential(credential_v1(), purpose="issue") == "1.1"

    @pytest.mark.parametrize("vector", [
        "ob3/ldp-eddsa-rdfc-2022/signed.json",
        "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
        "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384/signedECDSAP384.json",
        "ob3/spec-examples/fullOpenBadge-0.json",
    ])
    def test_official_vectors_are_well_formed_for_verify(self, vector):
        document = json.loads((VECTORS / vector).read_text())
        assert validate_credential(document, purpose="verify") == "2.0"

    @pytest.mark.parametrize("changes", [
        {"issuer": {"id": "did:example:issuer", "name": "Brightcare Training"}},
        {"issuer": {"id": "https://brightcare.example", "name": {"@value": "Brightcare",
                                                                 "@language": "en-GB"}}},
        {"name": [{"@value": "Hyfforddiant", "@language": "cy"},
                  {"@value": "Training", "@language": "en", "@direction": "ltr"}]},
        {"description": "Moving and handling"},
        {"validFrom": "2026-01-31T09:00:00+14:00"},
        {"validFrom": "2026-01-31T24:00:00Z"},
        {"validFrom": "2026-01-31T09:00:00.123456789-05:30"},
        {"validUntil": "2026-01-31T09:00:00Z"},  # equal to validFrom is allowed
        {"validFrom": DELETE},
        {"credentialSubject": [{"id": "did:example:a"}, {"name": "B"}]},
        {"credentialStatus": {"type": "BitstringStatusListEntry"}},  # id optional in 2.0
        {"credentialSchema": [{"id": "https://example.org/s.json", "type": "JsonSchema"}]},
        {"termsOfUse": [{"type": "IssuerPolicy", "id": "https://example.org/policy"}]},
        {"evidence": [{"type": ["Evidence"], "id": "urn:uuid:1"}, {"type": "Evidence"}]},
        {"refreshService": {"type": "ExampleRefresh"}},
        {"id": DELETE},
    ])
    def test_accepted_variations(self, changes):
        document = with_changes(credential(), **changes)
        assert validate_credential(document) == "2.0"

    def test_a_proof_is_fine_when_verifying(self):
        document = with_changes(credential(), proof={"type": "DataIntegrityProof"})
        assert validate_credential(document, purpose="verify") == "2.0"

    def test_unknown_purpose_is_a_programming_error(self):
        with pytest.raises(ValueError):
            validate_credential(credential(), purpose="store")


# --- invalid documents ---------------------------------------------------------------------------
FAILURES = [
    # (name, changes, expected path)
    ("no-context", {"__context": DELETE}, "@context"),
    ("context-string-in-2.0", {"__context": V2}, "@context"),
    ("context-empty", {"__context": []}, "@context"),
    ("context-wrong-first", {"__context": [EXAMPLES, V2]}, "@context[0]"),
    ("context-v2-twice", {"__context": [V2, V2]}, "@context[1]"),
    ("context-number", {"__context": [V2, 123192875]}, "@context[1]"),
    ("context-not-url", {"__context": [V2, "https ://not-a-url/contexts/example/v1"]},
     "@context[1]"),
    ("no-type", {"type": DELETE}, "type"),
    ("type-missing-vc", {"type": ["ExampleCredential"]}, "type"),
    ("type-not-text", {"type": ["VerifiableCredential", 7]}, "type"),
    ("type-empty", {"type": []}, "type"),
    ("id-null", {"id": None}, "id"),
    ("id-list", {"id": ["https://example.org/1", "https://example.com/1"]}, "id"),
    ("id-not-url", {"id": "not a url"}, "id"),
    ("id-relative", {"id": "credentials/1"}, "id"),
    ("no-issuer", {"issuer": DELETE}, "issuer"),
    ("issuer-null", {"issuer": None}, "issuer"),
    ("issuer-not-url", {"issuer": "example issuer"}, "issuer"),
    ("issuer-object-no-id", {"issuer": {"name": "Brightcare"}}, "issuer.id"),
    ("issuer-object-id-null", {"issuer": {"id": None}}, "issuer.id"),
    ("issuer-object-id-not-url", {"issuer": {"id": "brightcare"}}, "issuer.id"),
    ("issuer-name-number", {"issuer": {"id": "did:example:i", "name": 5}}, "issuer.name"),
    ("no-subject", {"credentialSubject": DELETE}, "credentialSubject"),
    ("subject-empty-object", {"credentialSubject": {}}, "credentialSubject"),
    ("subject-empty-list", {"credentialSubject": []}, "credentialSubject"),
    ("subjects-empty-objects", {"credentialSubject": [{}, {}]}, "credentialSubject[0]"),
    ("subject-string", {"credentialSubject": "did:example:subject"}, "credentialSubject"),
    ("subject-id-list", {"credentialSubject": {"id": ["did:example:a", "did:example:b"]}},
     "credentialSubject.id"),
    ("subject-id-not-url", {"credentialSubject": {"id": "Amina"}}, "credentialSubject.id"),
    ("valid-from-no-zone", {"validFrom": "2026-01-31T09:00:00"}, "validFrom"),
    ("valid-from-date-only", {"validFrom": "2026-01-31"}, "validFrom"),
    ("valid-from-impossible-date", {"validFrom": "2026-02-30T09:00:00Z"}, "validFrom"),
    ("valid-from-number", {"validFrom": 1769850000}, "validFrom"),
    ("valid-from-lower-z", {"validFrom": "2026-01-31T09:00:00z"}, "validFrom"),
    ("valid-until-junk", {"validUntil": "next year"}, "validUntil"),
    ("valid-until-before-from", {"validUntil": "2026-01-30T09:00:00Z"}, "validUntil"),
    ("name-number", {"name": 42}, "name"),
    ("name-bad-object", {"name": {"value": "Training"}}, "name"),
    ("name-bad-direction", {"name": {"@value": "x", "@direction": "up"}}, "name.@direction"),
    ("name-extra-key", {"name": {"@value": "x", "@type": "y"}}, "name"),
    ("description-empty-list", {"description": []}, "description"),
    ("status-no-type", {"credentialStatus": {"id": "https://example.org/status#1"}},
     "credentialStatus.type"),
    ("status-id-not-url", {"credentialStatus": {"id": "status 1", "type": "X"}},
     "credentialStatus.id"),
    ("status-empty-list", {"credentialStatus": []}, "credentialStatus"),
    ("schema-no-type", {"credentialSchema": {"id": "https://example.org/s.json"}},
     "credentialSchema.type"),
    ("schema-no-id", {"credentialSchema": {"type": "JsonSchema"}}, "credentialSchema.id"),
    ("schema-id-not-url", {"credentialSchema": {"id": "schema", "type": "JsonSchema"}},
     "credentialSchema.id"),
    ("schema-second-no-type", {"credentialSchema": [
        {"id": "https://example.org/a.json", "type": "JsonSchema"},
        {"id": "https://example.org/b.json"}]}, "credentialSchema[1].type"),
    ("terms-no-type", {"termsOfUse": {"id": "https://example.org/policy"}}, "termsOfUse.type"),
    ("evidence-no-type", {"evidence": [{"id": "https://example.org/e"}]}, "evidence[0].type"),
    ("evidence-string", {"evidence": "it was observed"}, "evidence"),
    ("refresh-no-type", {"refreshService": {"id": "https://example.org/refresh"}},
     "refreshService.type"),
    ("refresh-type-empty", {"refreshService": {"type": ""}}, "refreshService.type"),
    ("proof-on-issue", {"proof": {"type": "DataIntegrityProof"}}, "proof"),
]


class TestInvalidCredentials:
    @pytest.mark.parametrize(("changes", "path"), [(c, p) for _, c, p in FAILURES],
                             ids=[name for name, _, _ in FAILURES])
    def test_rejected_with_the_path_of_the_problem(self, changes, path):
        document = with_changes(credential(), **changes)
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(document, purpose="issue")
        assert caught.value.path == path
        assert caught.value.detail and "Traceback" not in caught.value.detail
        assert caught.value.to_problem()["status"] == 422

    def test_not_an_object_is_a_parsing_error(self):
        for value in ([credential()], "credential", None):
            with pytest.raises(ParsingError):
                validate_credential(value)  # type: ignore[arg-type]

    def test_messages_are_plain_english(self):
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(with_changes(credential(), validFrom="2026-01-31T09:00:00"))
        assert "time zone" in caught.value.detail
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(with_changes(credential(), validUntil="2025-01-01T00:00:00Z"))
        assert "before validFrom" in caught.value.detail

    def test_v1_needs_issuance_date(self):
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(with_changes(credential_v1(), issuanceDate=DELETE),
                                purpose="verify")
        assert caught.value.path == "issuanceDate"

    @pytest.mark.parametrize(("changes", "path"), [
        ({"issuanceDate": "1 January 2010"}, "issuanceDate"),
        ({"expirationDate": "2009-01-01T00:00:00Z"}, "expirationDate"),
        ({"credentialStatus": {"type": "RevocationList2020Status"}}, "credentialStatus.id"),
        ({"refreshService": {"type": "ManualRefreshService2018"}}, "refreshService.id"),
    ])
    def test_v1_specific_rules(self, changes, path):
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(with_changes(credential_v1(), **changes), purpose="verify")
        assert caught.value.path == path

    def test_v1_allows_a_date_time_without_zone(self):
        document = with_changes(credential_v1(), issuanceDate="2010-01-01T19:23:24")
        assert validate_credential(document, purpose="verify") == "1.1"
        start, _ = validity_window(document)
        assert start == datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)


# --- relatedResource (VC DM 2.0 §5.3) -----------------------------------------------------------
def _context_bytes(url: str) -> bytes:
    return default_loader().get(url).raw


def _sri(algorithm: str, data: bytes) -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def _multibase(prefix: str, data: bytes) -> str:
    multihash = bytes([0x12, 0x20]) + hashlib.sha256(data).digest()
    if prefix == "z":
        return "z" + b58encode(multihash)
    return "u" + base64.urlsafe_b64encode(multihash).decode().rstrip("=")


class TestRelatedResource:
    def related(self, *entries: dict) -> dict:
        return with_changes(credential(), relatedResource=list(entries))

    @pytest.mark.parametrize("digest", [
        lambda data: {"digestSRI": _sri("sha384", data)},
        lambda data: {"digestSRI": _sri("sha256", data)},
        lambda data: {"digestSRI": _sri("sha512", data)},
        lambda data: {"digestSRI": "sha256-" + "A" * 43 + "= " + _sri("sha384", data)},
        lambda data: {"digestMultibase": _multibase("z", data)},
        lambda data: {"digestMultibase": _multibase("u", data)},
        lambda data: {"digestSRI": _sri("sha384", data),
                      "digestMultibase": _multibase("u", data)},
    ])
    def test_digest_of_a_bundled_context_that_matches_is_accepted(self, digest):
        entry = {"id": V2, "mediaType": "application/ld+json", **digest(_context_bytes(V2))}
        assert validate_credential(self.related(entry)) == "2.0"

    @pytest.mark.parametrize("digest", [
        {"digestSRI": _sri("sha384", b"something else")},
        {"digestMultibase": _multibase("z", b"something else")},
        {"digestMultibase": _multibase("u", b"something else")},
    ])
    def test_digest_that_does_not_match_the_context_is_rejected(self, digest):
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(self.related({"id": EXAMPLES, **digest}))
        assert "does not match" in caught.value.detail
        assert caught.value.path.startswith("relatedResource[0].digest")

    def test_one_matching_and_one_mismatching_entry_is_rejected(self):
        good = {"id": V2, "digestSRI": _sri("sha384", _context_bytes(V2))}
        bad = {"id": EXAMPLES, "digestSRI": _sri("sha384", _context_bytes(V2))}
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(self.related(good, bad))
        assert caught.value.path == "relatedResource[1].digestSRI"

    # The W3C vc-data-model-2.0 suite's fixture (tests/fixtures.js): digests of the published
    # revision of the v2 context whose SHA-256 VC DM 2.0 §B.1 quotes, not of our bundled copy.
    SUITE_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
    SUITE_MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"

    @pytest.mark.parametrize("digest", [{"digestSRI": SUITE_SRI},
                                        {"digestMultibase": SUITE_MULTIBASE}])
    def test_digests_of_the_published_v2_context_are_accepted(self, digest):
        assert validate_credential(self.related({"id": V2, **digest})) == "2.0"

    def test_a_published_digest_only_counts_for_its_own_url(self):
        with pytest.raises(MalformedValueError, match="does not match"):
            validate_credential(self.related({"id": EXAMPLES, "digestSRI": self.SUITE_SRI}))

    def test_a_bare_digest_that_does_not_match_is_rejected(self):
        bare = "u" + base64.urlsafe_b64encode(hashlib.sha256(b"other").digest()).decode()
        with pytest.raises(MalformedValueError, match="does not match"):
            validate_credential(self.related({"id": V2, "digestMultibase": bare.rstrip("=")}))

    def test_digests_we_write_are_multihash_and_sri_as_the_specs_say(self):
        from passport_vc.model.related_resource import multibase_digest, sri_digest

        data = _context_bytes(V2)
        written = multibase_digest(data)
        assert written == _multibase("u", data) and written.startswith("uEi")  # 0x12 0x20
        assert sri_digest(data) == _sri("sha384", data)
        entry = {"id": V2, "digestMultibase": written, "digestSRI": sri_digest(data)}
        assert validate_credential(self.related(entry)) == "2.0"

    def test_other_resources_need_only_a_well_formed_digest(self):
        entry = {"id": "https://brightcare.example/logo.png",
                 "digestSRI": _sri("sha384", b"not checked: we never fetch it")}
        assert validate_credential(self.related(entry)) == "2.0"

    @pytest.mark.parametrize(("entries", "path"), [
        ([{"digestSRI": _sri("sha384", b"x")}], "relatedResource[0].id"),
        ([{"id": "logo.png", "digestSRI": _sri("sha384", b"x")}], "relatedResource[0].id"),
        ([{"id": "https://a.example/x"}], "relatedResource[0]"),
        ([{"id": "https://a.example/x", "digestSRI": _sri("sha384", b"x")},
          {"id": "https://a.example/x", "digestSRI": _sri("sha384", b"x")}],
         "relatedResource[1].id"),
        ([{"id": "https://a.example/x", "digestSRI": "md5-AAAA"}],
         "relatedResource[0].digestSRI"),
        ([{"id": "https://a.example/x", "digestSRI": "sha384-!!"}],
         "relatedResource[0].digestSRI"),
        ([{"id": "https://a.example/x", "digestSRI": "sha384-AAAA"}],
         "relatedResource[0].digestSRI"),
        ([{"id": "https://a.example/x", "digestMultibase": "mAAAA"}],
         "relatedResource[0].digestMultibase"),
        ([{"id": "https://a.example/x",
           "digestMultibase": "z" + b58encode(b"\x12\x10" + b"0" * 16)}],
         "relatedResource[0].digestMultibase"),
        ([], "relatedResource"),
        (["https://a.example/x"], "relatedResource[0]"),
    ])
    def test_malformed_entries_are_rejected(self, entries, path):
        with pytest.raises(MalformedValueError) as caught:
            validate_credential(with_changes(credential(), relatedResource=entries))
        assert caught.value.path == path


# --- presentations -------------------------------------------------------------------------------
def presentation() -> dict:
    return {"@context": [V2], "type": ["VerifiablePresentation"], "holder": "did:example:holder",
            "verifiableCredential": [credential()]}


class TestPresentations:
    def test_valid_presentation(self):
        assert validate_presentation(presentation()) == "2.0"
        assert validate_presentation(with_changes(presentation(), holder=DELETE,
                                                  verifiableCredential=DELETE)) == "2.0"
        v1 = with_changes(presentation(), **{"__context": [V1]})
        assert validate_presentation(v1) == "1.1"

    @pytest.mark.parametrize(("changes", "path"), [
        ({"type": ["VerifiableCredential"]}, "type"),
        ({"type": DELETE}, "type"),
        ({"__context": [EXAMPLES]}, "@context[0]"),
        ({"holder": "Amina"}, "holder"),
        ({"holder": {"id": 7}}, "holder.id"),
        ({"id": "presentation 1"}, "id"),
        ({"verifiableCredential": ["eyJhbGciOi..."]}, "verifiableCredential[0]"),
        ({"verifiableCredential": "eyJhbGciOi..."}, "verifiableCredential"),
    ])
    def test_invalid_presentations(self, changes, path):
        with pytest.raises(MalformedValueError) as caught:
            validate_presentation(with_changes(presentation(), **changes))
        assert caught.value.path == path

    def test_not_an_object(self):
        with pytest.raises(ParsingError):
            validate_presentation([])  # type: ignore[arg-type]


# --- validity period -----------------------------------------------------------------------------
class TestValidity:
    document = with_changes(credential(), validFrom="2025-03-03T00:00:00Z",
                            validUntil="2026-03-03T00:00:00Z")

    def test_window(self):
        assert validity_window(self.document) == (datetime(2025, 3, 3, tzinfo=UTC),
                                                  datetime(2026, 3, 3, tzinfo=UTC))
        assert validity_window(with_changes(credential(), validFrom=DELETE)) == (None, None)

    def test_valid(self):
        now = fixed_clock("2025-09-01T12:00:00Z")()
        assert check_validity(self.document, now) == (
            "valid", "This credential is valid until 3 March 2026.")

    def test_expired_message_uses_uk_dates(self):
        now = fixed_clock("2026-04-01T12:00:00Z")()
        assert check_validity(self.document, now) == (
            "expired", "This credential expired on 3 March 2026.")

    def test_not_yet_valid(self):
        now = fixed_clock("2025-01-01T00:00:00Z")()
        assert check_validity(self.document, now) == (
            "not-yet-valid", "This credential is not valid until 3 March 2025.")

    def test_boundaries_are_inclusive(self):
        assert check_validity(self.document, datetime(2025, 3, 3, tzinfo=UTC))[0] == "valid"
        assert check_validity(self.document, datetime(2026, 3, 3, tzinfo=UTC))[0] == "valid"

    def test_no_expiry(self):
        state, message = check_validity(credential(), fixed_clock("2030-01-01T00:00:00Z")())
        assert state == "valid" and "no expiry" in message

    def test_date_shown_in_uk_time(self):
        # 23:30 UTC on 1 July is 00:30 on 2 July in British Summer Time.
        document = with_changes(credential(), validUntil="2026-07-01T23:30:00Z")
        state, message = check_validity(document, fixed_clock("2026-08-01T00:00:00Z")())
        assert (state, message) == ("expired", "This credential expired on 2 July 2026.")

    def test_v1_window(self):
        document = with_changes(credential_v1(), expirationDate="2020-01-01T00:00:00Z")
        assert check_validity(document, fixed_clock("2021-01-01T00:00:00Z")()) == (
            "expired", "This credential expired on 1 January 2020.")

    def test_naive_now_is_refused(self):
        with pytest.raises(MalformedValueError):
            check_validity(self.document, datetime(2025, 9, 1))


# --- JSON Schema ---------------------------------------------------------------------------------
SCHEMA_2020 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.org/schemas/named.json",
    "type": "object",
    "required": ["credentialSubject"],
    "properties": {"credentialSubject": {"$ref": "#/$defs/subject"}},
    "$defs": {"subject": {"type": "object", "required": ["name"],
                          "properties": {"name": {"type": "string", "minLength": 2}}}},
}
SCHEMA_DRAFT7 = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "https://example.org/schemas/draft7.json",
    "type": "object",
    "properties": {"credentialSubject": {"type": "object", "required": ["id"]}},
}
SCHEMA_2019 = {  # Open Badges 3.0 publishes its schemas as Draft 2019-09
    "$schema": "https://json-schema.org/draft/2019-09/schema#",
    "$id": "https://example.org/schemas/ob.json",
    "type": "object",
    "required": ["issuer"],
    "properties": {"issuer": {"type": "object", "required": ["name"]}},
}
SCHEMA_REMOTE_REF = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.org/schemas/remote.json",
    "$ref": "https://attacker.example/schema.json",
}


class TestSchemaCheck:
    store = SchemaStore({SCHEMA_2020["$id"]: SCHEMA_2020, SCHEMA_DRAFT7["$id"]: SCHEMA_DRAFT7,
                         SCHEMA_2019["$id"]: SCHEMA_2019,
                         SCHEMA_REMOTE_REF["$id"]: SCHEMA_REMOTE_REF})

    def with_schemas(self, *entries, **changes) -> dict:
        return with_changes(credential(), credentialSchema=list(entries), **changes)

    def test_store_is_a_mapping(self):
        assert len(self.store) == 4
        assert self.store.get(SCHEMA_2020["$id"]) == SCHEMA_2020
        assert self.store.get("https://example.org/none.json") is None
        assert SCHEMA_DRAFT7["$id"] in self.store

    def test_pass(self):
        document = self.with_schemas({"id": SCHEMA_2020["$id"], "type": "JsonSchema"})
        assert check_credential_schemas(document, self.store) == [(SCHEMA_2020["$id"], True, "")]

    def test_fail_names_the_json_path(self):
        document = self.with_schemas({"id": SCHEMA_2020["$id"], "type": "JsonSchema"},
                                     credentialSubject={"id": "did:example:s", "name": "A"})
        [(schema_id, ok, message)] = check_credential_schemas(document, self.store)
        assert (schema_id, ok) == (SCHEMA_2020["$id"], False)
        assert message.startswith("credentialSubject.name:")

    def test_draft7_by_schema_keyword_and_older_type_names(self):
        document = self.with_schemas(
            {"id": SCHEMA_DRAFT7["$id"], "type": "1EdTechJsonSchemaValidator2019"},
            {"id": SCHEMA_DRAFT7["$id"], "type": "JsonSchemaValidator2018"},
            credentialSubject={"name": "No id here"})
        outcomes = check_credential_schemas(document, self.store)
        assert [ok for _, ok, _ in outcomes] == [False, False]
        assert "'id' is a required property" in outcomes[0][2]

    def test_draft_2019_09(self):
        entry = {"id": SCHEMA_2019["$id"], "type": "1EdTechJsonSchemaValidator2019"}
        named = self.with_schemas(entry, issuer={"id": "did:example:i", "name": "Brightcare"})
        assert check_credential_schemas(named, self.store) == [(SCHEMA_2019["$id"], True, "")]
        [(_, ok, message)] = check_credential_schemas(self.with_schemas(entry), self.store)
        assert ok is False and message.startswith("issuer:")

    def test_unknown_schema_is_none(self):
        document = self.with_schemas({"id": "https://example.org/other.json",
                                      "type": "JsonSchema"})
        assert check_credential_schemas(document, self.store) == [
            ("https://example.org/other.json", None, "not known")]

    def test_other_schema_types_are_ignored(self):
        document = self.with_schemas({"id": SCHEMA_2020["$id"], "type": "ShaclValidator2017"})
        assert check_credential_schemas(document, self.store) == []

    def test_remote_refs_are_never_fetched(self):
        document = self.with_schemas({"id": SCHEMA_REMOTE_REF["$id"], "type": "JsonSchema"})
        [(_, ok, message)] = check_credential_schemas(document, self.store)
        assert ok is False
        assert "https://attacker.example/schema.json" in message

    def test_an_invalid_schema_is_a_configuration_error(self):
        with pytest.raises(ConfigError):
            SchemaStore({"https://example.org/bad.json": {"type": "not-a-type"}})
