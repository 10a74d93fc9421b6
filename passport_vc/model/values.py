"""JSON values as the data model reads them: one-or-many, and absolute URLs."""

from __future__ import annotations

import re

# An absolute URL: a scheme, a colon and no white space (urn:uuid:…, did:…, https://…).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_url(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 8192 and _URL.fullmatch(value) is not None
