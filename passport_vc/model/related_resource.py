"""Integrity of related resources: VC Data Model 2.0 §5.3 (``relatedResource``).

Each entry names a resource by URL and pins its bytes with ``digestSRI`` (W3C Subresource
Integrity: ``sha256-``/``sha384-``/``sha512-`` + base64) and/or ``digestMultibase`` (multibase
``u`` base64url or ``z`` base58btc of a multihash). When the resource is one of the credential's
own JSON-LD contexts and we ship that context, the digest is checked against the bundled bytes:
an issuer that pins a context we hold must mean the same document we will use to read it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from ..errors import MalformedValueError
from ..keys.base58 import b58decode
from .values import as_list, is_url

SRI_ALGORITHMS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
# multihash code -> (hashlib name, digest length)
MULTIHASH = {0x12: ("sha256", 32), 0x20: ("sha384", 48), 0x13: ("sha512", 64)}


def parse_sri(value: object, path: str) -> list[tuple[str, bytes]]:
    """All (algorithm, digest) pairs of an SRI string; one must match (SRI §3.3.3)."""
    if not isinstance(value, str) or not value.strip():
        raise MalformedValueError("digestSRI must be text like 'sha384-…'", path=path)
    found: list[tuple[str, bytes]] = []
    for token in value.split():
        algorithm, _, rest = token.partition("-")
        encoded = rest.split("?", 1)[0]
        if algorithm not in SRI_ALGORITHMS or not encoded:
            raise MalformedValueError(
                f"digestSRI must start with sha256-, sha384- or sha512- (got {token[:20]!r})",
                path=path)
        try:
            digest = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedValueError("digestSRI is not valid base64", path=path) from None
        if len(digest) != hashlib.new(algorithm).digest_size:
            raise MalformedValueError(f"digestSRI has the wrong length for {algorithm}",
                                      path=path)
        found.append((algorithm, digest))
    return found


def parse_multibase_digest(value: object, path: str) -> tuple[str, bytes]:
    """(algorithm, digest) of a multibase-encoded multihash."""
    if not isinstance(value, str) or len(value) < 2:
        raise MalformedValueError("digestMultibase must be multibase text", path=path)
    prefix, body = value[0], value[1:]
    try:
        if prefix == "u":
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        elif prefix == "z":
            raw = b58decode(body)
        else:
            raise MalformedValueError(
                "digestMultibase must be base64url ('u…') or base58btc ('z…')", path=path)
    except (binascii.Error, ValueError):
        raise MalformedValueError("digestMultibase could not be decoded", path=path) from None
    if len(raw) < 2 or raw[0] not in MULTIHASH:
        raise MalformedValueError("digestMultibase is not a SHA-2 multihash", path=path)
    algorithm, length = MULTIHASH[raw[0]]
    if raw[1] != length or len(raw) != length + 2:
        raise MalformedValueError("digestMultibase has the wrong length", path=path)
    return algorithm, raw[2:]


def _matches(data: bytes, algorithm: str, digest: bytes) -> bool:
    return hmac.compare_digest(hashlib.new(algorithm, data).digest(), digest)


def check_related_resources(document: dict, *, loader=None) -> None:
    """Raise MalformedValueError for a malformed entry or a digest that does not match."""
    if "relatedResource" not in document:
        return
    value = document["relatedResource"]
    entries = as_list(value)
    if not entries:
        raise MalformedValueError("relatedResource must list at least one resource",
                                  path="relatedResource")
    if loader is None:
        from ..jsonld import default_loader

        loader = default_loader()
    contexts = {item for item in as_list(document.get("@context")) if isinstance(item, str)}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        path = f"relatedResource[{index}]" if isinstance(value, list) else "relatedResource"
        if not isinstance(entry, dict):
            raise MalformedValueError("Each related resource must be an object", path=path)
        resource_id = entry.get("id")
        if not is_url(resource_id):
            raise MalformedValueError("Each related resource needs an 'id' that is a URL",
                                      path=path + ".id")
        if resource_id in seen:
            raise MalformedValueError(f"The related resource {resource_id} is listed twice",
                                      path=path + ".id")
        seen.add(resource_id)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            raise MalformedValueError(
                f"The related resource {resource_id} has no digestSRI or digestMultibase",
                path=path)
        sri = parse_sri(entry["digestSRI"], path + ".digestSRI") if "digestSRI" in entry else []
        multibase = (parse_multibase_digest(entry["digestMultibase"], path + ".digestMultibase")
                     if "digestMultibase" in entry else None)
        if resource_id in contexts and resource_id in loader:
            raw = loader.get(resource_id).raw
            if sri and not any(_matches(raw, alg, digest) for alg, digest in sri):
                raise MalformedValueError(
                    f"The digestSRI for {resource_id} does not match that context",
                    path=path + ".digestSRI")
            if multibase and not _matches(raw, *multibase):
                raise MalformedValueError(
                    f"The digestMultibase for {resource_id} does not match that context",
                    path=path + ".digestMultibase")
