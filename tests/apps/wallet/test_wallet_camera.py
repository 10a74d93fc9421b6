"""Issue 4: the wallet's "Add training" page scans a QR code with the camera (zxing-wasm in the
page, wallet/static/wallet/scan.js), fed by Chromium's FAKE CAMERA playing a .y4m video of a real
QR code (tests/support/camera.py).

- a paper certificate's SP2 QR goes to the paste flow and the credential lands in the record;
- an OpenID4VCI offer link QR from the real issuer app (on a loopback port) goes to the offer
  flow, so the transaction-code prompt still appears, and the credential lands in the record;
- with a camera showing no QR code: the live region says what happens, Stop camera works from
  the keyboard, the page fits 320 px and axe-core finds no serious or critical problems;
- without JavaScript the camera section stays hidden (the other forms work as before).
"""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image
from support.browser import axe_violations, launch
from support.camera import HEIGHT, camera_args, qr_picture, write_y4m
from support.live import free_port, live_server
from wallet_support import PASSWORD, sign_in

from passport_vc.qr import encode_compact
from passport_web.network import NetworkSettings
from wallet import create_app
from wallet.config import WalletConfig

SCAN_TIMEOUT = 15_000  # ms: the first frame waits for the .wasm to compile


def fits(page, width: int = 320) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def sign_in_page(page, base: str, login: str = "amina") -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email address or user name").fill(login)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, page.content()[:500]


def camera_video(tmp_path, text: str | None, box_size: int = 5):
    picture = qr_picture(text, box_size) if text else Image.new("RGB", (200, 200), "white")
    assert picture.height < HEIGHT
    return write_y4m(tmp_path / "camera.y4m", picture)


@pytest.mark.browser
def test_scanning_a_paper_certificate_adds_it(sqlite_app, provider, tmp_path):
    from playwright.sync_api import sync_playwright

    credential, _ = provider.issue("moving-and-handling")
    video = camera_video(tmp_path, encode_compact(credential))
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    with live_server(sqlite_app) as base, sync_playwright() as playwright:
        browser = launch(playwright, extra_args=camera_args(video))
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            sign_in_page(page, base)
            page.goto(base + "/add")
            assert page.locator("#camera-section").is_visible()
            assert axe_violations(page) == []
            page.get_by_role("button", name="Start camera").click()
            page.wait_for_url("**/record", timeout=SCAN_TIMEOUT)
            assert page.get_by_text("Moving and handling of people was added to your record"
                                    ).is_visible()
            assert page.get_by_text("Moving and handling of people").first.is_visible()
        finally:
            browser.close()
    assert [(entry.title, entry.provider_name, entry.state)
            for entry in service.entries(account.id)] == [
        ("Moving and handling of people", "Care Skills Ltd", "valid")]


@pytest.mark.browser
def test_scanning_an_offer_link_asks_for_the_code_then_adds_it(tmp_path, clock):
    from playwright.sync_api import sync_playwright

    from issuer import create_app as issuer_app
    from issuer.config import IssuerConfig

    port = free_port()
    issuer_base = f"http://localhost:{port}"
    issuer = issuer_app(IssuerConfig.for_tests(f"sqlite:///{tmp_path / 'issuer.db'}", tmp_path,
                                               clock=clock, public_url=issuer_base))
    provider = issuer.extensions["issuer"]
    provider.providers.create_provider("Care Skills Ltd", "care-skills")
    record = provider.issuance.issue("care-skills", "moving-and-handling",
                                     subject_name="Amina Okafor",
                            completed=date(2026, 3, 2))
    offer = provider.delivery.create_offer(record.id, with_tx_code=True)
    assert offer.uri.startswith("openid-credential-offer://") and offer.tx_code
    video = camera_video(tmp_path, offer.uri)
    wallet = create_app(WalletConfig.for_tests(
        f"sqlite:///{tmp_path / 'wallet.db'}", clock=clock,
        network=NetworkSettings(http_hosts=frozenset({f"localhost:{port}"}))))
    service = wallet.extensions["wallet"]
    service.create_account("amina", PASSWORD, "Amina Okafor")
    try:
        with live_server(issuer, port=port), live_server(wallet) as base, \
                sync_playwright() as playwright:
            browser = launch(playwright, extra_args=camera_args(video))
            try:
                page = browser.new_page(viewport={"width": 320, "height": 640})
                sign_in_page(page, base)
                page.goto(base + "/add")
                assert fits(page)
                page.get_by_role("button", name="Start camera").click()
                # the offer went to the offer form: the issuer asked for the transaction code
                page.wait_for_url("**/add/offer", timeout=SCAN_TIMEOUT)
                assert page.get_by_role("heading", name="Enter the code for this offer"
                                        ).is_visible()
                assert axe_violations(page) == []
                page.get_by_label("Code").fill(offer.tx_code)
                page.get_by_role("button", name="Get my certificate").click()
                page.wait_for_url("**/record")
                assert page.get_by_text("Moving and handling of people was added to your "
                                        "record").is_visible()
                assert fits(page)
            finally:
                browser.close()
    finally:
        service.db.dispose()
        provider.db.dispose()


@pytest.mark.browser
def test_camera_controls_speak_stop_and_fit_a_small_screen(sqlite_app, tmp_path):
    from playwright.sync_api import sync_playwright

    video = camera_video(tmp_path, None)
    sqlite_app.extensions["wallet"].create_account("amina", PASSWORD, "Amina Okafor")
    with live_server(sqlite_app) as base, sync_playwright() as playwright:
        browser = launch(playwright, extra_args=camera_args(video))
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            sign_in_page(page, base)
            page.goto(base + "/add")
            status = page.locator("#camera-message")
            assert status.get_attribute("role") == "status"
            start = page.get_by_role("button", name="Start camera")
            stop = page.locator("#camera-stop")
            assert start.is_visible() and not stop.is_visible()
            start.focus()
            page.keyboard.press("Enter")
            page.get_by_text("Camera on. Hold the QR code").wait_for(timeout=SCAN_TIMEOUT)
            assert page.locator("#camera-video").is_visible()
            assert stop.is_visible() and not start.is_visible()
            # the focused button was hidden, so focus moved to the one that replaced it
            assert page.evaluate("document.activeElement.id") == "camera-stop"
            assert fits(page)
            assert axe_violations(page) == []
            page.keyboard.press("Enter")
            assert status.inner_text() == "Camera stopped."
            assert not page.locator("#camera-video").is_visible()
            assert start.is_visible() and not stop.is_visible()
            assert page.evaluate("document.activeElement.id") == "camera-start"
            assert page.url.endswith("/add")  # nothing was submitted

            plain = browser.new_context(java_script_enabled=False).new_page()
            sign_in_page(plain, base)
            plain.goto(base + "/add")
            assert plain.locator("#camera-section").count() == 1
            assert not plain.locator("#camera-section").is_visible()
            assert plain.get_by_label("Certificate text").is_visible()
        finally:
            browser.close()


def test_add_page_hides_the_camera_section_until_scripts_show_it(sqlite_app):
    sqlite_app.extensions["wallet"].create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    page = client.get("/add").get_data(as_text=True)
    assert 'id="camera-section" class="govuk-!-margin-bottom-6" hidden' in page
    assert 'action="/add/offer" id="camera-offer-form"' in page
    assert 'action="/add/text" id="camera-text-form"' in page
    assert "/static/wallet/scan.js" in page
