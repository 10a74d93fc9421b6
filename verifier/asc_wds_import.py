"""Read an employer's ASC-WDS training file and compare it with the verified training matrix:
per worker, which recorded training a verified certificate backs and which it does not
(issue 13). Nothing from the file is stored, so a bad file changes nothing.

Both ASC-WDS layouts are read (asc_wds.LAYOUTS). The rules follow ASC-WDS's own validation of
the file (dates DD/MM/YYYY and not in the future, expiry after completion, ACCREDITED 0, 1 or
999, known category codes, ids up to 50 characters); every problem names its row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from passport_vc.errors import MalformedValueError, TooLargeError

from .asc_wds import LAYOUTS, MAX_ID, MAX_NAME, Export

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
MAX_PROBLEMS = 20


class ImportProblems(MalformedValueError):
    """The file has problems; ``problems`` lists them (row, column, message)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"The file has {len(problems)} problem"
                         f"{'' if len(problems) == 1 else 's'}: nothing was read", path="file")
        self.problems = problems[:MAX_PROBLEMS]
        self.more = max(0, len(problems) - MAX_PROBLEMS)


@dataclass(frozen=True)
class TrainingLine:
    row: int
    establishment_id: str
    worker_id: str
    category: int
    name: str
    completed: date | None
    expiry: date | None


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise TooLargeError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[:error.start]
        row = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = before[line_start:].count(b",") + 1
        raise MalformedValueError(
            f"Row {row}, column {column}: the file has characters that are not UTF-8 text "
            "(byte {:#04x}). Save it as “CSV UTF-8” and try again.".format(data[error.start]),
            path="file") from None


def _date(value: str, row: int, column: str, problems: list[str], today: date) -> date | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        problems.append(f"Row {row}, column {column}: “{value[:20]}” is not a date like "
                        "31/01/2026")
        return None
    if len(value) != 10:
        problems.append(f"Row {row}, column {column}: write the date as DD/MM/YYYY, like "
                        "31/01/2026")
        return None
    if column == "DATECOMPLETED" and day > today:
        problems.append(f"Row {row}, column {column}: the date is in the future")
    return day


def read_training_file(data: bytes, today: date) -> list[TrainingLine]:
    """The file's training lines, or ImportProblems / MalformedValueError saying what is wrong."""
    from schemas.asc_wds import training_categories

    text = _text(data)
    if "\x00" in text:
        raise MalformedValueError("The file is not a CSV text file", path="file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error:
        raise MalformedValueError("Row 1: the file is not readable as CSV", path="file") from None
    while header and header[-1] == "":  # some spreadsheets add empty columns
        header = header[:-1]
    if not header:
        raise MalformedValueError("The file is empty", path="file")
    header = [name.strip().upper() for name in header]
    layout = next((name for name, columns in LAYOUTS.items() if list(columns) == header), None)
    if layout is None:
        raise MalformedValueError(
            "Row 1: this is not an ASC-WDS training file. The first row must name these "
            "columns, in this order: " + ", ".join(LAYOUTS["current"]) + " (or, in older "
            "files: " + ", ".join(LAYOUTS["classic"]) + ")", path="file")
    name_column = "TRAININGNAME" if layout == "current" else "DESCRIPTION"
    problems: list[str] = []
    lines: list[TrainingLine] = []
    row = 1
    try:
        for cells in reader:
            row += 1
            if row - 1 > MAX_ROWS:
                raise TooLargeError(f"The file has more than {MAX_ROWS:,} training rows")
            if not any(cell.strip() for cell in cells):
                continue
            while len(cells) > len(header) and cells[-1] == "":
                cells = cells[:-1]
            if len(cells) != len(header):
                problems.append(f"Row {row}: it has {len(cells)} columns, not {len(header)}")
                continue
            line = _line(dict(zip(header, (cell.strip() for cell in cells), strict=True)), row,
                         name_column, problems, today, training_categories())
            if line is not None:
                lines.append(line)
    except csv.Error as error:  # raised while reading the row after the last one counted
        raise MalformedValueError(f"Row {row + 1}: the file is not readable as CSV ({error})",
                                  path="file") from None
    if problems:
        raise ImportProblems(problems)
    if not lines:
        raise MalformedValueError("The file has no training rows", path="file")
    return lines


def _line(values: dict, row: int, name_column: str, problems: list[str], today: date,
          categories) -> TrainingLine | None:
    before = len(problems)
    for column in ("LOCALESTID", "UNIQUEWORKERID"):
        if not values[column]:
            problems.append(f"Row {row}, column {column}: it is empty")
        elif len(values[column]) > MAX_ID:
            problems.append(f"Row {row}, column {column}: longer than {MAX_ID} characters")
    code = values["CATEGORY"]
    if not (code.isascii() and code.isdigit() and len(code) < 4 and int(code) in categories):
        problems.append(f"Row {row}, column CATEGORY: “{code[:20]}” is not an ASC-WDS training "
                        "category code")
    if len(values[name_column]) > MAX_NAME:
        problems.append(f"Row {row}, column {name_column}: longer than {MAX_NAME} characters")
    if values["ACCREDITED"] not in ("", "0", "1", "999"):
        problems.append(f"Row {row}, column ACCREDITED: it must be 1 (yes), 0 (no) or 999 "
                        "(don't know)")
    if len(values["NOTES"]) > 1000:
        problems.append(f"Row {row}, column NOTES: longer than 1000 characters")
    completed = _date(values["DATECOMPLETED"], row, "DATECOMPLETED", problems, today)
    expiry = _date(values["EXPIRYDATE"], row, "EXPIRYDATE", problems, today)
    if completed and expiry and expiry <= completed:
        problems.append(f"Row {row}, column EXPIRYDATE: it must be after DATECOMPLETED")
    if len(problems) > before:
        return None
    return TrainingLine(row, values["LOCALESTID"], values["UNIQUEWORKERID"], int(code),
                        values[name_column], completed, expiry)


# --- comparison -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    line: TrainingLine
    category_name: str
    backed_by: str  # the verified certificate's title, or ""
    backed_completed: date | None


@dataclass
class WorkerComparison:
    worker_id: str
    staff_name: str | None  # None: no staff member has this worker id
    lines: list[Comparison] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)  # verified, but not in their file rows

    @property
    def backed(self) -> int:
        return sum(1 for line in self.lines if line.backed_by)


def compare(lines: list[TrainingLine], export: Export, staff_by_worker_id: dict[str, str]) \
        -> list[WorkerComparison]:
    """Per worker of the file: each recorded training row and the verified certificate in the
    same ASC-WDS category that backs it (the newest), if any."""
    from schemas.asc_wds import training_categories

    verified: dict[str, list] = {}
    for row in export.rows:
        verified.setdefault(row.worker_id, []).append(row)
    workers: dict[str, WorkerComparison] = {}
    for line in lines:
        worker = workers.setdefault(line.worker_id, WorkerComparison(
            line.worker_id, staff_by_worker_id.get(line.worker_id)))
        matches = [row for row in verified.get(line.worker_id, [])
                   if row.category == line.category]
        best = max(matches, key=lambda row: row.completed or date.min, default=None)
        worker.lines.append(Comparison(line, training_categories()[line.category].name,
                                       best.name if best else "",
                                       best.completed if best else None))
    for worker in workers.values():
        recorded = {item.line.category for item in worker.lines}
        worker.not_in_file = sorted({row.name for row in verified.get(worker.worker_id, [])
                                     if row.category not in recorded})
    return sorted(workers.values(), key=lambda item: (item.staff_name is None,
                                                      item.staff_name or item.worker_id))
