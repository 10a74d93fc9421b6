"""OpenID for Verifiable Credential Issuance 1.0 (Final): pure building blocks, no HTTP.

§4.1 Credential Offer (pre-authorized code grant, optional transaction code) and its
``openid-credential-offer://`` URI, §12.2 Credential Issuer Metadata, §8.2.1.1 the ``jwt``
proof type (key proof ``typ: openid4vci-proof+jwt``) and §8.3.1.2 / §7.2 error codes.
The issuer's Flask routes call these; the wallet uses ``parse_offer_uri`` and
``make_proof_jwt``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

from .clock import Clock, system_clock
from .errors import (
    InvalidChallengeError,
    MalformedProofError,
    MalformedValueError,
    ParsingError,
    PassportError,
    TooLargeError,
)
from .inputs import parse_json
from .keys import PublicKey, Signer
from .proofs.jose import ALLOWED_ALGORITHMS, read_unverified, sign_jws, verify_jws

OFFER_SCHEME = "openid-credential-offer://"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYPE = "openid4vci-proof+jwt"
FORMATS = frozenset({"ldp_vc", "jwt_vc_json", "dc+sd-jwt"})
PROOF_ALGORITHMS = ("EdDSA", "ES256")
LDP_CRYPTOSUITES = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019")
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MAX_OFFER_CHARS = 8_192
MAX_CONFIGURATION_IDS = 32
CLOCK_LEEWAY = timedelta(seconds=60)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _is_web_url(value: object) -> bool:
    """https, or http on this machine (local development and tests only)."""
    if not isinstance(value, str) or len(value) > 2_048:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.hostname or parts.fragment:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS)


# --- §4.1 credential offer -----------------------------------------------------------------------
def credential_offer(issuer_url: str, configuration_ids: list[str], pre_authorized_code: str,
                     tx_code: dict | None = None) -> dict:
    """A Credential Offer for the pre-authorized code flow.

    ``tx_code`` describes the PIN the worker is told separately, e.g.
    ``{"input_mode": "numeric", "length": 6, "description": "..."}``; never the PIN itself.
    """
    if not _is_web_url(issuer_url):
        raise MalformedValueError("The credential issuer must be an https address")
    if not configuration_ids or not all(isinstance(i, str) and i for i in configuration_ids):
        raise MalformedValueError("A credential offer needs at least one credential type")
    if not isinstance(pre_authorized_code, str) or len(pre_authorized_code) < 16:
        raise MalformedValueError("The pre-authorized code is missing or too short to be safe")
    grant: dict = {"pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        if not isinstance(tx_code, dict) or tx_code.get("input_mode", "numeric") not in (
                "numeric", "text"):
            raise MalformedValueError("tx_code must say its input_mode (numeric or text)")
        grant["tx_code"] = dict(tx_code)
    return {"credential_issuer": issuer_url.rstrip("/"),
            "credential_configuration_ids": list(configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant}}


def offer_uri(offer_json_url: str) -> str:
    """The link/QR text a wallet opens: the offer passed by reference (§4.1.3)."""
    if not _is_web_url(offer_json_url):
        raise MalformedValueError("The credential offer address must be an https address")
    return OFFER_SCHEME + "?credential_offer_uri=" + quote(offer_json_url, safe="")


def check_offer(offer: object) -> dict:
    """§4.1.1: the offer's parts are of the right kinds (for an offer given by value, or
    fetched from ``credential_offer_uri``); raises ParsingError."""
    if not isinstance(offer, dict):
        raise ParsingError("The credential offer is not a JSON object")
    if not _is_web_url(offer.get("credential_issuer")):
        raise ParsingError("The credential offer does not name an https credential issuer")
    ids = offer.get("credential_configuration_ids")
    if (not isinstance(ids, list) or not 0 < len(ids) <= MAX_CONFIGURATION_IDS
            or not all(isinstance(item, str) and item for item in ids)):
        raise ParsingError("The credential offer does not say which credentials it offers")
    grants = offer.get("grants", {})
    if not isinstance(grants, dict):
        raise ParsingError("The credential offer's grants are not readable")
    pre_authorized = grants.get(PRE_AUTHORIZED_GRANT)
    if pre_authorized is not None and (not isinstance(pre_authorized, dict) or not isinstance(
            pre_authorized.get("pre-authorized_code"), str)):
        raise ParsingError("The credential offer's pre-authorized code is not readable")
    return offer


def parse_offer_uri(text: str) -> dict:
    """Read a credential offer link: returns ``{"credential_offer": {...}}`` (by value) or
    ``{"credential_offer_uri": url}`` (by reference, for the wallet to fetch)."""
    if not isinstance(text, str):
        raise ParsingError("The credential offer link must be text")
    if len(text) > MAX_OFFER_CHARS:
        raise TooLargeError("The credential offer link is too long")
    text = text.strip()
    if "?" not in text:
        raise ParsingError("This is not a credential offer link")
    scheme_and_path, query = text.split("?", 1)
    if not (scheme_and_path.startswith(("openid-credential-offer:", "https://"))):
        raise ParsingError("This is not a credential offer link")
    try:
        params = parse_qs(query, strict_parsing=True, max_num_fields=8)
    except ValueError:
        raise ParsingError("The credential offer link is damaged") from None
    by_value, by_reference = params.get("credential_offer"), params.get("credential_offer_uri")
    if bool(by_value) == bool(by_reference):
        raise ParsingError("The link must carry exactly one credential offer")
    chosen = by_value or by_reference
    if len(chosen) != 1:
        raise ParsingError("The link must carry exactly one credential offer")
    if by_reference:
        if not _is_web_url(by_reference[0]):
            raise ParsingError("The credential offer address is not an https address")
        return {"credential_offer_uri": by_reference[0]}
    try:
        offer = parse_json(by_value[0])
    except PassportError:
        raise ParsingError("The credential offer in the link is not readable") from None
    return {"credential_offer": check_offer(offer)}


# --- §12.2 issuer metadata ----------------------------------------------------------------------
def _configuration(config_id: str, given: dict) -> dict:
    """Fill in one entry of credential_configurations_supported.

    ``given`` has ``format`` and either ``credential_definition`` or ``types`` (+ ``contexts``
    for ldp_vc); for ``dc+sd-jwt`` (Appendix A.3) ``vct`` instead, and ``claims`` (list of
    ``(claim name, display name)``) for the claims a wallet can show; ``display`` (list) or
    ``name``/``description`` describe it to the worker.
    """
    if not isinstance(given, dict):
        raise MalformedValueError(f"Credential configuration {config_id!r} must be an object")
    fmt = given.get("format")
    if fmt not in FORMATS:
        raise MalformedValueError(f"Credential configuration {config_id!r} has format {fmt!r}; "
                                  f"use one of {', '.join(sorted(FORMATS))}")
    if fmt == "dc+sd-jwt":
        return _sd_jwt_configuration(config_id, given)
    definition = given.get("credential_definition")
    if definition is None:
        types = given.get("types") or ["VerifiableCredential"]
        definition = {"type": list(types)}
        if fmt == "ldp_vc":
            definition = {"@context": list(given.get("contexts") or [VC2_CONTEXT]), **definition}
    config: dict = {
        "format": fmt,
        "credential_definition": definition,
        "cryptographic_binding_methods_supported": list(
            given.get("binding_methods", ["did:key"])),
        "credential_signing_alg_values_supported": list(
            LDP_CRYPTOSUITES if fmt == "ldp_vc" else PROOF_ALGORITHMS),
        "proof_types_supported": {
            "jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
    }
    _describe(config, given)
    return config


def _sd_jwt_configuration(config_id: str, given: dict) -> dict:
    vct = given.get("vct")
    if not isinstance(vct, str) or not vct:
        raise MalformedValueError(f"Credential configuration {config_id!r} needs a vct")
    # The credential carries the wallet's key as a JWK in cnf (SD-JWT VC §3.2.2.2), whether the
    # key proof named it by a DID or sent it bare.
    config: dict = {
        "format": "dc+sd-jwt", "vct": vct,
        "cryptographic_binding_methods_supported": ["jwk", "did:key", "did:jwk"],
        "credential_signing_alg_values_supported": list(PROOF_ALGORITHMS),
        "proof_types_supported": {
            "jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
    }
    _describe(config, given)
    claims = [{"path": [name], "display": [{"name": label, "locale": "en-GB"}]}
              for name, label in given.get("claims", ())]
    if claims:
        config.setdefault("credential_metadata", {})["claims"] = claims
    return config


def _describe(config: dict, given: dict) -> None:
    if "scope" in given:
        config["scope"] = given["scope"]
    display = given.get("display")
    if display is None and given.get("name"):
        display = [{"name": given["name"], "locale": given.get("locale", "en-GB"),
                    **({"description": given["description"]} if given.get("description")
                       else {})}]
    if display:
        # 1.0 Final reads credential_metadata.display; wallets built on drafts read display.
        config["credential_metadata"] = {"display": list(display)}
        config["display"] = list(display)


def issuer_metadata(issuer_url: str, configurations: dict, *,
                    display_name: str | None = None) -> dict:
    """The document served at ``/.well-known/openid-credential-issuer``.

    The issuer is its own authorization server: ``authorization_servers`` names it, and
    ``token_endpoint`` is repeated here for wallets built on drafts that read it from this
    document.
    """
    if not _is_web_url(issuer_url):
        raise MalformedValueError("The credential issuer must be an https address")
    if not isinstance(configurations, dict) or not configurations:
        raise MalformedValueError("The issuer must offer at least one credential configuration")
    base = issuer_url.rstrip("/")
    metadata: dict = {
        "credential_issuer": base,
        "authorization_servers": [base],
        "credential_endpoint": base + "/credential",
        "nonce_endpoint": base + "/nonce",
        "token_endpoint": base + "/token",
        "credential_configurations_supported": {
            config_id: _configuration(config_id, given)
            for config_id, given in configurations.items()},
    }
    if display_name:
        metadata["display"] = [{"name": display_name, "locale": "en-GB"}]
    return metadata


def authorization_server_metadata(issuer_url: str) -> dict:
    """RFC 8414 metadata for the issuer acting as its own authorization server."""
    base = issuer_url.rstrip("/")
    return {"issuer": base, "token_endpoint": base + "/token",
            "grant_types_supported": [PRE_AUTHORIZED_GRANT],
            "pre-authorized_grant_anonymous_access_supported": True,
            "response_types_supported": []}


# --- §8.2.1.1 key proof (jwt) -------------------------------------------------------------------
def make_proof_jwt(signer: Signer, *, kid: str, audience: str, nonce: str,
                   clock: Clock = system_clock) -> str:
    """The wallet's proof that it holds the key the credential will be bound to."""
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise MalformedValueError("The proof key id must be a DID URL (did:...#...)")
    payload = {"aud": audience, "iat": int(clock().timestamp()), "nonce": nonce}
    return sign_jws(payload, signer, {"typ": PROOF_TYPE, "kid": kid})


