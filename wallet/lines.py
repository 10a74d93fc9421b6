"""One line per training: a renewal and the credential it renews are shown together.

A care worker who does a yearly refresher gets a new credential every year. Shown as a list,
the record fills with near-duplicates; shown as lines, each training appears once, with the
current credential on top and the older completions collapsed under it.

Two credentials belong to the same line when
- one says it ``renews`` the other (the Skills Passport care term, schemas/contexts), provided
  both come from the same provider or are about the same training topic (a provider cannot pull
  someone else's unrelated certificate into its line), or
- they come from the same provider (issuer) for the same achievement (OB 3.0 achievement id),
  which also groups renewals from issuers that do not write ``renews``.

Which credential leads the line: the one in use (valid, due soon, status unknown) that runs the
longest, else the most recently completed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol


class Entry(Protocol):
    """What a line needs of a record entry (wallet.record.Entry, which imports this module)."""

    id: str
    completed: date | None
    valid_until: date | None

    @property
    def current(self) -> bool: ...


@dataclass
class Line:
    current: Entry
    older: list[Entry] = field(default_factory=list)


def _details(row: dict) -> dict:
    try:
        summary = json.loads(row.get("summary") or "{}")
    except ValueError:
        return {}
    details = summary.get("details") if isinstance(summary, dict) else None
    return details if isinstance(details, dict) else {}


class _Sets:
    """Union-find over row positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, one: int, other: int) -> None:
        self.parent[self.find(one)] = self.find(other)


def _lead_key(entry: Entry) -> tuple:
    runs_until = entry.valid_until or date.max  # never needs refreshing: runs the longest
    return (entry.current, runs_until if entry.current else date.min,
            entry.completed or date.min)


def build_lines(rows: list[dict], entries: list[Entry]) -> list[Line]:
    """``rows`` (storage rows) and their ``entries`` (same order) grouped into lines, in the
    order of each line's first row."""
    sets = _Sets(len(rows))
    by_achievement: dict[tuple[str, str], int] = {}
    by_vc_id: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.get("vc_id"):
            by_vc_id.setdefault(row["vc_id"], index)
        achievement = _details(row).get("achievement_id")
        if isinstance(achievement, str) and achievement and row.get("issuer"):
            key = (row["issuer"], achievement)
            if key in by_achievement:
                sets.join(index, by_achievement[key])
            else:
                by_achievement[key] = index
    for index, row in enumerate(rows):
        renews = _details(row).get("renews")
        earlier = by_vc_id.get(renews) if isinstance(renews, str) else None
        if earlier is None or earlier == index:
            continue
        other = rows[earlier]
        if other.get("issuer") == row.get("issuer") or (
                row.get("topic") and other.get("topic") == row.get("topic")):
            sets.join(index, earlier)
    members: dict[int, list[Entry]] = {}
    for index, entry in enumerate(entries):
        members.setdefault(sets.find(index), []).append(entry)
    lines = []
    for group in members.values():
        ordered = sorted(group, key=_lead_key, reverse=True)
        older = sorted(ordered[1:], key=lambda e: e.completed or date.min, reverse=True)
        lines.append(Line(ordered[0], older))
    return lines
