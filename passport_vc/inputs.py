"""Reading untrusted input: JSON text, a JWT, or a compact QR payload — all bounded."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .errors import ParsingError, TooLargeError

MAX_INPUT_BYTES = 512 * 1024
MAX_DEPTH = 48
MAX_NODES = 50_000
JWT_PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\Z")
# RFC 9901 compact SD-JWT: <JWT>~<disclosure>~...~<optional KB-JWT>
SD_JWT_PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*~"
                            r"(?:[A-Za-z0-9_-]+~)*"
                            r"(?:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?\Z")


@dataclass(frozen=True)
class UnverifiedInput:
    """What the caller gave us, identified but not yet trusted."""

    kind: str  # "json" | "jwt" | "sd-jwt"
    value: dict | str


def check_shape(value: object, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Refuse documents nested too deeply or with too many parts (iteratively: no recursion)."""
    stack = [(value, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise TooLargeError(f"The document has more than {max_nodes} parts")
        if depth > max_depth:
            raise ParsingError(f"The document is nested more than {max_depth} levels deep")
        if isinstance(node, str):
            if "\x00" in node:
                raise ParsingError("The document contains a NUL character, which no credential "
                                   "has")
        elif isinstance(node, dict):
            if any("\x00" in key for key in node):
                raise ParsingError("The document contains a NUL character, which no credential "
                                   "has")
            stack.extend((item, depth + 1) for item in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


def parse_json(text: str | bytes, *, max_bytes: int = MAX_INPUT_BYTES) -> object:
    if len(text) > max_bytes:
        raise TooLargeError(f"The input is larger than {max_bytes // 1024} KB")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ParsingError("The JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ParsingError(f"This is not valid JSON ({error})") from None
    check_shape(value)
    return value


def read_unverified(value: dict | str | bytes) -> UnverifiedInput:
    """Identify a credential/presentation given as an object, JSON text, JWT, SD-JWT, or the
    text of an ``SP1:`` or ``VP1-`` QR code."""
    if isinstance(value, dict):
        check_shape(value)
        return UnverifiedInput("json", value)
    if isinstance(value, bytes):
        if len(value) > MAX_INPUT_BYTES:
            raise TooLargeError(f"The input is larger than {MAX_INPUT_BYTES // 1024} KB")
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise ParsingError("The input is not text (UTF-8)") from None
    if not isinstance(value, str):
        raise ParsingError("Expected a credential as JSON, a JWT or a QR code text")
    if len(value) > MAX_INPUT_BYTES:
        raise TooLargeError(f"The input is larger than {MAX_INPUT_BYTES // 1024} KB")
    text = value.strip().lstrip("\ufeff")
    if not text:
        raise ParsingError("The input is empty")
    if text.startswith("{"):
        document = parse_json(text)
        if not isinstance(document, dict):
            raise ParsingError("Expected a JSON object")
        return UnverifiedInput("json", document)
    if text[:4].upper() == "VP1-":  # the Learner Credential Wallet's CBOR-LD QR code
        from .vpqr import decode_vpqr

        return read_unverified(decode_vpqr(text))
    if text.upper().startswith("SP1"):
        from .qr import decode_compact

        decoded = decode_compact(text)
        return read_unverified(decoded)
    if text.startswith("openid-credential-offer:"):
        raise ParsingError("This is a credential offer for a wallet app, not a credential to "
                           "check. Open it in the worker's wallet to receive the credential.")
    if JWT_PATTERN.match(text):
        return UnverifiedInput("jwt", text)
    if SD_JWT_PATTERN.match(text):
        return UnverifiedInput("sd-jwt", text)
    raise ParsingError("This is not a credential: expected JSON, a JWT or a Skills Passport QR "
                       "code")
