"""Revoking many credentials at once (a provider withdraws a course, an assessor is struck off).

All or nothing: one transaction checks every reference first (it exists, belongs to the
provider, is not already revoked or replaced) and then changes every affected status list once
— each list's bitstring is read, all its entries flipped in memory, and written back with its
version raised by one — so 10,000 revocations cost a few list writes, not 10,000. The signed
list credentials are signed again lazily, only for the lists that changed, when a verifier
(or the CDN in front of the issuer) next asks for them (StatusService.status_list).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import insert, select, update

from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError, TooLargeError
from passport_vc.status import LIFECYCLE_VALUES, get_status, set_status

from . import statuslists
from .cleaning import clean_text
from .storage import events, providers, records, status_lists

MAX_BATCH = 50_000
MAX_ID_LENGTH = 32  # records.id
CHUNK = 900  # bound parameters per statement (well under SQLite's and PostgreSQL's limits)
REVOCABLE = ("active", "suspended")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def clean_ids(ids: object) -> list[str]:
    """The references as a list of distinct strings, or a clear error."""
    if not isinstance(ids, list | tuple) or not ids:
        raise MalformedValueError("Give a list of one or more credential references",
                                  path="ids")
    if len(ids) > MAX_BATCH:
        raise TooLargeError(f"At most {MAX_BATCH:,} credentials can be revoked in one go; "
                            f"this list has {len(ids):,}")
    seen: set[str] = set()
    cleaned: list[str] = []
    for position, value in enumerate(ids):
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_ID_LENGTH:
            raise MalformedValueError(f"Reference number {position + 1} is not a credential "
                                      "reference", path=f"ids/{position}")
        value = value.strip()
        if value in seen:
            raise MalformedValueError(f"{value} is listed twice", path=f"ids/{position}")
        seen.add(value)
        cleaned.append(value)
    return cleaned


def revoke_many(db, ids: Sequence[str], reason: str | None, *, now: datetime,
                provider: str | int | None = None, actor: str | None = None,
                progress: Progress | None = None) -> int:
    """Revoke every credential in ``ids`` or none of them; returns how many were revoked."""
    ids = clean_ids(ids)
    reason = clean_text(reason, "reason", required=True)
    report = progress or (lambda stage, done, total: None)
    total = len(ids)
    with db.transaction() as session:
        provider_id = _provider_id(session, provider)
        rows = _lock_and_read(db, session, ids, provider_id, report)
        changes = _bit_changes(rows)
        for number, ((owner, purpose), lists) in enumerate(sorted(changes.items())):
            statuslists.lock_lists(session, owner, purpose)
            _write_lists(session, owner, purpose, lists, now)
            report("lists", number + 1, len(changes))
        for start in range(0, total, CHUNK):
            chunk = ids[start:start + CHUNK]
            session.execute(update(records).where(records.c.id.in_(chunk)).values(
                state="revoked", reason=reason, state_changed_at=now))
            session.execute(insert(events), [
                {"provider_id": rows[rid].provider_id, "record_id": rid, "action": "revoke",
                 "reason": reason, "actor": actor, "at": now} for rid in chunk])
            report("revoked", min(start + CHUNK, total), total)
    return total


def _provider_id(session, provider: str | int | None) -> int | None:
    if provider is None or isinstance(provider, int):
        return provider
    found = session.execute(select(providers.c.id).where(providers.c.slug == provider)).scalar()
    if found is None:
        raise NotFoundError("There is no training provider with that short name")
    return found


def _lock_and_read(db, session, ids: list[str], provider_id: int | None,
                   report: Progress) -> dict:
    """Lock each record (PostgreSQL: SELECT … FOR UPDATE; SQLite: a no-op UPDATE, which takes
    the database write lock before anything is read) and read where its status lives; refuse
    the whole batch if any reference is unknown or not revocable."""
    rows: dict = {}
    columns = (records.c.id, records.c.provider_id, records.c.state, records.c.status_list,
               records.c.status_index, records.c.revocation_list, records.c.revocation_index,
               records.c.suspension_list, records.c.suspension_index)
    if db.is_sqlite:  # one write lock for the whole transaction
        session.execute(update(records).where(records.c.id == ids[0])
                        .values(state=records.c.state))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        query = select(*columns).where(records.c.id.in_(chunk))
        for row in session.execute(query if db.is_sqlite else query.with_for_update()):
            rows[row.id] = row
        report("checked", min(start + CHUNK, len(ids)), len(ids))
    missing = [rid for rid in ids if rid not in rows
               or (provider_id is not None and rows[rid].provider_id != provider_id)]
    if missing:
        raise NotFoundError(f"{len(missing):,} of the references are not credentials of this "
                            f"provider, for example {_some(missing)}; nothing was revoked")
    done = [rid for rid in ids if rows[rid].state not in REVOCABLE]
    if done:
        raise ConflictError(f"{len(done):,} of the credentials have already been revoked or "
                            f"replaced, for example {_some(done)}; nothing was revoked")
    return rows


def _bit_changes(rows: dict) -> dict:
    """{(provider, purpose): {list_no: [(index, value), …]}} for every entry that changes."""
    changes: dict = defaultdict(lambda: defaultdict(list))
    revoked = LIFECYCLE_VALUES["revoked"]
    for row in rows.values():
        if row.status_list is not None:
            changes[(row.provider_id, "message")][row.status_list].append(
                (row.status_index, revoked))
            continue
        # credentials issued before the lifecycle entry: one revocation and one suspension list
        changes[(row.provider_id, "revocation")][row.revocation_list].append(
            (row.revocation_index, 1))
        if row.state == "suspended":
            changes[(row.provider_id, "suspension")][row.suspension_list].append(
                (row.suspension_index, 0))
    return changes


def _write_lists(session, provider_id: int, purpose: str, lists: dict, now: datetime) -> None:
    size = statuslists.status_size(purpose)
    for list_no, entries in sorted(lists.items()):
        row = session.execute(select(status_lists.c.id, status_lists.c.bits,
                                     status_lists.c.version)
                              .where(status_lists.c.provider_id == provider_id,
                                     status_lists.c.purpose == purpose,
                                     status_lists.c.list_no == list_no)).first()
        if row is None:
            raise LookupError(f"no {purpose} list {list_no} for provider {provider_id}")
        bits = bytearray(row.bits)
        changed = False
        for index, value in entries:
            if get_status(bits, index, size) != value:
                set_status(bits, index, value, size)
                changed = True
        if changed:
            session.execute(update(status_lists).where(status_lists.c.id == row.id)
                            .values(bits=bytes(bits), version=row.version + 1, updated_at=now))


def _some(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + (" …" if len(ids) > 3 else "")
