"""Compact QR payloads for paper and offline checks (see /work/shared/QR.md), and QR rendering.

Payload format ``SP2:`` + base45(zlib(marker + text)) where zlib uses the frozen preset
dictionary of passport_vc/qr_dictionary.py (RFC 1950 FDICT), and the marker is ``J`` for a
credential as minified JSON, ``T`` for a JWT and ``S`` for an SD-JWT (``dc+sd-jwt``, with its
disclosures). ``SP1:`` is the same without a dictionary: it is still read (paper already
printed) but no longer written. Base45 (RFC 9285) and the prefix use only the 45 characters of
QR alphanumeric mode (ISO/IEC 18004 §7.4.4), which packs 5.5 bits per character instead of 8.
Decoding bounds the decompressed size (STANDARDS.md trap 9).
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from html import escape

import base45
import qrcode
from qrcode.exceptions import DataOverflowError
from qrcode.util import MODE_ALPHA_NUM, QRData

from .errors import MalformedValueError, ParsingError, TooLargeError
from .json_text import JWT_PATTERN, SD_JWT_PATTERN, parse_json
from .qr_dictionary import sp2_dictionary, sp2_dictionary_id

PREFIX = "SP2:"  # what encode_compact writes
SP1_PREFIX = "SP1:"  # read only: no preset dictionary
PREFIXES = (PREFIX, SP1_PREFIX)
# what input readers look for before the colon (a text "SP1" with no colon still gets the
# "should start with" message rather than "not a credential")
PREFIX_STEMS = tuple(prefix[:3] for prefix in PREFIXES)
MAX_DECOMPRESSED = 65_536
MAX_PAPER_VERSION = 25
# The largest QR code (version 40, level L) holds 4,296 alphanumeric characters; allow for
# whitespace a person may paste around it.
MAX_TEXT_CHARS = 4_400
QUIET_ZONE = 4
JSON_MARKER, JWT_MARKER, SD_JWT_MARKER = b"J", b"T", b"S"
ALPHANUMERIC = frozenset(base45.BASE45_CHARSET)
ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_FDICT = 0x20  # RFC 1950 §2.2: FLG bit 5, a preset dictionary follows the header


# --- compact payloads ----------------------------------------------------------------------------
def encode_compact(document: dict | str) -> str:
    """A credential (dict) or a JWT (str) as ``SP2:`` text for a QR code."""
    if isinstance(document, dict):
        # keys keep their order: Data Integrity does not depend on it, and people read it
        payload = JSON_MARKER + json.dumps(document, separators=(",", ":"),
                                           ensure_ascii=False).encode("utf-8")
    elif isinstance(document, str) and JWT_PATTERN.match(document.strip()):
        payload = JWT_MARKER + document.strip().encode("ascii")
    elif isinstance(document, str) and SD_JWT_PATTERN.match(document.strip()):
        payload = SD_JWT_MARKER + document.strip().encode("ascii")
    else:
        raise MalformedValueError("Only a credential (JSON object) or a JWT can be put in a "
                                  "QR code")
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=sp2_dictionary())
    packed = packer.compress(payload) + packer.flush()
    return PREFIX + base45.b45encode(packed).decode("ascii")


def decode_compact(text: str, *, max_output: int = MAX_DECOMPRESSED) -> dict | str:
    """Read ``SP2:`` (or older ``SP1:``) text back to the credential (dict) or JWT (str)."""
    if not isinstance(text, str):
        raise ParsingError("The QR code text must be text")
    if len(text) > MAX_TEXT_CHARS:
        raise TooLargeError("The QR code text is longer than any QR code can hold")
    # Only line breaks and tabs are trimmed: a space is a valid base45 character.
    text = text.strip("\r\n\t\ufeff")
    prefix = text[:4].upper()
    if prefix not in PREFIXES:
        raise ParsingError("This is not a Skills Passport QR code (it should start with SP2: "
                           "or SP1:)")
    try:
        compressed = base45.b45decode(text[4:])
    except ValueError:
        raise ParsingError("The QR code text is damaged: some characters are wrong or "
                           "missing") from None
    if prefix == PREFIX:
        _check_dictionary(compressed)
        inflater = zlib.decompressobj(zlib.MAX_WBITS, zdict=sp2_dictionary())
    else:
        inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(compressed, max_output + 1)
    except zlib.error:
        raise ParsingError("The QR code text is damaged: it could not be unpacked") from None
    if len(payload) > max_output or inflater.unconsumed_tail:
        raise TooLargeError(f"The QR code unpacks to more than {max_output // 1024} KB, which "
                            "is more than any credential needs")
    if not inflater.eof or inflater.unused_data:
        raise ParsingError("The QR code text is damaged: it is cut short or has extra data")
    return _read_payload(payload, max_output)


def _check_dictionary(compressed: bytes) -> None:
    """An ``SP2:`` stream must name our dictionary: anything else was made by other software
    (or a later format) and would unpack to nonsense, so say so rather than "damaged"."""
    if len(compressed) < 6 or (compressed[0] * 256 + compressed[1]) % 31 \
            or compressed[0] & 0x0F != zlib.DEFLATED:
        raise ParsingError("The QR code text is damaged: it could not be unpacked")
    if not compressed[1] & _FDICT or compressed[2:6] != sp2_dictionary_id():
        raise ParsingError("This QR code was packed in a way this version of Skills Passport "
                           "does not know (an unknown dictionary). Ask for the certificate "
                           "file or a link instead.")


def _read_payload(payload: bytes, max_output: int) -> dict | str:
    marker, body = payload[:1], payload[1:]
    if marker == JSON_MARKER:
        try:
            document = parse_json(body, max_bytes=max_output)
        except ParsingError:
            raise ParsingError("The QR code does not hold a readable credential") from None
        if not isinstance(document, dict):
            raise ParsingError("The QR code does not hold a credential")
        return document
    if marker in (JWT_MARKER, SD_JWT_MARKER):
        try:
            token = body.decode("ascii")
        except UnicodeDecodeError:
            raise ParsingError("The QR code does not hold a readable token") from None
        if not (JWT_PATTERN if marker == JWT_MARKER else SD_JWT_PATTERN).match(token):
            raise ParsingError("The QR code does not hold a readable token")
        return token
    raise ParsingError("The QR code holds something other than a credential")


# --- rendering ------------------------------------------------------------------------------------
def _build(text: str, error_correction: str, box_size: int = 1) -> qrcode.QRCode:
    level = ERROR_CORRECTION.get(error_correction)
    if level is None:
        raise MalformedValueError(f"Error correction must be one of L, M, Q or H, "
                                  f"not {error_correction!r}")
    code = qrcode.QRCode(version=None, error_correction=level, box_size=box_size,
                         border=QUIET_ZONE)
    if text and ALPHANUMERIC.issuperset(text):
        code.add_data(QRData(text, mode=MODE_ALPHA_NUM))
    else:
        code.add_data(text)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        raise TooLargeError("This is too much to fit in one QR code") from None
    return code


def qr_matrix_version(text: str, *, error_correction: str = "M") -> int:
    """The QR version (1-40) ``text`` needs; paper codes should stay ≤ MAX_PAPER_VERSION."""
    return _build(text, error_correction).version


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules: one path segment per run keeps SVGs small."""
    runs, start = [], None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs


def qr_svg(text: str, *, error_correction: str = "M", title: str = "QR code") -> str:
    """An inline, accessible SVG: ``role="img"`` labelled by its ``<title>``, crisp modules."""
    matrix = _build(text, error_correction).get_matrix()  # includes the quiet zone
    size = len(matrix)
    title_id = "qr-title-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    path = "".join(f"M{x},{y}h{width}v1h-{width}z" for y, row in enumerate(matrix)
                   for x, width in _dark_runs(row))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'role="img" aria-labelledby="{title_id}" shape-rendering="crispEdges" '
            f'class="qr-code"><title id="{title_id}">{escape(title)}</title>'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{path}" fill="#000"/></svg>')


def qr_png(text: str, *, box_size: int = 8, error_correction: str = "M") -> bytes:
    """A black-on-white PNG with a 4-module quiet zone."""
    if not isinstance(box_size, int) or not 1 <= box_size <= 64:
        raise MalformedValueError("box_size must be a whole number from 1 to 64")
    image = _build(text, error_correction, box_size).make_image(fill_color="black",
                                                                back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