def _proof_claims(token: str, audience: str, nonce: str,
                  resolve_key: Callable[[str], PublicKey]) -> tuple[str, dict]:
    header, _ = read_unverified(token)
    if header.get("typ") != PROOF_TYPE:
        raise MalformedProofError(f"The key proof has type {header.get('typ')!r}; expected "
                                  f"{PROOF_TYPE!r}")
    if header.get("alg") not in PROOF_ALGORITHMS:
        raise MalformedProofError(f"The key proof's algorithm {header.get('alg')!r} is not "
                                  f"accepted (use {' or '.join(PROOF_ALGORITHMS)})")
    if "x5c" in header or ("jwk" in header and "kid" in header):
        raise MalformedProofError("The key proof must name its key once: a DID URL in 'kid' "
                                  "or a public key in 'jwk'")
    if "jwk" in header:
        # Wallets that bind SD-JWT VCs to a bare key (binding method "jwk") send it here; it is
        # named from then on by its did:jwk, so every format binds to a DID the same way.
        from .did import did_jwk_from_public_key

        try:
            key = PublicKey.from_jwk(header["jwk"])
        except ValueError as error:
            raise MalformedProofError(f"The key proof's key is not usable: {error}") from None
        kid = did_jwk_from_public_key(key) + "#0"
    else:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
            raise MalformedProofError("The key proof does not name its key as a DID URL "
                                      "('kid')")
        key = resolve_key(kid)
    if header["alg"] not in ALLOWED_ALGORITHMS.get(key.curve, frozenset()):
        raise MalformedProofError(f"The key proof's algorithm does not match its {key.curve} key")
    _, claims = verify_jws(token, key, expected_typ={PROOF_TYPE})
    aud = claims.get("aud")
    if not (aud == audience or (isinstance(aud, list) and audience in aud)):
        raise MalformedProofError("The key proof was made for a different credential issuer")
    if not isinstance(claims.get("nonce"), str) or claims["nonce"] != nonce:
        raise InvalidChallengeError("The key proof does not carry the current nonce; ask for a "
                                    "new nonce and try again")
    return kid, claims


