"""The ASC-WDS training file: writing both layouts (exact headers, DD/MM/YYYY, ACCREDITED 1/0,
category codes, spreadsheet-safe cells) and reading an employer's file back with every problem
named by row and column; then comparing it with verified rows."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from passport_vc.errors import MalformedValueError, TooLargeError
from verifier.asc_wds import (
    CLASSIC_HEADER,
    CURRENT_HEADER,
    Export,
    ExportRow,
    default_worker_id,
    export_csv,
)
from verifier.asc_wds_import import ImportProblems, compare, read_training_file

TODAY = date(2026, 11, 24)


def row(worker_id="Sam Carer", category=15, name="Moving and handling of people",
        completed=date(2026, 6, 1), expiry=date(2027, 6, 1), accredited=True) -> ExportRow:
    return ExportRow(1, "Sam Carer", worker_id, category, "Assisting and moving people", name,
                     completed, expiry, accredited, "2", "", "Verified with Skills Passport",
                     "r1", False)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_current_layout_is_what_asc_wds_accepts_now():
    text = export_csv(Export("SUNNY1", TODAY, [row(), row(category=6, name="Fire safety",
                                                         expiry=None, accredited=False)]))
    assert text.startswith(",".join(CURRENT_HEADER) + "\r\n")
    assert rows_of(text)[1:] == [
        ["SUNNY1", "Sam Carer", "15", "Moving and handling of people", "1", "2", "", "", "",
         "01/06/2026", "01/06/2027", "Verified with Skills Passport"],
        ["SUNNY1", "Sam Carer", "6", "Fire safety", "0", "2", "", "", "none", "01/06/2026", "",
         "Verified with Skills Passport"]]


def test_classic_layout_has_exactly_the_eight_columns():
    text = export_csv(Export("SUNNY1", TODAY, [row()]), "classic")
    header, line = rows_of(text)
    assert ",".join(header) == \
        "LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,DATECOMPLETED,EXPIRYDATE,ACCREDITED,NOTES"
    assert tuple(header) == CLASSIC_HEADER
    assert line == ["SUNNY1", "Sam Carer", "15", "Moving and handling of people", "01/06/2026",
                    "01/06/2027", "1", "Verified with Skills Passport"]


def test_cells_cannot_smuggle_formulas_into_a_spreadsheet():
    text = export_csv(Export("@SUM(1)", TODAY, [row(worker_id="=HYPERLINK(\"x\")",
                                                    name="+cmd|' /C calc'!A0")]))
    line = rows_of(text)[1]
    assert line[0] == "'@SUM(1)" and line[1] == "'=HYPERLINK(\"x\")"
    assert line[3] == "'+cmd|' /C calc'!A0"


def test_no_file_without_a_workplace_id_or_with_an_unknown_layout():
    with pytest.raises(MalformedValueError, match="workplace ID"):
        export_csv(Export(None, TODAY, [row()]))
    with pytest.raises(MalformedValueError, match="layout"):
        export_csv(Export("X", TODAY, [row()]), "2019")


def test_default_worker_id_is_the_name_and_tells_namesakes_apart():
    assert default_worker_id("  Sam   Carer ", 7, False) == "Sam Carer"
    assert default_worker_id("Sam Carer", 7, True) == "Sam Carer 7"
    assert len(default_worker_id("x" * 80, 12345, True)) == 50


# --- reading ----------------------------------------------------------------------------------
GOOD = ("LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,"
        "HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES\r\n"
        "SUNNY1,Sam Carer,15,Moving and handling,1,2,,,,01/06/2026,01/06/2027,\r\n"
        "SUNNY1,Sam Carer,6,Fire safety,,,,,,,,\r\n")


def test_reads_both_layouts_and_a_byte_order_mark():
    lines = read_training_file(("\ufeff" + GOOD).encode(), TODAY)
    assert [(line.row, line.worker_id, line.category, line.completed) for line in lines] == [
        (2, "Sam Carer", 15, date(2026, 6, 1)), (3, "Sam Carer", 6, None)]
    classic = ("LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,DATECOMPLETED,EXPIRYDATE,"
               "ACCREDITED,NOTES,\nA,W1,41,Oliver McGowan,02/02/2026,,0,,\n")
    (line,) = read_training_file(classic.encode(), TODAY)
    assert (line.category, line.name) == (41, "Oliver McGowan")


@pytest.mark.parametrize(("data", "message"), [
    (GOOD.encode().replace(b"Fire", b"F\xffre"), r"Row 3, column 4: .*not UTF-8.*0xff"),
    (b"NAME,CATEGORY\nx,1\n", "Row 1: this is not an ASC-WDS training file"),
    (b"", "The file is empty"),
    (GOOD.split("\r\n")[0].encode() + b"\r\n", "no training rows"),
    (b"a\x00b", "not a CSV text file"),
    # an encoded lone surrogate is not UTF-8 either
    (GOOD.encode().replace(b"Sam Carer,6", b"Sam \xed\xa0\x80,6"), r"Row 3, column 2: .*0xed"),
    (GOOD.encode() + b'S,W,6,"' + b"x" * 200_000 + b'",,,,,,,,\r\n', "Row 4: .*not readable"),
])
def test_bad_files_are_refused_in_plain_words(data, message):
    with pytest.raises(MalformedValueError, match=message):
        read_training_file(data, TODAY)


def test_every_bad_cell_is_named_by_row_and_column():
    header = GOOD.split("\r\n")[0]
    body = ("\r\n".join([
        header,
        ",Sam,15,x,1,,,,,01/06/2026,,",           # no LOCALESTID
        "S,Sam,3,x,1,,,,,01/06/2026,,",            # category 3 is not used
        "S,Sam,15,x,2,,,,,2026-06-01,,",           # ACCREDITED 2; ISO date
        "S,Sam,15,x,1,,,,,01/06/2027,,",           # in the future
        "S,Sam,15,x,1,,,,,01/06/2026,01/01/2026,",  # expires before completion
        "S,Sam,15",                                # too few columns
    ]) + "\r\n").encode()
    with pytest.raises(ImportProblems) as caught:
        read_training_file(body, TODAY)
    problems = caught.value.problems
    assert problems == [
        "Row 2, column LOCALESTID: it is empty",
        "Row 3, column CATEGORY: “3” is not an ASC-WDS training category code",
        "Row 4, column ACCREDITED: it must be 1 (yes), 0 (no) or 999 (don't know)",
        "Row 4, column DATECOMPLETED: “2026-06-01” is not a date like 31/01/2026",
        "Row 5, column DATECOMPLETED: the date is in the future",
        "Row 6, column EXPIRYDATE: it must be after DATECOMPLETED",
        "Row 7: it has 3 columns, not 12"]
    assert "6 problems" not in caught.value.detail and "7 problems" in caught.value.detail


def test_size_is_bounded():
    with pytest.raises(TooLargeError):
        read_training_file(GOOD.encode() + b"x" * (2 * 1024 * 1024), TODAY)


def test_comparison_shows_what_verified_certificates_back():
    lines = read_training_file((GOOD + "SUNNY1,Nobody,6,Fire,,,,,,,,\r\n").encode(), TODAY)
    export = Export("SUNNY1", TODAY, [row(), row(category=41, name="Oliver McGowan Part 1")])
    workers = compare(lines, export, {"Sam Carer": "Sam Carer"})
    sam, nobody = workers
    assert (sam.staff_name, sam.backed, len(sam.lines)) == ("Sam Carer", 1, 2)
    assert sam.lines[0].backed_by == "Moving and handling of people"
    assert sam.lines[1].backed_by == ""
    assert sam.not_in_file == ["Oliver McGowan Part 1"]
    assert nobody.staff_name is None and nobody.backed == 0
