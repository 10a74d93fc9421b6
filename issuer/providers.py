"""Training providers, their did:web signing keys and DID documents.

Rotation keeps earlier keys in the DID document (what they signed keeps verifying) and destroys
their private halves; removal withdraws a key, so what it signed no longer verifies.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime

from sqlalchemy import insert, or_, select, update

from passport_vc.did import build_did_document, local_path_for
from passport_vc.did.key import resolve_did_key
from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError
from passport_vc.issue import IssuerKey
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.storage import open_private_key, seal_private_key
from passport_web.sql import Database

from . import statuslists
from .cleaning import HOST, MAX_NAME, SLUG, clean_text
from .config import IssuerConfig
from .events import record_event
from .models import Provider, ProviderKey
from .storage import provider_keys, providers, status_lists

ISSUING_CURVES = ("Ed25519", "P-256")


class ProviderService:
    """Providers and their keys. Opened signing keys are kept in memory, per process."""

    def __init__(self, db: Database, config: IssuerConfig) -> None:
        self.db, self.config, self.clock = db, config, config.clock
        self._master = config.master_key_bytes()
        self._signers: dict[str, PrivateKey] = {}
        self._lock = threading.Lock()

    def provider_did(self, slug: str, host: str | None = None) -> str:
        if host:
            authority, _, path = host.partition("/")
            segments = [segment for segment in path.split("/") if segment]
            return ":".join(["did:web:" + authority.replace(":", "%3A"), *segments])
        return f"{self.config.did_web_base}:providers:{slug}"

    def create_provider(self, name: str, slug: str, *, curve: str = "Ed25519",
                        address: str | None = None, ofqual_number: str | None = None,
                        sfc_endorsement_id: str | None = None,
                        host: str | None = None) -> Provider:
        """Onboard a training provider: its did:web and a first signing key (``#key-1``)."""
        name = clean_text(name, "provider name", required=True, limit=MAX_NAME)
        if not isinstance(slug, str) or not SLUG.match(slug) or slug.startswith("conformance-"):
            raise MalformedValueError("The short name must be 1 to 64 lower-case letters, digits "
                                      "and hyphens, like 'acme-training'", path="slug")
        if curve not in ISSUING_CURVES:
            raise MalformedValueError("The key type must be Ed25519 or P-256", path="curve")
        if host is not None:
            host = host.strip().lower().rstrip("/")
            if not HOST.match(host):
                raise MalformedValueError("The web address must be a host name such as "
                                          "training.example.org", path="host")
        did = self.provider_did(slug, host)
        now = self.clock()
        with self.db.transaction() as session:
            taken = session.execute(select(providers.c.id).where(
                or_(providers.c.slug == slug, providers.c.did == did))).first()
            if taken:
                raise ConflictError(f"A provider called {slug!r} already exists", path="slug")
            provider_id = session.execute(insert(providers).values(
                slug=slug, name=name, did=did, did_method="web", host=host, curve=curve,
                address=clean_text(address, "address"),
                ofqual_number=clean_text(ofqual_number, "Ofqual number", limit=40),
                sfc_endorsement_id=clean_text(sfc_endorsement_id, "endorsement id", limit=64),
                next_key_number=2, created_at=now)).inserted_primary_key[0]
            self.add_key(session, provider_id, did, "key-1", PrivateKey.generate(curve), now)
            for purpose in statuslists.PURPOSES:
                statuslists.create_list(session, provider_id, purpose, 1,
                                        self.config.status_list_size, now)
        self.did_document(slug)
        return self.provider(slug)

    def add_key(self, session, provider_id: int, did: str, fragment: str, key: PrivateKey,
                 now: datetime) -> str:
        vm_id = f"{did}#{fragment}"
        session.execute(insert(provider_keys).values(
            provider_id=provider_id, vm_id=vm_id, fragment=fragment, curve=key.curve,
            public_multibase=key.public_key.multibase,
            sealed_private=seal_private_key(key, self._master, context=vm_id),
            state="active", created_at=now))
        return vm_id

    def provider(self, slug: str) -> Provider:
        with self.db.reading() as session:
            row = session.execute(select(providers).where(providers.c.slug == slug)).first()
        if row is None:
            raise NotFoundError(f"There is no training provider called {slug!r}")
        return Provider.from_row(row)

    def provider_by_id(self, provider_id: int) -> Provider:
        with self.db.reading() as session:
            row = session.execute(select(providers).where(providers.c.id == provider_id)).first()
        if row is None:
            raise NotFoundError("That training provider no longer exists")
        return Provider.from_row(row)

    def provider_by_did(self, did: str) -> Provider | None:
        with self.db.reading() as session:
            row = session.execute(select(providers).where(providers.c.did == did)).first()
        return Provider.from_row(row) if row else None

    def list_providers(self) -> list[Provider]:
        with self.db.reading() as session:
            rows = session.execute(select(providers).order_by(providers.c.slug)).all()
        return [Provider.from_row(row) for row in rows]

    def keys(self, slug: str) -> list[ProviderKey]:
        provider = self.provider(slug)
        with self.db.reading() as session:
            rows = session.execute(select(provider_keys).where(
                provider_keys.c.provider_id == provider.id).order_by(provider_keys.c.id)).all()
        return [ProviderKey.from_row(row) for row in rows]

    # --- keys and the DID document -----------------------------------------------------------
    def rotate_key(self, slug: str, *, actor: str | None = None) -> str:
        """A new signing key ``#key-N`` (N never reused). Earlier keys stay in the DID document,
        so everything signed before keeps verifying; their private halves are destroyed."""
        provider = self.provider(slug)
        if provider.did_method != "web":
            raise ConflictError("A did:key issuer has exactly one key; it cannot be rotated")
        now = self.clock()
        with self.db.transaction() as session:
            vm_id = self._rotate(session, provider, now)
            record_event(session, provider.id, None, "rotate-key", vm_id, actor, now)
        self.did_document(slug)
        return vm_id

    def _rotate(self, session, provider: Provider, now: datetime) -> str:
        row = session.execute(select(providers.c.next_key_number).where(
            providers.c.id == provider.id).with_for_update()).first()
        number = row.next_key_number
        session.execute(update(provider_keys).where(
            provider_keys.c.provider_id == provider.id, provider_keys.c.state == "active")
            .values(state="retired", retired_at=now, sealed_private=None))
        session.execute(update(providers).where(providers.c.id == provider.id)
                        .values(next_key_number=number + 1))
        return self.add_key(session, provider.id, provider.did, f"key-{number}",
                             PrivateKey.generate(provider.curve), now)

    def remove_key(self, slug: str, vm_id: str, *, actor: str | None = None) -> None:
        """Withdraw a compromised key: it leaves the DID document, so whatever it signed no
        longer verifies. Removing the current signing key first rotates to a new one."""
        provider = self.provider(slug)
        now = self.clock()
        with self.db.transaction() as session:
            row = session.execute(select(provider_keys).where(
                provider_keys.c.provider_id == provider.id,
                provider_keys.c.vm_id == vm_id)).first()
            if row is None:
                raise NotFoundError(f"{provider.name} has no key {vm_id}")
            if row.state == "removed":
                raise ConflictError("That key has already been removed")
            if provider.did_method != "web":
                raise ConflictError("A did:key issuer's only key cannot be removed")
            if row.state == "active":
                self._rotate(session, provider, now)
            session.execute(update(provider_keys).where(provider_keys.c.id == row.id).values(
                state="removed", removed_at=now, sealed_private=None))
            # Lists signed with the withdrawn key must be signed again before they are served.
            session.execute(update(status_lists).where(
                status_lists.c.provider_id == provider.id).values(signed=None,
                                                                   signed_version=None))
            record_event(session, provider.id, None, "remove-key", vm_id, actor, now)
        with self._lock:
            self._signers.pop(vm_id, None)
        self.did_document(slug)

    def did_document(self, slug: str) -> dict:
        """The provider's DID document (also written under ``config.did_documents_dir``)."""
        provider = self.provider(slug)
        if provider.did_method == "key":
            return resolve_did_key(provider.did)
        with self.db.reading() as session:
            rows = session.execute(select(provider_keys).where(
                provider_keys.c.provider_id == provider.id,
                provider_keys.c.state != "removed").order_by(provider_keys.c.id)).all()
        methods = [(row.fragment, PublicKey.from_multibase(row.public_multibase))
                   for row in rows]
        active = [row.fragment for row in rows if row.state == "active"]
        document = build_did_document(provider.did, methods,
                                      assertion=[row.fragment for row in rows],
                                      authentication=active)
        self._write_did_document(provider.did, document)
        return document

    def _write_did_document(self, did: str, document: dict) -> None:
        path = local_path_for(did, self.config.did_documents_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(document, indent=2) + "\n"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(path)

    def signing_key(self, session, provider: Provider) -> IssuerKey:
        row = session.execute(select(provider_keys).where(
            provider_keys.c.provider_id == provider.id,
            provider_keys.c.state == "active")).first()
        if row is None or not row.sealed_private:
            raise ConflictError(f"{provider.name} has no signing key; make a new one on the "
                                "keys page")
        with self._lock:
            signer = self._signers.get(row.vm_id)
        if signer is None:
            signer = open_private_key(row.sealed_private, self._master, context=row.vm_id)
            with self._lock:
                self._signers[row.vm_id] = signer
        return IssuerKey(signer, row.vm_id)
