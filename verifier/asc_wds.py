"""ASC-WDS (Skills for Care's Adult Social Care Workforce Data Set): the employer's workplace id,
each staff member's worker id and job role, and the bulk upload *training* file made from the
verified training matrix (issue 13).

Only verified certificates go in the file; every saved certificate left out is listed with the
reason in plain English, so the employer sees it before downloading. The same ``build_export``
serves the page and ``passport verifier export-asc-wds``.

File layouts (both from the ASC-WDS service's source, schemas/asc-wds/training-categories.json):
``current`` is what ASC-WDS accepts since November 2025 (TRAININGNAME and four more columns);
``classic`` is the earlier 8-column layout with DESCRIPTION, which older ASC-WDS downloads use.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, insert, select, update

from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError, PassportError

from . import storage
from .records import all_records, known_topics

CLASSIC_HEADER = ("LOCALESTID", "UNIQUEWORKERID", "CATEGORY", "DESCRIPTION", "DATECOMPLETED",
                  "EXPIRYDATE", "ACCREDITED", "NOTES")
CURRENT_HEADER = ("LOCALESTID", "UNIQUEWORKERID", "CATEGORY", "TRAININGNAME", "ACCREDITED",
                  "WHODELIVERED", "PROVIDERNAME", "HOWDELIVERED", "VALIDITY", "DATECOMPLETED",
                  "EXPIRYDATE", "NOTES")
LAYOUTS = {"current": CURRENT_HEADER, "classic": CLASSIC_HEADER}
MAX_ID = 50  # ASC-WDS: LOCALESTID and UNIQUEWORKERID at most 50 characters
MAX_NAME = 120  # TRAININGNAME / DESCRIPTION
_ID_TEXT = re.compile(r"[^\x00-\x1f\x7f]+")
# Kinds of recognition that mean the training was accredited by someone other than the employer
ACCREDITING = frozenset({"ofqual-awarding-organisation", "skills-for-care-endorsed",
                         "oliver-mcgowan-approved"})
IN_HOUSE = "in-house"

LEFT_OUT = {
    "revoked": "The provider has revoked this certificate.",
    "suspended": "The provider has suspended this certificate for now.",
    "forged": "It failed the check: it was changed after it was issued, or its provider did "
              "not sign it.",
    "malformed": "It could not be read as a certificate.",
    "unknown-provider": "The provider is not on your list of recognised providers. Add the "
                        "provider on the trust page if you recognise it.",
    "status-unknown": "We could not check whether the provider has revoked it. Check it again "
                      "when the provider's website is reachable.",
    "not-yet-valid": "It is not valid yet.",
}
INCLUDED_STATES = frozenset({"valid", "due-soon", "expired"})


# --- settings ---------------------------------------------------------------------------------
def _id_text(value: str, what: str, path: str) -> str:
    value = (value or "").strip()
    if not value:
        raise MalformedValueError(f"Enter the {what}", path=path)
    if len(value) > MAX_ID:
        raise MalformedValueError(f"The {what} must be {MAX_ID} characters or fewer", path=path)
    if not _ID_TEXT.fullmatch(value):
        raise MalformedValueError(f"The {what} must not contain tabs or line breaks", path=path)
    return value


def establishment_id(db, organisation_id: int) -> str | None:
    o = storage.organisations
    with db.reading() as session:
        return session.execute(select(o.c.asc_wds_establishment_id).where(
            o.c.id == organisation_id)).scalar()


def set_establishment_id(db, organisation_id: int, value: str) -> str:
    value = _id_text(value, "ASC-WDS workplace ID", "establishment_id")
    o = storage.organisations
    with db.transaction() as session:
        session.execute(update(o).where(o.c.id == organisation_id).values(
            asc_wds_establishment_id=value))
    return value


@dataclass(frozen=True)
class StaffSettings:
    staff_id: int
    name: str
    job_title: str
    worker_id: str  # the one used in files: the stored one, or the default
    worker_id_set: bool
    job_role: int | None


def default_worker_id(name: str, staff_id: int, clashes: bool) -> str:
    """The staff member's name, as many employers use in ASC-WDS; with the record number when
    two staff share a name."""
    base = " ".join(name.split()) or "Staff"
    suffix = f" {staff_id}" if clashes else ""
    return base[:MAX_ID - len(suffix)] + suffix


def staff_settings(db, organisation_id: int) -> list[StaffSettings]:
    s = storage.staff
    with db.reading() as session:
        rows = session.execute(select(
            s.c.id, s.c.name, s.c.job_title, s.c.asc_wds_worker_id, s.c.asc_wds_job_role).where(
            s.c.organisation_id == organisation_id).order_by(s.c.name, s.c.id)).all()
    names: dict[str, int] = {}
    for row in rows:
        key = " ".join(row.name.split()).casefold()
        names[key] = names.get(key, 0) + 1
    found = []
    for row in rows:
        clashes = names[" ".join(row.name.split()).casefold()] > 1
        worker_id = row.asc_wds_worker_id or default_worker_id(row.name, row.id, clashes)
        found.append(StaffSettings(row.id, row.name, row.job_title, worker_id,
                                   row.asc_wds_worker_id is not None, row.asc_wds_job_role))
    return found


def set_staff_asc_wds(db, organisation_id: int, staff_id: int, *, worker_id: str,
                      job_role: int | None) -> None:
    """Set a staff member's ASC-WDS worker id ("" for the default) and job role (None: none)."""
    from schemas.asc_wds import job_roles

    if job_role is not None and job_role not in job_roles():
        raise MalformedValueError("Choose a job role from the list", path="job_role")
    worker_id = _id_text(worker_id, "ASC-WDS worker ID", "worker_id") if \
        (worker_id or "").strip() else None
    s = storage.staff
    with db.transaction() as session:
        exists = session.execute(select(s.c.id).where(
            s.c.id == staff_id, s.c.organisation_id == organisation_id)).scalar()
        if exists is None:
            raise NotFoundError("There is no such staff member in your organisation")
        if worker_id is not None:
            taken = session.execute(select(s.c.name).where(
                s.c.organisation_id == organisation_id, s.c.asc_wds_worker_id == worker_id,
                s.c.id != staff_id)).scalar()
            if taken is not None:
                raise ConflictError(f"{taken} already has the ASC-WDS worker ID {worker_id}")
        session.execute(update(s).where(s.c.id == staff_id).values(
            asc_wds_worker_id=worker_id, asc_wds_job_role=job_role))


