"""Bulk issuing from a CSV file of completions (a cohort, or years of past records with their
original completion dates).

- Row-level validation: a bad row is reported (line number, plain reason) and does not stop the
  good rows.
- Idempotent: each row's key is SHA-256 of the provider and the normalised row; a key already
  in the register is skipped, so re-running a file issues nothing twice.
- All or nothing per file: the whole file is issued in one transaction, so a crash or a kill
  midway leaves nothing half issued (and no status index is used by two credentials); running
  the file again completes it — that is how an import resumes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from typing import IO

from sqlalchemy import String, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from passport_vc.clock import Clock
from passport_vc.errors import MalformedValueError, NotFoundError, PassportError, TooLargeError
from passport_vc.json_text import compact_json
from passport_web.sql import Database
from passport_web.sql_bulk import insert_many

from .catalogue import CatalogueService
from .events import record_event
from .issuance import IssuanceService, IssuingContext
from .models import ImportReport, RowError
from .providers import ProviderService
from .storage import import_batches, import_rows, records, status_indexes

MAX_IMPORT_BYTES = 32 * 1024 * 1024
MAX_ROWS = 100_000
INSERT_CHUNK = 500
ARRAY_CHUNK = 10_000  # import keys looked up at once on PostgreSQL (one array parameter)
ANALYZE_AFTER = 500  # rows issued by one import: then refresh PostgreSQL's planner statistics
COLUMNS = {
    "name": ("name", "worker_name", "worker", "full_name", "learner_name", "learner"),
    "email": ("email", "email_address", "worker_email"),
    "course": ("course", "course_key", "course_name", "course_title", "training"),
    "completed": ("completed", "completion_date", "date_completed", "completed_on", "date"),
    "holder_did": ("holder_did", "did", "wallet_did"),
    "assessment_method": ("assessment_method", "assessment"),
    "delivery_mode": ("delivery_mode", "delivery"),
    "hours": ("hours", "learning_hours"),
    "evidence": ("evidence", "evidence_narrative", "notes"),
}
REQUIRED = ("name", "course", "completed")
TEMPLATE_HEADER = ["name", "email", "course", "completed", "assessment_method",
                   "delivery_mode", "hours", "evidence", "holder_did"]

Progress = Callable[[int, int], None]


def read_text(stream: IO[str] | IO[bytes] | str | bytes) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark) or UTF-16 with its mark.

    A byte that is not valid in that encoding is reported with its line and column, never
    guessed at: a cp1252 or "replace" fallback would put wrong names on signed certificates.
    """
    data = stream if isinstance(stream, str | bytes) else stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise TooLargeError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; "
                            "split it into smaller files")
    if isinstance(data, bytes):
        encoding = "utf-8"
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]  # so error positions count from the text itself
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode text" from spreadsheets
            encoding = "utf-16"
        elif b"\x00" in data:
            raise MalformedValueError("The file is not a CSV text file (save it as 'CSV UTF-8' "
                                      "and try again)")
        try:
            data = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise _undecodable(data, error, encoding) from None
    return data.lstrip("\ufeff")


def _undecodable(data: bytes, error: UnicodeDecodeError, encoding: str) -> MalformedValueError:
    """Where the bad byte is: line, and column of the CSV (by the header's name if known)."""
    before = data[:error.start].decode(encoding, errors="replace").lstrip("\ufeff")
    lines = before.split("\n")
    line = len(lines)
    try:
        header = next(csv.reader(io.StringIO(before if line > 1 else "")), [])
        cells = next(csv.reader(io.StringIO(lines[-1])), [""])
    except csv.Error:
        header, cells = [], [""]
    column = max(len(cells), 1)
    name = header[column - 1].strip() if line > 1 and column <= len(header) else ""
    where = f"column {column}" + (f" ({name})" if name else "")
    bad = data[error.start:error.start + 1].hex().upper()
    return MalformedValueError(
        f"Line {line}, {where}: the file has a character that is not readable text (byte "
        f"0x{bad}). Save the file as 'CSV UTF-8' and upload it again.", line=line,
        column=column)


def _header_map(header: list[str]) -> dict[str, int]:
    wanted = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for position, title in enumerate(header):
        name = "_".join(title.strip().lower().replace("-", " ").split())
        field = wanted.get(name)
        if field and field not in found:
            found[field] = position
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        raise MalformedValueError(
            "The first line of the file must name the columns. Missing: " + ", ".join(missing)
            + ". Download the template to see the columns.")
    return found


