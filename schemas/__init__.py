"""Skills Passport data: the care JSON-LD context, JSON Schemas and the training catalogue.

Package data: ``contexts/`` (picked up by ``passport_vc.jsonld.loader``), ``*.json`` JSON Schemas
(VC JSON Schema ``JsonSchema``, Draft 2020-12) and ``catalogue/*.json``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from passport_vc.model.schema_check import SchemaStore

from .builder import SCHEMA_ID, build_training_credential
from .catalogue import (
    DEFAULT_REQUIRED_TOPICS,
    Course,
    course_from_dict,
    default_refresh_months,
    load_catalogue,
)
from .summary import CONTEXT_URL, TrainingSummary, summarise


@cache
def _schemas() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for file in resources.files("schemas").iterdir():
        if file.name.endswith(".json"):
            schema = json.loads(file.read_text(encoding="utf-8"))
            found[schema.get("$id", file.name)] = schema
    return found


def schema_store() -> SchemaStore:
    """Every JSON Schema shipped in this folder, by its ``$id``."""
    return SchemaStore(_schemas())


__all__ = ["CONTEXT_URL", "Course", "DEFAULT_REQUIRED_TOPICS", "SCHEMA_ID", "SchemaStore",
           "TrainingSummary", "build_training_credential", "course_from_dict",
           "default_refresh_months", "load_catalogue", "schema_store", "summarise"]
