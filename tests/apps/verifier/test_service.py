"""VerifierService.check: every verdict with real signed credentials and a fixed clock, every
way in (JSON, JWT, SP2/SP1 QR text, presentation, interview link) and every bad input."""

from __future__ import annotations

import base64
import json
import zlib

import base45
import pytest
from verifier_world import (
    MISSING_LIST,
    NOW,
    PROVIDER,
    REVOCATION_LIST,
    SUSPENSION_LIST,
    FakeNetwork,
)

from passport_vc.errors import (
    FetchError,
    FetchForbiddenError,
    ParsingError,
    PassportError,
    TooLargeError,
)
from passport_vc.fetch import ChainFetcher, StaticFetcher
from passport_vc.issue import issue_credential_jwt
from passport_vc.qr import encode_compact
from passport_vc.trust import TrustList
from verifier.service import CheckOutcome

EXPECTED = {
    "valid": ("valid", "ok", "Valid"),
    "due-soon": ("due-soon", "warn", "Valid – due for refresh soon"),
    "expired": ("expired", "bad", "Expired"),
    "suspended": ("suspended", "bad", "Suspended"),
    "revoked": ("revoked", "bad", "Revoked"),
    "altered": ("forged", "bad", "Not genuine – signature invalid or altered"),
    "unknown-provider": ("unknown-provider", "warn", "Provider not recognised"),
    "status-unknown": ("status-unknown", "warn", "Could not check if revoked"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_verdict_from_a_real_credential(make_service, world, name):
    outcome = make_service().check(world.credentials[name])
    assert outcome.kind == "credential"
    report = outcome.credentials[0]
    state, tone, label = EXPECTED[name]
    assert (report.state, report.verdict["tone"], report.verdict["label"]) == (state, tone, label)
    assert dict(report.checklist)["Result"] == label
    assert outcome.headline["state"] == state


def test_valid_checklist_is_plain_english(make_service, world):
    report = make_service().check(world.credentials["valid"]).credentials[0]
    rows = dict(report.checklist)
    assert rows["Training"] == "Moving and handling of people"
    assert rows["Provider"].startswith("Example Care Training Ltd – recognised")
    assert "Skills for Care endorsed provider" in rows["Provider"]
    assert rows["Completed"] == "1 June 2026"
    assert rows["Valid until"] == "1 June 2027"
    assert rows["Issued to"] == "Sam Carer"
    details = dict(report.details)
    assert details["Provider's DID"] == PROVIDER
    assert details["Signing key"] == PROVIDER + "#key-1"
    assert {line.name for line in report.checks} >= {"structure", "proof", "issuer_binding",
                                                       "validity", "status", "schema"}
    assert all(line.ok for line in report.checks)
    assert any(REVOCATION_LIST in line and "checked just now" in line
               for line in report.freshness)
    assert any(SUSPENSION_LIST in line for line in report.freshness)


def test_due_soon_names_the_refresh_date(make_service, world):
    report = make_service().check(world.credentials["due-soon"]).credentials[0]
    assert "15 December 2026" in report.verdict["message"]


def test_status_fetch_failure_is_could_not_check_never_valid(make_service, world):
    report = make_service().check(world.credentials["status-unknown"]).credentials[0]
    assert report.state == "status-unknown"
    assert report.verdict["tone"] != "ok"
    status = next(line for line in report.checks if line.name == "status")
    assert status.ok is None and status.outcome == "Could not check"
    assert any("could not be reached" in line for line in report.freshness)
    assert MISSING_LIST in status.message


def test_status_list_that_fails_verification_is_could_not_check_not_revoked(make_service, world):
    tampered = json.loads(json.dumps(world.documents[REVOCATION_LIST]))
    tampered["validFrom"] = "2026-01-02T00:00:00Z"  # the list's signature no longer matches
    fetcher = ChainFetcher(StaticFetcher({REVOCATION_LIST: tampered}, fetched_at=NOW),
                           world.fetcher())
    service = make_service(network=FakeNetwork(world, fetcher))
    report = service.check(world.credentials["valid"]).credentials[0]
    assert report.state == "status-unknown"
    assert report.verdict["tone"] == "warn"


def test_unknown_provider_is_not_called_forged(make_service, world):
    report = make_service().check(world.credentials["unknown-provider"]).credentials[0]
    assert report.state == "unknown-provider"
    proof = next(line for line in report.checks if line.name == "proof")
    assert proof.ok is True
    assert "not on your trust list" in dict(report.checklist)["Provider"]


def test_employer_trust_makes_the_unknown_provider_recognised(make_service, world):
    trust = TrustList()
    from passport_vc.trust import TrustEntry

    trust.add(TrustEntry(world.stranger_key.controller, "Unheard Of Training", ("local",)))
    report = make_service(trust=trust).check(world.credentials["unknown-provider"]).credentials[0]
    assert report.state == "valid"


def test_forged_details_carry_a_warning(make_service, world):
    report = make_service().check(world.credentials["altered"]).credentials[0]
    assert dict(report.checklist)["Warning"].startswith("These details cannot be trusted")


def test_compact_qr_text_verifies(make_service, world):
    text = encode_compact(world.credentials["valid"])
    assert text.startswith("SP2:")
    outcome = make_service().check(text)
    assert outcome.source == "QR code"
    assert outcome.credentials[0].state == "valid"
    # paper printed before SP2 (no dictionary) still checks
    minified = json.dumps(world.credentials["valid"], separators=(",", ":"), ensure_ascii=False)
    old = "SP1:" + base45.b45encode(zlib.compress(b"J" + minified.encode(), 9)).decode()
    outcome = make_service().check(old)
    assert outcome.source == "QR code"
    assert outcome.credentials[0].state == "valid"


def test_json_text_and_jwt_verify(make_service, world):
    service = make_service()
    assert service.check(json.dumps(world.credentials["expired"])).credentials[0].state == \
        "expired"
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
    report = service.check(token).credentials[0]
    assert report.state == "valid"
    assert dict(report.details)["Format"].startswith("JSON Web Token")
    assert report.credential == token


def test_presentation_reports_each_credential_and_the_worst_headline(make_service, world):
    outcome = make_service().check(world.presentation(["valid", "due-soon", "revoked"]))
    assert outcome.kind == "presentation"
    assert [report.state for report in outcome.credentials] == ["valid", "due-soon", "revoked"]
    assert outcome.presentation_ok
    assert outcome.headline["tone"] == "bad"
    assert outcome.headline["label"] == "2 of 3 certificates need attention"
    assert outcome.holder == world.holder_key.controller


def test_presentation_of_someone_elses_certificate_is_flagged(make_service, world):
    outcome = make_service().check(world.presentation(["someone-else"]))
    report = outcome.credentials[0]
    assert report.verdict["label"] == "Issued to someone else"
    assert report.verdict["tone"] == "bad"


def test_presentation_challenge_is_enforced(make_service, world):
    presentation = world.presentation(["valid"], challenge="abc", domain="employer.example")
    service = make_service()
    good = service.check(presentation, challenge="abc", domain="employer.example")
    assert good.presentation_ok and good.headline["state"] == "valid"
    bad = service.check(presentation, challenge="other", domain="employer.example")
    assert not bad.presentation_ok
    assert bad.headline["tone"] == "bad"


def test_outcome_round_trips_through_json(make_service, world):
    outcome = make_service().check(world.presentation(["valid", "expired"]))
    again = CheckOutcome.from_json(json.loads(json.dumps(outcome.to_json())))
    assert again.headline == outcome.headline
    assert again.credentials[1].checklist == outcome.credentials[1].checklist
    assert again.credentials[0].checks[0].outcome == "Passed"


# --- interview links --------------------------------------------------------------------------
def _shared(world, names, url="https://wallet.example/s/abc123"):
    from passport_vc.share_links import ENVELOPE_TYPE, b64url, encrypt_presentation, new_key

    key = new_key()
    iv, ciphertext = encrypt_presentation(world.presentation(names), key)
    envelope = {"type": ENVELOPE_TYPE, "alg": "A256GCM", "iv": iv, "ciphertext": ciphertext}
    fetcher = ChainFetcher(StaticFetcher({url: envelope}, fetched_at=NOW), world.fetcher())
    return f"{url}#{b64url(key)}", FakeNetwork(world, fetcher)


def test_interview_link_is_fetched_decrypted_and_verified(make_service, world):
    link, network = _shared(world, ["valid", "expired"])
    outcome = make_service(network=network).check(link)
    assert outcome.source == "interview link"
    assert [report.state for report in outcome.credentials] == ["valid", "expired"]


def test_interview_link_with_the_wrong_key_is_refused(make_service, world):
    link, network = _shared(world, ["valid"])
    wrong = link.split("#")[0] + "#" + base64.urlsafe_b64encode(b"k" * 32).decode().rstrip("=")
    with pytest.raises(PassportError) as caught:
        make_service(network=network).check(wrong)
    assert "does not open" in caught.value.detail


def test_interview_link_without_its_key_is_refused(make_service, world):
    link, network = _shared(world, ["valid"])
    with pytest.raises(ParsingError) as caught:
        make_service(network=network).check(link.split("#")[0])
    assert "missing its key" in caught.value.detail


def test_link_to_a_foreign_host_is_refused_without_fetching(make_service, world):
    class Refuses:
        def get(self, url, *, accept=None):
            raise AssertionError("a foreign link must not be fetched")

    service = make_service(network=FakeNetwork(world, Refuses()))
    with pytest.raises(FetchForbiddenError) as caught:
        service.check("https://evil.example/s/abc#key")
    assert "evil.example" in caught.value.detail
    assert "not a wallet this service is set up to trust" in caught.value.detail


def test_expired_interview_link_says_so(make_service, world):
    with pytest.raises(FetchError) as caught:
        make_service().check("https://wallet.example/s/gone#abcdef")
    assert "expired" in caught.value.detail


def test_wallet_link_that_is_not_a_share_is_refused(make_service):
    with pytest.raises(ParsingError):
        make_service().check("https://wallet.example/account/settings#x")


# --- bad input --------------------------------------------------------------------------------
def test_credential_offer_is_for_a_wallet(make_service):
    offer = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer%2Foffer%2F1"
    with pytest.raises(ParsingError) as caught:
        make_service().check(offer)
    assert "wallet" in caught.value.detail


def test_garbage_is_a_clear_message(make_service):
    for text in ("hello there", "SP1:!!!!", "SP2:!!!!", "SP2:" + "A" * 30, "SP2:",
                 "{not json", "", "   "):
        with pytest.raises(PassportError) as caught:
            make_service().check(text)
        assert caught.value.detail and "Traceback" not in caught.value.detail


def test_oversized_input_is_refused(make_service):
    with pytest.raises(TooLargeError):
        make_service().check("SP1:" + "A" * 600_000)
    with pytest.raises(TooLargeError):
        make_service().check(b"{" + b" " * 600_000)


def test_decompression_bomb_is_refused(make_service):
    from passport_vc.qr_dictionary import sp2_dictionary

    packer = zlib.compressobj(9, zdict=sp2_dictionary())
    sp2 = packer.compress(b"J" + b" " * 2_000_000) + packer.flush()
    for bomb in ("SP1:" + base45.b45encode(zlib.compress(b"J" + b" " * 2_000_000, 9)).decode(),
                 "SP2:" + base45.b45encode(sp2).decode()):
        assert len(bomb) < 4400
        with pytest.raises(TooLargeError) as caught:
            make_service().check(bomb)
        assert "more than" in caught.value.detail


def test_binary_upload_is_refused(make_service):
    with pytest.raises(ParsingError) as caught:
        make_service().check(b"\xff\xd8\xff\xe0 binary")
    assert "not text" in caught.value.detail
