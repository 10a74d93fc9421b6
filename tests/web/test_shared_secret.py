"""With a shared database every machine must sign sessions with the same SECRET_KEY: a secret
made per instance folder would make each machine refuse the others' cookies, CSRF tokens and
(issuer) OpenID4VCI offer codes. The web app refuses to start without one; command-line tools,
which sign nothing, still run."""

from __future__ import annotations

import pytest

from passport_vc.errors import ConfigError
from passport_vc.keys.storage import generate_master_key

POSTGRES = "postgresql://postgres@db.internal:5432/passport"


def _services():
    import issuer
    import verifier
    import wallet
    from issuer.config import IssuerConfig
    from verifier.config import VerifierConfig
    from wallet.config import WalletConfig

    return {"issuer": (IssuerConfig, "ISSUER_INSTANCE", issuer.create_app),
            "wallet": (WalletConfig, "WALLET_INSTANCE", wallet.create_app),
            "verifier": (VerifierConfig, "VERIFIER_INSTANCE", verifier.create_app)}


@pytest.mark.parametrize("name", ["issuer", "wallet", "verifier"])
def test_a_shared_database_needs_secret_key_to_serve(name, tmp_path):
    config_class, instance, create_app = _services()[name]
    environ = {"DATABASE_URL": POSTGRES, "PASSPORT_MASTER_KEY": generate_master_key(),
               instance: str(tmp_path / name)}
    config = config_class.from_env(environ)  # the command-line tools can still be set up
    assert config.secret_key == ""
    assert not (tmp_path / name / "secret_key").exists()  # no per-machine secret made
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)  # refused before any database is touched
    assert config_class.from_env({**environ, "SECRET_KEY": "s" * 64}).secret_key == "s" * 64


@pytest.mark.parametrize("name", ["issuer", "wallet", "verifier"])
def test_a_local_sqlite_service_makes_and_keeps_its_own_secret(name, tmp_path):
    config_class, instance, _create_app = _services()[name]
    environ = {"DATABASE_URL": f"sqlite:///{tmp_path / 'local.db'}",
               "PASSPORT_MASTER_KEY": generate_master_key(), instance: str(tmp_path / name)}
    first = config_class.from_env(environ).secret_key
    assert len(first) == 64 and config_class.from_env(environ).secret_key == first


def test_offer_codes_need_the_shared_secret(tmp_path):
    from dataclasses import replace

    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_web.sql import Database

    config = replace(IssuerConfig.for_tests(f"sqlite:///{tmp_path / 'i.db'}", tmp_path),
                     secret_key="")
    database = Database(config.database_url, metadata)
    database.create_all()
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        IssuerService(database, config).delivery._code_for("offer-1")
    database.dispose()
