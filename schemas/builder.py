"""Build an unsigned care training credential: an Open Badges 3.0 ``OpenBadgeCredential``
(1EdTech OB 3.0 §8, context 3.0.3) over W3C VC Data Model 2.0, with the Skills Passport care
terms (``https://w3id.org/skills-passport/v1``).

Kept lean on purpose: one signed credential must fit a paper QR code (QR.md: ~1,100 bytes of
minified JSON before compression for a typical course), so nothing is repeated that a verifier
can look up, and optional details are left out when not given.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import UTC, date, datetime, time

from passport_vc.clock import format_datetime
from passport_vc.errors import MalformedValueError
from passport_vc.model.values import is_url

from .asc_wds import alignment, category_for_course
from .catalogue import Course

CONTEXTS = ("https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/skills-passport/v1")
RENEWAL_CONTEXT = "https://w3id.org/skills-passport/renewal/v1"
SCHEMA_ID = "https://w3id.org/skills-passport/schemas/care-training-credential-v1.json"
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
# Deterministic achievement ids for issuers without a web address (did:key): the same course
# from the same issuer is always the same achievement.
ACHIEVEMENT_NAMESPACE = uuid.UUID("3f0c5a52-2b8e-4c8e-9d3a-5b1f7c6e2a10")
MAX_TEXT = 500

ACHIEVEMENT_TYPES = {"care-certificate": "Certificate", "mandatory": "Course",
                     "oliver-mcgowan": "Course", "other": "Course"}
CRITERIA = {"care-certificate": "Assessed in the workplace.",
            "qualification": "Achieved the qualification."}
DEFAULT_CRITERIA = "Completed and assessed."


def add_months(moment: datetime, months: int) -> datetime:
    """Same day ``months`` later; the last day of the month when that day does not exist."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def completion_moment(completed: date | datetime) -> datetime:
    """A date means midnight UTC that day; a naive datetime is read as UTC."""
    if isinstance(completed, datetime):
        return completed if completed.tzinfo else completed.replace(tzinfo=UTC)
    if isinstance(completed, date):
        return datetime.combine(completed, time(0, 0), tzinfo=UTC)
    raise MalformedValueError("The completion date must be a date")


def achievement_id(issuer_id: str, course_key: str) -> str:
    """An id for the course "under the issuer": its web address when it has one."""
    if issuer_id.startswith("https://"):
        return f"{issuer_id.rstrip('/')}/achievements/{course_key}"
    if issuer_id.startswith("did:web:"):
        host, *path = issuer_id.removeprefix("did:web:").split(":")
        base = "/".join([host.replace("%3A", ":"), *path])
        return f"https://{base}/achievements/{course_key}"
    return "urn:uuid:" + str(uuid.uuid5(ACHIEVEMENT_NAMESPACE, f"{issuer_id} {course_key}"))


def _text(value: str | None, name: str, *, required: bool = False) -> str | None:
    # An optional field left blank on a form arrives as "": it simply was not given.
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    if not isinstance(value, str) or not value.strip():
        raise MalformedValueError(f"The {name} must not be empty", path=name)
    if len(value) > MAX_TEXT:
        raise MalformedValueError(f"The {name} is too long (at most {MAX_TEXT} characters)",
                                  path=name)
    return value.strip()


def _url(value: str | None, name: str) -> str:
    if not is_url(value):
        raise MalformedValueError(f"The {name} must be a URL (such as a DID or urn:uuid:…)",
                                  path=name)
    return value  # type: ignore[return-value]


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 5000:
        raise MalformedValueError("The hours must be a number above 0", path="hours")
    return int(value) if float(value).is_integer() else float(value)


