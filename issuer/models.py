"""What the issuer service hands out: plain, frozen values built from database rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from .storage import as_date, aware

ROLES = ("admin", "staff")
STATES = ("active", "suspended", "revoked", "replaced")
STATE_LABELS = {"active": "Active", "suspended": "Suspended", "revoked": "Revoked",
                "replaced": "Replaced"}
# status_tag() colours in passport/forms.html are keyed by these words
STATE_TAGS = {"active": "valid", "suspended": "suspended", "revoked": "revoked",
              "replaced": "expired"}


@dataclass(frozen=True)
class Provider:
    id: int
    slug: str
    name: str
    did: str
    did_method: str
    curve: str
    host: str | None = None
    address: str | None = None
    ofqual_number: str | None = None
    sfc_endorsement_id: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_row(cls, row) -> Provider:
        return cls(id=row.id, slug=row.slug, name=row.name, did=row.did,
                   did_method=row.did_method, curve=row.curve, host=row.host,
                   address=row.address, ofqual_number=row.ofqual_number,
                   sfc_endorsement_id=row.sfc_endorsement_id, created_at=aware(row.created_at))


@dataclass(frozen=True)
class ProviderKey:
    vm_id: str
    curve: str
    public_multibase: str
    state: str  # active | retired | removed
    created_at: datetime | None
    retired_at: datetime | None
    removed_at: datetime | None

    @classmethod
    def from_row(cls, row) -> ProviderKey:
        return cls(vm_id=row.vm_id, curve=row.curve, public_multibase=row.public_multibase,
                   state=row.state, created_at=aware(row.created_at),
                   retired_at=aware(row.retired_at), removed_at=aware(row.removed_at))


@dataclass(frozen=True)
class User:
    id: int
    provider_id: int
    email: str
    role: str

    @classmethod
    def from_row(cls, row) -> User:
        return cls(id=row.id, provider_id=row.provider_id, email=row.email, role=row.role)


@dataclass(frozen=True)
class Record:
    """One issued credential in the register."""

    id: str
    provider_id: int
    credential_id: str
    course_key: str
    course_title: str
    subject_name: str
    subject_email: str | None
    holder_did: str | None
    completed: date
    valid_until: date | None
    state: str
    reason: str | None
    state_changed_at: datetime | None
    replaces: str | None
    replaced_by: str | None
    verification_method: str
    lifecycle: tuple[int, int] | None  # (list, index) of the 2-bit "message" entry
    revocation: tuple[int, int] | None  # older credentials: one entry per purpose
    suspension: tuple[int, int] | None
    created_at: datetime | None
    created_by: str | None
    batch_id: int | None
    details: dict = field(default_factory=dict)
    document: dict = field(default_factory=dict)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def state_tag(self) -> str:
        return STATE_TAGS.get(self.state, "unknown")

    @classmethod
    def from_row(cls, row) -> Record:
        return cls(id=row.id, provider_id=row.provider_id, credential_id=row.credential_id,
                   course_key=row.course_key, course_title=row.course_title,
                   subject_name=row.subject_name, subject_email=row.subject_email,
                   holder_did=row.holder_did, completed=as_date(row.completed),
                   valid_until=as_date(row.valid_until), state=row.state, reason=row.reason,
                   state_changed_at=aware(row.state_changed_at), replaces=row.replaces,
                   replaced_by=row.replaced_by, verification_method=row.verification_method,
                   lifecycle=_position(row.status_list, row.status_index),
                   revocation=_position(row.revocation_list, row.revocation_index),
                   suspension=_position(row.suspension_list, row.suspension_index),
                   created_at=aware(row.created_at), created_by=row.created_by,
                   batch_id=row.batch_id, details=json.loads(row.details),
                   document=json.loads(row.document))


@dataclass(frozen=True)
class Offer:
    """An OpenID4VCI credential offer (pre-authorized code flow). The code and transaction
    code are only known at creation: the database keeps their hashes."""

    id: str
    uri: str
    pre_authorized_code: str
    tx_code: str | None
    expires_at: datetime
    record_id: str = ""


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    hint: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row) -> ApiToken:
        return cls(id=row.id, name=row.name, hint=row.hint, created_at=aware(row.created_at),
                   last_used_at=aware(row.last_used_at), revoked_at=aware(row.revoked_at))


@dataclass(frozen=True)
class RowError:
    row_no: int  # the line in the file (header is line 1)
    message: str
    raw: dict


@dataclass
class ImportReport:
    """What a bulk import did. Re-running the same file issues nothing twice."""

    batch_id: int | None
    total: int
    issued: int
    skipped: int
    errors: list[RowError]
    record_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


def _position(list_no: int | None, index: int | None) -> tuple[int, int] | None:
    return None if list_no is None or index is None else (list_no, index)
