"""Open Badges 2.0 hosted and signed badges: checked with the provider's website, and an honest
"older format" verdict — never "valid" as if it were signed by a DID key."""

from __future__ import annotations

import copy

from support.ob2 import ISSUER, KEY, REVOCATIONS, ob2_site

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver
from passport_vc.fetch import StaticFetcher
from passport_vc.verdict import verdict_for
from passport_vc.verify import Verifier

NOW = fixed_clock("2026-11-24T12:00:00Z")


def check(site, given, *, documents=None):
    fetcher = StaticFetcher(site.documents if documents is None else documents, clock=NOW)
    result = Verifier(resolver=default_resolver(), fetch=fetcher, clock=NOW).verify_credential(
        given)
    return result, verdict_for(result, now=NOW())


def failed(result) -> list[str]:
    return [c.name for c in result.checks if c.ok is False]


def test_hosted_badge_is_checked_with_the_website_and_called_older_format():
    site = ob2_site()
    result, verdict = check(site, site.hosted())
    assert result.verified, result.to_json()
    assert result.facts["format"] == "ob2" and result.facts["issuer"] == ISSUER
    assert (verdict.state, verdict.tone) == ("older-format", "warn")
    assert "not signed by a key" in verdict.message
    assert result.document["credentialSubject"]["achievement"]["name"] == \
        "Infection prevention and control"
    assert any("hashed" in warning["message"] for warning in result.warnings)


def test_the_websites_copy_wins_and_a_revoked_hosted_badge_is_revoked():
    site = ob2_site()
    given = site.hosted()
    site.documents[given["id"]]["evidence"] = {"narrative": "Changed on the website"}
    result, _ = check(site, given)
    assert result.document["evidence"]["narrative"] == "Changed on the website"
    assert any("differently" in warning["message"] for warning in result.warnings)
    site.documents[given["id"]]["revoked"] = True
    result, verdict = check(site, given)
    assert failed(result) == ["status"] and verdict.state == "revoked"


def test_hosted_badge_elsewhere_or_gone_is_not_believed():
    site = ob2_site()
    foreign = site.hosted(id="https://evil.example/badges/assertion/1")
    result, verdict = check(site, foreign)
    assert failed(result) == ["issuer_binding"] and verdict.state == "forged"
    unserved = site.hosted(3)
    documents = {k: v for k, v in site.documents.items() if k != unserved["id"]}
    result, verdict = check(site, unserved, documents=documents)
    assert not result.verified and verdict.state == "status-unknown"
    assert "could not be checked" in verdict.message
    lying = copy.deepcopy(unserved)
    lying["id"] = site.hosted(4)["id"]
    site.documents[lying["id"]]["id"] = "https://moodle.college.example/other"
    result, _ = check(site, lying)
    assert failed(result) == ["proof"]


def test_signed_badge_and_its_revocation_list():
    site = ob2_site()
    token = site.signed()
    result, verdict = check(site, token)
    assert result.verified, result.to_json()
    assert result.facts["ob2_method"] == "signed" and result.facts["cryptosuite"] == "RS256"
    assert verdict.state == "older-format" and "key the provider's website" in verdict.message
    site.revoke("https://moodle.college.example/badges/assertion/2")
    result, verdict = check(site, token)
    assert failed(result) == ["status"] and verdict.state == "revoked"
    assert "Issued in error" in verdict.message
    del site.documents[ISSUER]["revocationList"]
    result, verdict = check(site, token)
    assert not result.verified and "not known whether it was revoked" in verdict.message


def test_signed_badge_tampered_wrong_algorithm_or_unlisted_key_is_refused():
    site = ob2_site()
    header, payload, signature = site.signed().split(".")
    other = site.signed(5, evidence={"narrative": "Something else"}).split(".")[1]
    result, verdict = check(site, ".".join([header, other, signature]))
    assert failed(result) == ["proof"] and verdict.state == "forged"
    site.documents[ISSUER]["publicKey"] = "https://moodle.college.example/badges/old-key.json"
    result, _ = check(site, site.signed(7))
    assert failed(result) == ["issuer_binding"]
    site.documents[KEY]["owner"] = "https://someone.example/issuer"
    assert failed(check(site, site.signed(8))[0]) == ["issuer_binding"]
    assert REVOCATIONS in site.documents


def test_none_and_hmac_algorithms_never_reach_the_crypto():
    import base64
    import json

    site = ob2_site()
    _header, payload, _signature = site.signed().split(".")
    for alg in ("none", "HS256"):
        header = base64.urlsafe_b64encode(json.dumps({"alg": alg}).encode()).rstrip(b"=")
        result, _ = check(site, header.decode() + "." + payload + ".c2ln")
        assert failed(result) == ["proof"]
        assert "not accepted" in result.check("proof").message


def test_baked_png_and_svg_badges_are_unbaked_and_checked():
    import json

    from support.ob2 import baked_png, baked_svg

    from passport_vc.baking import unbake

    site = ob2_site()
    hosted = site.hosted()
    token = site.signed()
    by_address = unbake(baked_png(hosted["id"]))  # the image holds only the address
    result, verdict = check(site, by_address)
    assert result.verified and verdict.state == "older-format"
    assert not any("differently" in w["message"] for w in result.warnings)
    assert unbake(baked_png(json.dumps(hosted))) == hosted
    assert unbake(baked_svg(token)) == token
    assert check(site, unbake(baked_svg(token)))[1].state == "older-format"
    assert unbake(baked_svg(hosted["id"], json.dumps(hosted))) == hosted


def test_images_that_are_not_badges_or_are_hostile():
    import io

    import pytest
    from PIL import Image

    from passport_vc.baking import baked_credential
    from passport_vc.errors import ParsingError, TooLargeError

    plain = io.BytesIO()
    Image.new("RGB", (8, 8)).save(plain, format="PNG")
    assert baked_credential(b'{"not": "an image"}') is None
    with pytest.raises(ParsingError, match="no badge"):
        baked_credential(plain.getvalue())
    with pytest.raises(ParsingError):
        baked_credential(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    entity_bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                   b'<svg xmlns:openbadges="http://openbadges.org">&a;</svg>')
    with pytest.raises(ParsingError):
        baked_credential(entity_bomb)
    huge = io.BytesIO()  # few bytes, many pixels: refused before its pixels are decoded
    Image.new("1", (5000, 5000)).save(huge, format="PNG")
    with pytest.raises(TooLargeError, match="too many pixels"):
        baked_credential(huge.getvalue())
