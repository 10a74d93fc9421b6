"""Providers an employer recognises themselves, kept beside the configured trust list."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from passport_vc.clock import Clock
from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError
from passport_vc.trust import RECOGNITIONS, TrustEntry

from . import storage


def local_trust_entries(db, organisation_id: int) -> list[TrustEntry]:
    t = storage.trust_entries
    with db.reading() as session:
        rows = session.execute(select(t.c.did, t.c.name, t.c.recognised_for, t.c.note,
                                      t.c.added_at).where(
            t.c.organisation_id == organisation_id).order_by(t.c.name)).all()
    return [TrustEntry(row.did, row.name,
                       tuple(kind for kind in row.recognised_for.split(",") if kind) or
                       ("local",), row.added_at, None, row.note) for row in rows]


def add_trust_entry(db, organisation_id: int, user_id: int, *, did: str, name: str,
                    recognised_for: str, note: str, clock: Clock) -> None:
    did, name, note = (did or "").strip(), (name or "").strip(), (note or "").strip()
    if not did.startswith("did:") or len(did) > 2048 or any(c.isspace() for c in did):
        raise MalformedValueError("Enter the provider's DID, which starts with did: (for "
                                  "example did:web:training.example.org)", path="did")
    if not name or len(name) > 200:
        raise MalformedValueError("Enter the provider's name (200 characters or fewer)",
                                  path="name")
    if recognised_for not in RECOGNITIONS:
        raise MalformedValueError("Choose what you recognise the provider for",
                                  path="recognised_for")
    if len(note) > 1000:
        raise MalformedValueError("The note must be 1,000 characters or fewer", path="note")
    t = storage.trust_entries
    with db.transaction() as session:
        exists = session.execute(select(t.c.id).where(t.c.organisation_id == organisation_id,
                                                      t.c.did == did)).scalar()
        if exists is not None:
            raise ConflictError("That provider is already on your list", path="did")
        session.execute(insert(t).values(organisation_id=organisation_id, did=did, name=name,
                                         recognised_for=recognised_for, note=note,
                                         added_at=clock(), added_by=user_id))


def remove_trust_entry(db, organisation_id: int, did: str) -> None:
    t = storage.trust_entries
    with db.transaction() as session:
        removed = session.execute(delete(t).where(t.c.organisation_id == organisation_id,
                                                  t.c.did == did)).rowcount
        if not removed:
            raise NotFoundError("That provider is not on your organisation's list")
