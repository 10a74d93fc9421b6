"""Open Badges 2.0 assertions (IMS Global OB 2.0 Final, "Verification" and "Revocation"): the
older format many providers and learning systems (Moodle) still issue.

OB 2.0 has no DIDs and, for hosted badges, no signature at all: what makes an assertion
trustworthy is that the provider's website still serves it. So:

- **hosted** (``verification.type`` ``hosted``/``HostedBadge``): the assertion is fetched again
  from its own ``id`` (https) and only the copy the website serves is believed; the badge class
  and issuer profile are fetched too, and the assertion's address must be on the issuer's site
  (its ``id`` origin, or ``verification.allowedOrigins`` / ``startsWith`` of the profile).
- **signed** (``SignedBadge``, a compact JWS): RS256 only (what OB 2.0 uses; ``none``/HMAC can
  never be used), with the key named by ``verification.creator``, a CryptographicKey fetched
  from the provider's website whose ``owner`` is the issuer and listed in its ``publicKey``;
  revocation comes from the issuer's ``revocationList``.

Either way the result says plainly that this is the older format checked against the
provider's website, never that it was signed by a DID key. Every fetch goes through the
injected fetcher (https only, no private addresses, bounded) and JSON is size- and
shape-checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from .clock import parse_datetime
from .errors import (
    FetchError,
    KeyBindingError,
    MalformedValueError,
    ParsingError,
    PassportError,
    ProofVerificationError,
    UnsupportedAlgorithmError,
)
from .inputs import parse_json

CONTEXT = "https://w3id.org/openbadges/v2"
HOSTED = frozenset({"hosted", "HostedBadge"})
SIGNED = frozenset({"signed", "SignedBadge"})
ALGORITHMS = ("RS256",)
MAX_DOCUMENT_BYTES = 256 * 1024


@dataclass
class Ob2Outcome:
    """What checking an OB 2.0 assertion found (raised errors say what did not check out)."""

    method: str  # "hosted" | "signed"
    assertion: dict
    badge: dict
    issuer: dict
    revoked: bool = False
    revocation_reason: str | None = None
    notes: list[str] = field(default_factory=list)


def _contexts(document: object) -> list:
    value = document.get("@context") if isinstance(document, dict) else None
    return value if isinstance(value, list) else [value]


def is_ob2_assertion(document: object) -> bool:
    return isinstance(document, dict) and CONTEXT in _contexts(document) and \
        "Assertion" in (document.get("type") if isinstance(document.get("type"), list)
                        else [document.get("type")])


def _https(url: object, what: str) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme != "https" or len(url) > 2048:
        raise MalformedValueError(f"The badge's {what} is not an https address")
    return url


def _fetch_json(fetch, url: str, what: str) -> dict:
    try:
        fetched = fetch.get(url, accept="application/ld+json, application/json")
    except FetchError as error:
        raise FetchError(f"The provider's website did not give the badge's {what} "
                         f"({error.detail})", status=error.extra.get("status")) from None
    try:
        document = parse_json(fetched.body, max_bytes=MAX_DOCUMENT_BYTES)
    except PassportError:
        raise ParsingError(f"The provider's website gave an unreadable badge {what}") from None
    if not isinstance(document, dict):
        raise ParsingError(f"The provider's website gave an unreadable badge {what}")
    return document


def _linked(fetch, value: object, what: str) -> dict:
    """An embedded object, or one fetched from its https id (OB 2.0 allows both)."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and value["id"].startswith("https://"):
            return _fetch_json(fetch, value["id"], what)  # the website's copy is the truth
        return value
    return _fetch_json(fetch, _https(value, what), what)


def _check_hosted_origin(assertion_id: str, issuer: dict) -> None:
    policy = issuer.get("verification") if isinstance(issuer.get("verification"), dict) else {}
    allowed = policy.get("allowedOrigins")
    starts = policy.get("startsWith")
    host = urlsplit(assertion_id).netloc
    if allowed is not None:
        origins = allowed if isinstance(allowed, list) else [allowed]
        ok = host in origins
    elif starts is not None:
        prefixes = starts if isinstance(starts, list) else [starts]
        ok = any(isinstance(p, str) and assertion_id.startswith(p) for p in prefixes)
    else:
        ok = host == urlsplit(str(issuer.get("id", ""))).netloc
    if not ok:
        raise KeyBindingError("The badge is published on a different website from its "
                              "provider's, so the provider's website does not vouch for it")


def _dates(assertion: dict) -> None:
    """Readable dates; whether they are in range is the verifier's validity check."""
    for name in ("issuedOn", "expires"):
        value = assertion.get(name)
        if value is not None:
            try:
                parse_datetime(value)
            except (PassportError, ValueError, TypeError):
                raise MalformedValueError(f"The badge's {name} is not a date") from None
    if assertion.get("issuedOn") is None:
        raise MalformedValueError("The badge does not say when it was issued (issuedOn)")


