"""Status-list bookkeeping for the issuer (W3C Bitstring Status List 1.0 §3.1, STANDARDS trap 7).

Each provider has revocation and suspension lists of at least 131,072 entries. Indexes are drawn
at random (herd privacy) and never handed out twice: the ``allocated`` bitstring says which are
taken, and the ``status_indexes`` primary key makes the database refuse a repeat even if two
writers raced. A writer first takes the lists' row locks (a no-op UPDATE — on SQLite that also
takes the database write lock before anything is read, so what it reads is current).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from passport_vc.status import LIFECYCLE_SIZE, get_status, new_list, set_status
from passport_vc.status.bitstring import allocate_index
from passport_web.sql_bulk import insert_many

from .storage import status_indexes, status_lists

PURPOSES = ("revocation", "suspension", "message")
# bits per entry: "message" lists hold the 2-bit lifecycle value (valid / suspended / revoked)
STATUS_SIZES = {"message": LIFECYCLE_SIZE}


def status_size(purpose: str) -> int:
    return STATUS_SIZES.get(purpose, 1)


def lock_lists(session: Session, provider_id: int, purpose: str) -> None:
    session.execute(update(status_lists)
                    .where(status_lists.c.provider_id == provider_id,
                           status_lists.c.purpose == purpose)
                    .values(used=status_lists.c.used))


def create_list(session: Session, provider_id: int, purpose: str, list_no: int, size: int,
                now: datetime) -> int:
    # ``size`` entries; ``allocated`` has one bit per entry, ``bits`` status_size bits per entry
    result = session.execute(insert(status_lists).values(
        provider_id=provider_id, purpose=purpose, list_no=list_no, size=size,
        bits=bytes(new_list(size, status_size=status_size(purpose))),
        allocated=bytes(new_list(size)), used=0, version=1, updated_at=now))
    return result.inserted_primary_key[0]


class Allocator:
    """Hands out random, never-reused indexes for one provider + purpose inside a transaction.

    Used for one credential or a whole import: the bitstring is read once and written back by
    ``flush()`` (called by the owner before the transaction commits).
    """

    def __init__(self, session: Session, provider_id: int, purpose: str, size: int,
                 now: datetime, rng: secrets.SystemRandom | None = None) -> None:
        self.session, self.provider_id, self.purpose = session, provider_id, purpose
        self.default_size, self.now = size, now
        self.rng = rng or secrets.SystemRandom()
        self._list: dict | None = None
        self._pending: list[dict] = []
        lock_lists(session, provider_id, purpose)

    def _load_latest(self) -> None:
        row = self.session.execute(
            select(status_lists.c.id, status_lists.c.list_no, status_lists.c.size,
                   status_lists.c.allocated, status_lists.c.used)
            .where(status_lists.c.provider_id == self.provider_id,
                   status_lists.c.purpose == self.purpose)
            .order_by(status_lists.c.list_no.desc()).limit(1)).first()
        if row is None:
            list_id = create_list(self.session, self.provider_id, self.purpose, 1,
                                  self.default_size, self.now)
            row_values = {"id": list_id, "list_no": 1, "size": self.default_size,
                          "allocated": bytearray(new_list(self.default_size)), "used": 0}
        else:
            row_values = {"id": row.id, "list_no": row.list_no, "size": row.size,
                          "allocated": bytearray(row.allocated), "used": row.used}
        self._list = row_values

    def _open_next(self) -> None:
        self.flush()
        assert self._list is not None
        list_no = self._list["list_no"] + 1
        list_id = create_list(self.session, self.provider_id, self.purpose, list_no,
                              self.default_size, self.now)
        self._list = {"id": list_id, "list_no": list_no, "size": self.default_size,
                      "allocated": bytearray(new_list(self.default_size)), "used": 0}

    def allocate(self) -> tuple[int, int]:
        """(list number, index) of a fresh entry."""
        if self._list is None:
            self._load_latest()
        assert self._list is not None
        if self._list["used"] >= self._list["size"]:
            self._open_next()
        current = self._list
        bits = current["allocated"]
        index = allocate_index(lambda i: get_status(bits, i) == 1, current["size"], self.rng)
        set_status(bits, index, 1)
        current["used"] += 1
        self._pending.append({"list_id": current["id"], "idx": index})
        return current["list_no"], index

    def flush(self) -> None:
        if self._list is None or not self._pending:
            return
        insert_many(self.session, status_indexes, self._pending)
        self.session.execute(update(status_lists)
                             .where(status_lists.c.id == self._list["id"])
                             .values(allocated=bytes(self._list["allocated"]),
                                     used=self._list["used"]))
        self._pending = []


def set_bit(session: Session, provider_id: int, purpose: str, list_no: int, index: int,
            value: int, now: datetime) -> bool:
    """Publish ``value`` for one entry; True if the list changed (its version goes up)."""
    lock_lists(session, provider_id, purpose)
    row = session.execute(select(status_lists.c.id, status_lists.c.bits, status_lists.c.version)
                          .where(status_lists.c.provider_id == provider_id,
                                 status_lists.c.purpose == purpose,
                                 status_lists.c.list_no == list_no)).first()
    if row is None:
        raise LookupError(f"no {purpose} list {list_no} for provider {provider_id}")
    bits = bytearray(row.bits)
    size = status_size(purpose)
    if get_status(bits, index, size) == value:
        return False
    set_status(bits, index, value, size)
    session.execute(update(status_lists).where(status_lists.c.id == row.id)
                    .values(bits=bytes(bits), version=row.version + 1, updated_at=now))
    return True
