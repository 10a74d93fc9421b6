"""The preset DEFLATE dictionary of ``SP2:`` QR payloads (RFC 1950 FDICT, ``zlib zdict``).

A credential on paper repeats what every credential says: context URLs, Open Badges 3.0 and
VC terms in the order the issuer writes them, the status entry, the proof suite, the ASC-WDS
alignment and the catalogue's course titles. With them in a dictionary both sides already hold,
the compressor refers back to them instead of spelling them out, and a credential that needed
a version 33 QR code with ``SP1:`` needs version 23 (benchmarks/README.md, "Sizes").

The dictionary is a frozen constant: a QR code printed today must unpack the same way for as
long as the paper lasts, so the bytes under one prefix never change (the SHA-256 below is
checked when the file is read, and pinned again by tests/core/test_qr.py). A better dictionary
needs a new prefix (``SP3:``) and this one kept for reading. Its text was assembled once, on
2026-12-07, from the catalogue, the ASC-WDS category list and the issuer's key order; the
catalogue may change later, which only makes new courses compress a little less well.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import cache
from importlib import resources

from .errors import ConfigError

SP2_DICTIONARY_FILE = "qr-dictionary-sp2.txt"
SP2_DICTIONARY_SHA256 = "40ea1e6a7efcb02b90fd1945277991a83fa1f2e0fd5ee519906506b126ad5de1"


@cache
def sp2_dictionary() -> bytes:
    """The ``SP2:`` dictionary, refused if its bytes are not the ones printed codes used."""
    return checked((resources.files("passport_vc") / "data" / SP2_DICTIONARY_FILE).read_bytes())


def checked(data: bytes) -> bytes:
    """``data`` if it is the frozen dictionary (a changed or line-ending-converted copy is not)."""
    if hashlib.sha256(data).hexdigest() != SP2_DICTIONARY_SHA256:
        raise ConfigError(f"passport_vc/data/{SP2_DICTIONARY_FILE} has changed: QR codes "
                          "already printed would no longer read. Restore it from git.")
    return data


def sp2_dictionary_id() -> bytes:
    """The 4-byte DICTID an ``SP2:`` zlib header names (RFC 1950 §2.2: Adler-32, big-endian)."""
    return zlib.adler32(sp2_dictionary()).to_bytes(4, "big")
