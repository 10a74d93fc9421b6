"""VP1- QR codes: texts made by Digital Bazaar's @digitalbazaar/vpqr (tests/vectors/vpqr, made
by make_fixture.py) are read back to the exact credential and verify; ours read back too."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver
from passport_vc.errors import ParsingError, TooLargeError, UnknownContextError
from passport_vc.inputs import read_unverified
from passport_vc.verify import Verifier
from passport_vc.vpqr import decode_vpqr, encode_vpqr, is_vpqr

FIXTURE = json.loads((Path(__file__).parents[1] / "vectors" / "vpqr" / "fixture.json")
                     .read_text(encoding="utf-8"))
NOW = fixed_clock("2026-11-24T12:00:00Z")


@pytest.mark.parametrize("variant", ["cbor-ld-1.0/base45", "cbor-ld-1.0/base32",
                                     "legacy-singleton/base32"])
def test_digital_bazaar_qr_text_reads_back_to_the_credential_and_verifies(variant):
    text = FIXTURE["qr"][variant]["text"]
    assert is_vpqr(text)
    assert decode_vpqr(text) == FIXTURE["vp"]
    given = read_unverified(text)
    assert given.kind == "json" and given.value == FIXTURE["vp"]
    verifier = Verifier(resolver=default_resolver(), clock=NOW, check_status=False)
    result = verifier.verify_credential(text)
    assert result.verified, result.to_json()


def test_our_encoding_reads_back_and_is_as_small_as_theirs():
    ours = encode_vpqr(FIXTURE["vp"])
    assert ours.startswith("VP1-R") and decode_vpqr(ours) == FIXTURE["vp"]
    assert len(ours) <= len(FIXTURE["qr"]["cbor-ld-1.0/base45"]["text"])


def test_legacy_range_tags_are_refused_plainly():
    import cbor2

    ranged = cbor2.dumps(cbor2.CBORTag(0x0601, {"x": 1}))
    with pytest.raises(ParsingError, match="older wallet"):
        decode_vpqr("VP1-B" + base64.b32encode(ranged).decode().rstrip("="))


def test_damaged_oversized_and_unknown_inputs():
    text = FIXTURE["qr"]["cbor-ld-1.0/base45"]["text"]
    with pytest.raises(ParsingError):
        decode_vpqr(text[:-40])
    with pytest.raises(ParsingError, match="encoding"):
        decode_vpqr("VP1-Z" + text[5:])
    with pytest.raises(ParsingError, match="damaged"):
        decode_vpqr("VP1-R" + "a" * 10)
    with pytest.raises(TooLargeError):
        decode_vpqr("VP1-R" + "0" * 5000)
    # CBOR-LD 1.0, uncompressed (entry 0), naming a context this system does not bundle: read
    # as data, but never fetched and never trusted.
    import cbor2

    foreign = cbor2.dumps(cbor2.CBORTag(0xcb1d, [0, {"@context": "https://evil.example/c",
                                                     "type": "VerifiableCredential"}]))
    uncompressed = decode_vpqr("VP1-B" + base64.b32encode(foreign).decode().rstrip("="))
    assert uncompressed["@context"] == "https://evil.example/c"
    result = Verifier(resolver=default_resolver(), clock=NOW).verify_credential(uncompressed)
    assert [c.name for c in result.checks if c.ok is False] == ["structure"]
    with pytest.raises(UnknownContextError):
        encode_vpqr(uncompressed)
