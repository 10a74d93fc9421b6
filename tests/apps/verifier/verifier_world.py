"""Real signed fixtures for the verifier tests, built with the core at test setup.

One did:web training provider (pinned DID document in a tmp did-documents folder), its signed
revocation and suspension status lists (served by a StaticFetcher), one credential per verdict,
an unknown did:key provider, and a care worker's did:key for presentations. Fixed clock.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from passport_vc.clock import fixed_clock
from passport_vc.did import build_did_document, default_resolver, local_path_for
from passport_vc.fetch import StaticFetcher
from passport_vc.issue import IssuerKey, build_presentation, issue_credential, sign_presentation
from passport_vc.keys import PrivateKey
from passport_vc.status import list_credential, new_list, set_status, status_entry
from passport_vc.trust import TrustEntry, TrustList
from passport_vc.verify import Verifier

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PROVIDER = "did:web:training.example"
PROVIDER_NAME = "Example Care Training Ltd"
REVOCATION_LIST = "https://training.example/status/revocation"
SUSPENSION_LIST = "https://training.example/status/suspension"
MISSING_LIST = "https://training.example/status/not-published"
REVOKED_INDEX, SUSPENDED_INDEX = 4321, 777


@dataclass
class World:
    did_documents: Path
    provider_key: IssuerKey
    holder_key: IssuerKey
    stranger_key: IssuerKey
    documents: dict[str, dict]  # status list URL -> signed list credential
    credentials: dict[str, dict] = field(default_factory=dict)
    clock: object = None

    @property
    def trust(self) -> TrustList:
        trust = TrustList("Test providers")
        trust.add(TrustEntry(PROVIDER, PROVIDER_NAME, ("skills-for-care-endorsed",),
                             datetime(2020, 1, 1, tzinfo=UTC)))
        return trust

    def fetcher(self) -> StaticFetcher:
        return StaticFetcher(self.documents, fetched_at=NOW, clock=self.clock)

    def network(self) -> FakeNetwork:
        return FakeNetwork(self)

    def presentation(self, names: list[str], *, challenge: str | None = None,
                     domain: str | None = None) -> dict:
        unsigned = build_presentation([self.credentials[name] for name in names],
                                      self.holder_key.controller)
        return sign_presentation(unsigned, self.holder_key, challenge=challenge, domain=domain,
                                 clock=self.clock)


class FakeNetwork:
    """The shape of passport_web.network.Network, over pinned/static documents."""

    def __init__(self, world: World, fetcher=None) -> None:
        self.fetcher = fetcher or world.fetcher()
        self.resolver = default_resolver(fetcher=self.fetcher,
                                         did_documents_dir=world.did_documents)
        self.clock = world.clock

    def verifier(self, *, schemas=None, check_status: bool = True) -> Verifier:
        from schemas import schema_store

        return Verifier(resolver=self.resolver, fetch=self.fetcher, clock=self.clock,
                        schemas=schemas or schema_store(), check_status=check_status)


def _did_key(curve: str = "Ed25519") -> IssuerKey:
    from passport_vc.did import did_key_from_public_key, verification_method_for

    private = PrivateKey.generate(curve)
    did = did_key_from_public_key(private.public_key)
    return IssuerKey(private, verification_method_for(did))


def _course(key: str):
    from schemas import load_catalogue

    return load_catalogue()[key]


def build_world(folder: Path) -> World:
    from schemas import build_training_credential

    clock = fixed_clock(NOW)
    provider_private = PrivateKey.generate("Ed25519")
    did_documents = folder / "did-documents"
    path = local_path_for(PROVIDER, did_documents)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build_did_document(
        PROVIDER, [("key-1", provider_private.public_key)], assertion=["key-1"],
        authentication=["key-1"])), encoding="utf-8")
    provider = IssuerKey(provider_private, PROVIDER + "#key-1")
    holder, stranger = _did_key(), _did_key()

    documents = {}
    for url, purpose, index in ((REVOCATION_LIST, "revocation", REVOKED_INDEX),
                                (SUSPENSION_LIST, "suspension", SUSPENDED_INDEX)):
        bits = new_list()
        set_status(bits, index, 1)
        documents[url] = issue_credential(
            list_credential(url, PROVIDER, purpose, bits, valid_from=datetime(2026, 1, 1,
                                                                               tzinfo=UTC)),
            provider, clock=clock)
    world = World(did_documents, provider, holder, stranger, documents, clock=clock)

    def make(name: str, course: str, completed: date, *, key: IssuerKey = provider,
             issuer_name: str = PROVIDER_NAME, status: list[dict] | None = None,
             subject_id: str | None = None) -> None:
        credential = build_training_credential(
            _course(course), issuer_id=key.controller, issuer_name=issuer_name,
            subject_name="Sam Carer", subject_id=subject_id or holder.controller,
            completed=completed,
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{len(world.credentials):012d}")
        if status is None:
            status = [status_entry(REVOCATION_LIST, 10 + len(world.credentials), "revocation"),
                      status_entry(SUSPENSION_LIST, 10 + len(world.credentials), "suspension")]
        if status:
            credential["credentialStatus"] = status
        world.credentials[name] = issue_credential(credential, key, clock=clock)

    make("valid", "moving-and-handling", date(2026, 6, 1))
    make("due-soon", "fire-safety", date(2025, 12, 15))
    make("expired", "medication", date(2025, 1, 10))
    make("revoked", "basic-life-support", date(2026, 5, 1),
         status=[status_entry(REVOCATION_LIST, REVOKED_INDEX, "revocation")])
    make("suspended", "safeguarding-adults", date(2026, 5, 2),
         status=[status_entry(SUSPENSION_LIST, SUSPENDED_INDEX, "suspension")])
    make("status-unknown", "health-and-safety", date(2026, 4, 1),
         status=[status_entry(MISSING_LIST, 5, "revocation")])
    make("unknown-provider", "communication", date(2026, 3, 1), key=stranger,
         issuer_name="Unheard Of Training", status=[])
    make("care-certificate", "care-certificate", date(2025, 3, 1))
    make("someone-else", "dignity", date(2026, 2, 1), subject_id=stranger.controller)
    altered = copy.deepcopy(world.credentials["valid"])
    altered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    world.credentials["altered"] = altered
    return world
