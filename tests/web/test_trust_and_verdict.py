from datetime import UTC, datetime

import pytest

from passport_vc.errors import MalformedValueError
from passport_vc.result import VerificationResult
from passport_vc.trust import TrustList
from passport_vc.verdict import verdict_for

NOW = datetime(2026, 11, 24, tzinfo=UTC)
TRUST = TrustList.from_json({"entries": [
    {"did": "did:web:college.example", "name": "Northfield College",
     "recognised_for": ["ofqual-awarding-organisation"], "since": "2024-01-01T00:00:00Z"},
    {"did": "did:web:old.example", "name": "Old Provider", "until": "2025-01-01T00:00:00Z"}]})


def _result(*checks, issuer="did:web:college.example", valid_until=None):
    result = VerificationResult("credential")
    result.facts.update(issuer=issuer, valid_until=valid_until)
    for name, ok, details in checks:
        if ok is True:
            result.passed(name, f"{name} fine")
        elif ok is False:
            result.failed(name, f"{name} failed", **details)
        else:
            result.unknown(name, f"{name} unknown")
    return result


GOOD = [("structure", True, {}), ("proof", True, {}), ("issuer_binding", True, {}),
        ("validity", True, {})]


def test_valid_trusted():
    verdict = verdict_for(_result(*GOOD, ("status", True, {})), now=NOW, trust=TRUST)
    assert verdict.state == "valid" and "Northfield College" in verdict.trusted_as


def test_order_forged_beats_expired_and_unknown_provider():
    result = _result(("structure", True, {}), ("proof", False, {}),
                     ("validity", False, {"state": "expired"}), issuer="did:web:nobody")
    assert verdict_for(result, now=NOW, trust=TRUST).state == "forged"


@pytest.mark.parametrize(("checks", "state"), [
    ([("status", False, {"state": "revoked"})], "revoked"),
    ([("status", False, {"state": "suspended"})], "suspended"),
    ([("status", None, {})], "status-unknown"),
    ([("status", False, {})], "status-unknown"),  # the list itself failed its checks
])
def test_status_states(checks, state):
    assert verdict_for(_result(*GOOD, *checks), now=NOW, trust=TRUST).state == state


def test_expired_and_due_soon_and_unknown_provider():
    expired = _result(*GOOD[:3], ("validity", False, {"state": "expired"}))
    assert verdict_for(expired, now=NOW, trust=TRUST).state == "expired"
    soon = _result(*GOOD, valid_until="2026-12-20T00:00:00Z")
    verdict = verdict_for(soon, now=NOW, trust=TRUST)
    assert verdict.state == "due-soon" and "20 December 2026" in verdict.message
    stranger = _result(*GOOD, issuer="did:web:stranger.example")
    assert verdict_for(stranger, now=NOW, trust=TRUST).state == "unknown-provider"
    lapsed = _result(*GOOD, issuer="did:web:old.example")
    assert verdict_for(lapsed, now=NOW, trust=TRUST).state == "unknown-provider"
    assert verdict_for(stranger, now=NOW, trust=None).state == "valid"


def test_trust_list_errors_name_the_entry():
    with pytest.raises(MalformedValueError) as caught:
        TrustList.from_json({"entries": [{"did": "did:web:a", "name": "A"}, {"name": "B"}]})
    assert caught.value.path == "entries[1].did"


def _claiming(name, issuer):
    result = _result(*GOOD, ("status", True, {}), issuer=issuer)
    result.document = {"issuer": {"id": issuer, "name": name}}
    return result


def test_the_headline_is_the_trust_list_name_not_the_claimed_one():
    trusted = verdict_for(_claiming("Totally Real College", "did:web:college.example"),
                          now=NOW, trust=TRUST)
    assert trusted.provider == "Northfield College"
    impostor = verdict_for(_claiming("Northfield College", "did:web:impostor.example"),
                           now=NOW, trust=TRUST)
    assert impostor.state == "unknown-provider"
    assert impostor.provider == "Claims to be Northfield College — not on your trust list"
    assert "not issued by that provider" in impostor.message
    stranger = verdict_for(_claiming("Someone New", "did:web:new.example"), now=NOW, trust=TRUST)
    assert stranger.provider == "Claims to be Someone New — not on your trust list"
    assert "not issued by that provider" not in stranger.message
    assert verdict_for(_claiming(None, "did:web:new.example"), now=NOW, trust=TRUST).provider \
        == "An unnamed provider — not on your trust list"
