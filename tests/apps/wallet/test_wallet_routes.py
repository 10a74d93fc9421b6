"""The wallet's pages over the Flask test client: sign-up/sign-in, every entry point with bad
input, the share address, and the authorization matrix (worker A vs worker B vs a helper vs
anonymous) over every route."""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from wallet_support import PASSWORD, csrf_token, post, sign_in

from passport_vc.qr import encode_compact, qr_png
from passport_vc.share_links import decrypt_shared
from wallet import storage


def rows(service, table) -> int:
    with service.db.reading() as session:
        return session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@pytest.fixture
def world(app, service, provider):
    """Worker A with a credential and a share; worker B; a helper A authorised (both scopes)."""
    a = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    b = service.create_account("sam", PASSWORD, "Sam Lee")
    helper = service.create_account("rita", PASSWORD, "Rita Manager")
    stored = service.add_credential(a.id, provider.issue("moving-and-handling")[0])
    share = service.create_share(a.id, [stored.id])
    grant = service.authorise_helper(a.id, "rita", scope="both", days=30)
    return {"a": a, "b": b, "helper": helper, "cid": stored.id, "sid": share.id,
            "gid": grant["id"], "share": share}


def routes(w: dict) -> list[tuple[str, str, str]]:
    """(method, path, need) for every route that reads or changes a worker's data."""
    cid, sid, gid = w["cid"], w["sid"], w["gid"]
    return [
        ("GET", "/record", "view"), ("GET", f"/training/{cid}", "view"),
        ("GET", f"/training/{cid}/download", "present"),
        ("GET", f"/training/{cid}/badge.png", "present"),
        ("GET", f"/training/{cid}/badge.svg", "present"),
        ("POST", f"/training/{cid}/check", "view"), ("POST", "/record/check", "view"),
        ("GET", f"/training/{cid}/remove", "owner"), ("POST", f"/training/{cid}/remove", "owner"),
        ("GET", "/add", "receive"), ("POST", "/add/text", "receive"),
        ("POST", "/add/offer", "receive"), ("POST", "/add/file", "receive"),
        ("POST", "/add/photo", "receive"),
        ("GET", "/share", "present"), ("POST", "/share", "present"),
        ("GET", "/shares", "present"), ("GET", f"/shares/{sid}", "present"),
        ("POST", f"/shares/{sid}/revoke", "present"),
        ("GET", "/paper", "present"), ("GET", "/paper/skills-passport.pdf", "present"),
        ("GET", "/export.zip", "present"),
        ("GET", "/backup", "owner"), ("POST", "/backup", "owner"), ("POST", "/restore", "owner"),
        ("GET", "/account", "owner"), ("POST", "/account/recovery-codes", "owner"),
        ("GET", "/activity", "owner"), ("GET", "/helpers", "owner"),
        ("POST", "/helpers", "owner"), ("POST", f"/helpers/{gid}/revoke", "owner"),
    ]


def call(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(client)})


OBJECT_ROUTES = ("/training/", "/shares/", "/helpers/")


# --- authorization matrix -------------------------------------------------------------------
def test_anonymous_is_sent_to_sign_in_on_every_route(app, world):
    client = app.test_client()
    for method, path, _ in routes(world):
        response = call(client, method, path)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response.headers["Location"].startswith("/sign-in"), (method, path)


def test_another_worker_gets_404_for_every_record_of_a(app, service, world):
    client = app.test_client()
    sign_in(client, "sam")
    for method, path, _ in routes(world):
        if path.startswith(OBJECT_ROUTES):
            response = call(client, method, path)
            assert response.status_code == 404, (method, path, response.status_code)
    page = client.get("/record").get_data(as_text=True)
    assert "Moving and handling" not in page and "Amina" not in page
    assert client.get("/shares").get_data(as_text=True).count("/shares/") == 0
    # A's data is unchanged by B's attempts
    assert len(service.entries(world["a"].id)) == 1
    assert service.shares(world["a"].id)[0].revoked_at is None
    assert service.helpers_of(world["a"].id)[0]["active"]
    # B cannot take over A's wallet by naming it either
    assert post(client, f"/helping/{world['a'].id}").status_code == 404


