"""A printable one-page certificate (A4 PDF, fpdf2) with the credential's compact QR code.

The QR code carries the whole signed credential (``SP2:`` + base45(zlib with a preset
dictionary), /work/shared/QR.md), printed 60 mm wide (at least 50 mm is needed for phone
cameras), so a paper copy can be checked with no network — a verifier needs only the
provider's published keys. Plain English; UK dates.
Embeds DejaVu Sans (passport_web/pdf_font.py), so names in Latin, Greek or Cyrillic letters
print as written.
"""

from __future__ import annotations

import io
from datetime import date

from fpdf import FPDF

from passport_vc.qr import encode_compact, qr_matrix_version, qr_png
from passport_web.pdf_font import use_pdf_font

from .models import Provider, Record

QR_MM = 60
MIN_QR_MM = 50


def uk_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(20, 20, 20)
        self.family_name = use_pdf_font(self)
        self.set_lang("en-GB")

    def line(self, text: str, size: float, *, bold: bool = False, gap: float = 2) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.multi_cell(0, size * 0.45, text, align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(gap)


def certificate_qr(record: Record) -> tuple[str, bytes]:
    """The compact ``SP2:`` text of the signed credential and its QR code as a PNG."""
    payload = encode_compact(record.document)
    return payload, qr_png(payload, box_size=4)


def certificate_pdf(record: Record, provider: Provider) -> bytes:
    """One A4 page: who, what, when, who says so, and a QR code of the signed credential."""
    payload, png = certificate_qr(record)
    version = qr_matrix_version(payload)
    pdf = _Certificate()
    pdf.set_title(f"{record.course_title} - {record.subject_name}")
    pdf.set_author(provider.name)
    pdf.add_page()
    pdf.line("Certificate of training", 26, bold=True, gap=6)
    pdf.line("This is to say that", 12)
    pdf.line(record.subject_name, 20, bold=True, gap=4)
    pdf.line("completed", 12)
    pdf.line(record.course_title, 18, bold=True, gap=4)
    pdf.line(f"on {uk_date(record.completed)}.", 12, gap=4)
    if record.valid_until:
        pdf.line(f"Refresh this training by {uk_date(record.valid_until)}.", 12, gap=4)
    pdf.line(f"Issued by {provider.name}.", 12, gap=2)
    if provider.ofqual_number:
        pdf.line(f"Ofqual recognition number: {provider.ofqual_number}", 10, gap=1)
    if provider.sfc_endorsement_id:
        pdf.line(f"Skills for Care endorsement: {provider.sfc_endorsement_id}", 10, gap=1)
    if record.state != "active":
        pdf.line(f"This credential is {record.state_label.lower()}. Do not rely on it.", 14,
                 bold=True, gap=2)

    top = 150
    pdf.set_y(top)
    pdf.line("Check this certificate", 14, bold=True, gap=2)
    image = io.BytesIO(png)
    pdf.image(image, x=pdf.l_margin, y=top + 10, w=QR_MM, h=QR_MM)
    pdf.set_xy(pdf.l_margin + QR_MM + 8, top + 10)
    pdf.set_font(pdf.family_name, "", 11)
    pdf.multi_cell(0, 5.5,
                   "Scan this QR code with the Skills Passport checker to see that the "
                   "certificate is real and has not been changed. The code holds the whole "
                   "signed certificate, so it can be checked without an internet connection. "
                   "An employer can also ask the worker for their digital copy.",
                   align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_y(top + 10 + QR_MM + 8)
    pdf.set_font(pdf.family_name, "", 8)
    pdf.multi_cell(0, 4, f"Credential {record.credential_id}\nIssuer {provider.did}\n"
                         f"QR code version {version}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
