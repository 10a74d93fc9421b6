"""Bitstring Status List 1.0: encoding, bit order, bounded expansion, allocation, checking."""

from __future__ import annotations

import base64
import gzip
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.errors import (
    FetchError,
    MalformedValueError,
    RangeError,
    StatusListLengthError,
    StatusRetrievalError,
    StatusVerificationError,
    TooLargeError,
)
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.jsonld import default_canonicalizer
from passport_vc.keys import PrivateKey
from passport_vc.proofs import data_integrity
from passport_vc.proofs.jose import sign_jws, verify_vc_jwt
from passport_vc.result import VerificationResult
from passport_vc.status import (
    MIN_ENTRIES,
    allocate_index,
    check_status,
    decode_list,
    encode_list,
    get_status,
    list_credential,
    new_list,
    set_status,
    status_entry,
)

# The empty 16 KB list from Bitstring Status List 1.0 §2.2, Example 2.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
NOW = fixed_clock("2025-06-01T12:00:00Z")
LIST_URL = "https://provider.example/status/1"
SUSPENSION_URL = "https://provider.example/status/2"


# --- bitstring -----------------------------------------------------------------------------------
def test_encoding_matches_the_spec_example():
    assert len(new_list()) == 16_384
    assert encode_list(new_list()) == SPEC_EMPTY_LIST
    assert decode_list(SPEC_EMPTY_LIST) == bytes(16_384)


def test_status_list_2021_bare_base64url_is_accepted():
    assert decode_list(SPEC_EMPTY_LIST[1:]) == bytes(16_384)


def test_gzip_level_6_and_round_trip():
    bits = new_list()
    for index in (0, 5, 9_999, MIN_ENTRIES - 1):
        set_status(bits, index, 1)
    encoded = encode_list(bits)
    assert encoded.startswith("u")
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed == gzip.compress(bytes(bits), compresslevel=6, mtime=0)
    assert decode_list(encoded) == bytes(bits)


def test_bit_order_index_zero_is_the_left_most_bit():
    bits = new_list(16)
    set_status(bits, 0, 1)
    assert bits == bytearray([0x80, 0x00])
    set_status(bits, 7, 1)
    set_status(bits, 8, 1)
    assert bits == bytearray([0x81, 0x80])
    assert [get_status(bits, i) for i in range(16)] == [1, 0, 0, 0, 0, 0, 0, 1,
                                                         1, 0, 0, 0, 0, 0, 0, 0]
    set_status(bits, 0, 0)
    assert bits == bytearray([0x01, 0x80])


def test_multi_bit_statuses():
    bits = new_list(8, status_size=2)
    assert len(bits) == 2
    set_status(bits, 0, 0b10, size=2)
    set_status(bits, 3, 0b01, size=2)
    set_status(bits, 4, 0b11, size=2)
    assert bits == bytearray([0b10000001, 0b11000000])
    assert [get_status(bits, i, size=2) for i in range(8)] == [2, 0, 0, 1, 3, 0, 0, 0]


def test_out_of_range_reads_and_writes_are_refused():
    bits = new_list(16)
    with pytest.raises(RangeError):
        get_status(bits, 16)
    with pytest.raises(RangeError):
        get_status(bits, -1)
    with pytest.raises(RangeError):
        get_status(bits, 8, size=2)
    with pytest.raises(RangeError):
        set_status(bits, 0, 2)
    with pytest.raises(RangeError):
        set_status(bits, 0, 4, size=2)


def test_decompression_bomb_is_refused_with_a_bound():
    bomb = gzip.compress(bytes(10 * 1024 * 1024), compresslevel=9)
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    assert len(encoded) < 20_000
    with pytest.raises(TooLargeError, match="more than 2048 KB"):
        decode_list(encoded)
    with pytest.raises(TooLargeError):
        decode_list(SPEC_EMPTY_LIST, max_bytes=1024)


@pytest.mark.parametrize("encoded", [
    "",
    "u!!!not base64!!!",
    "u" + base64.urlsafe_b64encode(zlib.compress(bytes(100))).decode(),  # zlib, not gzip
    SPEC_EMPTY_LIST[:-10],  # cut short
    "u" + base64.urlsafe_b64encode(gzip.compress(b"a", mtime=0) + b"trailing").decode(),
])
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(MalformedValueError):
        decode_list(encoded)


