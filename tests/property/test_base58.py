"""base58btc encoding two digits per division gives exactly the one-digit-at-a-time result."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from passport_vc.keys.base58 import ALPHABET, b58decode, b58encode


def _one_digit_at_a_time(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(ALPHABET[digit])
    return "1" * zeros + "".join(reversed(digits))


@given(st.binary(max_size=100), st.integers(min_value=0, max_value=3))
def test_encoding_matches_the_reference_and_round_trips(body, zeros):
    data = b"\0" * zeros + body
    assert b58encode(data) == _one_digit_at_a_time(data)
    assert b58decode(b58encode(data)) == data


def test_edges():
    for data in (b"", b"\0", b"\0\0", b"\x01", b"\x39", b"\x3a", b"\0\x39", b"\0\x3a",
                 (3364).to_bytes(2, "big"), (3363).to_bytes(2, "big")):
        assert b58encode(data) == _one_digit_at_a_time(data)
