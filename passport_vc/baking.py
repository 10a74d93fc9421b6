"""Baked badges: a credential carried inside its badge image (Open Badges 3.0 §5.3 "Baking";
Open Badges 2.0 "Baking" for reading older badges).

PNG: an ``iTXt`` chunk with the keyword ``openbadges`` (both versions), uncompressed, holding the
credential as JSON (or a compact JWT/JWS; OB 2.0 may hold just the hosted assertion's address).
SVG: an ``<openbadges:credential>`` element (OB 3.0, namespace
``https://purl.imsglobal.org/ob/v3p0``) right inside the root, the JSON in CDATA or a JWT in its
``verify`` attribute; OB 2.0 wrote ``<openbadges:assertion>`` (namespace
``http://openbadges.org``) the same way, its ``verify`` being the JWS or the hosted address.
Unbaking only extracts: what it returns is unverified and goes through the verifier like any
other credential. Images, their pixels and the text inside are size-limited.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET  # building only; untrusted SVG is parsed by defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from .errors import ParsingError, TooLargeError
from .inputs import MAX_INPUT_BYTES, parse_json
from .ob2 import CONTEXT as OB2_CONTEXT

KEYWORD = "openbadges"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 16_000_000  # reading a PNG's later text chunks decodes its pixels: no bombs
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_UNSAFE_XML = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _payload(credential: dict | str) -> str:
    if isinstance(credential, str):
        return credential.strip()
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def _credential(text: str) -> dict | str:
    text = text.strip()
    if len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        raise TooLargeError("The credential baked into this image is too large")
    if text.startswith("https://"):  # OB 2.0: only the hosted assertion's address
        return {"@context": OB2_CONTEXT, "type": "Assertion", "id": text,
                "verification": {"type": "hosted"}}
    if text.startswith("{"):
        value = parse_json(text)
        if not isinstance(value, dict):
            raise ParsingError("The baked credential is not a JSON object")
        return value
    return text  # a compact JWT: read_unverified / the verifier check its form


def _check_size(image: bytes) -> None:
    if len(image) > MAX_IMAGE_BYTES:
        raise TooLargeError(f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")


# --- PNG ----------------------------------------------------------------------------------
def bake_png(image: bytes, credential: dict | str) -> bytes:
    """The PNG ``image`` with ``credential`` baked in (any earlier badge chunk replaced)."""
    from PIL import Image, PngImagePlugin

    _check_size(image)
    try:
        picture = Image.open(io.BytesIO(image))
        if picture.format != "PNG":
            raise ParsingError("Only PNG images can be baked this way")
        info = PngImagePlugin.PngInfo()
        for key, value in picture.text.items():
            if key != KEYWORD:
                info.add_text(key, value)
        info.add_itxt(KEYWORD, _payload(credential), zip=False)
        out = io.BytesIO()
        picture.save(out, format="PNG", pnginfo=info)
    except (OSError, SyntaxError, ValueError) as error:
        raise ParsingError(f"This is not a usable PNG image ({error})") from None
    return out.getvalue()


def unbake_png(image: bytes) -> dict | str:
    """The credential baked into a PNG; ParsingError when there is none."""
    from PIL import Image

    _check_size(image)
    if not image.startswith(PNG_SIGNATURE):
        raise ParsingError("This is not a PNG image")
    try:
        picture = Image.open(io.BytesIO(image))
        width, height = picture.size
        if width * height > MAX_PIXELS:
            raise TooLargeError("The badge image has too many pixels")
        texts = picture.text  # reads every text chunk (tEXt, zTXt, iTXt)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ParsingError(f"This PNG image could not be read ({error})") from None
    if KEYWORD not in texts:
        raise ParsingError("This image has no badge credential baked into it")
    return _credential(str(texts[KEYWORD]))


# --- SVG ----------------------------------------------------------------------------------
def _svg_root(image: bytes) -> ET.Element:
    _check_size(image)
    if _UNSAFE_XML.search(image):
        raise ParsingError("SVG images with a DOCTYPE or entities are not read")
    try:
        root = SafeET.fromstring(image)
    except DefusedXmlException:
        raise ParsingError("SVG images with a DOCTYPE or entities are not read") from None
    except ET.ParseError as error:
        raise ParsingError(f"This is not a usable SVG image ({error})") from None
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        raise ParsingError("This is not an SVG image")
    return root


def bake_svg(image: bytes, credential: dict | str) -> bytes:
    """The SVG ``image`` with an ``<openbadges:credential>`` element first inside the root."""
    root = _svg_root(image)
    ET.register_namespace("", "http://www.w3.org/2000/svg")
    ET.register_namespace("openbadges", OB_NAMESPACE)
    tag = f"{{{OB_NAMESPACE}}}credential"
    for old in root.findall(tag):
        root.remove(old)
    element = ET.Element(tag)
    payload = _payload(credential)
    if isinstance(credential, str):
        element.set("verify", payload)
    else:
        element.text = payload  # escaped by the serializer; readers see the same JSON
    root.insert(0, element)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def unbake_svg(image: bytes) -> dict | str:
    root = _svg_root(image)
    element = root.find(f"{{{OB_NAMESPACE}}}credential")
    if element is None:
        element = root.find(f".//{{{OB2_NAMESPACE}}}assertion")
    if element is None:
        raise ParsingError("This image has no badge credential baked into it")
    verify, inner = element.get("verify", "").strip(), (element.text or "").strip()
    # A signed badge's verify is the token itself; a hosted OB 2.0 badge's is its address,
    # and the assertion inside (when given) says more than the address alone.
    if verify and not (verify.startswith("https://") and inner):
        return _credential(verify)
    return _credential(inner)


def unbake(image: bytes) -> dict | str:
    """A baked PNG or SVG's credential, whichever the bytes are."""
    if image.startswith(PNG_SIGNATURE):
        return unbake_png(image)
    return unbake_svg(image)


def is_image(data: bytes) -> bool:
    """Whether an uploaded file is a PNG or SVG image (and so may be a baked badge)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return data.startswith(PNG_SIGNATURE) or head.startswith(b"<svg") or \
        (head.startswith(b"<?xml") and b"<svg" in data[:4096])


def baked_credential(data: bytes) -> dict | str | None:
    """The credential in an uploaded badge image; None when the file is not an image at all
    (a ParsingError when it is an image with no badge in it)."""
    return unbake(data) if is_image(data) else None