def test_allocate_index_is_random_and_never_reuses():
    rng = random.Random(7)
    taken: set[int] = set()
    for _ in range(64):
        index = allocate_index(taken.__contains__, size=64, rng=rng)
        assert index not in taken and 0 <= index < 64
        taken.add(index)
    assert taken == set(range(64))
    with pytest.raises(RangeError, match="full"):
        allocate_index(taken.__contains__, size=64, rng=rng)
    first = [allocate_index(lambda _i: False, rng=random.Random(seed)) for seed in range(20)]
    assert len(set(first)) > 15  # spread across the list, not sequential


@pytest.mark.parametrize("size", [1, 2, 48, 64, 100])
def test_random_draws_cover_every_index_of_any_size(size):
    """Powers of two draw exactly log2(size) bits, other sizes use randrange: every index can
    come out of the random draws themselves (nothing is taken, so no fallback scan)."""
    rng = random.Random(size)
    drawn = {allocate_index(lambda _i: False, size=size, rng=rng) for _ in range(size * 40)}
    assert drawn == set(range(size))


# --- entries ---------------------------------------------------------------------------------
def test_status_entry_shape():
    assert status_entry(LIST_URL, 94567, "revocation") == {
        "id": LIST_URL + "#94567", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "94567",
        "statusListCredential": LIST_URL}
    with pytest.raises(MalformedValueError):
        status_entry(LIST_URL, 1, "deleted")
    with pytest.raises(RangeError):
        status_entry(LIST_URL, -1, "revocation")


def test_list_credential_shape_and_minimum_size():
    document = list_credential(LIST_URL, "did:example:issuer", "revocation", new_list(),
                               valid_from=datetime(2025, 1, 1, tzinfo=UTC),
                               valid_until="2026-01-01T00:00:00Z")
    assert document["id"] == LIST_URL
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["validFrom"] == "2025-01-01T00:00:00Z"
    assert document["validUntil"] == "2026-01-01T00:00:00Z"
    assert document["credentialSubject"] == {
        "id": LIST_URL + "#list", "type": "BitstringStatusList",
        "statusPurpose": "revocation", "encodedList": SPEC_EMPTY_LIST}
    with pytest.raises(RangeError):
        list_credential(LIST_URL, "did:example:issuer", "revocation", new_list(1024),
                        valid_from="2025-01-01T00:00:00Z")


# --- check_status --------------------------------------------------------------------------------
@dataclass
class Fetched:
    url: str
    body: bytes
    content_type: str | None
    fetched_at: datetime
    from_cache: bool = False
    etag: str | None = None


class DictFetcher:
    """Serves fixed bodies; anything else is a fetch failure."""

    def __init__(self, bodies: dict[str, bytes | str]):
        self.bodies = bodies
        self.calls: list[str] = []

    def get(self, url: str) -> Fetched:
        self.calls.append(url)
        if url not in self.bodies:
            raise FetchError(f"{url} answered 404 Not Found")
        body = self.bodies[url]
        return Fetched(url, body.encode() if isinstance(body, str) else body,
                       "application/vc+ld+json", NOW(), from_cache=True)


@pytest.fixture(scope="module")
def provider():
    key = PrivateKey.generate()
    did = "did:key:" + key.public_key.multibase
    return key, did, IssuerKey(key, did + "#" + key.public_key.multibase)


def verifier_for(key: PrivateKey):
    """verify_list_credential: a real Data Integrity signature check with the provider's key."""
    def verify(document):
        result = VerificationResult("credential", document=document)
        outcomes = data_integrity.verify_proofs(document, lambda _proof: key.public_key,
                                                default_canonicalizer(),
                                                purpose="assertionMethod")
        if all(outcome.ok for outcome in outcomes):
            result.passed("proof", "The signature is valid")
        else:
            result.failed("proof", outcomes[0].error)
        return result
    return verify


def signed_list(issuer_key: IssuerKey, url: str, purpose: str, bits, **extra) -> str:
    import json

    document = list_credential(url, issuer_key.controller, purpose, bits,
                               valid_from="2025-01-01T00:00:00Z", **extra)
    return json.dumps(issue_credential(document, issuer_key, clock=NOW))


def credential_with(did: str, *entries: dict) -> dict:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": did,
            "credentialSubject": {"id": "did:example:worker"},
            "credentialStatus": list(entries) if len(entries) > 1 else entries[0]}


