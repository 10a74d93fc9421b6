"""One plain-English verdict per credential, from a verification result.

Employers and workers need to tell apart what the checks found (DOMAIN.md pain points:
"unknown issuer shown as the same red cross as forged", "expired shown as a generic error").
Order matters: a forged credential is reported as forged even if it is also expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import parse_datetime
from .result import VerificationResult
from .trust import TrustEntry, TrustList

DUE_SOON = timedelta(days=60)

# state -> (short label, tone) ; tone drives colour AND an icon/text, never colour alone
STATES = {
    "valid": ("Valid", "ok"),
    "due-soon": ("Valid – due for refresh soon", "warn"),
    "expired": ("Expired", "bad"),
    "not-yet-valid": ("Not valid yet", "warn"),
    "suspended": ("Suspended", "bad"),
    "revoked": ("Revoked", "bad"),
    "forged": ("Not genuine – signature invalid or altered", "bad"),
    "malformed": ("Not a readable credential", "bad"),
    "unknown-provider": ("Provider not recognised", "warn"),
    "status-unknown": ("Could not check if revoked", "warn"),
    "older-format": ("Older format – checked with the provider's website", "warn"),
}
OB2_MESSAGES = {
    "hosted": "Older format (Open Badges 2.0): checked with the provider's website, not signed "
              "by a key. Anyone who controls that website can change what it says.",
    "signed": "Older format (Open Badges 2.0): signed with a key the provider's website "
              "publishes, not a key in a DID document; checked with the provider's website.",
}


@dataclass(frozen=True)
class Verdict:
    state: str
    label: str
    tone: str  # "ok" | "warn" | "bad"
    message: str
    trusted_as: str | None = None
    # Who issued it, as the person should read it: the trust list's name for a recognised
    # provider, never the name a credential gives itself (anyone can write any name).
    provider: str | None = None

    @property
    def ok(self) -> bool:
        return self.tone == "ok"


def _make(state: str, message: str, trusted_as: str | None = None,
          provider: str | None = None) -> Verdict:
    label, tone = STATES[state]
    return Verdict(state, label, tone, message, trusted_as, provider)


def claimed_name(document: object) -> str | None:
    """The issuer's name as the credential states it (self-asserted, unverified)."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    name = issuer.get("name") if isinstance(issuer, dict) else None
    if isinstance(name, dict):  # a language map
        name = next((value for value in name.values() if isinstance(value, str)), None)
    if isinstance(name, list):  # language-tagged values
        name = next((item.get("@value") for item in name
                     if isinstance(item, dict) and isinstance(item.get("@value"), str)), None)
    if not isinstance(name, str):
        return None
    return " ".join(name.split())[:200] or None


def provider_headline(claimed: str | None, entry: TrustEntry | None,
                      trust: TrustList | None) -> str | None:
    """The trust-list entry's name when trusted; otherwise the claim, marked as only a claim."""
    if entry is not None:
        return entry.name
    if trust is None:
        return claimed
    if claimed:
        return f"Claims to be {claimed} — not on your trust list"
    return "An unnamed provider — not on your trust list"


def verdict_for(result: VerificationResult, *, now: datetime,
                trust: TrustList | None = None, due_soon: timedelta = DUE_SOON) -> Verdict:
    """The single most important thing to tell a person about this credential."""
    checks = {check.name: check for check in result.checks}

    def failed(name: str) -> bool:
        return name in checks and checks[name].ok is False

    if failed("structure"):
        return _make("malformed", checks["structure"].message)
    if failed("proof"):
        return _make("forged", "The signature does not match: the certificate was changed "
                     "after it was issued, or was not issued by this provider. "
                     + checks["proof"].message)
    if failed("issuer_binding"):
        return _make("forged", "The certificate was signed with a key that does not belong to "
                     "the provider named on it. " + checks["issuer_binding"].message)
    if failed("status"):
        state = checks["status"].details.get("state")
        if state in ("revoked", "suspended"):
            return _make(state, checks["status"].message)
        # The status list itself could not be trusted (forged, too short, wrong issuer): we do
        # not know whether the credential is revoked, and must not say it is fine either.
        return _make("status-unknown", "The revocation status could not be checked: "
                     + checks["status"].message)
    if failed("validity"):
        state = checks["validity"].details.get("state", "expired")
        return _make(state if state in STATES else "expired", checks["validity"].message)
    if failed("schema"):
        return _make("malformed", checks["schema"].message)
    if result.facts.get("format") == "ob2":
        # Nothing here is a DID-signed credential: say so, whatever the trust list holds.
        if "proof" in checks and checks["proof"].ok is None:
            return _make("status-unknown", checks["proof"].message)
        unknown = "status" in checks and checks["status"].ok is None
        return _make("older-format", OB2_MESSAGES[result.facts.get("ob2_method", "hosted")]
                     + (" It is not known whether it was revoked." if unknown else ""))
    issuer = result.facts.get("issuer")
    entry = trust.lookup(issuer, now) if trust is not None and issuer else None
    claimed = claimed_name(result.document)
    provider = provider_headline(claimed, entry, trust)
    if trust is not None and entry is None:
        message = ("The signature is genuine, but this training provider is not on your list "
                   "of recognised providers. Check who they are before relying on this "
                   "certificate.")
        if claimed and trust.named(claimed, now):
            message = (f"This certificate calls its provider {claimed}, the name of a provider "
                       f"on your list, but it was not issued by that provider. Do not rely on "
                       f"it without checking with {claimed} directly.")
        return _make("unknown-provider", message, None, provider)
    trusted_as = entry.describe() if entry else None
    if "status" in checks and checks["status"].ok is None:
        return _make("status-unknown", checks["status"].message, trusted_as, provider)
    valid_until = result.facts.get("valid_until")
    if valid_until and parse_datetime(valid_until) - now <= due_soon:
        when = parse_datetime(valid_until).strftime("%-d %B %Y")
        return _make("due-soon", f"Valid, but the training needs refreshing by {when}.",
                     trusted_as, provider)
    return _make("valid", "The certificate is genuine, in date and has not been revoked.",
                 trusted_as, provider)
