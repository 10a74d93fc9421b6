"""Welsh in the wallet: pages by Accept-Language and by the header switch (cookie), Welsh course
names on the record, and the paper passport PDF made in Welsh."""

from __future__ import annotations

import subprocess

from markupsafe import escape
from wallet_support import PASSWORD, sign_in


def shows(page: str, text: str) -> bool:
    return str(escape(text)) in page or text in page


def test_start_page_in_welsh_by_accept_language(sqlite_app):
    client = sqlite_app.test_client()
    page = client.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert shows(page, "Cadw eich cofnod hyfforddiant gofal")
    assert ">English</a>" in page
    english = sqlite_app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="en-GB"' in english and "Keep your care training record" in english


def test_record_and_account_pages_in_welsh_by_the_switch(sqlite_app, provider):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue("fire-safety")[0])
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    response = client.get("/language?lang=cy&next=/record")
    assert response.status_code == 303
    page = client.get("/record").get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert shows(page, "Eich cofnod hyfforddiant")
    assert "Diogelwch tân" in page  # Fire safety, from schemas/welsh
    assert shows(page, "Rhannu")  # the navigation
    for path, words in [("/account", "Eich cyfrif"), ("/add", "Ychwanegu hyfforddiant"),
                        ("/paper", "Argraffu copi papur"), ("/share", "Rhannu eich hyfforddiant")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert shows(response.get_data(as_text=True), words), path


def test_paper_passport_in_welsh(sqlite_app, provider, tmp_path):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(account.id, provider.issue("fire-safety")[0])
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    client.set_cookie("lang", "cy")
    response = client.get("/paper/skills-passport.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    (tmp_path / "cy.pdf").write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "cy.pdf"), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert "Cofnod hyfforddiant: Amina Okafor" in text
    assert "Diogelwch tân" in text
    assert "Dilys tan" in text and "Training record" not in text
    client.set_cookie("lang", "en")
    (tmp_path / "en.pdf").write_bytes(client.get("/paper/skills-passport.pdf").data)
    text = subprocess.run(["pdftotext", str(tmp_path / "en.pdf"), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert "Training record: Amina Okafor" in text and "Fire safety" in text
