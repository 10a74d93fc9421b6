"""SD-JWT-based Verifiable Credentials (IETF SD-JWT VC, media type ``dc+sd-jwt``): the
SD-JWT VC twin of a care training credential.

SD-JWT VC is not built on the W3C data model (no ``@context``), so the twin carries the same
content as plain JWT claims:

- registered claims: ``iss`` (the provider's DID; ``kid`` names its verification method. An
  SD-JWT VC from elsewhere whose ``iss`` is an https URL is checked with the key its JWT VC
  Issuer Metadata publishes, passport_vc/jwt_vc_issuer.py),
  ``vct`` (the care credential type), ``iat``, ``nbf``/``exp`` (validFrom/validUntil), ``jti``
  (the credential id), ``sub`` (the worker's DID when bound), ``cnf.jwk`` (the wallet's key);
- always shown: the provider's name, the course (``achievement``, exactly as in the Open
  Badges credential), the completion date and course details, ``replaces``, and the status;
- replaced by ``vct``: the W3C ``type`` and ``credentialSchema`` (a JSON Schema of the W3C
  shape);
- selectively disclosable: the worker's ``name``, ``birthdate``, ``result`` (grade) and
  ``evidence``: a worker can prove the training without showing who they are.

Status: the twin keeps the project's W3C Bitstring Status List entry (same list, same index as
the W3C credential) under ``credential_status``. SD-JWT VC's own ``status`` claim is reserved
for the IETF Token Status List mechanisms (its ``status_list`` must point at a status list
*token*); a different mechanism in it would be misread by other verifiers, while an extra claim
is ignored by them, and checked here.

A member of the W3C credential that has no place in the twin is refused, never dropped.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .clock import Clock, format_datetime, parse_datetime, system_clock
from .errors import KeyBindingError, MalformedValueError
from .issue import IssuerKey, issuer_id
from .jwt_vc_issuer import is_url_issuer
from .keys import PublicKey, Signer
from .proofs.sd_jwt import VerifiedSdJwt, issue_sd_jwt, present, verify_sd_jwt

MEDIA_TYPE = "dc+sd-jwt"
# Drafts before -06 used vc+sd-jwt; wallets built on them still send it.
ACCEPTED_TYPES = frozenset({MEDIA_TYPE, "vc+sd-jwt"})
VCT = "https://w3id.org/skills-passport/vct/care-training-credential/v1"
SELECTIVE = ("name", "birthdate", "result", "evidence")
# What wallets show for each claim (OID4VCI credential_metadata.claims).
CLAIM_LABELS = (("name", "Name"), ("birthdate", "Date of birth"), ("result", "Grade"),
                ("evidence", "Evidence"), ("achievement", "Training"),
                ("activity_end_date", "Completed on"), ("issuer_name", "Training provider"))
CONTEXTS = ("https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/skills-passport/v1")
# W3C credential members -> where they go in the twin (those handled by hand are None).
_TOP = {"@context": None, "id": None, "type": None, "issuer": None, "validFrom": None,
        "validUntil": None, "name": "credential_name", "credentialSubject": None,
        "evidence": None, "replaces": "replaces", "credentialSchema": None,
        "credentialStatus": "credential_status", "description": "description"}
_SUBJECT = {"id": None, "type": None, "identifier": None, "achievement": "achievement",
            "activityEndDate": "activity_end_date", "assessmentMethod": "assessment_method",
            "deliveryMode": "delivery_mode", "learningHours": "learning_hours",
            "birthDate": None, "result": None}


def _name_of(subject: dict) -> str | None:
    for identity in subject.get("identifier") or []:
        if isinstance(identity, dict) and identity.get("identityType") == "name" \
                and identity.get("hashed") is False:
            return identity.get("identityHash")
    return None


def _seconds(value: str | None) -> int | None:
    return None if value is None else int(parse_datetime(value).timestamp())


def twin_claims(credential: dict, *, clock: Clock = system_clock) -> dict:
    """The SD-JWT VC claims of ``credential`` (SD members wrapped in the library's SDObj)."""
    from sd_jwt.common import SDObj

    if not isinstance(credential, dict) or not isinstance(
            credential.get("credentialSubject"), dict):
        raise MalformedValueError("An SD-JWT VC twin needs a credential with one subject")
    unknown = sorted(set(credential) - set(_TOP) - {"proof"})
    subject = credential["credentialSubject"]
    unknown += sorted(f"credentialSubject.{k}" for k in set(subject) - set(_SUBJECT))
    if unknown:
        raise MalformedValueError(f"The credential has {unknown[0]!r}, which the SD-JWT VC "
                                  "form cannot carry")
    issuer = credential.get("issuer")
    claims: dict = {"iss": issuer_id(credential), "vct": VCT,
                    "iat": int(clock().timestamp())}
    for name, value in (("nbf", _seconds(credential.get("validFrom"))),
                        ("exp", _seconds(credential.get("validUntil"))),
                        ("jti", credential.get("id")), ("sub", subject.get("id"))):
        if value is not None:
            claims[name] = value
    if isinstance(issuer, dict) and issuer.get("name"):
        claims["issuer_name"] = issuer["name"]
    for source, table in ((credential, _TOP), (subject, _SUBJECT)):
        for member, claim in table.items():
            if claim and member in source:
                claims[claim] = copy.deepcopy(source[member])
    disclosable = {"name": _name_of(subject), "birthdate": subject.get("birthDate"),
                   "result": subject.get("result"), "evidence": credential.get("evidence")}
    for name in SELECTIVE:
        if disclosable[name] is not None:
            claims[SDObj(name)] = copy.deepcopy(disclosable[name])
    return claims


def issue_sd_jwt_vc(credential: dict, key: IssuerKey, holder: PublicKey, *,
                    clock: Clock = system_clock) -> str:
    """Issue the ``dc+sd-jwt`` twin of a training credential, bound to ``holder``. The W3C
    credential is validated first, so the twin never says what the credential could not."""
    from .model import validate_credential

    validate_credential(credential, purpose="issue")
    if issuer_id(credential) != key.controller:
        raise KeyBindingError("The credential's issuer does not control this key", path="issuer")
    return issue_sd_jwt(twin_claims(credential, clock=clock), key.signer,
                        header={"typ": MEDIA_TYPE, "kid": key.verification_method},
                        holder_key=holder)


def present_sd_jwt_vc(issued: str, disclose: list[str], *, signer: Signer, nonce: str,
                      audience: str, clock: Clock = system_clock) -> str:
    """The wallet's answer to a verifier: only the chosen claims, bound to its key."""
    unknown = [name for name in disclose if name not in SELECTIVE]
    if unknown:
        raise MalformedValueError(f"{unknown[0]!r} is not something this credential can show "
                                  "or hide")
    return present(issued, disclose, signer=signer, nonce=nonce, audience=audience, clock=clock)


def verify_sd_jwt_vc(presentation: str, *, issuer_key: Callable[[str, str], PublicKey],
                     nonce: str | None = None, audience: str | None = None,
                     clock: Clock = system_clock,
                     max_age: timedelta = timedelta(minutes=5)) -> VerifiedSdJwt:
    """Check the issuer's signature (``issuer_key(iss, kid)`` resolves and binds the key: a DID
    URL of a DID ``iss``, or, for an https ``iss``, the ``kid`` (or None) of its JWT VC Issuer
    Metadata),
    disclosures and key binding. Validity (``nbf``/``exp``, see ``credential_view``) and
    status are the caller's: they are reported as their own checks, not as a bad signature."""
    def key_for(header: dict, payload: dict) -> PublicKey:
        iss, kid = payload.get("iss"), header.get("kid")
        if is_url_issuer(iss):  # JWT VC Issuer Metadata (passport_vc/jwt_vc_issuer.py)
            if kid is not None and not isinstance(kid, str):
                raise KeyBindingError("The credential's key id (kid) is not text")
            return issuer_key(iss, kid)
        if not isinstance(iss, str) or not iss.startswith("did:"):
            raise KeyBindingError("The credential's issuer (iss) is neither a DID nor a web "
                                  "address, so its key cannot be looked up")
        if isinstance(kid, str) and kid.startswith("#"):
            kid = iss + kid
        if not isinstance(kid, str) or kid.split("#", 1)[0] != iss or "#" not in kid:
            raise KeyBindingError(f"The credential was signed with {kid!r}, which is not a "
                                  f"key of its issuer {iss}")
        return issuer_key(iss, kid)

    verified = verify_sd_jwt(presentation, key_for=key_for, expected_types=ACCEPTED_TYPES,
                             nonce=nonce, audience=audience, clock=clock, max_age=max_age,
                             check_times=False)
    if not isinstance(verified.claims.get("vct"), str):
        raise MalformedValueError("The SD-JWT VC does not say what kind of credential it is "
                                  "(vct)")
    return verified


def credential_view(claims: dict) -> dict:
    """The disclosed claims laid out like the W3C credential they are a twin of, for the
    pages that show a training record. Withheld claims are simply absent. Not a credential:
    nothing here is signed in this shape."""
    issuer: dict = {"id": claims.get("iss"), "type": ["Profile"]}
    if claims.get("issuer_name"):
        issuer["name"] = claims["issuer_name"]
    subject: dict = {"type": ["AchievementSubject"]}
    if claims.get("sub"):
        subject["id"] = claims["sub"]
    if isinstance(claims.get("name"), str):
        subject["identifier"] = [{"type": "IdentityObject", "identityType": "name",
                                  "hashed": False, "identityHash": claims["name"]}]
    for member, claim in _SUBJECT.items():
        if claim and claim in claims:
            subject[member] = claims[claim]
    for member, claim in (("birthDate", "birthdate"), ("result", "result")):
        if claim in claims:
            subject[member] = claims[claim]
    view: dict = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": issuer}
    if claims.get("vct") == VCT:
        view["@context"] = list(CONTEXTS)
    if claims.get("jti"):
        view["id"] = claims["jti"]
    for member, claim in (("validFrom", "nbf"), ("validUntil", "exp")):
        if isinstance(claims.get(claim), int | float):
            view[member] = format_datetime(datetime.fromtimestamp(claims[claim], UTC))
    for member, claim in _TOP.items():
        if claim and claim in claims:
            view[member] = claims[claim]
    view["credentialSubject"] = subject
    if "evidence" in claims:
        view["evidence"] = claims["evidence"]
    return view


__all__ = ["ACCEPTED_TYPES", "CLAIM_LABELS", "MEDIA_TYPE", "SELECTIVE", "VCT", "credential_view",
           "issue_sd_jwt_vc", "present_sd_jwt_vc", "twin_claims", "verify_sd_jwt_vc"]
