"""The ASC-WDS pages over a real database (SQLite and PostgreSQL): what goes in the training
file and what is left out (and why), the download, worker ids and job roles, training by job
role in the matrix, checking an employer's ASC-WDS file — and who may see and change what."""

from __future__ import annotations

import csv
import io
import json
import re

from test_web import add_staff, app, check_id_of, password_hash, sign_in  # noqa: F401

from passport_cli.main import main
from verifier.asc_wds import CURRENT_HEADER


def save(client, world, names: list[str], staff_id: int) -> None:
    for name in names:
        check_id = check_id_of(client.post("/check", data={
            "payload": json.dumps(world.credentials[name])}))
        response = client.post(f"/checks/{check_id}/save",
                               data={"credential": "0", "staff_id": str(staff_id)})
        assert response.status_code == 303, name


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_file_has_only_verified_rows_and_the_page_says_what_is_left_out(app, world):  # noqa: F811
    client = sign_in(app, "manager@sunny.example")
    staff_id = add_staff(client)
    save(client, world, ["valid", "expired", "revoked", "unknown-provider", "care-certificate",
                         "status-unknown"], staff_id)
    # no workplace id yet: no file, and the page says so
    response = client.get("/asc-wds/training.csv")
    assert response.status_code == 303 and response.headers["Location"].endswith("/asc-wds")
    assert "Set your ASC-WDS workplace ID" in client.get("/asc-wds").get_data(as_text=True)
    bad = client.post("/asc-wds/workplace", data={"establishment_id": "x" * 51})
    assert bad.status_code == 400 and "50 characters or fewer" in bad.get_data(as_text=True)
    assert client.post("/asc-wds/workplace",
                       data={"establishment_id": "SUNNY1"}).status_code == 303

    page = client.get("/asc-wds").get_data(as_text=True)
    left_out = page.split('id="asc-wds-left-out"')[1]
    assert "The provider has revoked this certificate." in left_out
    assert "The provider is not on your list of recognised providers." in left_out
    assert "We could not check whether the provider has revoked it." in left_out
    assert "records the Care Certificate on the worker" in left_out
    assert "including 1 that has expired" in page

    rows = csv_rows(client.get("/asc-wds/training.csv"))
    assert tuple(rows[0]) == CURRENT_HEADER
    assert [line[:5] + line[9:11] for line in rows[1:]] == [
        ["SUNNY1", "Sam Carer", "13", "Medication", "1", "10/01/2025", "10/01/2026"],
        ["SUNNY1", "Sam Carer", "15", "Moving and handling of people", "1", "01/06/2026",
         "01/06/2027"]]
    assert rows[1][11].startswith("Verified with Skills Passport on 24/11/2026")
    classic = csv_rows(client.get("/asc-wds/training.csv?layout=classic"))
    assert ",".join(classic[0]) == ("LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,"
                                    "DATECOMPLETED,EXPIRYDATE,ACCREDITED,NOTES")
    assert classic[2][:7] == ["SUNNY1", "Sam Carer", "15", "Moving and handling of people",
                              "01/06/2026", "01/06/2027", "1"]


