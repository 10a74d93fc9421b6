"""An employer's own training records: staff, verifications saved to them, the training matrix
(CQC Regulation 18: staff × topics with valid / due soon / expired / missing) and re-checking
saved credentials' status (DOMAIN.md "Regulation"; issue 5 "Employer records").

Every function takes the organisation id and only ever touches that organisation's rows; a
record of another organisation is "not found", never shown.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, select, update

from passport_vc.clock import Clock
from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError, PassportError

from . import storage
from .service import CheckOutcome, CredentialReport, fingerprint

BAD_STATES = frozenset({"revoked", "suspended", "forged", "malformed"})
DUE_SOON = timedelta(days=60)
CELL_LABELS = {"valid": "Valid", "due-soon": "Due soon", "expired": "Expired",
               "missing": "Missing", "not-required": "Not needed for this role"}
CARE_CERTIFICATE_STANDARDS = 16


def new_id() -> str:
    return secrets.token_hex(12)


# --- staff ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    job_title: str


def add_staff(db, organisation_id: int, name: str, job_title: str, clock: Clock) -> int:
    name, job_title = (name or "").strip(), (job_title or "").strip()
    if not name:
        raise MalformedValueError("Enter the staff member's name", path="name")
    if len(name) > 200 or len(job_title) > 200:
        raise MalformedValueError("Names and job titles must be 200 characters or fewer",
                                  path="name" if len(name) > 200 else "job_title")
    with db.transaction() as session:
        return session.execute(insert(storage.staff).values(
            organisation_id=organisation_id, name=name, job_title=job_title,
            created_at=clock())).inserted_primary_key[0]


def list_staff(db, organisation_id: int) -> list[StaffMember]:
    s = storage.staff
    with db.reading() as session:
        rows = session.execute(select(s.c.id, s.c.name, s.c.job_title).where(
            s.c.organisation_id == organisation_id).order_by(s.c.name, s.c.id)).all()
    return [StaffMember(*row) for row in rows]


def get_staff(db, organisation_id: int, staff_id: int) -> StaffMember:
    s = storage.staff
    with db.reading() as session:
        row = session.execute(select(s.c.id, s.c.name, s.c.job_title).where(
            s.c.id == staff_id, s.c.organisation_id == organisation_id)).first()
    if row is None:
        raise NotFoundError("There is no such staff member in your organisation")
    return StaffMember(*row)


# --- checks (the result pages of signed-in users) ---------------------------------------------
def save_check(db, organisation_id: int, user_id: int, outcome: CheckOutcome,
               clock: Clock) -> str:
    check_id = new_id()
    with db.transaction() as session:
        session.execute(insert(storage.checks).values(
            id=check_id, organisation_id=organisation_id, user_id=user_id, created_at=clock(),
            outcome=json.dumps(outcome.to_json())))
    return check_id


def load_check(db, organisation_id: int, check_id: str) -> CheckOutcome:
    c = storage.checks
    with db.reading() as session:
        text = session.execute(select(c.c.outcome).where(
            c.c.id == str(check_id)[:32], c.c.organisation_id == organisation_id)).scalar()
    if text is None:
        raise NotFoundError("This check result was not found. It may belong to another "
                            "organisation.")
    return CheckOutcome.from_json(json.loads(text))


# --- saved verifications ----------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    id: str
    staff_id: int
    title: str
    topic: str
    course_key: str
    provider_name: str
    provider_id: str
    completed: date | None
    valid_until: date | None
    state: str
    label: str
    message: str
    checked_at: datetime
    previous_state: str | None
    changed_at: datetime | None
    saved_at: datetime

    @property
    def changed(self) -> bool:
        return self.previous_state is not None and self.previous_state != self.state


_RECORD_COLUMNS = ("id", "staff_id", "title", "topic", "course_key", "provider_name",
                   "provider_id", "completed", "valid_until", "state", "label", "message",
                   "checked_at", "previous_state", "changed_at", "saved_at")


def _record_select():
    r = storage.records
    return select(*[r.c[name] for name in _RECORD_COLUMNS])


def save_record(db, organisation_id: int, user_id: int, staff_id: int,
                report: CredentialReport, clock: Clock) -> str:
    """Keep a verified credential on a staff member's record (once per staff member)."""
    if report.credential is None:
        raise MalformedValueError("This could not be read as a certificate, so it cannot be "
                                  "saved")
    get_staff(db, organisation_id, staff_id)
    credential = report.credential
    text = credential if isinstance(credential, str) else json.dumps(credential)
    mark = fingerprint(credential)
    now = clock()
    record_id = new_id()
    with db.transaction() as session:
        exists = session.execute(select(storage.records.c.id).where(
            storage.records.c.staff_id == staff_id,
            storage.records.c.fingerprint == mark)).scalar()
        if exists is not None:
            raise ConflictError("This certificate is already saved to this staff member")
        session.execute(insert(storage.records).values(
            id=record_id, organisation_id=organisation_id, staff_id=staff_id, saved_by=user_id,
            saved_at=now, credential=text, fingerprint=mark, title=report.title[:300],
            topic=report.topic[:100], course_key=report.course_key[:100],
            provider_name=report.provider_name[:300], provider_id=(report.provider_id or "")[:2048],
            completed=_date(report.completed), valid_until=_date(report.valid_until),
            state=report.state, label=report.verdict["label"][:200],
            message=report.verdict["message"], checked_at=now))
    return record_id


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def records_for_staff(db, organisation_id: int, staff_id: int) -> list[Record]:
    get_staff(db, organisation_id, staff_id)
    r = storage.records
    with db.reading() as session:
        rows = session.execute(_record_select().where(
            r.c.organisation_id == organisation_id, r.c.staff_id == staff_id).order_by(
            r.c.completed.desc(), r.c.id)).all()
    return [Record(*row) for row in rows]