def test_status_not_set_and_set(provider):
    key, did, issuer_key = provider
    bits = new_list()
    set_status(bits, 42, 1)
    fetcher = DictFetcher({LIST_URL: signed_list(issuer_key, LIST_URL, "revocation", bits)})
    for index, expected in ((41, False), (42, True)):
        document = credential_with(did, status_entry(LIST_URL, index, "revocation"))
        [outcome] = check_status(document, fetch=fetcher, clock=NOW,
                                 verify_list_credential=verifier_for(key))
        assert (outcome.purpose, outcome.set, outcome.value) == ("revocation", expected,
                                                                 int(expected))
        assert outcome.list_url == LIST_URL and outcome.from_cache
        assert outcome.fetched_at == NOW()


def test_revocation_and_suspension_entries_each_read_their_list(provider):
    key, did, issuer_key = provider
    suspended = new_list()
    set_status(suspended, 7, 1)
    fetcher = DictFetcher({
        LIST_URL: signed_list(issuer_key, LIST_URL, "revocation", new_list()),
        SUSPENSION_URL: signed_list(issuer_key, SUSPENSION_URL, "suspension", suspended)})
    document = credential_with(did, status_entry(LIST_URL, 7, "revocation"),
                               status_entry(SUSPENSION_URL, 7, "suspension"))
    outcomes = check_status(document, fetch=fetcher, clock=NOW,
                            verify_list_credential=verifier_for(key))
    assert [(o.purpose, o.set) for o in outcomes] == [("revocation", False),
                                                      ("suspension", True)]


def test_multi_bit_status_with_messages(provider):
    key, did, issuer_key = provider
    bits = new_list(status_size=2)
    set_status(bits, 10, 0b10, size=2)
    fetcher = DictFetcher({LIST_URL: signed_list(issuer_key, LIST_URL, "message", bits)})
    entry = status_entry(LIST_URL, 10, "message")
    entry["statusSize"] = 2
    entry["statusMessage"] = [{"status": "0x0", "message": "valid"},
                              {"status": "0x1", "message": "under review"},
                              {"status": "0x2", "message": "refresher overdue"},
                              {"status": "0x3", "message": "withdrawn"}]
    [outcome] = check_status(credential_with(did, entry), fetch=fetcher, clock=NOW,
                             verify_list_credential=verifier_for(key))
    assert (outcome.value, outcome.message, outcome.set) == (2, "refresher overdue", True)
    del entry["statusMessage"]
    with pytest.raises(MalformedValueError, match="statusMessage"):
        check_status(credential_with(did, entry), fetch=fetcher, clock=NOW,
                     verify_list_credential=verifier_for(key))


def test_fetch_failure_and_bad_json_are_retrieval_errors(provider):
    key, did, _ = provider
    document = credential_with(did, status_entry(LIST_URL, 1, "revocation"))
    with pytest.raises(StatusRetrievalError, match="could not be fetched"):
        check_status(document, fetch=DictFetcher({}), clock=NOW,
                     verify_list_credential=verifier_for(key))
    for body in ("{not json", "[1, 2]", b"\xff\xfe"):
        with pytest.raises(StatusRetrievalError):
            check_status(document, fetch=DictFetcher({LIST_URL: body}), clock=NOW,
                         verify_list_credential=verifier_for(key))


def test_tampered_list_is_not_trusted(provider):
    import json

    key, did, issuer_key = provider
    revoked = new_list()
    set_status(revoked, 3, 1)
    signed = json.loads(signed_list(issuer_key, LIST_URL, "revocation", revoked))
    signed["credentialSubject"]["encodedList"] = encode_list(new_list())  # "un-revoke"
    document = credential_with(did, status_entry(LIST_URL, 3, "revocation"))
    with pytest.raises(StatusVerificationError, match="could not be verified"):
        check_status(document, fetch=DictFetcher({LIST_URL: json.dumps(signed)}), clock=NOW,
                     verify_list_credential=verifier_for(key))