def _achievement(course: Course, issuer_id: str) -> dict:
    achievement_type = ACHIEVEMENT_TYPES.get(course.category)
    if achievement_type is None:  # qualifications: say what kind
        achievement_type = "Diploma" if "Diploma" in course.title else "Certificate"
    achievement: dict = {
        "id": achievement_id(issuer_id, course.key),
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": course.title,
        "description": course.description or course.title,
        "criteria": {"narrative": CRITERIA.get(course.category, DEFAULT_CRITERIA)},
    }
    # Every byte counts on paper: the key is already in an https id, and most mandatory topics
    # share their course's key (readers fall back to the key, see summary.py).
    if not achievement["id"].endswith("/achievements/" + course.key):
        achievement["courseKey"] = course.key
    if course.topic != course.key:
        achievement["trainingTopic"] = course.topic
    optional = {"careCertificateStandard": course.standard,
                "refreshIntervalMonths": course.refresh_months,
                "ofqualNumber": course.ofqual_number, "rqfLevel": course.rqf_level,
                "creditsAvailable": course.credits,
                "learningHours": _number(course.learning_hours)}
    achievement.update({name: value for name, value in optional.items() if value is not None})
    if course.key.startswith("oliver-mcgowan-"):
        achievement["oliverMcGowanTier"] = course.key.removeprefix("oliver-mcgowan-")
    # The ASC-WDS training category, signed with the rest, so any verifier can put the
    # credential in an employer's ASC-WDS training file (schemas/asc_wds.py).
    category = category_for_course(course.key)
    if category is not None:
        achievement["alignment"] = [alignment(category)]
    return achievement


def build_training_credential(course: Course, *, issuer_id: str, issuer_name: str,
                              subject_name: str, subject_id: str | None, completed: date | datetime,
                              credential_id: str, assessment_method: str | None = None,
                              delivery_mode: str | None = None, hours: float | None = None,
                              evidence_narrative: str | None = None, replaces: str | None = None,
                              renews: str | None = None, issuer_extra: dict | None = None,
                              awarding_organisation: str | None = None) -> dict:
    """An unsigned OpenBadgeCredential for ``course`` completed by the named worker.

    validFrom is the completion time (midnight UTC for a date); validUntil adds the course's
    refresh interval and is left out when the training never needs refreshing.
    ``awarding_organisation`` names the awarding body of a regulated qualification (the
    catalogue leaves it to the issuer).
    """
    issuer_id = _url(issuer_id, "issuer_id")
    credential_id = _url(credential_id, "credential_id")
    # A worker without a DID is named instead; "" from a form means the same as None.
    subject_id = _url(subject_id, "subject_id") if subject_id else None
    replaces = _url(replaces, "replaces") if replaces else None
    renews = _url(renews, "renews") if renews else None
    issuer: dict = {"id": issuer_id, "type": ["Profile"],
                    "name": _text(issuer_name, "issuer_name", required=True)}
    for name, value in (issuer_extra or {}).items():
        if name in issuer:
            raise MalformedValueError(f"issuer_extra may not replace the issuer's {name}",
                                      path=f"issuer.{name}")
        issuer[name] = value
    start = completion_moment(completed)
    subject: dict = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    # OB 3.0 names a recipient without a DID through an IdentityObject (identityType "name").
    subject["identifier"] = [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                              "identityHash": _text(subject_name, "subject_name",
                                                    required=True)}]
    subject["achievement"] = _achievement(course, issuer_id)
    organisation = _text(awarding_organisation, "awarding_organisation")
    if organisation:
        subject["achievement"]["awardingOrganisation"] = organisation
    subject["activityEndDate"] = format_datetime(start)
    optional = {"assessmentMethod": _text(assessment_method, "assessment_method"),
                "deliveryMode": _text(delivery_mode, "delivery_mode"),
                "learningHours": _number(hours)}
    subject.update({name: value for name, value in optional.items() if value is not None})

    credential: dict = {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "issuer": issuer,
        "validFrom": format_datetime(start),
    }
    if course.refresh_months:
        credential["validUntil"] = format_datetime(add_months(start, course.refresh_months))
    credential["name"] = course.title
    credential["credentialSubject"] = subject
    narrative = _text(evidence_narrative, "evidence_narrative")
    if narrative:
        evidence: dict = {"type": ["Evidence"], "narrative": narrative}
        if optional["assessmentMethod"]:
            evidence["genre"] = optional["assessmentMethod"]
        credential["evidence"] = [evidence]
    if replaces:
        credential["replaces"] = replaces
    if renews:  # a refresher: the earlier credential stays valid until its own validUntil
        # its term has a context of its own: a published context never changes (hash pins,
        # CBOR-LD term codes of QR codes already printed)
        credential["@context"].append(RENEWAL_CONTEXT)
        credential["renews"] = renews
    credential["credentialSchema"] = [{"id": SCHEMA_ID, "type": "JsonSchema"}]
    return credential