def test_worker_id_and_job_role_are_kept_and_checked(app, world):  # noqa: F811
    client = sign_in(app, "manager@sunny.example")
    sam = add_staff(client)
    kim = add_staff(client, "Kim Helper")
    save(client, world, ["valid"], sam)
    client.post("/asc-wds/workplace", data={"establishment_id": "SUNNY1"})
    assert client.post(f"/staff/{sam}/asc-wds", data={"worker_id": "=W1",
                                                      "job_role": "8"}).status_code == 303
    form = client.get(f"/staff/{sam}/asc-wds").get_data(as_text=True)
    assert 'value="=W1"' in form and '<option value="8" selected>Care worker' in form
    taken = client.post(f"/staff/{kim}/asc-wds", data={"worker_id": "=W1", "job_role": ""})
    assert taken.status_code == 409 and "Sam Carer already has" in taken.get_data(as_text=True)
    for data in ({"worker_id": "", "job_role": "22"}, {"worker_id": "", "job_role": "x"},
                 {"worker_id": "a\tb", "job_role": ""}):
        assert client.post(f"/staff/{kim}/asc-wds", data=data).status_code == 400
    rows = csv_rows(client.get("/asc-wds/training.csv"))
    assert rows[1][1] == "'=W1"  # kept as typed, defused for spreadsheets

    # the matrix shows what a care worker needs; an administrator needs less
    matrix = client.get("/matrix").get_data(as_text=True)
    assert re.search(r"Care worker: \d+ missing, 0 expired, 0 due soon", matrix)
    client.post(f"/staff/{kim}/asc-wds", data={"worker_id": "", "job_role": "25"})
    lines = list(csv.reader(io.StringIO(client.get("/matrix.csv").get_data(as_text=True))))
    kim_cells = {line[2]: line[3] for line in lines[1:] if line[0] == "Kim Helper"}
    assert kim_cells["Medication"] == "Not needed for this role"
    assert kim_cells["Fire safety"] == "Missing"


def test_employer_changes_the_training_a_role_needs(app):  # noqa: F811
    client = sign_in(app, "manager@sunny.example")
    kim = add_staff(client, "Kim Helper")
    client.post(f"/staff/{kim}/asc-wds", data={"worker_id": "", "job_role": "25"})
    page = client.get("/asc-wds/roles?role=25").get_data(as_text=True)
    assert "This role uses the suggested training" in page
    assert client.post("/asc-wds/roles", data={"job_role": "25", "action": "save",
                                               "topics": ["medication"]}).status_code == 303
    assert "You have changed the training" in client.get("/asc-wds/roles?role=25").get_data(
        as_text=True)
    lines = list(csv.reader(io.StringIO(client.get("/matrix.csv").get_data(as_text=True))))
    cells = {line[2]: line[3] for line in lines[1:] if line[0] == "Kim Helper"}
    assert cells["Medication"] == "Missing" and cells["Fire safety"] == "Not needed for this role"
    bad = client.post("/asc-wds/roles", data={"job_role": "25", "topics": ["no-such-topic"]})
    assert bad.status_code == 400 and "no training topic called" in bad.get_data(as_text=True)
    assert client.post("/asc-wds/roles", data={"job_role": "999"}).status_code == 400
    client.post("/asc-wds/roles", data={"job_role": "25", "action": "defaults"})
    assert "uses the suggested training" in client.get("/asc-wds/roles?role=25").get_data(
        as_text=True)


