"""Integrity of related resources: VC Data Model 2.0 §5.3 (``relatedResource``).

Each entry names a resource by URL and pins its bytes with ``digestSRI`` (W3C Subresource
Integrity: ``sha256-``/``sha384-``/``sha512-`` + standard base64) and/or ``digestMultibase``
(Data Integrity §2.6: multibase ``u`` base64url-nopad or ``z`` base58btc of a multihash).

Digests are over the resource's bytes *as published*, which need not be our bundled copy (the
npm package reformats the VC 2.0 context; VC DM 2.0 §B.1 quotes the SHA-256 of the revision
w3.org served at Recommendation). So when the resource is one of the credential's own contexts
we know, a digest must match either our bundled bytes or a published revision listed in
``passport_vc/data/published-context-digests.json`` (digests only, with their source). Resources
we cannot read offline are checked for form only: the verifier never fetches them.

Compatibility: the W3C vc-data-model-2.0 suite (and early implementations) write
``digestMultibase`` as a bare multibase SHA-256 without the multihash header. A value that is
not a SHA-2 multihash but has exactly a SHA-256/384/512 digest's length is read as that bare
digest; it is still compared with the resource, so nothing unchecked gets through.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from functools import cache
from importlib import resources

from ..errors import MalformedValueError
from ..keys.base58 import b58decode
from .values import as_list, is_url

SRI_ALGORITHMS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
# multihash code -> (hashlib name, digest length)
MULTIHASH = {0x12: ("sha256", 32), 0x20: ("sha384", 48), 0x13: ("sha512", 64)}
BARE_LENGTHS = {32: "sha256", 48: "sha384", 64: "sha512"}
PUBLISHED = resources.files("passport_vc") / "data" / "published-context-digests.json"


@cache
def published_digests() -> dict[str, list[dict]]:
    """URL -> published revisions ({sha256, sha384, sha512: hex, source, bytes})."""
    return json.loads(PUBLISHED.read_bytes())


def multibase_digest(data: bytes, algorithm: str = "sha256") -> str:
    """``digestMultibase`` of ``data``: ``u`` + base64url-nopad(multihash(digest))."""
    code = {name: number for number, (name, _) in MULTIHASH.items()}[algorithm]
    digest = hashlib.new(algorithm, data).digest()
    encoded = base64.urlsafe_b64encode(bytes([code, len(digest)]) + digest).rstrip(b"=")
    return "u" + encoded.decode("ascii")


def sri_digest(data: bytes, algorithm: str = "sha384") -> str:
    """``digestSRI`` of ``data`` (SRI §3.5: algorithm-base64 with padding)."""
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


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
    if len(raw) >= 2 and raw[0] in MULTIHASH and raw[1] == MULTIHASH[raw[0]][1] \
            and len(raw) == raw[1] + 2:
        return MULTIHASH[raw[0]][0], raw[2:]
    if len(raw) in BARE_LENGTHS:  # see "Compatibility" above
        return BARE_LENGTHS[len(raw)], raw
    raise MalformedValueError("digestMultibase is not a SHA-256, SHA-384 or SHA-512 multihash",
                              path=path)


def _known_digests(resource_id: str, raw: bytes):
    """Every (algorithm -> digest) the resource is known to have: bundled and published."""
    yield {name: hashlib.new(name, raw).digest() for name in SRI_ALGORITHMS}
    for revision in published_digests().get(resource_id, []):
        yield {name: bytes.fromhex(revision[name]) for name in SRI_ALGORITHMS}


def _matches(known: list[dict[str, bytes]], algorithm: str, digest: bytes) -> bool:
    return any(hmac.compare_digest(revision[algorithm], digest) for revision in known)


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
            known = list(_known_digests(resource_id, loader.get(resource_id).raw))
            if sri and not any(_matches(known, alg, digest) for alg, digest in sri):
                raise MalformedValueError(
                    f"The digestSRI for {resource_id} does not match that context",
                    path=path + ".digestSRI")
            if multibase and not _matches(known, *multibase):
                raise MalformedValueError(
                    f"The digestMultibase for {resource_id} does not match that context",
                    path=path + ".digestMultibase")