def verify_proof_jwt(token: str, *, audience: str, nonce: str, clock: Clock,
                     resolve_key: Callable[[str], PublicKey],
                     max_age: timedelta = timedelta(minutes=5)) -> str:
    """Check a wallet's key proof; returns the holder DID (the ``kid`` without its fragment).

    Raises InvalidChallengeError for a wrong nonce (``invalid_nonce``) and MalformedProofError
    for everything else (``invalid_proof``).
    """
    try:
        kid, claims = _proof_claims(token, audience, nonce, resolve_key)
    except (InvalidChallengeError, MalformedProofError):
        raise
    except PassportError as error:
        raise MalformedProofError(f"The key proof is not valid: {error.detail}") from None
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise MalformedProofError("The key proof does not say when it was made ('iat')")
    try:
        made = datetime.fromtimestamp(iat, UTC)
    except (OverflowError, ValueError, OSError):
        raise MalformedProofError("The key proof's time ('iat') is not a usable date") from None
    now = clock()
    if made > now + CLOCK_LEEWAY:
        raise MalformedProofError("The key proof says it was made in the future; check the "
                                  "device's clock")
    if now - made > max_age + CLOCK_LEEWAY:
        raise MalformedProofError("The key proof is too old; make a new one")
    return kid.split("#", 1)[0]


def error_response(error: PassportError) -> dict:
    """§8.3.1.2 Credential Error Response body for a failed key proof."""
    code = "invalid_nonce" if isinstance(error, InvalidChallengeError) else "invalid_proof"
    return {"error": code, "error_description": error.detail}
