"""The verifier's result texts in the page's language (English or Welsh).

The engine (passport_vc) and the check service write plain English; translating is the page's
job. Everything with a fixed wording is listed here with ``N_`` so ``pybabel extract`` puts it
in the catalogue, and the templates translate it when they show it: verdict labels, check names
and outcomes, checklist headings, matrix cells, provider recognitions. A verdict's detailed
message is specific to one certificate (dates, names, what failed); in Welsh the page shows a
Welsh explanation of the verdict and keeps that detail in English, marked ``lang="en"``.
"""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import gettext, ngettext

from passport_web.i18n import course_name, english_date_in_language, verdict_message


def N_(message: str) -> str:  # noqa: N802 - gettext's marker
    return message


FIXED = (
    N_("Check training records"), N_("Skills Passport wallet"),  # the services' names
    # passport_vc.verdict.STATES and the service's own labels
    N_("Valid"), N_("Valid – due for refresh soon"), N_("Expired"), N_("Not valid yet"),
    N_("Suspended"), N_("Revoked"), N_("Not genuine – signature invalid or altered"),
    N_("Not a readable credential"), N_("Provider not recognised"),
    N_("Could not check if revoked"), N_("Not genuine – the shared record failed its checks"),
    N_("No certificates were shared"), N_("Issued to someone else"),
    # CHECK_LABELS and OUTCOME_MARKS
    N_("Format and wording"), N_("Signature"), N_("Provider's key"), N_("Dates"),
    N_("Revoked or suspended"), N_("Training record layout"), N_("Worker's key"),
    N_("Shared for this check"), N_("Issued to the person sharing"),
    N_("Passed"), N_("Failed"), N_("Could not check"),
    # the checklist and details
    N_("Warning"), N_("Training"), N_("Provider"), N_("Issued to"), N_("Completed"),
    N_("Valid until"), N_("Result"), N_("Not stated"), N_("Does not need refreshing"),
    N_("These details cannot be trusted: the certificate was changed or not signed by its "
       "provider"),
    # where a check came from
    N_("interview link"), N_("QR code"), N_("file"), N_("text"), N_("saved record"),
    # matrix cells (verifier.records.CELL_LABELS) and earlier states
    N_("Due soon"), N_("Missing"), N_("Not needed for this role"), N_("valid"),
    N_("due soon"), N_("expired"), N_("revoked"), N_("suspended"), N_("missing"),
    N_("forged"), N_("malformed"), N_("unknown provider"), N_("status unknown"),
    N_("not yet valid"),
)

RECOGNITION = {
    "not on your list of recognised providers": N_("not on your list of recognised "
                                                   "providers"),
    "recognised": N_("recognised"),
    "Ofqual-recognised awarding organisation": N_("Ofqual-recognised awarding organisation"),
    "Skills for Care endorsed provider": N_("Skills for Care endorsed provider"),
    "Approved Oliver McGowan training partner": N_("Approved Oliver McGowan training partner"),
    "In-house trainer": N_("In-house trainer"),
    "Added by your organisation": N_("Added by your organisation"),
}

_ALL_VALID = re.compile(r"All (\d+) certificates are valid")
_SOME_BAD = re.compile(r"(\d+) of (\d+) certificates need attention")


def verdict_label(verdict: dict) -> str:
    label = verdict.get("label", "")
    if (match := _ALL_VALID.fullmatch(label)):
        return ngettext("All %(num)d certificates are valid", "All %(num)d certificates are "
                        "valid", int(match[1]))
    if (match := _SOME_BAD.fullmatch(label)):
        return gettext("%(bad)s of %(all)s certificates need attention", bad=match[1],
                       all=match[2])
    return gettext(label)


def checklist_value(label: str, value: str):
    if label == "Training":
        return course_name(value)
    if label in ("Completed", "Valid until"):
        return gettext(value) if value in ("Not stated", "Does not need refreshing") \
            else english_date_in_language(value)
    if label in ("Result", "Warning"):
        return gettext(value)
    if label == "Provider" and " – " in value:
        name, _, recognition = value.rpartition(" – ")
        head, colon, kinds = recognition.partition(": ")
        if head in RECOGNITION:
            kinds_text = ", ".join(gettext(kind) if kind in RECOGNITION else kind
                                   for kind in kinds.split(", ")) if kinds else ""
            return f"{name} – {gettext(head)}{colon}{kinds_text}"
    return value


def register_words(app: Flask) -> None:
    app.jinja_env.globals.update(verdict_label=verdict_label, verdict_message=verdict_message,
                                 checklist_value=checklist_value)
