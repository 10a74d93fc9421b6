"""Reflow (WCAG 2.2 SC 1.4.10): at 320 px nothing is wider than the screen except a labelled
region meant to scroll — with every <details> opened, on the pages test_every_page.py does not
reach: the verifier's result for a whole shared passport and for one certificate (pages a form
leads to), the wallet's public share page and a new share link, an issuer's import result, and
every page past that crawl's 45-page cap (one or two of each kind: records, training, staff).

Only widths are measured here, so the crawl is quick; axe-core runs on the result pages, which
test_every_page.py cannot reach.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urldefrag, urlsplit

import pytest

from passport_cli.demo_scene import EMPLOYER, PASSWORD, PROVIDERS, WORKER
from tests.support.browser import axe_violations, launch

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTH = 320
NOT_PAGES = (".pdf", ".csv", ".json", ".zip", ".jwt", ".png", ".svg", "/sign-out", "/download",
             "/export", "/language", "/static/", "/assets/", "/govuk/", "/vendor/", "/shared/")
SIGN_IN = {  # service: (login, label of the login field, start pages)
    "issuer": (PROVIDERS["northfield"]["user"], "Email address", ["/dashboard", "/register"]),
    "wallet": (WORKER["login"], "Email address or user name", ["/record", "/shares"]),
    "verifier": (EMPLOYER["user"], "Email address", ["/", "/matrix", "/matrix/print"]),
}
# Whatever is wider than the screen, outside a region that scrolls on purpose: elements and
# runs of text (a long URL overflows its paragraph without widening the paragraph's box).
WIDE = """width => {
  const found = [], inRegion = node => node.closest('[role=region][tabindex="0"]');
  for (const element of document.body.querySelectorAll('*')) {
    if (!inRegion(element) && element.getBoundingClientRect().right > width + 0.5)
      found.push(element.tagName.toLowerCase() + '.' + element.className);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!inRegion(node.parentElement) && range.getBoundingClientRect().right > width + 0.5)
      found.push('text: ' + node.textContent.trim().slice(0, 60));
  }
  return found.slice(0, 5);
}"""


def overflow(page) -> dict | None:
    """None if the page fits WIDTH with every <details> open; else what sticks out."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= WIDTH:
        return None
    return {"width": width, "wide": page.evaluate(WIDE, WIDTH)}


def kind(path: str) -> str:
    """/records/3f2a…/renew and /records/9bc1…/renew are the same kind of page."""
    return re.sub(r"/(?:[0-9a-f]{16,}|[0-9]+|[A-Za-z0-9_-]{20,})(?=/|$)", "/*", path)


def crawl(page, base: str, starts: list[str], problems: dict) -> int:
    queue, seen, kinds = [base + path for path in starts], set(), {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or kinds.get(kind(path), 0) >= 2:
            continue
        seen.add(url)
        kinds[kind(path)] = kinds.get(kind(path), 0) + 1
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if found := overflow(page):
            problems[path] = found
        for href in page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)"):
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if (f"{parts.scheme}://{parts.netloc}" == base and link not in seen
                    and not any(marker in parts.path for marker in NOT_PAGES)
                    and not parts.path.startswith("/s/")):
                queue.append(link)
    return len(seen)


def sign_in(browser, base: str, service: str, language: str = "en"):
    login, label, _starts = SIGN_IN[service]
    context = browser.new_context(viewport={"width": WIDTH, "height": 700})
    context.add_cookies([{"name": "lang", "value": language, "url": base}])
    page = context.new_page()
    page.goto(base + "/sign-in")
    page.locator("input[type=email], input[type=text]").first.fill(login)
    page.locator("input[type=password]").first.fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    return page


def check(page, base: str, payload: str) -> None:
    page.goto(base + "/")
    page.fill("#payload", payload)
    with page.expect_navigation():
        page.locator("form:has(#payload) button[type=submit]").click()


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_every_page_fits_320px_with_its_details_open(scene, service):
    from playwright.sync_api import sync_playwright

    scene, _details, _clock = scene
    base = scene.url(service)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = sign_in(browser, base, service)
            problems: dict = {}
            pages = crawl(page, base, SIGN_IN[service][2], problems)
        finally:
            browser.close()
    assert pages >= 10, pages
    assert problems == {}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_verifier_results_fit_320px(scene, language):
    """A whole shared passport (13 certificates, status lists at long localhost URLs) and one
    revoked certificate, as the manager who can save them, in English and in Welsh."""
    from playwright.sync_api import sync_playwright

    scene, details, _clock = scene
    base = scene.url("verifier")
    single = scene.service("issuer").issuance.credential_document(details["revoked_record"],
                                                                  "ldp_vc")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = sign_in(browser, base, "verifier", language)
            check(page, base, details["share_url"])
            assert page.locator(".verifier-credential").count() >= 10
            assert page.locator("select[name=staff_id]").count() >= 10  # "save to a record"
            assert overflow(page) is None
            assert axe_violations(page) == []
            check(page, base, json.dumps(single))
            assert page.locator(".verifier-credential").count() == 1
            assert overflow(page) is None
            assert axe_violations(page) == []
            # the stacked "Every check" rows are still a table to assistive technology
            table = page.get_by_role("table", name="Every check" if language == "en" else None)
            assert table.first.get_by_role("rowheader").count() >= 4
        finally:
            browser.close()


def test_pages_behind_forms_fit_320px(scene, tmp_path):
    """The wallet's public share page (the certificates are encrypted in its link) and a new
    share link; an issuer's import result whose errors quote long unbroken text."""
    from playwright.sync_api import sync_playwright

    scene, details, _clock = scene
    csv_file = tmp_path / "completions.csv"
    csv_file.write_text(
        "name,email,course,completed\n"
        "Ŵyn Ŷr Ówen,wyn@example.org,moving-and-handling,2026-01-05\n"
        f"{'Long' * 40},not-an-email-{'x' * 80},no-such-course-{'y' * 80},yesterday\n",
        encoding="utf-8")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            public = browser.new_page(viewport={"width": WIDTH, "height": 700})
            public.goto(details["share_url"])
            assert public.get_by_role("heading", name="A shared training record").is_visible()
            assert overflow(public) is None

            wallet = sign_in(browser, scene.url("wallet"), "wallet")
            wallet.goto(scene.url("wallet") + "/share")
            with wallet.expect_navigation():
                wallet.locator("main form button[type=submit]").last.click()
            assert "/s/" in wallet.content()
            assert overflow(wallet) is None

            issuer = sign_in(browser, scene.url("issuer"), "issuer")
            issuer.goto(scene.url("issuer") + "/import")
            issuer.set_input_files("#file", str(csv_file))
            with issuer.expect_navigation():
                issuer.locator("form:has(#file) button[type=submit]").click()
            assert "/import/" in issuer.url, issuer.url
            assert overflow(issuer) is None
        finally:
            browser.close()
