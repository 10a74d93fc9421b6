"""Enveloped credentials and presentations (VC DM 2.0 §4.13.1, VC-JOSE-COSE §3.2 / §3.3).

An ``EnvelopedVerifiableCredential`` carries a whole secured credential in its ``id`` as a
``data:`` URL (RFC 2397), e.g. ``data:application/vc+jwt,eyJ…`` or
``data:application/vc+cose;base64,0oRY…``; SD-JWTs (``vc+sd-jwt``, ``vp+sd-jwt``,
``dc+sd-jwt``) come out as text like JWTs. Opening one only reads the URL: what it gives back
(token text, COSE bytes or a JSON object) is still unverified and goes through the normal checks.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_to_bytes

from .errors import ParsingError
from .inputs import MAX_INPUT_BYTES, parse_json

ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"
ENVELOPED_PRESENTATION = "EnvelopedVerifiablePresentation"
# media type -> what the payload is; JOSE tokens stay text, JSON-LD is parsed
# (application/dc+sd-jwt: an IETF SD-JWT VC; application/vc+sd-jwt / vp+sd-jwt: VC-JOSE-COSE,
# a W3C document secured as an SD-JWT — all opened as text)
TOKEN_TYPES = {"application/vc+jwt", "application/vc+sd-jwt", "application/dc+sd-jwt",
               "application/vp+jwt", "application/vp+sd-jwt"}
JSON_TYPES = {"application/vc", "application/vp", "application/vc+ld+json",
              "application/vp+ld+json"}
COSE_TYPES = {"application/vc+cose", "application/vp+cose"}
# which envelope may carry which media types (a presentation is not a credential)
KIND_PREFIX = {ENVELOPED_CREDENTIAL: ("application/vc", "application/dc+sd-jwt"),
               ENVELOPED_PRESENTATION: ("application/vp",)}


def is_enveloped(value: object, kind: str = ENVELOPED_CREDENTIAL) -> bool:
    if not isinstance(value, dict):
        return False
    types = value.get("type")
    return types == kind or (isinstance(types, list) and kind in types)


def parse_data_url(url: object, path: str = "id") -> tuple[str, bytes]:
    """(media type, bytes) of a ``data:`` URL; bounded like every other input."""
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        raise ParsingError("An enveloped credential's id must be a data: URL", path=path)
    if len(url) > MAX_INPUT_BYTES * 2:
        raise ParsingError("The enveloped credential is too large", path=path)
    header, data = url[5:].split(",", 1)
    parameters = header.split(";")
    media_type = parameters[0].strip().lower() or "text/plain"
    try:
        if "base64" in (item.strip().lower() for item in parameters[1:]):
            # Padding is optional and whitespace ignorable in practice (VC-JOSE-COSE's own
            # examples omit the padding); the alphabet is still checked strictly.
            text = b"".join(unquote_to_bytes(data).split())
            raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
        else:
            raw = unquote_to_bytes(data)
    except (binascii.Error, ValueError):
        raise ParsingError("The enveloped credential's data is not valid base64",
                           path=path) from None
    return media_type, raw


def open_envelope(envelope: dict, *, kind: str = ENVELOPED_CREDENTIAL,
                  path: str = "id") -> dict | str | bytes:
    """The secured document inside: JWT/SD-JWT text, COSE bytes, or a JSON object."""
    if not is_enveloped(envelope, kind):
        raise ParsingError(f"This is not an {kind}", path="type")
    media_type, raw = parse_data_url(envelope.get("id"), path)
    what = "credential" if kind == ENVELOPED_CREDENTIAL else "presentation"
    if media_type in TOKEN_TYPES | JSON_TYPES | COSE_TYPES and \
            not media_type.startswith(KIND_PREFIX[kind]):
        raise ParsingError(f"An enveloped {what} cannot hold {media_type}", path=path)
    if media_type in TOKEN_TYPES:
        try:
            return raw.decode("ascii").strip()
        except UnicodeDecodeError:
            raise ParsingError("The enveloped token is not text", path=path) from None
    if media_type in JSON_TYPES:
        document = parse_json(raw)
        if not isinstance(document, dict):
            raise ParsingError("The enveloped document is not a JSON object", path=path)
        return document
    if media_type in COSE_TYPES:
        return raw
    raise ParsingError(f"The enveloped {what} has the media type {media_type!r}, which is "
                       f"not a verifiable {what}", path=path)
