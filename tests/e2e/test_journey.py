"""The whole journey across the three real services, over HTTP, in headless Chromium.

A provider signs in and issues a credential with an OpenID4VCI offer → the worker signs in to
the wallet and accepts it → the worker makes an interview QR → the verifier page reads that QR
from a FAKE CAMERA and says "Valid" → the provider revokes → the verifier says "Revoked".
Second path: the worker's paper passport PDF is rendered to an image, a credential QR is
decoded from it and verified offline with a trust bundle made by `passport verifier bundle`.
axe-core runs on every page the journey visits.
"""

from __future__ import annotations

import io
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from passport_cli.demo_scene import PASSWORD, PROVIDERS, WORKER
from passport_cli.main import main as passport
from tests.support.browser import axe_violations, launch
from tests.support.camera import camera_args, qr_picture, write_y4m

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _checked(page, where: str) -> None:
    problems = axe_violations(page)
    assert problems == [], f"{where}: {problems}"


def _sign_in(page, base: str, login: str, login_label: str) -> None:
    page.goto(base + "/sign-in")
    _checked(page, "sign in")
    page.get_by_label(login_label).fill(login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def _scan_with_fake_camera(playwright, verifier: str, text: str, video: Path) -> str:
    write_y4m(video, qr_picture(text, box_size=6))
    browser = launch(playwright, extra_args=camera_args(video))
    try:
        page = browser.new_page(viewport={"width": 1024, "height": 800})
        page.goto(verifier + "/")
        _checked(page, "verifier scan page")
        page.get_by_role("button", name="Start camera").click()
        page.wait_for_url("**/check", timeout=30_000)
        _checked(page, "verifier result page")
        return page.locator("#result-heading").inner_text()
    finally:
        browser.close()


def test_issue_accept_share_scan_revoke(scene, tmp_path):
    from playwright.sync_api import sync_playwright

    scene, _details, clock = scene
    issuer, wallet, verifier = (scene.url(n) for n in ("issuer", "wallet", "verifier"))
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            # 1. The provider issues a credential and makes an offer for the wallet.
            provider = browser.new_context().new_page()
            _sign_in(provider, issuer, PROVIDERS["northfield"]["user"], "Email address")
            provider.wait_for_url("**/dashboard")
            _checked(provider, "issuer dashboard")
            provider.get_by_role("link", name="Issue a credential to one worker").click()
            _checked(provider, "issue form")
            provider.get_by_label("Course").select_option("communication")
            provider.get_by_label("Worker's full name").fill(WORKER["name"])
            provider.get_by_label("Day").fill(str(yesterday.day))
            provider.get_by_label("Month").fill(str(yesterday.month))
            provider.get_by_label("Year").fill(str(yesterday.year))
            provider.get_by_role("button", name="Issue credential").click()
            provider.wait_for_url("**/records/*")
            record_url = provider.url
            provider.get_by_role("button", name="Make an offer for the wallet").click()
            provider.wait_for_url("**/records/*")
            _checked(provider, "issuer record with offer")
            offer = provider.get_by_label("Link to the offer").input_value()
            assert offer.startswith("openid-credential-offer://")

            # 2. The worker accepts the offer in the wallet.
            worker = browser.new_context().new_page()
            _sign_in(worker, wallet, WORKER["login"], "Email address or user name")
            worker.goto(wallet + "/add")
            _checked(worker, "wallet add page")
            worker.get_by_label("Offer link").fill(offer)
            worker.get_by_role("button", name="Get my certificate").click()
            worker.wait_for_url("**/record")
            _checked(worker, "wallet record")
            assert worker.get_by_text("Communication").first.is_visible()

            # 3. The worker makes an interview QR for just that credential.
            worker.goto(wallet + "/share")
            _checked(worker, "wallet share page")
            worker.get_by_label("Only the training I choose below").check()
            worker.get_by_label("Communication", exact=False).first.check()
            worker.get_by_role("button", name="Make QR code and link").click()
            assert worker.get_by_role("img", name="Interview QR code").is_visible()
            _checked(worker, "wallet interview QR")
            link = worker.locator("#share-link").get_attribute("href")
            assert link.startswith(wallet + "/s/") and "#" in link

            # 4. The employer's verifier page reads the QR from a camera: valid.
            heading = _scan_with_fake_camera(playwright, verifier, link, tmp_path / "a.y4m")
            assert heading == "Result: Valid"

            # 5. The provider revokes; once the verifier's cached list is stale, it says so.
            provider.goto(record_url)
            provider.check("input[name=action][value=revoke]")
            provider.get_by_label("Reason").fill("Issued to the wrong person")
            provider.get_by_role("button", name="Change status").click()
            provider.wait_for_load_state()
            _checked(provider, "issuer record after revoking")
            clock.offset = timedelta(minutes=6)
            heading = _scan_with_fake_camera(playwright, verifier, link, tmp_path / "b.y4m")
            assert heading == "Result: Revoked"
        finally:
            browser.close()


def test_paper_passport_verifies_offline(scene, tmp_path):
    import zxingcpp
    from PIL import Image
    from playwright.sync_api import sync_playwright

    scene, _details, _clock = scene
    wallet = scene.url("wallet")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            _sign_in(page, wallet, WORKER["login"], "Email address or user name")
            page.goto(wallet + "/paper")
            _checked(page, "wallet paper passport page")
            with page.expect_download() as download:
                page.get_by_role("link", name="Download", exact=False).first.click()
            pdf = tmp_path / "passport.pdf"
            download.value.save_as(pdf)
        finally:
            browser.close()
    # every page after the summary: which credential lands on which page depends on QR sizes
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "2", str(pdf),
                    str(tmp_path / "page")], check=True)
    # QR codes only: zxing may also "find" a 1D barcode in a QR code's modules
    qr_only = zxingcpp.BarcodeFormat.QRCode
    texts = [code.text for page in sorted(tmp_path.glob("page*.png"))
             for code in zxingcpp.read_barcodes(Image.open(page), formats=qr_only)
             if code.text.startswith("SP2:")]
    assert texts, "no credential QR code found on the paper passport"

    issuer_state = scene.apps["issuer"].extensions["issuer"]
    bundle = tmp_path / "bundle.json"
    args = ["verifier", "bundle", "--trust-list", str(scene.data / "trust-list.json"),
            "-o", str(bundle)]
    for slug in ("northfield", "careskills"):  # both providers' credentials are on the paper
        args += ["--did", issuer_state.providers.provider(slug).did,
                 "--status-url", issuer_state.status.status_list_url(slug, "message", 1)]
    import os

    os.environ["PASSPORT_HTTP_HOSTS"] = ",".join(f"localhost:{p}" for p in scene.ports.values())
    try:
        assert passport(args) == 0
    finally:
        del os.environ["PASSPORT_HTTP_HOSTS"]
    # --offline reads everything from the bundle (no network, even though the servers run).
    # Every QR on the page is checked: the genuine, current ones verify; the rest must say
    # exactly why not (the journey above revoked one; the scene has an expired one).
    passport_cli = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "passport")
    verified, refused = 0, []
    for number, text in enumerate(texts):
        (tmp_path / f"qr{number}.txt").write_text(text)
        result = subprocess.run([passport_cli, "verify", str(tmp_path / f"qr{number}.txt"),
                                 "--offline", str(bundle)], capture_output=True, text=True,
                                timeout=120)
        assert "Trust bundle made" in result.stdout, result.stdout + result.stderr
        if result.returncode == 0:
            assert result.stdout.strip().endswith("VERIFIED")
            verified += 1
        else:
            refused.append(result.stdout)
            assert any(word in result.stdout for word in ("revoked", "expired")), result.stdout
    assert verified >= 1, "\n---\n".join(refused)
    assert json.loads(io.StringIO(bundle.read_text()).read())["did_documents"]