def test_list_from_another_issuer_is_refused(provider):
    key, _, _ = provider
    other = PrivateKey.generate()
    other_did = "did:key:" + other.public_key.multibase
    other_key = IssuerKey(other, other_did + "#" + other.public_key.multibase)
    fetcher = DictFetcher({LIST_URL: signed_list(other_key, LIST_URL, "revocation",
                                                 new_list())})
    document = credential_with("did:key:" + key.public_key.multibase,
                               status_entry(LIST_URL, 3, "revocation"))
    with pytest.raises(StatusVerificationError, match="not published by"):
        check_status(document, fetch=fetcher, clock=NOW,
                     verify_list_credential=verifier_for(other))


def test_expired_list_is_refused(provider):
    key, did, issuer_key = provider
    fetcher = DictFetcher({LIST_URL: signed_list(issuer_key, LIST_URL, "revocation",
                                                 new_list(),
                                                 valid_until="2025-05-01T00:00:00Z")})
    document = credential_with(did, status_entry(LIST_URL, 3, "revocation"))
    with pytest.raises(StatusVerificationError, match="expired"):
        check_status(document, fetch=fetcher, clock=NOW,
                     verify_list_credential=verifier_for(key))


def test_purpose_mismatch_is_refused(provider):
    key, did, issuer_key = provider
    fetcher = DictFetcher({LIST_URL: signed_list(issuer_key, LIST_URL, "suspension",
                                                 new_list())})
    document = credential_with(did, status_entry(LIST_URL, 3, "revocation"))
    with pytest.raises(StatusVerificationError, match="revocation"):
        check_status(document, fetch=fetcher, clock=NOW,
                     verify_list_credential=verifier_for(key))


def test_short_list_and_index_out_of_range(provider):
    import json

    key, did, issuer_key = provider
    short = list_credential(LIST_URL, did, "revocation", new_list(),
                            valid_from="2025-01-01T00:00:00Z")
    short["credentialSubject"]["encodedList"] = encode_list(new_list(1024))
    fetcher = DictFetcher({LIST_URL: json.dumps(issue_credential(short, issuer_key, clock=NOW))})
    document = credential_with(did, status_entry(LIST_URL, 3, "revocation"))
    with pytest.raises(StatusListLengthError, match="1,024 entries"):
        check_status(document, fetch=fetcher, clock=NOW,
                     verify_list_credential=verifier_for(key))
    fetcher = DictFetcher({LIST_URL: signed_list(issuer_key, LIST_URL, "revocation",
                                                 new_list())})
    document = credential_with(did, status_entry(LIST_URL, MIN_ENTRIES, "revocation"))
    with pytest.raises(StatusListLengthError, match="beyond the end"):
        check_status(document, fetch=fetcher, clock=NOW,
                     verify_list_credential=verifier_for(key))


def test_unknown_status_type_cannot_be_checked(provider):
    key, did, _ = provider
    entry = {"id": LIST_URL + "#1", "type": "1EdTechRevocationList"}
    with pytest.raises(StatusRetrievalError, match="cannot check"):
        check_status(credential_with(did, entry), fetch=DictFetcher({}), clock=NOW,
                     verify_list_credential=verifier_for(key))


def test_status_list_2021_entry_with_a_jwt_list_credential():
    """VC 1.1: StatusList2021Entry, bare base64url encodedList, list secured as a JWT."""
    key = PrivateKey.generate("P-256")
    did = "did:key:" + key.public_key.multibase
    kid = did + "#" + key.public_key.multibase
    bits = new_list()
    set_status(bits, 1234, 1)
    list_vc = {"@context": ["https://www.w3.org/2018/credentials/v1",
                            "https://w3id.org/vc/status-list/2021/v1"],
               "id": LIST_URL, "type": ["VerifiableCredential", "StatusList2021Credential"],
               "credentialSubject": {"id": LIST_URL + "#list", "type": "StatusList2021",
                                     "statusPurpose": "revocation",
                                     "encodedList": encode_list(bits)[1:]}}
    token = sign_jws({"iss": did, "nbf": 1_700_000_000, "jti": LIST_URL, "vc": list_vc}, key,
                     {"kid": kid, "typ": "JWT"})

    def verify(unverified):
        result = VerificationResult("credential")
        verified = verify_vc_jwt(unverified, public_key_for_kid=lambda _k: key.public_key,
                                 clock=NOW)
        result.document = verified.payload
        result.passed("proof", "The signature is valid")
        return result

    entry = {"id": LIST_URL + "#1234", "type": "StatusList2021Entry",
             "statusPurpose": "revocation", "statusListIndex": "1234",
             "statusListCredential": LIST_URL}
    document = credential_with(did, entry)
    [outcome] = check_status(document, fetch=DictFetcher({LIST_URL: token}), clock=NOW,
                             verify_list_credential=verify)
    assert outcome.set is True and outcome.purpose == "revocation"


