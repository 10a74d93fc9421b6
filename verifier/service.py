"""Checking what a care worker shows an employer (issue 5 "Verifying"): one entry point,
``VerifierService.check``, for every way a credential reaches the verifier.

Accepted: the wallet's interview link (``https://<wallet>/s/<id>#<key>``, QR.md "interview QR"),
a compact ``SP2:`` (or older ``SP1:``) QR text (paper certificate / paper passport), a
credential or presentation as JSON or a vc+jwt. An OpenID4VCI credential offer is for a
wallet, and is answered as such.

Each credential gets one verdict (passport_vc.verdict) and a plain-English checklist; the full
list of checks, DIDs, keys and the freshness of the status information is kept for experts.
No Flask here: routes and the CLI call this.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

from passport_vc.clock import format_datetime, parse_datetime
from passport_vc.errors import (
    CryptographicSecurityError,
    FetchError,
    FetchForbiddenError,
    MalformedValueError,
    ParsingError,
    PassportError,
    TooLargeError,
)
from passport_vc.inputs import MAX_INPUT_BYTES, parse_json, read_unverified
from passport_vc.qr import PREFIX_STEMS
from passport_vc.result import VerificationResult
from passport_vc.share_links import decrypt_shared
from passport_vc.trust import RECOGNITIONS, TrustEntry, TrustList
from passport_vc.verdict import STATES, Verdict, verdict_for

from .bundle import Bundle, time_ago
from .config import VerifierConfig
from .trust_entries import local_trust_entries

CHECK_LABELS = {
    "structure": "Format and wording",
    "proof": "Signature",
    "issuer_binding": "Provider's key",
    "validity": "Dates",
    "status": "Revoked or suspended",
    "schema": "Training record layout",
    "holder_binding": "Worker's key",
    "presentation": "Shared for this check",
    "subject": "Issued to the person sharing",
}
OUTCOME_MARKS = {True: "Passed", False: "Failed", None: "Could not check"}
SHARE_ACCEPT = "application/json"
OFFER_MARKERS = ("openid-credential-offer:", "haip:", "openid4vci:")


def uk_date(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return f"{value.day} {value:%B %Y}"


def fingerprint(credential: dict | str) -> str:
    """A stable identity for one credential as verified (to save it once per staff member)."""
    text = credential if isinstance(credential, str) else json.dumps(
        credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- what a check produces (plain data: stored as JSON and rendered by the pages) -------------
@dataclass
class CheckLine:
    name: str
    label: str
    ok: bool | None
    message: str

    @property
    def outcome(self) -> str:
        return OUTCOME_MARKS[self.ok]


@dataclass
class CredentialReport:
    """One credential, as an employer sees it."""

    verdict: dict  # state, label, tone, message, trusted_as (passport_vc.verdict.Verdict)
    title: str
    provider_name: str
    provider_id: str | None
    provider_recognition: str
    completed: str | None  # ISO date
    valid_until: str | None  # ISO date
    subject_name: str | None
    subject_id: str | None
    credential_id: str | None
    topic: str
    course_key: str
    category: str
    checks: list[CheckLine]
    details: list[tuple[str, str]]  # expert facts: (label, value)
    freshness: list[str]  # "Revocation list checked 2 minutes ago"
    warnings: list[str]
    credential: dict | str | None  # what was verified (to save to a staff record)

    @property
    def state(self) -> str:
        return self.verdict["state"]

    @property
    def verified(self) -> bool:
        return self.verdict["tone"] == "ok"

    @property
    def checklist(self) -> list[tuple[str, str]]:
        rows = [("Warning", "These details cannot be trusted: the certificate was changed or "
                 "not signed by its provider")] if self.state == "forged" else []
        rows += [("Training", self.title),
                ("Provider", f"{self.provider_name} – {self.provider_recognition}"
                 if self.provider_recognition else self.provider_name)]
        if self.subject_name:
            rows.append(("Issued to", self.subject_name))
        rows.append(("Completed", uk_date(date.fromisoformat(self.completed))
                     if self.completed else "Not stated"))
        rows.append(("Valid until", uk_date(date.fromisoformat(self.valid_until))
                     if self.valid_until else "Does not need refreshing"))
        rows.append(("Result", self.verdict["label"]))
        return rows

    @property
    def can_save(self) -> bool:
        return self.credential is not None and self.state not in ("malformed",)


@dataclass
class CheckOutcome:
    """Everything one check found: presentation-level checks and one report per credential."""

    source: str  # "interview link" | "QR code" | "file" | "text"
    kind: str  # "credential" | "presentation"
    checked_at: str
    credentials: list[CredentialReport]
    presentation_checks: list[CheckLine] = field(default_factory=list)
    holder: str | None = None
    bundle_note: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def presentation_ok(self) -> bool:
        return all(line.ok is True for line in self.presentation_checks)

    @property
    def headline(self) -> dict:
        """The verdict for the whole check: the worst credential, or the presentation."""
        if self.kind == "presentation" and not self.presentation_ok:
            failed = next(line for line in self.presentation_checks if line.ok is not True)
            return {"state": "forged", "label": "Not genuine – the shared record failed its "
                    "checks", "tone": "bad", "message": failed.message, "trusted_as": None}
        if not self.credentials:
            return {"state": "malformed", "label": "No certificates were shared", "tone": "warn",
                    "message": "The shared record has no certificates in it.",
                    "trusted_as": None}
        order = {"bad": 0, "warn": 1, "ok": 2}
        worst = min(self.credentials, key=lambda report: order[report.verdict["tone"]])
        if len(self.credentials) == 1:
            return worst.verdict
        count = len(self.credentials)
        if worst.verdict["tone"] == "ok":
            return {**worst.verdict, "label": f"All {count} certificates are valid"}
        problems = sum(1 for report in self.credentials if report.verdict["tone"] != "ok")
        return {**worst.verdict, "label": f"{problems} of {count} certificates need attention"}

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> CheckOutcome:
        reports = []
        for item in data["credentials"]:
            item = dict(item)
            item["checks"] = [CheckLine(**line) for line in item["checks"]]
            item["details"] = [tuple(pair) for pair in item["details"]]
            reports.append(CredentialReport(**item))
        return cls(data["source"], data["kind"], data["checked_at"], reports,
                   [CheckLine(**line) for line in data.get("presentation_checks", [])],
                   data.get("holder"), data.get("bundle_note"), list(data.get("notes", [])))


# --- the service ------------------------------------------------------------------------------
class VerifierService:
    """Verify what a worker shows; explain it plainly. Thread-safe (no per-call state)."""

    def __init__(self, db, config: VerifierConfig, network, trust: TrustList | None = None, *,
                 bundle: Bundle | None = None,
                 open_share: Callable[[dict, str], dict] | None = None) -> None:
        self.db = db
        self.config = config
        self.network = network
        self.bundle = bundle
        base_trust = trust or TrustList()
        self.trust = base_trust.merged_with(bundle.trust) if bundle is not None else base_trust
        self.clock = bundle.clock if bundle is not None else config.clock
        if bundle is not None:
            self.verifier = bundle.verifier()
            self.fetcher = bundle.fetcher
        else:
            self.verifier = network.verifier()
            self.fetcher = network.fetcher
        self.open_share = open_share or decrypt_shared

    # --- trust ------------------------------------------------------------------------------
    def trust_for(self, organisation_id: int | None) -> TrustList:
        """The configured trust list plus the employer's own recognised providers."""
        if organisation_id is None or self.db is None:
            return self.trust
        local = TrustList("Added by your organisation")
        for entry in local_trust_entries(self.db, organisation_id):
            local.add(entry)
        return self.trust.merged_with(local)

    # --- checking ---------------------------------------------------------------------------
    def check(self, text_or_doc: dict | str | bytes, *, challenge: str | None = None,
              domain: str | None = None, organisation_id: int | None = None,
              trust: TrustList | None = None, source: str | None = None,
              fresh: bool = False) -> CheckOutcome:
        """Verify what was given; raises a PassportError (plain ``detail``) only when it is not
        something a verifier can check at all (garbage, a foreign link, a wallet offer…).
        ``fresh``: fetch status lists from their origin again (a re-check someone asked for)."""
        verifier = self.verifier.revalidating() if fresh else self.verifier
        trust = trust if trust is not None else self.trust_for(organisation_id)
        if isinstance(text_or_doc, bytes):
            from passport_vc.baking import baked_credential

            baked = baked_credential(text_or_doc)  # an Open Badges 2.0/3.0 badge's image
            if baked is not None:
                text_or_doc = baked  # JSON or a token (a hosted address becomes its assertion)
            elif len(text_or_doc) > MAX_INPUT_BYTES:
                raise TooLargeError(f"This is larger than {MAX_INPUT_BYTES // 1024} KB, so it "
                                    "is not a credential")
            else:
                try:
                    text_or_doc = text_or_doc.decode("utf-8")
                except UnicodeDecodeError:
                    raise ParsingError("This is not text. Upload a credential file, or a photo "
                                       "of a QR code using the photo option.") from None
        if isinstance(text_or_doc, str):
            text = text_or_doc.strip().lstrip("\ufeff")
            lowered = text[:40].lower()
            if lowered.startswith(OFFER_MARKERS) or "credential_offer" in text[:2000]:
                raise ParsingError(
                    "This is a credential offer: it is for the worker's wallet app, not for "
                    "checking. Ask the worker to open it in their Skills Passport wallet and "
                    "then show you their interview QR code.")
            if lowered.startswith(("https://", "http://")):
                return self._check_link(text, challenge, domain, trust, verifier)
            given = read_unverified(text)
            guessed = "QR code" if text[:3].upper() in (*PREFIX_STEMS, "VP1") else "text"
            source = source or guessed
            value = given.value
        else:
            value = read_unverified(text_or_doc).value
            source = source or "file"
        if isinstance(value, dict) and "VerifiablePresentation" in _types(value):
            result = verifier.verify_presentation(value, challenge=challenge, domain=domain)
            return self._outcome(result, source, trust)
        if isinstance(value, str) and "~" in value:  # SD-JWT VC: its key binding answers
            result = verifier.verify_sd_jwt_vc(value, nonce=challenge, audience=domain)
            return self._outcome(result, source, trust, original=value)
        result = verifier.verify_credential(value)
        return self._outcome(result, source, trust, original=value)

    def _check_link(self, link: str, challenge, domain, trust: TrustList,
                    verifier) -> CheckOutcome:
        presentation = self.open_link(link)
        result = verifier.verify_presentation(presentation, challenge=challenge, domain=domain)
        return self._outcome(result, "interview link", trust)

    def open_link(self, link: str) -> dict:
        """Fetch and decrypt an interview link's presentation (allow-listed wallets only)."""
        if len(link) > 2048 or any(char.isspace() for char in link):
            raise ParsingError("This link is not a Skills Passport interview link")
        try:
            parts = urlsplit(link)
            host = (parts.netloc or "").lower()
        except ValueError:
            raise ParsingError("This link is not a valid web address") from None
        if host not in self.config.wallet_hosts:
            raise FetchForbiddenError(
                f"This link goes to {host or 'an unknown site'}, which is not a wallet this "
                "service is set up to trust, so it was not opened. Ask the worker to show the "
                "QR code from their Skills Passport wallet.")
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) != 2 or segments[0] != "s" or not segments[1].isascii():
            raise ParsingError("This is not a Skills Passport interview link. Interview links "
                               "look like https://wallet…/s/…#…")
        if not parts.fragment:
            raise ParsingError("The link is missing its key (the part after #). Scan the QR "
                               "code again, or copy the whole link.")
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        try:
            fetched = self.fetcher.get(url, accept=SHARE_ACCEPT)
        except FetchError as error:
            if error.extra.get("status") in (404, 410):
                raise FetchError("This interview link has expired or the worker has withdrawn "
                                 "it. Ask them to share a new one.", status=404) from None
            raise FetchError(f"The worker's wallet could not be reached: {error.detail}") \
                from None
        try:
            envelope = parse_json(fetched.body)
        except PassportError:
            raise ParsingError("The wallet did not send a shared record. The link may be "
                               "wrong; ask the worker to share a new one.") from None
        if not isinstance(envelope, dict):
            raise ParsingError("The wallet did not send a shared record")
        try:
            presentation = self.open_share(envelope, parts.fragment)
        except CryptographicSecurityError:
            raise
        except PassportError as error:
            raise MalformedValueError(f"The shared record could not be opened: {error.detail}") \
                from None
        if not isinstance(presentation, dict):
            raise MalformedValueError("The shared record is not a presentation")
        return presentation

    # --- turning results into reports -------------------------------------------------------
    def _outcome(self, result: VerificationResult, source: str, trust: TrustList, *,
                 original=None) -> CheckOutcome:
        now = self.clock()
        bundle_note = self.bundle.describe() if self.bundle is not None else None
        if result.kind == "presentation":
            lines = [_line(check) for check in result.checks]
            holder = result.facts.get("holder")
            reports = []
            for inner, given in zip(result.credentials, _embedded(result.document),
                                    strict=False):
                report = self._report(inner, trust, now, original=given)
                _holder_match(report, holder)
                reports.append(report)
            notes = [warning["message"] for warning in result.warnings]
            return CheckOutcome(source, "presentation", format_datetime(now), reports, lines,
                                holder, bundle_note, notes)
        report = self._report(result, trust, now, original=original)
        return CheckOutcome(source, "credential", format_datetime(now), [report],
                            bundle_note=bundle_note)

    def _report(self, result: VerificationResult, trust: TrustList, now: datetime, *,
                original=None) -> CredentialReport:
        verdict = verdict_for(result, now=now, trust=trust, due_soon=self.config.due_soon)
        document = result.document
        summary = _summary(document)
        issuer = result.facts.get("issuer")
        entry = trust.lookup(issuer, now) if issuer else None
        recognition = _recognition(entry, issuer, result)
        facts = result.facts
        details = [(label, str(value)) for label, value in (
            ("Provider's DID", issuer),
            ("Signing key", facts.get("verification_method")),
            ("Signature method", facts.get("cryptosuite")),
            ("Format", {"ldp_vc": "JSON-LD credential (Data Integrity proof)",
                        "jwt_vc": "JSON Web Token credential (vc+jwt)",
                        "dc+sd-jwt": "SD-JWT credential (the worker chooses what to show)",
                        "ob2": "Open Badges 2.0 badge (older format, checked with the "
                               "provider's website)"}.get(
                            facts.get("format"), facts.get("format"))),
            *_disclosure_lines(facts),
            ("Data model version", facts.get("version")),
            ("Credential ID", summary.get("credential_id")),
            ("Issued to (ID)", summary.get("subject_id")),
            ("Valid from", facts.get("valid_from")),
            ("Valid until", facts.get("valid_until")),
            ("ASC-WDS training category", _asc_wds_name(summary.get("asc_wds_category"))),
        ) if value]
        credential = original if isinstance(original, dict | str) else document
        return CredentialReport(
            verdict=asdict(verdict), title=summary.get("title") or "Unnamed training",
            # The verdict's provider: the trust list's name, or the claim marked as a claim.
            provider_name=verdict.provider or summary.get("provider_name") or issuer
            or "Unknown provider",
            provider_id=issuer, provider_recognition="" if entry is None and verdict.provider
            else recognition,
            completed=summary.get("completed"), valid_until=summary.get("valid_until"),
            subject_name=summary.get("subject_name"), subject_id=summary.get("subject_id"),
            credential_id=summary.get("credential_id"), topic=summary.get("topic") or "",
            course_key=summary.get("course_key") or "", category=summary.get("category") or "",
            checks=[_line(check) for check in result.checks], details=details,
            freshness=self._freshness(result, now),
            warnings=[warning["message"] for warning in result.warnings],
            credential=credential if verdict.state != "malformed" else None)

    def _freshness(self, result: VerificationResult, now: datetime) -> list[str]:
        lines = []
        for item in result.facts.get("status") or []:
            when = item.get("fetched_at")
            age = time_ago(parse_datetime(when), now) if when else "at an unknown time"
            if self.bundle is not None:
                where = f"from the trust bundle (made {self.bundle.age_text()})"
            elif item.get("from_cache"):
                where = "from this service's saved copy"
            else:
                where = "fetched for this check"
            # a lifecycle ("message") list carries both revocation and suspension
            label = {"revocation": "Revocation", "suspension": "Suspension"}.get(
                item.get("purpose"), "Status")
            lines.append(f"{label} list checked {age}, "
                         f"{where}: {item.get('list_url')}")
        status = result.check("status")
        if status is not None and status.ok is None:
            lines.append("The revocation list could not be reached, so revocation was not "
                         "checked. Try again later.")
        return lines


