"""The demo's employer downloads an ASC-WDS training file whose rows are the verified cells of
its training matrix (issue 13 "Done when"); the certificates left out are listed with reasons."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from passport_cli.demo_scene import EMPLOYER, PASSWORD


def _signed_in(app):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/sign-in", data={"email": EMPLOYER["user"], "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 303
    return client


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_demo_employer_downloads_the_asc_wds_file(scene):
    demo, _details, _clock = scene
    client = _signed_in(demo.apps["verifier"])
    matrix = _rows(client.get("/matrix.csv"))
    rows = _rows(client.get("/asc-wds/training.csv"))
    assert rows[0][:4] == ["LOCALESTID", "UNIQUEWORKERID", "CATEGORY", "TRAININGNAME"]
    assert {row[0] for row in rows[1:]} == {"ROSEWOOD1"}
    assert {"13", "15", "20"} <= {row[2] for row in rows[1:]}  # medication, moving, safeguarding
    # (matrix columns are topics, "Oliver McGowan training"; file rows are courses, "… Tier 1")
    in_file = {(row[1], _iso(row[9])) for row in rows[1:]}
    verified = {(row[0], row[4]) for row in matrix[1:]
                if row[3] in ("Valid", "Due soon", "Expired")
                and row[6] != "Provider not recognised" and row[2] != "Care Certificate"}
    # every verified matrix cell is in the file (the file may hold more: the matrix shows the
    # best certificate per topic, the file every verified one)
    assert verified <= in_file
    page = client.get("/asc-wds").get_data(as_text=True)
    assert "Left out of the file" in page
    assert "The provider has revoked this certificate." in page  # the demo revokes one
    # Amina's Oliver McGowan Tier 1 comes from CareSkills Online, not on the trust list
    left_out = page.split('id="asc-wds-left-out"')[1]
    assert re.search(r"Oliver McGowan Mandatory Training: Tier 1</td>\s*<td[^>]*>The provider "
                     r"is not on your list of recognised providers", left_out)
    assert "Amina Okafor (Amina Okafor)" in page
    matrix_page = client.get("/matrix").get_data(as_text=True)
    assert re.search(r"Care worker: \d+ missing, \d+ expired, \d+ due soon", matrix_page)


def _iso(uk: str) -> str:
    day, month, year = uk.split("/")
    return date(int(year), int(month), int(day)).isoformat()
