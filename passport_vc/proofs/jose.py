"""VC-JOSE-COSE (W3C Recommendation) §3.1.1: securing VC 2.0 with JOSE as ``application/vc+jwt``.

Also reads legacy VC Data Model 1.1 JWTs (VC-DATA-MODEL 1.1 §6.3.1, the ``vc`` claim) so older
credentials can still be checked.

Signing builds the compact JWS (RFC 7515 §7.1) with the project's ``Signer``; verification goes
through jwcrypto, but only after a frozen allowlist has fixed the algorithm by the key's curve
(STANDARDS.md trap 10): ``none`` and HMAC algorithms can never reach the crypto, so a public key
can never be used as an HMAC secret.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from ..clock import Clock, format_datetime, parse_datetime, system_clock
from ..errors import (
    KeyBindingError,
    MalformedProofError,
    MalformedValueError,
    ParsingError,
    PassportError,
    ProofVerificationError,
    RangeError,
    TooLargeError,
    UnsupportedAlgorithmError,
)
from ..inputs import parse_json
from ..keys import PublicKey, Signer
from ..keys.keypairs import b64url, b64url_decode

ALLOWED_ALGORITHMS = MappingProxyType({
    "Ed25519": frozenset({"EdDSA"}),
    "P-256": frozenset({"ES256"}),
    "P-384": frozenset({"ES384"}),
    "P-521": frozenset({"ES512"}),
})
ANY_ALLOWED_ALGORITHM = frozenset().union(*ALLOWED_ALGORITHMS.values())
VC_JWT_TYPE = "vc+jwt"
VP_JWT_TYPE = "vp+jwt"
LEGACY_TYPES = frozenset({"JWT"})  # plus an absent typ
REGISTERED_CLAIMS = ("iss", "iat", "nbf", "exp", "jti", "sub", "aud")
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
MAX_TOKEN_CHARS = 512 * 1024


@dataclass(frozen=True)
class VerifiedJwt:
    """A JWT whose signature checked out. ``payload`` is the credential (without JWT claims)."""

    header: dict
    payload: dict
    kid: str | None
    claims: dict


# --- compact JWS -------------------------------------------------------------------------------
def _json_part(data: dict) -> str:
    return b64url(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def sign_jws(payload: dict, signer: Signer, header: dict) -> str:
    """Compact JWS over ``payload``; ``alg`` always comes from the signer's curve."""
    if "alg" in header and header["alg"] != signer.jws_algorithm:
        raise UnsupportedAlgorithmError(
            f"A {signer.curve} key signs with {signer.jws_algorithm}, not {header['alg']!r}")
    protected = {"alg": signer.jws_algorithm, **{k: v for k, v in header.items() if k != "alg"}}
    signing_input = _json_part(protected) + "." + _json_part(payload)
    signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url(signature)


def _decode_part(part: str, what: str) -> dict:
    try:
        value = parse_json(b64url_decode(part), max_bytes=MAX_TOKEN_CHARS)
    except ValueError:
        raise ParsingError(f"The token's {what} is not readable") from None
    except PassportError as error:
        raise ParsingError(f"The token's {what} is not readable: {error.detail}") from None
    if not isinstance(value, dict):
        raise ParsingError(f"The token's {what} is not a JSON object")
    return value


def read_unverified(token: str) -> tuple[dict, dict]:
    """Split a compact JWS and decode its header and payload WITHOUT checking the signature."""
    if not isinstance(token, str):
        raise ParsingError("The token must be text")
    if len(token) > MAX_TOKEN_CHARS:
        raise TooLargeError(f"The token is longer than {MAX_TOKEN_CHARS // 1024} KB")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ParsingError("This is not a signed token (JWS compact form has three parts)")
    return _decode_part(parts[0], "header"), _decode_part(parts[1], "content")


def _check_algorithm(header: dict, curve: str | None) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise UnsupportedAlgorithmError("The token is not signed (algorithm 'none' is refused)")
    if alg.upper().startswith("HS"):
        raise UnsupportedAlgorithmError(
            f"The token uses a shared-secret algorithm ({alg}), which is never accepted")
    allowed = ALLOWED_ALGORITHMS.get(curve, frozenset()) if curve else ANY_ALLOWED_ALGORITHM
    if alg not in allowed:
        raise UnsupportedAlgorithmError(
            f"The token's algorithm {alg!r} is not allowed"
            + (f" for a {curve} key" if curve else ""))
    if "crit" in header:
        # No extension is understood here, so RFC 7515 §4.1.11 requires refusing the token.
        raise MalformedProofError("The token requires extensions this system does not support")
    return alg