def test_the_seeded_wallet_shows_every_state(scene):
    """The demo's revoked credential is shown revoked (the wallet re-checked with the provider
    after the revocation, not from its 5-minute cache), and the other states are all there."""
    scene, details, _clock = scene
    wallet = scene.service("wallet")
    states = {entry.title: entry.state for entry in wallet.entries(details["account_id"])}
    assert states["Basic life support and first aid"] == "revoked"
    assert states["Moving and handling of people"] == "due-soon"
    assert states["Fire safety"] == "expired"
    assert list(states.values()).count("valid") >= 6


def test_cli_verifies_a_demo_credential_over_http_only_when_told_to(scene, tmp_path, monkeypatch,
                                                                    capsys):
    """`passport verify` fetches did:web documents and status lists from the running issuer;
    plain http to localhost only for the hosts named in PASSPORT_HTTP_HOSTS (as the demo says)."""
    scene, _details, _clock = scene
    issuer = scene.service("issuer")
    # in date, active
    record = issuer.register.search("northfield", course="safeguarding-adults")[0]
    (tmp_path / "cred.json").write_text(json.dumps(issuer.issuance.credential_document(record.id)))
    monkeypatch.delenv("PASSPORT_HTTP_HOSTS", raising=False)
    assert passport(["verify", str(tmp_path / "cred.json")]) == 1
    assert "private or local network address" in capsys.readouterr().out
    monkeypatch.setenv("PASSPORT_HTTP_HOSTS", scene._http_hosts())
    code = passport(["verify", str(tmp_path / "cred.json")])
    out = capsys.readouterr().out
    assert "[   PASS] Signature" in out and "[   PASS] Issuer's key" in out
    assert code == 0 and out.strip().endswith("VERIFIED")
