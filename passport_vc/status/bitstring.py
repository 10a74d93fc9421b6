"""W3C Bitstring Status List 1.0 §2.1 and §3.1 (Bitstring Encoding / Generation) and §3.2 (expand).

The list is a bitstring whose index 0 is the left-most (most significant) bit of byte 0. It is
GZIP-compressed and encoded as multibase base64url without padding (prefix ``u``). Lists have at
least 131,072 entries so one index says little about which credential was checked (herd
privacy); indexes are allocated at random and never reused (STANDARDS.md trap 7).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import secrets
import zlib
from collections.abc import Callable

from ..errors import MalformedValueError, RangeError, TooLargeError

MIN_ENTRIES = 131_072
MAX_DECODED_BYTES = 2_097_152
# gzip level 6: level 9 is up to 16x slower for 13-26 % smaller lists (STANDARDS.md trap 7)
GZIP_LEVEL = 6
MULTIBASE_BASE64URL = "u"
_RANDOM_TRIES = 64


def new_list(size: int = MIN_ENTRIES, *, status_size: int = 1) -> bytearray:
    """An all-zero bitstring for ``size`` entries of ``status_size`` bits each."""
    if size < 1 or status_size < 1:
        raise RangeError("A status list needs at least one entry of at least one bit")
    return bytearray(-(-size * status_size // 8))


def encode_list(bits: bytes | bytearray) -> str:
    """GZIP then multibase base64url (no padding): the ``encodedList`` value."""
    compressed = gzip.compress(bytes(bits), compresslevel=GZIP_LEVEL, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> bytes:
    """Expand an ``encodedList``, refusing anything that would grow beyond ``max_bytes``.

    Accepts the multibase form (``u`` + base64url, Bitstring Status List 1.0) and the bare
    base64url form of VC Status List 2021. GZIP output of a valid list always starts ``H4sI``
    when base64-encoded, so a leading ``u`` is never part of the bare form.
    """
    if not isinstance(encoded, str) or not encoded:
        raise MalformedValueError("The status list is missing or not text")
    # even incompressible content cannot base64-encode to more than this; refuse before decoding
    if len(encoded) > (max_bytes + 1024) * 4 // 3:
        raise TooLargeError("The status list is too large to read")
    text = encoded[1:] if encoded.startswith(MULTIBASE_BASE64URL) else encoded
    text = text.strip().rstrip("=").replace("+", "-").replace("/", "_")
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedValueError("The status list is not correctly encoded") from None
    inflater = zlib.decompressobj(wbits=31)  # 31 = GZIP container only
    try:
        bits = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error:
        raise MalformedValueError("The status list is not correctly compressed") from None
    if len(bits) > max_bytes or inflater.unconsumed_tail:
        raise TooLargeError(f"The status list expands to more than {max_bytes // 1024} KB")
    if not inflater.eof:
        raise MalformedValueError("The status list is cut short")
    if inflater.unused_data:
        raise MalformedValueError("The status list has unexpected data after its end")
    return bits


def _check_position(bits: bytes | bytearray, index: int, size: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise RangeError(f"The status index {index!r} is not a whole number of zero or more")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise RangeError(f"The status size {size!r} is not a whole number of one or more")
    position = index * size
    if position + size > len(bits) * 8:
        raise RangeError(f"The status index {index} is beyond the end of the list")
    return position


def get_status(bits: bytes | bytearray, index: int, size: int = 1) -> int:
    """The ``size``-bit value of entry ``index`` (most significant bit first)."""
    position = _check_position(bits, index, size)
    value = 0
    for bit in range(position, position + size):
        value = (value << 1) | ((bits[bit >> 3] >> (7 - (bit & 7))) & 1)
    return value


def set_status(bits: bytearray, index: int, value: int, size: int = 1) -> None:
    """Write ``value`` into entry ``index`` in place."""
    position = _check_position(bits, index, size)
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int) or not 0 <= value < (1 << size):
        raise RangeError(f"The status value {value!r} does not fit in {size} bit(s)")
    for offset, bit in enumerate(range(position, position + size)):
        mask = 1 << (7 - (bit & 7))
        if (value >> (size - 1 - offset)) & 1:
            bits[bit >> 3] |= mask
        else:
            bits[bit >> 3] &= ~mask & 0xFF


def allocate_index(is_taken: Callable[[int], bool], size: int = MIN_ENTRIES,
                   rng: secrets.SystemRandom | None = None) -> int:
    """A random index not yet used. Raises RangeError when every index is taken.

    Random draws first (cheap while the list is sparse); then one scan from a random start, so
    a nearly full list still finds its last free places.
    """
    rng = rng or secrets.SystemRandom()
    # randrange(2**n) draws n + 1 bits and throws half the draws away; list sizes are powers
    # of two, where n bits are exactly uniform.
    bits = max(size.bit_length() - 1, 0)
    draw = (lambda: rng.getrandbits(bits)) if size == 1 << bits else (lambda: rng.randrange(size))
    for _ in range(_RANDOM_TRIES):
        candidate = draw()
        if not is_taken(candidate):
            return candidate
    start = rng.randrange(size)
    for step in range(size):
        candidate = (start + step) % size
        if not is_taken(candidate):
            return candidate
    raise RangeError("The status list is full: start a new list for new credentials")
