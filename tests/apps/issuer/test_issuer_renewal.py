"""Renewal: when the refresher is done the provider issues a new credential linked to the old
one (``renews``); the old one stays valid until its own expiry."""

from __future__ import annotations

import re
from datetime import date

import pytest

from passport_vc.errors import MalformedValueError

FORM = {"course": "fire-safety", "subject_name": "Sam Taylor", "subject_email": "",
        "completed-day": "2", "completed-month": "1", "completed-year": "2026",
        "assessment_method": "Observed practice", "delivery_mode": "", "hours": "3",
        "evidence": "", "holder_did": ""}


def test_renewal_links_to_the_old_one_which_stays_valid(service, acme, verifier):
    old = service.issuance.issue("acme", "medication", subject_name="Sam Smith",
                                 completed=date(2026, 1, 2))
    new = service.issuance.renew(old.id, completed=date(2026, 11, 20), actor="ann")
    assert new.document["renews"] == old.credential_id
    assert new.completed == date(2026, 11, 20) and new.subject_name == "Sam Smith"
    assert new.course_key == old.course_key and new.valid_until > old.valid_until
    assert service.register.record(old.id).state == "active"
    assert verifier.verify_credential(old.document).verified  # still valid
    assert verifier.verify_credential(new.document).verified
    assert any(event["action"] == "renewed" for event in service.register.history(old.id))
    with pytest.raises(MalformedValueError) as error:  # a renewal must come after
        service.issuance.renew(old.id, completed=date(2025, 12, 1))
    assert error.value.path == "completed"
    with pytest.raises(MalformedValueError):
        service.issuance.renew(old.id, completed=date(2026, 11, 21), subject_name="Other")


def test_issue_renewal_page(client, service, acme, login):
    login(client, "acme", "ann@acme.example")
    response = client.post("/issue", data=FORM)
    old_id = re.search(r"/records/([0-9a-f]{32})", response.headers["Location"]).group(1)
    page = client.get(f"/records/{old_id}").get_data(as_text=True)
    assert f'href="/records/{old_id}/renew"' in page and "Issue renewal" in page
    form = client.get(f"/records/{old_id}/renew").get_data(as_text=True)
    assert "stays valid until" in form
    bad = client.post(f"/records/{old_id}/renew", data={"completed-day": "31",
                                                        "completed-month": "2",
                                                        "completed-year": "2026"})
    assert bad.status_code == 400 and "real date" in bad.get_data(as_text=True)
    before = client.post(f"/records/{old_id}/renew", data={"completed-day": "1",
                                                           "completed-month": "1",
                                                           "completed-year": "2026"})
    assert before.status_code == 400 and "after the training" in before.get_data(as_text=True)
    done = client.post(f"/records/{old_id}/renew", data={"completed-day": "20",
                                                         "completed-month": "11",
                                                         "completed-year": "2026"})
    assert done.status_code == 302
    new_id = re.search(r"/records/([0-9a-f]{32})", done.headers["Location"]).group(1)
    new = service.register.record(new_id)
    assert new.document["renews"] == service.register.record(old_id).credential_id
    assert "Renews" in client.get(f"/records/{new_id}").get_data(as_text=True)
    assert service.register.record(old_id).state == "active"


def test_course_page_is_public_and_names_no_one(client, service, acme):
    """Where the wallet's "book a refresher" link goes (the credential's achievement id)."""
    record = service.issuance.issue("acme", "medication", subject_name="Sam Smith",
                                    completed=date(2026, 1, 2))
    achievement = record.document["credentialSubject"]["achievement"]["id"]
    path = "/" + achievement.split("/", 3)[3]
    assert path == "/providers/acme/achievements/medication"
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Book a refresher" in text and "Medication" in text
    assert "Every 12 months" in text and "Sam Smith" not in text
    assert page.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/providers/acme/achievements/no-such-course").status_code == 404
    assert client.get("/providers/nobody/achievements/medication").status_code == 404
