"""Real browser (headless Chromium): an employer goes from the training matrix to "Download for
ASC-WDS", sees which certificates are left out and why, sets the workplace ID, downloads the
file — and its rows are the verified cells of the matrix. axe-core checks each new page."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from support.browser import axe_violations, launch
from support.live import live_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture
def server(make_app, sqlite_url, world):
    from verifier.accounts import add_user
    from verifier.records import add_staff, save_record

    app = make_app(sqlite_url)
    state = app.extensions["verifier"]
    user = add_user(state.db, organisation="Sunny Care", email="m@sunny.example", name="M",
                    role="manager", password=PASSWORD, clock=world.clock)
    for name, credentials in (("Sam Carer", ["valid", "due-soon", "expired", "revoked"]),
                              ("Amina Okafor", ["care-certificate", "unknown-provider"])):
        staff_id = add_staff(state.db, user.organisation_id, name, "Care worker", world.clock)
        for credential in credentials:
            report = state.service.check(world.credentials[credential],
                                         organisation_id=user.organisation_id).credentials[0]
            save_record(state.db, user.organisation_id, user.id, staff_id, report, world.clock)
    with live_server(app) as base:
        yield base


def test_employer_downloads_the_asc_wds_file_matching_the_verified_matrix(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800},
                                    accept_downloads=True)
            page.goto(server + "/sign-in")
            page.fill("#email", "m@sunny.example")
            page.fill("#password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.goto(server + "/matrix")
            with page.expect_download() as matrix_download:
                page.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
            matrix = list(csv.reader(io.StringIO(
                matrix_download.value.path().read_text(encoding="utf-8"))))
            page.get_by_role("link", name="Download for ASC-WDS").click()
            page.wait_for_url("**/asc-wds")
            assert axe_violations(page) == []
            left_out = page.locator("#asc-wds-left-out").inner_text()
            assert "The provider has revoked this certificate." in left_out
            assert "not on your list of recognised providers" in left_out
            assert "records the Care Certificate on the worker" in left_out
            page.fill("#establishment_id", "SUNNY1")
            page.get_by_role("button", name="Save workplace ID").click()
            page.wait_for_load_state()
            assert page.get_by_text("Your ASC-WDS workplace ID has been saved").is_visible()
            with page.expect_download() as download:
                page.get_by_role("button", name="Download the ASC-WDS training file").click()
            text = download.value.path().read_bytes().decode("utf-8")
            assert download.value.suggested_filename.startswith("asc-wds-training-")
            page.goto(server + "/asc-wds/roles?role=8")
            assert axe_violations(page) == []
            page.goto(server + "/asc-wds/import")
            assert axe_violations(page) == []
            page.goto(server + "/staff")
            page.get_by_role("link", name="Sam Carer").click()
            page.get_by_role("link", name="ASC-WDS worker ID and job role").click()
            assert axe_violations(page) == []
            # 320 px wide: the ASC-WDS page does not force sideways scrolling
            page.set_viewport_size({"width": 320, "height": 640})
            for path in ("/asc-wds", "/asc-wds/import", "/asc-wds/roles?role=8", "/matrix"):
                page.goto(server + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 320, (path, width)
            # a refused file: the error names the columns and still fits
            bad = tmp_path / "not-asc-wds.csv"
            bad.write_text("NAME,COURSE\nSam,Fire\n", encoding="utf-8")
            page.goto(server + "/asc-wds/import")
            page.set_input_files("#training_file", str(bad))
            page.get_by_role("button", name="Check the file").click()
            page.wait_for_load_state()
            assert page.get_by_text("There is a problem").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            assert axe_violations(page) == []
        finally:
            browser.close()

    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:4] == ["LOCALESTID", "UNIQUEWORKERID", "CATEGORY", "TRAININGNAME"]
    in_file = {(row[1], row[3], _iso(row[9])) for row in rows[1:]}
    # the matrix counts a certificate from an unrecognised provider with a note; the file,
    # which ASC-WDS takes as the employer's word, leaves it out (the page said so above)
    verified_cells = {(row[0], row[2], row[4]) for row in matrix[1:]
                      if row[3] in ("Valid", "Due soon", "Expired")
                      and row[6] != "Provider not recognised"
                      and row[2] != "Care Certificate"}  # not training in ASC-WDS terms
    assert in_file == verified_cells == {
        ("Sam Carer", "Moving and handling of people", "2026-06-01"),
        ("Sam Carer", "Fire safety", "2025-12-15"),
        ("Sam Carer", "Medication", "2025-01-10")}
    assert {row[2] for row in rows[1:]} == {"15", "6", "13"}


def _iso(uk: str) -> str:
    day, month, year = uk.split("/")
    return date(int(year), int(month), int(day)).isoformat()
