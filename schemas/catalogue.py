"""The training catalogue for adult social care in England (see /work/shared/DOMAIN.md).

Sources: the Care Certificate (16 standards since March 2025), Skills for Care guidance on core
and mandatory training (default refresh intervals: 12 or 36 months; employers may set their
own), the Oliver McGowan Mandatory Training on Learning Disability and Autism, and Ofqual RQF
qualifications. The data lives in ``schemas/catalogue/*.json``; providers can describe their own
courses with ``course_from_dict``, validated the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from passport_vc.errors import ConfigError, MalformedValueError

CATEGORIES = ("care-certificate", "mandatory", "qualification", "oliver-mcgowan", "other")
CARE_CERTIFICATE_STANDARDS = 16
OFQUAL_NUMBER = re.compile(r"\d{3}/\d{4}/\d")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")

# Skills for Care defaults. Employers set their own policy; these only fill a new matrix.
YEARLY_TOPICS = ("moving-and-handling", "basic-life-support", "medication",
                 "safeguarding-adults", "safeguarding-children", "fire-safety",
                 "positive-behaviour-support")
THREE_YEARLY_TOPICS = ("infection-prevention-and-control", "health-and-safety",
                       "mental-capacity-act-and-dols", "equality-and-diversity", "food-safety",
                       "nutrition-and-hydration", "communication", "dignity",
                       "person-centred-care", "recording-and-reporting", "autism-awareness")
DEFAULT_REFRESH_MONTHS = MappingProxyType({**{topic: 12 for topic in YEARLY_TOPICS},
                                           **{topic: 36 for topic in THREE_YEARLY_TOPICS}})
DEFAULT_REQUIRED_TOPICS: tuple[str, ...] = (
    "care-certificate", *YEARLY_TOPICS, *THREE_YEARLY_TOPICS, "oliver-mcgowan")

TOPIC_TITLES = MappingProxyType({
    "care-certificate": "Care Certificate",
    "oliver-mcgowan": "Oliver McGowan training",
    "qualification": "Qualification",
})


@dataclass(frozen=True)
class Course:
    """One kind of training a provider can certify; ``topic`` is the training matrix column."""

    key: str
    title: str
    category: str
    topic: str
    refresh_months: int | None = None
    description: str = ""
    standard: int | None = None
    ofqual_number: str | None = None
    rqf_level: int | None = None
    credits: int | None = None
    learning_hours: float | None = None

    def to_dict(self) -> dict:
        return {name: value for name, value in asdict(self).items() if value is not None}


_FIELDS = {"key", "title", "category", "topic", "refresh_months", "description", "standard",
           "ofqual_number", "rqf_level", "credits", "learning_hours"}


def _whole_number(data: dict, name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MalformedValueError(f"{name} must be a whole number from {low} to {high}",
                                  path=name)
    return value


def _text(data: dict, name: str, limit: int, *, required: bool) -> str:
    value = data.get(name)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return ""
    if not isinstance(value, str) or not value.strip():
        raise MalformedValueError(f"The course needs a {name}", path=name)
    if len(value) > limit:
        raise MalformedValueError(f"The course {name} is too long (at most {limit} characters)",
                                  path=name)
    return value.strip()


def _slug(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or _SLUG.fullmatch(value) is None:
        raise MalformedValueError(
            f"The course {name} must be lower-case letters, digits and hyphens (such as "
            "'moving-and-handling')", path=name)
    return value


def course_from_dict(data: dict) -> Course:
    """Build a validated Course (raises MalformedValueError with a plain message)."""
    if not isinstance(data, dict):
        raise MalformedValueError("A course must be a JSON object")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise MalformedValueError(f"A course does not have a field called {unknown[0]!r}",
                                  path=unknown[0])
    category = data.get("category")
    if category not in CATEGORIES:
        raise MalformedValueError("The course category must be one of " + ", ".join(CATEGORIES),
                                  path="category")
    standard = _whole_number(data, "standard", 1, CARE_CERTIFICATE_STANDARDS)
    if standard is not None and category != "care-certificate":
        raise MalformedValueError("Only Care Certificate courses have a standard number",
                                  path="standard")
    ofqual = data.get("ofqual_number")
    if ofqual is not None and (not isinstance(ofqual, str)
                               or OFQUAL_NUMBER.fullmatch(ofqual) is None):
        raise MalformedValueError("An Ofqual qualification number looks like 610/1372/9",
                                  path="ofqual_number")
    hours = data.get("learning_hours")
    if hours is not None:
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 5000:
            raise MalformedValueError("learning_hours must be a number of hours above 0",
                                      path="learning_hours")
        hours = float(hours)
    return Course(
        key=_slug(data, "key"),
        title=_text(data, "title", 200, required=True),
        category=category,
        topic=_slug(data, "topic"),
        refresh_months=_whole_number(data, "refresh_months", 1, 120),
        description=_text(data, "description", 500, required=False),
        standard=standard,
        ofqual_number=ofqual,
        rqf_level=_whole_number(data, "rqf_level", 1, 8),
        credits=_whole_number(data, "credits", 1, 1000),
        learning_hours=hours,
    )


@cache
def _read_catalogue() -> MappingProxyType:
    folder = resources.files("schemas") / "catalogue"
    courses: dict[str, Course] = {}
    for file in sorted(folder.iterdir(), key=lambda item: item.name):
        if not file.name.endswith(".json"):
            continue
        for entry in json.loads(file.read_text(encoding="utf-8")):
            try:
                course = course_from_dict(entry)
            except MalformedValueError as error:
                raise ConfigError(f"{file.name}: {error.detail}") from None
            if course.key in courses:
                raise ConfigError(f"{file.name}: the course key {course.key} is used twice")
            courses[course.key] = course
    return MappingProxyType(courses)


def load_catalogue() -> dict[str, Course]:
    """Every catalogue course by key, in catalogue order (files are read once; a fresh dict
    each call, so a caller adding its own courses cannot change anyone else's)."""
    return dict(_read_catalogue())


def default_refresh_months(topic: str) -> int | None:
    """Months until training on ``topic`` should be refreshed, by default; None if never."""
    return DEFAULT_REFRESH_MONTHS.get(topic)


def topic_title(topic: str) -> str:
    """A readable column heading for a topic key."""
    if topic in TOPIC_TITLES:
        return TOPIC_TITLES[topic]
    for course in _read_catalogue().values():
        if course.category == "mandatory" and course.topic == topic:
            return course.title
    return topic.replace("-", " ").capitalize()
