"""PDF renderings of superbills and good-faith estimates (fpdf2 core fonts, latin-1 text)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from billing.money import Money

if TYPE_CHECKING:
    from billing.paperwork.estimates import EstimateView
    from billing.paperwork.parties import Provider
    from billing.paperwork.superbills import Superbill

FONT = "Helvetica"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: object) -> str:
    """Text the core fonts can draw: control characters become spaces, others outside latin-1 '?'.

    Compatibility forms are folded first (full-width letters, ligatures), so as little as
    possible is lost; emoji, CJK and other scripts the core fonts lack become '?'.
    """
    folded = unicodedata.normalize("NFKC", str(text))
    folded = _CONTROL.sub(" ", folded)
    return folded.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, title: str, *, compress: bool) -> None:
        super().__init__(format="Letter")
        self.set_compression(compress)
        self.set_title(printable(title))
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font(FONT, "B", 16)
        self.line_of(title, height=10)
        self.set_font(FONT, size=10)

    def line_of(self, text: object, *, height: float = 5.5) -> None:
        self.multi_cell(0, height, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.line_of(text, height=7)
        self.set_font(FONT, size=10)

    def field(self, label: str, value: object) -> None:
        self.line_of(f"{label}: {'-' if value in (None, '') else value}")

    def provider(self, provider: Provider) -> None:
        self.heading("Provider")
        credentials = f", {provider.credentials}" if provider.credentials else ""
        self.field("Name", f"{provider.name}{credentials}")
        licence = provider.license_number
        if licence and provider.license_jurisdiction:
            licence = f"{licence} ({provider.license_jurisdiction})"
        self.field("License number", licence)
        self.field("NPI", provider.npi)
        self.field("Practice", provider.clinic_name)
        self.field("Address", provider.clinic_address)
        self.field("Tax ID (TIN)", provider.tax_id)


def superbill_pdf(bill: Superbill, *, compress: bool = True) -> bytes:
    """A superbill as a PDF document."""
    doc = _Document("Superbill (statement for insurance reimbursement)", compress=compress)
    doc.field("Issued", bill.issued_at.date().isoformat())
    doc.heading("Patient")
    doc.field("Legal name", bill.patient.legal_name)
    doc.field("Date of birth", bill.patient.date_of_birth.isoformat())
    doc.provider(bill.provider)
    doc.heading("Services")
    for line in bill.lines:
        modifier = f"-{line.modifier}" if line.modifier else ""
        doc.line_of(
            f"{line.date_of_service.isoformat()}  CPT {line.cpt_code}{modifier}  "
            f"POS {line.place_of_service}  {line.minutes} min  {line.description}"
        )
        doc.line_of(
            f"    ICD-10-CM: {', '.join(line.diagnosis_codes)}    "
            f"Fee: {Money(line.fee, line.currency).display()}    "
            f"Paid: {Money(line.paid, line.currency).display()}"
        )
    doc.ln(2)
    doc.field("Total charged", Money(bill.total_fee, bill.currency).display())
    doc.field("Total paid", Money(bill.total_paid, bill.currency).display())
    return bytes(doc.output())


def estimate_pdf(view: EstimateView, *, compress: bool = True) -> bytes:
    """A good-faith estimate as a PDF document."""
    estimate = view.estimate
    doc = _Document("Good Faith Estimate", compress=compress)
    doc.field("Date issued", estimate.issued_at.date().isoformat())
    doc.heading("Patient")
    doc.field("Name", view.patient_name)
    doc.field(
        "Date of birth", view.date_of_birth.isoformat() if view.date_of_birth else "not provided"
    )
    doc.provider(view.provider)
    doc.heading("Service")
    doc.line_of(estimate.service_description)
    doc.heading("Expected items and fees")
    for item in estimate.items:
        unit = Money(item["unit_fee"], estimate.currency).display()
        amount = Money(item["amount"], estimate.currency).display()
        doc.line_of(
            f"CPT {item['cpt'] or '-'}  {item['description']}  "
            f"{item['quantity']} x {unit} = {amount}"
        )
    doc.ln(2)
    doc.field("Expected number of sessions", estimate.expected_sessions)
    doc.field("Estimated total", Money(estimate.total, estimate.currency).display())
    doc.heading("Disclaimer")
    doc.line_of(view.disclaimer)
    return bytes(doc.output())
