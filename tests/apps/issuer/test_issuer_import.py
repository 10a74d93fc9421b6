"""Bulk CSV import: row-level errors, idempotency, all-or-nothing per file, resumable."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from issuer.bulk import error_report_csv
from issuer.storage import records, status_indexes
from passport_vc.errors import MalformedValueError


def _cohort(rows: int, bad_every: int | None = None) -> str:
    lines = ["Name,Email,Course,Completion date,Hours"]
    for n in range(rows):
        course = "fire-safety" if n % 2 else "Moving and handling of people"
        completed = f"2025-{(n % 12) + 1:02d}-{(n % 28) + 1:02d}"
        if bad_every and n % bad_every == bad_every - 1:
            completed = "31/02/2025"  # not a real date
        lines.append(f"Worker {n},worker{n}@example.com,{course},{completed},6")
    return "\n".join(lines) + "\n"


def _count(service, table) -> int:
    with service.db.reading() as session:
        return session.execute(select(func.count()).select_from(table)).scalar()


def test_1000_rows_with_10_bad_then_rerun_issues_nothing(service, acme, verifier):
    text = _cohort(1000, bad_every=100)
    report = service.imports.import_csv("acme", io.BytesIO(text.encode()), filename="cohort.csv")
    assert (report.total, report.issued, report.skipped, report.failed) == (1000, 990, 0, 10)
    assert all("real date" in error.message for error in report.errors)
    assert [error.row_no for error in report.errors][:2] == [101, 201]  # file line numbers
    assert _count(service, records) == 990
    assert _count(service, status_indexes) == 990  # one lifecycle entry each
    sample = verifier.verify_credential(service.register.record(report.record_ids[0]).document)
    # back-filled yearly training from 2025 has expired by now; everything else checks out
    assert [c.name for c in sample.checks if not c.ok] == ["validity"]
    assert sample.check("proof").ok and sample.check("status").ok

    again = service.imports.import_csv("acme", io.StringIO(text))
    assert (again.issued, again.skipped, again.failed) == (0, 990, 10)
    assert _count(service, records) == 990

    csv_report = error_report_csv(report.errors)
    assert csv_report.splitlines()[0].startswith("line,problem,name")
    assert len(csv_report.splitlines()) == 11
    stored = service.imports.import_errors("acme", report.batch_id)
    assert [e.row_no for e in stored] == [e.row_no for e in report.errors]


def test_a_failure_midway_leaves_nothing_and_a_rerun_completes(service, acme):
    text = _cohort(60)

    def crash(done: int, total: int) -> None:
        if done == 30:
            raise KeyboardInterrupt  # the import is killed half way through

    with pytest.raises(KeyboardInterrupt):
        service.imports.import_csv("acme", text, crash)
    assert _count(service, records) == 0
    assert _count(service, status_indexes) == 0

    seen = []
    report = service.imports.import_csv("acme", text, lambda done, total: seen.append((done,
                                                                                       total)))
    assert report.issued == 60 and seen[-1] == (60, 60)
    with service.db.reading() as session:
        pairs = session.execute(select(records.c.status_list, records.c.status_index)
                                ).all()
    assert len(set(pairs)) == 60  # no status index used twice
    assert service.imports.import_csv("acme", text).issued == 0


def test_duplicate_rows_within_a_file_are_issued_once(service, acme):
    text = "name,course,completed\nSam,fire-safety,2026-01-02\nSam,fire-safety,02/01/2026\n"
    report = service.imports.import_csv("acme", text)
    assert (report.issued, report.skipped) == (1, 1)


def test_row_level_problems_are_explained(service, acme):
    text = ("name,course,completed,hours,email\n"
            ",fire-safety,2026-01-02,,\n"
            "Sam,Basket weaving,2026-01-02,,\n"
            "Sam,fire-safety,2030-01-02,,\n"
            "Sam,fire-safety,2026-01-02,-4,\n"
            "Sam,fire-safety,2026-01-02,,not-an-email\n"
            "Kim,fire-safety,2026-01-02,3.5,kim@example.com\n")
    report = service.imports.import_csv("acme", text)
    assert report.issued == 1
    messages = {error.row_no: error.message for error in report.errors}
    assert "name" in messages[2]
    assert "not in the catalogue" in messages[3]
    assert "past" in messages[4]
    assert "hours" in messages[5]
    assert "email" in messages[6]


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("name,email\nSam,sam@example.com\n", "Missing: course, completed"),
    (b"PK\x03\x04\x00\x00binary", "CSV"),
    ("name,course,completed\n" * 1 + "\"Sam,fire-safety\n", "could not be read"),
])
def test_unreadable_files_are_refused_whole(service, acme, text, words):
    with pytest.raises(MalformedValueError) as raised:
        service.imports.import_csv("acme", text)
    assert words in raised.value.detail
    assert _count(service, records) == 0


def test_error_report_neutralises_formulas():
    from issuer.models import RowError

    text = error_report_csv([RowError(2, "bad", {"name": "=HYPERLINK(\"x\")"})])
    assert "'=HYPERLINK" in text


def test_a_large_import_refreshes_postgresql_planner_statistics(service, acme):
    """After a bulk load PostgreSQL's statistics are stale until autovacuum comes round; the
    next import's key look-up would be planned as a scan. A large import runs ANALYZE."""
    from sqlalchemy import text

    from issuer.bulk import ANALYZE_AFTER

    def manual_analyses() -> int | None:
        if service.db.engine.dialect.name != "postgresql":
            return None
        with service.db.reading() as session:
            session.execute(text("SELECT pg_stat_clear_snapshot()"))
            return session.execute(text(
                "SELECT analyze_count FROM pg_stat_user_tables "
                "WHERE relid = 'issuer_records'::regclass")).scalar()

    before = manual_analyses()
    small = service.imports.import_csv("acme", _cohort(3))
    assert small.issued == 3
    assert manual_analyses() == before  # a few rows: nothing to refresh
    report = service.imports.import_csv("acme", _cohort(ANALYZE_AFTER + 10).replace(
        "Worker ", "Carer "))
    assert report.issued == ANALYZE_AFTER + 10
    if before is not None:  # PostgreSQL: counted by the server, manual ANALYZE only
        assert manual_analyses() == before + 1
