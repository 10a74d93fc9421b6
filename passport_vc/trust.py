"""Trust lists: which training providers (by DID) an employer recognises, since when, for what.

A provider not on the list can still present a cryptographically valid credential; the verdict
flags it as "not recognised" instead of calling it forged (DOMAIN.md pain points).
File format (JSON): {"name": "...", "updated": "2026-11-01T00:00:00Z", "entries": [
  {"did": "did:web:…", "name": "…", "recognised_for": ["ofqual-awarding-organisation", …],
   "since": "2024-01-01T00:00:00Z", "until": null, "note": "…"}]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .clock import parse_datetime
from .errors import MalformedValueError, PassportError
from .inputs import parse_json

RECOGNITIONS = {
    "ofqual-awarding-organisation": "Ofqual-recognised awarding organisation",
    "skills-for-care-endorsed": "Skills for Care endorsed provider",
    "oliver-mcgowan-approved": "Approved Oliver McGowan training partner",
    "in-house": "In-house trainer",
    "local": "Added by your organisation",
}
MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class TrustEntry:
    did: str
    name: str
    recognised_for: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    note: str = ""

    def covers(self, moment: datetime) -> bool:
        return ((self.since is None or self.since <= moment)
                and (self.until is None or moment < self.until))

    def describe(self) -> str:
        kinds = ", ".join(RECOGNITIONS.get(kind, kind) for kind in self.recognised_for)
        return f"{self.name} ({kinds})" if kinds else self.name

    def to_json(self) -> dict:
        return {"did": self.did, "name": self.name, "recognised_for": list(self.recognised_for),
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None, "note": self.note}


@dataclass
class TrustList:
    name: str = "Recognised training providers"
    updated: datetime | None = None
    entries: dict[str, TrustEntry] = field(default_factory=dict)

    def lookup(self, did: str | None, moment: datetime) -> TrustEntry | None:
        entry = self.entries.get(did or "")
        return entry if entry and entry.covers(moment) else None

    def named(self, name: str, moment: datetime) -> list[TrustEntry]:
        """Current entries whose name matches ``name`` (ignoring case and spacing)."""
        wanted = _name_key(name)
        return [entry for entry in self.entries.values()
                if entry.covers(moment) and _name_key(entry.name) == wanted]

    def add(self, entry: TrustEntry) -> None:
        self.entries[entry.did] = entry

    def merged_with(self, other: TrustList) -> TrustList:
        merged = TrustList(self.name, self.updated, dict(self.entries))
        merged.entries.update(other.entries)
        return merged

    def to_json(self) -> dict:
        return {"name": self.name, "updated": self.updated.isoformat() if self.updated else None,
                "entries": [entry.to_json() for entry in self.entries.values()]}

    @classmethod
    def from_json(cls, data: object) -> TrustList:
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise MalformedValueError("A trust list is a JSON object with a list of entries")
        if len(data["entries"]) > MAX_ENTRIES:
            raise MalformedValueError("The trust list has too many entries")
        trust = cls(str(data.get("name") or cls.name),
                    _when(data.get("updated"), "updated"))
        for number, item in enumerate(data["entries"]):
            trust.add(_entry(item, f"entries[{number}]"))
        return trust

    @classmethod
    def load(cls, path: Path) -> TrustList:
        try:
            return cls.from_json(parse_json(Path(path).read_bytes(), max_bytes=16 * 1024 * 1024))
        except OSError as error:
            raise PassportError(f"The trust list {path} could not be read ({error.strerror})") \
                from None


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _when(value: object, path: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise MalformedValueError("Dates in a trust list are text", path=path)
    return parse_datetime(value)


def _entry(item: object, path: str) -> TrustEntry:
    if not isinstance(item, dict):
        raise MalformedValueError("Each trust list entry is an object", path=path)
    did, name = item.get("did"), item.get("name")
    if not isinstance(did, str) or not did.startswith("did:") or len(did) > 2048:
        raise MalformedValueError("Each entry needs the provider's DID", path=f"{path}.did")
    if not isinstance(name, str) or not name.strip():
        raise MalformedValueError("Each entry needs the provider's name", path=f"{path}.name")
    kinds = item.get("recognised_for") or []
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        raise MalformedValueError("recognised_for is a list of words",
                                  path=f"{path}.recognised_for")
    return TrustEntry(did, name.strip(), tuple(kinds), _when(item.get("since"), f"{path}.since"),
                      _when(item.get("until"), f"{path}.until"), str(item.get("note") or ""))
