"""Keeping an OpenAPI 3.1 document true: route coverage against a Flask url_map, and real
responses validated against the documented status codes, media types and JSON Schemas
(OpenAPI 3.1 §4.8.17 Responses Object; schemas are JSON Schema 2020-12, checked with
``jsonschema`` + ``referencing`` so ``#/components/schemas/…`` references resolve in place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:skills-passport:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Framework endpoints every service has that serve files, not JSON.
ASSET_ENDPOINTS = frozenset({"static", "govuk_assets", "govuk_frontend", "zxing_assets",
                             "shared_static"})
# Pages every service with Welsh has (passport_web.i18n): the header's language switch.
SHARED_PAGE_ENDPOINTS = frozenset({"switch_language"})
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")

format_checker = FormatChecker()
for _name, _check in Draft202012Validator.FORMAT_CHECKER.checkers.items():
    format_checker.checkers[_name] = _check


@format_checker.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339 §5.6 date-time (jsonschema checks it only with an extra package installed)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def operations(document: dict) -> list[tuple[str, str, dict]]:
    """(METHOD, path template, operation) for every documented operation."""
    return [(method.upper(), path, item[method])
            for path, item in document["paths"].items()
            for method in METHODS if method in item]


def concrete_path(path: str, operation: dict) -> str:
    """The template with each path parameter replaced by its documented example."""
    examples = {parameter["name"]: parameter.get("example")
                for parameter in operation.get("parameters", []) if parameter["in"] == "path"}

    def fill(match: re.Match) -> str:
        value = examples.get(match.group(1))
        if value is None:
            raise AssertionError(f"{path}: path parameter {match.group(1)} has no example")
        return str(value)
    return re.sub(r"\{([^}]+)\}", fill, path)


@dataclass(frozen=True)
class Coverage:
    undocumented: set[tuple[str, str]]  # (METHOD, endpoint) served but not in the document
    unrouted: set[tuple[str, str]]  # (METHOD, path) documented but reaching no JSON endpoint


def route_coverage(app, document: dict, page_endpoint) -> Coverage:
    """Compare the app's JSON routes with the document, both ways.

    A route is a JSON route unless it serves files (ASSET_ENDPOINTS) or ``page_endpoint(name)``
    says it renders HTML pages — so a new blueprint counts as JSON, and must be documented,
    until someone decides otherwise. Each documented path, made concrete with its examples, is
    routed through ``url_map`` exactly as a request would be, so static-versus-variable segment
    precedence is taken into account.
    """
    served = {(method, rule.endpoint) for rule in app.url_map.iter_rules()
              if rule.endpoint not in ASSET_ENDPOINTS | SHARED_PAGE_ENDPOINTS
              and not page_endpoint(rule.endpoint)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    adapter = app.url_map.bind("localhost")
    reached: set[tuple[str, str]] = set()
    unrouted: set[tuple[str, str]] = set()
    for method, path, operation in operations(document):
        try:
            endpoint, _values = adapter.match(concrete_path(path, operation), method=method)
        except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, redirects: all unrouted
            unrouted.add((method, path))
            continue
        if (method, endpoint) in served:
            reached.add((method, endpoint))
        else:
            unrouted.add((method, path))
    return Coverage(served - reached, unrouted)


class ResponseChecker:
    """Validate real responses against one OpenAPI 3.1 document."""

    def __init__(self, document: dict) -> None:
        self.document = document
        self.registry = Registry().with_resource(
            DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            try:
                Draft202012Validator.check_schema(schema)
            except Exception as error:  # noqa: BLE001 - re-raised with the schema's name
                raise AssertionError(f"components.schemas.{name} is not valid: {error}") from None

    def check(self, method: str, path: str, status: int, media_type: str | None,
              body: object) -> list[str]:
        """Problems with one response to ``METHOD path`` (path is the template); [] if none."""
        item = self.document["paths"].get(path)
        if item is None or method.lower() not in item:
            return [f"{method} {path} is not documented"]
        responses = item[method.lower()]["responses"]
        key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
        if key not in responses:
            key = "default"
        if key not in responses:
            return [f"{method} {path}: status {status} is not documented "
                    f"(documented: {', '.join(sorted(responses))})"]
        content = responses[key].get("content")
        if not content:
            return [] if not body else [f"{method} {path} {status}: a body was not expected"]
        if body is None or body == b"":
            return [f"{method} {path} {status}: the body is missing or not JSON"]
        if media_type not in content:
            return [f"{method} {path} {status}: media type {media_type} is not documented "
                    f"(documented: {', '.join(sorted(content))})"]
        if not media_type.split(";")[0].endswith("json"):
            return []
        pointer = "/".join(part.replace("~", "~0").replace("/", "~1") for part in
                           ("paths", path, method.lower(), "responses", key, "content",
                            media_type, "schema"))
        validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/{pointer}"},
                                         registry=self.registry, format_checker=format_checker)
        return [f"{method} {path} {status}: {'/'.join(map(str, error.absolute_path)) or '(body)'}"
                f": {error.message}" for error in validator.iter_errors(body)]

    def check_flask(self, method: str, path: str, response) -> list[str]:
        """``check`` for a Flask test-client response."""
        media_type = response.mimetype or None
        body = response.get_json(silent=True) if (media_type or "").endswith("json") else None
        # a media type documented with its parameters (e.g. a profile) is matched whole
        whole = (response.content_type or "").replace(" ", "")
        if ";" in whole and "charset=" not in whole:
            media_type = whole
        return self.check(method, path, response.status_code, media_type,
                          response.data if body is None else body)

    def request_schema_errors(self, method: str, path: str, body: object,
                              media_type: str = "application/json") -> list[str]:
        """Problems with a request body against the documented request schema (examples)."""
        pointer = "/".join(part.replace("~", "~0").replace("/", "~1") for part in
                           ("paths", path, method.lower(), "requestBody", "content",
                            media_type, "schema"))
        validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/{pointer}"},
                                         registry=self.registry, format_checker=format_checker)
        return [f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
                for error in validator.iter_errors(body)]


def examples_of(document: dict) -> list[tuple[str, str, str, object]]:
    """(METHOD, path, media type, example) for every request-body example in the document."""
    found = []
    for method, path, operation in operations(document):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            if "example" in content:
                found.append((method, path, media_type, content["example"]))
            for example in content.get("examples", {}).values():
                found.append((method, path, media_type, example["value"]))
    return found


def schemathesis_settings(max_examples: int = 30):
    """Bounded, reproducible Hypothesis settings for a schemathesis run (no example database
    written into the project, no deadline: database writes make timings noisy)."""
    from hypothesis import HealthCheck, settings

    return settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), print_blob=True)
