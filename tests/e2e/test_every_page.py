"""Every page a person can reach in the demo — signed in as a provider, a worker and an
employer — meets WCAG 2.2 AA as far as axe-core can tell (no serious or critical violation) and
works on a 320 px wide phone screen without sideways scrolling.

The pages are found by following links from each service's start pages (same site, GET only,
no downloads), so a new page is checked without anyone adding it here.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest

from passport_cli.demo_scene import EMPLOYER, PASSWORD, PROVIDERS, WORKER
from tests.support.browser import axe_violations, launch

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MAX_PAGES = 45
NOT_PAGES = (".pdf", ".csv", ".json", ".zip", ".jwt", ".png", ".svg", "/sign-out", "/download",
             "/export",
             "/static/", "/assets/", "/govuk/", "/vendor/", "/shared/")

SIGN_IN = {  # service: (login, label of the login field, start pages)
    "issuer": (PROVIDERS["northfield"]["user"], "Email address", ["/dashboard"]),
    "wallet": (WORKER["login"], "Email address or user name", ["/record"]),
    "verifier": (EMPLOYER["user"], "Email address", ["/", "/request"]),
}


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href)[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        if any(marker in parts.path for marker in NOT_PAGES) or parts.path.startswith("/s/"):
            continue
        found.append(url)
    return found


def _crawl(page, base: str, starts: list[str]) -> dict[str, list]:
    queue, seen, problems = [base + path for path in starts], set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.set_viewport_size({"width": 320, "height": 700})
        issues = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            issues.append({"id": "reflow", "help": f"page is {width}px wide at 320px"})
        if response.status >= 500:
            issues.append({"id": "server-error", "help": str(response.status)})
        if issues:
            problems[urlsplit(url).path] = issues
        queue.extend(link for link in _links(page, base) if link not in seen)
    assert len(seen) >= 5, f"only {len(seen)} pages reached from {starts}"
    return problems


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_every_reachable_page_is_accessible_at_320px(scene, service):
    from playwright.sync_api import sync_playwright

    scene, _details, _clock = scene
    base = scene.url(service)
    login, label, starts = SIGN_IN[service]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.goto(base + "/sign-in")
            page.get_by_label(label).fill(login)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            problems = _crawl(page, base, starts)
        finally:
            browser.close()
    assert problems == {}