def all_records(db, organisation_id: int | None) -> list[Record]:
    r = storage.records
    query = _record_select().order_by(r.c.staff_id, r.c.id)
    if organisation_id is not None:
        query = query.where(r.c.organisation_id == organisation_id)
    with db.reading() as session:
        return [Record(*row) for row in session.execute(query).all()]


def delete_record(db, organisation_id: int, record_id: str) -> None:
    r = storage.records
    with db.transaction() as session:
        deleted = session.execute(delete(r).where(
            r.c.id == str(record_id)[:32], r.c.organisation_id == organisation_id)).rowcount
        if not deleted:
            raise NotFoundError("There is no such saved certificate in your organisation")


# --- matrix policy ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    topic: str
    title: str
    refresh_months: int | None


def topics_for(db, organisation_id: int) -> list[Topic]:
    t = storage.topics
    with db.reading() as session:
        rows = session.execute(select(t.c.topic, t.c.title, t.c.refresh_months).where(
            t.c.organisation_id == organisation_id).order_by(t.c.id)).all()
    return [Topic(*row) for row in rows]


def set_topics(db, organisation_id: int,
               choices: list[tuple[str, bool, int | None, str | None]]) -> None:
    """Add, change or remove required topics of the employer's matrix, all in one go:
    each choice is (topic, required, refresh_months, title)."""
    from schemas.catalogue import topic_title

    t = storage.topics
    for topic, _required, refresh_months, _title in choices:
        if not topic or len(topic) > 100:
            raise MalformedValueError("Choose a training topic", path="topic")
        if refresh_months is not None and not 1 <= refresh_months <= 120:
            raise MalformedValueError("The refresh interval must be from 1 to 120 months",
                                      path="refresh_months")
    with db.transaction() as session:
        for topic, required, refresh_months, title in choices:
            where = (t.c.organisation_id == organisation_id, t.c.topic == topic)
            exists = session.execute(select(t.c.id).where(*where)).scalar() is not None
            if not required:
                session.execute(delete(t).where(*where))
            elif exists:  # keep the row (and so the matrix column order)
                session.execute(update(t).where(*where).values(refresh_months=refresh_months))
            else:
                session.execute(insert(t).values(
                    organisation_id=organisation_id, topic=topic,
                    title=(title or topic_title(topic))[:200], refresh_months=refresh_months))


def known_topics() -> list[tuple[str, str]]:
    """Every topic the catalogue knows, as (key, title), for the settings page."""
    from schemas.catalogue import load_catalogue, topic_title

    seen: dict[str, str] = {}
    for course in load_catalogue().values():
        seen.setdefault(course.topic, topic_title(course.topic))
    return sorted(seen.items(), key=lambda item: item[1])


# --- the training matrix ----------------------------------------------------------------------
@dataclass
class Cell:
    state: str  # valid | due-soon | expired | missing
    label: str
    completed: date | None = None
    due: date | None = None
    record_id: str | None = None
    note: str = ""


@dataclass
class MatrixRow:
    staff: StaffMember
    cells: list[Cell] = field(default_factory=list)
    role: str = ""  # the ASC-WDS job role whose required training the row shows

    def needs(self) -> dict[str, int]:
        """How many required topics are missing, expired and due soon for this person."""
        totals = {"missing": 0, "expired": 0, "due-soon": 0}
        for cell in self.cells:
            if cell.state in totals:
                totals[cell.state] += 1
        return totals


@dataclass
class Matrix:
    organisation: str
    today: date
    topics: list[Topic]
    rows: list[MatrixRow]

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(CELL_LABELS, 0)
        for row in self.rows:
            for cell in row.cells:
                totals[cell.state] += 1
        return totals


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _due(record: Record, topic: Topic) -> date | None:
    """The employer's policy interval and the credential's own end date: the earlier wins."""
    candidates = [record.valid_until] if record.valid_until else []
    if topic.refresh_months and record.completed:
        candidates.append(add_months(record.completed, topic.refresh_months))
    return min(candidates) if candidates else None