def test_helper_acts_only_within_the_grant_and_is_logged(app, service, world):
    client = app.test_client()
    sign_in(client, "rita")
    assert client.get(f"/training/{world['cid']}").status_code == 404  # not helping yet
    page = client.get("/helping").get_data(as_text=True)
    assert "Help Amina Okafor" in page
    assert post(client, f"/helping/{world['a'].id}").status_code == 302
    for method, path, need in routes(world):
        if method == "POST" and ("remove" in path or "revoke" in path or "/add/" in path
                                 or path in ("/share", "/record/check", "/restore",
                                             "/helpers", "/backup",
                                             "/account/recovery-codes")):
            continue  # changes are checked one by one below
        response = call(client, method, path)
        expected = 403 if need == "owner" else (200 if method == "GET" else 302)
        assert response.status_code == expected, (method, path, response.status_code)
    record = client.get("/record").get_data(as_text=True)
    assert "Amina Okafor’s training record" in record and "You are helping" in record
    response = post(client, "/share", {"what": "all-current", "hours": "24"})
    assert response.status_code == 200 and "/s/" in response.get_data(as_text=True)
    log = service.activity(world["a"].id)
    assert {"helper-viewed", "share-created"} <= {e["action"] for e in log
                                                 if e["actor_name"] == "Rita Manager"}
    # the worker stops the helper: the very next request is refused and the session reset
    service.revoke_helper(world["a"].id, world["gid"])
    assert client.get("/record").status_code == 404
    assert "Your training record" in client.get("/record").get_data(as_text=True)


def test_receive_only_helper_cannot_share(app, service, world):
    service.revoke_helper(world["a"].id, world["gid"])
    service.authorise_helper(world["a"].id, "rita", scope="receive", days=1)
    client = app.test_client()
    sign_in(client, "rita")
    post(client, f"/helping/{world['a'].id}")
    assert client.get("/add").status_code == 200
    assert client.get("/share").status_code == 403
    assert client.get(f"/training/{world['cid']}/download").status_code == 403
    assert post(client, "/share", {"what": "all-current", "hours": "24"}).status_code == 403
    assert post(client, "/helping/stop").status_code == 302
    assert "Your training record" in client.get("/record").get_data(as_text=True)


def test_owner_can_use_every_route(app, service, world):
    client = app.test_client()
    sign_in(client, "amina@example.com")
    for method, path, _ in routes(world):
        if method == "GET":
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
    assert post(client, f"/shares/{world['sid']}/revoke").status_code == 302
    assert service.shares(world["a"].id)[0].revoked_at is not None
    assert post(client, f"/helpers/{world['gid']}/revoke").status_code == 302
    assert post(client, f"/training/{world['cid']}/remove").status_code == 302
    assert service.entries(world["a"].id) == []


# --- accounts ---------------------------------------------------------------------------------
def test_sign_up_shows_recovery_codes_once_and_signs_in(sqlite_app):
    app = sqlite_app
    client = app.test_client()
    page = client.get("/sign-up").get_data(as_text=True)
    assert 'autocomplete="new-password"' in page and 'autocomplete="username"' in page
    assert "onpaste" not in page and "data-show-password" in page
    response = post(client, "/sign-up", {"name": "Amina Okafor", "login": "amina",
                                         "password": PASSWORD})
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    assert response.status_code == 200 and len(codes) == 10
    assert client.get("/record").status_code == 200
    assert post(client, "/sign-out").status_code == 302
    assert client.get("/record").status_code == 302
    response = post(client, "/recover", {"login": "amina", "code": codes[0],
                                         "password": "a new password here"})
    assert response.status_code == 302
    sign_in(app.test_client(), "amina", "a new password here")