def test_verifier_end_to_end_reads_revocation(provider):
    """Through passport_vc.verify.Verifier: did:key resolution, list verification, then bits."""
    import json

    from passport_vc.did import default_resolver
    from passport_vc.verify import Verifier

    _, did, issuer_key = provider
    bits = new_list()
    set_status(bits, 5, 1)
    verifier = Verifier(default_resolver(), DictFetcher({
        LIST_URL: signed_list(issuer_key, LIST_URL, "revocation", bits)}), NOW)
    unsigned = credential_with(did, status_entry(LIST_URL, 4, "revocation"))
    assert verifier.verify_credential(issue_credential(unsigned, issuer_key, clock=NOW)).verified
    unsigned["credentialStatus"] = status_entry(LIST_URL, 5, "revocation")
    result = verifier.verify_credential(issue_credential(unsigned, issuer_key, clock=NOW))
    assert not result.verified
    assert result.check("proof").ok and result.check("status").ok is False
    assert "revoked" in result.check("status").message
    # a list whose bits were changed after signing makes the status check fail, not pass
    tampered = json.loads(verifier.fetch.bodies[LIST_URL])
    tampered["credentialSubject"]["encodedList"] = encode_list(new_list())
    verifier.fetch.bodies[LIST_URL] = json.dumps(tampered)
    result = verifier.verify_credential(issue_credential(unsigned, issuer_key, clock=NOW))
    assert result.check("status").ok is False
    assert "could not be verified" in result.check("status").message


def test_one_lifecycle_entry_says_valid_suspended_or_revoked(provider):
    """Open Badges 3.0 allows one credentialStatus: a 2-bit "message" entry carries both
    suspension and revocation (Bitstring Status List §2.1 statusSize / statusMessage)."""
    from passport_vc.did import default_resolver
    from passport_vc.status import LIFECYCLE_VALUES, lifecycle_entry
    from passport_vc.verify import Verifier

    _, did, issuer_key = provider
    bits = new_list(status_size=2)
    for index, value in ((1, LIFECYCLE_VALUES["suspended"]), (2, LIFECYCLE_VALUES["revoked"]),
                         (3, 3)):
        set_status(bits, index, value, size=2)
    fetcher = DictFetcher({LIST_URL: signed_list(issuer_key, LIST_URL, "message", bits,
                                                 status_size=2)})
    verifier = Verifier(default_resolver(), fetcher, NOW)
    expected = {0: None, 1: "suspended", 2: "revoked", 3: "revoked"}
    for index, state in expected.items():
        entry = lifecycle_entry(LIST_URL, index)
        assert (entry["statusPurpose"], entry["statusSize"]) == ("message", 2)
        unsigned = credential_with(did, entry)
        result = verifier.verify_credential(issue_credential(unsigned, issuer_key, clock=NOW))
        if state is None:
            assert result.verified, result.to_json()
        else:
            assert not result.verified
            assert result.check("status").details["state"] == state
            assert state in result.check("status").message


def test_a_lifecycle_list_needs_the_minimum_entries_at_two_bits_each():
    with pytest.raises(RangeError):
        list_credential(LIST_URL, "did:example:issuer", "message", new_list(),
                        valid_from="2025-01-01T00:00:00Z", status_size=2)


def test_a_list_copy_is_hashed_once_and_the_same_as_its_bytes():
    """VerifiedLists is keyed by the list's exact bytes; a cached copy (served to every check)
    keeps its digest, and anything else that has a body is hashed as before."""
    import hashlib

    from passport_vc.fetch import Fetched
    from passport_vc.status.check import _digest

    copy = Fetched(url="https://p.example/status/1", body=b'{"a": 1}',
                   content_type="application/vc+ld+json", fetched_at=datetime.now(UTC))
    assert _digest(copy) == hashlib.sha256(b'{"a": 1}').digest()
    assert copy.body_sha256 is _digest(copy)  # made once, then reused

    @dataclass
    class OtherAnswer:
        body: str

    assert _digest(OtherAnswer('{"a": 1}')) == hashlib.sha256(b'{"a": 1}').digest()
