"""Welsh pages in the verifier: chosen by Accept-Language or by the header's language switch
(remembered in a cookie), ``<html lang="cy">``, Welsh course names and verdicts."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests.apps.verifier.test_web import anon_app, app, password_hash, sign_in  # noqa: F401


def shows(page: str, text: str) -> bool:
    """The text is on the page (as HTML escapes it: ' is &#39;)."""
    return str(escape(text)) in page or text in page


@pytest.fixture
def anon(anon_app):  # noqa: F811 - the fixture imported above
    return anon_app.test_client()


def test_english_by_default_with_a_switch_to_welsh(anon):
    page = anon.get("/").get_data(as_text=True)
    assert '<html lang="en-GB"' in page
    assert "Check a training certificate" in page
    assert 'lang="cy" hreflang="cy"' in page and ">Cymraeg</a>" in page


def test_accept_language_welsh(anon):
    response = anon.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    page = response.get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Gwirio tystysgrif hyfforddiant" in page
    assert "Check a training certificate" not in page
    assert ">English</a>" in page
    assert "Accept-Language" in response.headers["Vary"]


def test_the_switch_sets_a_cookie_that_beats_accept_language(anon):
    response = anon.get("/language?lang=cy&next=/request")
    assert response.status_code == 303 and response.headers["Location"].endswith("/request")
    assert "lang=cy" in response.headers["Set-Cookie"]
    page = anon.get("/request", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="cy"' in page and "Gofyn am gofnod" in page
    anon.get("/language?lang=en&next=/")
    page = anon.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert '<html lang="en-GB"' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_the_switch_is_no_open_redirect(anon, target):
    response = anon.get("/language", query_string={"lang": "cy", "next": target})
    assert response.status_code == 303 and response.headers["Location"] in ("/", "http://localhost/")


def test_welsh_form_errors_and_not_found(anon):
    anon.set_cookie("lang", "cy")
    page = anon.post("/check", data={"form": "photo"}).get_data(as_text=True)
    assert "Mae problem" in page and shows(page, "Dewiswch lun o'r cod QR")
    page = anon.get("/no-such-page").get_data(as_text=True)
    assert shows(page, "Heb ddod o hyd i'r dudalen")


def test_welsh_result_page_with_course_name_and_verdict(anon, world):
    anon.set_cookie("lang", "cy")
    import json

    credential = world.credentials["valid"]
    page = anon.post("/check", data={"form": "payload", "payload": json.dumps(credential)}
                     ).get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Canlyniad: Dilys" in page
    assert shows(page, "Mae'r dystysgrif yn ddilys")
    assert '<span lang="en">' in page  # the engine's detail, marked as English


def test_welsh_employer_pages(app):  # noqa: F811
    client = sign_in(app, "manager@sunny.example")
    client.set_cookie("lang", "cy")
    for path, words in [("/matrix", "Matrics hyfforddiant"), ("/staff", "Ychwanegu aelod o staff"),
                        ("/settings/topics", "Hyfforddiant gofynnol"), ("/trust", "Darparwyr"),
                        ("/team", "Pobl sy'n gallu defnyddio'r cyfrif hwn"),
                        ("/asc-wds", "Lawrlwytho ar gyfer ASC-WDS")]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert '<html lang="cy"' in page and shows(page, words), path
    page = client.get("/settings/topics").get_data(as_text=True)
    assert "Diogelwch tân" in page  # the catalogue's Welsh name for Fire safety

