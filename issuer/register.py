"""The register: what a provider has issued, looked up, searched and counted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from passport_vc.errors import NotFoundError
from passport_web.sql import Database

from . import events
from .models import Record
from .providers import ProviderService
from .storage import as_date, providers, records


class RegisterService:
    def __init__(self, db: Database, providers: ProviderService) -> None:
        self.db, self.providers = db, providers

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
        provider = self.providers.provider(slug)
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
        provider = self.providers.provider(slug)
        with self.db.reading() as session:
            rows = session.execute(select(records.c.state, func.count()).where(
                records.c.provider_id == provider.id).group_by(records.c.state)).all()
        found = {state: count for state, count in rows}
        found["total"] = sum(found.values())
        return found

    def history(self, record_id: str) -> list[dict]:
        return events.history(self.db, record_id)