def _cell(records: list[Record], topic: Topic, today: date, due_soon: timedelta) -> Cell:
    usable = [record for record in records if record.state not in BAD_STATES]
    withdrawn = [record for record in records if record.state in BAD_STATES]
    if topic.topic == "care-certificate":
        full = [record for record in usable if record.course_key in ("care-certificate", "")]
        standards = {record.course_key for record in usable
                     if record.course_key.startswith("care-certificate-standard-")}
        if not full and len(standards) < CARE_CERTIFICATE_STANDARDS:
            note = (f"{len(standards)} of {CARE_CERTIFICATE_STANDARDS} standards"
                    if standards else "")
            return Cell("missing", CELL_LABELS["missing"], note=note)
        usable = full or usable
    if not usable:
        note = f"{withdrawn[0].label} certificate not counted" if withdrawn else ""
        return Cell("missing", CELL_LABELS["missing"], note=note)
    best = max(usable, key=lambda record: (_due(record, topic) or date.max,
                                           record.completed or date.min))
    due = _due(best, topic)
    if due is None:
        state = "valid"
    elif due < today:
        state = "expired"
    elif due - today <= due_soon:
        state = "due-soon"
    else:
        state = "valid"
    note = ""
    if best.state == "unknown-provider":
        note = "Provider not recognised"
    elif best.state == "status-unknown":
        note = "Revocation not checked"
    return Cell(state, CELL_LABELS[state], best.completed, due, best.id, note)


def training_matrix(db, organisation_id: int, organisation_name: str, today: date, *,
                    due_soon: timedelta = DUE_SOON,
                    roles: dict[int, tuple[str, tuple[str, ...]]] | None = None) -> Matrix:
    """Staff × required topics. ``roles`` (staff id -> (job role name, topics it requires))
    makes a person's row show what their job role requires: topics the role adds become
    columns, and topics it does not need read "Not needed for this role"."""
    from schemas.catalogue import default_refresh_months, topic_title

    roles = roles or {}
    topics = topics_for(db, organisation_id)
    have = {topic.topic for topic in topics}
    for _name, wanted in roles.values():
        for key in wanted:
            if key not in have:
                have.add(key)
                topics.append(Topic(key, topic_title(key), default_refresh_months(key)))
    staff = list_staff(db, organisation_id)
    by_staff: dict[int, list[Record]] = {}
    for record in all_records(db, organisation_id):
        by_staff.setdefault(record.staff_id, []).append(record)
    rows = []
    for member in staff:
        records = by_staff.get(member.id, [])
        role_name, needed = roles.get(member.id, ("", None))
        cells = [_cell([r for r in records if r.topic == topic.topic], topic, today, due_soon)
                 if needed is None or topic.topic in needed
                 else Cell("not-required", CELL_LABELS["not-required"]) for topic in topics]
        rows.append(MatrixRow(member, cells, role_name))
    return Matrix(organisation_name, today, topics, rows)


def matrix_csv(matrix: Matrix) -> str:
    """One line per staff member and topic: easy to filter in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Staff member", "Job title", "Topic", "Status", "Completed", "Due",
                     "Note"])
    for row in matrix.rows:
        for topic, cell in zip(matrix.topics, row.cells, strict=True):
            writer.writerow([_safe_cell(row.staff.name), _safe_cell(row.staff.job_title),
                             topic.title, cell.label,
                             cell.completed.isoformat() if cell.completed else "",
                             cell.due.isoformat() if cell.due else "", _safe_cell(cell.note)])
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection): defuse them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- re-checking ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    record_id: str
    organisation_id: int
    staff_name: str
    title: str
    before: str
    after: str
    label: str


def recheck(db, service, organisation_id: int | None, clock: Clock) -> tuple[int, list[Change]]:
    """Verify every saved credential again (status lists re-fetched); returns (how many checked,
    what changed). A change is kept on the record (previous_state, changed_at) until the next
    re-check, so the pages can highlight it."""
    r, s = storage.records, storage.staff
    query = select(r.c.id, r.c.organisation_id, r.c.credential, r.c.state, r.c.title,
                   s.c.name).join(s, s.c.id == r.c.staff_id).order_by(r.c.id)
    if organisation_id is not None:
        query = query.where(r.c.organisation_id == organisation_id)
    with db.reading() as session:
        rows = session.execute(query).all()
    changes: list[Change] = []
    for row in rows:
        credential = row.credential
        if credential.lstrip().startswith("{"):
            credential = json.loads(credential)
        try:
            outcome = service.check(credential, organisation_id=row.organisation_id,
                                    source="saved record", fresh=True)
            verdict = outcome.credentials[0].verdict
        except PassportError as error:
            verdict = {"state": "malformed", "label": "Not a readable credential",
                       "message": error.detail}
        state, now = verdict["state"], clock()
        values = {"state": state, "label": verdict["label"][:200],
                  "message": verdict["message"], "checked_at": now,
                  "previous_state": row.state if state != row.state else None}
        if state != row.state:
            values["changed_at"] = now
            changes.append(Change(row.id, row.organisation_id, row.name, row.title, row.state,
                                  state, verdict["label"]))
        with db.transaction() as session:
            session.execute(update(r).where(r.c.id == row.id).values(**values))
    return len(rows), changes