@functools.lru_cache(maxsize=1024)
def _jwk_for(public_key: PublicKey) -> jwk.JWK:
    """jwcrypto's key object, built once per public key (building it costs more than the
    signature check); only ever used to verify."""
    return jwk.JWK.from_pyca(public_key.to_cryptography())


def verify_jws(token: str, public_key: PublicKey, *,
               expected_typ: set[str] | None = None,
               header: dict | None = None) -> tuple[dict, dict]:
    """Verify a compact JWS with ``public_key``; returns (protected header, payload).

    The algorithm must be the one allowed for the key's curve; checked before any crypto.
    ``header``: this token's own header, when the caller already decoded it (read_unverified).
    """
    if header is None:
        header, _ = read_unverified(token)
    alg = _check_algorithm(header, public_key.curve)
    if expected_typ is not None and header.get("typ") not in expected_typ:
        raise MalformedProofError(
            f"The token has the type {header.get('typ')!r}; expected "
            + " or ".join(sorted(repr(t) for t in expected_typ)))
    if "b64" in header:  # RFC 7797 unencoded payloads: never made or needed here
        raise MalformedProofError("The token's payload must be base64url-encoded (no 'b64')")
    try:
        key = _jwk_for(public_key)
        protected, encoded_payload, signature = token.strip().split(".")
        raw_payload = b64url_decode(encoded_payload)
        # jwcrypto's signature step itself, with the one algorithm allowed above (the JWS
        # object around it deep-copies a header registry per token: a fifth of a verification)
        jws.JWSCore(alg, key, b64url_decode(protected).decode("utf-8"), raw_payload,
                    [alg]).verify(b64url_decode(signature))
    except (JWException, ValueError, TypeError):
        raise ProofVerificationError("The signature does not match the token's content") from None
    payload = parse_json(raw_payload, max_bytes=MAX_TOKEN_CHARS)
    if not isinstance(payload, dict):
        raise ParsingError("The token's content is not a JSON object")
    return header, payload


# --- vc+jwt --------------------------------------------------------------------------------------
def _issuer_of(document: dict) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _timestamp(document: dict, name: str) -> int | None:
    value = document.get(name)
    return None if value is None else int(parse_datetime(value).timestamp())


def issue_vc_jwt(credential: dict, signer: Signer, *, kid: str,
                 clock: Clock = system_clock) -> str:
    """Secure a VC 2.0 credential as ``vc+jwt``: the payload IS the credential (§3.1.1)."""
    if not isinstance(credential, dict):
        raise MalformedValueError("The credential must be a JSON object")
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != VC2_CONTEXT:
        raise MalformedValueError("Only VC 2.0 credentials can be signed as vc+jwt",
                                  path="@context")
    issuer = _issuer_of(credential)
    if not issuer:
        raise MalformedValueError("The credential has no issuer", path="issuer")
    if not isinstance(kid, str) or kid.split("#", 1)[0] != issuer:
        raise KeyBindingError(f"The key {kid!r} does not belong to the issuer {issuer}")
    clashing = [name for name in REGISTERED_CLAIMS if name in credential]
    if clashing:
        raise MalformedValueError(f"The credential uses the reserved JWT name {clashing[0]!r}")
    payload = copy.deepcopy(credential)
    payload["iss"] = issuer
    payload["iat"] = int(clock().timestamp())
    not_before, expires = _timestamp(credential, "validFrom"), _timestamp(credential, "validUntil")
    if not_before is not None:
        payload["nbf"] = not_before
    if expires is not None:
        payload["exp"] = expires
    return sign_jws(payload, signer, {"kid": kid, "typ": VC_JWT_TYPE})


def _absolute_kid(kid: object, issuer: str | None) -> str:
    from .cose import absolute_kid

    return absolute_kid(kid, issuer)


