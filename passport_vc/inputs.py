"""Reading untrusted input: JSON text, a JWT, or a compact QR payload — all bounded."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ParsingError, TooLargeError
from .json_text import (
    JWT_PATTERN,
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    MAX_NODES,
    SD_JWT_PATTERN,
    check_shape,
    parse_json,
)
from .qr import PREFIX_STEMS, decode_compact

__all__ = ["JWT_PATTERN", "MAX_DEPTH", "MAX_INPUT_BYTES", "MAX_NODES", "SD_JWT_PATTERN",
           "UnverifiedInput", "check_shape", "parse_json", "read_unverified"]


@dataclass(frozen=True)
class UnverifiedInput:
    """What the caller gave us, identified but not yet trusted."""

    kind: str  # "json" | "jwt" | "sd-jwt"
    value: dict | str


def read_unverified(value: dict | str | bytes) -> UnverifiedInput:
    """Identify a credential/presentation given as an object, JSON text, JWT, SD-JWT, or the
    text of an ``SP2:``/``SP1:`` or ``VP1-`` QR code."""
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
    if text[:3].upper() in PREFIX_STEMS:
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