def check_hosted(given: dict, fetch) -> Ob2Outcome:
    policy = given.get("verification") if isinstance(given.get("verification"), dict) else {}
    if policy.get("type") not in HOSTED:
        raise MalformedValueError("This badge is not a hosted badge")
    assertion_id = _https(given.get("id"), "address (id)")
    assertion = _fetch_json(fetch, assertion_id, "assertion")
    if assertion.get("id") != assertion_id or not is_ob2_assertion(assertion):
        raise ProofVerificationError("The provider's website does not serve this badge at its "
                                     "address")
    if assertion.get("revoked") is True:
        return Ob2Outcome("hosted", assertion, {}, {}, revoked=True,
                          revocation_reason=assertion.get("revocationReason"))
    badge = _linked(fetch, assertion.get("badge"), "badge class")
    issuer = _linked(fetch, badge.get("issuer"), "issuer")
    _check_hosted_origin(assertion_id, issuer)
    _dates(assertion)
    outcome = Ob2Outcome("hosted", assertion, badge, issuer)
    reference_only = set(given) <= {"@context", "type", "id", "verification"}
    if not reference_only and _canonical(assertion) != _canonical(given):
        outcome.notes.append("The provider's website now shows this badge differently from "
                             "the copy given; the website's version is shown")
    return outcome


def _canonical(document: dict) -> str:
    return json.dumps(document, sort_keys=True)


def check_signed(token: str, fetch) -> Ob2Outcome:
    from .proofs.jose import read_unverified

    header, payload = read_unverified(token)
    if header.get("alg") not in ALGORITHMS:
        raise UnsupportedAlgorithmError(f"The badge's signature algorithm {header.get('alg')!r} "
                                        "is not accepted (Open Badges 2.0 uses RS256)")
    if "crit" in header:
        raise MalformedValueError("The badge's signature requires extensions this checker "
                                  "does not support")
    policy = payload.get("verification") if isinstance(payload.get("verification"), dict) \
        else {}
    if policy.get("type") not in SIGNED:
        raise MalformedValueError("This badge is not a signed badge")
    key_url = _https(policy.get("creator"), "signing key (verification.creator)")
    key_document = _fetch_json(fetch, key_url, "signing key")
    pem = key_document.get("publicKeyPem")
    if not isinstance(pem, str) or len(pem) > 8192:
        raise MalformedValueError("The provider's signing key is not readable")
    try:
        key = jwk.JWK.from_pem(pem.encode("ascii"))
    except (ValueError, TypeError, JWException):
        raise MalformedValueError("The provider's signing key is not readable") from None
    if key.get("kty") != "RSA" or key.has_private:
        raise UnsupportedAlgorithmError("The provider's signing key is not an RSA public key")
    try:
        signed = jws.JWS()
        signed.deserialize(token.strip())
        signed.verify(key, alg="RS256")
    except (JWException, ValueError, TypeError):
        raise ProofVerificationError("The badge's signature does not match its content") \
            from None
    assertion = payload
    badge = _linked(fetch, assertion.get("badge"), "badge class")
    issuer = _linked(fetch, badge.get("issuer"), "issuer")
    keys = issuer.get("publicKey")
    listed = keys if isinstance(keys, list) else [keys]
    listed_ids = {item.get("id") if isinstance(item, dict) else item for item in listed}
    if key_document.get("owner") != issuer.get("id") or key_url not in listed_ids:
        raise KeyBindingError("The badge was signed with a key its provider does not list as "
                              "theirs")
    _dates(assertion)
    outcome = Ob2Outcome("signed", assertion, badge, issuer)
    revocation_url = issuer.get("revocationList")
    if revocation_url is None:
        outcome.notes.append("The provider publishes no revocation list, so revocation could "
                             "not be checked")
        return outcome
    revocations = _fetch_json(fetch, _https(revocation_url, "revocation list"),
                              "revocation list")
    for entry in revocations.get("revokedAssertions") or []:
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if entry_id == assertion.get("id") or entry_id == assertion.get("uid"):
            outcome.revoked = True
            outcome.revocation_reason = entry.get("revocationReason") if isinstance(
                entry, dict) else None
    return outcome


def credential_view(outcome: Ob2Outcome) -> dict:
    """The badge laid out like an Open Badges 3.0 credential for the pages that list training
    (summarise). Not a credential: nothing in this shape is signed."""
    assertion, badge, issuer = outcome.assertion, outcome.badge, outcome.issuer
    recipient = assertion.get("recipient") if isinstance(assertion.get("recipient"), dict) \
        else {}
    subject: dict = {"type": ["AchievementSubject"],
                     "achievement": {"id": badge.get("id"), "type": ["Achievement"],
                                     "name": badge.get("name"),
                                     "description": badge.get("description"),
                                     "criteria": badge.get("criteria")}}
    if recipient.get("type") == "name" and recipient.get("hashed") is False and isinstance(
            recipient.get("identity"), str):
        subject["identifier"] = [{"type": "IdentityObject", "identityType": "name",
                                  "hashed": False, "identityHash": recipient["identity"]}]
    view: dict = {"type": ["OpenBadgeCredential"], "id": assertion.get("id"),
                  "issuer": {"id": issuer.get("id"), "type": ["Profile"],
                             "name": issuer.get("name")},
                  "validFrom": assertion.get("issuedOn"), "credentialSubject": subject}
    if assertion.get("expires"):
        view["validUntil"] = assertion["expires"]
    if assertion.get("evidence"):
        view["evidence"] = assertion["evidence"]
    return view


def recipient_note(assertion: dict) -> str | None:
    """OB 2.0 names the earner by (usually hashed) email: say so, since it cannot be shown."""
    recipient = assertion.get("recipient") if isinstance(assertion.get("recipient"), dict) \
        else {}
    if recipient.get("hashed") is True:
        kind = recipient.get("type") if isinstance(recipient.get("type"), str) else "identity"
        return (f"The badge names its earner only by a scrambled (hashed) {kind}; ask the "
                "worker which one they used if you need to match it")
    return None


__all__ = ["Ob2Outcome", "check_hosted", "check_signed", "credential_view", "is_ob2_assertion",
           "recipient_note"]

