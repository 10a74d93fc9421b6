"""Real browser (headless Chromium): sign up, add a certificate, open the record and its
details, create an interview QR; axe-core finds no serious or critical problems on any of those
pages, and the pages fit a 320 px wide screen."""

from __future__ import annotations

import json

import pytest
from support.browser import axe_violations, launch
from support.live import live_server

pytestmark = pytest.mark.browser


def fits(page, width: int = 320) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_sign_up_record_and_interview_qr(sqlite_app, provider):
    from playwright.sync_api import sync_playwright

    document, index = provider.issue("moving-and-handling")
    revoked, other = provider.issue("medication")
    provider.set("revocation", other)
    with live_server(sqlite_app) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.goto(base + "/")
            assert axe_violations(page) == []
            page.get_by_role("link", name="Create an account").first.click()
            page.get_by_label("Full name").fill("Amina Okafor")
            page.get_by_label("Email address or user name").fill("amina@example.com")
            page.get_by_label("Create a password").fill("correct horse battery")
            page.get_by_role("button", name="Show password").click()  # JS enhancement works
            assert page.get_by_label("Create a password").get_attribute("type") == "text"
            assert axe_violations(page) == []
            page.get_by_role("button", name="Create account").click()
            assert page.locator("#recovery-codes li").count() == 10
            assert axe_violations(page) == []
            page.get_by_role("link", name="go to my training record").click()

            page.goto(base + "/add")
            assert axe_violations(page) == []
            for item in (document, revoked):
                page.get_by_label("Certificate text").fill(json.dumps(item))
                page.get_by_role("button", name="Add certificate").click()
                page.wait_for_url("**/record")
                page.goto(base + "/add")
            page.goto(base + "/record")
            assert page.get_by_role("heading", name="Your training record").is_visible()
            assert page.locator(".govuk-tag", has_text="Revoked").first.is_visible()
            assert axe_violations(page) == []
            page.get_by_role("link", name="Details of Moving and handling of people").click()
            assert page.locator("svg.qr-code").is_visible()
            assert axe_violations(page) == []

            page.goto(base + "/share")
            assert axe_violations(page) == []
            page.get_by_role("button", name="Make QR code and link").click()
            assert page.get_by_role("heading", name="Your interview QR code").is_visible()
            assert page.get_by_role("img", name="Interview QR code").is_visible()
            link = page.locator("#share-link").get_attribute("href")
            assert "/s/" in link and "#" in link
            assert axe_violations(page) == []

            page.set_viewport_size({"width": 320, "height": 640})
            for path in ("/record", "/share", "/add", "/account"):
                page.goto(base + path)
                assert fits(page), path
        finally:
            browser.close()
