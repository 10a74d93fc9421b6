"""Pages for provider staff through the Flask test client: sign-in, issuing, the record page,
status changes, the register, bulk upload, keys and tokens; and isolation between providers."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

FORM = {"course": "fire-safety", "subject_name": "Sam Taylor", "subject_email": "",
        "completed-day": "2", "completed-month": "1", "completed-year": "2026",
        "assessment_method": "Observed practice", "delivery_mode": "", "hours": "3",
        "evidence": "", "holder_did": ""}


def _record_id(response) -> str:
    match = re.search(r"/records/([0-9a-f]{32})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_pages_need_sign_in(client, acme):
    for path in ("/dashboard", "/issue", "/register", "/import", "/keys", "/api-tokens",
                 "/records/0123456789abcdef0123456789abcdef"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/").headers["Location"].endswith("/sign-in")


def test_sign_in_failures_are_plain_and_throttled(client, service, acme):
    service.access.create_user("acme", "ann@acme.example", "correct horse battery")
    wrong = client.post("/sign-in", data={"email": "ann@acme.example", "password": "nope"})
    assert wrong.status_code == 400
    assert b"The email address or password is not right" in wrong.data
    assert b"govuk-error-summary" in wrong.data
    for _ in range(5):
        client.post("/sign-in", data={"email": "ann@acme.example", "password": "nope"})
    locked = client.post("/sign-in", data={"email": "ann@acme.example",
                                           "password": "correct horse battery"})
    assert locked.status_code == 429 and b"too many attempts" in locked.data
    # The guesses came from one place: Ann's own computer (another address) still gets in.
    ann = client.application.test_client()
    own = ann.post("/sign-in", data={"email": "ann@acme.example",
                                     "password": "correct horse battery"},
                   environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert own.status_code == 302


def test_issue_flow_record_page_and_downloads(client, service, acme, login, verifier):
    login(client, "acme", "ann@acme.example")
    page = client.get("/issue")
    assert page.status_code == 200 and b"Moving and handling of people" in page.data
    response = client.post("/issue", data=FORM)
    assert response.status_code == 302
    record_id = _record_id(response)
    record_page = client.get(f"/records/{record_id}")
    assert b"Sam Taylor" in record_page.data and b"Credential issued to Sam Taylor" in \
        record_page.data
    assert b"style=" not in record_page.data and b"<script>" not in record_page.data

    offered = client.post(f"/records/{record_id}/offer", data={"tx_code": "yes"})
    assert offered.status_code == 302
    with_offer = client.get(f"/records/{record_id}").data.decode()
    assert "openid-credential-offer://?credential_offer_uri=" in with_offer
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in with_offer and 'role="img"' in with_offer
    assert re.search(r"this code separately[^:]*: \d{6}", with_offer)

    as_json = client.get(f"/records/{record_id}/credential.json")
    assert as_json.headers["Content-Disposition"].startswith("attachment")
    assert verifier.verify_credential(as_json.json).verified
    as_jwt = client.get(f"/records/{record_id}/credential.jwt")
    assert verifier.verify_credential(as_jwt.data.decode()).verified
    pdf = client.get(f"/records/{record_id}/certificate.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert b"/Count 1" in pdf.data  # one page


def test_certificate_qr_holds_the_whole_credential(service, acme, verifier):
    import zxingcpp
    from PIL import Image

    from issuer.certificate import MIN_QR_MM, QR_MM, certificate_qr
    from passport_vc.qr import MAX_PAPER_VERSION, decode_compact, qr_matrix_version

    record = service.issuance.issue("acme", "care-certificate-standard-10",
                                    subject_name="Sam Taylor",
                           completed=date(2026, 1, 2), hours=6,
                           assessment_method="Observed practice")
    payload, png = certificate_qr(record)
    # SP2 (preset dictionary) keeps it well inside the paper limit; the largest credential the
    # issuer can write is pinned in test_issuer_paper_qr.py
    assert payload.startswith("SP2:")
    assert QR_MM >= MIN_QR_MM and qr_matrix_version(payload) <= MAX_PAPER_VERSION
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)),
                                       formats=zxingcpp.BarcodeFormat.QRCode)
    assert decoded.text == payload
    assert verifier.verify_credential(decode_compact(decoded.text)).verified


def test_issue_form_errors_change_nothing(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    cases = [({"course": ""}, b"Choose a course from the list"),
             ({"subject_name": " "}, b"Enter the worker"),
             ({"completed-day": ""}, b"including a day, month and year"),
             ({"completed-month": "13"}, b"must be a real date"),
             ({"completed-year": "2031"}, b"today or in the past"),
             ({"hours": "many"}, b"The hours must be a number"),
             ({"subject_email": "sam@"}, b"correct format")]
    for change, message in cases:
        response = client.post("/issue", data={**FORM, **change})
        assert response.status_code == 400, change
        assert message in response.data and b"govuk-error-summary" in response.data
        assert b"<title>Error:" in response.data
    assert service.register.counts("acme")["total"] == 0


def test_status_changes_with_reasons(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    record_id = _record_id(client.post("/issue", data=FORM))
    missing = client.post(f"/records/{record_id}/status", data={"action": "revoke"})
    assert missing.status_code == 400 and b"Enter the reason" in missing.data
    bogus = client.post(f"/records/{record_id}/status", data={"action": "delete",
                                                              "reason": "x"})
    assert bogus.status_code == 400
    assert service.register.record(record_id).state == "active"
    client.post(f"/records/{record_id}/status", data={"action": "suspend",
                                                      "reason": "Checking it"})
    assert service.register.record(record_id).state == "suspended"
    client.post(f"/records/{record_id}/status", data={"action": "reinstate", "reason": ""})
    assert service.register.record(record_id).state == "active"
    client.post(f"/records/{record_id}/status", data={"action": "revoke",
                                                      "reason": "Wrong person"})
    revoked = service.register.record(record_id)
    assert revoked.state == "revoked" and revoked.reason == "Wrong person"
    page = client.get(f"/records/{record_id}").data
    assert b"Revoked" in page and b"Wrong person" in page


def test_correct_a_credential(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    record_id = _record_id(client.post("/issue", data=FORM))
    form = client.get(f"/records/{record_id}/correct")
    assert b'value="Sam Taylor"' in form.data
    response = client.post(f"/records/{record_id}/correct",
                           data={**FORM, "subject_name": "Sam Tailor"})
    new_id = _record_id(response)
    assert new_id != record_id
    assert service.register.record(record_id).state == "replaced"
    assert service.register.record(new_id).replaces == record_id
    assert client.get(f"/records/{record_id}/correct").status_code == 404


def test_register_search_and_export(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor", completed=date(2026,
                                                                                            1, 2))
    service.issuance.issue("acme", "medication", subject_name="=cmd|' /C calc'!A0",
                  completed=date(2025, 1, 2))
    page = client.get("/register?q=taylor")
    assert b"Sam Taylor" in page.data and b"1 found" in page.data
    bad = client.get("/register?from=soon")
    assert bad.status_code == 400 and b"Enter a date like 2026-03-27" in bad.data
    export = client.get("/register.csv?course=medication")
    assert export.mimetype == "text/csv"
    lines = export.data.decode().splitlines()
    assert len(lines) == 2 and ",'=cmd" in lines[1]  # formula neutralised


def test_bulk_upload_page(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    assert client.get("/import/template.csv").data.startswith(b"name,email,course,completed")
    text = b"name,course,completed\nSam,fire-safety,2026-01-02\nKim,fire-safety,32/01/2026\n"
    response = client.post("/import", data={"file": (io.BytesIO(text), "cohort.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    result = client.get(response.headers["Location"])
    assert b"Rows with a problem" in result.data and b"Kim" in result.data
    batch = response.headers["Location"].rsplit("/", 1)[1]
    report = client.get(f"/import/{batch}/errors.csv").data.decode().splitlines()
    assert report[1].startswith("3,")
    no_file = client.post("/import", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 400 and b"Select a CSV file" in no_file.data
    wrong = client.post("/import", data={"file": (io.BytesIO(b"x"), "cohort.xlsx")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 400 and b"must be a CSV" in wrong.data
    columns = client.post("/import", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
                          content_type="multipart/form-data")
    assert columns.status_code == 400 and b"Missing: name, course, completed" in columns.data
    assert service.register.counts("acme")["total"] == 1


def test_keys_and_tokens_are_for_administrators(client, service, acme, login):
    login(client, "acme", "sam@acme.example", role="staff")
    assert client.get("/keys").status_code == 403
    assert client.post("/keys/rotate").status_code == 403
    assert client.get("/api-tokens").status_code == 403
    assert client.get("/issue").status_code == 200


def test_keys_page_rotates_and_removes(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    assert b"key-1" in client.get("/keys").data
    client.post("/keys/rotate")
    assert [key.state for key in service.providers.keys("acme")] == ["retired", "active"]
    client.post("/keys/remove", data={"vm_id": acme.did + "#key-1"})  # not confirmed
    assert service.providers.keys("acme")[0].state == "retired"
    client.post("/keys/remove", data={"vm_id": acme.did + "#key-1", "confirm": "yes"})
    assert service.providers.keys("acme")[0].state == "removed"
    did = client.get("/providers/acme/did.json")
    assert did.mimetype == "application/did+json"
    assert [m["id"] for m in did.json["verificationMethod"]] == [acme.did + "#key-2"]


def test_api_token_page_shows_the_secret_once(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    made = client.post("/api-tokens", data={"name": "Learning system"})
    secret = re.search(rb"spi_[A-Za-z0-9_-]{40,}", made.data).group(0).decode()
    assert service.access.provider_for_token(secret).slug == "acme"
    assert secret.encode() not in client.get("/api-tokens").data
    assert client.post("/api-tokens", data={"name": ""}).status_code == 400
    [token] = service.access.api_tokens_of("acme")
    client.post(f"/api-tokens/{token.id}/revoke")
    assert service.access.api_tokens_of("acme")[0].revoked_at is not None


@pytest.fixture
def two_providers(app, service, login):
    service.providers.create_provider("Acme Care Training", "acme")
    service.providers.create_provider("Other Org", "other")
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor",
                           completed=date(2026, 1, 2))
    intruder = app.test_client()
    login(intruder, "other", "eve@other.example")
    return record, intruder


def test_another_providers_staff_get_404_on_every_record_route(service, two_providers):
    record, intruder = two_providers
    base = f"/records/{record.id}"
    for path in (base, base + "/credential.json", base + "/credential.jwt",
                 base + "/certificate.pdf", base + "/correct"):
        assert intruder.get(path).status_code == 404, path
    for path, data in ((base + "/offer", {}), (base + "/status", {"action": "revoke",
                                                                  "reason": "mine now"}),
                       (base + "/correct", FORM)):
        assert intruder.post(path, data=data).status_code == 404, path
    assert b"Sam Taylor" not in intruder.get("/register?q=sam").data
    assert b"Sam Taylor" not in intruder.get("/register.csv").data
    assert service.register.record(record.id).state == "active"
    assert service.delivery.offers_for(record.id) == []


def test_imports_are_private_too(client, service, two_providers, login):
    _record, intruder = two_providers
    login(client, "acme", "ann@acme.example")
    response = client.post("/import", data={"file": (io.BytesIO(
        b"name,course,completed\nKim,fire-safety,bad\n"), "c.csv")},
        content_type="multipart/form-data")
    batch = response.headers["Location"].rsplit("/", 1)[1]
    assert intruder.get(f"/import/{batch}").status_code == 404
    assert intruder.get(f"/import/{batch}/errors.csv").status_code == 404


def test_sign_out(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    assert client.post("/sign-out").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_csrf_is_enforced_on_forms(config, service, acme):
    from issuer import create_app

    app = create_app(config)  # CSRF on, as deployed
    strict = app.test_client()
    service.access.create_user("acme", "ann@acme.example", "correct horse battery")
    response = strict.post("/sign-in", data={"email": "ann@acme.example",
                                             "password": "correct horse battery"})
    assert response.status_code == 400 and b"form had expired" in response.data
    app.extensions["issuer"].db.dispose()


@pytest.mark.parametrize("name", ["Ŵyn Ŷr Ówen", "Олена Коваленко"])
def test_certificate_pdf_prints_the_name_as_written(service, acme, tmp_path, name):
    """The certificate embeds a TrueType font (DejaVu Sans, Debian's fonts-dejavu-core), not a
    Latin-1 base-14 font: Welsh's ŵ and ŷ and a Cyrillic name come out of the PDF unchanged."""
    import subprocess

    from issuer.certificate import certificate_pdf

    record = service.issuance.issue("acme", "fire-safety", subject_name=name,
                                    completed=date(2026, 1, 2))
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf(record, service.providers.provider("acme")))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert f"This is to say that\n{name}\ncompleted" in text.replace("\n\n", "\n")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                           timeout=60).stdout.splitlines()[2:]
    assert fonts and all("DejaVuSans" in row and " yes yes yes " in f" {' '.join(row.split())} "
                         for row in fonts), fonts


def test_pdf_font_missing_stops_the_issuer_starting(monkeypatch, tmp_path, config):
    from issuer import create_app
    from passport_vc.errors import ConfigError

    monkeypatch.setenv("PASSPORT_PDF_FONT_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="fonts-dejavu-core"):
        create_app(config)
