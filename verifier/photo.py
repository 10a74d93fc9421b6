"""Reading a QR code from an uploaded photo, server side (QR.md: zxing-cpp decodes as well as
zxing-wasm in the page; this is the path for people who cannot use a live camera).

Uploads are untrusted: the file size and the pixel count are bounded *before* the image is
decoded (an image "decompression bomb" is a small file that expands to gigabytes of pixels).
"""

from __future__ import annotations

import io
import warnings

from passport_vc.errors import ParsingError, TooLargeError

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 24_000_000
# Decoding time grows with pixels; a QR in a phone photo is found just as well at this size.
WORK_SIZE = 2400
TOO_MANY_PIXELS = ("The photo has too many pixels. Take it again at a lower resolution, or crop "
                   "it to the QR code.")


def read_qr_from_photo(data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES,
                       max_pixels: int = MAX_PIXELS) -> str:
    """The text of the QR code in the photo, or a plain-English error."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ParsingError("Choose a photo of the QR code")
    if len(data) > max_bytes:
        raise TooLargeError(f"The photo is larger than {max_bytes // (1024 * 1024)} MB. Take "
                            "it again at a lower resolution, or crop it to the QR code.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise TooLargeError(TOO_MANY_PIXELS)
            if image.format not in ("JPEG", "PNG", "WEBP", "GIF", "BMP"):
                raise ParsingError("Upload the photo as a JPEG or PNG image")
            image.draft("L", (WORK_SIZE, WORK_SIZE))  # JPEG: decode at a reduced size, cheaply
            image = image.convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooLargeError(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise ParsingError("This file is not a photo we can read. Upload a JPEG or PNG "
                           "picture of the QR code.") from None
    except (OSError, ValueError, SyntaxError):
        raise ParsingError("The photo is damaged or incomplete. Take it again.") from None
    if max(image.size) > WORK_SIZE:
        image.thumbnail((WORK_SIZE, WORK_SIZE))
    return _decode(image)


def _decode(image) -> str:
    import zxingcpp

    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    texts = [barcode.text for barcode in found if barcode.valid and barcode.text]
    if not texts:
        raise ParsingError("No QR code was found in the photo. Make sure the whole code is in "
                           "the picture, in focus and not too small, then try again.")
    if len(set(texts)) > 1:
        raise ParsingError("The photo has more than one QR code in it. Take a photo of just "
                           "one code.")
    return texts[0]
