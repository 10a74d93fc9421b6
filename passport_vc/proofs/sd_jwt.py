"""Selective Disclosure for JWTs (SD-JWT, RFC 9901) over the reference implementation ``sd-jwt``.

The library builds the disclosures and digests, selects what a holder discloses and unpacks
what a verifier receives. Around it, this module adds what the library leaves out and a
careful verifier must still do (RFC 9901 §7):

- the issuer's algorithm is fixed by the key's curve before any crypto (``none`` and HMAC can
  never be used; STANDARDS.md trap 10), and the JWT ``typ`` is checked;
- every disclosure must be referenced by a digest (§7.1 step 3.3), none may use a reserved
  name, and the whole presentation is size-bounded;
- ``exp``/``nbf``/``iat`` are checked against the injected clock;
- the Key Binding JWT (§4.3) is made and checked here: the library only handles ES256 holder
  keys and reads the wall clock, while wallets here hold Ed25519 or P-256 keys and tests need
  an injected clock. It must be ``typ: kb+jwt``, signed by the ``cnf.jwk`` key, carry the
  expected ``nonce`` and ``aud``, be recent, and its ``sd_hash`` must cover exactly the
  presentation it ends.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jwcrypto import jwk
from jwcrypto.common import JWException

from ..clock import Clock, format_datetime, system_clock
from ..errors import (
    InvalidChallengeError,
    InvalidDomainError,
    MalformedProofError,
    ParsingError,
    PassportError,
    ProofVerificationError,
    RangeError,
    TooLargeError,
    UnsupportedAlgorithmError,
)
from ..keys import PublicKey, Signer
from ..keys.keypairs import b64url, b64url_decode
from .jose import claim_time, read_unverified, sign_jws, verify_jws

KB_JWT_TYPE = "kb+jwt"
SEPARATOR = "~"
MAX_PRESENTATION_CHARS = 256 * 1024
MAX_DISCLOSURES = 64
KB_MAX_AGE = timedelta(minutes=5)
LEEWAY = timedelta(seconds=60)
_RESERVED_NAMES = frozenset({"_sd", "...", "_sd_alg"})


@dataclass(frozen=True)
class Disclosure:
    """One disclosure the holder chose to reveal: an object member (``name``) or a list item."""

    name: str | None
    value: object


@dataclass(frozen=True)
class VerifiedSdJwt:
    """An SD-JWT whose issuer signature, disclosures and (if present) key binding checked out."""

    header: dict
    claims: dict  # the issuer-signed claims with the disclosed ones filled in
    disclosures: list[Disclosure]
    undisclosed: int  # digests left hidden (withheld claims and any decoys)
    holder_key: PublicKey | None
    key_binding: dict | None = field(default=None)  # the KB-JWT claims, when one was sent

    @property
    def disclosed_names(self) -> list[str]:
        return [item.name for item in self.disclosures if item.name is not None]


# --- issuing and presenting ------------------------------------------------------------------
def _jwcrypto_key(signer: Signer) -> jwk.JWK:
    to_cryptography = getattr(signer, "to_cryptography", None)
    if to_cryptography is None:
        raise UnsupportedAlgorithmError("This signing key cannot be used for SD-JWT")
    return jwk.JWK.from_pyca(to_cryptography())


def issue_sd_jwt(user_claims: dict, signer: Signer, *, header: dict,
                 holder_key: PublicKey | None = None, decoys: bool = False) -> str:
    """An SD-JWT in compact form (``<JWT>~<disclosure>~...~``).

    ``user_claims`` marks selectively disclosable members by wrapping their NAME in
    ``sd_jwt.common.SDObj`` (the library's convention); ``holder_key`` becomes ``cnf.jwk``.
    """
    from sd_jwt.issuer import SDJWTIssuer

    holder = jwk.JWK(**holder_key.to_jwk()) if holder_key is not None else None
    issued = SDJWTIssuer(user_claims, _jwcrypto_key(signer), holder_key=holder,
                         sign_alg=signer.jws_algorithm, add_decoy_claims=decoys,
                         extra_header_parameters=dict(header))
    return issued.sd_jwt_issuance


def split(presentation: str) -> tuple[str, list[str], str]:
    """(issuer-signed JWT, disclosures, KB-JWT or "") of a compact SD-JWT; bounded."""
    if not isinstance(presentation, str):
        raise ParsingError("An SD-JWT must be text")
    if len(presentation) > MAX_PRESENTATION_CHARS:
        raise TooLargeError(f"The SD-JWT is longer than {MAX_PRESENTATION_CHARS // 1024} KB")
    parts = presentation.strip().split(SEPARATOR)
    if len(parts) < 2:
        raise ParsingError("This is not an SD-JWT (it has no '~' separators)")
    token, *disclosures, kb = parts
    if len(disclosures) > MAX_DISCLOSURES:
        raise TooLargeError(f"The SD-JWT has more than {MAX_DISCLOSURES} disclosures")
    if any(not item for item in disclosures):
        raise ParsingError("The SD-JWT has an empty disclosure")
    return token, disclosures, kb


def _digest(text: str) -> str:
    return b64url(hashlib.sha256(text.encode("ascii")).digest())


def disclosable(issued: str) -> dict[str, object]:
    """The top-level claims a holder may choose to reveal, with their values (holder side)."""
    _token, disclosures, _kb = split(issued)
    found: dict[str, object] = {}
    for raw in disclosures:
        decoded = _decode_disclosure(raw)
        if len(decoded) == 3:
            found[decoded[1]] = decoded[2]
    return found


def present(issued: str, disclose: Iterable[str] | dict, *, signer: Signer | None = None,
            nonce: str | None = None, audience: str | None = None,
            clock: Clock = system_clock) -> str:
    """The holder's presentation: only the disclosures named in ``disclose`` (claim names, or
    the library's nested ``{name: True|{...}}`` form), then a Key Binding JWT when ``signer``,
    ``nonce`` and ``audience`` are given."""
    from sd_jwt.holder import SDJWTHolder

    split(issued)
    wanted = disclose if isinstance(disclose, dict) else {name: True for name in disclose}
    try:
        holder = SDJWTHolder(issued.strip())
        holder.create_presentation(wanted)
    except (ValueError, KeyError, TypeError) as error:
        raise ParsingError(f"The SD-JWT could not be prepared for sharing: {error}") from None
    without_kb = holder.sd_jwt_presentation
    if signer is None:
        return without_kb
    if not nonce or not audience:
        raise MalformedProofError("A key binding needs the verifier's nonce and audience")
    claims = {"iat": int(clock().timestamp()), "aud": audience, "nonce": nonce,
              "sd_hash": _digest(without_kb)}
    return without_kb + sign_jws(claims, signer, {"typ": KB_JWT_TYPE})


# --- verifying ---------------------------------------------------------------------------------
def _decode_disclosure(raw: str) -> list:
    try:
        decoded = json.loads(b64url_decode(raw))
    except (ValueError, UnicodeDecodeError):
        raise ParsingError("A disclosure in the SD-JWT is not readable") from None
    if (not isinstance(decoded, list) or len(decoded) not in (2, 3)
            or not isinstance(decoded[0], str)):
        raise ParsingError("A disclosure in the SD-JWT is not a [salt, (name,) value] list")
    if len(decoded) == 3 and (not isinstance(decoded[1], str) or decoded[1] in _RESERVED_NAMES):
        raise MalformedProofError(f"A disclosure uses the name {decoded[1]!r}, which is not "
                                  "allowed")
    return decoded


def _referenced(value: object, into: set[str]) -> None:
    """Every digest named by ``_sd`` arrays and ``{"...": digest}`` list items in ``value``."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            digests = node.get("_sd")
            if isinstance(digests, list):
                into.update(item for item in digests if isinstance(item, str))
            if len(node) == 1 and isinstance(node.get("..."), str):
                into.add(node["..."])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _check_time(claims: dict, now: datetime) -> None:
    claim_time(claims, "iat")
    expires, starts = claim_time(claims, "exp"), claim_time(claims, "nbf")
    if expires is not None and now > expires + LEEWAY:
        raise RangeError(f"The credential expired on {format_datetime(expires)}")
    if starts is not None and now < starts - LEEWAY:
        raise RangeError(f"The credential is not valid until {format_datetime(starts)}")


def _holder_key(payload: dict) -> PublicKey | None:
    cnf = payload.get("cnf")
    if cnf is None:
        return None
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        raise MalformedProofError("The SD-JWT's holder key (cnf) must be given as a JWK")
    try:
        return PublicKey.from_jwk(cnf["jwk"])
    except ValueError as error:
        raise MalformedProofError(f"The SD-JWT's holder key is not usable: {error}") from None


def _check_key_binding(kb: str, without_kb: str, holder: PublicKey | None, *, nonce: str | None,
                       audience: str | None, now: datetime, max_age: timedelta) -> dict:
    if holder is None:
        raise MalformedProofError("The SD-JWT has a key binding but names no holder key (cnf)")
    try:
        _header, claims = verify_jws(kb, holder, expected_typ={KB_JWT_TYPE})
    except ProofVerificationError:
        raise ProofVerificationError("The holder's key binding signature does not match: this "
                                     "was not sent by the wallet the credential belongs to"
                                     ) from None
    if claims.get("sd_hash") != _digest(without_kb):
        raise MalformedProofError("The holder's key binding does not cover this presentation")
    made = claim_time(claims, "iat")
    if made is None:
        raise MalformedProofError("The holder's key binding does not say when it was made")
    if made > now + LEEWAY:
        raise MalformedProofError("The holder's key binding says it was made in the future")
    if nonce is not None:
        if claims.get("nonce") != nonce:
            raise InvalidChallengeError("The presentation was not made for this request (the "
                                        "one-time code does not match)")
        if now - made > max_age + LEEWAY:
            raise RangeError("The presentation is too old; ask the worker to share it again")
    if audience is not None and claims.get("aud") != audience:
        raise InvalidDomainError("The presentation was made for a different verifier")
    return claims


def verify_sd_jwt(presentation: str, *, key_for: Callable[[dict, dict], PublicKey],
                  expected_types: frozenset[str], nonce: str | None = None,
                  audience: str | None = None, clock: Clock = system_clock,
                  require_key_binding: bool | None = None,
                  max_age: timedelta = KB_MAX_AGE, check_times: bool = True) -> VerifiedSdJwt:
    """Verify an SD-JWT presentation; raises a PassportError when it fails.

    ``key_for(header, unverified_payload)`` returns the issuer's key (the caller resolves the
    DID). ``check_times=False`` leaves ``exp``/``nbf`` to a caller that reports validity as its
    own check (an expired credential is not a forged one). A key binding is required when
    ``nonce`` or ``audience`` is given (or ``require_key_binding``); one that is present is
    always checked.
    """
    from sd_jwt.verifier import SDJWTVerifier

    token, disclosures, kb = split(presentation)
    header, unverified = read_unverified(token)
    if header.get("typ") not in expected_types:
        raise MalformedProofError(f"The token has the type {header.get('typ')!r}; expected "
                                  + " or ".join(sorted(repr(t) for t in expected_types)))
    issuer_key = key_for(header, unverified)
    _signed_header, payload = verify_jws(token, issuer_key, expected_typ=set(expected_types))
    if payload.get("_sd_alg", "sha-256") != "sha-256":
        raise UnsupportedAlgorithmError(f"The SD-JWT's digest algorithm "
                                        f"{payload.get('_sd_alg')!r} is not supported")
    decoded = {_digest(raw): _decode_disclosure(raw) for raw in disclosures}
    if len(decoded) != len(disclosures):
        raise MalformedProofError("The SD-JWT repeats a disclosure")
    referenced: set[str] = set()
    _referenced(payload, referenced)
    for item in decoded.values():
        _referenced(item[-1], referenced)
    if any(digest not in referenced for digest in decoded):
        raise MalformedProofError("The SD-JWT carries a disclosure its issuer did not sign")
    try:
        verifier = SDJWTVerifier(presentation.strip(),
                                 lambda _iss, _header: jwk.JWK.from_pyca(
                                     issuer_key.to_cryptography()))
        claims = verifier.get_verified_payload()
    except PassportError:
        raise
    except (JWException, ValueError, KeyError, TypeError) as error:
        raise MalformedProofError(f"The SD-JWT's disclosures are not valid: {error}") from None
    now = clock()
    if check_times:
        _check_time(payload, now)
    else:
        claim_time(payload, "exp"), claim_time(payload, "nbf")  # still well-formed numbers
    holder = _holder_key(payload)
    wants_binding = require_key_binding or nonce is not None or audience is not None
    key_binding = None
    try:
        if kb:
            without_kb = presentation.strip()[: -len(kb)]
            key_binding = _check_key_binding(kb, without_kb, holder, nonce=nonce,
                                             audience=audience, now=now, max_age=max_age)
        elif wants_binding:
            raise MalformedProofError("The presentation is not signed by the holder's wallet "
                                      "(no key binding), so it cannot answer this request")
    except PassportError as error:
        error.extra["part"] = "key_binding"  # lets a verifier report it as the holder's check
        raise
    shown = [Disclosure(item[1] if len(item) == 3 else None, item[-1])
             for item in decoded.values()]
    return VerifiedSdJwt(header=header, claims=claims, disclosures=shown,
                         undisclosed=len(referenced) - len(decoded), holder_key=holder,
                         key_binding=key_binding)


__all__ = ["Disclosure", "KB_JWT_TYPE", "VerifiedSdJwt", "disclosable", "issue_sd_jwt",
           "present", "split", "verify_sd_jwt"]
