"""``passport wallet init | add-account | backup | restore`` through passport_cli.main.main."""

from __future__ import annotations

import json

from wallet_support import PASSWORD, Provider

from passport_cli.main import main
from passport_vc.keys.storage import generate_master_key


def test_cli_account_backup_and_restore(tmp_path, capsys, clock, network):
    database = f"sqlite:///{tmp_path / 'wallet.db'}"
    (tmp_path / "master.key").write_text(generate_master_key())
    (tmp_path / "password").write_text(PASSWORD + "\n")
    (tmp_path / "passphrase").write_text("three little words\n")
    common = ["--database-url", database, "--master-key-file", str(tmp_path / "master.key"),
              "--instance", str(tmp_path / "instance")]
    assert main(["wallet", "init", *common]) == 0
    assert main(["wallet", "add-account", *common, "--login", "amina", "--name", "Amina Okafor",
                 "--password-file", str(tmp_path / "password")]) == 0
    out = capsys.readouterr().out
    did = out.split("Wallet key: ")[1].split()[0]
    assert did.startswith("did:key:") and out.count("-") >= 10
    assert main(["wallet", "add-account", *common, "--login", "amina", "--name", "Again",
                 "--password-file", str(tmp_path / "password")]) == 1
    assert "already an account" in capsys.readouterr().err

    # a credential into the CLI-made wallet, through the service the CLI also uses
    from passport_web.sql import Database
    from wallet.config import WalletConfig
    from wallet.service import WalletService
    from wallet.storage import metadata

    config = WalletConfig.for_tests(database, clock=clock,
                                    master_key=(tmp_path / "master.key").read_text())
    service = WalletService(Database(database, metadata), config, network)
    account = service.authenticate("amina", PASSWORD)
    service.add_credential(account.id, json.dumps(Provider(network).issue()[0]))

    backup = tmp_path / "backup.json"
    assert main(["wallet", "backup", *common, "--login", "amina", "--out", str(backup),
                 "--passphrase-file", str(tmp_path / "passphrase")]) == 0
    assert json.loads(backup.read_text())["type"] == "SkillsPassportWalletBackup"
    assert (backup.stat().st_mode & 0o777) == 0o600
    assert main(["wallet", "add-account", *common, "--login", "amina2", "--name", "Amina Okafor",
                 "--password-file", str(tmp_path / "password")]) == 0
    (tmp_path / "wrong").write_text("not the passphrase")
    assert main(["wallet", "restore", *common, "--login", "amina2", str(backup),
                 "--passphrase-file", str(tmp_path / "wrong")]) == 1
    assert "passphrase does not open" in capsys.readouterr().err
    assert main(["wallet", "restore", *common, "--login", "amina2", str(backup),
                 "--passphrase-file", str(tmp_path / "passphrase")]) == 0
    restored = service.authenticate("amina2", PASSWORD)
    assert service.holder_did(restored.id) == did
    assert [e.title for e in service.entries(restored.id)] == ["Moving and handling of people"]
    assert main(["wallet", "backup", *common, "--login", "nobody", "--out", str(backup),
                 "--passphrase-file", str(tmp_path / "passphrase")]) == 1
