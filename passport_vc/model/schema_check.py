"""Data schemas: VC Data Model 2.0 §4.11 (``credentialSchema``) with VC JSON Schema ``JsonSchema``,
and the Open Badges 3.0 / VC 1.1 validators ``1EdTechJsonSchemaValidator2019`` and
``JsonSchemaValidator2018``.

Schemas come only from a local ``SchemaStore``: a schema fetched at run time could be swapped by
whoever controls its URL, and ``$ref`` to anything outside the store is refused, never fetched.
A schema we do not hold is reported as unknown (None), not as a failure.

The answer is jsonschema's (Python). A valid document is the common case and costs jsonschema
milliseconds, so a compiled validator (jsonschema-rs) answers first for self-contained schemas:
when it finds the document valid and the document has none of the characters on which the two
regular-expression engines disagree, that is the answer; anything else goes to jsonschema,
which decides and words the message. tests/property/test_schema_fast_path.py checks that both
give the same verdict on changed documents.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping

import jsonschema
import jsonschema_rs
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012, specification_with

from ..errors import ConfigError
from ..json_text import compact_json
from .values import as_list

SCHEMA_TYPES = frozenset({"JsonSchema", "1EdTechJsonSchemaValidator2019",
                          "JsonSchemaValidator2018"})
MAX_MESSAGE = 300
# Dialects the compiled validator is used for (others: jsonschema only).
FAST_DIALECTS = frozenset({"https://json-schema.org/draft/2020-12/schema",
                           "https://json-schema.org/draft/2019-09/schema",
                           "http://json-schema.org/draft-07/schema#"})
# Python's \s also matches U+001C..U+001F (str.isspace); ECMA-262 and Rust's do not.
_ENGINES_DISAGREE = re.compile(r"\\u001[c-f]")
_NO_FAST = object()


def _validator_class(schema: dict):
    """The draft named by ``$schema`` (Draft 7, 2019-09 for Open Badges, 2020-12 by default)."""
    return jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)


def _specification(schema: dict):
    dialect = schema.get("$schema")
    if not isinstance(dialect, str):
        return DRAFT202012
    return specification_with(dialect, default=DRAFT202012)


def _refuse_remote(uri: str):
    # Called by `referencing` for any $ref outside the store: never go to the network.
    raise NoSuchResource(ref=uri)


class SchemaStore(Mapping):
    """Known JSON Schemas by id URL; each is checked to be a valid schema when added."""

    def __init__(self, schemas: Mapping[str, dict] | None = None) -> None:
        self._schemas: dict[str, dict] = {}
        for schema_id, schema in (schemas or {}).items():
            self._add(schema_id, schema)
        self._registry = self._build_registry()
        self._validators: dict[str, object] = {}
        self._fast: dict[str, object] = {}

    def _add(self, schema_id: str, schema: dict) -> None:
        if not isinstance(schema, dict):
            raise ConfigError(f"The schema {schema_id} is not a JSON object")
        try:
            _validator_class(schema).check_schema(schema)
        except SchemaError as error:
            raise ConfigError(f"The schema {schema_id} is not a valid JSON Schema: "
                              f"{error.message}") from None
        self._schemas[schema_id] = copy.deepcopy(schema)

    def _build_registry(self) -> Registry:
        registry = Registry(retrieve=_refuse_remote)
        for schema_id, schema in self._schemas.items():
            resource = Resource(contents=schema, specification=_specification(schema))
            registry = registry.with_resource(schema_id, resource)
        return registry.crawl()

    def __getitem__(self, schema_id: str) -> dict:
        return self._schemas[schema_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._schemas)

    def __len__(self) -> int:
        return len(self._schemas)

    def get(self, schema_id: str, default: dict | None = None) -> dict | None:  # type: ignore[override]
        return self._schemas.get(schema_id, default)

    def validator(self, schema_id: str):
        if schema_id not in self._validators:
            schema = self._schemas[schema_id]
            cls = _validator_class(schema)
            self._validators[schema_id] = cls(schema, registry=self._registry,
                                              format_checker=cls.FORMAT_CHECKER)
        return self._validators[schema_id]

    def fast_validator(self, schema_id: str):
        """The compiled validator for a self-contained schema (only ``#…`` references, a
        known dialect), or None."""
        found = self._fast.get(schema_id)
        if found is None:
            schema = self._schemas[schema_id]
            found = _NO_FAST
            if schema.get("$schema") in FAST_DIALECTS and not _outside_refs(schema):
                try:
                    found = jsonschema_rs.validator_for(schema, validate_formats=True)
                except (ValueError, jsonschema_rs.ValidationError):
                    found = _NO_FAST
            self._fast[schema_id] = found
        return None if found is _NO_FAST else found

    def __repr__(self) -> str:
        return f"SchemaStore({len(self)} schemas)"


def _outside_refs(node) -> bool:
    """Does the schema refer to anything but itself (``$ref``/``$dynamicRef`` not ``#…``)?"""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef", "$recursiveRef") and \
                    not (isinstance(value, str) and value.startswith("#")):
                return True
            if _outside_refs(value):
                return True
    elif isinstance(node, list):
        return any(_outside_refs(item) for item in node)
    return False


def _valid_fast(store: SchemaStore, schema_id: str, document: dict) -> bool:
    """True only when the compiled validator finds the document valid on input where both
    engines read the patterns alike; False means "ask jsonschema", not "invalid"."""
    fast = store.fast_validator(schema_id)
    if fast is None:
        return False
    try:
        if not fast.is_valid(document):
            return False
    except (ValueError, TypeError, OverflowError):
        return False
    return _ENGINES_DISAGREE.search(compact_json(document)) is None


def json_path(parts) -> str:
    """Render a jsonschema error path as ``credentialSubject.achievement[0].name``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _plain_message(error: ValidationError) -> str:
    where = json_path(error.absolute_path) or "the credential"
    message = error.message
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return f"{where}: {message}"


def check_credential_schemas(document: dict,
                             store: SchemaStore) -> list[tuple[str, bool | None, str]]:
    """One (schema id, ok, message) per JSON Schema entry of ``credentialSchema``.

    ok is True (matches), False (does not: message names the JSON path) or None (the schema
    is not in the store, message "not known").
    """
    outcomes: list[tuple[str, bool | None, str]] = []
    for entry in as_list(document.get("credentialSchema")):
        if not isinstance(entry, dict):
            continue
        types = set(as_list(entry.get("type")))
        schema_id = entry.get("id")
        if not types & SCHEMA_TYPES or not isinstance(schema_id, str):
            continue
        if schema_id not in store:
            outcomes.append((schema_id, None, "not known"))
            continue
        if _valid_fast(store, schema_id, document):
            outcomes.append((schema_id, True, ""))
            continue
        try:
            error = best_match(store.validator(schema_id).iter_errors(document))
        except Unresolvable as unresolved:
            outcomes.append((schema_id, False, f"the schema refers to {unresolved.ref}, which "
                             "is not known here"))
            continue
        if error is None:
            outcomes.append((schema_id, True, ""))
        else:
            outcomes.append((schema_id, False, _plain_message(error)))
    return outcomes
