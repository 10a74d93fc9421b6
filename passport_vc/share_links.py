"""Interview share links: a signed presentation, encrypted so the wallet server cannot read it.

The worker's presentation is encrypted with AES-256-GCM (NIST SP 800-38D) under a fresh random
key. The server stores only the ciphertext; the key travels in the link's fragment
(``/s/<id>#<key>``), which browsers never send to a server (RFC 3986 §3.5). Whoever holds the
whole link can open the presentation; the server, its backups and its logs cannot.

Pure functions, no Flask: the wallet encrypts with them and the verifier opens links with
``decrypt_shared``; neither service imports the other.
Envelope (what ``GET /s/<id>`` returns as JSON)::

    {"type": "SkillsPassportSharedPresentation", "alg": "A256GCM",
     "iv": <base64url 12 bytes>, "ciphertext": <base64url>, "expires": <dateTimeStamp>}
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import os
import re
import zlib
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from passport_vc.errors import CryptographicSecurityError, MalformedValueError, TooLargeError
from passport_vc.inputs import parse_json

ENVELOPE_TYPE = "SkillsPassportSharedPresentation"
ALGORITHM = "A256GCM"
KEY_BYTES = 32
IV_BYTES = 12
MAX_CIPHERTEXT = 2 * 1024 * 1024
MAX_PLAINTEXT = 4 * 1024 * 1024
# Authenticated data: ties the ciphertext to this format, so it cannot be replayed elsewhere.
_AAD = ENVELOPE_TYPE.encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or len(text) > MAX_CIPHERTEXT * 2:
        raise ValueError("not base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url text") from None


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encrypt_presentation(presentation: dict, key: bytes) -> tuple[str, str]:
    """Return (iv, ciphertext), both base64url. The plaintext is deflated JSON."""
    if len(key) != KEY_BYTES:
        raise ValueError("share keys are 32 bytes")
    plaintext = zlib.compress(json.dumps(presentation, separators=(",", ":"),
                                         ensure_ascii=False).encode("utf-8"), 6)
    iv = os.urandom(IV_BYTES)
    return b64url(iv), b64url(AESGCM(key).encrypt(iv, plaintext, _AAD))


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_PLAINTEXT)
    if inflater.unconsumed_tail:
        raise TooLargeError("The shared record is too large to open")
    return out


def decrypt_shared(envelope: dict, key_b64: str) -> dict:
    """Open a share envelope with the key from the link's fragment; return the presentation.

    Raises MalformedValueError for something that is not a share envelope and
    CryptographicSecurityError when the key does not open it (wrong or incomplete link, or the
    stored copy was changed).
    """
    if not isinstance(envelope, dict) or envelope.get("type") != ENVELOPE_TYPE:
        raise MalformedValueError("This is not a Skills Passport shared record")
    if envelope.get("alg") != ALGORITHM:
        raise MalformedValueError("This shared record uses an encryption this system does "
                                  "not accept")
    try:
        iv = b64url_decode(envelope.get("iv", ""))
        ciphertext = b64url_decode(envelope.get("ciphertext", ""))
        key = b64url_decode(key_b64.strip() if isinstance(key_b64, str) else "")
    except ValueError:
        raise MalformedValueError("The shared record or its key is damaged. Check you copied "
                                  "the whole link.") from None
    if len(iv) != IV_BYTES or len(key) != KEY_BYTES or not ciphertext:
        raise MalformedValueError("The link's key is incomplete. Check you copied the whole "
                                  "link, including the part after #.")
    try:
        plaintext = AESGCM(key).decrypt(iv, ciphertext, _AAD)
    except InvalidTag:
        raise CryptographicSecurityError("The key in this link does not open the shared record. "
                                         "Check you copied the whole link.") from None
    try:
        document = parse_json(_inflate(plaintext), max_bytes=MAX_PLAINTEXT)
    except zlib.error:
        raise MalformedValueError("The shared record is damaged") from None
    if not isinstance(document, dict):
        raise MalformedValueError("The shared record is not a presentation")
    return document


def _is_ip(host: str | None) -> bool:
    try:
        ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return True


_LINK_PART = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")


def split_share_link(link: str) -> tuple[str, str, str]:
    """``https://host/s/<id>#<key>`` → (base URL of the envelope, share id, key).

    Anything else — not text, too long, an address urlsplit cannot read (``http://[::1``), a
    bad port, an id or key that is not base64url — is MalformedValueError, never ValueError.
    """
    refused = MalformedValueError("This is not a Skills Passport share link. It looks like "
                                  "https://…/s/…#…")
    if not isinstance(link, str) or len(link) > 4096:
        raise refused
    link = link.strip()
    if not link.isascii() or any(not char.isprintable() or char.isspace() for char in link):
        raise refused
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 - reading it validates the port (ValueError if not a number)
    except ValueError:
        raise refused from None
    if "[" in parts.netloc and not _is_ip(parts.hostname):
        raise refused  # a bracketed host must be an IPv6 address
    segments = [segment for segment in parts.path.split("/") if segment]
    if (parts.scheme not in ("http", "https") or not parts.hostname or len(segments) < 2
            or segments[-2] != "s" or not _LINK_PART.match(segments[-1])
            or not _LINK_PART.match(parts.fragment) or parts.query
            or parts.username is not None or parts.password is not None):
        raise refused
    return f"{parts.scheme}://{parts.netloc}{parts.path}", segments[-1], parts.fragment
