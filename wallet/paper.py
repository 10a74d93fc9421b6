"""The paper passport: an A4 PDF a worker without a smartphone can carry to an interview.

Page 1: who it belongs to and a summary table (training, provider, completed, valid until,
status in words). Then one QR code per credential: the credential itself, compressed (``SP1:``
zlib + base45, passport_vc.qr; see QR.md), printed at least 60 mm wide so a webcam or phone can
read it from paper, and verifiable with no network.

fpdf2's built-in fonts cover Latin-1 only, so text is folded to Latin-1 (typographic dashes and
quotes to plain ones) rather than shipping a font file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

QR_MM = 70  # ≥ 50 mm (QR.md): 0.56 mm per module at version 25
QR_MM_LARGE = 110  # for codes above the reliable paper version
_FOLD = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
         "\u201d": '"', "\u2026": "...", "\u2713": "", "\u2717": "", "\u00a0": " "}


def latin1(text: object) -> str:
    value = "".join(_FOLD.get(char, char) for char in str(text or ""))
    return value.encode("latin-1", "replace").decode("latin-1")


def uk(value: date | datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else "-"


@dataclass(frozen=True)
class PaperItem:
    title: str
    provider: str
    completed: date | None
    valid_until: date | None
    status: str
    qr_text: str  # SP1:… compact payload


def _line(pdf: FPDF, height: float, text: str) -> None:
    """A paragraph across the page; the next one starts at the left margin below it."""
    pdf.multi_cell(0, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


class _Passport(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, latin1(f"{self.footer_text}  -  page {self.page_no()}"), align="C")


def paper_passport(name: str, holder_did: str, items: list[PaperItem], *,
                   made_at: datetime) -> bytes:
    from passport_vc.qr import MAX_PAPER_VERSION, qr_matrix_version, qr_png

    pdf = _Passport(format="A4", unit="mm")
    pdf.footer_text = f"Skills Passport for {name}, printed {uk(made_at)}"
    pdf.set_title(latin1(f"Skills Passport - {name}"))
    pdf.set_author("Skills Passport")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    _line(pdf, 10, latin1(f"Training record: {name}"))
    pdf.set_font("Helvetica", size=11)
    _line(pdf, 6, latin1(
        "This is a printed copy of a Skills Passport. Each QR code on the next pages holds one "
        "signed training certificate. An employer can scan it with the Skills Passport "
        "checker to see that it is genuine, even without an internet connection."))
    pdf.ln(2)
    pdf.set_font("Helvetica", size=9)
    _line(pdf, 5, latin1(f"Printed on {uk(made_at)}. Holder: {holder_did}"))
    pdf.ln(4)
    if not items:
        pdf.set_font("Helvetica", size=12)
        _line(pdf, 7, "There is no training in this record yet.")
    else:
        pdf.set_font("Helvetica", size=10)
        with pdf.table(col_widths=(70, 45, 22, 22, 21), text_align="LEFT",
                       line_height=5.5) as table:
            header = table.row()
            for label in ("Training", "Provider", "Completed", "Valid until", "Status"):
                header.cell(label)
            for item in items:
                row = table.row()
                for value in (item.title, item.provider, uk(item.completed),
                              uk(item.valid_until), item.status):
                    row.cell(latin1(value))
    for number, item in enumerate(items, 1):
        version = qr_matrix_version(item.qr_text)
        size = QR_MM if version <= MAX_PAPER_VERSION else QR_MM_LARGE
        needed = size + 30
        if number == 1 or pdf.get_y() + needed > pdf.h - 18:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 13)
        _line(pdf, 7, latin1(f"{number}. {item.title}"))
        pdf.set_font("Helvetica", size=10)
        _line(pdf, 5, latin1(f"{item.provider} - completed {uk(item.completed)}, valid "
                                    f"until {uk(item.valid_until)} - {item.status}"))
        image = io.BytesIO(qr_png(item.qr_text, box_size=8))
        x = (pdf.w - size) / 2
        pdf.image(image, x=x, y=pdf.get_y() + 2, w=size, h=size,
                  alt_text=latin1(f"QR code for {item.title}"))
        pdf.set_y(pdf.get_y() + size + 6)
    return bytes(pdf.output())
