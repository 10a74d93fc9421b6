"""W3C Bitstring Status List 1.0: encode/decode, allocate indexes, publish lists, check status."""

from .bitstring import (
    MAX_DECODED_BYTES,
    MIN_ENTRIES,
    allocate_index,
    decode_list,
    encode_list,
    get_status,
    new_list,
    set_status,
)
from .check import StatusOutcome, check_status
from .entries import PURPOSES, list_credential, status_entry

__all__ = ["MAX_DECODED_BYTES", "MIN_ENTRIES", "PURPOSES", "StatusOutcome", "allocate_index",
           "check_status", "decode_list", "encode_list", "get_status", "list_credential",
           "new_list", "set_status", "status_entry"]
