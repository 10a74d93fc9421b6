"""Offline trust bundles: made online, then used with no network by the service and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask, jsonify
from support.live import live_server
from verifier_world import NOW, PROVIDER, REVOCATION_LIST, SUSPENSION_LIST

from passport_cli.main import main
from passport_vc.clock import fixed_clock
from passport_vc.errors import MalformedValueError, PassportError
from passport_vc.trust import TrustEntry, TrustList
from verifier.bundle import load_bundle, make_bundle, parse_bundle, time_ago, write_bundle

LATER = NOW + timedelta(days=3)


@pytest.fixture
def bundle_file(world, tmp_path):
    lines: list[str] = []
    bundle = make_bundle([PROVIDER], [REVOCATION_LIST, SUSPENSION_LIST], world.trust,
                         world.network(), world.clock, progress=lines.append)
    assert any(line.startswith("Resolving did:web:training.example") for line in lines)
    assert any("2 status lists" in line for line in lines)
    path = tmp_path / "bundle.json"
    write_bundle(bundle, path)
    return path


def test_bundle_holds_pinned_documents_lists_and_trust(bundle_file):
    data = json.loads(bundle_file.read_text())
    assert data["type"] == "SkillsPassportTrustBundle" and data["version"] == 1
    assert data["created"] == "2026-11-24T12:00:00Z"
    assert data["did_documents"][PROVIDER]["id"] == PROVIDER
    assert set(data["status_lists"]) == {REVOCATION_LIST, SUSPENSION_LIST}
    assert data["status_lists"][REVOCATION_LIST]["body"]["type"][1] == \
        "BitstringStatusListCredential"
    assert data["trust_list"]["entries"][0]["did"] == PROVIDER


def test_offline_bundle_verifies_and_says_how_old_it_is(bundle_file, world):
    bundle = load_bundle(bundle_file, clock=fixed_clock(LATER))
    assert bundle.age_text() == "3 days ago"
    verifier = bundle.verifier()
    result = verifier.verify_credential(world.credentials["valid"])
    assert result.verified
    assert all(item["from_cache"] for item in result.facts["status"])
    assert result.facts["status"][0]["fetched_at"] == "2026-11-24T12:00:00Z"
    revoked = verifier.verify_credential(world.credentials["revoked"])
    assert revoked.check("status").ok is False


def test_offline_list_missing_from_bundle_is_could_not_check(bundle_file, world, make_service):
    bundle = load_bundle(bundle_file, clock=fixed_clock(LATER))
    service = make_service(bundle=bundle)
    report = service.check(world.credentials["status-unknown"]).credentials[0]
    assert report.state == "status-unknown"
    valid = service.check(world.credentials["valid"])
    assert valid.credentials[0].state == "valid"
    assert valid.bundle_note.startswith("Trust bundle made 3 days ago")
    assert any("from the trust bundle (made 3 days ago)" in line
               for line in valid.credentials[0].freshness)


def test_bundle_trust_list_recognises_providers(bundle_file, world, make_service):
    bundle = load_bundle(bundle_file, clock=fixed_clock(LATER))
    service = make_service(bundle=bundle, trust=TrustList())
    assert service.check(world.credentials["valid"]).credentials[0].state == "valid"


def test_passport_verify_offline_uses_the_bundle(bundle_file, world, tmp_path, capsys):
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(world.credentials["valid"]))
    code = main(["verify", str(credential), "--offline", str(bundle_file),
                 "--now", "2026-11-27T12:00:00Z"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Trust bundle made 3 days ago" in out
    assert "VERIFIED" in out
    revoked = tmp_path / "revoked.json"
    revoked.write_text(json.dumps(world.credentials["revoked"]))
    assert main(["verify", str(revoked), "--offline", str(bundle_file),
                 "--now", "2026-11-27T12:00:00Z"]) == 1


def test_explicit_did_must_resolve(world):
    with pytest.raises(PassportError):
        make_bundle(["did:web:nowhere.example"], [], None, world.network(), world.clock)


def test_trust_list_providers_that_do_not_resolve_are_reported(world):
    trust = TrustList()
    trust.add(TrustEntry("did:web:nowhere.example", "Gone Ltd"))
    lines: list[str] = []
    bundle = make_bundle([], [], trust, world.network(), world.clock, progress=lines.append)
    assert bundle["did_documents"] == {}
    assert any(line.startswith("Skipped did:web:nowhere.example") for line in lines)


@pytest.mark.parametrize("data, message", [
    ([], "not a Skills Passport trust bundle"),
    ({"type": "Other"}, "not a Skills Passport trust bundle"),
    ({"type": "SkillsPassportTrustBundle", "version": 9, "created": "2026-01-01T00:00:00Z"},
     "version 9"),
    ({"type": "SkillsPassportTrustBundle", "version": 1, "created": "2026-01-01T00:00:00Z",
      "did_documents": {"did:web:a.example": {"id": "did:web:b.example"}}}, "DID document"),
    ({"type": "SkillsPassportTrustBundle", "version": 1, "created": "2026-01-01T00:00:00Z",
      "status_lists": {"https://a.example/s": {"body": 5}}}, "copy of"),
])
def test_bad_bundles_are_refused_plainly(data, message):
    with pytest.raises(MalformedValueError) as caught:
        parse_bundle(data)
    assert message in caught.value.detail


def test_unreadable_bundle_files(tmp_path):
    with pytest.raises(PassportError) as caught:
        load_bundle(tmp_path / "missing.json")
    assert "could not be read" in caught.value.detail
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(MalformedValueError):
        load_bundle(broken)


def test_time_ago_wording():
    assert time_ago(NOW, NOW + timedelta(seconds=20)) == "just now"
    assert time_ago(NOW, NOW + timedelta(minutes=2)) == "2 minutes ago"
    assert time_ago(NOW, NOW + timedelta(hours=1)) == "1 hour ago"
    assert time_ago(NOW, NOW + timedelta(days=40)) == "1 month ago"
    assert time_ago(NOW + timedelta(hours=2), NOW).startswith("in the future")


def test_cli_bundle_fetches_over_the_network(world, tmp_path, monkeypatch, capsys):
    """`passport verifier bundle` against a loopback server (http allowed for that host only)."""
    app = Flask("status-server")

    @app.get("/status/revocation")
    def revocation():
        return jsonify(world.documents[REVOCATION_LIST])

    with live_server(app) as base:
        host = base.removeprefix("http://")
        monkeypatch.setenv("PASSPORT_HTTP_HOSTS", host)
        monkeypatch.setenv("PASSPORT_DID_DOCUMENTS", str(world.did_documents))
        trust_file = tmp_path / "trust.json"
        trust_file.write_text(json.dumps(world.trust.to_json()))
        output = tmp_path / "bundle.json"
        code = main(["verifier", "bundle", "--did", PROVIDER,
                     "--status-url", f"{base}/status/revocation",
                     "--trust-list", str(trust_file), "-o", str(output)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"Fetching status list {base}/status/revocation" in out
    assert f"Wrote {output}" in out
    data = json.loads(output.read_text())
    assert data["did_documents"][PROVIDER]["id"] == PROVIDER
    assert data["status_lists"][f"{base}/status/revocation"]["body"]["id"] == REVOCATION_LIST


def test_cli_bundle_needs_something_to_pin(tmp_path, capsys):
    assert main(["verifier", "bundle", "-o", str(tmp_path / "b.json")]) == 2
    assert "Name at least one" in capsys.readouterr().err


def test_web_page_runs_from_a_bundle_and_says_so(bundle_file, make_app, sqlite_url, world):
    app = make_app(sqlite_url, bundle_path=bundle_file, clock=fixed_clock(LATER))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert "Offline mode. Trust bundle made 3 days ago" in client.get("/").get_data(as_text=True)
    page = client.post("/check", data={"payload": json.dumps(world.credentials["valid"])})
    text = page.get_data(as_text=True)
    assert "Result: Valid" in text
    assert "Checked offline. Trust bundle made 3 days ago" in text
    assert "from the trust bundle (made 3 days ago)" in text