def parse_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line number, {field: text})]) with blank lines dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise MalformedValueError("The file is empty") from None
    except csv.Error as error:
        raise MalformedValueError(f"The file is not a readable CSV file ({error})") from None
    positions = _header_map(header)
    rows: list[tuple[int, dict]] = []
    try:
        for cells in reader:
            if not "".join(cells).strip():  # every cell blank (any(...) without the loop)
                continue
            if len(rows) >= MAX_ROWS:
                raise TooLargeError(f"The file has more than {MAX_ROWS:,} rows; split it")
            raw = {field: (cells[index] if index < len(cells) else "")
                   for field, index in positions.items()}
            rows.append((reader.line_num, raw))
    except csv.Error as error:
        raise MalformedValueError(f"Line {reader.line_num} of the file could not be read "
                                  f"({error})") from None
    return header, rows


def row_key(slug: str, details: dict) -> str:
    # The same text as json.dumps(sort_keys=True, compact, ensure_ascii=False): stored keys of
    # earlier imports must keep matching (tests/property/test_compact_json.py).
    canonical = compact_json(details, sort_keys=True)
    return hashlib.sha256(f"{slug}\n{canonical}".encode()).hexdigest()


def error_report_csv(errors: list[RowError]) -> str:
    """A CSV the provider can fix and upload again: line, problem, then the row as given."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "problem", *TEMPLATE_HEADER])
    for error in errors:
        writer.writerow([error.row_no, error.message,
                         *[_safe_cell(error.raw.get(name, "")) for name in TEMPLATE_HEADER]])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Stop spreadsheet programs running a cell as a formula (CSV injection)."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class ImportService:
    """CSV files of completions: checked row by row, issued all together or not at all,
    and safe to upload again (rows already issued are skipped)."""

    def __init__(self, db: Database, clock: Clock, *, providers: ProviderService,
                 catalogue: CatalogueService, issuance: IssuanceService) -> None:
        self.db, self.clock, self.providers = db, clock, providers
        self.catalogue, self.issuance = catalogue, issuance

    def import_csv(self, slug: str, stream, progress: Progress | None = None, *,
                   filename: str = "import.csv", actor: str | None = None) -> ImportReport:
        provider = self.providers.provider(slug)
        if provider.did_method != "web":
            raise PassportError("The conformance issuer cannot import files")
        text = read_text(stream)
        _header, rows = parse_rows(text)
        catalogue = self.catalogue.courses(slug)
        titles = {course.title.lower(): key for key, course in catalogue.items()}
        errors: list[RowError] = []
        valid: list[tuple[int, dict, dict, str]] = []
        for line, raw in rows:
            try:
                course_text = " ".join((raw.get("course") or "").split())
                course_key = course_text if course_text in catalogue else \
                    titles.get(course_text.lower())
                if not course_text:
                    raise MalformedValueError("The course is missing")
                if course_key is None:
                    raise MalformedValueError(f"The course {course_text[:80]!r} is not in the "
                                              "catalogue (use its key or exact title)")
                details = self.issuance.clean_details(
                    course_key, subject_name=raw.get("name"), completed=raw.get("completed"),
                    subject_email=raw.get("email"), holder_did=raw.get("holder_did"),
                    assessment_method=raw.get("assessment_method"),
                    delivery_mode=raw.get("delivery_mode"), hours=raw.get("hours"),
                    evidence=raw.get("evidence"))
            except PassportError as error:
                errors.append(RowError(line, error.detail, raw))
                continue
            valid.append((line, raw, details, row_key(slug, details)))
        report = self._issue_rows(provider, valid, errors, len(rows), progress, filename,
                                  actor, hashlib.sha256(text.encode("utf-8")).hexdigest(),
                                  catalogue)
        if len(report.record_ids) >= ANALYZE_AFTER:
            self._refresh_planner_statistics()
        return report

    def _refresh_planner_statistics(self) -> None:
        """PostgreSQL plans from statistics that autovacuum refreshes only later (up to a
        minute): until then the next import's look-up of its rows' keys in a table that just
        grew by thousands is planned as a scan (10,000 rows: 2.8 s instead of 1.2 s). Its docs
        advise ANALYZE after a bulk load; run after the commit, so no import waits on its lock."""
        if self.db.engine.dialect.name != "postgresql":
            return
        with self.db.transaction() as session:
            session.execute(text(f"ANALYZE {records.name}, {import_rows.name}, "
                                 f"{status_indexes.name}"))

    def _issue_rows(self, provider, valid, errors, total, progress, filename, actor, file_hash,
                    catalogue) -> ImportReport:
        now = self.clock()
        issued_ids: list[str] = []
        skipped = 0
        with self.db.transaction() as session:
            context = IssuingContext(self.issuance, session, provider)
            existing = self._existing_keys(session, provider.id, [item[3] for item in valid])
            batch_id = session.execute(insert(import_batches).values(
                provider_id=provider.id, filename=(filename or "import.csv")[:255],
                file_hash=file_hash, total=total, actor=actor,
                created_at=now)).inserted_primary_key[0]
            pending: list[dict] = []
            row_log: list[dict] = []
            done = 0
            for line, _raw, details, key in valid:
                if key in existing:
                    skipped += 1
                    row_log.append({"batch_id": batch_id, "row_no": line, "row_key": key,
                                    "outcome": "skipped", "message": "Already issued",
                                    "record_id": existing[key], "raw": None})
                else:
                    values = self.issuance.sign_record(context, catalogue[details["course_key"]],
                                               details, actor=actor, batch_id=batch_id,
                                               import_key=key)
                    existing[key] = values["id"]
                    pending.append(values)
                    issued_ids.append(values["id"])
                    row_log.append({"batch_id": batch_id, "row_no": line, "row_key": key,
                                    "outcome": "issued", "message": None,
                                    "record_id": values["id"], "raw": None})
                    if len(pending) >= INSERT_CHUNK:
                        insert_many(session, records, pending)
                        pending = []
                done += 1
                if progress is not None:
                    progress(done, len(valid))
            if pending:
                insert_many(session, records, pending)
            context.flush()
            for error in errors:
                row_log.append({"batch_id": batch_id, "row_no": error.row_no, "row_key": None,
                                "outcome": "error", "message": error.message, "record_id": None,
                                "raw": json.dumps(error.raw, ensure_ascii=False)})
            for start in range(0, len(row_log), INSERT_CHUNK):
                insert_many(session, import_rows, row_log[start:start + INSERT_CHUNK])
            session.execute(update(import_batches).where(import_batches.c.id == batch_id).values(
                issued=len(issued_ids), skipped=skipped, failed=len(errors)))
            record_event(session, provider.id, None, "import",
                        f"{filename}: {len(issued_ids)} issued, {skipped} already issued, "
                        f"{len(errors)} with problems", actor, now)
        return ImportReport(batch_id, total, len(issued_ids), skipped,
                            sorted(errors, key=lambda e: e.row_no), issued_ids)

    @staticmethod
    def _existing_keys(session, provider_id: int, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        if session.get_bind().dialect.name == "postgresql":
            # One array parameter: an IN list of 500 parameters cost more to send, plan and
            # bind (in SQLAlchemy and psycopg) than the look-up itself.
            wanted = records.c.import_key == any_(bindparam("keys", type_=ARRAY(String(64))))
            chunk_size = ARRAY_CHUNK
        else:
            wanted, chunk_size = records.c.import_key.in_(bindparam("keys", expanding=True)), \
                INSERT_CHUNK
        query = select(records.c.import_key, records.c.id).where(
            records.c.provider_id == provider_id, wanted)
        for start in range(0, len(unique), chunk_size):
            for key, record_id in session.execute(
                    query, {"keys": unique[start:start + chunk_size]}):
                found[key] = record_id
        return found

    def imports(self, slug: str, limit: int = 50) -> list[dict]:
        provider = self.providers.provider(slug)
        with self.db.reading() as session:
            rows = session.execute(select(import_batches).where(
                import_batches.c.provider_id == provider.id)
                .order_by(import_batches.c.id.desc()).limit(limit)).all()
        return [dict(row._mapping) for row in rows]

    def import_errors(self, slug: str, batch_id: int) -> list[RowError]:
        provider = self.providers.provider(slug)
        with self.db.reading() as session:
            batch = session.execute(select(import_batches.c.id).where(
                import_batches.c.id == batch_id,
                import_batches.c.provider_id == provider.id)).first()
            if batch is None:
                raise NotFoundError("There is no import with that number")
            rows = session.execute(select(import_rows).where(
                import_rows.c.batch_id == batch_id, import_rows.c.outcome == "error")
                .order_by(import_rows.c.row_no)).all()
        return [RowError(row.row_no, row.message or "", json.loads(row.raw or "{}"))
                for row in rows]
