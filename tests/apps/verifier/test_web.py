"""The verifier's pages over a real database (SQLite and PostgreSQL): checking, accounts, staff
records, the training matrix, re-checking, trust entries — and who may see and change what."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from verifier_world import NOW, PROVIDER, REVOCATION_LIST, FakeNetwork

from passport_vc.fetch import ChainFetcher, StaticFetcher
from passport_vc.issue import issue_credential
from passport_vc.status import list_credential, new_list, set_status
from passport_web.passwords import hash_password
from verifier import storage
from verifier.accounts import ensure_organisation
from verifier.service import VerifierService

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def password_hash():
    return hash_password(PASSWORD)


@pytest.fixture
def app(make_app, database_url, password_hash):
    app = make_app(database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    state = app.extensions["verifier"]
    # Users are inserted with one pre-computed Argon2 hash: hashing per test is slow, and
    # add_user itself is tested below through the team page and the CLI.
    with state.db.transaction() as session:
        for organisation, email, role in (("Sunny Care", "manager@sunny.example", "manager"),
                                          ("Sunny Care", "viewer@sunny.example", "viewer"),
                                          ("Other Care", "manager@other.example", "manager")):
            organisation_id = ensure_organisation(session, organisation, NOW)
            session.execute(insert(storage.users).values(
                organisation_id=organisation_id, email=email, name=email.split("@")[0],
                role=role, password_hash=password_hash, failures=0, created_at=NOW))
    yield app
    state.db.dispose()


@pytest.fixture
def anon_app(make_app, sqlite_url):
    """For pages that store nothing: SQLite only."""
    app = make_app(sqlite_url)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def sign_in(app, email):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    return client


def count(app, table) -> int:
    with app.extensions["verifier"].db.reading() as session:
        return session.execute(select(func.count()).select_from(table)).scalar()


def check_id_of(response) -> str:
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def add_staff(client, name="Sam Carer") -> int:
    response = client.post("/staff", data={"name": name, "job_title": "Care worker"})
    assert response.status_code == 303
    page = client.get("/staff").get_data(as_text=True)
    return int(re.search(r'href="/staff/(\d+)">' + re.escape(name), page).group(1))


# --- checking ---------------------------------------------------------------------------------
def test_scan_page_offers_camera_photo_and_paste(anon_app):
    page = anon_app.test_client().get("/").get_data(as_text=True)
    assert 'id="camera-section" hidden' in page
    assert 'name="photo" type="file"' in page
    assert 'name="payload"' in page
    assert "/static/scan.js" in page
    assert "<script>" not in page and 'style="' not in page


def test_anonymous_check_shows_the_result_and_keeps_nothing(anon_app, world):
    response = anon_app.test_client().post(
        "/check", data={"form": "payload", "payload": json.dumps(world.credentials["valid"])})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l" id="result-heading" tabindex="-1">Result: Valid</h1>' \
        in page
    assert 'role="status"' in page
    assert "Moving and handling of people" in page and "1 June 2027" in page
    assert "<details" in page and PROVIDER + "#key-1" in page
    assert count(anon_app, storage.checks) == 0


@pytest.mark.parametrize("name, words", [
    ("revoked", "Revoked"), ("expired", "Expired"), ("altered", "Not genuine"),
    ("unknown-provider", "Provider not recognised"),
    ("status-unknown", "Could not check if revoked"), ("due-soon", "due for refresh soon")])
def test_result_page_words_for_each_verdict(anon_app, world, name, words):
    page = anon_app.test_client().post("/check", data={
        "payload": json.dumps(world.credentials[name])}).get_data(as_text=True)
    assert f"Result: {words}" in page or words in page.split("</h1>")[0]
    assert "verdict-icon" in page  # an icon as well as words, not colour alone


@pytest.mark.parametrize("data, status, message", [
    ({"form": "payload", "payload": ""}, 400, "Paste the link"),
    ({"form": "payload", "payload": "nonsense"}, 400, "This is not a credential"),
    ({"form": "payload", "payload": "https://evil.example/s/1#k"}, 400,
     "not a wallet this service is set up to trust"),
    ({"form": "payload", "payload": "openid-credential-offer://?credential_offer_uri=x"}, 400,
     "for the worker&#39;s wallet app"),
    ({"form": "photo"}, 400, "Choose a photo"),
])
def test_bad_input_is_a_clear_error_and_changes_nothing(app, data, status, message):
    client = sign_in(app, "manager@sunny.example")
    response = client.post("/check", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    assert count(app, storage.checks) == 0


def test_garbage_photo_and_oversized_file_are_refused(anon_app):
    client = anon_app.test_client()
    response = client.post("/check", data={"form": "photo", "photo": (io.BytesIO(b"not an image"),
                                                                     "qr.jpg")})
    assert response.status_code == 400
    assert "not a photo we can read" in response.get_data(as_text=True)
    big = io.BytesIO(b"{" + b" " * 600_000 + b"}")
    response = client.post("/check", data={"form": "credential_file",
                                           "credential_file": (big, "credential.json")})
    assert response.status_code == 400
    assert "larger than 512 KB" in response.get_data(as_text=True)


def test_credential_file_upload(anon_app, world):
    upload = io.BytesIO(json.dumps(world.credentials["valid"]).encode())
    response = anon_app.test_client().post("/check", data={
        "form": "credential_file", "credential_file": (upload, "certificate.json")})
    assert response.status_code == 200
    assert "Result: Valid" in response.get_data(as_text=True)


def test_photo_upload_of_a_paper_qr(anon_app, world):
    from passport_vc.qr import encode_compact, qr_png

    photo = io.BytesIO(qr_png(encode_compact(world.credentials["expired"]), box_size=4))
    response = anon_app.test_client().post("/check", data={"form": "photo",
                                                      "photo": (photo, "photo.png")})
    assert response.status_code == 200
    assert "Result: Expired" in response.get_data(as_text=True)


# --- signed-in: save to a staff member, matrix ------------------------------------------------
def test_manager_saves_a_check_to_a_staff_record_and_sees_the_matrix(app, world):
    client = sign_in(app, "manager@sunny.example")
    staff_id = add_staff(client)
    presentation = json.dumps(world.presentation(["valid", "expired", "care-certificate"]))
    check_id = check_id_of(client.post("/check", data={"payload": presentation}))
    page = client.get(f"/checks/{check_id}").get_data(as_text=True)
    assert "Save to record" in page and "Sam Carer" in page
    for index in (0, 1, 2):
        response = client.post(f"/checks/{check_id}/save",
                               data={"credential": str(index), "staff_id": str(staff_id)})
        assert response.status_code == 303
    again = client.post(f"/checks/{check_id}/save", data={"credential": "0",
                                                          "staff_id": str(staff_id)})
    assert again.status_code == 409
    assert count(app, storage.records) == 3
    record_page = client.get(f"/staff/{staff_id}").get_data(as_text=True)
    assert "Moving and handling of people" in record_page and "Medication" in record_page

    matrix = client.get("/matrix").get_data(as_text=True)
    assert "Training matrix" in matrix
    rows = list(csv.reader(io.StringIO(client.get("/matrix.csv").get_data(as_text=True))))
    assert rows[0] == ["Staff member", "Job title", "Topic", "Status", "Completed", "Due",
                       "Note"]
    by_topic = {row[2]: row for row in rows[1:]}
    assert by_topic["Moving and handling of people"][3:6] == ["Valid", "2026-06-01",
                                                              "2027-06-01"]
    assert by_topic["Medication"][3] == "Expired"
    assert by_topic["Care Certificate"][3] == "Valid"
    assert by_topic["Fire safety"][3] == "Missing"
    printable = client.get("/matrix/print")
    assert printable.status_code == 200
    assert "Training matrix: Sunny Care" in printable.get_data(as_text=True)


def test_matrix_uses_the_employers_refresh_interval(app, world):
    client = sign_in(app, "manager@sunny.example")
    staff_id = add_staff(client)
    check_id = check_id_of(client.post("/check", data={
        "payload": json.dumps(world.credentials["valid"])}))
    client.post(f"/checks/{check_id}/save", data={"credential": "0", "staff_id": str(staff_id)})
    bad = client.post("/settings/topics", data={"required-moving-and-handling": "yes",
                                                "months-moving-and-handling": "0"})
    assert bad.status_code == 400
    assert "from 1 to 120" in bad.get_data(as_text=True)
    # Employer policy: refresh moving and handling every 6 months, and drop fire safety.
    form = {"required-moving-and-handling": "yes", "months-moving-and-handling": "6",
            "required-medication": "yes", "months-medication": "12"}
    assert client.post("/settings/topics", data=form).status_code == 303
    rows = list(csv.reader(io.StringIO(client.get("/matrix.csv").get_data(as_text=True))))
    assert [row[2] for row in rows[1:]] == ["Moving and handling of people", "Medication"]
    assert rows[1][3:6] == ["Due soon", "2026-06-01", "2026-12-01"]


def test_recheck_highlights_a_revocation(app, world):
    client = sign_in(app, "manager@sunny.example")
    staff_id = add_staff(client)
    check_id = check_id_of(client.post("/check", data={
        "payload": json.dumps(world.credentials["valid"])}))
    client.post(f"/checks/{check_id}/save", data={"credential": "0", "staff_id": str(staff_id)})
    # The provider revokes it: its entry is index 10 on the revocation list.
    index = int(world.credentials["valid"]["credentialStatus"][0]["statusListIndex"])
    bits = new_list()
    set_status(bits, index, 1)
    newer = issue_credential(list_credential(REVOCATION_LIST, PROVIDER, "revocation", bits,
                                             valid_from=datetime(2026, 11, 1, tzinfo=UTC)),
                             world.provider_key, clock=world.clock)
    fetcher = ChainFetcher(StaticFetcher({REVOCATION_LIST: newer}, fetched_at=NOW),
                           world.fetcher())
    state = app.extensions["verifier"]
    state.service = VerifierService(state.db, state.config, FakeNetwork(world, fetcher),
                                    state.service.trust)
    response = client.post("/records/recheck")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Changed since the last check" in page
    assert "now “Revoked” (was valid)" in page
    record_page = client.get(f"/staff/{staff_id}").get_data(as_text=True)
    assert "Changed at the last re-check (was valid)" in record_page
    rows = list(csv.reader(io.StringIO(client.get("/matrix.csv").get_data(as_text=True))))
    assert {row[2]: row[3] for row in rows[1:]}["Moving and handling of people"] == "Missing"


def test_local_trust_entry_recognises_a_provider_for_that_organisation_only(app, world):
    client = sign_in(app, "manager@sunny.example")
    bad = client.post("/trust", data={"did": "not a did", "name": "X",
                                      "recognised_for": "local"})
    assert bad.status_code == 400 and "starts with did:" in bad.get_data(as_text=True)
    response = client.post("/trust", data={"did": world.stranger_key.controller,
                                           "name": "Unheard Of Training",
                                           "recognised_for": "in-house", "note": "Our trainer"})
    assert response.status_code == 303
    assert "Unheard Of Training" in client.get("/trust").get_data(as_text=True)
    payload = {"payload": json.dumps(world.credentials["unknown-provider"])}
    mine = client.get(f"/checks/{check_id_of(client.post('/check', data=payload))}")
    assert "Result: Valid" in mine.get_data(as_text=True)
    other = sign_in(app, "manager@other.example")
    theirs = other.get(f"/checks/{check_id_of(other.post('/check', data=payload))}")
    assert "Result: Provider not recognised" in theirs.get_data(as_text=True)


# --- access rules -----------------------------------------------------------------------------
def test_other_organisations_records_are_not_found(app, world):
    owner = sign_in(app, "manager@sunny.example")
    staff_id = add_staff(owner)
    check_id = check_id_of(owner.post("/check", data={
        "payload": json.dumps(world.credentials["valid"])}))
    owner.post(f"/checks/{check_id}/save", data={"credential": "0", "staff_id": str(staff_id)})
    with app.extensions["verifier"].db.reading() as session:
        record_id = session.execute(select(storage.records.c.id)).scalar()
    other = sign_in(app, "manager@other.example")
    assert other.get(f"/checks/{check_id}").status_code == 404
    assert other.get(f"/staff/{staff_id}").status_code == 404
    assert other.post(f"/checks/{check_id}/save", data={"credential": "0",
                                                        "staff_id": str(staff_id)}).status_code \
        == 404
    assert other.post(f"/records/{record_id}/delete").status_code == 404
    # the other organisation's own check cannot be saved to this organisation's staff
    their_check = check_id_of(other.post("/check", data={
        "payload": json.dumps(world.credentials["valid"])}))
    assert other.post(f"/checks/{their_check}/save", data={
        "credential": "0", "staff_id": str(staff_id)}).status_code == 404
    assert "Sam Carer" not in other.get("/matrix").get_data(as_text=True)
    assert count(app, storage.records) == 1


def test_viewers_can_read_but_not_change(app, world):
    manager = sign_in(app, "manager@sunny.example")
    staff_id = add_staff(manager)
    viewer = sign_in(app, "viewer@sunny.example")
    check_id = check_id_of(viewer.post("/check", data={
        "payload": json.dumps(world.credentials["valid"])}))
    assert "Save to record" not in viewer.get(f"/checks/{check_id}").get_data(as_text=True)
    assert viewer.get(f"/staff/{staff_id}").status_code == 200
    assert viewer.get("/matrix").status_code == 200
    for path, data in ((f"/checks/{check_id}/save", {"credential": "0",
                                                     "staff_id": str(staff_id)}),
                       ("/staff", {"name": "New"}), ("/records/recheck", {}),
                       ("/trust", {"did": "did:web:x.example", "name": "X",
                                   "recognised_for": "local"}),
                       ("/settings/topics", {}), ("/team", {})):
        assert viewer.post(path, data=data).status_code == 403, path
    assert count(app, storage.records) == 0
    assert count(app, storage.trust_entries) == 0


def test_pages_need_sign_in(app):
    client = app.test_client()
    for path in ("/staff", "/matrix", "/matrix.csv", "/trust", "/team", "/settings/topics",
                 "/checks/abc"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- accounts ---------------------------------------------------------------------------------
def test_sign_in_errors_and_throttling(app):
    client = app.test_client()
    empty = client.post("/sign-in", data={"email": "", "password": ""})
    assert empty.status_code == 400 and "Enter your email address" in empty.get_data(as_text=True)
    for _ in range(5):
        wrong = client.post("/sign-in", data={"email": "manager@sunny.example",
                                              "password": "wrong password"})
        assert "not right" in wrong.get_data(as_text=True)
    locked = client.post("/sign-in", data={"email": "manager@sunny.example",
                                           "password": PASSWORD})
    assert locked.status_code == 429 and "too many attempts to sign in from here" in \
        locked.get_data(as_text=True)
    # Guessing from one place does not lock the manager out from their own computer.
    elsewhere = app.test_client().post("/sign-in", data={"email": "manager@sunny.example",
                                                          "password": PASSWORD},
                                       environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 303


def test_sign_in_goes_back_only_to_local_pages(app):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "manager@sunny.example",
                                             "password": PASSWORD,
                                             "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_manager_adds_a_viewer(app):
    client = sign_in(app, "manager@sunny.example")
    bad = client.post("/team", data={"email": "nope", "name": "", "role": "boss",
                                     "password": "x"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "correct format" in text and "Choose manager or viewer" in text
    taken = client.post("/team", data={"email": "viewer@sunny.example", "name": "V",
                                       "role": "viewer", "password": PASSWORD})
    assert taken.status_code == 400 and "already an account" in taken.get_data(as_text=True)
    assert client.post("/team", data={"email": "new@sunny.example", "name": "New Person",
                                      "role": "viewer", "password": PASSWORD}).status_code == 303
    assert sign_in(app, "new@sunny.example").get("/staff").status_code == 200
    client.post("/sign-out")
    assert client.get("/staff").status_code == 302


def test_csrf_is_required_on_forms(make_app, sqlite_url, world):
    app = make_app(sqlite_url)
    response = app.test_client().post("/check", data={
        "payload": json.dumps(world.credentials["valid"])})
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)


def test_sd_jwt_vc_result_page_says_what_the_worker_showed(anon_app, world):
    from passport_vc.keys import PrivateKey
    from passport_vc.sd_jwt_vc import issue_sd_jwt_vc, present_sd_jwt_vc

    holder = PrivateKey.generate("Ed25519")
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    unsigned["evidence"] = [{"type": ["Evidence"], "narrative": "Observed moving a person"}]
    token = issue_sd_jwt_vc(unsigned, world.provider_key, holder.public_key, clock=world.clock)
    shared = present_sd_jwt_vc(token, ["evidence"], signer=holder, nonce="n",
                               audience="https://employer.example", clock=world.clock)
    response = anon_app.test_client().post("/check", data={"form": "payload",
                                                           "payload": shared})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Result: Valid" in page and "Moving and handling of people" in page
    assert "SD-JWT credential" in page
    assert "Shown by the worker" in page and "Evidence" in page
    assert "1 optional detail" in page and "Sam Carer" not in page


@pytest.mark.parametrize("how", ["paste", "photo"])
def test_learner_credential_wallet_vp1_qr_is_read(anon_app, how):
    """VP1- text made by Digital Bazaar's vpqr (tests/vectors/vpqr/make_fixture.py)."""
    from pathlib import Path

    from passport_vc.qr import qr_png

    fixture = json.loads((Path(__file__).parents[2] / "vectors" / "vpqr" / "fixture.json")
                         .read_text(encoding="utf-8"))
    text = fixture["qr"]["cbor-ld-1.0/base45"]["text"]
    if how == "paste":
        data = {"form": "payload", "payload": text}
    else:
        data = {"form": "photo", "photo": (io.BytesIO(qr_png(text, box_size=4)), "lcw.png")}
    response = anon_app.test_client().post("/check", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:3000]
    # genuine, but its did:key provider is not on this employer's list
    assert "Result: Provider not recognised" in page
    assert "Moving and handling of people" in page and "Northfield Care Training" in page


