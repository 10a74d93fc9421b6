"""The paper QR of the largest credential the issuer can write (every catalogue course, longest
realistic values, evidence at its limit: tests/support/paper_qr.py) stays at or below
``MAX_PAPER_VERSION`` at level M, so it scans from paper (QR.md); and it scans back whole."""

from __future__ import annotations

import io
import json
import zlib

import base45
import PIL.Image
import pytest
import zxingcpp
from support.paper_qr import EVIDENCE, WORKER, longest_credentials

from passport_vc.qr import (
    MAX_PAPER_VERSION,
    decode_compact,
    encode_compact,
    qr_matrix_version,
    qr_png,
)


@pytest.fixture(scope="module")
def longest() -> dict[str, dict]:
    return longest_credentials()


def test_every_course_at_its_longest_fits_a_paper_qr(longest):
    texts = {key: encode_compact(credential) for key, credential in longest.items()}
    versions = {key: qr_matrix_version(text, error_correction="M") for key, text in texts.items()}
    worst = max(versions, key=versions.get)
    assert versions[worst] <= MAX_PAPER_VERSION, (worst, versions[worst])
    # Measured: 1,156 characters, version 23 (SP1 needed 2,260 characters, version 33). Two
    # versions to spare: anything that grows every credential is noticed here first.
    assert versions[worst] <= MAX_PAPER_VERSION - 2, (worst, versions[worst])
    assert max(len(text) for text in texts.values()) <= 1_248  # what version 23-M holds
    for key, credential in longest.items():  # nothing lost on the way (the proof covers it all)
        assert decode_compact(texts[key]) == credential, key


def test_the_longest_values_really_are_in_them(longest):
    credential = longest["care-certificate-standard-4"]  # the longest course title
    assert credential["evidence"][0]["narrative"] == EVIDENCE and len(EVIDENCE) == 500
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == WORKER
    assert subject["id"].startswith("did:key:") and credential["renews"].startswith("urn:uuid:")
    assert subject["achievement"]["alignment"][0]["targetFramework"] == \
        "ASC-WDS training categories"
    assert credential["credentialStatus"]["statusMessage"]
    assert credential["proof"][0]["cryptosuite"] == "ecdsa-rdfc-2019"


def test_sp1_could_not_hold_them(longest):
    """Why SP2 exists: the same credentials without the dictionary."""
    credential = longest["care-certificate-standard-4"]
    minified = json.dumps(credential, separators=(",", ":"), ensure_ascii=False).encode()
    old = "SP1:" + base45.b45encode(zlib.compress(b"J" + minified, 9)).decode()
    assert qr_matrix_version(old) > MAX_PAPER_VERSION
    assert decode_compact(old) == credential  # but it is still read


def test_the_largest_code_scans_back(longest):
    text = max((encode_compact(c) for c in longest.values()), key=len)
    image = PIL.Image.open(io.BytesIO(qr_png(text, box_size=3)))
    [found] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == text