@pytest.mark.parametrize("form, field", [
    ({"name": "", "login": "amina", "password": PASSWORD}, "name"),
    ({"name": "Amina", "login": "not an email@", "password": PASSWORD}, "login"),
    ({"name": "Amina", "login": "amina", "password": "short"}, "password"),
])
def test_sign_up_errors_are_shown_and_change_nothing(sqlite_app, form, field):
    service = sqlite_app.extensions["wallet"]
    client = sqlite_app.test_client()
    response = post(client, "/sign-up", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and f'href="#{field}"' in page
    assert page.count("<title>Error:") == 1
    assert rows(service, storage.accounts) == 0


def test_sign_in_failures_are_plain_and_throttled(sqlite_app):
    service = sqlite_app.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    for _ in range(5):
        response = post(client, "/sign-in", {"login": "amina", "password": "nope nope"})
        assert response.status_code == 401
        assert "password is not right" in response.get_data(as_text=True)
    response = post(client, "/sign-in", {"login": "amina", "password": PASSWORD})
    assert response.status_code == 429 and "recovery code" in response.get_data(as_text=True)


def test_forms_need_csrf_and_next_cannot_leave_the_site(sqlite_app):
    service = sqlite_app.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    assert client.post("/sign-in", data={"login": "amina", "password": PASSWORD}
                       ).status_code == 400
    response = post(client, "/sign-in", {"login": "amina", "password": PASSWORD,
                                         "next": "//evil.example/x"})
    assert response.headers["Location"] == "/record"


# --- receiving through the pages ------------------------------------------------------------
def test_add_pages_verify_and_report_plainly(sqlite_app, provider):
    app = sqlite_app
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    client = app.test_client()
    sign_in(client, "amina")
    page = client.get("/add").get_data(as_text=True)
    for label in ("Offer link", "Certificate file", "Photo of the QR code", "Certificate text"):
        assert label in page
    assert 'name="tx_code"' not in page
    document, _ = provider.issue("fire-safety")
    response = post(client, "/add/file", {"file": (io.BytesIO(json.dumps(document).encode()),
                                                   "fire.json")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Fire safety was added" in client.get("/record").get_data(as_text=True)
    response = post(client, "/add/text", {"text": json.dumps(document)})
    assert "already have Fire safety" in client.get("/record").get_data(as_text=True)
    token, _ = provider.issue_jwt("medication")
    image = io.BytesIO(qr_png(encode_compact(token), box_size=6))
    response = post(client, "/add/photo", {"photo": (image, "qr.png")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    assert [e.title for e in service.entries(account.id)] == ["Fire safety", "Medication"] or \
        sorted(e.title for e in service.entries(account.id)) == ["Fire safety", "Medication"]


@pytest.mark.parametrize("path, data, words", [
    ("/add/text", {"text": ""}, "Paste the certificate"),
    ("/add/text", {"text": "just some words"}, "This is not a credential"),
    ("/add/offer", {"offer": ""}, "Paste the offer link"),
    ("/add/offer", {"offer": "https://example.com/no-offer-here"}, "not a credential offer"),
    ("/add/file", {}, "Choose a certificate file"),
    ("/add/file", {"file": (io.BytesIO(b"\xff\xfe\x00"), "x.json")}, "not a certificate file"),
    ("/add/photo", {"photo": (io.BytesIO(b"not an image"), "x.jpg")}, "not a photo"),
    ("/add/photo", {"photo": "blank-png"}, "No QR code was found"),
])
def test_bad_input_on_every_add_entry_point(sqlite_app, path, data, words):
    from PIL import Image

    service = sqlite_app.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    if data.get("photo") == "blank-png":
        buffer = io.BytesIO()
        Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
        buffer.seek(0)
        data = {"photo": (buffer, "blank.png")}
    response = post(client, path, data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 422), (response.status_code, page[:300])
    assert words in page and "There is a problem" in page
    assert rows(service, storage.credentials) == 0


def test_forged_upload_is_refused_with_a_plain_reason(sqlite_app, provider):
    service = sqlite_app.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    document, _ = provider.issue()
    document["validUntil"] = "2030-01-01T00:00:00Z"
    response = post(client, "/add/text", {"text": json.dumps(document)})
    assert response.status_code == 422
    assert "it is not genuine" in response.get_data(as_text=True)
    assert rows(service, storage.credentials) == 0


# --- the record and details ---------------------------------------------------------------------
def test_record_page_shows_status_in_words_and_details_page(sqlite_app, provider):
    app = sqlite_app
    service = sqlite_app.extensions["wallet"]
    from datetime import date

    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    revoked, index = provider.issue("medication")
    provider.set("revocation", index)
    service.add_credential(account.id, revoked)
    service.add_credential(account.id, provider.issue("fire-safety",
                                                      completed=date(2025, 1, 1))[0])
    stored = service.add_credential(account.id, provider.issue("care-certificate")[0])
    client = app.test_client()
    sign_in(client, "amina")
    page = client.get("/record").get_data(as_text=True)
    for words in ("Care Certificate", "Mandatory training", "Qualifications", "Revoked",
                  "Expired", "Valid", "Care Skills Ltd", "Last checked", "24 November 2026"):
        assert words in page, words
    details = client.get(f"/training/{stored.id}").get_data(as_text=True)
    assert 'role="img"' in details and "Offline QR code" in details
    assert "Signature:</strong> passed" in details
    download = client.get(f"/training/{stored.id}/download")
    assert download.mimetype == "application/vc+ld+json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


# --- sharing through the pages and the public address -----------------------------------
def test_share_page_link_opens_only_with_its_fragment(app, service, provider, network):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    first = service.add_credential(account.id, provider.issue("fire-safety")[0])
    service.add_credential(account.id, provider.issue("medication")[0])
    client = app.test_client()
    sign_in(client, "amina")
    response = post(client, "/share", {"what": "chosen", "credentials": [first.id],
                                       "hours": "72", "label": "Interview at Rose Care"})
    page = response.get_data(as_text=True)
    link = re.search(r'id="share-link" href="([^"]+)"', page).group(1)
    assert 'class="qr-code"' in page and "Interview QR code" in page
    address, key = link.split("#")
    path = address.replace("http://localhost:5002", "")
    stranger = app.test_client()
    envelope = stranger.get(path, headers={"Accept": "application/json"})
    assert envelope.status_code == 200 and envelope.headers["Cache-Control"] == "no-store"
    presentation = decrypt_shared(envelope.get_json(), key)
    result = network.verifier().verify_presentation(presentation)
    assert result.verified and len(result.credentials) == 1
    assert result.credentials[0].document["name"] == "Fire safety"
    human = stranger.get(path)
    assert human.mimetype == "text/html" and "Skills Passport checker" in human.get_data(
        as_text=True)
    share_id = path.rsplit("/", 1)[1]
    detail = client.get(f"/shares/{share_id}").get_data(as_text=True)
    assert detail.count("– checked") == 1 and "the page was looked at" in detail
    assert post(client, f"/shares/{share_id}/revoke").status_code == 302
    gone = stranger.get(path, headers={"Accept": "application/json"})
    assert gone.status_code == 404 and gone.mimetype == "application/problem+json"
    assert "expired or been stopped" in gone.get_json()["detail"]
    assert stranger.get(path).status_code == 404
    assert stranger.get("/s/" + "x" * 500, headers={"Accept": "application/json"}
                        ).status_code == 404


def test_share_form_errors(sqlite_app, provider):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue()[0])
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    for data, words in [({"what": "chosen", "hours": "24"}, "Choose at least one"),
                        ({"what": "all-current", "hours": "soon"}, "how long"),
                        ({"what": "chosen", "credentials": ["f" * 32], "hours": "24"},
                         "no such training")]:
        response = post(client, "/share", data)
        assert response.status_code in (404, 422), data
        assert words in response.get_data(as_text=True)
    assert rows(service, storage.shares) == 0


# --- keeping ---------------------------------------------------------------------------------
def test_backup_download_and_restore_pages(sqlite_app, provider):
    app = sqlite_app
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue()[0])
    client = app.test_client()
    sign_in(client, "amina")
    mismatch = post(client, "/backup", {"passphrase": "three little words",
                                        "passphrase_again": "three little birds"})
    assert mismatch.status_code == 400 and "not the same" in mismatch.get_data(as_text=True)
    response = post(client, "/backup", {"passphrase": "three little words",
                                        "passphrase_again": "three little words"})
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    backup = response.data
    service.create_account("amina2", PASSWORD, "Amina Okafor")
    fresh = app.test_client()
    sign_in(fresh, "amina2")
    wrong = post(fresh, "/restore", {"backup": (io.BytesIO(backup), "b.json"),
                                     "restore_passphrase": "wrong words here"},
                 content_type="multipart/form-data")
    assert wrong.status_code == 422 and "passphrase does not open" in wrong.get_data(
        as_text=True)
    assert post(fresh, "/restore", {}, content_type="multipart/form-data").status_code == 422
    ok = post(fresh, "/restore", {"backup": (io.BytesIO(backup), "b.json"),
                                  "restore_passphrase": "three little words"},
              content_type="multipart/form-data")
    assert ok.status_code == 302
    assert "Moving and handling" in fresh.get("/record").get_data(as_text=True)


def test_helpers_page_errors_and_activity(sqlite_app):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.create_account("rita", PASSWORD, "Rita Manager")
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    for data, words in [({"helper": "", "scope": "both", "days": "30"}, "Enter your helper"),
                        ({"helper": "nobody", "scope": "both", "days": "30"}, "make one first"),
                        ({"helper": "rita", "scope": "everything", "days": "30"}, "Choose what"),
                        ({"helper": "rita", "scope": "both", "days": "forever"}, "how long")]:
        response = post(client, "/helpers", data)
        assert response.status_code == 422, data
        assert words in response.get_data(as_text=True)
    assert service.helpers_of(account.id) == []
    assert post(client, "/helpers", {"helper": "rita", "scope": "present", "days": "7"}
                ).status_code == 302
    activity = client.get("/activity").get_data(as_text=True)
    assert "let someone help" in activity and "Rita Manager may share my training" in activity
