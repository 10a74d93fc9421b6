"""Master-key rotation: every sealed key moves to the new master key in one transaction; the
services then sign with the same keys; a wrong old key changes nothing."""

from __future__ import annotations

import os
from datetime import date

import pytest

from passport_cli.main import main
from passport_vc.errors import CryptographicSecurityError
from passport_vc.keys.storage import generate_master_key, open_private_key, parse_master_key


@pytest.fixture
def issuer_env(monkeypatch, database_url, tmp_path):
    values = {"DATABASE_URL": database_url, "PASSPORT_MASTER_KEY": generate_master_key(),
              "SECRET_KEY": "test-secret", "PUBLIC_URL": "http://localhost:5001",
              "ISSUER_INSTANCE": str(tmp_path / "instance"),
              "PASSPORT_DID_DOCUMENTS_OUT": str(tmp_path / "did-documents")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _issuer_service():
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_web.sql import Database

    config = IssuerConfig.from_env()
    database = Database(config.database_url, metadata)
    database.upgrade("issuer")
    return IssuerService(database, config)


def _sealed_rows(service):
    from sqlalchemy import select

    from issuer.storage import provider_keys

    with service.db.reading() as session:
        return session.execute(select(provider_keys.c.vm_id, provider_keys.c.sealed_private)
                               ).all()


def test_issuer_keys_move_to_the_new_master_key(issuer_env, monkeypatch, tmp_path, capsys):
    service = _issuer_service()
    service.providers.create_provider("Acme Care Training", "acme")
    service.providers.rotate_key("acme")
    before = _sealed_rows(service)
    service.db.dispose()
    new_key = generate_master_key()
    key_file = tmp_path / "new.key"
    key_file.write_text(new_key)
    assert main(["issuer", "rotate-master-key", "--new-key-file", str(key_file)]) == 0
    # the retired key-1 keeps no private key at all; the signing key-2 moves
    assert "1 provider key is now sealed" in capsys.readouterr().out

    monkeypatch.setenv("PASSPORT_MASTER_KEY", new_key)
    service = _issuer_service()
    after = _sealed_rows(service)
    assert [row.vm_id for row in after] == [row.vm_id for row in before]
    for old, new in zip(before, after, strict=True):
        if old.sealed_private is None:
            assert new.sealed_private is None
            continue
        assert old.sealed_private != new.sealed_private
        reopened = open_private_key(new.sealed_private, parse_master_key(new_key),
                                    context=new.vm_id)
        assert reopened.public_key == open_private_key(
            old.sealed_private, parse_master_key(issuer_env["PASSPORT_MASTER_KEY"]),
            context=old.vm_id).public_key
        with pytest.raises(CryptographicSecurityError):
            open_private_key(new.sealed_private, parse_master_key(
                issuer_env["PASSPORT_MASTER_KEY"]), context=new.vm_id)
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026,
                                                                                              1, 2))
    assert record.document["proof"][0]["verificationMethod"].endswith("#key-2")
    service.db.dispose()


def test_a_wrong_current_master_key_changes_nothing(issuer_env, monkeypatch, tmp_path, capsys):
    service = _issuer_service()
    service.providers.create_provider("Acme Care Training", "acme")
    before = _sealed_rows(service)
    service.db.dispose()
    monkeypatch.setenv("PASSPORT_MASTER_KEY", generate_master_key())  # not the one in use
    monkeypatch.setenv("PASSPORT_NEW_MASTER_KEY", generate_master_key())
    assert main(["issuer", "rotate-master-key"]) == 1
    assert "could not be opened" in capsys.readouterr().err
    monkeypatch.setenv("PASSPORT_MASTER_KEY", issuer_env["PASSPORT_MASTER_KEY"])
    service = _issuer_service()
    assert _sealed_rows(service) == before
    service.db.dispose()


def test_the_new_key_is_required_and_must_differ(issuer_env, monkeypatch, capsys):
    monkeypatch.delenv("PASSPORT_NEW_MASTER_KEY", raising=False)
    assert main(["issuer", "rotate-master-key"]) == 1
    assert "PASSPORT_NEW_MASTER_KEY" in capsys.readouterr().err
    monkeypatch.setenv("PASSPORT_NEW_MASTER_KEY", os.environ["PASSPORT_MASTER_KEY"])
    assert main(["issuer", "rotate-master-key"]) == 1
    assert "same as the current one" in capsys.readouterr().err


def test_wallet_keys_move_to_the_new_master_key(monkeypatch, database_url, tmp_path, capsys):
    old_key, new_key = generate_master_key(), generate_master_key()
    monkeypatch.setenv("PASSPORT_MASTER_KEY", old_key)
    monkeypatch.setenv("WALLET_ACCOUNT_PASSWORD", "correct horse battery")
    common = ["--database-url", database_url, "--instance", str(tmp_path / "wallet")]
    assert main(["wallet", "add-account", *common, "--login", "amina@example.org",
                 "--name", "Amina Okafor"]) == 0
    monkeypatch.setenv("PASSPORT_NEW_MASTER_KEY", new_key)
    assert main(["wallet", "rotate-master-key", *common]) == 0
    assert "1 wallet key is now sealed" in capsys.readouterr().out
    from sqlalchemy import create_engine, select

    from passport_web.sql import normalise_url
    from wallet.storage import holder_keys

    engine = create_engine(normalise_url(database_url))
    with engine.connect() as connection:
        row = connection.execute(select(holder_keys.c.did, holder_keys.c.sealed)).one()
    engine.dispose()
    key = open_private_key(row.sealed, parse_master_key(new_key), context=row.did)
    assert row.did == "did:key:" + key.public_key.multibase
