"""Compact QR payloads (SP2: + base45 + zlib with a preset dictionary; SP1: without one, still
read): round trips, every bad input, size, scanning."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import tracemalloc
import zlib
from pathlib import Path

import base45
import PIL.Image
import pytest
import zxingcpp

from passport_vc.clock import fixed_clock
from passport_vc.errors import ConfigError, MalformedValueError, ParsingError, TooLargeError
from passport_vc.issue import IssuerKey, issue_credential, issue_credential_jwt
from passport_vc.keys import PrivateKey
from passport_vc.qr import (
    MAX_DECOMPRESSED,
    MAX_PAPER_VERSION,
    PREFIX,
    SP1_PREFIX,
    decode_compact,
    encode_compact,
    qr_matrix_version,
    qr_png,
    qr_svg,
)
from passport_vc.qr_dictionary import SP2_DICTIONARY_SHA256, checked, sp2_dictionary
from passport_vc.status import status_entry

OB3 = Path(__file__).parent.parent / "vectors" / "ob3" / "ldp-eddsa-rdfc-2022"
NOW = fixed_clock("2025-06-01T12:00:00Z")
QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]*\Z")


@pytest.fixture(scope="module")
def issuer_key() -> IssuerKey:
    key = PrivateKey.generate()
    did = "did:key:" + key.public_key.multibase
    return IssuerKey(key, did + "#" + key.public_key.multibase)


@pytest.fixture(scope="module")
def signed_credential(issuer_key) -> dict:
    """The Open Badges 3.0 vector credential, issued by a did:key with a revocation entry."""
    credential = json.loads((OB3 / "unsigned.json").read_text())
    credential["issuer"]["id"] = issuer_key.controller
    credential["credentialStatus"] = status_entry("https://training.example/status/3", 94_567,
                                                  "revocation")
    return issue_credential(credential, issuer_key, clock=NOW)


def bytes_to_compact(payload: bytes, prefix: str = SP1_PREFIX) -> str:
    return prefix + base45.b45encode(payload).decode()


def sp1(payload: bytes) -> str:
    """What the SP1 encoder wrote (paper printed before SP2): zlib level 9, no dictionary."""
    return bytes_to_compact(zlib.compress(payload, 9))


def packed(payload: bytes, zdict: bytes | None = None) -> bytes:
    """zlib with a preset dictionary: ours unless another is given."""
    packer = zlib.compressobj(9, zdict=sp2_dictionary() if zdict is None else zdict)
    return packer.compress(payload) + packer.flush()


def sp2(payload: bytes, zdict: bytes | None = None) -> str:
    return bytes_to_compact(packed(payload, zdict), PREFIX)


def minified(document: dict) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def test_json_round_trip_keeps_key_order(signed_credential):
    text = encode_compact(signed_credential)
    assert text.startswith(PREFIX)
    assert QR_ALPHANUMERIC.match(text)
    decoded = decode_compact(text)
    assert decoded == signed_credential
    assert list(decoded) == list(signed_credential)
    assert len(text) < len(json.dumps(signed_credential, separators=(",", ":")))


def test_sp1_text_printed_before_sp2_is_still_read(signed_credential):
    old = sp1(b"J" + minified(signed_credential))
    assert decode_compact(old) == signed_credential
    assert decode_compact("sp1:" + old[4:]) == signed_credential  # prefix case does not matter
    new = encode_compact(signed_credential)
    assert new.startswith("SP2:") and len(new) < len(old) * 0.7


def test_dictionary_is_frozen():
    # Never change this: every SP2 QR code ever printed was packed against these bytes.
    # A better dictionary needs a new prefix (SP3:), with this one kept for reading.
    frozen = "40ea1e6a7efcb02b90fd1945277991a83fa1f2e0fd5ee519906506b126ad5de1"
    assert SP2_DICTIONARY_SHA256 == frozen
    assert hashlib.sha256(sp2_dictionary()).hexdigest() == frozen
    assert len(sp2_dictionary()) <= 32_768  # DEFLATE only looks back 32 KB
    for changed in (sp2_dictionary() + b" ", sp2_dictionary().replace(b"\n", b"\r\n")):
        with pytest.raises(ConfigError, match="Restore it from git"):
            checked(changed)


def test_sp2_needs_the_dictionary(signed_credential):
    text = encode_compact(signed_credential)
    stream = base45.b45decode(text[len(PREFIX):])
    assert stream[1] & 0x20  # FDICT: the header names the dictionary (RFC 1950)
    with pytest.raises(zlib.error):
        zlib.decompress(stream)  # without it the stream cannot be read


def test_jwt_round_trip(issuer_key):
    credential = json.loads((OB3 / "unsigned.json").read_text())
    credential["issuer"]["id"] = issuer_key.controller
    token = issue_credential_jwt(credential, issuer_key, clock=NOW)
    text = encode_compact(token)
    assert QR_ALPHANUMERIC.match(text)
    assert decode_compact(text) == token
    assert decode_compact(text + "\r\n") == token  # pasted with a line break
    assert decode_compact(sp1(b"T" + token.encode())) == token


def test_only_credentials_and_jwts_are_encoded():
    for value in ("hello world", 42, ["a"]):
        with pytest.raises(MalformedValueError):
            encode_compact(value)


GARBAGE = [
    ("HC1:6BFOXN%TS3DH0YOJ58S", "not a Skills Passport QR code"),
    ("https://wallet.example/p/abc", "not a Skills Passport QR code"),
    ("SP3:6BFOXN%TS3DH0YOJ58S", "not a Skills Passport QR code"),
    ("SP1:ab", "damaged: some characters"),       # lower case is not base45
    ("SP1:A", "damaged: some characters"),        # impossible base45 length
    ("SP1::::", "damaged: some characters"),      # a triple above 0xFFFF
    ("SP2:ab", "damaged: some characters"),
    ("SP2:A", "damaged: some characters"),
    ("SP2:", "damaged: it could not be unpacked"),
    (bytes_to_compact(b"no zlib here"), "could not be unpacked"),
    (bytes_to_compact(b"no zlib here", PREFIX), "could not be unpacked"),
]
SP1_CASES = [
    (bytes_to_compact(zlib.compress(b"J{}")[:-3]), "cut short"),
    (bytes_to_compact(zlib.compress(b"J{}") + b"xx"), "extra data"),
    (sp1(b"J{not json"), "readable credential"),
    (sp1(b"J[1,2]"), "does not hold a credential"),
    (sp1(b"Tnot a jwt"), "readable token"),
    (sp1(b"X{}"), "something other than a credential"),
]
OTHER = b'J{"name":"Moving and handling of people","hours":6}'
SP2_CASES = [
    (bytes_to_compact(packed(b"J{}")[:-3], PREFIX), "cut short"),
    (bytes_to_compact(packed(b'J{"a":1}')[:8], PREFIX), "cut short"),
    (bytes_to_compact(packed(b"J{}") + b"xx", PREFIX), "extra data"),
    (sp2(b"J{not json"), "readable credential"),
    (sp2(b"J[1,2]"), "does not hold a credential"),
    (sp2(b"Tnot a jwt"), "readable token"),
    (sp2(b"X{}"), "something other than a credential"),
    # another dictionary (a later or foreign format under our prefix), or none at all
    (sp2(b"J{}", zdict=b'{"@context":"https://www.w3.org/ns/credentials/v2"}'),
     "unknown dictionary"),
    (bytes_to_compact(zlib.compress(b"J{}"), PREFIX), "unknown dictionary"),
    # the dictionary's id in the header is right but the data was packed with another one
    (bytes_to_compact(packed(b"J{}")[:6] + packed(OTHER, zdict=OTHER)[6:], PREFIX),
     "could not be unpacked"),
]


@pytest.mark.parametrize("text,message", GARBAGE + SP1_CASES + SP2_CASES)
def test_bad_inputs_are_refused_in_plain_words(text, message):
    with pytest.raises(ParsingError, match=message) as caught:
        decode_compact(text)
    assert "Error" not in caught.value.detail and "zlib" not in caught.value.detail


@pytest.mark.parametrize("pack", [sp1, sp2], ids=["SP1", "SP2"])
def test_zip_bombs_are_refused_without_expanding_them(pack):
    small_bomb = pack(b"J" + bytes(1024 * 1024))
    assert len(small_bomb) < 4_000  # fits in a QR code, so only the output bound stops it
    big_bomb = pack(b"J" + bytes(10 * 1024 * 1024))
    # the dictionary itself is a good start for a bomb: repeat it
    dictionary_bomb = pack(b"J" + sp2_dictionary() * 200)
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError, match="more than 64 KB"):
            decode_compact(small_bomb)
        with pytest.raises(TooLargeError):
            decode_compact(big_bomb)
        with pytest.raises(TooLargeError):
            decode_compact(dictionary_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024  # never held the megabytes the bombs expand to
    with pytest.raises(TooLargeError):
        decode_compact(encode_compact({"a": "x" * 100}), max_output=50)
    assert MAX_DECOMPRESSED == 65_536


def test_signed_credential_fits_a_paper_qr(signed_credential):
    text = encode_compact(signed_credential)
    version = qr_matrix_version(text, error_correction="M")
    assert version <= MAX_PAPER_VERSION
    # the same text as raw bytes-mode JSON needs a bigger code
    raw = json.dumps(signed_credential, separators=(",", ":"))
    assert qr_matrix_version(raw, error_correction="M") > version
    # and SP1 (no dictionary) needed a bigger one too
    old = sp1(b"J" + minified(signed_credential))
    assert qr_matrix_version(old, error_correction="M") > version


def test_too_much_for_one_qr_code():
    with pytest.raises(TooLargeError):
        qr_matrix_version("A" * 5_000)
    with pytest.raises(MalformedValueError):
        qr_matrix_version("SP1:ABC", error_correction="X")


def test_png_scans_back_to_the_same_text(signed_credential):
    text = encode_compact(signed_credential)
    png = qr_png(text, box_size=4)
    assert png.startswith(b"\x89PNG")
    image = PIL.Image.open(io.BytesIO(png))
    version = qr_matrix_version(text)
    assert image.size[0] == (17 + 4 * version + 2 * 4) * 4  # modules + 4-module quiet zone
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [result.text for result in results] == [text]
    assert decode_compact(results[0].text) == signed_credential


def test_svg_is_accessible_crisp_and_has_a_quiet_zone():
    link = "https://wallet.example/p/Zx8"
    svg = qr_svg(link, title='Scan to see Sam\'s <training> & "badges"')
    size = 17 + 4 * qr_matrix_version(link) + 8
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'shape-rendering="crispEdges"' in svg
    assert f'viewBox="0 0 {size} {size}"' in svg
    title_id = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
    assert (f'<title id="{title_id}">Scan to see Sam&#x27;s &lt;training&gt; &amp; '
            "&quot;badges&quot;</title>") in svg
    starts = [(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)", svg)]
    assert starts and min(x for x, _ in starts) == 4 and min(y for _, y in starts) == 4
    widths = re.findall(r"M(\d+),(\d+)h(\d+)", svg)
    assert max(int(x) + int(w) for x, _, w in widths) == size - 4
    # rasterise the SVG's own runs and scan them: the drawing is a working code
    scale = 4
    image = PIL.Image.new("L", (size * scale, size * scale), 255)
    pixels = image.load()
    for x, y, w in widths:
        for px in range(int(x) * scale, (int(x) + int(w)) * scale):
            for py in range(int(y) * scale, (int(y) + 1) * scale):
                pixels[px, py] = 0
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in found] == [link]


def test_payload_is_not_changed_by_encoding(signed_credential):
    document = copy.deepcopy(signed_credential)
    encode_compact(document)
    assert document == signed_credential
