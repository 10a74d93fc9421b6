"""Revocation and suspension (W3C Bitstring Status List 1.0): changing a credential's state,
and the signed status list credentials verifiers fetch (signed again only when bits change).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import or_, select, update

from passport_vc.errors import ConflictError, NotFoundError
from passport_vc.issue import issue_credential
from passport_vc.status import LIFECYCLE_VALUES, list_credential
from passport_web.sql import Database

from . import revocations, statuslists
from .cleaning import clean_text
from .config import IssuerConfig
from .events import record_event
from .models import Record
from .providers import ProviderService
from .register import RegisterService
from .storage import aware, dumps, records, status_lists


class StatusService:
    def __init__(self, db: Database, config: IssuerConfig, providers: ProviderService,
                 register: RegisterService, canonicalizer) -> None:
        self.db, self.config, self.clock = db, config, config.clock
        self.providers, self.register, self.canonicalizer = providers, register, canonicalizer

    def status_list_url(self, slug: str, purpose: str, list_no: int) -> str:
        return f"{self.config.public_base}/status/{slug}/{purpose}/{list_no}"

    def revoke(self, record_id: str, reason: str, *, provider: str | int | None = None,
               actor: str | None = None) -> Record:
        return self._change(record_id, "revoke", reason, provider=provider, actor=actor)

    def revoke_many(self, record_ids, reason: str | None, *, provider: str | int | None = None,
                    actor: str | None = None, progress=None) -> int:
        """Revoke every credential listed, or none (issuer/revocations.py)."""
        return revocations.revoke_many(self.db, record_ids, reason, now=self.clock(),
                                       provider=provider, actor=actor, progress=progress)

    def suspend(self, record_id: str, reason: str, *, provider: str | int | None = None,
                actor: str | None = None) -> Record:
        return self._change(record_id, "suspend", reason, provider=provider, actor=actor)

    def reinstate(self, record_id: str, reason: str | None = None, *,
                  provider: str | int | None = None, actor: str | None = None) -> Record:
        return self._change(record_id, "reinstate", reason, provider=provider, actor=actor)

    def _change(self, record_id: str, action: str, reason: str | None, *,
                provider: str | int | None, actor: str | None) -> Record:
        record = self.register.record(record_id, provider=provider)
        if action == "reinstate":
            reason = clean_text(reason, "reason")
        else:
            reason = clean_text(reason, "reason", required=True)
        now = self.clock()
        with self.db.transaction() as session:
            current = lock_record(session, record.id)
            self.apply_change(session, record, current, action, reason, now)
            record_event(session, record.provider_id, record.id, action, reason, actor, now)
        return self.register.record(record.id)

    def apply_change(self, session, record: Record, current: str, action: str, reason: str | None,
               now: datetime) -> None:
        allowed = {"revoke": ("active", "suspended"), "suspend": ("active",),
                   "reinstate": ("suspended",), "replace": ("active", "suspended")}[action]
        if current not in allowed:
            raise ConflictError({
                "revoke": "This credential has already been revoked or replaced",
                "suspend": "Only an active credential can be suspended",
                "reinstate": "Only a suspended credential can be reinstated; a revoked one "
                             "cannot be brought back (issue a new one instead)",
                "replace": "Only an active or suspended credential can be corrected",
            }[action])
        if record.lifecycle is not None:
            value = {"revoke": "revoked", "replace": "revoked", "suspend": "suspended",
                     "reinstate": "valid"}[action]
            statuslists.set_bit(session, record.provider_id, "message", *record.lifecycle,
                                LIFECYCLE_VALUES[value], now)
        else:
            self._apply_pair(session, record, current, action, now)
        state = {"revoke": "revoked", "suspend": "suspended", "reinstate": "active",
                 "replace": "replaced"}[action]
        session.execute(update(records).where(records.c.id == record.id).values(
            state=state, reason=reason, state_changed_at=now))

    @staticmethod
    def _apply_pair(session, record: Record, current: str, action: str, now: datetime) -> None:
        """Credentials issued before the lifecycle entry: one revocation and one suspension
        list each."""
        revocation_list, revocation_index = record.revocation
        suspension_list, suspension_index = record.suspension
        if action in ("revoke", "replace"):
            statuslists.set_bit(session, record.provider_id, "revocation", revocation_list,
                                revocation_index, 1, now)
        if action == "suspend":
            statuslists.set_bit(session, record.provider_id, "suspension", suspension_list,
                                suspension_index, 1, now)
        if action in ("reinstate", "revoke", "replace") and current == "suspended":
            statuslists.set_bit(session, record.provider_id, "suspension", suspension_list,
                                suspension_index, 0, now)

    def status_list(self, slug: str, purpose: str, list_no: int) -> tuple[dict, str]:
        """The signed BitstringStatusListCredential and its ETag."""
        text, etag = self.published_list(slug, purpose, list_no)
        return json.loads(text), etag

    def published_list(self, slug: str, purpose: str, list_no: int) -> tuple[str, str]:
        """The signed list credential as served (JSON text) and its ETag.

        Incremental publishing: the signed text is kept with the list's row and reused until
        that list's bits change (its ``version`` goes up), so a revocation re-encodes and
        re-signs one list, once, on the next request for it; every other list is served as
        stored. The bitstring is only read when the list has to be signed again.
        """
        provider = self.providers.provider(slug)
        if purpose not in statuslists.PURPOSES:
            raise NotFoundError("There is no status list at this address")
        where = (status_lists.c.provider_id == provider.id, status_lists.c.purpose == purpose,
                 status_lists.c.list_no == list_no)
        with self.db.reading() as session:
            row = session.execute(select(status_lists.c.id, status_lists.c.version,
                                         status_lists.c.signed, status_lists.c.signed_version)
                                  .where(*where)).first()
            if row is None:
                raise NotFoundError("There is no status list at this address")
            if row.signed and row.signed_version == row.version:
                return row.signed, _etag(row.signed)
            row = session.execute(select(status_lists.c.id, status_lists.c.version,
                                         status_lists.c.bits, status_lists.c.updated_at)
                                  .where(status_lists.c.id == row.id)).first()
            key = self.providers.signing_key(session, provider)
        url = self.status_list_url(slug, purpose, list_no)
        unsigned = list_credential(url, provider.did, purpose, row.bits,
                                   valid_from=aware(row.updated_at),
                                   status_size=statuslists.status_size(purpose))
        signed = issue_credential(unsigned, key, created=self.clock(),
                                  canonicalizer=self.canonicalizer)
        text = dumps(signed)
        with self.db.transaction() as session:
            # Kept only if the list did not change meanwhile (a later version is signed afresh)
            # and no other machine stored this version first; if one did, serve its copy, so
            # every machine answers with the same bytes and the same ETag.
            stored = session.execute(update(status_lists).where(
                status_lists.c.id == row.id, status_lists.c.version == row.version,
                or_(status_lists.c.signed_version.is_(None),
                    status_lists.c.signed_version != row.version))
                .values(signed=text, signed_version=row.version)).rowcount
            if not stored:
                current = session.execute(select(status_lists.c.signed).where(
                    status_lists.c.id == row.id,
                    status_lists.c.signed_version == row.version)).scalar()
                text = current or text
        return text, _etag(text)

    def status_list_credential(self, slug: str, purpose: str, list_no: int) -> dict:
        return self.status_list(slug, purpose, list_no)[0]


def lock_record(session, record_id: str) -> str:
    """Take the record's row lock (a no-op UPDATE, which on SQLite also takes the write lock
    before reading) and return its current state."""
    session.execute(update(records).where(records.c.id == record_id)
                    .values(state=records.c.state))
    return session.execute(select(records.c.state).where(records.c.id == record_id)).scalar()


def _etag(text: str) -> str:
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
