"""The issuer's audit trail: who did what to which credential, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from .storage import aware, events


def record_event(session, provider_id: int, record_id: str | None, action: str,
                 reason: str | None, actor: str | None, at: datetime) -> None:
    session.execute(insert(events).values(provider_id=provider_id, record_id=record_id,
                                          action=action, reason=reason, actor=actor, at=at))


def history(db, record_id: str) -> list[dict]:
    with db.reading() as session:
        rows = session.execute(select(events).where(events.c.record_id == record_id)
                               .order_by(events.c.id)).all()
    return [{"action": row.action, "reason": row.reason, "actor": row.actor,
             "at": aware(row.at)} for row in rows]
