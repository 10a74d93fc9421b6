"""Issue 13 items 4–6 across the three real services, in headless Chromium (axe on each page):
the demo sends Amina's due-soon reminder (and the employer's staff digest) to a real SMTP
server (aiosmtpd) and the wallet shows the refresher banner; the provider clicks "Issue
renewal" and the wallet shows the training as one line with its history; the employer makes a
check code and, before sharing, the wallet shows who is asking (Rosewood Care Home, a known
employer) and logs the share."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from passport_cli.demo_scene import EMPLOYER, PASSWORD, PROVIDERS, WORKER, DemoScene
from tests.support.browser import axe_violations, launch
from tests.support.live import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def mailing_scene(tmp_path_factory):
    ports = {name: free_port() for name in ("issuer", "wallet", "verifier")}
    scene = DemoScene(tmp_path_factory.mktemp("demo"), ports, mail_port=free_port())
    servers = scene.start_servers()
    try:
        details = scene.seed(progress=lambda _text: None)
        yield scene, details
    finally:
        for server in servers:
            server.stop()
        scene.mail_server.stop()


def _checked(page, where: str) -> None:
    problems = axe_violations(page)
    assert problems == [], f"{where}: {problems}"


def _sign_in(page, base: str, login: str, label: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label(label).fill(login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def test_the_demo_emails_aminas_due_soon_refresher(mailing_scene):
    scene, _details = mailing_scene
    first = scene.send_reminders()
    again = scene.send_reminders()  # the demo does this on every start: nothing twice
    assert (first.sent, again.sent, again.already_sent) == (1, 0, 1)
    [message] = scene.mail_server.messages
    assert message["To"] == WORKER["login"]
    assert message["Subject"] == "Your Moving and handling of people training runs out in 35 days"
    body = message.get_content()
    link = next(line for line in body.splitlines() if "/achievements/" in line).strip()
    assert link == f"{scene.url('issuer')}/providers/northfield/achievements/moving-and-handling"
    course = requests.get(link, timeout=10)
    assert course.status_code == 200 and "Book a refresher" in course.text
    assert WORKER["name"].split()[0] not in body
    staff = scene.send_staff_reminders()  # the employer's manager, about their staff
    assert (staff.sent, scene.send_staff_reminders().sent) == (1, 0)
    digest = scene.mail_server.messages[-1]
    assert digest["To"] == EMPLOYER["user"] and "Rosewood Care Home" in digest["Subject"]
    assert "Amina Okafor: Moving and handling of people" in digest.get_content()
    welcome = scene.welcome(_details)
    assert message["Subject"] in welcome and digest["Subject"] in welcome
    assert len(list(scene.mailbox.glob("*.eml"))) == 2


def test_banner_renewal_and_who_is_asking_in_the_browser(mailing_scene):
    from playwright.sync_api import sync_playwright

    scene, _details = mailing_scene
    issuer, wallet, verifier = (scene.url(name) for name in ("issuer", "wallet", "verifier"))
    record = scene.service("issuer").register.search("northfield",
                                                     course="moving-and-handling")[0]
    yesterday = date.today() - timedelta(days=1)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            # The worker sees the refresher due, with where to book it.
            worker = browser.new_context(viewport={"width": 320, "height": 900}).new_page()
            _sign_in(worker, wallet, WORKER["login"], "Email address or user name")
            worker.goto(wallet + "/record")
            banner = worker.locator("#refreshers")
            assert banner.is_visible()
            assert "Moving and handling of people runs out on" in banner.inner_text()
            assert banner.get_by_role("link", name="Book a refresher with Northfield College") \
                .get_attribute("href").endswith("/achievements/moving-and-handling")
            health = worker.locator(".govuk-summary-card", has_text="Health and safety")
            assert health.count() == 1  # the seeded renewal: one line, history under it
            health.get_by_text("Earlier completions (1)").click()
            assert health.get_by_role("link", name="Completed").is_visible()
            _checked(worker, "wallet record with refresher banner")

            # The provider issues the renewal; the worker takes it into the wallet.
            provider = browser.new_context().new_page()
            _sign_in(provider, issuer, PROVIDERS["northfield"]["user"], "Email address")
            provider.goto(f"{issuer}/records/{record.id}")
            provider.get_by_role("link", name="Issue renewal").click()
            _checked(provider, "issue renewal form")
            provider.get_by_label("Day").fill(str(yesterday.day))
            provider.get_by_label("Month").fill(str(yesterday.month))
            provider.get_by_label("Year").fill(str(yesterday.year))
            provider.get_by_role("button", name="Issue renewal").click()
            provider.wait_for_url("**/records/*")
            assert provider.get_by_text("Renews").is_visible()
            provider.get_by_role("button", name="Make an offer for the wallet").click()
            offer = provider.get_by_label("Link to the offer").input_value()
            worker.goto(wallet + "/add")
            worker.get_by_label("Offer link").fill(offer)
            worker.get_by_role("button", name="Get my certificate").click()
            worker.wait_for_url("**/record")
            moving = worker.locator(".govuk-summary-card", has_text="Moving and handling")
            assert moving.count() == 1 and "Earlier completions (1)" in moving.inner_text()
            assert worker.locator("#refreshers").count() == 0  # renewed: nothing due now
            _checked(worker, "wallet record after the renewal")

            # The employer asks with a check code; the wallet shows who is asking first.
            employer = browser.new_context().new_page()
            employer.goto(verifier + "/request")
            employer.get_by_role("button", name="Make a check code").click()
            code = employer.locator("#check-code").inner_text()
            domain = employer.locator("#check-domain").inner_text()
            worker.goto(wallet + "/share")
            worker.get_by_text("The employer gave me a code to include").click()
            worker.get_by_label("Employer's check code (challenge)").fill(code)
            worker.get_by_label("Employer's website (domain)").fill(domain)
            worker.get_by_role("button", name="Make QR code and link").click()
            panel = worker.locator("#who-is-asking")
            assert panel.is_visible()
            assert worker.locator("#asker-name").inner_text() == EMPLOYER["name"]
            assert worker.locator("#asker-known").inner_text() == "Yes"
            assert domain in worker.locator("#asker-host").inner_text()
            _checked(worker, "who is asking")
            worker.get_by_role("button", name=f"Share with {EMPLOYER['name']}").click()
            assert worker.get_by_role("img", name="Interview QR code").is_visible()
            worker.goto(wallet + "/activity")
            assert EMPLOYER["name"] in worker.locator("main").inner_text()
        finally:
            browser.close()
