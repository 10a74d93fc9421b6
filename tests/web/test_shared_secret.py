"""With a shared database every machine must sign sessions with the same SECRET_KEY: a secret
made per instance folder would make each machine refuse the others' cookies and CSRF tokens."""

from __future__ import annotations

import pytest

from passport_vc.errors import ConfigError
from passport_vc.keys.storage import generate_master_key

POSTGRES = "postgresql://postgres@db.internal:5432/passport"


def _configs():
    from issuer.config import IssuerConfig
    from verifier.config import VerifierConfig
    from wallet.config import WalletConfig

    return {"issuer": (IssuerConfig, "ISSUER_INSTANCE"),
            "wallet": (WalletConfig, "WALLET_INSTANCE"),
            "verifier": (VerifierConfig, "VERIFIER_INSTANCE")}


@pytest.mark.parametrize("name", ["issuer", "wallet", "verifier"])
def test_a_shared_database_needs_secret_key(name, tmp_path):
    config_class, instance = _configs()[name]
    environ = {"DATABASE_URL": POSTGRES, "PASSPORT_MASTER_KEY": generate_master_key(),
               instance: str(tmp_path / name)}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        config_class.from_env(environ)
    assert not (tmp_path / name / "secret_key").exists()
    assert config_class.from_env({**environ, "SECRET_KEY": "s" * 64}).secret_key == "s" * 64


@pytest.mark.parametrize("name", ["issuer", "wallet", "verifier"])
def test_a_local_sqlite_service_makes_and_keeps_its_own_secret(name, tmp_path):
    config_class, instance = _configs()[name]
    environ = {"DATABASE_URL": f"sqlite:///{tmp_path / 'local.db'}",
               "PASSPORT_MASTER_KEY": generate_master_key(), instance: str(tmp_path / name)}
    first = config_class.from_env(environ).secret_key
    assert len(first) == 64 and config_class.from_env(environ).secret_key == first
