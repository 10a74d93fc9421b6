"""The paper passport: an A4 PDF whose QR codes, printed at 150 dpi, scan back (zxing-cpp) into
credentials that verify with no change — the assisted-digital route (QR.md)."""

from __future__ import annotations

import subprocess
from datetime import date

import PIL.Image
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
