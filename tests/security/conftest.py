"""Shared pieces for the security suite: a did:key provider and one signed credential."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from passport_vc.clock import fixed_clock
from passport_vc.did import default_resolver
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.keys import PrivateKey
from passport_vc.verify import Verifier

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"


def make_provider(curve: str = "Ed25519") -> IssuerKey:
    key = PrivateKey.generate(curve)
    did = "did:key:" + key.public_key.multibase
    return IssuerKey(key, did + "#" + key.public_key.multibase)


def unsigned_credential(issuer: str) -> dict:
    return {"@context": [V2], "type": ["VerifiableCredential"], "issuer": issuer,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:worker", "name": "Ann Smith"}}


@pytest.fixture(scope="session")
def provider() -> IssuerKey:
    return make_provider()


@pytest.fixture(scope="session")
def signed(provider) -> dict:
    return issue_credential(unsigned_credential(provider.controller), provider,
                            clock=fixed_clock(NOW))


@pytest.fixture(scope="session")
def verifier() -> Verifier:
    return Verifier(default_resolver(), None, fixed_clock(NOW), check_status=False)
