"""A provider's own courses (the catalogue is "editable per provider"): the courses page lists
the national catalogue and the provider's own courses, administrators add a course through a
GOV.UK form with an error summary and inline errors, and the new course can be issued from the
issue form's course picker and from an uploaded file. Flask test client over SQLite and
PostgreSQL; one real-browser check with axe-core."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from schemas.catalogue import load_catalogue

DEMENTIA = {"title": "Dementia care in practice", "category": "other",
            "refresh_months": "24", "description": "Supporting people living with dementia.",
            "learning_hours": "7.5"}


@pytest.fixture
def admin(client, acme, login):
    login(client, "acme", "ann@acme.example")
    return client


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _own(service, slug: str = "acme") -> dict:
    national = load_catalogue()
    return {key: course for key,
            course in service.catalogue.courses(slug).items() if key not in national}


# --- the list --------------------------------------------------------------------------------
def test_the_courses_page_lists_the_national_catalogue(admin):
    response = admin.get("/courses")
    assert response.status_code == 200
    page = _text(response)
    assert "<title>Courses" in page
    assert "You have not added any courses yet." in page
    assert f"National list ({len(load_catalogue())} courses)" in page
    for title in ("Moving and handling of people", "Fire safety",
                  "Level 3 Diploma in Adult Care"):
        assert title in page
    assert "Every 12 months" in page
    assert "Ofqual number 610/1372/9" in page
    assert 'href="/courses/new"' in page


# --- adding a course -------------------------------------------------------------------------
def test_adding_a_course_lists_it_and_puts_it_in_the_issue_picker(admin, service):
    response = admin.post("/courses/new", data=DEMENTIA)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/courses")
    own = _own(service)
    assert list(own) == ["dementia-care-in-practice"]
    course = own["dementia-care-in-practice"]
    assert (course.title, course.category, course.topic, course.refresh_months,
            course.description, course.learning_hours) == (
        "Dementia care in practice", "other", "dementia-care-in-practice", 24,
        "Supporting people living with dementia.", 7.5)

    listing = _text(admin.get("/courses"))
    assert "Dementia care in practice has been added." in listing
    assert "Every 24 months" in listing and "dementia-care-in-practice" in listing
    assert "You have not added any courses yet." not in listing

    picker = _text(admin.get("/issue"))
    group = re.search(r'<optgroup label="Your own courses">(.*?)</optgroup>', picker, re.S)
    assert group is not None
    assert '<option value="dementia-care-in-practice">Dementia care in practice</option>' \
        in group.group(1)

    issued = admin.post("/issue", data={
        "course": "dementia-care-in-practice", "subject_name": "Sam Taylor",
        "completed-day": "2", "completed-month": "11", "completed-year": "2026"})
    assert issued.status_code == 302
    record = service.register.search("acme")[0]
    assert record.course_key == "dementia-care-in-practice"
    assert record.valid_until == date(2028, 11, 2)  # completion + 24 months
    achievement = record.document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Dementia care in practice"
    assert achievement["description"] == "Supporting people living with dementia."


def test_a_mandatory_topic_course_and_a_qualification(admin, service):
    assert admin.post("/courses/new", data={
        "title": "Safe moving with hoists", "category": "mandatory",
        "topic": "moving-and-handling", "refresh_months": "12"}).status_code == 302
    assert admin.post("/courses/new", data={
        "title": "Level 3 Certificate in Dementia Care", "category": "qualification",
        "ofqual_number": "603/ 2412/1", "rqf_level": "3", "credits": "16",
        "topic": "ignored-for-qualifications"}).status_code == 302
    own = _own(service)
    hoists = own["safe-moving-with-hoists"]
    assert (hoists.category, hoists.topic, hoists.refresh_months) == (
        "mandatory", "moving-and-handling", 12)
    qualification = own["level-3-certificate-in-dementia-care"]
    assert (qualification.category, qualification.topic, qualification.ofqual_number,
            qualification.rqf_level, qualification.credits, qualification.refresh_months) == (
        "qualification", "qualification", "603/2412/1", 3, 16, None)
    listing = _text(admin.get("/courses"))
    assert "Ofqual number 603/2412/1, RQF level 3, 16 credits" in listing
    assert "Does not need refreshing" in listing


def test_own_courses_can_be_named_in_an_uploaded_file(admin, service):
    admin.post("/courses/new", data=DEMENTIA)
    data = ("name,course,completed\nSam Taylor,Dementia care in practice,2026-03-01\n"
            "Alex Khan,dementia-care-in-practice,2026-03-02\n")
    report = service.imports.import_csv("acme", data.encode())
    assert (report.issued, report.errors) == (2, [])


def test_titles_that_make_the_same_key_get_different_keys(admin, service):
    for title in ("First aid!", "First aid?", "First-aid"):
        assert admin.post("/courses/new", data={"title": title,
                                                "category": "other"}).status_code == 302
    assert sorted(_own(service)) == ["first-aid", "first-aid-2", "first-aid-3"]


# --- validation ------------------------------------------------------------------------------
def _errors(response) -> list[str]:
    page = _text(response)
    summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page,
                        re.S)
    assert summary is not None, "no error summary"
    return re.findall(r'<li><a href="#([a-z_]+)">', summary.group(1))


def test_an_empty_form_shows_every_problem_and_adds_nothing(admin, service):
    response = admin.post("/courses/new", data={})
    assert response.status_code == 400
    page = _text(response)
    assert page.count("<title>Error: Add a course") == 1
    assert _errors(response) == ["title", "category"]
    assert "Enter the name of the course" in page
    assert "Choose what kind of course it is" in page
    assert 'id="title-error"' in page and 'id="category-error"' in page
    assert "govuk-form-group--error" in page
    assert _own(service) == {}


BAD_VALUES = [
    ({"category": "mandatory"}, "topic", "Choose the training topic the course covers"),
    ({"category": "mandatory", "topic": "astrology"}, "topic",
     "Choose the training topic the course covers"),
    ({"category": "care-certificate"}, "category", "Choose what kind of course it is"),
    ({"category": "qualification"}, "rqf_level", "Choose the RQF level of the qualification"),
    ({"category": "qualification", "rqf_level": "9"}, "rqf_level",
     "Choose the RQF level of the qualification"),
    ({"category": "qualification", "rqf_level": "3", "ofqual_number": "610-1372-9"},
     "ofqual_number", "Enter the Ofqual qualification number in the right format, like "
                      "610/1372/9"),
    ({"category": "qualification", "rqf_level": "3", "credits": "lots"}, "credits",
     "Credits must be a whole number from 1 to 1000, like 58"),
    ({"refresh_months": "twelve"}, "refresh_months",
     "The refresh interval must be a whole number of months from 1 to 120, like 12 or 36"),
    ({"refresh_months": "0"}, "refresh_months",
     "The refresh interval must be a whole number of months from 1 to 120, like 12 or 36"),
    ({"refresh_months": "²"}, "refresh_months",
     "The refresh interval must be a whole number of months from 1 to 120, like 12 or 36"),
    ({"learning_hours": "-1"}, "learning_hours",
     "The learning hours must be a number above 0, like 6 or 7.5"),
    ({"learning_hours": "nan"}, "learning_hours",
     "The learning hours must be a number above 0, like 6 or 7.5"),
    ({"description": "x" * 501}, "description", "The description must be 500 characters or "
                                                 "fewer"),
    ({"title": "y" * 201}, "title", "The course name must be 200 characters or fewer"),
    ({"title": "  fire   SAFETY "}, "title",
     "'Fire safety' is already in the national list of courses. Choose it when you issue, or "
     "give your course a different name"),
]


def test_each_bad_value_is_reported_against_its_field(admin, service):
    # one signed-in client for every case: each sign-in costs an Argon2id hash
    for changes, field, message in BAD_VALUES:
        response = admin.post("/courses/new", data={**DEMENTIA, **changes})
        assert response.status_code == 400, changes
        assert _errors(response) == [field], changes
        page = _text(response)
        assert f'<p id="{field}-error" class="govuk-error-message">' in page
        assert message in page, changes
    assert _own(service) == {}


def test_several_problems_are_listed_in_form_order(admin):
    response = admin.post("/courses/new", data={
        "title": "", "category": "qualification", "rqf_level": "", "refresh_months": "x",
        "learning_hours": "0"})
    assert _errors(response) == ["title", "rqf_level", "refresh_months", "learning_hours"]


def test_the_same_title_twice_is_refused(admin, service):
    assert admin.post("/courses/new", data=DEMENTIA).status_code == 302
    again = admin.post("/courses/new", data={**DEMENTIA, "title": "DEMENTIA care in practice"})
    assert again.status_code == 400
    assert "You already have a course called 'Dementia care in practice'" in _text(again)
    assert list(_own(service)) == ["dementia-care-in-practice"]


def test_what_was_typed_is_kept_after_an_error(admin):
    response = admin.post("/courses/new", data={**DEMENTIA, "category": "qualification",
                                                "ofqual_number": "bad", "rqf_level": "4"})
    page = _text(response)
    assert 'value="Dementia care in practice"' in page
    assert re.search(r'value="qualification" checked', page)
    assert '<option value="4" selected>Level 4</option>' in page
    assert 'value="bad"' in page


# --- who may see and add ---------------------------------------------------------------------
def test_staff_cannot_see_or_add_courses(client, acme, login, service):
    login(client, "acme", "sam@acme.example", role="staff")
    assert client.get("/courses").status_code == 403
    assert client.get("/courses/new").status_code == 403
    assert client.post("/courses/new", data=DEMENTIA).status_code == 403
    assert _own(service) == {}


def test_signed_out_visitors_are_sent_to_sign_in(client, acme, service):
    for response in (client.get("/courses"), client.post("/courses/new", data=DEMENTIA)):
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]
    assert _own(service) == {}


def test_one_providers_courses_are_not_shown_to_another(app, admin, service, login):
    admin.post("/courses/new", data=DEMENTIA)
    service.providers.create_provider("Bright Care Training", "bright")
    other = app.test_client()
    login(other, "bright", "bo@bright.example")
    assert "Dementia care in practice" not in _text(other.get("/courses"))
    assert "dementia-care-in-practice" not in _text(other.get("/issue"))
    refused = other.post("/issue", data={
        "course": "dementia-care-in-practice", "subject_name": "Sam Taylor",
        "completed-day": "2", "completed-month": "11", "completed-year": "2026"})
    assert refused.status_code == 400
    assert service.register.counts("bright")["total"] == 0
    # the same title is free for the other provider
    assert other.post("/courses/new", data=DEMENTIA).status_code == 302
    assert list(_own(service, "bright")) == ["dementia-care-in-practice"]


# --- in a real browser -----------------------------------------------------------------------
@pytest.mark.browser
def test_courses_pages_in_a_browser(sqlite_url, tmp_path, clock):
    from playwright.sync_api import sync_playwright

    from issuer import create_app
    from issuer.config import IssuerConfig
    from tests.support.browser import axe_violations, launch
    from tests.support.live import free_port, live_server

    port = free_port()
    application = create_app(IssuerConfig.for_tests(sqlite_url, tmp_path, clock=clock,
                                                    public_url=f"http://localhost:{port}"))
    service = application.extensions["issuer"]
    service.providers.create_provider("Acme Care Training", "acme")
    service.access.create_user("acme", "ann@acme.example", "correct horse battery")
    with live_server(application, port) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.goto(base + "/sign-in")
            page.get_by_label("Email address").fill("ann@acme.example")
            page.get_by_label("Password").fill("correct horse battery")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dashboard")
            page.goto(base + "/courses")
            assert page.title().startswith("Courses")
            assert axe_violations(page) == []
            page.get_by_role("button", name="Add a course").click()
            page.wait_for_url("**/courses/new")
            page.get_by_label("A regulated qualification").check()
            page.get_by_role("button", name="Add course").click()
            assert page.title().startswith("Error:")
            assert page.get_by_role("link", name="Enter the name of the course").is_visible()
            assert axe_violations(page) == []
            page.get_by_label("Course name").fill("Level 3 Certificate in Dementia Care")
            page.get_by_label("RQF level").select_option("3")
            page.get_by_role("button", name="Add course").click()
            page.wait_for_url("**/courses")
            assert page.get_by_text("RQF level 3").is_visible()
            assert axe_violations(page) == []
            page.set_viewport_size({"width": 320, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.goto(base + "/courses/new")
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
        finally:
            browser.close()
    service.db.dispose()
