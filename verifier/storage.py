"""The verifier's own records (SQLAlchemy Core): employers, their users, staff, saved
verifications, training-matrix policy and locally recognised providers.

Every row belongs to one organisation and every query here takes the organisation id, so staff
of one employer can never read another's data (issue 5 "Employer records"). Nothing central is
kept: these are the employer's own records of what its staff showed it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from passport_web.sessions import attempts_table, sessions_table


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

sessions = sessions_table(metadata, "verifier")  # signed-in browsers (passport_web/sessions.py)
sign_in_attempts = attempts_table(metadata, "verifier")  # throttling, shared by every worker

organisations = Table(
    "verifier_organisations", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    # ASC-WDS workplace id (LOCALESTID of the bulk upload files): None until the employer sets it
    Column("asc_wds_establishment_id", String(50)),
)

users = Table(
    "verifier_users", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),  # "manager" | "viewer"
    Column("password_hash", String(255), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_failure", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)

staff = Table(
    "verifier_staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("name", String(200), nullable=False),
    Column("job_title", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    # ASC-WDS: the worker's UNIQUEWORKERID and main job role code (schemas/asc-wds/job-roles.json)
    Column("asc_wds_worker_id", String(50)),
    Column("asc_wds_job_role", Integer),
)

# One row per check made by a signed-in user: the outcome as shown (JSON), so the result page
# can be reloaded and a credential from it saved to a staff member.
checks = Table(
    "verifier_checks", metadata,
    Column("id", String(32), primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("user_id", ForeignKey("verifier_users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("outcome", Text, nullable=False),
)

records = Table(
    "verifier_records", metadata,
    Column("id", String(32), primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("staff_id", ForeignKey("verifier_staff.id"), nullable=False, index=True),
    Column("saved_by", ForeignKey("verifier_users.id"), nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
    Column("credential", Text, nullable=False),  # JSON text or a vc+jwt, exactly as verified
    Column("fingerprint", String(64), nullable=False),
    Column("title", String(300), nullable=False),
    Column("topic", String(100), nullable=False, default=""),
    Column("course_key", String(100), nullable=False, default=""),
    Column("provider_name", String(300), nullable=False, default=""),
    Column("provider_id", String(2048), nullable=False, default=""),
    Column("completed", Date),
    Column("valid_until", Date),
    Column("state", String(40), nullable=False),
    Column("label", String(200), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("checked_at", UtcDateTime, nullable=False),
    Column("previous_state", String(40)),
    Column("changed_at", UtcDateTime),
    UniqueConstraint("staff_id", "fingerprint", name="verifier_records_once_per_staff"),
)

topics = Table(
    "verifier_topics", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("topic", String(100), nullable=False),
    Column("title", String(200), nullable=False),
    Column("refresh_months", Integer),  # None: never needs refreshing
    UniqueConstraint("organisation_id", "topic", name="verifier_topics_once"),
)

# The employer's own choice of training a job role needs; a role without a row uses the defaults
# of schemas/asc-wds/role-requirements.json. ``topics`` is a JSON list of topic keys.
role_policies = Table(
    "verifier_role_policies", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("job_role", Integer, nullable=False),
    Column("topics", Text, nullable=False),
    UniqueConstraint("organisation_id", "job_role", name="verifier_role_policies_once"),
)

trust_entries = Table(
    "verifier_trust_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("did", String(2048), nullable=False),
    Column("name", String(200), nullable=False),
    Column("recognised_for", String(500), nullable=False, default=""),
    Column("note", String(1000), nullable=False, default=""),
    Column("added_at", UtcDateTime, nullable=False),
    Column("added_by", ForeignKey("verifier_users.id"), nullable=False),
    UniqueConstraint("organisation_id", "did", name="verifier_trust_once"),
)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --- OpenID4VP requests -----------------------------------------------------------------------
def add_oid4vp_request(session, *, state: str, nonce: str, response_code: str,
                       organisation_id: int | None, user_id: int | None, created_at: datetime,
                       expires_at: datetime) -> None:
    session.execute(oid4vp_requests.insert().values(
        state=state, nonce=nonce, response_code=response_code, organisation_id=organisation_id,
        user_id=user_id, created_at=created_at, expires_at=expires_at))


def oid4vp_request(session, state: str) -> dict | None:
    row = session.execute(oid4vp_requests.select().where(
        oid4vp_requests.c.state == str(state)[:64])).mappings().first()
    return dict(row) if row is not None else None


def answer_oid4vp_request(session, state: str, *, now: datetime, outcome: str) -> bool:
    """Mark the request answered, once: False when it was already answered or has expired
    (two answers racing each other: only one wins)."""
    r = oid4vp_requests.c
    done = session.execute(oid4vp_requests.update().where(
        r.state == state, r.answered_at.is_(None), r.expires_at > now).values(
        answered_at=now, outcome=outcome))
    return done.rowcount == 1


def forget_old_oid4vp_requests(session, before: datetime) -> None:
    """Requests (and the outcomes of anonymous checks kept with them) are not records: they go
    a day after they expire. Signed-in checks are kept in verifier_checks as usual."""
    session.execute(oid4vp_requests.delete().where(oid4vp_requests.c.expires_at < before))


def link_oid4vp_check(session, state: str, check_id: str) -> None:
    session.execute(oid4vp_requests.update().where(
        oid4vp_requests.c.state == state).values(check_id=check_id))

# OpenID4VP 1.0 requests this verifier made (verifier/oid4vp.py): the state is the key the
# wallet answers with, the nonce is what its presentation must be signed over. Each is used once
# and only until it expires; the outcome is kept so the asking page can show it.
oid4vp_requests = Table(
    "verifier_oid4vp_requests", metadata,
    Column("state", String(64), primary_key=True),
    Column("nonce", String(64), nullable=False),
    Column("response_code", String(64), nullable=False),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), index=True),
    Column("user_id", ForeignKey("verifier_users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime),
    Column("outcome", Text),
    Column("check_id", String(32)),
)

# Refresher reminders e-mailed to an organisation's managers (verifier/reminders.py): one row
# per (staff member, topic, due date, threshold). Unique, so `passport verifier send-reminders`
# run twice (or twice at once) tells them once; a renewal has a new due date and starts afresh.
reminders_sent = Table(
    "verifier_reminders_sent", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("verifier_organisations.id"), nullable=False,
           index=True),
    Column("staff_id", ForeignKey("verifier_staff.id", ondelete="CASCADE"), nullable=False),
    Column("topic", String(100), nullable=False),
    Column("due", Date, nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    UniqueConstraint("staff_id", "topic", "due", "threshold", name="verifier_reminders_once"),
)

# Public documents fetched for verifying (did:web DID documents, status list credentials),
# shared by every worker and every machine on this database: the tier behind each process's
# small in-memory cache (verifier/document_cache.py). Only public documents, never personal data.
document_cache = Table(
    "verifier_document_cache", metadata,
    Column("url", String(2048), primary_key=True),
    Column("accept", String(200), primary_key=True),  # "" when none was asked for
    Column("body", LargeBinary, nullable=False),
    Column("content_type", String(200)),
    Column("etag", String(256)),
    Column("max_age", Integer),
    Column("fetched_at", UtcDateTime, nullable=False),  # when the origin last confirmed it
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)