def test_import_shows_per_worker_what_verified_certificates_back(app, world):  # noqa: F811
    client = sign_in(app, "manager@sunny.example")
    sam = add_staff(client)
    save(client, world, ["valid", "revoked"], sam)
    text = (",".join(CURRENT_HEADER) + "\r\n"
            "SUNNY1,Sam Carer,15,Moving and handling,1,,,,,01/06/2026,,\r\n"
            "SUNNY1,Sam Carer,7,First aid,1,,,,,01/05/2026,,\r\n"
            "SUNNY1,Someone Else,6,Fire safety,0,,,,,01/05/2026,,\r\n")
    response = client.post("/asc-wds/import", data={
        "training_file": (io.BytesIO(text.encode()), "asc-wds.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sam Carer (worker ID Sam Carer)" in page and "1 of 2 training records" in page
    assert "Backed</strong> Moving and handling of people" in page
    assert "Worker ID Someone Else: not one of your staff here" in page
    # the revoked basic life support certificate does not back the first aid row
    first_aid = page.split("First aid")[1].split("</tr>")[0]
    assert "Not backed" in first_aid

    broken = client.post("/asc-wds/import", data={"training_file": (io.BytesIO(
        text.replace("01/05/2026", "2026-05-01").encode()), "asc-wds.csv")},
        content_type="multipart/form-data")
    assert broken.status_code == 400
    assert "Row 3, column DATECOMPLETED" in broken.get_data(as_text=True)
    missing = client.post("/asc-wds/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "Choose your ASC-WDS training file" in \
        missing.get_data(as_text=True)


def test_other_organisations_and_viewers(app, world):  # noqa: F811
    manager = sign_in(app, "manager@sunny.example")
    sam = add_staff(manager)
    save(manager, world, ["valid"], sam)
    manager.post("/asc-wds/workplace", data={"establishment_id": "SUNNY1"})

    other = sign_in(app, "manager@other.example")
    assert other.get(f"/staff/{sam}/asc-wds").status_code == 404
    assert other.post(f"/staff/{sam}/asc-wds", data={"worker_id": "X",
                                                     "job_role": "8"}).status_code == 404
    page = other.get("/asc-wds").get_data(as_text=True)
    assert "Sam Carer" not in page and "SUNNY1" not in page
    other.post("/asc-wds/workplace", data={"establishment_id": "OTHER"})
    assert len(csv_rows(other.get("/asc-wds/training.csv"))) == 1  # header only

    viewer = sign_in(app, "viewer@sunny.example")
    assert viewer.get("/asc-wds").status_code == 200
    assert len(csv_rows(viewer.get("/asc-wds/training.csv"))) == 2
    assert viewer.post("/asc-wds/workplace", data={"establishment_id": "X"}).status_code == 403
    assert viewer.post(f"/staff/{sam}/asc-wds", data={"worker_id": "X"}).status_code == 403
    assert viewer.post("/asc-wds/roles", data={"job_role": "8"}).status_code == 403
    assert app.test_client().get("/asc-wds").status_code == 302  # sign in first


def test_forms_need_the_csrf_token(make_app, sqlite_url):
    from test_web import PASSWORD

    from verifier.accounts import add_user

    csrf_app = make_app(sqlite_url)
    state = csrf_app.extensions["verifier"]
    add_user(state.db, organisation="Sunny Care", email="m@sunny.example", name="M",
             role="manager", password=PASSWORD, clock=state.service.clock)
    client = csrf_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": "m@sunny.example", "password": PASSWORD,
                                  "csrf_token": token})
    response = client.post("/asc-wds/workplace", data={"establishment_id": "SUNNY1"})
    assert response.status_code == 400 and "form had expired" in response.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/asc-wds").get_data(as_text=True)).group(1)
    assert client.post("/asc-wds/workplace", data={"establishment_id": "SUNNY1",
                                                   "csrf_token": token}).status_code == 303


def test_command_line_writes_the_same_file(app, world, tmp_path, monkeypatch, capsys):  # noqa: F811
    client = sign_in(app, "manager@sunny.example")
    sam = add_staff(client)
    save(client, world, ["valid", "revoked"], sam)
    client.post("/asc-wds/workplace", data={"establishment_id": "SUNNY1"})
    from_page = client.get("/asc-wds/training.csv").get_data(as_text=True)

    state = app.extensions["verifier"]
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(json.dumps(world.trust.to_json()), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", state.config.database_url)
    monkeypatch.setenv("VERIFIER_INSTANCE", str(tmp_path / "cli-instance"))
    monkeypatch.setenv("VERIFIER_TRUST_LIST", str(trust_file))
    monkeypatch.setenv("PASSPORT_OFFLINE", "1")
    output = tmp_path / "asc-wds.csv"
    assert main(["verifier", "export-asc-wds", "--organisation", "Sunny Care",
                 "-o", str(output)]) == 0
    err = capsys.readouterr().err
    assert "Read 2 of 2 saved certificates" in err
    assert "LEFT OUT  Sam Carer: Basic life support and first aid: The provider has revoked" in err
    assert "Wrote 1 training record (1 left out)" in err
    assert output.read_bytes().decode() == from_page  # the same code path, the same file
    assert main(["verifier", "export-asc-wds", "--organisation", "Nobody",
                 "-o", str(output)]) == 1
    assert "no organisation called 'Nobody'" in capsys.readouterr().err


def test_the_check_result_names_the_asc_wds_category(make_service, world):
    report = make_service().check(world.credentials["valid"]).credentials[0]
    assert ("ASC-WDS training category", "15: Assisting and moving people") in report.details
