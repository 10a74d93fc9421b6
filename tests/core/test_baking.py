"""Baked badges (Open Badges 3.0 §5.3): a signed credential round-trips through PNG and SVG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from passport_vc.baking import bake_png, bake_svg, unbake, unbake_png, unbake_svg
from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver, did_key_from_public_key, verification_method_for
from passport_vc.errors import ParsingError
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.keys import PrivateKey
from passport_vc.verify import Verifier

CLOCK = fixed_clock("2026-06-01T12:00:00Z")
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<circle r="4" cx="5" cy="5"/></svg>')


@pytest.fixture(scope="module")
def signed() -> dict:
    private = PrivateKey.generate()
    did = did_key_from_public_key(private.public_key)
    return issue_credential({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"], "issuer": did,
        "credentialSubject": {"id": "did:example:worker", "name": "Sam <& \"Patel\">"}},
        IssuerKey(private, verification_method_for(did)), clock=CLOCK)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, format="PNG")
    return out.getvalue()


def test_png_round_trip_keeps_the_signature_and_the_picture(signed):
    baked = bake_png(_png(), signed)
    assert b"iTXtopenbadges" in baked
    assert unbake_png(baked) == signed == unbake(baked)
    assert Image.open(io.BytesIO(baked)).getpixel((0, 0)) == (0, 128, 128)
    verifier = Verifier(resolver=default_resolver(), clock=CLOCK)
    assert verifier.verify_credential(unbake(baked)).verified
    # baking again replaces the credential rather than adding a second one
    assert unbake_png(bake_png(baked, "eyJh.eyJi.c2ln")) == "eyJh.eyJi.c2ln"


def test_svg_round_trip_for_json_and_jwt(signed):
    baked = bake_svg(SVG, signed)
    assert b"openbadges:credential" in baked and b"https://purl.imsglobal.org/ob/v3p0" in baked
    assert unbake_svg(baked) == signed == unbake(baked)
    assert unbake_svg(bake_svg(baked, "eyJh.eyJi.c2ln")) == "eyJh.eyJi.c2ln"


@pytest.mark.parametrize("image", [
    b"not an image", _png(), SVG,
    b'<!DOCTYPE x [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    b"<html/>",
])
def test_images_without_a_usable_credential_are_a_plain_parsing_error(image):
    with pytest.raises(ParsingError):
        unbake(image)
