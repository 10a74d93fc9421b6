"""Checks on what provider staff type (plain English, each naming its form field)."""

from __future__ import annotations

import re
from datetime import date, datetime

from passport_vc.errors import MalformedValueError

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
HOST = re.compile(r"[a-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~-]+)*\Z")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}\Z")
DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%#-]+\Z")
MAX_NAME = 200
MAX_TEXT = 500
EARLIEST_COMPLETION = date(1980, 1, 1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CORRECTABLE = ("course_key", "subject_name", "subject_email", "holder_did", "completed",
               "assessment_method", "delivery_mode", "hours", "evidence")



def clean_text(value: object, label: str, *, required: bool = False, limit: int = MAX_TEXT,
               field: str | None = None) -> str | None:
    """Whitespace tidied; ``field`` names the form field an error belongs to."""
    path = field or label.replace(" ", "_")
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise MalformedValueError(f"Enter the {label}", path=path)
        return None
    if not isinstance(value, str):
        raise MalformedValueError(f"The {label} must be text", path=path)
    text = " ".join(value.split())
    if len(text) > limit:
        raise MalformedValueError(f"The {label} must be {limit} characters or fewer", path=path)
    return text


def clean_email(value: object) -> str | None:
    text = clean_text(value, "email address", limit=320, field="subject_email")
    if text is None:
        return None
    if not EMAIL.match(text):
        raise MalformedValueError("Enter an email address in the correct format, like "
                                  "name@example.com", path="subject_email")
    return text.lower()


def clean_did(value: object) -> str | None:
    text = clean_text(value, "holder DID", limit=600, field="holder_did")
    if text is None:
        return None
    if not DID.match(text) or "#" in text:
        raise MalformedValueError("The worker's wallet identifier must be a DID, like "
                                  "did:key:z6Mk…", path="holder_did")
    return text


def clean_hours(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        hours = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        hours = None
    if hours is None or not 0 < hours <= 5000 or hours != hours:
        raise MalformedValueError("The hours must be a number above 0, like 6 or 7.5",
                                  path="hours")
    return round(hours, 2)


def clean_completed(value: object, today: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        parsed = None
        if _ISO_DATE.fullmatch(text):  # the usual form, without strptime's cost
            try:
                parsed = date.fromisoformat(text)
            except ValueError:
                parsed = None  # e.g. 2026-02-30: the patterns below refuse it the same way
        for pattern in () if parsed else ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                parsed = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if parsed is None:
            raise MalformedValueError("The completion date must be a real date, like "
                                      "2026-03-27 or 27/03/2026", path="completed")
        value = parsed
    if not isinstance(value, date):
        raise MalformedValueError("Enter the date the training was completed", path="completed")
    if value > today:
        raise MalformedValueError("The completion date must be today or in the past",
                                  path="completed")
    if value < EARLIEST_COMPLETION:
        raise MalformedValueError("The completion date must be after 1 January 1980",
                                  path="completed")
    return value


def details_of(course_key: str, *, subject_name, completed: date, subject_email, holder_did,
             assessment_method, delivery_mode, hours, evidence) -> dict:
    return {"course_key": course_key, "subject_name": subject_name,
            "completed": completed.isoformat(), "subject_email": subject_email,
            "holder_did": holder_did, "assessment_method": assessment_method,
            "delivery_mode": delivery_mode, "hours": hours, "evidence": evidence}


def clean_details(course_key: str, *, subject_name, completed, subject_email, holder_did,
                  assessment_method, delivery_mode, hours, evidence, today: date) -> dict:
    return details_of(
        course_key,
        subject_name=clean_text(subject_name, "worker's full name", required=True,
                                limit=MAX_NAME, field="subject_name"),
        completed=clean_completed(completed, today),
        subject_email=clean_email(subject_email), holder_did=clean_did(holder_did),
        assessment_method=clean_text(assessment_method, "assessment method", limit=100,
                                     field="assessment_method"),
        delivery_mode=clean_text(delivery_mode, "delivery mode", limit=100,
                                 field="delivery_mode"),
        hours=clean_hours(hours), evidence=clean_text(evidence, "evidence"))
