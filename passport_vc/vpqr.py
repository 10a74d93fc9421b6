"""``VP1-`` QR codes (Digital Bazaar's vpqr format, shown by the Learner Credential Wallet).

Text: ``VP1-`` + a multibase payload, ``R`` + base45 (RFC 9285; vpqr's default) or ``B`` +
base32 (RFC 4648, upper case, no padding), of CBOR-LD bytes. CBOR-LD 1.0 (tag 0xcb1d, registry
entry 1: term compression by the document's contexts, no type table) is read and written by
the ``cborld`` package; contexts come only from the frozen offline loader, so a QR code can
never make this system fetch anything. The pre-1.0 single tags older wallets wrote (0x0501
compressed, 0x0500 plain CBOR) are read too; ``cborld`` 1.0's own parser finds no payload after
them under ``cbor2`` 6 (its decoder reads the stream ahead, so the position the parser takes
the payload from is already at the end), so for those two tags the payload is split off here
and handed to the same ``cborld`` decompressor. The legacy range tags (0x0600…) are refused
with a plain message.

Decoding is bounded: the text (a version 40 QR code), the bytes, and the document's shape.
"""

from __future__ import annotations

import base64
import binascii

import base45

from .errors import MalformedValueError, ParsingError, TooLargeError
from .json_text import check_shape

HEADER = "VP1-"
MAX_TEXT_CHARS = 4_400  # a version 40 QR code holds 4,296 alphanumeric characters
MAX_BYTES = 16_384
REGISTRY_ENTRY = 1  # the registered "no type table" entry; term compression only
_CBORLD_1_0_TAG = b"\xd9\xcb\x1d"
_LEGACY_COMPRESSED, _LEGACY_PLAIN = b"\xd9\x05\x01", b"\xd9\x05\x00"


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
    from cbor2 import CBORError
    from cborld import CborldError, decode

    if not is_vpqr(text):
        raise ParsingError("This is not a VP1 QR code (it should start with VP1-)")
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise TooLargeError("The VP1 QR code text is longer than any QR code can hold")
    raw = _payload_bytes(text)
    if not raw.startswith((_CBORLD_1_0_TAG, _LEGACY_COMPRESSED, _LEGACY_PLAIN)):
        raise ParsingError("This QR code was made by an older wallet in a format this checker "
                           "cannot read yet. Ask the worker to send the credential file "
                           "instead.")
    try:
        if raw.startswith(_CBORLD_1_0_TAG):
            document = decode(cborld_bytes=raw, document_loader=_document_loader())
        else:
            document = _decode_legacy(raw)
    except MalformedValueError:
        raise
    # cborld does not check the shape it is given (a payload that is not a map fails with an
    # AttributeError), and cbor2 6's errors are no longer ValueErrors.
    except (CborldError, CBORError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError) as error:
        raise ParsingError(f"The VP1 QR code could not be unpacked ({error})") from None
    if not isinstance(document, dict):
        raise ParsingError("The VP1 QR code does not hold a credential")
    check_shape(document)
    return document


def _decode_legacy(raw: bytes) -> object:
    """Tag 0x0501 (compressed with the legacy type table) or 0x0500 (plain CBOR)."""
    import cbor2
    from cborld.cbor_map import to_cbord_maps
    from cborld.converter import Converter
    from cborld.decompressor import Decompressor
    from cborld.tables import create_legacy_type_table

    try:
        payload = cbor2.loads(raw[len(_LEGACY_COMPRESSED):])
    except (cbor2.CBORError, ValueError, OverflowError):
        raise ParsingError("The VP1 QR code could not be unpacked") from None
    if raw.startswith(_LEGACY_PLAIN):
        return payload
    converter = Converter(strategy=Decompressor(type_table=create_legacy_type_table()),
                          document_loader=_document_loader(), legacy=True)
    return converter.convert(source=to_cbord_maps(payload))


def encode_vpqr(document: dict) -> str:
    """``VP1-R`` + base45 of the CBOR-LD 1.0 encoding of ``document`` (what vpqr writes)."""
    from cbor2 import CBORError
    from cborld import CborldError, encode

    if not isinstance(document, dict):
        raise MalformedValueError("Only a credential (JSON object) can be put in a VP1 QR code")
    try:
        raw = encode(jsonld_document=document, document_loader=_document_loader(),
                     registry_entry_id=REGISTRY_ENTRY)
    except MalformedValueError:
        raise
    except (CborldError, CBORError, ValueError, TypeError, KeyError) as error:
        raise MalformedValueError(f"This credential cannot be made into a VP1 QR code "
                                  f"({error})") from None
    return HEADER + "R" + base45.b45encode(bytes(raw)).decode("ascii")


__all__ = ["HEADER", "decode_vpqr", "encode_vpqr", "is_vpqr"]
