"""Lone surrogates (``"\\ud800"``) are valid JSON but not text: refused where JSON is read.

Finding 2 of issue 10: they reached UTF-8 encoding inside hashing and canonicalization (500s).
Every reader goes through ``passport_vc.inputs.parse_json`` / ``check_shape``.
"""

from __future__ import annotations

import base64
import json

import pytest

from passport_vc.errors import ParsingError
from passport_vc.inputs import check_shape, parse_json, read_unverified

LONE = ["\\ud800", "\\udfff", "\\udc00x", "a\\ud83d", "\\ud83d\\ud83d"]


@pytest.mark.parametrize("escape", LONE)
def test_parse_json_refuses_a_lone_surrogate_in_a_value(escape):
    with pytest.raises(ParsingError, match="broken character"):
        parse_json('{"name": "' + escape + '"}')


@pytest.mark.parametrize("escape", LONE)
def test_parse_json_refuses_a_lone_surrogate_in_a_key(escape):
    with pytest.raises(ParsingError, match="broken character"):
        parse_json('{"' + escape + '": 1}')


def test_a_proper_pair_is_text():
    assert parse_json('{"name": "\\ud83d\\ude00"}') == {"name": "\U0001f600"}


def test_objects_given_directly_are_checked_too():
    with pytest.raises(ParsingError):
        check_shape({"a": [{"b": "\ud800"}]})
    with pytest.raises(ParsingError):
        read_unverified({"\udfff": 1})


def _jwt(header: dict, payload: str) -> str:
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return part(json.dumps(header).encode()) + "." + part(payload.encode()) + ".c2ln"


def test_jwt_parts_are_read_strictly():
    from passport_vc.proofs.jose import read_unverified as read_jwt

    with pytest.raises(ParsingError):
        read_jwt(_jwt({"alg": "EdDSA"}, '{"iss": "\\ud800"}'))


def test_the_verifier_reports_a_structure_failure(verifier, signed):
    import copy

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Ann \ud800"
    result = verifier.verify_credential(tampered)
    assert not result.verified and result.check("structure").ok is False
    text = json.dumps(tampered)
    result = verifier.verify_credential(text)
    assert not result.verified and result.check("structure").ok is False


def test_qr_payload_with_a_surrogate_is_refused():
    import zlib

    import base45

    from passport_vc.qr import decode_compact

    payload = b'J{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "\\ud800"}'
    from passport_vc.qr_dictionary import sp2_dictionary

    packer = zlib.compressobj(9, zdict=sp2_dictionary())
    for text in ("SP1:" + base45.b45encode(zlib.compress(payload)).decode(),
                 "SP2:" + base45.b45encode(packer.compress(payload) + packer.flush()).decode()):
        with pytest.raises(ParsingError):
            decode_compact(text)
        with pytest.raises(ParsingError):
            read_unverified(text)


def test_fetched_did_documents_and_status_lists_are_read_strictly():
    from datetime import UTC, datetime

    from passport_vc.did import default_resolver
    from passport_vc.errors import DidResolutionError, StatusRetrievalError
    from passport_vc.fetch import StaticFetcher
    from passport_vc.result import VerificationResult
    from passport_vc.status import check_status

    body = b'{"id": "did:web:x.example", "verificationMethod": [], "name": "\\udc00"}'
    fetcher = StaticFetcher({"https://x.example/.well-known/did.json": body,
                             "https://x.example/status/1": body})
    with pytest.raises(DidResolutionError):
        default_resolver(fetcher=fetcher).resolve("did:web:x.example")
    document = {"issuer": "did:web:x.example", "credentialStatus": {
        "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "3", "statusListCredential": "https://x.example/status/1"}}
    with pytest.raises(StatusRetrievalError):
        check_status(document, fetch=fetcher, clock=lambda: datetime.now(UTC),
                     verify_list_credential=lambda d: VerificationResult("credential"))


# --- the same reader refuses the other places where JSON readers disagree --------------------
@pytest.mark.parametrize("text, words", [
    ('{"name": "Evil", "name": "Ann"}', "'name' twice"),
    ('{"a": {"id": 1, "id": 1}}', "'id' twice"),
    ('{"hours": NaN}', "NaN"), ('{"hours": Infinity}', "Infinity"),
    ('{"hours": -Infinity}', "Infinity"), ('{"hours": 1e400}', "too large"),
    ('{"hours": ' + "9" * 5000 + "}", "not valid JSON"),
])
def test_parse_json_refuses_ambiguous_json(text, words):
    with pytest.raises(ParsingError, match=words):
        parse_json(text)


def test_a_signed_credential_with_a_duplicated_name_is_refused(verifier, signed):
    text = json.dumps(signed)
    smuggled = text.replace('"name": "Ann Smith"', '"name": "Someone Else", "name": "Ann Smith"')
    assert smuggled != text
    result = verifier.verify_credential(smuggled)
    assert not result.verified and result.check("structure").ok is False
