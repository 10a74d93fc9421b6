"""Issue 10 finding 12: a byte that is not text is reported by line and column, never guessed."""

from __future__ import annotations

import pytest

from issuer.bulk import read_text
from passport_vc.errors import MalformedValueError

HEADER = b"Name,Course,Completion date\n"


@pytest.mark.parametrize("data, line, column, words", [
    (HEADER + b"Ann Smith,fire-safety,2026-01-01\nJos\xe9 Garc\xeda,fire-safety,2026-01-02\n",
     3, 1, "column 1 (Name)"),
    (HEADER + b'Ann,"Moving, and \x92handling",2026-01-01\n', 2, 2, "column 2 (Course)"),
    (b"\xef\xbb\xbf" + HEADER + b"Ann,fire-safety,2026-01-0\xff\n", 2, 3,
     "column 3 (Completion date)"),
    (b"Na\xe9me,Course\n", 1, 1, "Line 1, column 1"),
    ("Name,Course\nAnn,x".encode("utf-16") + b"\x00\xd8", 2, 2, "column 2 (Course)"),
])
def test_bad_byte_names_the_line_and_column(data, line, column, words):
    with pytest.raises(MalformedValueError) as raised:
        read_text(data)
    assert raised.value.extra == {"line": line, "column": column}
    assert words in raised.value.detail and "CSV UTF-8" in raised.value.detail


def test_good_encodings_still_read():
    assert read_text(b"\xef\xbb\xbf" + HEADER) == HEADER.decode()
    assert read_text("Name,Course\nJosé,x\n".encode("utf-16")) == "Name,Course\nJosé,x\n"
    assert read_text("Name\nJosé\n".encode()) == "Name\nJosé\n"


def test_import_refuses_the_file_and_issues_nothing(service, acme):
    with pytest.raises(MalformedValueError, match="Line 3"):
        service.imports.import_csv("acme",
                                   HEADER + b"Ann,fire-safety,2026-01-01\nJos\xe9,fire-safety,"
                           b"2026-01-02\n")
    from sqlalchemy import func, select

    from issuer.storage import records

    with service.db.reading() as session:
        assert session.execute(select(func.count()).select_from(records)).scalar() == 0
