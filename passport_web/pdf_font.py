"""The font the PDFs embed (the wallet's paper passport, the issuer's certificate).

fpdf2's built-in fonts (Helvetica and the other base-14 fonts) cover Latin-1 only: Welsh's ŵ
and ŷ, and names such as "Ŵyn", "Łukasz", "Ioana Ștefan", "Олена" or "Νίκος", would print
wrong or not at all. So every PDF embeds DejaVu Sans — Latin, Greek and Cyrillic in full — from
Debian's ``fonts-dejavu-core`` package (scripts/setup.sh installs it; the font file is never
copied into this repository). fpdf2 embeds only the glyphs a PDF uses, with a ToUnicode map,
so copying or extracting the text gives back the same characters. Letters DejaVu Sans lacks
(Chinese, Devanagari and other Indic scripts) still print as gaps, with a warning from fpdf2 in
the log; Arabic prints without joined letter forms (that needs fpdf2's text shaping, uharfbuzz).

A service that makes PDFs checks for the font when it starts (``require_pdf_font``): a missing
package is a clear start-up error, not a failed download later. ``PASSPORT_PDF_FONT_DIR``
points at another folder holding the same two files (a system that is not Debian).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from passport_vc.errors import ConfigError

DEBIAN_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FAMILY = "DejaVuSans"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # fpdf2 style: file


def pdf_font_files(environ: Mapping[str, str] | None = None) -> dict[str, Path]:
    """The regular and bold font files, or a ConfigError saying how to install them."""
    environ = os.environ if environ is None else environ
    folder = Path(environ.get("PASSPORT_PDF_FONT_DIR") or DEBIAN_FONT_DIR)
    files = {style: folder / name for style, name in FILES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise ConfigError(
            f"The font the PDFs are printed in is missing: {', '.join(missing)}. Install "
            "Debian's fonts-dejavu-core package (apt-get install fonts-dejavu-core; "
            "scripts/setup.sh does this), or set PASSPORT_PDF_FONT_DIR to a folder holding "
            f"{' and '.join(FILES.values())}.")
    return files


def require_pdf_font() -> None:
    """Called by a service's create_app, so it will not start without the font."""
    pdf_font_files()


def use_pdf_font(pdf) -> str:
    """Add the font to an fpdf2 document; the family name to pass to ``set_font``."""
    for style, path in pdf_font_files().items():
        pdf.add_font(FAMILY, style, str(path))
    return FAMILY