# --- helpers ----------------------------------------------------------------------------------
def _types(document: dict) -> list:
    value = document.get("type", [])
    return value if isinstance(value, list) else [value]


def _embedded(document: dict | None) -> list:
    if not isinstance(document, dict):
        return []
    items = document.get("verifiableCredential", [])
    items = items if isinstance(items, list) else [items]
    found = []
    for item in items:
        if isinstance(item, dict) and item.get("type") == "EnvelopedVerifiableCredential" and \
                isinstance(item.get("id"), str) and "," in item["id"]:
            found.append(item["id"].split(",", 1)[1])
        else:
            found.append(item)
    return found


def _disclosure_lines(facts: dict) -> list[tuple[str, str | None]]:
    """For an SD-JWT VC: which optional details the worker chose to show, and how many not."""
    if facts.get("format") != "dc+sd-jwt" or "disclosed" not in facts:
        return []
    from passport_vc.sd_jwt_vc import CLAIM_LABELS

    labels = dict(CLAIM_LABELS)
    shown = [labels.get(name, name) for name in facts["disclosed"]]
    hidden = facts.get("withheld") or 0
    return [("Shown by the worker", ", ".join(shown) or "None of the optional details"),
            ("Kept hidden by the worker",
             f"{hidden} optional detail{'s' if hidden != 1 else ''}" if hidden else "Nothing")]


