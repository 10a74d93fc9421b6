"""The training record view: stored verification results turned into one status per credential.

A stored result is re-read (``result_from_json``) and its dates re-checked against "now", so a
credential that passed its valid-until date since the last check shows as expired without a
network call; revocation and suspension come from the last status check (``recheck`` refreshes
it). The single status is passport_vc.verdict.verdict_for, the same words the verifier uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from passport_vc.clock import parse_datetime
from passport_vc.errors import PassportError
from passport_vc.result import Check, VerificationResult
from passport_vc.verdict import DUE_SOON, Verdict, verdict_for

GROUPS = (("care-certificate", "Care Certificate"),
          ("mandatory", "Mandatory training"),
          ("qualification", "Qualifications"),
          ("other", "Other training"))
GROUP_OF_CATEGORY = {"care-certificate": "care-certificate", "mandatory": "mandatory",
                     "oliver-mcgowan": "mandatory", "qualification": "qualification"}
CURRENT_STATES = frozenset({"valid", "due-soon", "status-unknown"})


def result_from_json(data: dict) -> VerificationResult:
    result = VerificationResult(data.get("kind", "credential"))
    for item in data.get("results", []):
        result.checks.append(Check(item["check"], item.get("ok"), item.get("message", ""),
                                   item.get("problem"), item.get("details") or {}))
    result.warnings = list(data.get("warnings", []))
    result.facts = dict(data.get("facts", {}))
    document = data.get("document")
    result.document = document if isinstance(document, dict) else None
    return result


def result_to_json(result: VerificationResult) -> dict:
    """What is stored: the result, plus the document the details page shows for every format
    but JSON-LD credentials (which are their own raw text): a JWT's payload, an SD-JWT's
    disclosed claims, an Open Badges 2.0 badge as the provider's website gave it."""
    data = {"kind": result.kind, **result.to_json()}
    if result.facts.get("format") != "ldp_vc" and result.document is not None:
        data["document"] = result.document
    return data


def _uk_date(moment: datetime) -> str:
    return moment.strftime("%-d %B %Y")


def _dates_now(result: VerificationResult, now: datetime) -> VerificationResult:
    """The same result with its validity check redone for ``now`` (from the stored dates)."""
    facts = result.facts
    try:
        valid_from = parse_datetime(facts["valid_from"]) if facts.get("valid_from") else None
        valid_until = parse_datetime(facts["valid_until"]) if facts.get("valid_until") else None
    except PassportError:
        return result
    if not any(check.name == "validity" for check in result.checks):
        return result
    if valid_until is not None and now > valid_until:
        check = Check("validity", False, f"This credential expired on {_uk_date(valid_until)}.",
                      details={"state": "expired"})
    elif valid_from is not None and now < valid_from:
        check = Check("validity", False, f"This credential is not valid until "
                      f"{_uk_date(valid_from)}.", details={"state": "not-yet-valid"})
    else:
        check = Check("validity", True, "The credential is in date")
    redone = VerificationResult(result.kind, warnings=result.warnings, facts=dict(result.facts))
    redone.checks = [check if old.name == "validity" else old for old in result.checks]
    return redone


def verdict_at(verification: str | dict, now: datetime, *,
               due_soon: timedelta = DUE_SOON) -> Verdict:
    data = json.loads(verification) if isinstance(verification, str) else verification
    return verdict_for(_dates_now(result_from_json(data), now), now=now, due_soon=due_soon)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    category: str
    provider_name: str
    completed: date | None
    valid_until: date | None
    verdict: Verdict
    checked_at: datetime
    format: str

    @property
    def state(self) -> str:
        return self.verdict.state

    @property
    def current(self) -> bool:
        return self.verdict.state in CURRENT_STATES


@dataclass
class Group:
    key: str
    title: str
    entries: list[Entry] = field(default_factory=list)  # the current credential of each line
    older: dict[str, list[Entry]] = field(default_factory=dict)  # earlier completions, by line

    @property
    def all_entries(self) -> list[Entry]:
        return [item for entry in self.entries for item in (entry, *self.older.get(entry.id, ()))]


def entry_from_row(row: dict, now: datetime, *, due_soon: timedelta = DUE_SOON) -> Entry:
    return Entry(id=row["id"], title=row["title"], category=row["category"],
                 provider_name=row.get("provider_name") or "Not named",
                 completed=row.get("completed"), valid_until=row.get("valid_until"),
                 verdict=verdict_at(row["verification"], now, due_soon=due_soon),
                 checked_at=row["checked_at"], format=row["format"])


def group_rows(rows: list[dict], now: datetime, *, due_soon: timedelta = DUE_SOON) -> list[Group]:
    """One line per training (wallet/lines.py: a renewal and what it renews together)."""
    from .lines import build_lines

    groups = {key: Group(key, title) for key, title in GROUPS}
    entries = [entry_from_row(row, now, due_soon=due_soon) for row in rows]
    for line in build_lines(rows, entries):
        group = groups[GROUP_OF_CATEGORY.get(line.current.category, "other")]
        group.entries.append(line.current)
        if line.older:
            group.older[line.current.id] = line.older
    return list(groups.values())
