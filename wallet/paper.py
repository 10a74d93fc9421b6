"""The paper passport: an A4 PDF a worker without a smartphone can carry to an interview.

Page 1: who it belongs to and a summary table (training, provider, completed, valid until,
status in words). Then one QR code per credential: the credential itself, compressed (``SP2:``
zlib + base45, passport_vc.qr; see QR.md), printed at least 60 mm wide so a webcam or phone can
read it from paper, and verifiable with no network.

The PDF is made in the wallet page's language (``PaperWords``, docs/welsh.md), says which one
in its catalogue (/Lang) and embeds DejaVu Sans (passport_web/pdf_font.py), so Welsh's ŵ and ŷ
and names in Latin, Greek or Cyrillic letters print as written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from fpdf import FPDF

from passport_web.pdf_font import use_pdf_font

QR_MM = 70  # ≥ 50 mm (QR.md): 0.56 mm per module at version 25
QR_MM_LARGE = 110  # for codes above the reliable paper version


def uk(value: date | datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else "-"


def _english(text: str, **values) -> str:
    return text % values if values else text


@dataclass(frozen=True)
class PaperWords:
    """How the PDF says things: English by default; the wallet passes Flask-Babel's gettext,
    a date format and the catalogue's course names for a Welsh page."""

    text: Callable[..., str] = _english
    day: Callable[[date | datetime | None], str] = field(default=uk)
    course: Callable[[str], str] = field(default=lambda title: title)
    language: str = "en-GB"  # BCP 47, for the PDF's /Lang (screen readers, text to speech)


@dataclass(frozen=True)
class PaperItem:
    title: str
    provider: str
    completed: date | None
    valid_until: date | None
    status: str
    qr_text: str  # SP2:… compact payload


def _line(pdf: FPDF, height: float, text: str) -> None:
    """A paragraph across the page; the next one starts at the left margin below it."""
    pdf.multi_cell(0, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


class _Passport(FPDF):
    footer_text = ""
    words = PaperWords()
    body_font = "Helvetica"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        page = self.words.text("page %(number)s", number=self.page_no())
        self.cell(0, 5, f"{self.footer_text}  –  {page}", align="C")


def paper_passport(name: str, holder_did: str, items: list[PaperItem], *,
                   made_at: datetime, words: PaperWords | None = None) -> bytes:
    from passport_vc.qr import MAX_PAPER_VERSION, qr_matrix_version, qr_png

    words = words or PaperWords()
    _, uk, course = words.text, words.day, words.course  # noqa: F841 - _ is gettext's name
    pdf = _Passport(format="A4", unit="mm")
    pdf.words = words
    pdf.body_font = font = use_pdf_font(pdf)
    pdf.set_lang(words.language)
    pdf.footer_text = _("Skills Passport for %(name)s, printed %(date)s", name=name,
                        date=uk(made_at))
    pdf.set_title(_("Skills Passport - %(name)s", name=name))
    pdf.set_author("Skills Passport")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font(font, "B", 20)
    _line(pdf, 10, _("Training record: %(name)s", name=name))
    pdf.set_font(font, size=11)
    _line(pdf, 6, _(
        "This is a printed copy of a Skills Passport. Each QR code on the next pages holds one "
        "signed training certificate. An employer can scan it with the Skills Passport "
        "checker to see that it is genuine, even without an internet connection."))
    pdf.ln(2)
    pdf.set_font(font, size=9)
    _line(pdf, 5, _("Printed on %(date)s. Holder: %(did)s", date=uk(made_at), did=holder_did))
    pdf.ln(4)
    if not items:
        pdf.set_font(font, size=12)
        _line(pdf, 7, _("There is no training in this record yet."))
    else:
        pdf.set_font(font, size=10)
        # DejaVu Sans is wider than Helvetica: the date columns fit "30 Sept 2026" and the
        # headings ("Completed", "Valid until") on one line, the status its longest word
        with pdf.table(col_widths=(58, 40, 26, 26, 30), text_align="LEFT",
                       line_height=5.5) as table:
            header = table.row()
            for label in (_("Training"), _("Provider"), _("Completed"), _("Valid until"),
                          _("Status")):
                header.cell(label)
            for item in items:
                row = table.row()
                for value in (course(item.title), item.provider, uk(item.completed),
                              uk(item.valid_until), _(item.status)):
                    row.cell(value)
    for number, item in enumerate(items, 1):
        version = qr_matrix_version(item.qr_text)
        size = QR_MM if version <= MAX_PAPER_VERSION else QR_MM_LARGE
        needed = size + 30
        if number == 1 or pdf.get_y() + needed > pdf.h - 18:
            pdf.add_page()
        pdf.set_font(font, "B", 13)
        _line(pdf, 7, f"{number}. {course(item.title)}")
        pdf.set_font(font, size=10)
        _line(pdf, 5, _("%(provider)s - completed %(completed)s, valid until %(until)s - "
                        "%(status)s", provider=item.provider, completed=uk(item.completed),
                        until=uk(item.valid_until), status=_(item.status)))
        image = io.BytesIO(qr_png(item.qr_text, box_size=8))
        x = (pdf.w - size) / 2
        pdf.image(image, x=x, y=pdf.get_y() + 2, w=size, h=size,
                  alt_text=_("QR code for %(training)s", training=course(item.title)))
        pdf.set_y(pdf.get_y() + size + 6)
    return bytes(pdf.output())