# --- training required by job role ------------------------------------------------------------
def role_policies(db, organisation_id: int) -> dict[int, tuple[str, ...]]:
    """The employer's own choices, by job role code (roles not here use the defaults)."""
    p = storage.role_policies
    with db.reading() as session:
        rows = session.execute(select(p.c.job_role, p.c.topics).where(
            p.c.organisation_id == organisation_id)).all()
    return {row.job_role: tuple(json.loads(row.topics)) for row in rows}


def topics_for_role(policies: dict[int, tuple[str, ...]], job_role: int | None) -> \
        tuple[str, ...] | None:
    """What a role requires; None when no role is set (the matrix then uses its own columns)."""
    from schemas.asc_wds import default_topics_for_role

    if job_role is None:
        return None
    return policies.get(job_role, default_topics_for_role(job_role))


def set_role_policy(db, organisation_id: int, job_role: int, topics: list[str] | None) -> None:
    """Set the training a role requires; None goes back to the defaults."""
    from schemas.asc_wds import job_roles

    if job_role not in job_roles():
        raise MalformedValueError("Choose a job role from the list", path="job_role")
    known = {key for key, _title in known_topics()}
    if topics is not None:
        unknown = [topic for topic in topics if topic not in known]
        if unknown:
            raise MalformedValueError(f"There is no training topic called {unknown[0][:100]}",
                                      path="topics")
    p = storage.role_policies
    where = (p.c.organisation_id == organisation_id, p.c.job_role == job_role)
    with db.transaction() as session:
        session.execute(delete(p).where(*where))
        if topics is not None:
            session.execute(insert(p).values(organisation_id=organisation_id,
                                             job_role=job_role,
                                             topics=json.dumps(sorted(set(topics)))))


# --- the export -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportRow:
    staff_id: int
    staff_name: str
    worker_id: str
    category: int
    category_name: str
    name: str
    completed: date | None
    expiry: date | None
    accredited: bool
    who_delivered: str  # "1" in-house, "2" external provider
    how_delivered: str  # "1" face to face, "2" e-learning, "" not known
    notes: str
    record_id: str
    expired: bool


@dataclass(frozen=True)
class LeftOutRow:
    staff_name: str
    title: str
    reason: str


@dataclass
class Export:
    establishment_id: str | None
    today: date
    rows: list[ExportRow] = field(default_factory=list)
    left_out: list[LeftOutRow] = field(default_factory=list)

    @property
    def expired_count(self) -> int:
        return sum(1 for row in self.rows if row.expired)


def credential_document(text: str) -> dict | None:
    """The credential a record keeps (JSON text or a vc+jwt), already verified when saved."""
    from passport_vc.proofs.jose import read_unverified

    try:
        if text.lstrip().startswith("{"):
            document = json.loads(text)
        else:
            document = read_unverified(text.strip())[1]
            document = document.get("vc", document)  # VC 1.1 JWTs wrap it in "vc"
    except (ValueError, PassportError):
        return None
    return document if isinstance(document, dict) else None


def _first_object(value: object) -> dict:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            return item
    return {}


def _how_delivered(mode: object) -> str:
    text = mode.casefold() if isinstance(mode, str) else ""
    if "face" in text or "classroom" in text:
        return "1"
    if "learning" in text or "online" in text:
        return "2"
    return ""