def claim_time(claims: dict, name: str) -> datetime | None:
    """A NumericDate claim (RFC 7519 §2) as an aware datetime, or None when absent."""
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise MalformedValueError(f"The token's {name!r} is not a number")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, ValueError, OSError):
        raise MalformedValueError(f"The token's {name!r} is not a usable date") from None


def _check_time(claims: dict, now: datetime, leeway: timedelta,
                what: str = "credential") -> None:
    # ``iat`` is informational: validity comes from nbf/exp (and the credential's own dates),
    # so a malformed iat (some issuers write a date string) is ignored rather than refused.
    expires = claim_time(claims, "exp")
    if expires is not None and now > expires + leeway:
        raise RangeError(f"The {what} expired on {format_datetime(expires)}")
    starts = claim_time(claims, "nbf")
    if starts is not None:
        if now < starts - leeway:
            raise RangeError(f"The {what} is not valid until {format_datetime(starts)}")


def _legacy_document(claims: dict) -> dict:
    """VC-DATA-MODEL 1.1 §6.3.1: rebuild the credential from the ``vc`` claim and JWT claims."""
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        raise MalformedProofError("The token carries no credential (no 'vc' claim)")
    document = copy.deepcopy(vc)
    if "iss" in claims:
        if isinstance(document.get("issuer"), dict):
            document["issuer"]["id"] = claims["iss"]
        else:
            document["issuer"] = claims["iss"]
    if "nbf" in claims:
        document["issuanceDate"] = format_datetime(claim_time(claims, "nbf"))
    if "exp" in claims:
        document["expirationDate"] = format_datetime(claim_time(claims, "exp"))
    if "jti" in claims:
        document["id"] = claims["jti"]
    if "sub" in claims and isinstance(document.get("credentialSubject"), dict):
        document["credentialSubject"]["id"] = claims["sub"]
    return document


def verify_vc_jwt(token: str, *, public_key_for_kid: Callable[[str], PublicKey],
                  clock: Clock = system_clock,
                  leeway: timedelta = timedelta(seconds=60),
                  unverified: tuple[dict, dict] | None = None) -> VerifiedJwt:
    """Verify a ``vc+jwt`` (VC 2.0) or a legacy VC 1.1 JWT; raises a PassportError if it fails.

    The key id must be a DID URL of the credential's issuer; ``public_key_for_kid`` resolves it
    (the caller still checks the key is listed under the issuer's ``assertionMethod``).
    ``unverified``: ``read_unverified(token)``, when the caller already has it (one decoding).
    """
    unverified_header, unverified_claims = unverified or read_unverified(token)
    _check_algorithm(unverified_header, None)
    typ = unverified_header.get("typ")
    if typ is not None and not isinstance(typ, str):
        raise MalformedProofError("The token's type (typ) must be text")
    legacy = typ is None or typ in LEGACY_TYPES
    if not legacy and typ != VC_JWT_TYPE:
        raise MalformedProofError(f"The token's type {typ!r} is not a credential ('vc+jwt')")
    if legacy:
        if "vc" not in unverified_claims:
            raise MalformedProofError("The token carries no credential (no 'vc' claim)")
        unverified_document = _legacy_document(unverified_claims)
    else:
        if "vc" in unverified_claims or "vp" in unverified_claims:
            # VC-JOSE-COSE §3.1.1: the names vc and vp MUST NOT be in a vc+jwt's claims
            raise MalformedProofError("A vc+jwt carries the credential itself, not a 'vc' or "
                                      "'vp' claim")
        unverified_document = unverified_claims
    issuer = _issuer_of(unverified_document)
    kid = _absolute_kid(unverified_header.get("kid"), issuer)
    if not issuer or kid.split("#", 1)[0] != issuer:
        raise KeyBindingError(f"The token was signed with {kid}, which is not a key of the "
                              f"issuer {issuer}")
    public_key = public_key_for_kid(kid)
    header, claims = verify_jws(token, public_key, expected_typ=None, header=unverified_header)
    if legacy:
        document = _legacy_document(claims)
    else:
        document = {name: value for name, value in claims.items() if name not in REGISTERED_CLAIMS}
        if "iss" in claims and claims["iss"] != _issuer_of(document):
            raise KeyBindingError(f"The token's issuer {claims['iss']!r} is not the "
                                  f"credential's issuer {_issuer_of(document)!r}")
    if _issuer_of(document) != issuer:  # cannot differ after a good signature; belt and braces
        raise KeyBindingError("The token's issuer changed during verification")
    _check_time(claims, clock(), leeway)
    registered = {name: claims[name] for name in REGISTERED_CLAIMS if name in claims}
    return VerifiedJwt(header=header, payload=document, kid=kid, claims=registered)


