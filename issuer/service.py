"""The issuer's domain logic (no Flask): providers and their did:web keys, issuing care training
credentials as Open Badges 3.0 ``OpenBadgeCredential``s (VC Data Model 2.0, Data Integrity
eddsa-rdfc-2022 / ecdsa-rdfc-2019), the issued register, revocation and suspension through
W3C Bitstring Status List 1.0, signed status list credentials.

OpenID4VCI delivery lives in ``delivery.py``, bulk CSV import in ``bulk.py`` and accounts/API
tokens in ``access.py``; ``IssuerService`` combines them. Every write is one transaction
(``Database.transaction()``): a failure leaves nothing half done.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from datetime import date, datetime

from sqlalchemy import func, insert, or_, select, update

from passport_vc.clock import parse_datetime
from passport_vc.did import build_did_document, did_key_from_public_key, local_path_for
from passport_vc.did.key import resolve_did_key, verification_method_for
from passport_vc.errors import (
    ConflictError,
    ForbiddenError,
    MalformedValueError,
    NotFoundError,
    PassportError,
)
from passport_vc.integrations.sql import Database
from passport_vc.issue import IssuerKey, issue_credential
from passport_vc.jsonld import default_canonicalizer
from passport_vc.keys import PrivateKey
from passport_vc.keys.storage import open_private_key, seal_private_key
from passport_vc.status import LIFECYCLE_VALUES, lifecycle_entry, list_credential
from schemas.builder import build_training_credential
from schemas.catalogue import Course, course_from_dict, load_catalogue

from . import statuslists
from .access import AccessMixin
from .bulk import ImportMixin
from .config import IssuerConfig
from .conformance import ConformanceMixin
from .delivery import DeliveryMixin
from .models import Provider, ProviderKey, Record
from .storage import (
    as_date,
    aware,
    courses,
    dumps,
    events,
    provider_keys,
    providers,
    records,
    status_lists,
)

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
HOST = re.compile(r"[a-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~-]+)*\Z")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}\Z")
DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%#-]+\Z")
ISSUING_CURVES = ("Ed25519", "P-256")
MAX_NAME = 200
MAX_TEXT = 500
EARLIEST_COMPLETION = date(1980, 1, 1)
CONFORMANCE_SLUGS = {"Ed25519": "conformance-ed25519", "P-256": "conformance-p-256"}
CORRECTABLE = ("course_key", "subject_name", "subject_email", "holder_did", "completed",
               "assessment_method", "delivery_mode", "hours", "evidence")


# --- input checks (plain English; shown to provider staff) -------------------------------------
def clean_text(value: object, label: str, *, required: bool = False, limit: int = MAX_TEXT,
               field: str | None = None) -> str | None:
    """Whitespace tidied; ``field`` names the form field an error belongs to."""
    path = field or label.replace(" ", "_")
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise MalformedValueError(f"Enter the {label}", path=path)
        return None
    if not isinstance(value, str):
        raise MalformedValueError(f"The {label} must be text", path=path)
    text = " ".join(value.split())
    if len(text) > limit:
        raise MalformedValueError(f"The {label} must be {limit} characters or fewer", path=path)
    return text


def clean_email(value: object) -> str | None:
    text = clean_text(value, "email address", limit=320, field="subject_email")
    if text is None:
        return None
    if not EMAIL.match(text):
        raise MalformedValueError("Enter an email address in the correct format, like "
                                  "name@example.com", path="subject_email")
    return text.lower()


def clean_did(value: object) -> str | None:
    text = clean_text(value, "holder DID", limit=600, field="holder_did")
    if text is None:
        return None
    if not DID.match(text) or "#" in text:
        raise MalformedValueError("The worker's wallet identifier must be a DID, like "
                                  "did:key:z6Mk…", path="holder_did")
    return text


def clean_hours(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        hours = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        hours = None
    if hours is None or not 0 < hours <= 5000 or hours != hours:
        raise MalformedValueError("The hours must be a number above 0, like 6 or 7.5",
                                  path="hours")
    return round(hours, 2)


def clean_completed(value: object, today: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        parsed = None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                parsed = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if parsed is None:
            raise MalformedValueError("The completion date must be a real date, like "
                                      "2026-03-27 or 27/03/2026", path="completed")
        value = parsed
    if not isinstance(value, date):
        raise MalformedValueError("Enter the date the training was completed", path="completed")
    if value > today:
        raise MalformedValueError("The completion date must be today or in the past",
                                  path="completed")
    if value < EARLIEST_COMPLETION:
        raise MalformedValueError("The completion date must be after 1 January 1980",
                                  path="completed")
    return value


def _details(course_key: str, *, subject_name, completed: date, subject_email, holder_did,
             assessment_method, delivery_mode, hours, evidence) -> dict:
    return {"course_key": course_key, "subject_name": subject_name,
            "completed": completed.isoformat(), "subject_email": subject_email,
            "holder_did": holder_did, "assessment_method": assessment_method,
            "delivery_mode": delivery_mode, "hours": hours, "evidence": evidence}


class _IssuingContext:
    """Everything one transaction needs to issue for one provider."""

    def __init__(self, service: IssuerService, session, provider: Provider) -> None:
        self.provider = provider
        self.key = service._issuer_key(session, provider)
        now = service.clock()
        size = service.config.status_list_size
        self.allocators = {purpose: statuslists.Allocator(session, provider.id, purpose, size,
                                                          now)
                           for purpose in statuslists.PURPOSES}

    def flush(self) -> None:
        for allocator in self.allocators.values():
            allocator.flush()


class IssuerService(DeliveryMixin, ImportMixin, AccessMixin, ConformanceMixin):
    """The issuer's operations. Safe to share between threads (state lives in the database)."""

    def __init__(self, db: Database, config: IssuerConfig) -> None:
        self.db = db
        self.config = config
        self.clock = config.clock
        self.canonicalizer = default_canonicalizer()
        self._master = config.master_key_bytes()
        self._signers: dict[str, PrivateKey] = {}
        self._lock = threading.Lock()

    # --- providers ----------------------------------------------------------------------------
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
            self._add_key(session, provider_id, did, "key-1", PrivateKey.generate(curve), now)
            for purpose in statuslists.PURPOSES:
                statuslists.create_list(session, provider_id, purpose, 1,
                                        self.config.status_list_size, now)
        self.did_document(slug)
        return self.provider(slug)

    def ensure_conformance_issuers(self) -> dict[str, str]:
        """The did:key issuers of the VC API conformance profile (made once, keys sealed)."""
        made = {}
        for curve, slug in CONFORMANCE_SLUGS.items():
            with self.db.transaction() as session:
                row = session.execute(select(providers).where(providers.c.slug == slug)).first()
                if row is None:
                    key = PrivateKey.generate(curve)
                    did = did_key_from_public_key(key.public_key)
                    now = self.clock()
                    provider_id = session.execute(insert(providers).values(
                        slug=slug, name=f"Conformance test issuer ({curve})", did=did,
                        did_method="key", curve=curve, next_key_number=1,
                        created_at=now)).inserted_primary_key[0]
                    fragment = verification_method_for(did).split("#", 1)[1]
                    self._add_key(session, provider_id, did, fragment, key, now)
                    for purpose in statuslists.PURPOSES:
                        statuslists.create_list(session, provider_id, purpose, 1,
                                                self.config.status_list_size, now)
                    made[curve] = did
                else:
                    made[curve] = row.did
        return made

    def _add_key(self, session, provider_id: int, did: str, fragment: str, key: PrivateKey,
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
            self._event(session, provider.id, None, "rotate-key", vm_id, actor, now)
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
        return self._add_key(session, provider.id, provider.did, f"key-{number}",
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
            self._event(session, provider.id, None, "remove-key", vm_id, actor, now)
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
        from passport_vc.keys import PublicKey

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

    def _issuer_key(self, session, provider: Provider) -> IssuerKey:
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

    # --- catalogue ------------------------------------------------------------------------------
    def courses(self, slug: str) -> dict[str, Course]:
        """The national catalogue plus the provider's own courses."""
        provider = self.provider(slug)
        catalogue = load_catalogue()
        with self.db.reading() as session:
            rows = session.execute(select(courses.c.data).where(
                courses.c.provider_id == provider.id).order_by(courses.c.id)).all()
        for row in rows:
            course = course_from_dict(json.loads(row.data))
            catalogue[course.key] = course
        return catalogue

    def add_course(self, slug: str, data: dict) -> Course:
        provider = self.provider(slug)
        course = course_from_dict(data)
        if course.key in load_catalogue():
            raise ConflictError(f"{course.key!r} is already a course in the national catalogue; "
                                "choose another key", path="key")
        with self.db.transaction() as session:
            exists = session.execute(select(courses.c.id).where(
                courses.c.provider_id == provider.id, courses.c.key == course.key)).first()
            if exists:
                raise ConflictError(f"You already have a course called {course.key!r}",
                                    path="key")
            session.execute(insert(courses).values(provider_id=provider.id, key=course.key,
                                                   data=dumps(_course_data(course))))
        return course

    def course(self, slug: str, course_key: str) -> Course:
        found = self.courses(slug).get(course_key) if isinstance(course_key, str) else None
        if found is None:
            raise MalformedValueError("Choose a course from the list", path="course")
        return found

    # --- issuing --------------------------------------------------------------------------------
    def status_list_url(self, slug: str, purpose: str, list_no: int) -> str:
        return f"{self.config.public_base}/status/{slug}/{purpose}/{list_no}"

    def issue(self, slug: str, course_key: str, *, subject_name: str, completed: date,
              subject_email: str | None = None, holder_did: str | None = None,
              assessment_method: str | None = None, delivery_mode: str | None = None,
              hours: float | None = None, evidence: str | None = None,
              actor: str | None = None) -> Record:
        """Sign one credential for a worker and enter it in the register."""
        provider = self.provider(slug)
        if provider.did_method != "web":
            raise ForbiddenError("The conformance issuer only signs through the VC API")
        course = self.course(slug, course_key)
        details = self._clean_details(course.key, subject_name=subject_name, completed=completed,
                                      subject_email=subject_email, holder_did=holder_did,
                                      assessment_method=assessment_method,
                                      delivery_mode=delivery_mode, hours=hours,
                                      evidence=evidence)
        with self.db.transaction() as session:
            context = _IssuingContext(self, session, provider)
            values = self._sign_record(context, course, details, actor=actor)
            context.flush()
            session.execute(insert(records).values(**values))
            self._event(session, provider.id, values["id"], "issue", None, actor,
                        values["created_at"])
        return self.record(values["id"])

    def _clean_details(self, course_key: str, *, subject_name, completed, subject_email,
                       holder_did, assessment_method, delivery_mode, hours, evidence) -> dict:
        return _details(
            course_key,
            subject_name=clean_text(subject_name, "worker's full name", required=True,
                                    limit=MAX_NAME, field="subject_name"),
            completed=clean_completed(completed, self.clock().date()),
            subject_email=clean_email(subject_email), holder_did=clean_did(holder_did),
            assessment_method=clean_text(assessment_method, "assessment method", limit=100,
                                         field="assessment_method"),
            delivery_mode=clean_text(delivery_mode, "delivery mode", limit=100,
                                     field="delivery_mode"),
            hours=clean_hours(hours), evidence=clean_text(evidence, "evidence"))

    def _sign_record(self, context: _IssuingContext, course: Course, details: dict, *,
                     actor: str | None, replaces: tuple[str, str] | None = None,
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
            replaces=replaces[1] if replaces else None)
        # One lifecycle entry (valid / suspended / revoked): Open Badges 3.0 allows a single
        # credentialStatus object.
        list_no, index = context.allocators["message"].allocate()
        entry = lifecycle_entry(self.status_list_url(provider.slug, "message", list_no), index)
        credential = _with_status(credential, entry)
        now = self.clock()
        signed = issue_credential(credential, context.key, created=now,
                                  canonicalizer=self.canonicalizer, proof_set=True)  # OB 3.0
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

    # --- the register -----------------------------------------------------------------------
    def record(self, record_id: str, *, provider: str | int | None = None) -> Record:
        """One register entry. With ``provider`` (slug or id) another provider's record is
        reported as not found, so record ids reveal nothing across providers."""
        with self.db.reading() as session:
            row = session.execute(select(records).where(records.c.id == str(record_id))).first()
            if row is not None and provider is not None:
                expected = provider if isinstance(provider, int) else session.execute(
                    select(providers.c.id).where(providers.c.slug == provider)).scalar()
                if row.provider_id != expected:
                    row = None
        if row is None:
            raise NotFoundError("There is no credential with that reference")
        return Record.from_row(row)

    def search(self, slug: str, text: str | None = None, course: str | None = None,
               date_from: date | None = None, date_to: date | None = None, *,
               state: str | None = None, limit: int = 200, offset: int = 0) -> list[Record]:
        provider = self.provider(slug)
        query = select(records).where(records.c.provider_id == provider.id)
        text = " ".join((text or "").split()).lower()
        if text:
            reference = text.removeprefix("urn:uuid:").replace("-", "")
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") \
                + "%"
            query = query.where(or_(records.c.subject_search.like(pattern, escape="\\"),
                                    records.c.id == reference,
                                    records.c.credential_id == text))
        if course:
            query = query.where(records.c.course_key == course)
        if date_from:
            query = query.where(records.c.completed >= as_date(date_from))
        if date_to:
            query = query.where(records.c.completed <= as_date(date_to))
        if state:
            query = query.where(records.c.state == state)
        query = query.order_by(records.c.created_at.desc(), records.c.id).limit(
            max(1, min(limit, 10_000))).offset(max(0, offset))
        with self.db.reading() as session:
            rows = session.execute(query).all()
        return [Record.from_row(row) for row in rows]

    def counts(self, slug: str) -> dict[str, int]:
        provider = self.provider(slug)
        with self.db.reading() as session:
            rows = session.execute(select(records.c.state, func.count()).where(
                records.c.provider_id == provider.id).group_by(records.c.state)).all()
        found = {state: count for state, count in rows}
        found["total"] = sum(found.values())
        return found

    def history(self, record_id: str) -> list[dict]:
        with self.db.reading() as session:
            rows = session.execute(select(events).where(events.c.record_id == record_id)
                                   .order_by(events.c.id)).all()
        return [{"action": row.action, "reason": row.reason, "actor": row.actor,
                 "at": aware(row.at)} for row in rows]

    def _event(self, session, provider_id: int, record_id: str | None, action: str,
               reason: str | None, actor: str | None, at: datetime) -> None:
        session.execute(insert(events).values(provider_id=provider_id, record_id=record_id,
                                              action=action, reason=reason, actor=actor, at=at))

    # --- documents ------------------------------------------------------------------------------
    def credential_document(self, record_id: str, fmt: str = "ldp_vc",
                            holder_did: str | None = None, *,
                            provider: str | int | None = None) -> dict | str:
        """The signed credential as ``ldp_vc`` (Data Integrity JSON) or ``jwt_vc_json``
        (VC-JOSE-COSE vc+jwt). With ``holder_did`` a copy bound to that DID is signed, carrying
        the same status entries as the register entry."""
        if fmt not in ("ldp_vc", "jwt_vc_json"):
            raise MalformedValueError("The format must be ldp_vc or jwt_vc_json", path="format")
        record = self.record(record_id, provider=provider)
        holder_did = clean_did(holder_did)
        if fmt == "ldp_vc" and holder_did is None:
            return record.document
        return self._bound_credential(record, holder_did, fmt)

    # --- revocation and suspension ----------------------------------------------------------
    def revoke(self, record_id: str, reason: str, *, provider: str | int | None = None,
               actor: str | None = None) -> Record:
        return self._change(record_id, "revoke", reason, provider=provider, actor=actor)

    def suspend(self, record_id: str, reason: str, *, provider: str | int | None = None,
                actor: str | None = None) -> Record:
        return self._change(record_id, "suspend", reason, provider=provider, actor=actor)

    def reinstate(self, record_id: str, reason: str | None = None, *,
                  provider: str | int | None = None, actor: str | None = None) -> Record:
        return self._change(record_id, "reinstate", reason, provider=provider, actor=actor)

    def _change(self, record_id: str, action: str, reason: str | None, *,
                provider: str | int | None, actor: str | None) -> Record:
        record = self.record(record_id, provider=provider)
        if action == "reinstate":
            reason = clean_text(reason, "reason")
        else:
            reason = clean_text(reason, "reason", required=True)
        now = self.clock()
        with self.db.transaction() as session:
            current = _lock_record(session, record.id)
            self._apply(session, record, current, action, reason, now)
            self._event(session, record.provider_id, record.id, action, reason, actor, now)
        return self.record(record.id)

    def _apply(self, session, record: Record, current: str, action: str, reason: str | None,
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

    def correct(self, record_id: str, *, provider: str | int | None = None,
                actor: str | None = None, **changes) -> Record:
        """Revoke a wrong credential and issue a corrected one that links to it
        (``replaces``); returns the new register entry."""
        unknown = sorted(set(changes) - set(CORRECTABLE))
        if unknown:
            raise MalformedValueError(f"{unknown[0]} cannot be corrected", path=unknown[0])
        record = self.record(record_id, provider=provider)
        owner = self.provider_by_id(record.provider_id)
        merged = {**record.details, **changes}
        course = self.course(owner.slug, merged.pop("course_key"))
        details = self._clean_details(course.key, **merged)
        if details == record.details:
            raise MalformedValueError("Nothing was changed, so there is nothing to correct")
        now = self.clock()
        with self.db.transaction() as session:
            current = _lock_record(session, record.id)
            reason = "Replaced by a corrected credential"
            self._apply(session, record, current, "replace", reason, now)
            context = _IssuingContext(self, session, owner)
            values = self._sign_record(context, course, details, actor=actor,
                                       replaces=(record.id, record.credential_id))
            context.flush()
            session.execute(insert(records).values(**values))
            session.execute(update(records).where(records.c.id == record.id)
                            .values(replaced_by=values["id"]))
            self._event(session, owner.id, record.id, "replace", reason, actor, now)
            self._event(session, owner.id, values["id"], "issue", "Correction", actor, now)
        return self.record(values["id"])

    # --- status list credentials --------------------------------------------------------------
    def status_list(self, slug: str, purpose: str, list_no: int) -> tuple[dict, str]:
        """The signed BitstringStatusListCredential and its ETag; signed again only when the
        bits (or the signing key) changed."""
        provider = self.provider(slug)
        if purpose not in statuslists.PURPOSES:
            raise NotFoundError("There is no status list at this address")
        with self.db.reading() as session:
            row = session.execute(select(status_lists).where(
                status_lists.c.provider_id == provider.id, status_lists.c.purpose == purpose,
                status_lists.c.list_no == list_no)).first()
            if row is None:
                raise NotFoundError("There is no status list at this address")
            if row.signed and row.signed_version == row.version:
                return json.loads(row.signed), _etag(row.signed)
            key = self._issuer_key(session, provider)
        url = self.status_list_url(slug, purpose, list_no)
        unsigned = list_credential(url, provider.did, purpose, row.bits,
                                   valid_from=aware(row.updated_at),
                                   status_size=statuslists.status_size(purpose))
        signed = issue_credential(unsigned, key, created=self.clock(),
                                  canonicalizer=self.canonicalizer)
        text = dumps(signed)
        with self.db.transaction() as session:
            session.execute(update(status_lists).where(
                status_lists.c.id == row.id, status_lists.c.version == row.version)
                .values(signed=text, signed_version=row.version))
        return signed, _etag(text)

    def status_list_credential(self, slug: str, purpose: str, list_no: int) -> dict:
        return self.status_list(slug, purpose, list_no)[0]


def _course_data(course: Course) -> dict:
    return course.to_dict()


def _lock_record(session, record_id: str) -> str:
    """Take the record's row lock (a no-op UPDATE, which on SQLite also takes the write lock
    before reading) and return its current state."""
    session.execute(update(records).where(records.c.id == record_id)
                    .values(state=records.c.state))
    return session.execute(select(records.c.state).where(records.c.id == record_id)).scalar()


def _etag(text: str) -> str:
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


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
