"""Validity period: VC Data Model 2.0 §4.9 (validFrom/validUntil), 1.1 §4.6/§4.7.

An expired credential is not a forgery: the state and message here let the services show
"expired on 3 March 2026" instead of a generic failure (a pain point care workers report).
Dates are written the UK way, in UK time.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import MalformedValueError
from .values import as_list
from .vcdm import V1_CONTEXT, parse_vc_datetime

try:
    UK = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # a system without tz data: UTC is at most an hour out
    from datetime import UTC as UK  # type: ignore[assignment]


def _version(document: dict) -> str:
    contexts = as_list(document.get("@context"))
    return "1.1" if contexts and contexts[0] == V1_CONTEXT else "2.0"


def validity_window(document: dict) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the validity period as aware datetimes; None where not given."""
    version = _version(document)
    start_key, end_key = (("validFrom", "validUntil") if version == "2.0"
                          else ("issuanceDate", "expirationDate"))
    start = document.get(start_key)
    end = document.get(end_key)
    return (parse_vc_datetime(start, version, start_key) if start is not None else None,
            parse_vc_datetime(end, version, end_key) if end is not None else None)


@lru_cache(maxsize=4096)  # every verification says its dates; most credentials share a few
def uk_date(moment: datetime) -> str:
    """"3 March 2026" (no leading zero, as GOV.UK writes dates)."""
    local = moment.astimezone(UK)
    return f"{local.day} {local:%B %Y}"


def check_validity(document: dict, now: datetime,
                   window: tuple[datetime | None, datetime | None] | None = None
                   ) -> tuple[str, str]:
    """("valid" | "expired" | "not-yet-valid", plain-English message) at ``now``.

    ``window``: the document's ``validity_window``, when the caller already has it."""
    if now.tzinfo is None:
        raise MalformedValueError("The time to check against must include a time zone")
    start, end = validity_window(document) if window is None else window
    if start is not None and now < start:
        return "not-yet-valid", f"This credential is not valid until {uk_date(start)}."
    if end is not None and now > end:
        return "expired", f"This credential expired on {uk_date(end)}."
    if end is not None:
        return "valid", f"This credential is valid until {uk_date(end)}."
    return "valid", "This credential is valid and has no expiry date."
