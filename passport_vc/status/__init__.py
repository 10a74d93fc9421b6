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
from .entries import (
    LIFECYCLE_MESSAGES,
    LIFECYCLE_SIZE,
    LIFECYCLE_VALUES,
    PURPOSES,
    lifecycle_entry,
    list_credential,
    status_entry,
)

__all__ = ["LIFECYCLE_MESSAGES", "LIFECYCLE_SIZE", "LIFECYCLE_VALUES", "MAX_DECODED_BYTES",
           "MIN_ENTRIES", "PURPOSES", "StatusOutcome", "allocate_index", "check_status",
           "decode_list", "encode_list", "get_status", "lifecycle_entry", "list_credential",
           "new_list", "set_status", "status_entry"]
