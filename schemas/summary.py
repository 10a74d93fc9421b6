"""What a person needs to see about one training credential, read from an Open Badges 3.0
credential (1EdTech OB 3.0 §8: AchievementSubject / Achievement) and the Skills Passport care
terms.

Tolerant by design: credentials from other Open Badges issuers lack our care terms, so every
field falls back (title to ``achievement.name``, completion to ``validFrom``…) rather than fail.
This reads an *already verified* credential; it checks nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from passport_vc.errors import MalformedValueError
from passport_vc.model.validity import UK
from passport_vc.model.values import as_list

from .asc_wds import category_of
from .catalogue import DEFAULT_REFRESH_MONTHS, load_catalogue

CONTEXT_URL = "https://w3id.org/skills-passport/v1"
_KEY_IN_ID = re.compile(r"https://.+/achievements/([a-z0-9][a-z0-9-]{0,79})")


@dataclass
class TrainingSummary:
    title: str
    course_key: str | None
    topic: str
    category: str
    provider_name: str
    provider_id: str | None
    completed: date | None
    valid_until: date | None
    subject_name: str | None
    subject_id: str | None
    credential_id: str | None
    details: dict = field(default_factory=dict)
    asc_wds_category: int | None = None  # ASC-WDS training category code (asc_wds.py)


def _text(value: object) -> str | None:
    """Plain text from a string, a language value object or a list of them (first wins)."""
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict) and isinstance(item.get("@value"), str):
            return item["@value"].strip()
    return None


def _uk_date(value: object) -> date | None:
    """The UK calendar date of a date or date-time string; None when unreadable."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UK).date()


def _dict(value: object) -> dict:
    for item in as_list(value):
        if isinstance(item, dict):
            return item
    return {}


def _subject_name(subject: dict) -> str | None:
    for identity in as_list(subject.get("identifier")):
        if (isinstance(identity, dict) and identity.get("identityType") == "name"
                and identity.get("hashed") is not True):
            name = _text(identity.get("identityHash"))
            if name:
                return name
    return _text(subject.get("name"))


def _course_key(achievement: dict, ours: bool) -> str | None:
    key = achievement.get("courseKey")
    if isinstance(key, str) and key:
        return key
    if not ours:  # another issuer's /achievements/medication is not our catalogue's
        return None
    match = _KEY_IN_ID.fullmatch(achievement.get("id") or "") if isinstance(
        achievement.get("id"), str) else None
    return match.group(1) if match else None


def _category(achievement: dict, topic: str) -> str:
    if "careCertificateStandard" in achievement or topic == "care-certificate":
        return "care-certificate"
    if "oliverMcGowanTier" in achievement or topic == "oliver-mcgowan":
        return "oliver-mcgowan"
    if "ofqualNumber" in achievement or "rqfLevel" in achievement or topic == "qualification":
        return "qualification"
    if topic in DEFAULT_REFRESH_MONTHS:
        return "mandatory"
    return "other"


def _details(credential: dict, subject: dict, achievement: dict) -> dict:
    details = {
        "description": _text(achievement.get("description")),
        "achievement_id": achievement.get("id"),
        "achievement_type": achievement.get("achievementType"),
        "standard": achievement.get("careCertificateStandard"),
        "refresh_months": achievement.get("refreshIntervalMonths"),
        "ofqual_number": achievement.get("ofqualNumber"),
        "rqf_level": achievement.get("rqfLevel"),
        "credits": achievement.get("creditsAvailable"),
        "learning_hours": achievement.get("learningHours"),
        "awarding_organisation": _text(achievement.get("awardingOrganisation")),
        "oliver_mcgowan_tier": achievement.get("oliverMcGowanTier"),
        "criteria": _text(_dict(achievement.get("criteria")).get("narrative")),
        "assessment_method": _text(subject.get("assessmentMethod")),
        "delivery_mode": _text(subject.get("deliveryMode")),
        "hours": subject.get("learningHours"),
        "replaces": credential.get("replaces"),
        "renews": credential.get("renews") if isinstance(credential.get("renews"), str) else None,
        "evidence": [text for text in (_text(item.get("narrative"))
                                        for item in as_list(credential.get("evidence"))
                                        if isinstance(item, dict)) if text] or None,
    }
    return {name: value for name, value in details.items() if value is not None}


def summarise(credential: dict) -> TrainingSummary:
    """A TrainingSummary of one (verified) credential, ours or another Open Badges issuer's."""
    if not isinstance(credential, dict):
        raise MalformedValueError("A credential must be a JSON object")
    subject = _dict(credential.get("credentialSubject"))
    achievement = _dict(subject.get("achievement"))
    ours = CONTEXT_URL in as_list(credential.get("@context"))
    course_key = _course_key(achievement, ours)
    course = load_catalogue().get(course_key) if course_key else None

    topic = achievement.get("trainingTopic")
    if not isinstance(topic, str) or not topic:
        # Our builder leaves the topic out when it equals the course key.
        topic = course.topic if course else (course_key if ours and course_key else None)
    if not topic:
        topic = ("care-certificate" if "careCertificateStandard" in achievement else
                 "oliver-mcgowan" if "oliverMcGowanTier" in achievement else
                 "qualification" if "ofqualNumber" in achievement else "other")
    category = course.category if course else _category(achievement, topic)

    issuer = credential.get("issuer")
    provider_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    provider_id = provider_id if isinstance(provider_id, str) else None
    provider_name = (_text(issuer.get("name")) if isinstance(issuer, dict) else None) \
        or provider_id or "Unknown provider"
    title = (_text(achievement.get("name")) or _text(credential.get("name"))
             or (course.title if course else None) or "Training")
    completed = (_uk_date(subject.get("activityEndDate")) or _uk_date(credential.get("validFrom"))
                 or _uk_date(credential.get("issuanceDate"))
                 or _uk_date(credential.get("awardedDate")))
    valid_until = (_uk_date(credential.get("validUntil"))
                   or _uk_date(credential.get("expirationDate")))
    subject_id = subject.get("id") if isinstance(subject.get("id"), str) else None
    credential_id = credential.get("id") if isinstance(credential.get("id"), str) else None
    return TrainingSummary(
        title=title, course_key=course_key, topic=topic, category=category,
        provider_name=provider_name, provider_id=provider_id, completed=completed,
        valid_until=valid_until, subject_name=_subject_name(subject), subject_id=subject_id,
        credential_id=credential_id, details=_details(credential, subject, achievement),
        asc_wds_category=category_of(achievement, course_key if course else None))
