"""Issuing care training credentials: Open Badges 3.0 ``OpenBadgeCredential``s (VC Data Model
2.0, Data Integrity eddsa-rdfc-2022 / ecdsa-rdfc-2019), each entered in the register in the
same transaction as its status-list positions, and corrections that replace a wrong one.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert, update

from passport_vc import sd_jwt_vc
from passport_vc.clock import parse_datetime
from passport_vc.errors import ForbiddenError, MalformedValueError, PassportError
from passport_vc.issue import issue_credential, issue_credential_jwt
from passport_vc.keys import PublicKey
from passport_vc.status import lifecycle_entry
from passport_web.sql import Database
from schemas.builder import build_training_credential
from schemas.catalogue import Course

from . import statuslists
from .catalogue import CatalogueService
from .cleaning import CORRECTABLE, clean_details, clean_did
from .config import IssuerConfig
from .events import record_event
from .models import Provider, Record
from .providers import ProviderService
from .register import RegisterService
from .status import StatusService, lock_record
from .storage import dumps, records


class IssuingContext:
    """Everything one transaction needs to issue for one provider."""

    def __init__(self, issuance: IssuanceService, session, provider: Provider) -> None:
        self.provider = provider
        self.key = issuance.providers.signing_key(session, provider)
        now = issuance.clock()
        size = issuance.config.status_list_size
        self.allocators = {purpose: statuslists.Allocator(session, provider.id, purpose, size,
                                                          now)
                           for purpose in statuslists.PURPOSES}

    def flush(self) -> None:
        for allocator in self.allocators.values():
            allocator.flush()


class IssuanceService:
    def __init__(self, db: Database, config: IssuerConfig, *, providers: ProviderService,
                 catalogue: CatalogueService, register: RegisterService,
                 status: StatusService, canonicalizer) -> None:
        self.db, self.config, self.clock = db, config, config.clock
        self.providers, self.catalogue, self.register = providers, catalogue, register
        self.status, self.canonicalizer = status, canonicalizer

    def clean_details(self, course_key: str, **given) -> dict:
        return clean_details(course_key, **given, today=self.clock().date())

    def issue(self, slug: str, course_key: str, *, subject_name: str, completed: date,
              subject_email: str | None = None, holder_did: str | None = None,
              assessment_method: str | None = None, delivery_mode: str | None = None,
              hours: float | None = None, evidence: str | None = None,
              actor: str | None = None) -> Record:
        """Sign one credential for a worker and enter it in the register."""
        provider = self.providers.provider(slug)
        if provider.did_method != "web":
            raise ForbiddenError("The conformance issuer only signs through the VC API")
        course = self.catalogue.course(slug, course_key)
        details = self.clean_details(course.key, subject_name=subject_name, completed=completed,
                                      subject_email=subject_email, holder_did=holder_did,
                                      assessment_method=assessment_method,
                                      delivery_mode=delivery_mode, hours=hours,
                                      evidence=evidence)
        with self.db.transaction() as session:
            context = IssuingContext(self, session, provider)
            values = self.sign_record(context, course, details, actor=actor)
            context.flush()
            session.execute(insert(records).values(**values))
            record_event(session, provider.id, values["id"], "issue", None, actor,
                        values["created_at"])
        return self.register.record(values["id"])

    def sign_record(self, context: IssuingContext, course: Course, details: dict, *,
                     actor: str | None, replaces: tuple[str, str] | None = None,
                     renews: str | None = None,
                     batch_id: int | None = None, import_key: str | None = None) -> dict:
        """Build, allocate status entries, sign; returns the row to insert (not inserted)."""
        provider = context.provider
        record_uuid = uuid.uuid4()
        credential = build_training_credential(
            course, issuer_id=provider.did, issuer_name=provider.name,
            subject_name=details["subject_name"], subject_id=details["holder_did"],
            completed=date.fromisoformat(details["completed"]),
            credential_id=f"urn:uuid:{record_uuid}",
            assessment_method=details["assessment_method"],
            delivery_mode=details["delivery_mode"], hours=details["hours"],
            evidence_narrative=details["evidence"],
            replaces=replaces[1] if replaces else None, renews=renews)
        # One lifecycle entry (valid / suspended / revoked): Open Badges 3.0 allows a single
        # credentialStatus object.
        list_no, index = context.allocators["message"].allocate()
        entry = lifecycle_entry(self.status.status_list_url(provider.slug, "message", list_no),
                                index)
        credential = _with_status(credential, entry)
        now = self.clock()
        # OB 3.0 wants a proof set; ``credential`` was built for this signature and is only read
        # afterwards, so the signed document may share its parts (no copy).
        signed = issue_credential(credential, context.key, created=now,
                                  canonicalizer=self.canonicalizer, proof_set=True,
                                  copy_input=False)
        valid_until = credential.get("validUntil")
        name = details["subject_name"]
        return {
            "id": record_uuid.hex, "provider_id": provider.id,
            "credential_id": credential["id"], "course_key": course.key,
            "course_title": course.title, "subject_name": name,
            "subject_search": " ".join([name.lower(), details["subject_email"] or ""]).strip(),
            "subject_email": details["subject_email"], "holder_did": details["holder_did"],
            "completed": date.fromisoformat(details["completed"]),
            "valid_until": parse_datetime(valid_until).date() if valid_until else None,
            "status_list": list_no, "status_index": index,
            "state": "active", "replaces": replaces[0] if replaces else None,
            "verification_method": context.key.verification_method,
            "details": dumps(details), "document": dumps(signed), "created_at": now,
            "created_by": actor, "batch_id": batch_id, "import_key": import_key,
        }

    def credential_document(self, record_id: str, fmt: str = "ldp_vc",
                            holder_did: str | None = None, *,
                            provider: str | int | None = None) -> dict | str:
        """The signed credential as ``ldp_vc`` (Data Integrity JSON) or ``jwt_vc_json``
        (VC-JOSE-COSE vc+jwt). With ``holder_did`` a copy bound to that DID is signed, carrying
        the same status entries as the register entry."""
        if fmt not in ("ldp_vc", "jwt_vc_json"):
            raise MalformedValueError("The format must be ldp_vc or jwt_vc_json", path="format")
        record = self.register.record(record_id, provider=provider)
        holder_did = clean_did(holder_did)
        if fmt == "ldp_vc" and holder_did is None:
            return record.document
        return self.bound_credential(record, holder_did, fmt)

    def correct(self, record_id: str, *, provider: str | int | None = None,
                actor: str | None = None, **changes) -> Record:
        """Revoke a wrong credential and issue a corrected one that links to it
        (``replaces``); returns the new register entry."""
        unknown = sorted(set(changes) - set(CORRECTABLE))
        if unknown:
            raise MalformedValueError(f"{unknown[0]} cannot be corrected", path=unknown[0])
        record = self.register.record(record_id, provider=provider)
        owner = self.providers.provider_by_id(record.provider_id)
        merged = {**record.details, **changes}
        course = self.catalogue.course(owner.slug, merged.pop("course_key"))
        details = self.clean_details(course.key, **merged)
        if details == record.details:
            raise MalformedValueError("Nothing was changed, so there is nothing to correct")
        now = self.clock()
        with self.db.transaction() as session:
            current = lock_record(session, record.id)
            reason = "Replaced by a corrected credential"
            self.status.apply_change(session, record, current, "replace", reason, now)
            context = IssuingContext(self, session, owner)
            values = self.sign_record(context, course, details, actor=actor,
                                       replaces=(record.id, record.credential_id))
            context.flush()
            session.execute(insert(records).values(**values))
            session.execute(update(records).where(records.c.id == record.id)
                            .values(replaced_by=values["id"]))
            record_event(session, owner.id, record.id, "replace", reason, actor, now)
            record_event(session, owner.id, values["id"], "issue", "Correction", actor, now)
        return self.register.record(values["id"])

    def renew(self, record_id: str, *, completed: date, provider: str | int | None = None,
              actor: str | None = None, **changes) -> Record:
        """The refresher was done: issue a new credential for the same worker and course that
        links to this one (``renews``). The earlier one is left as it is: it stays valid until
        its own validUntil, so the worker is never without a valid certificate in between."""
        unknown = sorted(set(changes) - {"assessment_method", "delivery_mode", "hours",
                                         "evidence"})
        if unknown:
            raise MalformedValueError(f"{unknown[0]} cannot be set on a renewal", path=unknown[0])
        record = self.register.record(record_id, provider=provider)
        if record.state not in ("active", "suspended"):
            raise MalformedValueError("Only a credential that is in use can be renewed. Issue "
                                      "a new one instead.")
        if not isinstance(completed, date) or completed <= record.completed:
            raise MalformedValueError("The refresher must have been completed after the "
                                      f"training it renews ({record.completed:%-d %B %Y})",
                                      path="completed")
        owner = self.providers.provider_by_id(record.provider_id)
        merged = {**record.details, **changes, "completed": completed}
        course = self.catalogue.course(owner.slug, merged.pop("course_key"))
        details = self.clean_details(course.key, **merged)
        now = self.clock()
        with self.db.transaction() as session:
            context = IssuingContext(self, session, owner)
            values = self.sign_record(context, course, details, actor=actor,
                                      renews=record.credential_id)
            context.flush()
            session.execute(insert(records).values(**values))
            record_event(session, owner.id, record.id, "renewed",
                         f"Renewed by the credential issued on {now:%-d %B %Y}", actor, now)
            record_event(session, owner.id, values["id"], "issue", "Renewal", actor, now)
        return self.register.record(values["id"])

    def bound_credential(self, record: Record, holder_did: str | None, fmt: str) -> dict | str:
        """A copy signed for the wallet: bound to ``holder_did``, with the same status entries
        as the register entry."""
        unsigned, key = self._copy_to_sign(record, holder_did)
        if fmt == "jwt_vc_json":
            return issue_credential_jwt(unsigned, key, clock=self.clock)
        return issue_credential(unsigned, key, created=self.clock(),
                                canonicalizer=self.canonicalizer, proof_set=True)  # OB 3.0

    def sd_jwt_twin(self, record: Record, holder_did: str, holder_key: PublicKey) -> str:
        """The SD-JWT VC (``dc+sd-jwt``) twin of the register entry: same content and status
        entries, bound to the wallet's key (``cnf``) and DID (``sub``)."""
        unsigned, key = self._copy_to_sign(record, holder_did)
        return sd_jwt_vc.issue_sd_jwt_vc(unsigned, key, holder_key, clock=self.clock)

    def _copy_to_sign(self, record: Record, holder_did: str | None):
        owner = self.providers.provider_by_id(record.provider_id)
        with self.db.reading() as session:
            key = self.providers.signing_key(session, owner)
        return _bound(record.document, holder_did), key


def _with_status(credential: dict, entries: dict | list[dict]) -> dict:
    """Insert ``credentialStatus`` before the schema, for a readable document."""
    result: dict = {}
    for name, value in credential.items():
        if name == "credentialSchema":
            result["credentialStatus"] = entries
        result[name] = value
    result.setdefault("credentialStatus", entries)
    return result


def _bound(document: dict, holder_did: str | None) -> dict:
    """The unsigned credential, its subject bound to ``holder_did`` when given."""
    unsigned = {name: value for name, value in document.items() if name != "proof"}
    if holder_did is None:
        return unsigned
    subject = unsigned.get("credentialSubject")
    if not isinstance(subject, dict):
        raise PassportError("This credential cannot be bound to a wallet")
    bound_subject = {"id": holder_did, **{k: v for k, v in subject.items() if k != "id"}}
    return {**unsigned, "credentialSubject": bound_subject}
