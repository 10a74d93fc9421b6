"""JWT VC Issuer Metadata (IETF SD-JWT VC draft §5): the key of an SD-JWT VC whose ``iss`` is an
HTTPS URL, and the metadata document an issuer publishes for it.

- §5.1 the metadata is at the issuer URL with ``/.well-known/jwt-vc-issuer`` inserted between
  the host and the path: ``https://issuer.example/tenant/1`` →
  ``https://issuer.example/.well-known/jwt-vc-issuer/tenant/1``.
- §5.2 it is a JSON object with ``issuer`` (which MUST equal the ``iss`` it was fetched for),
  and the issuer's keys in exactly one of ``jwks`` (a JWK Set) or ``jwks_uri`` (the URL of one).
- The key is the JWK whose ``kid`` is the JWT's ``kid``; without a ``kid`` only a set of exactly
  one key is usable. Keys are public JWKs on the allow-listed curves (keys.PublicKey): a JWK
  carrying private members is refused.
Everything is fetched through the injected ``Fetcher`` (passport_vc.fetch: https only, public
addresses, one deadline, a size limit, cached with a TTL), never directly.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .errors import FetchError, KeyBindingError, MalformedValueError, PassportError
from .inputs import parse_json
from .keys import PublicKey

WELL_KNOWN = "/.well-known/jwt-vc-issuer"
ACCEPT = "application/json"
MAX_KEYS = 64
MAX_METADATA_BYTES = 256 * 1024
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k"})


def is_url_issuer(iss: object) -> bool:
    return isinstance(iss, str) and iss.startswith(("https://", "http://"))


def metadata_url(iss: str) -> str:
    """§5.1 path insertion; the issuer URL must have no query or fragment."""
    try:
        parts = urlsplit(iss)
    except ValueError:
        raise MalformedValueError(f"The issuer {iss!r:.120} is not a valid address") from None
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query \
            or parts.fragment or parts.username:
        raise MalformedValueError(f"The issuer {iss!r:.120} is not an https address with no "
                                  "query or fragment")
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, WELL_KNOWN + path, "", ""))


def metadata_for(iss: str, jwks: list[dict]) -> dict:
    """The document an issuer serves at ``metadata_url(iss)``."""
    return {"issuer": iss, "jwks": {"keys": jwks}}


def _json(fetch, url: str, what: str) -> dict:
    fetched = fetch.get(url, accept=ACCEPT)
    if len(fetched.body) > MAX_METADATA_BYTES:
        raise MalformedValueError(f"The issuer's {what} is larger than "
                                  f"{MAX_METADATA_BYTES // 1024} KB")
    try:
        value = parse_json(fetched.body, max_bytes=MAX_METADATA_BYTES)
    except PassportError as error:
        raise MalformedValueError(f"The issuer's {what} is not readable JSON: "
                                  f"{error.detail}") from None
    if not isinstance(value, dict):
        raise MalformedValueError(f"The issuer's {what} is not a JSON object")
    return value


def issuer_public_key(iss: str, kid: str | None, fetch) -> PublicKey:
    """The key ``kid`` of the issuer ``iss`` from its JWT VC Issuer Metadata (or a
    PassportError saying why not: unreachable, wrong issuer, no such key)."""
    if fetch is None:
        raise FetchError("The issuer's published keys cannot be fetched from here")
    url = metadata_url(iss)
    metadata = _json(fetch, url, "metadata")
    if metadata.get("issuer") != iss:
        raise KeyBindingError(f"The metadata at {url} is for the issuer "
                              f"{metadata.get('issuer')!r:.120}, not {iss}")
    has_jwks, has_uri = "jwks" in metadata, "jwks_uri" in metadata
    if has_jwks == has_uri:
        raise MalformedValueError("The issuer's metadata must give its keys in exactly one of "
                                  "jwks or jwks_uri")
    if has_uri:
        jwks_uri = metadata["jwks_uri"]
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
            raise MalformedValueError("The issuer's jwks_uri is not an address")
        jwks = _json(fetch, jwks_uri, "key set")
    else:
        jwks = metadata["jwks"]
    return _pick(jwks, kid, iss)


def _pick(jwks: object, kid: str | None, iss: str) -> PublicKey:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys or len(keys) > MAX_KEYS:
        raise MalformedValueError(f"The issuer's key set must list 1 to {MAX_KEYS} keys")
    if kid is None:
        if len(keys) != 1:
            raise KeyBindingError("The credential does not say which of its issuer's keys "
                                  "signed it (no kid)")
        chosen = keys[0]
    else:
        matching = [key for key in keys if isinstance(key, dict) and key.get("kid") == kid]
        if len(matching) != 1:
            raise KeyBindingError(f"{iss} publishes no key {kid!r:.120}" if not matching else
                                  f"{iss} publishes the key {kid!r:.120} more than once")
        chosen = matching[0]
    if not isinstance(chosen, dict) or _PRIVATE_MEMBERS & set(chosen):
        raise MalformedValueError("The issuer's key is not a public JWK")
    if chosen.get("use") not in (None, "sig"):
        raise KeyBindingError("The issuer's key is not for signatures")
    try:
        return PublicKey.from_jwk(chosen)
    except (ValueError, TypeError) as error:
        raise MalformedValueError(f"The issuer's key is not usable: {error}") from None


__all__ = ["metadata_url", "metadata_for", "issuer_public_key", "is_url_issuer", "WELL_KNOWN"]