def test_open_badges_2_badge_gets_the_older_format_verdict(anon_app, world):
    from support.ob2 import ob2_site

    site = ob2_site()
    badges = (json.dumps(site.hosted()), site.signed())  # published before the fetcher copies
    app = anon_app
    state = app.extensions["verifier"]
    network = FakeNetwork(world, ChainFetcher(StaticFetcher(site.documents, clock=world.clock),
                                              world.fetcher()))
    state.service = VerifierService(state.db, state.config, network, state.service.trust)
    for given in badges:
        page = app.test_client().post("/check", data={"form": "payload", "payload": given})
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Result: Older format – checked with the provider&#39;s website" in text
        assert "Infection prevention and control" in text
        assert "Open Badges 2.0 badge (older format" in text


def test_baked_svg_badge_upload_gets_the_older_format_verdict(anon_app, world):
    from support.ob2 import baked_svg, ob2_site

    site = ob2_site()
    token = site.signed()
    state = anon_app.extensions["verifier"]
    network = FakeNetwork(world, ChainFetcher(StaticFetcher(site.documents, clock=world.clock),
                                              world.fetcher()))
    state.service = VerifierService(state.db, state.config, network, state.service.trust)
    upload = io.BytesIO(baked_svg(token))
    response = anon_app.test_client().post("/check", data={
        "form": "credential_file", "credential_file": (upload, "badge.svg")})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Result: Older format" in text and "signed with a key the provider" in text
