"""`passport verifier init | add-user | recheck` through the real entry point."""

from __future__ import annotations

import json

import pytest

from passport_cli.main import main
from verifier import build_state
from verifier.accounts import add_user, authenticate
from verifier.config import VerifierConfig
from verifier.records import add_staff, all_records, save_record


@pytest.fixture
def env(monkeypatch, tmp_path, world):
    monkeypatch.setenv("VERIFIER_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("PASSPORT_OFFLINE", "1")  # nothing is fetched: status lists unreachable
    monkeypatch.setenv("PASSPORT_DID_DOCUMENTS", str(world.did_documents))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PASSPORT_HTTP_HOSTS", raising=False)
    return monkeypatch


def test_init_creates_the_database_in_the_instance_folder(env, tmp_path, capsys):
    assert main(["verifier", "init"]) == 0
    assert (tmp_path / "instance" / "verifier.db").is_file()
    assert "Verifier ready" in capsys.readouterr().out


def test_add_user_creates_the_organisation_and_a_working_login(env, tmp_path, capsys):
    env.setenv("VERIFIER_PASSWORD", "a long enough password")
    assert main(["verifier", "add-user", "--organisation", "Sunny Care", "--email",
                 "Boss@Sunny.example", "--name", "Pat Boss", "--role", "manager"]) == 0
    assert "Added Pat Boss <boss@sunny.example> as manager of Sunny Care" in \
        capsys.readouterr().out
    state = build_state(VerifierConfig.from_env())
    user = authenticate(state.db, "boss@sunny.example", "a long enough password",
                        state.service.clock)
    assert user.is_manager and user.organisation_name == "Sunny Care"
    # the same email twice is refused plainly
    assert main(["verifier", "add-user", "--organisation", "Sunny Care", "--email",
                 "boss@sunny.example", "--name", "Again"]) == 1
    assert "already an account" in capsys.readouterr().err
    env.setenv("VERIFIER_PASSWORD", "short")
    assert main(["verifier", "add-user", "--organisation", "X", "--email", "x@x.example",
                 "--name", "X"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err


def test_recheck_reports_changes(env, database_url, world, make_service, tmp_path, capsys):
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(json.dumps(world.trust.to_json()))
    env.setenv("VERIFIER_TRUST_LIST", str(trust_file))
    env.setenv("DATABASE_URL", database_url)
    state = build_state(VerifierConfig.from_env())
    user = add_user(state.db, organisation="Sunny Care", email="m@sunny.example", name="M",
                    role="manager", password="a long enough password", clock=world.clock)
    staff_id = add_staff(state.db, user.organisation_id, "Sam Carer", "", world.clock)
    online = make_service(state.db)
    for name in ("valid", "unknown-provider"):
        report = online.check(world.credentials[name]).credentials[0]
        save_record(state.db, user.organisation_id, user.id, staff_id, report, world.clock)
    assert main(["verifier", "recheck"]) == 0
    out = capsys.readouterr().out
    assert "Checked 2 saved certificates again." in out
    # offline now: the status list cannot be fetched, and that is reported as a change
    assert "CHANGED  Sam Carer: Moving and handling of people: valid -> status-unknown" in out
    states = {record.title: (record.state, record.previous_state)
              for record in all_records(state.db, user.organisation_id)}
    assert states["Moving and handling of people"] == ("status-unknown", "valid")
    assert states["Communication"][1] is None  # unchanged
    state.db.dispose()
