"""The paper passport: an A4 PDF whose QR codes, printed at 150 dpi, scan back (zxing-cpp) into
credentials that verify with no change — the assisted-digital route (QR.md)."""

from __future__ import annotations

import subprocess
from datetime import date

import PIL.Image
import pytest
import zxingcpp
from wallet_support import PASSWORD

from passport_vc.qr import decode_compact


def test_paper_passport_qr_codes_scan_and_verify(sqlite_app, provider, network, tmp_path):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue("care-certificate")[0])
    service.add_credential(account.id, provider.issue_jwt("fire-safety")[0])
    service.add_credential(account.id, provider.issue("level-3-diploma-in-adult-care",
                                                      completed=date(2025, 7, 1))[0])
    pdf = service.paper_passport_pdf(account.id)
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "passport.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "passport.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    width, height = PIL.Image.open(pages[0]).size
    assert abs(width - 1240) <= 1 and abs(height - 1754) <= 1  # A4 at 150 dpi
    texts, sizes = [], []
    for page in pages:
        for found in zxingcpp.read_barcodes(PIL.Image.open(page),
                                            formats=zxingcpp.BarcodeFormat.QRCode):
            texts.append(found.text)
            sizes.append(found.position.top_right.x - found.position.top_left.x)
    assert len(texts) == 3 and all(text.startswith("SP2:") for text in texts)
    assert min(sizes) / 150 * 25.4 >= 50  # every code at least 50 mm wide on paper
    verifier = network.verifier()
    titles = set()
    for text in texts:
        result = verifier.verify_credential(text)
        assert result.verified, result.to_json()
        decoded = decode_compact(text)
        titles.add(result.document["name"] if isinstance(decoded, dict) else "jwt")
    assert titles == {"Care Certificate", "Level 3 Diploma in Adult Care", "jwt"}
    summary = subprocess.run(["pdftotext", str(tmp_path / "passport.pdf"), "-"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    for words in ("Training record: Amina Okafor", "Fire safety", "Care Skills Ltd",
                  "Valid until", account.did):
        assert words in summary, words


def test_empty_paper_passport_says_so(sqlite_app, tmp_path):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    (tmp_path / "empty.pdf").write_bytes(service.paper_passport_pdf(account.id))
    text = subprocess.run(["pdftotext", str(tmp_path / "empty.pdf"), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert "no training in this record yet" in text


# Welsh's ŵ and ŷ are not in Latin-1, so the base-14 fonts printed them as w and y; the others
# are names a care worker in the UK may well have.
NAMES = ["Ŵyn Ŷr Ówen", "Łukasz Wróblewski", "Ioana Ștefănescu", "Олена Коваленко",
         "Νίκος Παπαδόπουλος"]


def pdf_text(pdf: bytes, folder, name: str = "passport.pdf") -> str:
    (folder / name).write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(folder / name), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout


def embedded_fonts(pdf: bytes, folder) -> list[list[str]]:
    """pdffonts' table: name, type, encoding, emb, sub, uni, object, generation."""
    (folder / "fonts.pdf").write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(folder / "fonts.pdf")], capture_output=True,
                             text=True, check=True, timeout=60).stdout
    return [line.split() for line in listing.splitlines()[2:]]


@pytest.mark.parametrize("name", NAMES)
def test_paper_passport_prints_every_letter_of_a_name(sqlite_app, provider, tmp_path, name):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("worker", PASSWORD, name)
    service.add_credential(account.id, provider.issue("fire-safety")[0])
    pdf = service.paper_passport_pdf(account.id)
    text = pdf_text(pdf, tmp_path)
    assert f"Training record: {name}" in text
    assert f"Skills Passport for {name}, printed" in text  # the footer, on every page
    fonts = embedded_fonts(pdf, tmp_path)
    # one TrueType font, embedded (a subset) with a ToUnicode map: no base-14 font left
    assert fonts and all("DejaVuSans" in row[0] and row[-5:-2] == ["yes", "yes", "yes"]
                         for row in fonts), fonts
    assert b"/Lang (en-GB)" in pdf


def test_paper_passport_in_welsh_keeps_w_and_y_circumflex(sqlite_app, provider, tmp_path):
    """Through the wallet's page in Welsh: the Welsh words and the name as written, and the
    PDF says it is in Welsh."""
    from wallet_support import sign_in

    service = sqlite_app.extensions["wallet"]
    account = service.create_account("wyn", PASSWORD, "Ŵyn Ŷr Ówen")
    service.add_credential(account.id, provider.issue("fire-safety")[0])
    client = sqlite_app.test_client()
    sign_in(client, "wyn")
    client.set_cookie("lang", "cy")
    response = client.get("/paper/skills-passport.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path, "cy.pdf")
    assert "Cofnod hyfforddiant: Ŵyn Ŷr Ówen" in text
    assert "Diogelwch tân" in text
    assert "Pasbort Sgiliau Ŵyn Ŷr Ówen, argraffwyd" in text  # the footer
    assert "Wyn Yr" not in text
    assert b"/Lang (cy)" in response.data


def test_pdf_font_missing_stops_the_wallet_starting(monkeypatch, tmp_path, sqlite_url, clock,
                                                    network):
    from passport_vc.errors import ConfigError
    from wallet import create_app
    from wallet.config import WalletConfig

    monkeypatch.setenv("PASSPORT_PDF_FONT_DIR", str(tmp_path))
    with pytest.raises(ConfigError) as raised:
        create_app(WalletConfig.for_tests(sqlite_url, clock=clock), network=network)
    message = str(raised.value.detail)
    assert "fonts-dejavu-core" in message and str(tmp_path / "DejaVuSans.ttf") in message
