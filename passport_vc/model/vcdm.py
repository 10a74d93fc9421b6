"""Data model checks for credentials and presentations: W3C VC Data Model 2.0 §4 (and 1.1 §4).

Only the JSON shape the data model requires is checked here; what the terms *mean* (every
property defined, no relative IRIs) is JSON-LD safe mode's job in ``passport_vc.jsonld``.
Every error names the JSON path of the offending value and says what is wrong in plain words,
because it may be shown to a training provider whose credential we refused.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ..errors import MalformedValueError, ParsingError
from .related_resource import check_related_resources
from .values import as_list, is_url

V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VERSION_BY_CONTEXT = {V2_CONTEXT: "2.0", V1_CONTEXT: "1.1"}

# VC DM 2.0 §4.9: an XML Schema dateTimeStamp, time zone required.
DATE_TIME_STAMP = re.compile(
    r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))"
    r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))")
# VC DM 1.1 uses xsd:dateTime, where the time zone is optional (read as UTC when absent).
DATE_TIME = re.compile(DATE_TIME_STAMP.pattern + "?")

TYPED_ENTRIES = ("credentialStatus", "credentialSchema", "termsOfUse", "evidence",
                 "refreshService")
LANGUAGE_DIRECTIONS = ("ltr", "rtl")
PURPOSES = ("issue", "verify")


def _item_path(base: str, index: int, value: object) -> str:
    return f"{base}[{index}]" if isinstance(value, list) else base


# --- shared pieces ------------------------------------------------------------------------------
def _context_version(document: dict, what: str) -> str:
    if "@context" not in document:
        raise MalformedValueError(f"The {what} has no @context", path="@context")
    context = document["@context"]
    items = context if isinstance(context, list) else [context]
    if not items:
        raise MalformedValueError(f"The {what}'s @context is empty", path="@context")
    version = VERSION_BY_CONTEXT.get(items[0]) if isinstance(items[0], str) else None
    if version is None:
        raise MalformedValueError(
            f"The first @context of the {what} must be {V2_CONTEXT} (or {V1_CONTEXT} for "
            "version 1.1)", path="@context[0]" if isinstance(context, list) else "@context")
    if version == "2.0" and not isinstance(context, list):
        raise MalformedValueError(f"The {what}'s @context must be a list", path="@context")
    for index, item in enumerate(items[1:], start=1):
        path = f"@context[{index}]"
        if isinstance(item, str):
            if not is_url(item):
                raise MalformedValueError(f"The context {item!r:.80} is not a URL", path=path)
        elif not isinstance(item, dict):
            raise MalformedValueError("Each @context entry must be a URL or an object",
                                      path=path)
        if isinstance(item, str) and item in VERSION_BY_CONTEXT:
            raise MalformedValueError("The base context may only appear first", path=path)
    return version


def _check_type(document: dict, required: str, what: str, path: str = "type") -> None:
    if "type" not in document:
        raise MalformedValueError(f"The {what} has no type", path=path)
    types = document["type"]
    names = types if isinstance(types, list) else [types]
    if not names or not all(isinstance(name, str) and name for name in names):
        raise MalformedValueError(f"The {what}'s type must be text or a list of text",
                                  path=path)
    if required not in names:
        raise MalformedValueError(f"The {what}'s type must include {required}", path=path)


def _check_id(node: dict, path: str, what: str) -> None:
    if "id" in node and not is_url(node["id"]):
        raise MalformedValueError(
            f"The id of the {what} must be a single URL (such as urn:uuid:…, did:… or "
            f"https://…), not {node['id']!r:.80}", path=path)


def _check_entry_type(entry: dict, path: str, what: str) -> None:
    if "type" not in entry:
        raise MalformedValueError(f"Each {what} entry must say its type", path=path)
    types = entry["type"]
    names = types if isinstance(types, list) else [types]
    if not names or not all(isinstance(name, str) and name for name in names):
        raise MalformedValueError(f"The type of each {what} entry must be text", path=path)


def _check_language_value(value: object, path: str, name: str) -> None:
    """``name``/``description``: text, a language value object, or a list of those (§11.1)."""
    for index, item in enumerate(as_list(value)):
        where = _item_path(path, index, value)
        if isinstance(item, str):
            continue
        if not isinstance(item, dict) or not isinstance(item.get("@value"), str):
            raise MalformedValueError(
                f"The {name} must be text, or objects with '@value' text and an optional "
                "'@language'", path=where)
        extra = set(item) - {"@value", "@language", "@direction"}
        if extra:
            raise MalformedValueError(f"Unexpected {sorted(extra)[0]!r} in the {name}",
                                      path=where)
        if "@language" in item and not (isinstance(item["@language"], str)
                                        and re.fullmatch(r"[A-Za-z0-9-]{1,35}",
                                                         item["@language"])):
            raise MalformedValueError(f"The {name}'s @language is not a language tag",
                                      path=where + ".@language")
        if "@direction" in item and item["@direction"] not in LANGUAGE_DIRECTIONS:
            raise MalformedValueError(f"The {name}'s @direction must be 'ltr' or 'rtl'",
                                      path=where + ".@direction")
    if isinstance(value, list) and not value:
        raise MalformedValueError(f"The {name} must not be an empty list", path=path)


def _check_names(node: dict, path_prefix: str) -> None:
    for name in ("name", "description"):
        if name in node:
            _check_language_value(node[name], path_prefix + name, name)


def parse_vc_datetime(value: object, version: str, path: str) -> datetime:
    """Parse validFrom/validUntil (2.0, zone required) or issuanceDate/expirationDate (1.1)."""
    pattern = DATE_TIME_STAMP if version == "2.0" else DATE_TIME
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        zone = " with a time zone" if version == "2.0" else ""
        raise MalformedValueError(
            f"{path} must be a date and time{zone}, like 2026-03-03T09:00:00Z, not "
            f"{value!r:.60}", path=path)
    text = value
    end_of_day = "T24:00:00" in text
    if end_of_day:
        # 24:00:00 is midnight at the end of the day; Python only knows 00:00:00 of the next.
        text = re.sub(r"T24:00:00(\.0+)?", "T00:00:00", text)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedValueError(f"{path} is not a real date and time: {value!r:.60}",
                                  path=path) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment + timedelta(days=1) if end_of_day else moment


def _check_validity_period(document: dict, version: str) -> None:
    start_key, end_key = (("validFrom", "validUntil") if version == "2.0"
                          else ("issuanceDate", "expirationDate"))
    if version == "1.1" and start_key not in document:
        raise MalformedValueError("A version 1.1 credential needs an issuanceDate",
                                  path=start_key)
    start = (parse_vc_datetime(document[start_key], version, start_key)
             if start_key in document else None)
    end = parse_vc_datetime(document[end_key], version, end_key) if end_key in document else None
    if start is not None and end is not None and end < start:
        raise MalformedValueError(f"{end_key} is before {start_key}: the credential would never "
                                  "be valid", path=end_key)


# --- credentials --------------------------------------------------------------------------------
def _check_issuer(document: dict) -> None:
    if "issuer" not in document:
        raise MalformedValueError("The credential has no issuer", path="issuer")
    issuer = document["issuer"]
    if isinstance(issuer, dict):
        if not is_url(issuer.get("id")):
            raise MalformedValueError("The issuer needs an 'id' that is a URL (such as a DID)",
                                      path="issuer.id")
        _check_names(issuer, "issuer.")
    elif not is_url(issuer):
        raise MalformedValueError("The issuer must be a URL (such as a DID) or an object with "
                                  "an 'id' URL", path="issuer")


def _check_subjects(document: dict) -> None:
    if "credentialSubject" not in document:
        raise MalformedValueError("The credential has no credentialSubject",
                                  path="credentialSubject")
    value = document["credentialSubject"]
    subjects = as_list(value)
    if not subjects:
        raise MalformedValueError("The credentialSubject must not be empty",
                                  path="credentialSubject")
    for index, subject in enumerate(subjects):
        path = _item_path("credentialSubject", index, value)
        if not isinstance(subject, dict):
            raise MalformedValueError("Each credentialSubject must be an object", path=path)
        if not subject:
            raise MalformedValueError("Each credentialSubject must say something about its "
                                      "subject", path=path)
        _check_id(subject, path + ".id", "credential subject")


def _check_typed_entries(document: dict, version: str) -> None:
    for key in TYPED_ENTRIES:
        if key not in document:
            continue
        value = document[key]
        entries = as_list(value)
        if not entries:
            raise MalformedValueError(f"{key} must not be empty", path=key)
        for index, entry in enumerate(entries):
            path = _item_path(key, index, value)
            if not isinstance(entry, dict):
                raise MalformedValueError(f"Each {key} entry must be an object", path=path)
            _check_entry_type(entry, path + ".type", key)
            needs_id = key == "credentialSchema" or (
                version == "1.1" and key in ("credentialStatus", "refreshService"))
            if needs_id and "id" not in entry:
                raise MalformedValueError(f"Each {key} entry needs an 'id' URL",
                                          path=path + ".id")
            _check_id(entry, path + ".id", f"{key} entry")


def validate_credential(document: dict, *, purpose: str = "issue") -> str:
    """Check the data model of a credential; return its version, "2.0" or "1.1".

    ``purpose`` "issue" also refuses a document that already carries a proof.
    Raises ParsingError (not a JSON object) or MalformedValueError (with ``path``).
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    if not isinstance(document, dict):
        raise ParsingError("The credential must be a JSON object")
    version = _context_version(document, "credential")
    _check_type(document, "VerifiableCredential", "credential")
    _check_id(document, "id", "credential")
    _check_issuer(document)
    _check_subjects(document)
    _check_names(document, "")
    _check_validity_period(document, version)
    _check_typed_entries(document, version)
    if "relatedResource" in document:
        check_related_resources(document)
    if purpose == "issue" and "proof" in document:
        raise MalformedValueError("The credential already has a proof", path="proof")
    return version


# --- presentations ------------------------------------------------------------------------------
def validate_presentation(document: dict, *, purpose: str = "verify") -> str:
    """Check the data model of a presentation (VC DM 2.0 §4.13); return "2.0" or "1.1"."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    if not isinstance(document, dict):
        raise ParsingError("The presentation must be a JSON object")
    version = _context_version(document, "presentation")
    _check_type(document, "VerifiablePresentation", "presentation")
    _check_id(document, "id", "presentation")
    if "holder" in document:
        holder = document["holder"]
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        if not is_url(holder_id):
            raise MalformedValueError("The holder must be a URL (such as a DID)",
                                      path="holder.id" if isinstance(holder, dict) else "holder")
    if "verifiableCredential" in document:
        value = document["verifiableCredential"]
        for index, item in enumerate(as_list(value)):
            if not isinstance(item, dict):
                raise MalformedValueError(
                    "Each verifiableCredential must be a credential object",
                    path=_item_path("verifiableCredential", index, value))
    if purpose == "issue" and "proof" in document:
        raise MalformedValueError("The presentation already has a proof", path="proof")
    return version