def build_export(db, organisation_id: int, today: date,
                 recognised_for: Callable[[str], tuple[str, ...]],
                 progress: Callable[[str], None] | None = None) -> Export:
    """Every saved certificate of the organisation: verified ones as file rows, the others
    with the reason they are left out. ``recognised_for(provider_id)`` gives the kinds of
    recognition the employer's trust list has for a provider."""
    from schemas.asc_wds import category_of, course_categories, training_categories

    export = Export(establishment_id(db, organisation_id), today)
    people = {member.staff_id: member for member in staff_settings(db, organisation_id)}
    credentials = _credentials(db, organisation_id)
    records = all_records(db, organisation_id)
    seen: set[tuple[int, int, date | None]] = set()
    for number, record in enumerate(records, 1):
        if progress and (number % 100 == 0 or number == len(records)):
            progress(f"Read {number} of {len(records)} saved certificates")
        member = people.get(record.staff_id)
        if member is None:
            continue
        def leave_out(reason: str, member=member, record=record) -> None:
            export.left_out.append(LeftOutRow(member.name, record.title, reason))
        if record.state not in INCLUDED_STATES:
            leave_out(LEFT_OUT.get(record.state, f"Its check result is “{record.label}”."))
            continue
        document = credential_document(credentials.get(record.id, ""))
        if document is None:
            leave_out(LEFT_OUT["malformed"])
            continue
        # The record's course key was read from this credential when it was saved; the
        # alignment, signed in the credential, still comes first (schemas.asc_wds.category_of).
        subject = _first_object(document.get("credentialSubject"))
        code = category_of(_first_object(subject.get("achievement")), record.course_key or None)
        if code is None:
            entry = course_categories().get(record.course_key)
            leave_out("ASC-WDS has no training category for it"
                      + (f": {entry.why}." if entry and entry.why else "."))
            continue
        if record.completed and record.completed > today:
            leave_out("Its completion date is in the future, which ASC-WDS does not accept.")
            continue
        key = (record.staff_id, code, record.completed)
        if key in seen:
            leave_out("The same training (category and date) is already in the file for this "
                      "person.")
            continue
        seen.add(key)
        kinds = recognised_for(record.provider_id)
        expired = record.valid_until is not None and record.valid_until < today
        notes = (f"Verified with Skills Passport on {record.checked_at:%d/%m/%Y}. "
                 f"Provider: {record.provider_name}")
        export.rows.append(ExportRow(
            record.staff_id, member.name, member.worker_id, code,
            training_categories()[code].name, record.title[:MAX_NAME], record.completed,
            record.valid_until, bool(ACCREDITING & set(kinds)),
            "1" if IN_HOUSE in kinds else "2",
            _how_delivered(subject.get("deliveryMode")), notes[:1000], record.id,
            expired))
    export.rows.sort(key=lambda row: (row.staff_name, row.category, row.completed or date.min))
    export.left_out.sort(key=lambda row: (row.staff_name, row.title))
    return export


def _credentials(db, organisation_id: int) -> dict[str, str]:
    r = storage.records
    with db.reading() as session:
        return dict(session.execute(select(r.c.id, r.c.credential).where(
            r.c.organisation_id == organisation_id)).all())


def uk_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection): defuse them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(export: Export, layout: str = "current") -> str:
    """The ASC-WDS bulk upload training file (CRLF lines, as ASC-WDS writes its own)."""
    if layout not in LAYOUTS:
        raise MalformedValueError("Choose the current or the classic ASC-WDS layout",
                                  path="layout")
    if not export.establishment_id:
        raise MalformedValueError("Set your ASC-WDS workplace ID first",
                                  path="establishment_id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LAYOUTS[layout])
    for row in export.rows:
        values = {
            "LOCALESTID": export.establishment_id, "UNIQUEWORKERID": row.worker_id,
            "CATEGORY": str(row.category), "DESCRIPTION": row.name, "TRAININGNAME": row.name,
            "DATECOMPLETED": uk_date(row.completed), "EXPIRYDATE": uk_date(row.expiry),
            "ACCREDITED": "1" if row.accredited else "0", "WHODELIVERED": row.who_delivered,
            "PROVIDERNAME": "", "HOWDELIVERED": row.how_delivered,
            "VALIDITY": "" if row.expiry else "none", "NOTES": row.notes}
        writer.writerow([safe_cell(values[column]) for column in LAYOUTS[layout]])
    return out.getvalue()


def matrix_roles(db, organisation_id: int) -> dict[int, tuple[str, tuple[str, ...]]]:
    """For the training matrix: staff id -> (job role name, the training that role requires),
    for each staff member whose job role is set."""
    from schemas.asc_wds import job_roles

    policies = role_policies(db, organisation_id)
    found = {}
    for member in staff_settings(db, organisation_id):
        if member.job_role is None or member.job_role not in job_roles():
            continue
        found[member.staff_id] = (job_roles()[member.job_role].name,
                                  topics_for_role(policies, member.job_role) or ())
    return found
