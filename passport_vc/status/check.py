"""W3C Bitstring Status List 1.0 §3.2 Validate Algorithm: read a credential's status entries.

Each entry's list credential is fetched, verified (it is itself a signed credential, and must
come from the same issuer and be within its validity period) BEFORE its bits are read; the bits
are expanded with a hard size limit (STANDARDS.md traps 7 and 9). VC 1.1 ``StatusList2021Entry``
entries are read the same way.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..clock import Clock, parse_datetime
from ..errors import (
    MalformedValueError,
    PassportError,
    RangeError,
    StatusListLengthError,
    StatusRetrievalError,
    StatusVerificationError,
)
from ..inputs import JWT_PATTERN, parse_json
from ..result import VerificationResult
from .bitstring import MIN_ENTRIES, decode_list, get_status

ENTRY_TYPES = frozenset({"BitstringStatusListEntry", "StatusList2021Entry"})
LIST_TYPES = frozenset({"BitstringStatusList", "StatusList2021"})
MAX_ENTRIES = 8
MAX_STATUS_SIZE = 8
_INDEX = re.compile(r"[0-9]{1,15}\Z")


class Fetcher(Protocol):
    def get(self, url: str) -> Any: ...  # returns passport_vc.fetch.Fetched


@dataclass
class StatusOutcome:
    """What one status entry says about the credential."""

    purpose: str
    set: bool
    value: int
    message: str | None
    list_url: str
    from_cache: bool
    fetched_at: datetime | None


@dataclass(frozen=True)
class _Entry:
    purpose: str
    index: int
    list_url: str
    size: int
    messages: dict[int, str]


def _issuer_of(document: dict) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _status_messages(entry: dict, size: int) -> dict[int, str]:
    raw = entry.get("statusMessage")
    if raw is None:
        if size > 1:
            raise MalformedValueError("A status entry of more than one bit must say what each "
                                      "value means (statusMessage)", path="credentialStatus")
        return {}
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise MalformedValueError("statusMessage must be a list of objects",
                                  path="credentialStatus")
    messages: dict[int, str] = {}
    for item in raw:
        status, message = item.get("status"), item.get("message")
        if not isinstance(status, str) or not isinstance(message, str):
            raise MalformedValueError("Each statusMessage needs a status and a message",
                                      path="credentialStatus")
        try:
            messages[int(status, 16)] = message
        except ValueError:
            raise MalformedValueError(f"The status value {status!r} is not hexadecimal",
                                      path="credentialStatus") from None
    if size > 1 and len(messages) != 1 << size:
        raise MalformedValueError(f"A {size}-bit status needs {1 << size} status messages",
                                  path="credentialStatus")
    return messages


def _read_entry(entry: object) -> _Entry:
    if not isinstance(entry, dict):
        raise MalformedValueError("A status entry must be a JSON object", path="credentialStatus")
    entry_type = entry.get("type")
    types = entry_type if isinstance(entry_type, list) else [entry_type]
    if not ENTRY_TYPES.intersection(t for t in types if isinstance(t, str)):
        raise StatusRetrievalError(f"This system cannot check a status of type {entry_type!r}")
    purpose, list_url = entry.get("statusPurpose"), entry.get("statusListCredential")
    if not isinstance(purpose, str) or not purpose:
        raise MalformedValueError("The status entry has no statusPurpose",
                                  path="credentialStatus")
    if not isinstance(list_url, str) or not list_url.startswith(("https://", "http://")):
        raise MalformedValueError("The status entry's statusListCredential is not a web address",
                                  path="credentialStatus")
    index = entry.get("statusListIndex")
    if isinstance(index, int) and not isinstance(index, bool) and index >= 0:
        index = str(index)
    if not isinstance(index, str) or not _INDEX.match(index):
        raise MalformedValueError("The status entry's statusListIndex is not a whole number",
                                  path="credentialStatus")
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
        raise MalformedValueError(f"statusSize must be a whole number from 1 to "
                                  f"{MAX_STATUS_SIZE}", path="credentialStatus")
    return _Entry(purpose, int(index), list_url, size, _status_messages(entry, size))


def _entries(document: dict) -> list[_Entry]:
    status = document.get("credentialStatus")
    items = status if isinstance(status, list) else [status]
    if len(items) > MAX_ENTRIES:
        raise MalformedValueError(f"A credential may have at most {MAX_ENTRIES} status entries",
                                  path="credentialStatus")
    return [_read_entry(item) for item in items]


def _fetch(url: str, fetch: Fetcher) -> Any:
    try:
        return fetch.get(url)
    except (PassportError, OSError) as error:
        detail = error.detail if isinstance(error, PassportError) else "network error"
        raise StatusRetrievalError(f"The status list at {url} could not be fetched: "
                                   f"{detail}") from None


def _parse_list(url: str, fetched: Any) -> dict | str:
    body = fetched.body
    try:
        text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else str(body)
    except UnicodeDecodeError:
        raise StatusRetrievalError(f"The status list at {url} is not text") from None
    text = text.strip().lstrip("\ufeff")
    if JWT_PATTERN.match(text):
        return text  # a list credential secured as vc+jwt
    try:
        value = parse_json(text)
    except PassportError:
        raise StatusRetrievalError(f"The status list at {url} is not valid JSON") from None
    if not isinstance(value, dict):
        raise StatusRetrievalError(f"The status list at {url} is not a JSON object")
    return value


def _verified_list(url: str, unverified: dict | str,
                   verify_list_credential: Callable[[Any], VerificationResult]) -> dict:
    result = verify_list_credential(unverified)
    if not result.verified:
        reasons = "; ".join(str(e.get("detail") or e.get("title")) for e in result.errors)
        raise StatusVerificationError(f"The status list at {url} could not be verified"
                                      + (f": {reasons}" if reasons else ""))
    document = result.document if isinstance(result.document, dict) else unverified
    if not isinstance(document, dict):
        raise StatusVerificationError(f"The status list at {url} could not be read")
    if document.get("id") not in (None, url):
        raise StatusVerificationError(f"The status list at {url} says it is {document['id']}")
    return document


def _check_list(url: str, document: dict, issuer: str | None, now: datetime) -> None:
    """What can change from one credential to the next (its issuer) or with time (the list's
    validity period): checked on every use, also of a remembered list."""
    if _issuer_of(document) != issuer:
        raise StatusVerificationError(f"The status list at {url} was not published by the "
                                      "credential's issuer")
    try:
        until = document.get("validUntil") or document.get("expirationDate")
        starts = document.get("validFrom")
        if until is not None and parse_datetime(until) < now:
            raise StatusVerificationError(f"The status list at {url} expired on {until}; the "
                                          "issuer has not published a newer one")
        if starts is not None and parse_datetime(starts) > now:
            raise StatusVerificationError(f"The status list at {url} is not valid until "
                                          f"{starts}")
    except MalformedValueError as error:
        raise StatusVerificationError(f"The status list at {url} has a bad date: "
                                      f"{error.detail}") from None


def _list_subject(url: str, document: dict) -> dict:
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict):
        raise StatusVerificationError(f"The status list at {url} has no list in it")
    subject_type = subject.get("type")
    types = subject_type if isinstance(subject_type, list) else [subject_type]
    if not LIST_TYPES.intersection(t for t in types if isinstance(t, str)):
        raise StatusVerificationError(f"The document at {url} is not a status list")
    return subject


@dataclass(frozen=True)
class _ReadList:
    """A verified list credential, reduced to what the entries need: purposes and bits."""

    document: dict
    purposes: tuple
    bits: bytes


def _read_list(url: str, document: dict) -> _ReadList:
    subject = _list_subject(url, document)
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    try:
        bits = decode_list(subject.get("encodedList"))
    except PassportError as error:
        raise StatusVerificationError(f"The status list at {url} could not be read: "
                                      f"{error.detail}") from None
    return _ReadList(document, tuple(purposes), bytes(bits))


def _outcome(entry: _Entry, read: _ReadList, fetched: Any) -> StatusOutcome:
    url = entry.list_url
    if entry.purpose not in read.purposes:
        raise StatusVerificationError(
            f"The credential asks for its {entry.purpose} status, but the list at {url} is for "
            + " and ".join(str(p) for p in read.purposes))
    bits = read.bits
    entries_in_list = len(bits) * 8 // entry.size
    if entries_in_list < MIN_ENTRIES:
        raise StatusListLengthError(f"The status list at {url} has {entries_in_list:,} entries; "
                                    f"at least {MIN_ENTRIES:,} are needed to protect privacy")
    try:
        value = get_status(bits, entry.index, entry.size)
    except RangeError:
        raise StatusListLengthError(f"The credential's place in the status list ({entry.index})"
                                    f" is beyond the end of the list at {url}") from None
    return StatusOutcome(
        purpose=entry.purpose, set=value != 0, value=value,
        message=entry.messages.get(value), list_url=url,
        from_cache=bool(getattr(fetched, "from_cache", False)),
        fetched_at=getattr(fetched, "fetched_at", None))


class VerifiedLists:
    """Status list credentials already verified and decoded, by URL and exact bytes.

    Every credential of a provider points at one of a few lists, so without this each check
    would verify the same list credential's signature (a JSON-LD canonicalization) and inflate
    its bitstring again. An entry is used only for the very same bytes from the same URL and
    for at most ``ttl`` (the signature was checked against the issuer's DID document as it was
    then; a key the issuer withdraws stops vouching for the list within that time). The list's
    validity dates and issuer are still checked on every use. Thread-safe; bounded.
    """

    def __init__(self, *, ttl: timedelta = timedelta(minutes=5), max_entries: int = 256) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, bytes], tuple[datetime, _ReadList]] = \
            OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, digest: bytes, now: datetime) -> _ReadList | None:
        with self._lock:
            found = self._entries.get((url, digest))
            if found is None:
                return None
            if not found[0] <= now < found[0] + self.ttl:
                del self._entries[(url, digest)]
                return None
            self._entries.move_to_end((url, digest))
            return found[1]

    def put(self, url: str, digest: bytes, now: datetime, read: _ReadList) -> None:
        with self._lock:
            self._entries[(url, digest)] = (now, read)
            self._entries.move_to_end((url, digest))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def _digest(fetched: Any) -> bytes:
    known = getattr(fetched, "body_sha256", None)
    if isinstance(known, bytes):
        return known
    body = fetched.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    return hashlib.sha256(bytes(body)).digest()


def check_status(document: dict, *, fetch: Fetcher, clock: Clock,
                 verify_list_credential: Callable[[Any], VerificationResult],
                 verified_lists: VerifiedLists | None = None) -> list[StatusOutcome]:
    """One outcome per status entry of ``document`` (which must have ``credentialStatus``).

    ``verified_lists``: remember lists already verified (None: verify every list afresh).
    Raises StatusRetrievalError (could not fetch: status unknown), StatusVerificationError (the
    list is not trustworthy or does not match), StatusListLengthError, MalformedValueError.
    """
    entries = _entries(document)
    issuer = _issuer_of(document)
    now = clock()
    lists: dict[str, tuple[_ReadList, Any]] = {}
    outcomes = []
    for entry in entries:
        url = entry.list_url
        if url not in lists:
            fetched = _fetch(url, fetch)
            digest = _digest(fetched) if verified_lists is not None else b""
            read = verified_lists.get(url, digest, now) if verified_lists is not None else None
            if read is None:
                unverified = _parse_list(url, fetched)
                verified = _verified_list(url, unverified, verify_list_credential)
                _check_list(url, verified, issuer, now)
                read = _read_list(url, verified)
                if verified_lists is not None:
                    verified_lists.put(url, digest, now, read)
            else:
                _check_list(url, read.document, issuer, now)
            lists[url] = (read, fetched)
        read, fetched = lists[url]
        outcomes.append(_outcome(entry, read, fetched))
    return outcomes
