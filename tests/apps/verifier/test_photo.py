"""Photo uploads decoded server side: real QR images, and bounded against hostile files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from passport_vc.errors import ParsingError, TooLargeError
from passport_vc.qr import encode_compact, qr_png
from verifier.photo import read_qr_from_photo


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def test_reads_a_paper_qr_from_a_photo(world):
    text = encode_compact(world.credentials["valid"])
    code = Image.open(io.BytesIO(qr_png(text, box_size=4)))
    # a "photo": the code on a larger grey page, slightly rotated, saved as JPEG
    page = Image.new("L", (code.width + 400, code.height + 300), 200)
    page.paste(code.rotate(3, expand=True, fillcolor=255), (150, 120))
    assert read_qr_from_photo(_jpeg(page)) == text


def test_large_photo_is_shrunk_before_decoding(world):
    text = encode_compact(world.credentials["expired"])
    code = Image.open(io.BytesIO(qr_png(text, box_size=12)))
    page = Image.new("L", (4000, 3000), 255)
    page.paste(code, (500, 400))
    assert read_qr_from_photo(_jpeg(page)) == text


@pytest.mark.parametrize("size", [(6_000, 5_000), (10_000, 10_000)])
def test_pixel_bomb_is_refused_before_decoding(size):
    # small files (a few KB) that would expand to 30 M and 100 M pixels
    out = io.BytesIO()
    Image.new("1", size, 1).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(TooLargeError) as caught:
        read_qr_from_photo(out.getvalue())
    assert "too many pixels" in caught.value.detail


def test_oversized_file_is_refused():
    with pytest.raises(TooLargeError):
        read_qr_from_photo(b"\xff" * 2048, max_bytes=1024)


@pytest.mark.parametrize("data, message", [
    (b"", "Choose a photo"),
    (b"this is not an image at all", "not a photo we can read"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a photo we can read"),
])
def test_garbage_files_are_refused_plainly(data, message):
    with pytest.raises(ParsingError) as caught:
        read_qr_from_photo(data)
    assert message in caught.value.detail


def test_truncated_photo_is_refused(world):
    whole = _jpeg(Image.open(io.BytesIO(qr_png(encode_compact(world.credentials["valid"])))))
    with pytest.raises(ParsingError) as caught:
        read_qr_from_photo(whole[: len(whole) // 3])
    assert "damaged" in caught.value.detail or "No QR code" in caught.value.detail


def test_photo_without_a_qr_code():
    with pytest.raises(ParsingError) as caught:
        read_qr_from_photo(_jpeg(Image.new("L", (300, 200), 128)))
    assert "No QR code was found" in caught.value.detail


def test_two_different_codes_are_refused():
    first = Image.open(io.BytesIO(qr_png("SP1:ONE", box_size=6)))
    second = Image.open(io.BytesIO(qr_png("SP1:TWO", box_size=6)))
    page = Image.new("L", (first.width + second.width + 60, max(first.height, second.height)
                           + 40), 255)
    page.paste(first, (20, 20))
    page.paste(second, (first.width + 40, 20))
    with pytest.raises(ParsingError) as caught:
        read_qr_from_photo(_jpeg(page))
    assert "more than one QR code" in caught.value.detail
