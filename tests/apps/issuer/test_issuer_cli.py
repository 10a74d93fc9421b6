"""``passport issuer …`` in-process through passport_cli.main.main, configured the way an operator
configures it: environment variables."""

from __future__ import annotations

import json

import pytest

from passport_cli.main import main
from passport_vc.keys.storage import generate_master_key


@pytest.fixture
def environment(monkeypatch, sqlite_url, tmp_path):
    values = {"DATABASE_URL": sqlite_url, "PASSPORT_MASTER_KEY": generate_master_key(),
              "SECRET_KEY": "test-secret", "PUBLIC_URL": "http://localhost:5001",
              "ISSUER_INSTANCE": str(tmp_path / "instance"),
              "PASSPORT_DID_DOCUMENTS_OUT": str(tmp_path / "did-documents"),
              "ISSUER_PASSWORD": "correct horse battery"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def test_cli_sets_up_a_provider_and_imports(environment, capsys):
    assert main(["issuer", "init"]) == 0
    assert main(["issuer", "add-provider", "acme", "Acme Care Training"]) == 0
    out = capsys.readouterr().out
    assert "did:web:localhost%3A5001:providers:acme" in out
    document = environment / "did-documents" / "localhost%3A5001" / "providers" / "acme" / \
        "did.json"
    assert json.loads(document.read_text())["id"] == "did:web:localhost%3A5001:providers:acme"
    assert main(["issuer", "add-user", "ann@acme.example", "--provider", "acme"]) == 0
    assert main(["issuer", "add-user", "ann@acme.example", "--provider", "acme"]) == 1
    assert "already exists" in capsys.readouterr().err

    csv_file = environment / "cohort.csv"
    csv_file.write_text("name,course,completed\nSam,fire-safety,2026-01-02\n"
                        "Kim,fire-safety,2026-01-03\nBad,fire-safety,never\n")
    errors = environment / "problems.csv"
    assert main(["issuer", "import", str(csv_file), "--provider", "acme",
                 "--errors", str(errors)]) == 3
    captured = capsys.readouterr()
    assert "2 issued, 0 already issued, 1 with problems" in captured.out
    assert "Issuing [" in captured.err and "2/2" in captured.err  # progress bar on stderr
    assert "line 4" in captured.err and errors.read_text().count("\n") == 2
    assert main(["issuer", "import", str(csv_file), "--provider", "acme"]) == 3
    assert "0 issued, 2 already issued" in capsys.readouterr().out

    assert main(["issuer", "rotate-key", "--provider", "acme"]) == 0
    assert "#key-2" in capsys.readouterr().out
    assert main(["issuer", "add-token", "--provider", "acme"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("spi_")


def test_cli_revoke_and_errors(environment, capsys):
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_web.sql import Database

    assert main(["issuer", "add-provider", "acme", "Acme Care Training"]) == 0
    config = IssuerConfig.from_env()
    database = Database(config.database_url, metadata)
    service = IssuerService(database, config)
    from datetime import date

    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam",
                           completed=date(2026, 1, 2))
    assert main(["issuer", "revoke", record.id, "--reason", "Issued in error"]) == 0
    assert service.register.record(record.id).state == "revoked"
    assert main(["issuer", "revoke", record.id, "--reason", "again"]) == 1
    assert main(["issuer", "import", "missing.csv", "--provider", "acme"]) == 1
    assert "There is no file called missing.csv" in capsys.readouterr().err
    assert main(["issuer", "rotate-key", "--provider", "nobody"]) == 1
    database.dispose()
