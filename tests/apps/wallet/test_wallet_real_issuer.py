"""Acceptance (issue 4): receive via OpenID4VCI from the real issuer app (issuer/), served on a
loopback port, with its did:web key and status lists reached through the wallet's real Network
(``http_hosts`` naming only that host)."""

from __future__ import annotations

from datetime import date

import pytest
from support.live import free_port, live_server
from wallet_support import PASSWORD

from passport_web.network import NetworkSettings
from wallet import create_app
from wallet.config import WalletConfig
from wallet.offers import TxCodeRequired


def test_receive_from_the_real_issuer(tmp_path, clock):
    from issuer import create_app as issuer_app
    from issuer.config import IssuerConfig

    port = free_port()
    base = f"http://localhost:{port}"
    issuer = issuer_app(IssuerConfig.for_tests(f"sqlite:///{tmp_path / 'issuer.db'}", tmp_path,
                                               clock=clock, public_url=base))
    provider = issuer.extensions["issuer"]
    provider.providers.create_provider("Care Skills Ltd", "care-skills")
    record = provider.issuance.issue("care-skills", "moving-and-handling",
                                     subject_name="Amina Okafor",
                            completed=date(2026, 3, 2))
    config = WalletConfig.for_tests(f"sqlite:///{tmp_path / 'wallet.db'}", clock=clock,
                                    network=NetworkSettings(http_hosts=frozenset(
                                        {f"localhost:{port}"})))
    wallet = create_app(config)
    service = wallet.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    try:
        with live_server(issuer, port=port):
            stored = service.accept_offer(account.id, provider.delivery.create_offer(record.id).uri)
            assert [(item.format, item.state) for item in stored] == [("ldp_vc", "valid")]
            detail = service.credential(account.id, stored[0].id)
            assert detail["document"]["credentialSubject"]["id"] == account.did
            assert detail["document"]["issuer"]["id"].startswith("did:web:localhost%3A")
            assert all(check["ok"] for check in detail["verification"]["results"])
            assert {check["check"] for check in detail["verification"]["results"]} >= {
                "proof", "issuer_binding", "status", "schema"}
            coded = provider.delivery.create_offer(record.id, with_tx_code=True)
            with pytest.raises(TxCodeRequired):
                service.accept_offer(account.id, coded.uri)
            again = service.accept_offer(account.id, coded.uri, coded.tx_code)
            assert again[0].duplicate and again[0].id == stored[0].id
    finally:
        service.db.dispose()
        provider.db.dispose()
