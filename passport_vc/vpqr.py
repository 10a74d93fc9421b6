"""``VP1-`` QR codes (Digital Bazaar's vpqr format, shown by the Learner Credential Wallet).

Text: ``VP1-`` + a multibase payload, ``R`` + base45 (RFC 9285; vpqr's default) or ``B`` +
base32 (RFC 4648, upper case, no padding), of CBOR-LD bytes. CBOR-LD 1.0 (tag 0xcb1d, registry
entry 1: term compression by the document's contexts, no type table) is read and written by
the ``cborld`` package; contexts come only from the frozen offline loader, so a QR code can
never make this system fetch anything. The pre-1.0 tags (0x0501, 0x0600…) of older wallets are
refused with a plain message: ``cborld`` 1.0 reads them with ``cbor2`` 5 only, and this
project runs ``cbor2`` 6 (kept by ``webauthn``).

Decoding is bounded: the text (a version 40 QR code), the bytes, and the document's shape.
"""

from __future__ import annotations

import base64
import binascii

import base45

from .errors import MalformedValueError, ParsingError, TooLargeError
from .inputs import check_shape

HEADER = "VP1-"
MAX_TEXT_CHARS = 4_400  # a version 40 QR code holds 4,296 alphanumeric characters
MAX_BYTES = 16_384
REGISTRY_ENTRY = 1  # the registered "no type table" entry; term compression only
_CBORLD_1_0_TAG = b"\xd9\xcb\x1d"


def is_vpqr(text: object) -> bool:
    return isinstance(text, str) and text.strip()[:len(HEADER)].upper() == HEADER


def _document_loader():
    from .jsonld import default_loader

    loader = default_loader()

    def load(url: str, *_args, **_kwargs) -> dict:
        # The frozen loader refuses any context it does not bundle (UnknownContextError).
        return {"contextUrl": None, "documentUrl": url, "document": loader(url, {})["document"]}
    return load


def _payload_bytes(text: str) -> bytes:
    body = text[len(HEADER):]
    kind, data = body[:1].upper(), body[1:]
    try:
        if kind == "R":
            raw = base45.b45decode(data)
        elif kind == "B":
            raw = base64.b32decode(data.upper() + "=" * (-len(data) % 8))
        else:
            raise ParsingError("This VP1 QR code uses an encoding this checker does not know")
    except (ValueError, binascii.Error):
        raise ParsingError("The VP1 QR code text is damaged: some characters are wrong or "
                           "missing") from None
    if len(raw) > MAX_BYTES:
        raise TooLargeError("The VP1 QR code holds more than any credential needs")
    return raw


def decode_vpqr(text: str) -> dict:
    """The JSON-LD document (a credential or presentation) a ``VP1-`` QR code carries; not
    verified here."""
    from cborld import CborldError, decode

    if not is_vpqr(text):
        raise ParsingError("This is not a VP1 QR code (it should start with VP1-)")
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise TooLargeError("The VP1 QR code text is longer than any QR code can hold")
    raw = _payload_bytes(text)
    if not raw.startswith(_CBORLD_1_0_TAG):
        raise ParsingError("This QR code was made by an older wallet in a format this checker "
                           "cannot read yet. Ask the worker to send the credential file "
                           "instead.")
    try:
        document = decode(cborld_bytes=raw, document_loader=_document_loader())
    except MalformedValueError:
        raise
    except (CborldError, ValueError, TypeError, KeyError, IndexError, RecursionError) as error:
        raise ParsingError(f"The VP1 QR code could not be unpacked ({error})") from None
    if not isinstance(document, dict):
        raise ParsingError("The VP1 QR code does not hold a credential")
    check_shape(document)
    return document


def encode_vpqr(document: dict) -> str:
    """``VP1-R`` + base45 of the CBOR-LD 1.0 encoding of ``document`` (what vpqr writes)."""
    from cborld import CborldError, encode

    if not isinstance(document, dict):
        raise MalformedValueError("Only a credential (JSON object) can be put in a VP1 QR code")
    try:
        raw = encode(jsonld_document=document, document_loader=_document_loader(),
                     registry_entry_id=REGISTRY_ENTRY)
    except MalformedValueError:
        raise
    except (CborldError, ValueError, TypeError, KeyError) as error:
        raise MalformedValueError(f"This credential cannot be made into a VP1 QR code "
                                  f"({error})") from None
    return HEADER + "R" + base45.b45encode(bytes(raw)).decode("ascii")


__all__ = ["HEADER", "decode_vpqr", "encode_vpqr", "is_vpqr"]
