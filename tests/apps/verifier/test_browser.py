"""Real browser: the scan page reads a paper QR from a FAKE CAMERA (a .y4m video rendered from a
real signed credential) with zxing-wasm in the page and shows the verdict; the photo upload
path; and axe-core finds no serious or critical accessibility problems."""

from __future__ import annotations

import pytest
from support.browser import axe_violations, launch
from support.camera import HEIGHT, qr_picture, write_y4m
from support.live import live_server

from passport_vc.qr import encode_compact

pytestmark = pytest.mark.browser

def paper_qr(credential: dict, box_size: int):
    return qr_picture(encode_compact(credential), box_size)


def sp1_paper_qr(credential: dict, box_size: int):
    """A code printed before SP2 (zlib without the preset dictionary): still read."""
    import json
    import zlib

    import base45

    minified = json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode()
    text = "SP1:" + base45.b45encode(zlib.compress(b"J" + minified, 9)).decode()
    return qr_picture(text, box_size)


@pytest.fixture
def server(make_app, sqlite_url):
    with live_server(make_app(sqlite_url)) as base:
        yield base


def _learner_credential_wallet_qr():
    """VP1- text made by Digital Bazaar's vpqr (tests/vectors/vpqr/make_fixture.py)."""
    import json
    from pathlib import Path

    fixture = json.loads((Path(__file__).parents[2] / "vectors" / "vpqr" / "fixture.json")
                         .read_text(encoding="utf-8"))
    return qr_picture(fixture["qr"]["cbor-ld-1.0/base45"]["text"], 4)


@pytest.mark.parametrize(("code_for", "verdict", "course"), [
    (lambda world: paper_qr(world.credentials["due-soon"], box_size=5),
     "Result: Valid – due for refresh soon", "Fire safety"),
    (lambda world: sp1_paper_qr(world.credentials["due-soon"], box_size=4),
     "Result: Valid – due for refresh soon", "Fire safety"),
    # genuine, but its did:key provider is not on this employer's list
    (lambda _world: _learner_credential_wallet_qr(), "Result: Provider not recognised",
     "Moving and handling of people"),
], ids=["SP2", "SP1", "VP1"])
def test_fake_camera_scan_shows_the_verdict(server, world, tmp_path, code_for, verdict, course):
    from playwright.sync_api import sync_playwright

    code = code_for(world)
    assert code.height < HEIGHT
    video = tmp_path / "camera.y4m"
    write_y4m(video, code)
    with sync_playwright() as playwright:
        browser = launch(playwright, extra_args=[
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.goto(server + "/")
            assert page.locator("#camera-section").is_visible()
            assert axe_violations(page) == []
            page.get_by_role("button", name="Start camera").click()
            page.wait_for_url("**/check", timeout=30_000)
            heading = page.locator("#result-heading")
            assert heading.inner_text() == verdict
            # the heading has focus, so a screen reader announces the verdict
            assert page.evaluate("document.activeElement.id") == "result-heading"
            assert page.get_by_text(course).first.is_visible()
            assert axe_violations(page) == []
        finally:
            browser.close()


def test_photo_upload_and_small_screen(server, world, tmp_path):
    from playwright.sync_api import sync_playwright

    photo = tmp_path / "photo.png"
    paper_qr(world.credentials["revoked"], box_size=4).save(photo)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            page.goto(server + "/")
            # 320 px wide: nothing forces sideways scrolling
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.set_input_files("#photo", str(photo))
            page.get_by_role("button", name="Check the photo").click()
            page.wait_for_load_state()
            assert page.locator("#result-heading").inner_text() == "Result: Revoked"
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.get_by_text("Technical details of this certificate").click()
            assert page.get_by_text("Revoked or suspended").first.is_visible()
            assert axe_violations(page) == []
            # a bad paste shows the error summary, still accessible
            page.goto(server + "/")
            page.fill("#payload", "nonsense")
            page.get_by_role("button", name="Check", exact=True).click()
            assert page.get_by_text("There is a problem").is_visible()
            assert axe_violations(page) == []
        finally:
            browser.close()


def test_employer_pages_are_accessible(make_app, sqlite_url, world):
    from playwright.sync_api import sync_playwright

    from verifier.accounts import add_user
    from verifier.records import add_staff, save_record

    app = make_app(sqlite_url)
    state = app.extensions["verifier"]
    user = add_user(state.db, organisation="Sunny Care", email="m@sunny.example",
                    name="Pat Manager", role="manager", password="a long password",
                    clock=world.clock)
    staff_id = add_staff(state.db, user.organisation_id, "Sam Carer", "Care worker", world.clock)
    for name in ("valid", "expired"):
        report = state.service.check(world.credentials[name]).credentials[0]
        save_record(state.db, user.organisation_id, user.id, staff_id, report, world.clock)
    with live_server(app) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(base + "/sign-in")
            assert axe_violations(page) == []
            page.fill("#email", "m@sunny.example")
            page.fill("#password", "a long password")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/")
            for path, text in (("/staff", "Sam Carer"), (f"/staff/{staff_id}", "Medication"),
                               ("/matrix", "Expired"), ("/matrix/print", "Training matrix"),
                               ("/settings/topics", "Fire safety"),
                               ("/trust", "Example Care Training Ltd"), ("/team", "Pat Manager")):
                page.goto(base + path)
                assert page.get_by_text(text).first.is_visible(), path
                assert axe_violations(page) == [], path
        finally:
            browser.close()


def test_check_code_pages_are_accessible(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            page.goto(server + "/request")
            assert axe_violations(page) == []
            page.get_by_role("button", name="Make a check code").click()
            assert page.locator("#check-code").inner_text()
            assert axe_violations(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.get_by_role("link", name="Scan the worker's QR code").click()
            assert page.locator("#request-code-note").is_visible()
            assert axe_violations(page) == []
        finally:
            browser.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_results_reflow_at_320px(server, world, language):
    """WCAG 1.4.10: a presentation of seven certificates (each verdict, so every kind of message
    in "Every check", some quoting DIDs) and a single certificate fit a 320 px screen with their
    technical details open; "Every check" stacks but stays a table to assistive technology."""
    import json

    from playwright.sync_api import sync_playwright

    several = world.presentation(["valid", "expired", "revoked", "unknown-provider",
                                  "status-unknown", "someone-else", "care-certificate"])
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 320, "height": 640})
            context.add_cookies([{"name": "lang", "value": language, "url": server}])
            page = context.new_page()
            for payload, count in ((several, 7), (world.credentials["valid"], 1)):
                page.goto(server + "/")
                page.fill("#payload", json.dumps(payload))
                with page.expect_navigation():
                    page.locator("form:has(#payload) button[type=submit]").click()
                assert page.locator(".verifier-credential").count() == count
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                assert page.evaluate("document.documentElement.scrollWidth") <= 320
                tables = page.get_by_role("table")
                assert tables.count() == count
                assert tables.first.get_by_role("rowheader").count() >= 5
                assert tables.first.get_by_role("columnheader").count() == 3
                assert axe_violations(page) == []
            # wide screens keep the ordinary table, with the repeated labels hidden
            page.set_viewport_size({"width": 1024, "height": 800})
            assert page.evaluate("getComputedStyle(document.querySelector('.verifier-checks "
                                 "tbody tr')).display") == "table-row"
            assert not page.locator(".verifier-checks__label").first.is_visible()
        finally:
            browser.close()
