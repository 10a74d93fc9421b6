"""Who is asking (wallet/employers.py): before sharing with an employer the worker sees the
website the request proves (OpenID4VP) or that they typed (check code), whether it is on the
wallet's list of known employers, and the share is written to their activity log."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.live import free_port, live_server
from wallet_support import PASSWORD, Provider, post, sign_in

from passport_vc.errors import MalformedValueError
from passport_web.network import NetworkSettings
from wallet import create_app
from wallet.config import WalletConfig
from wallet.employers import KnownEmployers, normalise_host


def _known_file(tmp_path: Path, *hosts: tuple[str, str]) -> Path:
    path = tmp_path / "known-employers.json"
    path.write_text(json.dumps({"name": "Test employers", "employers": [
        {"host": host, "name": name} for host, name in hosts]}), encoding="utf-8")
    return path


# --- the list ---------------------------------------------------------------------------------
def test_hosts_are_normalised_and_looked_up(tmp_path):
    known = KnownEmployers.load(_known_file(tmp_path, ("Rosewood.Example", "Rosewood Care Home"),
                                            ("localhost:5003", "Demo employer")))
    assert known.ask("rosewood.example", proven=True).display_name == "Rosewood Care Home"
    assert known.ask("https://ROSEWOOD.example/", proven=False).known
    assert known.ask("localhost:5003", proven=False).employer.name == "Demo employer"
    stranger = known.ask("evil.example", proven=True)
    assert not stranger.known and stranger.display_name == "evil.example"
    assert "not on the list" in stranger.describe()
    assert KnownEmployers.load(None).by_host == {}
    for bad in ("", "a b", "https://x.example/path", "x.example:99999", "u@x.example", 5):
        assert normalise_host(bad) is None


@pytest.mark.parametrize("data", [[], {"employers": [{"host": "x.example"}]},
                                  {"employers": [{"host": "/", "name": "X"}]},
                                  {"employers": "x"}])
def test_a_bad_list_is_refused_plainly(data):
    with pytest.raises(MalformedValueError):
        KnownEmployers.from_json(data)


# --- check code: a confirmation step with the panel ------------------------------------------
@pytest.fixture
def known_app(tmp_path, database_url, clock, network):
    path = _known_file(tmp_path, ("rosewood.example", "Rosewood Care Home"))
    app = create_app(WalletConfig.for_tests(database_url, clock=clock,
                                            known_employers_path=path), network=network)
    yield app
    app.extensions["wallet"].db.dispose()


def test_check_code_share_shows_who_is_asking_first_and_logs_it(known_app, network):
    service = known_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    provider = Provider(network)
    for course in ("moving-and-handling", "fire-safety"):
        service.add_credential(account.id, provider.issue(course, holder=account.did)[0])
    client = known_app.test_client()
    sign_in(client, "amina")
    form = {"what": "all-current", "hours": "24", "challenge": "K7Q-42",
            "domain": "Rosewood.example"}
    confirm = post(client, "/share", form, token_from="/share")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Check who you are sharing with" in page
    assert re.search(r'id="asker-name">Rosewood Care Home<', page)
    assert 'id="asker-host">rosewood.example' in page and "Typed by you" in page
    assert "Share with Rosewood Care Home" in page
    assert service.shares(account.id) == []  # nothing shared yet
    done = post(client, "/share", {**form, "confirmed": "yes"}, token_from="/share")
    assert done.status_code == 200 and service.shares(account.id)[0].domain == "Rosewood.example"
    event = next(e for e in service.activity(account.id) if e["action"] == "share-created")
    assert "Rosewood Care Home (rosewood.example, on the list of known employers)" in \
        event["detail"]
    assert "Moving and handling of people" in event["detail"] and "Fire safety" in event["detail"]

    unknown = post(client, "/share", {**form, "domain": "other.example"}, token_from="/share")
    text = unknown.get_data(as_text=True)
    assert "Not known to this wallet" in text and "not on the list of known employers" in text
    bad = post(client, "/share", {**form, "domain": "not a website"}, token_from="/share")
    assert bad.status_code == 422 and "employer&#39;s website" in bad.get_data(as_text=True)


def test_share_without_a_check_code_has_no_extra_step(known_app, network):
    service = known_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, Provider(network).issue(holder=account.did)[0])
    client = known_app.test_client()
    sign_in(client, "amina")
    made = post(client, "/share", {"what": "all-current", "hours": "24"}, token_from="/share")
    assert made.status_code == 200 and len(service.shares(account.id)) == 1


# --- OpenID4VP: the consent page shows the proven host and the list ---------------------------
@pytest.fixture
def verifier_and_known_wallet(tmp_path, clock, network):
    from passport_vc.trust import TrustEntry, TrustList
    from verifier import create_app as verifier_app
    from verifier.config import VerifierConfig
    from verifier.service import VerifierService

    port = free_port()
    base = f"http://localhost:{port}"
    provider = Provider(network)
    verifier = verifier_app(VerifierConfig.for_tests(
        f"sqlite:///{tmp_path / 'verifier.db'}", clock=clock, public_url=base,
        instance_dir=tmp_path / "verifier"))
    state = verifier.extensions["verifier"]
    trust = TrustList("Test providers")
    trust.add(TrustEntry(provider.did, provider.name, ("skills-for-care-endorsed",),
                         datetime(2020, 1, 1, tzinfo=UTC)))
    state.service = VerifierService(state.db, state.config, network, trust)
    verifier.config["WTF_CSRF_ENABLED"] = False
    wallet = create_app(WalletConfig.for_tests(
        f"sqlite:///{tmp_path / 'wallet.db'}", clock=clock,
        known_employers_path=_known_file(tmp_path, (f"localhost:{port}", "Rosewood Care Home")),
        network=NetworkSettings(http_hosts=frozenset({f"localhost:{port}"}))), network=network)
    try:
        with live_server(verifier, port=port):
            yield verifier, wallet, provider, base
    finally:
        wallet.extensions["wallet"].db.dispose()
        state.db.dispose()


def _employer_link(verifier) -> str:
    employer = verifier.test_client()
    page = employer.get(employer.post("/oid4vp").headers["Location"]).get_data(as_text=True)
    return re.search(r'href="(openid4vp://[^"]+)"', page).group(1).replace("&amp;", "&")


def test_openid4vp_consent_shows_the_known_employer_and_logs_the_share(
        verifier_and_known_wallet):
    verifier, wallet, provider, base = verifier_and_known_wallet
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue("fire-safety", holder=account.did)[0])
    worker = wallet.test_client()
    sign_in(worker, "amina")
    consent = post(worker, "/answer", {"request": _employer_link(verifier)}, token_from="/answer")
    page = consent.get_data(as_text=True)
    assert "Rosewood Care Home asks for your training" in page
    host = base.removeprefix("http://")
    assert f'id="asker-host">{host}' in page
    assert 'id="asker-known"><strong class="govuk-tag govuk-tag--green">Yes' in page
    # plain http (local use) proves nothing about the site: not shown as confirmed
    assert "Confirmed" not in page.split('id="asker-host"')[1].split("</dd>")[0]
    ticked = re.findall(r'name="credentials" type="checkbox" value="([^"]+)" checked', page)
    assert post(worker, "/answer/send", {"credentials": ticked},
                token_from="/answer").status_code == 200
    event = next(e for e in service.activity(account.id) if e["action"] == "shared")
    assert f"Rosewood Care Home ({host}, on the list of known employers)" in event["detail"]
    assert "Fire safety" in event["detail"]
    assert "shared" in worker.get("/activity").get_data(as_text=True)
