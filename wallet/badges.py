"""Baked badge images for the wallet's downloads (Open Badges 3.0 host role).

The picture is drawn here (the credential's own image URL is never fetched); the credential is
baked into it by passport_vc.baking, so another host can import the file.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from passport_vc.baking import bake_png, bake_svg

BADGE_COLOUR = "#1d70b8"  # GOV.UK blue


def badge_svg(title: str, credential: dict | str) -> bytes:
    label = escape(title[:60])
    picture = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
        f'viewBox="0 0 256 256" role="img" aria-label="{label}">'
        f'<circle cx="128" cy="128" r="120" fill="{BADGE_COLOUR}"/>'
        '<text x="128" y="136" font-family="Arial, sans-serif" font-size="16" fill="#fff" '
        f'text-anchor="middle">{label}</text></svg>')
    return bake_svg(picture.encode("utf-8"), credential)


def badge_png(title: str, credential: dict | str) -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (256, 256), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((8, 8, 248, 248), fill=BADGE_COLOUR)
    draw.text((128, 128), title[:28], fill="white", anchor="mm")
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return bake_png(out.getvalue(), credential)
