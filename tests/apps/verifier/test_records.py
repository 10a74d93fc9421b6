"""Training-matrix rules: due dates from the employer's policy, the Care Certificate's 16
standards, withdrawn certificates, and a spreadsheet-safe CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from verifier.records import (
    Cell,
    Matrix,
    MatrixRow,
    Record,
    StaffMember,
    Topic,
    _cell,
    add_months,
    matrix_csv,
)

TODAY = date(2026, 11, 24)
SOON = timedelta(days=60)
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def record(topic="fire-safety", course_key="", completed=None, valid_until=None, state="valid",
           label="Valid") -> Record:
    return Record("r" + course_key + str(completed), 1, "Training", topic, course_key, "P", "did:x",
                  completed, valid_until, state, label, "", WHEN, None, None, WHEN)


def test_add_months_keeps_the_day_or_uses_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_policy_interval_and_credential_end_date_earlier_wins():
    topic = Topic("fire-safety", "Fire safety", 12)
    cell = _cell([record(completed=date(2026, 1, 10), valid_until=date(2027, 1, 10))], topic,
                 TODAY, SOON)
    assert (cell.state, cell.due) == ("due-soon", date(2027, 1, 10))
    stricter = Topic("fire-safety", "Fire safety", 6)
    cell = _cell([record(completed=date(2026, 1, 10), valid_until=date(2027, 1, 10))], stricter,
                 TODAY, SOON)
    assert (cell.state, cell.due) == ("expired", date(2026, 7, 10))


def test_the_newest_usable_certificate_counts_and_withdrawn_ones_do_not():
    topic = Topic("fire-safety", "Fire safety", 12)
    old = record(completed=date(2024, 5, 1))
    new = record(completed=date(2026, 5, 1))
    assert _cell([old, new], topic, TODAY, SOON).state == "valid"
    revoked = record(completed=date(2026, 5, 1), state="revoked", label="Revoked")
    cell = _cell([revoked], topic, TODAY, SOON)
    assert cell.state == "missing" and cell.note == "Revoked certificate not counted"
    unknown = record(completed=date(2026, 5, 1), state="unknown-provider")
    assert _cell([unknown], topic, TODAY, SOON).note == "Provider not recognised"


def test_care_certificate_needs_the_full_certificate_or_all_16_standards():
    topic = Topic("care-certificate", "Care Certificate", None)
    some = [record("care-certificate", f"care-certificate-standard-{n}", date(2025, 1, n))
            for n in range(1, 6)]
    cell = _cell(some, topic, TODAY, SOON)
    assert (cell.state, cell.note) == ("missing", "5 of 16 standards")
    every = [record("care-certificate", f"care-certificate-standard-{n}", date(2025, 1, n))
             for n in range(1, 17)]
    assert _cell(every, topic, TODAY, SOON).state == "valid"
    full = [record("care-certificate", "care-certificate", date(2025, 3, 1))]
    assert _cell(full, topic, TODAY, SOON).state == "valid"


def test_csv_cannot_smuggle_formulas_into_a_spreadsheet():
    matrix = Matrix("Org", TODAY, [Topic("fire-safety", "Fire safety", 12)],
                    [MatrixRow(StaffMember(1, "=HYPERLINK(\"http://evil\")", "+1"),
                               [Cell("missing", "Missing")])])
    text = matrix_csv(matrix)
    assert "'=HYPERLINK" in text and ",'+1," in text