# --- vp+jwt (§3.1.2) ----------------------------------------------------------------------------
def _holder_of(document: dict) -> str | None:
    holder = document.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def issue_vp_jwt(presentation: dict, signer: Signer, *, kid: str, clock: Clock = system_clock,
                 nonce: str | None = None, audience: str | None = None,
                 expires: datetime | None = None) -> str:
    """Secure a VC 2.0 presentation as ``vp+jwt``: the payload IS the presentation. The
    verifier's challenge and domain travel as ``nonce`` and ``aud``."""
    if not isinstance(presentation, dict):
        raise MalformedValueError("The presentation must be a JSON object")
    contexts = presentation.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != VC2_CONTEXT:
        raise MalformedValueError("Only VC 2.0 presentations can be signed as vp+jwt",
                                  path="@context")
    holder = _holder_of(presentation)
    if not holder or not isinstance(kid, str) or kid.split("#", 1)[0] != holder:
        raise KeyBindingError(f"The key {kid!r} does not belong to the holder {holder}")
    clashing = [name for name in (*REGISTERED_CLAIMS, "nonce", "vp", "vc") if name in presentation]
    if clashing:
        raise MalformedValueError(f"The presentation uses the reserved JWT name {clashing[0]!r}")
    payload = copy.deepcopy(presentation)
    payload["iss"] = holder
    payload["iat"] = int(clock().timestamp())
    if nonce is not None:
        payload["nonce"] = nonce
    if audience is not None:
        payload["aud"] = audience
    if expires is not None:
        payload["exp"] = int(expires.timestamp())
    return sign_jws(payload, signer, {"kid": kid, "typ": VP_JWT_TYPE})


def verify_vp_jwt(token: str, *, public_key_for_kid: Callable[[str], PublicKey],
                  clock: Clock = system_clock,
                  leeway: timedelta = timedelta(seconds=60)) -> VerifiedJwt:
    """Verify a ``vp+jwt``; the key id must name a key of the presentation's holder."""
    unverified_header, unverified_claims = read_unverified(token)
    _check_algorithm(unverified_header, None)
    if unverified_header.get("typ") != VP_JWT_TYPE:
        raise MalformedProofError(f"The token's type {unverified_header.get('typ')!r} is not a "
                                  "presentation ('vp+jwt')")
    if "vp" in unverified_claims or "vc" in unverified_claims:
        raise MalformedProofError("A vp+jwt carries the presentation itself, not a 'vp' claim")
    holder = _holder_of(unverified_claims)
    if not holder:
        raise KeyBindingError("The presentation names no holder, so no key can be theirs")
    kid = _absolute_kid(unverified_header.get("kid"), holder)
    if kid.split("#", 1)[0] != holder:
        raise KeyBindingError(f"The token was signed with {kid}, which is not a key of the "
                              f"holder {holder}")
    header, claims = verify_jws(token, public_key_for_kid(kid), expected_typ={VP_JWT_TYPE},
                                header=unverified_header)
    document = {name: value for name, value in claims.items()
                if name not in (*REGISTERED_CLAIMS, "nonce")}
    if "iss" in claims and claims["iss"] != _holder_of(document):
        raise KeyBindingError(f"The token's issuer {claims['iss']!r} is not the presentation's "
                              f"holder {_holder_of(document)!r}")
    _check_time(claims, clock(), leeway, "presentation")
    registered = {name: claims[name] for name in (*REGISTERED_CLAIMS, "nonce") if name in claims}
    return VerifiedJwt(header=header, payload=document, kid=kid, claims=registered)


__all__ = ["ALLOWED_ALGORITHMS", "VerifiedJwt", "issue_vc_jwt", "verify_vc_jwt", "sign_jws",
           "issue_vp_jwt", "verify_vp_jwt",
           "verify_jws", "read_unverified", "claim_time"]
