"""Real browser: the verifier's home page in Welsh passes the same axe-core audit as in English,
at desktop width and at 320 px, and the header's language switch works by keyboard."""

from __future__ import annotations

import pytest
from support.browser import axe_violations, launch
from support.live import live_server

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_app, sqlite_url):
    with live_server(make_app(sqlite_url)) as base:
        yield base


@pytest.mark.parametrize("width", [1024, 320])
def test_home_page_in_welsh_is_as_accessible_as_in_english(server, width):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            english = browser.new_page(viewport={"width": width, "height": 800})
            english.goto(server + "/")
            assert english.locator("html").get_attribute("lang") == "en-GB"
            english_problems = axe_violations(english)

            welsh = browser.new_context(viewport={"width": width, "height": 800},
                                        locale="cy-GB").new_page()
            welsh.goto(server + "/")  # chosen by the browser's Accept-Language
            assert welsh.locator("html").get_attribute("lang") == "cy"
            assert welsh.get_by_role("heading", level=1).inner_text() == \
                "Gwirio tystysgrif hyfforddiant"
            assert axe_violations(welsh) == english_problems == []
            assert welsh.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            browser.close()


def test_language_switch_by_keyboard_is_remembered(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            page.goto(server + "/request")
            switch = page.locator("#language-switch")
            assert switch.inner_text() == "Cymraeg" and switch.get_attribute("lang") == "cy"
            switch.focus()
            page.keyboard.press("Enter")
            page.wait_for_url("**/request")
            assert page.locator("html").get_attribute("lang") == "cy"
            assert page.get_by_role("heading", level=1).inner_text() == \
                "Gofyn am gofnod wedi'i wneud ar gyfer y gwiriad hwn"
            page.goto(server + "/")  # remembered on the next page (cookie)
            assert page.locator("html").get_attribute("lang") == "cy"
            assert page.locator("#language-switch").inner_text() == "English"
            assert axe_violations(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
        finally:
            browser.close()


def test_camera_messages_from_javascript_are_in_welsh(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)  # no camera: starting it fails with a message
        try:
            page = browser.new_context(locale="cy-GB").new_page()
            page.goto(server + "/")
            page.get_by_role("button", name="Dechrau'r camera").click()
            message = page.locator("#camera-message")
            message.filter(has_text="Gallwch uwchlwytho llun o'r cod QR").wait_for(timeout=15_000)
            assert "You can upload" not in message.inner_text()
        finally:
            browser.close()
