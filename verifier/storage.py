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
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


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

organisations = Table(
    "verifier_organisations", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
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
