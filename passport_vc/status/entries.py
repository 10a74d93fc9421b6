"""W3C Bitstring Status List 1.0 §2.1 BitstringStatusListEntry and §2.2
BitstringStatusListCredential: the two JSON shapes an issuer publishes.
"""

from __future__ import annotations

from datetime import datetime

from ..clock import format_datetime, parse_datetime
from ..errors import MalformedValueError, RangeError
from .bitstring import MIN_ENTRIES, encode_list

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
PURPOSES = frozenset({"revocation", "suspension", "refresh", "message"})


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise MalformedValueError(f"The status purpose {purpose!r} is not one of "
                                  f"{', '.join(sorted(PURPOSES))}")


def _check_url(list_url: str) -> None:
    if not isinstance(list_url, str) or not list_url.startswith(("https://", "http://")):
        raise MalformedValueError(f"The status list address {list_url!r} is not a web address")
    if "#" in list_url:
        raise MalformedValueError("The status list address must not contain '#'")


# One 2-bit "message" entry for the whole lifecycle (Bitstring Status List §2.1 statusSize /
# statusMessage): Open Badges 3.0's schema allows a single credentialStatus object, so
# revocation and suspension share one entry. Revoked wins over suspended (0x3).
LIFECYCLE_SIZE = 2
LIFECYCLE_VALUES = {"valid": 0, "suspended": 1, "revoked": 2}
LIFECYCLE_MESSAGES = ({"status": "0x0", "message": "valid"},
                      {"status": "0x1", "message": "suspended"},
                      {"status": "0x2", "message": "revoked"},
                      {"status": "0x3", "message": "revoked"})


def lifecycle_entry(list_url: str, index: int) -> dict:
    """A ``message`` entry whose 2-bit value says valid / suspended / revoked."""
    entry = status_entry(list_url, index, "message")
    entry["statusSize"] = LIFECYCLE_SIZE
    entry["statusMessage"] = [dict(item) for item in LIFECYCLE_MESSAGES]
    return entry


def status_entry(list_url: str, index: int, purpose: str) -> dict:
    """The ``credentialStatus`` entry pointing at ``index`` of the list at ``list_url``."""
    _check_url(list_url)
    _check_purpose(purpose)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise RangeError(f"The status index {index!r} must be a whole number of zero or more")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),  # §2.1: an integer expressed as a base-10 string
        "statusListCredential": list_url,
    }


def _timestamp(value: datetime | str) -> str:
    return format_datetime(parse_datetime(value) if isinstance(value, str) else value)


def list_credential(list_url: str, issuer: str, purpose: str, bits: bytes | bytearray, *,
                    valid_from: datetime | str, valid_until: datetime | str | None = None,
                    status_size: int = 1) -> dict:
    """An unsigned VC 2.0 BitstringStatusListCredential; sign it like any other credential.
    ``status_size`` bits per entry (2 for a lifecycle list): the minimum is per entry."""
    _check_url(list_url)
    _check_purpose(purpose)
    if len(bits) * 8 < MIN_ENTRIES * status_size:
        raise RangeError(f"A status list needs at least {MIN_ENTRIES:,} entries")
    credential: dict = {
        "@context": [VC2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _timestamp(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    credential["credentialSubject"] = {
        "id": list_url + "#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_list(bits),
    }
    return credential