def _line(check) -> CheckLine:
    return CheckLine(check.name, CHECK_LABELS.get(check.name, check.name), check.ok,
                     check.message)


def _make_verdict(state: str, message: str, trusted_as: str | None = None) -> Verdict:
    label, tone = STATES[state]
    return Verdict(state, label, tone, message, trusted_as)


def _recognition(entry: TrustEntry | None, issuer: str | None,
                 result: VerificationResult) -> str:
    if not issuer or result.check("proof") is None or result.check("proof").ok is not True:
        return ""
    if entry is None:
        return "not on your list of recognised providers"
    kinds = [RECOGNITIONS.get(kind, kind) for kind in entry.recognised_for]
    return "recognised" + (": " + ", ".join(kinds) if kinds else "")


def _summary(document: dict | None) -> dict:
    """Plain facts from schemas.summary, tolerant of foreign or broken credentials."""
    if not isinstance(document, dict):
        return {}
    try:
        from schemas.summary import summarise

        summary = summarise(document)
    except (PassportError, KeyError, TypeError, ValueError, AttributeError):
        return {}
    if summary is None:
        return {}

    def iso(value) -> str | None:
        if isinstance(value, datetime):
            return value.date().isoformat()
        return value.isoformat() if isinstance(value, date) else None

    return {"title": getattr(summary, "title", None),
            "provider_name": getattr(summary, "provider_name", None),
            "completed": iso(getattr(summary, "completed", None)),
            "valid_until": iso(getattr(summary, "valid_until", None)),
            "subject_name": getattr(summary, "subject_name", None),
            "subject_id": getattr(summary, "subject_id", None),
            "credential_id": getattr(summary, "credential_id", None),
            "topic": getattr(summary, "topic", None),
            "course_key": getattr(summary, "course_key", None),
            "category": getattr(summary, "category", None),
            "asc_wds_category": getattr(summary, "asc_wds_category", None)}


def _asc_wds_name(code: int | None) -> str | None:
    """"15: Assisting and moving people" (from the credential's alignment or the catalogue)."""
    from schemas.asc_wds import training_categories

    category = training_categories().get(code) if code is not None else None
    return f"{code}: {category.name}" if category else None


def _holder_match(report: CredentialReport, holder: str | None) -> None:
    """In a presentation, a certificate issued to a DID must be presented by that DID."""
    if not holder or not report.subject_id or not report.subject_id.startswith("did:"):
        return
    if report.subject_id == holder:
        report.checks.append(CheckLine("subject", CHECK_LABELS["subject"], True,
                                       "The certificate was issued to the person sharing it"))
        return
    report.checks.append(CheckLine("subject", CHECK_LABELS["subject"], False,
                                   "The certificate was issued to someone else"))
    if report.verdict["tone"] == "ok":
        report.verdict = {"state": "forged", "label": "Issued to someone else", "tone": "bad",
                          "message": "The certificate is genuine but was issued to a different "
                          "person from the one who shared it.", "trusted_as": None}
