"""The Adult Social Care Workforce Data Set (ASC-WDS, Skills for Care): its training categories,
its job roles, which catalogue course falls in which category, and the typed Open Badges 3.0
``Alignment`` (1EdTech OB 3.0 §B.1.3 Alignment) that carries the category inside a credential.

The code lists live in ``schemas/asc-wds/*.json`` with their source (the ASC-WDS service's own
code, commit and date). A verifier maps a credential to a category from its alignment first and
from the catalogue only when the credential has none, so credentials from other issuers that
carry the alignment map too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from passport_vc.errors import ConfigError
from passport_vc.model.values import as_list

FRAMEWORK = "ASC-WDS training categories"
TARGET_TYPE = "ext:ASCWDSTrainingCategory"  # OB 3.0 AlignmentTargetType allows "ext:" names
TARGET_URL = "https://w3id.org/skills-passport/asc-wds/categories#"
_CODE = re.compile(r"[1-9][0-9]{0,2}")


@dataclass(frozen=True)
class TrainingCategory:
    code: int
    name: str


@dataclass(frozen=True)
class JobRole:
    code: int
    name: str
    care_providing: bool


@dataclass(frozen=True)
class CourseCategory:
    course: str
    category: int | None
    match: str  # exact | closest | other | none
    why: str = ""


def _read(name: str) -> dict:
    return json.loads((resources.files("schemas") / "asc-wds" / name).read_text(
        encoding="utf-8"))


@cache
def training_categories() -> MappingProxyType:
    """Every ASC-WDS training category by its bulk upload code."""
    return MappingProxyType({item["code"]: TrainingCategory(item["code"], item["name"])
                             for item in _read("training-categories.json")["categories"]})


@cache
def job_roles() -> MappingProxyType:
    """Every current ASC-WDS job role by its bulk upload code (MAINJOBROLE)."""
    return MappingProxyType({item["code"]: JobRole(item["code"], item["name"],
                                                   item["care_providing"])
                             for item in _read("job-roles.json")["roles"]})


@cache
def course_categories() -> MappingProxyType:
    """The category of every catalogue course (checked against the catalogue and code list)."""
    from .catalogue import load_catalogue

    categories = training_categories()
    found: dict[str, CourseCategory] = {}
    for item in _read("course-categories.json")["courses"]:
        entry = CourseCategory(item["course"], item["category"], item["match"],
                               item.get("why", ""))
        if entry.category is not None and entry.category not in categories:
            raise ConfigError(f"course-categories.json: {entry.course} has an unknown ASC-WDS "
                              f"category {entry.category}")
        found[entry.course] = entry
    missing = sorted(set(load_catalogue()) - set(found))
    if missing:
        raise ConfigError(f"course-categories.json: no ASC-WDS category for {missing[0]}")
    return MappingProxyType(found)


def category_for_course(course_key: str | None) -> int | None:
    entry = course_categories().get(course_key or "")
    return entry.category if entry else None


def alignment(code: int) -> dict:
    """The OB 3.0 Alignment naming one ASC-WDS training category (kept short: paper QR)."""
    category = training_categories()[code]
    return {"type": ["Alignment"], "targetCode": str(code), "targetFramework": FRAMEWORK,
            "targetName": category.name, "targetType": TARGET_TYPE,
            "targetUrl": f"{TARGET_URL}{code}"}


def category_from_alignment(achievement: dict) -> int | None:
    """The ASC-WDS category an achievement's alignment names, if any names a known one."""
    for item in as_list(achievement.get("alignment")):
        if not isinstance(item, dict) or item.get("targetFramework") != FRAMEWORK:
            continue
        code = item.get("targetCode")
        if isinstance(code, str) and _CODE.fullmatch(code) and int(code) in \
                training_categories():
            return int(code)
    return None


def category_of(achievement: dict, course_key: str | None) -> int | None:
    """Alignment first (the issuer said so, under its signature), then our catalogue."""
    return category_from_alignment(achievement) or category_for_course(course_key)


@cache
def _policy() -> dict:
    return _read("role-requirements.json")


def default_topics_for_role(code: int | None) -> tuple[str, ...]:
    """The training topics a job role needs by default (an employer can change them)."""
    policy = _policy()
    if code is None:
        return ()
    special = policy["by_role"].get(str(code))
    if special is not None:
        return tuple(special)
    role = job_roles().get(code)
    if role is None:
        return ()
    return tuple(policy["care_providing"] if role.care_providing else policy["everyone_else"])
