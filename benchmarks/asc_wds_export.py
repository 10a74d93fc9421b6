"""Verifier benchmark: the ASC-WDS training file of a large employer.

``count`` saved certificates (real signed credentials, one staff member per 20) in a fresh
SQLite database go through ``verifier.asc_wds.build_export`` and ``export_csv``, as the
"Download for ASC-WDS" page and ``passport verifier export-asc-wds`` do: read every saved
record, read each credential's ASC-WDS category (its alignment first, then the catalogue),
sort out what is left out, write the CSV. The floor, measured in the same run, is reading the
same rows and parsing each credential's JSON with nothing else. Medians of ``rounds`` after one
warm-up round.

    .venv/bin/python benchmarks/asc_wds_export.py [--count 5000] [--rounds 3] [--write]

``--write`` replaces the "## Verifier: ASC-WDS training file" section of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from readme_section import write_section  # benchmarks/, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SECTION = "## Verifier: ASC-WDS training file"
COURSES = ("moving-and-handling", "fire-safety", "basic-life-support", "medication",
           "safeguarding-adults", "infection-prevention-and-control", "oliver-mcgowan-tier-1",
           "level-3-diploma-in-adult-care")
STATES = ("valid", "valid", "valid", "due-soon", "expired", "revoked", "unknown-provider")


def _credentials() -> dict[str, str]:
    """One signed credential per course (the JSON text a saved record keeps)."""
    from passport_vc.clock import fixed_clock
    from passport_vc.did import did_key_from_public_key, verification_method_for
    from passport_vc.issue import IssuerKey, issue_credential
    from passport_vc.keys import PrivateKey
    from schemas import build_training_credential, load_catalogue

    private = PrivateKey.generate()
    key = IssuerKey(private, verification_method_for(did_key_from_public_key(
        private.public_key)))
    found = {}
    for number, course in enumerate(COURSES):
        unsigned = build_training_credential(
            load_catalogue()[course], issuer_id=key.controller, issuer_name="Bright Care",
            subject_name="Sam Patel", subject_id=None, completed=date(2026, 3, 2),
            credential_id=f"urn:uuid:2f1c0c52-6d0e-4f0b-9d59-{number:012d}")
        found[course] = json.dumps(issue_credential(unsigned, key, clock=fixed_clock(NOW)))
    return found


def _database(folder: Path, count: int):
    from sqlalchemy import insert

    from passport_web.sql import Database
    from verifier import storage

    db = Database(f"sqlite:///{folder / 'verifier.db'}", storage.metadata)
    db.upgrade("verifier")
    texts = _credentials()
    with db.transaction() as session:
        session.execute(insert(storage.organisations).values(
            id=1, name="Big Care", created_at=NOW, asc_wds_establishment_id="BIG1"))
        session.execute(insert(storage.users).values(
            id=1, organisation_id=1, email="m@big.example", name="M", role="manager",
            password_hash="x", failures=0, created_at=NOW))
        session.execute(insert(storage.staff), [
            {"id": n + 1, "organisation_id": 1, "name": f"Worker {n + 1}", "job_title": "",
             "created_at": NOW} for n in range(count // 20 + 1)])
        session.execute(insert(storage.records), [{
            "id": f"r{n:08d}", "organisation_id": 1, "staff_id": n // 20 + 1, "saved_by": 1,
            "saved_at": NOW, "credential": texts[COURSES[n % len(COURSES)]],
            "fingerprint": f"{n:064d}", "title": COURSES[n % len(COURSES)],
            "topic": COURSES[n % len(COURSES)], "course_key": COURSES[n % len(COURSES)],
            "provider_name": "Bright Care", "provider_id": "did:key:x",
            "completed": date(2026, 3, 2) - timedelta(days=n % 700),
            "valid_until": date(2027, 3, 2) - timedelta(days=n % 700),
            "state": STATES[n % len(STATES)], "label": "x", "message": "",
            "checked_at": NOW} for n in range(count)])
    return db


def _floor(db) -> None:
    from sqlalchemy import select

    from verifier import storage

    with db.reading() as session:
        for (text,) in session.execute(select(storage.records.c.credential)):
            json.loads(text)


def _export(db) -> int:
    from verifier.asc_wds import build_export, export_csv

    export = build_export(db, 1, NOW.date(), lambda _provider: ("skills-for-care-endorsed",))
    export_csv(export)
    return len(export.rows)


def _timed(function, db) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(db)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    exports, floors, rows = [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        db = _database(Path(folder), args.count)
        _export(db)  # warm up: imports and the code lists are read once per process
        for _ in range(args.rounds):
            seconds, rows = _timed(_export, db)
            exports.append(seconds)
            floors.append(_timed(_floor, db)[0])
        db.dispose()
    export, floor = statistics.median(exports), statistics.median(floors)
    text = (f"{SECTION}\n\nMeasured {date.today().isoformat()} on {platform.machine()} CPython "
            f"{platform.python_version()}: {args.count:,} saved certificates of one employer "
            f"(SQLite) through `build_export` + `export_csv` (what \"Download for ASC-WDS\" "
            f"and `passport verifier export-asc-wds` run); medians of {args.rounds} rounds after "
            "a warm-up. "
            "Command: `.venv/bin/python benchmarks/asc_wds_export.py --write`.\n\n"
            "| saved certificates | rows in the file | export | per certificate "
            "| floor: read the rows and parse the JSON | ratio to floor |\n"
            "|---|---|---|---|---|---|\n"
            f"| {args.count:,} | {rows:,} | {export:.2f} s | {export / args.count * 1e6:.0f} µs "
            f"| {floor:.2f} s | {export / floor:.1f}× |\n")
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
