"""Welsh display names for the training catalogue (``schemas/welsh/catalogue.json``).

Kept beside the catalogue, not inside it: the English catalogue is what credentials carry and
what the JSON Schemas check; Welsh is only how pages show it. Looked up by course key, topic
key or the English title a credential carries (credentials do not name their course key).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from .catalogue import load_catalogue


@cache
def _data() -> dict:
    return json.loads((resources.files("schemas") / "welsh" / "catalogue.json").read_text("utf-8"))


@cache
def _by_english_title() -> dict[str, tuple[str, str]]:
    names = _data()["courses"]
    table = {course.title: tuple(names[course.key]) for course in load_catalogue().values()
             if course.key in names}
    for topic, welsh in _data()["topics"].items():
        english = {"care-certificate": "Care Certificate",
                   "oliver-mcgowan": "Oliver McGowan training",
                   "qualification": "Qualification"}[topic]
        table.setdefault(english, (welsh, ""))
    return table


def welsh_title(english: str) -> str | None:
    """The Welsh name for a catalogue course or topic title, or None if it is not one."""
    found = _by_english_title().get(english)
    return found[0] if found else None


def welsh_description(english_title: str) -> str | None:
    found = _by_english_title().get(english_title)
    return found[1] or None if found else None


def missing_keys() -> list[str]:
    """Catalogue courses with no Welsh name (a test keeps this empty)."""
    names = _data()["courses"]
    return [course.key for course in load_catalogue().values() if course.key not in names]
