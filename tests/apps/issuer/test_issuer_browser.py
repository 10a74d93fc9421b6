"""Real browser (headless Chromium): sign in, issue a credential through the form, open its
record page, make a wallet offer (QR), search the register. axe-core finds no serious or
critical problem on any page, and the pages fit a 320 px wide screen."""

from __future__ import annotations

import pytest

from issuer import create_app
from issuer.config import IssuerConfig
from tests.support.browser import axe_violations, launch
from tests.support.live import free_port, live_server

pytestmark = pytest.mark.browser


def fits(page, width: int = 320) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_issue_and_offer_in_a_browser(sqlite_url, tmp_path, clock):
    from playwright.sync_api import sync_playwright

    port = free_port()
    app = create_app(IssuerConfig.for_tests(sqlite_url, tmp_path, clock=clock,
                                            public_url=f"http://localhost:{port}"))
    service = app.extensions["issuer"]
    service.providers.create_provider("Acme Care Training", "acme")
    service.access.create_user("acme", "ann@acme.example", "correct horse battery")
    with live_server(app, port) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.goto(base + "/")
            assert page.title().startswith("Sign in")
            assert axe_violations(page) == []
            page.get_by_label("Email address").fill("ann@acme.example")
            page.get_by_label("Password").fill("correct horse battery")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dashboard")
            assert axe_violations(page) == []

            page.get_by_role("link", name="Issue a credential to one worker").click()
            page.get_by_role("button", name="Issue credential").click()  # empty: errors
            assert page.get_by_text("There is a problem").is_visible()
            assert page.title().startswith("Error:")
            assert axe_violations(page) == []
            page.get_by_label("Course").select_option("moving-and-handling")
            page.get_by_label("Worker's full name").fill("Sam Taylor")
            page.get_by_label("Day").fill("2")
            page.get_by_label("Month").fill("11")
            page.get_by_label("Year").fill("2026")
            page.get_by_label("Learning hours (optional)").fill("6")
            page.get_by_role("button", name="Issue credential").click()
            page.wait_for_url("**/records/*")
            assert page.get_by_role("heading", name="Moving and handling of people").is_visible()
            assert axe_violations(page) == []

            page.get_by_role("button", name="Make an offer for the wallet").click()
            page.wait_for_url("**/records/*")
            assert page.locator(".qr-code svg").is_visible()
            assert page.get_by_role("button", name="Copy link").is_visible()  # JS enhancement
            assert "openid-credential-offer://" in page.get_by_label(
                "Link to the offer").input_value()
            assert axe_violations(page) == []
            page.set_viewport_size({"width": 320, "height": 800})
            assert fits(page)

            page.goto(base + "/register?q=sam")
            assert page.get_by_role("link", name="Sam Taylor").is_visible()
            assert axe_violations(page) == []
            assert fits(page)
            page.goto(base + "/import")
            assert axe_violations(page) == []
            assert fits(page)
        finally:
            browser.close()
    service.db.dispose()
