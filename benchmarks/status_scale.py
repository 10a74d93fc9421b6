"""Issuer benchmark: status lists at national scale (10 million issued credentials).

England's adult social care issues 5–10 million training credentials a year. This fills an
issuer database with ``--total`` credentials' status allocations spread over ``--providers``
training providers (a few large ones, many small: provider i gets a share ∝ 1/i^0.7), each with
random, never-reused 2-bit lifecycle entries on lists of ``--list-size`` entries that roll over
when full, and ``--revoked`` of them already revoked. Nothing is signed 10 million times: the
status lists (``bits`` + ``allocated``) and the one-row-per-index ``status_indexes`` table are
bulk-inserted directly, as the issuer's Allocator would have left them. Register rows are
inserted only for the credentials this run revokes (with a real signed credential as their
document); the size of the whole register is extrapolated from their measured size per row.

Measured, each beside a floor from the same run:

- size on disk of the status tables (and the register, extrapolated);
- revoke one credential and republish its list (``StatusService.revoke`` + the next request
  for that list, which re-encodes and re-signs that list only) — floor: gzip-encoding one list;
- revoke 10,000 credentials in one batch (``revoke_many``: all or nothing) and then republish
  every list that changed — floor: one UPDATE touching the same 10,000 register rows;
- bytes a verifier fetches: one list credential (full, partly full, 1,048,576 entries), a 304
  revalidation, and every list of every provider (a verifier mirroring the whole country).

    .venv/bin/python benchmarks/status_scale.py [--total 10000000] [--providers 200]
        [--database-url postgresql://postgres@127.0.0.1:5432/test] [--write]

``--write`` replaces the "## Issuer: status lists at national scale" section of
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from issuer_bulk import fresh_database, pin_to_one_core  # benchmarks/, beside this script
from readme_section import write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from passport_vc.clock import fixed_clock  # noqa: E402
from passport_vc.status import LIFECYCLE_VALUES, encode_list, new_list, set_status  # noqa: E402

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SECTION = "## Issuer: status lists at national scale"
REVOKED = LIFECYCLE_VALUES["revoked"]
BATCH = 10_000


def shares(total: int, providers: int) -> list[int]:
    weights = [1 / (i + 1) ** 0.7 for i in range(providers)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    counts[0] += total - sum(counts)
    return counts


class Filler:
    """Bulk-inserts status lists and their index rows for one database."""

    def __init__(self, service, list_size: int, revoked_share: float, rng: random.Random,
                 keep: int = 400):
        self.service, self.db, self.keep = service, service.db, keep
        self.size, self.revoked_share, self.rng = list_size, revoked_share, rng
        self.valid: list[tuple[int, int, int]] = []  # (provider, list_no, index) still valid
        self.index_rows = 0

    def provider(self, provider_id: int, count: int) -> None:
        from sqlalchemy import delete

        from issuer.storage import status_lists

        with self.db.transaction() as session:  # the empty first list made with the provider
            session.execute(delete(status_lists).where(status_lists.c.provider_id == provider_id))
        list_no = 0
        while count > 0:
            list_no += 1
            used = min(count, self.size)
            self._list(provider_id, list_no, used)
            count -= used

    def _list(self, provider_id: int, list_no: int, used: int) -> None:
        from sqlalchemy import insert

        from issuer.storage import status_lists

        size = self.size
        indexes = range(size) if used == size else sorted(self.rng.sample(range(size), used))
        allocated = bytearray(b"\xff" * (size // 8)) if used == size else new_list(size)
        if used < size:
            for index in indexes:
                allocated[index >> 3] |= 0x80 >> (index & 7)
        bits = new_list(size, status_size=2)
        revoked = set(self.rng.sample(indexes, int(used * self.revoked_share)))
        for index in revoked:
            set_status(bits, index, REVOKED, 2)
        # a few valid entries per list become the credentials this run revokes
        keep = [i for i in self.rng.sample(indexes, min(used, self.keep)) if i not in revoked]
        self.valid += [(provider_id, list_no, index) for index in keep]
        with self.db.transaction() as session:
            list_id = session.execute(insert(status_lists).values(
                provider_id=provider_id, purpose="message", list_no=list_no, size=size,
                bits=bytes(bits), allocated=bytes(allocated), used=used, version=1,
                updated_at=NOW)).inserted_primary_key[0]
            self._index_rows(session, list_id, indexes)
        self.index_rows += used

    def _index_rows(self, session, list_id: int, indexes) -> None:
        connection = session.connection().connection.driver_connection
        if self.db.is_sqlite:
            connection.executemany(
                "INSERT INTO issuer_status_indexes (list_id, idx) VALUES (?, ?)",
                ((list_id, index) for index in indexes))
            return
        with connection.cursor() as cursor, cursor.copy(
                "COPY issuer_status_indexes (list_id, idx) FROM STDIN") as copy:
            for index in indexes:
                copy.write_row((list_id, index))


def insert_records(service, positions, template: dict) -> list[str]:
    """Register rows for the credentials this run revokes (their document: a real one)."""
    import secrets as random_ids

    from sqlalchemy import insert

    from issuer.storage import records

    document = json.dumps(template["document"])
    rows = []
    for provider_id, list_no, index in positions:
        rid = random_ids.token_hex(16)
        rows.append({
            "id": rid, "provider_id": provider_id, "credential_id": f"urn:uuid:{rid}",
            "course_key": "fire-safety", "course_title": "Fire safety",
            "subject_name": "Worker " + rid[:6], "subject_search": "worker " + rid[:6],
            "completed": date(2026, 1, 2), "status_list": list_no, "status_index": index,
            "state": "active", "verification_method": template["vm"],
            "details": template["details"], "document": document, "created_at": NOW})
    with service.db.transaction() as session:
        for start in range(0, len(rows), 5_000):
            session.execute(insert(records), rows[start:start + 5_000])
    return [row["id"] for row in rows]


def table_sizes(service) -> dict[str, int]:
    from sqlalchemy import text

    names = ("issuer_status_lists", "issuer_status_indexes", "issuer_records")
    with service.db.reading() as session:
        if service.db.is_sqlite:
            try:
                rows = session.execute(text(
                    "SELECT tbl_name, SUM(pgsize) FROM dbstat JOIN sqlite_master "
                    "ON dbstat.name = sqlite_master.name GROUP BY tbl_name")).all()
                return {name: size for name, size in rows if name in names}
            except Exception:  # noqa: BLE001 - SQLite built without dbstat
                return {}
        return {name: session.execute(text(f"SELECT pg_total_relation_size('{name}')")).scalar()
                for name in names}


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(args, url: str, folder: Path) -> dict:
    from dataclasses import replace

    from sqlalchemy import func, select, text, update

    from issuer import create_app
    from issuer.config import IssuerConfig
    from issuer.storage import records

    config = IssuerConfig.for_tests(url, folder, clock=fixed_clock(NOW), testing=False,
                                    status_list_size=args.list_size)
    app = create_app(config)
    logging.getLogger("passport").setLevel(logging.WARNING)  # no access log per request
    service, client = app.extensions["issuer"], app.test_client()
    rng = random.Random(14)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    counts = shares(args.total, args.providers)
    made = []
    started = time.perf_counter()
    for number in range(args.providers):
        made.append(service.providers.create_provider(f"Training provider {number}",
                                                      f"provider-{number}"))
    # one real credential, issued normally, is the document of every register row made here
    service.providers.create_provider("Template Training", "template")
    real = service.issuance.issue("template", "fire-safety", subject_name="Sam Taylor",
                                  completed=date(2026, 1, 2))
    with service.db.reading() as session:
        details = session.execute(select(records.c.details)
                                  .where(records.c.id == real.id)).scalar()
    template = {"document": real.document, "vm": real.verification_method, "details": details}
    needed = args.singles + args.rounds * BATCH
    list_count = sum(-(-count // args.list_size) for count in counts)
    filler = Filler(service, args.list_size, args.revoked, rng,
                    keep=max(50, 2 * needed // list_count))
    for number, (provider, count) in enumerate(zip(made, counts, strict=True)):
        filler.provider(provider.id, count)
        if number % 20 == 0:
            print(f"  provider {number + 1}/{args.providers}: {filler.index_rows:,} entries",
                  file=sys.stderr)
    fill_seconds = time.perf_counter() - started
    slugs = {p.id: p.slug for p in made}
    positions = rng.sample(filler.valid, needed)
    ids = insert_records(service, positions, template)
    where = dict(zip(ids, positions, strict=True))
    if service.db.is_sqlite:
        with service.db.transaction() as session:
            session.execute(text("ANALYZE"))
    sizes = table_sizes(service)
    with service.db.reading() as session:
        lists = session.execute(text("SELECT COUNT(*) FROM issuer_status_lists")).scalar()
        register_rows = session.execute(select(func.count()).select_from(records)).scalar()
    file_bytes = os.path.getsize(url.removeprefix("sqlite:///")) if service.db.is_sqlite else None
    print(f"filled {filler.index_rows:,} entries on {lists} lists in {fill_seconds:.0f} s",
          file=sys.stderr)

    # --- publish every list once (what a CDN holds), then measure changes against that ----
    every_list = [(p.slug, n) for p, count in zip(made, counts, strict=True)
                  for n in range(1, 1 + -(-count // args.list_size))]
    publish_all = timed(lambda: [client.get(f"/status/{slug}/message/{n}")
                                 for slug, n in every_list])
    total_bytes = sum(len(client.get(f"/status/{slug}/message/{n}").data)
                      for slug, n in every_list)
    full = client.get(f"/status/{slugs[made[0].id]}/message/1")
    partial = client.get(f"/status/{slugs[made[-1].id]}/message/1")
    revalidate = client.get(f"/status/{slugs[made[0].id]}/message/1",
                            headers={"If-None-Match": full.headers["ETag"]})
    assert revalidate.status_code == 304

    # --- revoke one credential and republish its list -------------------------------------
    single, republish, floors = [], [], []
    with service.db.reading() as session:  # a full list with its revoked entries
        reference_bits = session.execute(text(
            "SELECT bits FROM issuer_status_lists WHERE provider_id = :p AND list_no = 1"),
            {"p": made[0].id}).scalar()
    for rid in ids[:args.singles]:
        provider_id, list_no, _ = where[rid]
        single.append(timed(lambda rid=rid: service.status.revoke(rid, "Issued in error")))
        start = time.perf_counter()
        answer = client.get(f"/status/{slugs[provider_id]}/message/{list_no}")
        republish.append(time.perf_counter() - start)
        assert answer.status_code == 200
        floors.append(timed(lambda: encode_list(reference_bits)))

    # --- revoke 10,000 in one batch, then republish every list that changed --------------
    batches, batch_publish, batch_floor, changed_lists = [], [], [], []
    for round_no in range(args.rounds):
        chosen = ids[args.singles + round_no * BATCH: args.singles + (round_no + 1) * BATCH]
        with service.db.transaction() as session:  # floor: touch the same rows once
            start = time.perf_counter()
            for offset in range(0, BATCH, 900):
                session.execute(update(records).where(records.c.id.in_(
                    chosen[offset:offset + 900])).values(state=records.c.state))
        batch_floor.append(time.perf_counter() - start)
        batches.append(timed(lambda chosen=chosen: service.status.revoke_many(
            chosen, "Course withdrawn: the assessor's sign-off could not be confirmed")))
        touched = sorted({(where[rid][0], where[rid][1]) for rid in chosen})
        changed_lists.append(len(touched))
        batch_publish.append(timed(lambda touched=touched: [
            client.get(f"/status/{slugs[p]}/message/{n}") for p, n in touched]))
        print(f"  batch {round_no + 1}/{args.rounds}: {batches[-1]:.2f} s, "
              f"{len(touched)} lists republished in {batch_publish[-1]:.2f} s", file=sys.stderr)

    # --- a 1,048,576-entry list (ISSUER_STATUS_LIST_SIZE=1048576) ---------------------------
    big_app = create_app(replace(config, status_list_size=1_048_576))
    big, big_client = big_app.extensions["issuer"], big_app.test_client()
    big_provider = big.providers.create_provider("Very Large Provider", "very-large")
    Filler(big, 1_048_576, args.revoked, rng).provider(big_provider.id, 1_048_576)
    big_sign = timed(lambda: big_client.get("/status/very-large/message/1"))
    big_bytes = len(big_client.get("/status/very-large/message/1").data)
    service.db.dispose()
    big.db.dispose()
    return {
        "database": "SQLite" if file_bytes is not None else "PostgreSQL",
        "total": filler.index_rows, "providers": args.providers, "lists": lists,
        "list_size": args.list_size, "revoked_share": args.revoked,
        "fill_seconds": fill_seconds, "file_bytes": file_bytes, "sizes": sizes,
        "register_rows": register_rows, "publish_all": publish_all,
        "total_bytes": total_bytes, "full_bytes": len(full.data),
        "partial_bytes": len(partial.data), "partial_used": counts[-1],
        "not_modified_bytes": sum(len(k) + len(v) + 4 for k, v in revalidate.headers.items()),
        "single": statistics.median(single), "republish": statistics.median(republish),
        "single_floor": statistics.median(floors), "singles": args.singles,
        "batch": statistics.median(batches), "batch_publish": statistics.median(batch_publish),
        "batch_floor": statistics.median(batch_floor), "changed_lists": max(changed_lists),
        "rounds": args.rounds, "big_sign": big_sign, "big_bytes": big_bytes, "load": load,
    }


def human(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


def report(items: list[dict], pinned: str) -> str:
    first = items[0]
    lines = [
        SECTION, "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()} "
        f"{platform.python_implementation()} {platform.python_version()}, process {pinned}, "
        f"load average {items[0]['load']:.1f} at the start (the machine is shared): "
        f"{first['total']:,} issued credentials' lifecycle entries (2 bits each) over "
        f"{first['providers']} providers (shares ∝ 1/i^0.7) on {first['lists']} lists of "
        f"{first['list_size']:,} entries (full lists rolled over), "
        f"{first['revoked_share']:.0%} of them already revoked; bulk-inserted, not signed "
        "(see the script's docstring). Medians: one revocation over "
        f"{first['singles']} credentials, the 10,000 batch over {first['rounds']} rounds "
        "(each on different credentials and lists). Command: "
        "`.venv/bin/python benchmarks/status_scale.py --write "
        "[--database-url postgresql://…]`.", "",
        "| figure | " + " | ".join(item["database"] for item in items) + " |",
        "|---|" + "---|" * len(items),
    ]

    def row(label: str, make) -> None:
        lines.append(f"| {label} | " + " | ".join(make(item) for item in items) + " |")

    def size_of(item, name: str) -> str:
        value = item["sizes"].get(name)
        return human(value) if value else "n/a"

    row("status lists (bits + allocated), on disk",
        lambda i: size_of(i, "issuer_status_lists"))
    row("never-reuse index (one row per issued entry), on disk",
        lambda i: size_of(i, "issuer_status_indexes"))
    row("register, per credential (measured) → × total",
        lambda i: (f"{human(i['sizes']['issuer_records'] / i['register_rows'])} → "
                   f"{human(i['sizes']['issuer_records'] / i['register_rows'] * i['total'])}")
        if i["sizes"].get("issuer_records") else "n/a")
    row("database file (status tables + the revoked credentials' rows)",
        lambda i: human(i["file_bytes"]) if i["file_bytes"] else "n/a")
    row("bulk fill (not part of the figures)", lambda i: f"{i['fill_seconds']:.0f} s")
    row("**revoke one** (one transaction)", lambda i: f"{i['single'] * 1e3:.1f} ms")
    row("**republish its list** (next request: re-encode + re-sign that list only)",
        lambda i: f"{i['republish'] * 1e3:.1f} ms")
    row("floor: gzip-encode one list", lambda i: f"{i['single_floor'] * 1e3:.1f} ms")
    row("ratio (revoke + republish) / floor",
        lambda i: f"{(i['single'] + i['republish']) / i['single_floor']:.1f}×")
    row(f"**revoke {BATCH:,} in one batch** (all or nothing)",
        lambda i: f"{i['batch']:.2f} s")
    row("floor: one UPDATE touching the same rows", lambda i: f"{i['batch_floor']:.2f} s")
    row("ratio batch / floor", lambda i: f"{i['batch'] / i['batch_floor']:.1f}×")
    row("then republish every changed list",
        lambda i: f"{i['changed_lists']} lists in {i['batch_publish']:.2f} s")
    row("publish every list from scratch (cold CDN)",
        lambda i: f"{i['lists']} lists in {i['publish_all']:.1f} s")
    row("**a verifier fetches: one full list credential**", lambda i: human(i["full_bytes"]))
    row("one partly full list",
        lambda i: f"{human(i['partial_bytes'])} ({i['partial_used']:,} entries used)")
    row("revalidation (304, headers only)", lambda i: f"{i['not_modified_bytes']} bytes")
    row("every list of every provider (a full mirror)", lambda i: human(i["total_bytes"]))
    row("one 1,048,576-entry list: bytes / first signing",
        lambda i: f"{human(i['big_bytes'])} / {i['big_sign'] * 1e3:.0f} ms")
    lines += [
        "",
        "What the figures mean: a revocation changes one list, and only that list is encoded "
        "and signed again — once, on the next request for it (the signed text is kept with "
        "the list and served as stored, with its ETag, until its bits change); every other "
        "list keeps its ETag, so a CDN in front of the issuer revalidates it with a "
        "304 of a few hundred bytes. A verifier checking one credential fetches one list "
        "credential; lists are gzip-compressed bitstrings, so their size follows the number "
        "of revoked entries, not the number of credentials. The batch revocation reads and "
        "writes each affected list once, whatever the number of credentials on it; its time "
        "is mostly the register rows (state, reason, an audit event each). The index table "
        "(one row per issued entry, primary key on list + index) is what makes the database "
        "itself refuse a reused index; it is most of the status storage.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=10_000_000)
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--list-size", type=int, default=131_072)
    parser.add_argument("--revoked", type=float, default=0.01,
                        help="share of entries already revoked (default 0.01)")
    parser.add_argument("--singles", type=int, default=21)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=None,
                        help="also run on this PostgreSQL database (a schema of its own)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    pinned = pin_to_one_core()
    items = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        targets = ([] if args.skip_sqlite else [None]) + (
            [args.database_url] if args.database_url else [])
        for number, base in enumerate(targets):
            with fresh_database(base, folder, number) as url:
                items.append(run(args, url, folder / f"run-{number}"))
    text = report(items, pinned)
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
