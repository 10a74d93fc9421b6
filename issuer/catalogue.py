"""The courses a provider can issue: the national catalogue plus the provider's own."""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from passport_vc.errors import ConflictError, MalformedValueError
from passport_web.sql import Database
from schemas.catalogue import Course, course_from_dict, load_catalogue

from .providers import ProviderService
from .storage import courses, dumps


class CatalogueService:
    def __init__(self, db: Database, providers: ProviderService) -> None:
        self.db, self.providers = db, providers

    def courses(self, slug: str) -> dict[str, Course]:
        """The national catalogue plus the provider's own courses."""
        provider = self.providers.provider(slug)
        catalogue = load_catalogue()
        with self.db.reading() as session:
            rows = session.execute(select(courses.c.data).where(
                courses.c.provider_id == provider.id).order_by(courses.c.id)).all()
        for row in rows:
            course = course_from_dict(json.loads(row.data))
            catalogue[course.key] = course
        return catalogue

    def add_course(self, slug: str, data: dict) -> Course:
        provider = self.providers.provider(slug)
        course = course_from_dict(data)
        if course.key in load_catalogue():
            raise ConflictError(f"{course.key!r} is already a course in the national catalogue; "
                                "choose another key", path="key")
        with self.db.transaction() as session:
            exists = session.execute(select(courses.c.id).where(
                courses.c.provider_id == provider.id, courses.c.key == course.key)).first()
            if exists:
                raise ConflictError(f"You already have a course called {course.key!r}",
                                    path="key")
            session.execute(insert(courses).values(provider_id=provider.id, key=course.key,
                                                   data=dumps(course.to_dict())))
        return course

    def course(self, slug: str, course_key: str) -> Course:
        found = self.courses(slug).get(course_key) if isinstance(course_key, str) else None
        if found is None:
            raise MalformedValueError("Choose a course from the list", path="course")
        return found
