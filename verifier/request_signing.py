"""How this verifier says who it is in its OpenID4VP requests (OpenID4VP 1.0 §5.9.3).

Three ways, chosen by the deployment (``VERIFIER_OID4VP_CLIENT_ID``):
- ``redirect_uri`` (the default): the client id is the response address; the request object is
  unsigned JSON (such requests cannot be signed). The wallet can show only the website.
- ``decentralized_identifier``: the request object is a JWT (``oauth-authz-req+jwt``) signed
  with the verifier's own key, ``kid`` a DID URL of its DID. The DID is ``VERIFIER_OID4VP_DID``
  (a did:web the verifier serves at ``/.well-known/did.json`` when it names the verifier's own
  address, or any did:web published elsewhere) or, by default, the did:key of the key. The key
  is ``VERIFIER_OID4VP_KEY`` (a private JWK file) or one made on first start in the instance
  folder (``oid4vp-signing-key.jwk.json``, readable by the owner only).
- ``x509_san_dns``: signed with the key of a certificate (``VERIFIER_OID4VP_X509_CHAIN``, PEM,
  leaf first; ``VERIFIER_OID4VP_X509_KEY``, PEM private key) whose DNS name is the verifier's
  host; the chain goes in the ``x5c`` header.
The same client id is the ``domain`` / ``aud`` the wallet's answer must carry.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from passport_vc.errors import ConfigError
from passport_vc.keys import PrivateKey
from passport_vc.oid4vp_request import sign_request_object

PREFIXES = ("redirect_uri", "decentralized_identifier", "x509_san_dns")
KEY_FILE = "oid4vp-signing-key.jwk.json"
STATIC_AUDIENCE = "https://self-issued.me/v2"  # OpenID4VP §5.8: no wallet metadata known


@dataclass(frozen=True)
class RequestSigning:
    prefix: str = "redirect_uri"
    key: PrivateKey | None = None
    did: str | None = None
    kid: str | None = None
    chain: tuple[x509.Certificate, ...] = ()
    did_document: dict | None = field(default=None, compare=False)  # served when did:web is ours

    @property
    def signed(self) -> bool:
        return self.prefix != "redirect_uri"

    def client_id(self, response_uri: str) -> str:
        if self.prefix == "decentralized_identifier":
            return f"decentralized_identifier:{self.did}"
        if self.prefix == "x509_san_dns":
            return f"x509_san_dns:{urlsplit(response_uri).hostname}"
        return f"redirect_uri:{response_uri}"

    def sign(self, request_object: dict, now: datetime, expires: datetime) -> str:
        payload = {**request_object, "aud": STATIC_AUDIENCE, "iat": int(now.timestamp()),
                   "exp": int(expires.timestamp())}
        return sign_request_object(payload, self.key, kid=self.kid, x5c=self.chain)


def did_web_for(public_url: str) -> str:
    """``did:web:host%3Aport`` for a verifier served at the root of ``public_url``."""
    parts = urlsplit(public_url)
    return "did:web:" + quote(parts.netloc, safe="")


def load_signing(environ, public_url: str, instance_dir: Path) -> RequestSigning:
    prefix = (environ.get("VERIFIER_OID4VP_CLIENT_ID") or "redirect_uri").strip()
    if prefix not in PREFIXES:
        raise ConfigError("VERIFIER_OID4VP_CLIENT_ID must be one of " + ", ".join(PREFIXES))
    if prefix == "redirect_uri":
        return RequestSigning()
    if prefix == "x509_san_dns":
        return _x509(environ, public_url)
    key_path = environ.get("VERIFIER_OID4VP_KEY")
    key = _read_jwk(Path(key_path)) if key_path else _own_key(Path(instance_dir) / KEY_FILE)
    return for_did(key, environ.get("VERIFIER_OID4VP_DID") or None, public_url)


def for_did(key: PrivateKey, did: str | None, public_url: str) -> RequestSigning:
    from passport_vc.did import build_did_document, did_key_from_public_key

    if did is None:
        did = did_key_from_public_key(key.public_key)
        return RequestSigning("decentralized_identifier", key, did,
                              f"{did}#{did.removeprefix('did:key:')}")
    if not did.startswith("did:web:"):
        raise ConfigError("VERIFIER_OID4VP_DID must be a did:web (or leave it out for a did:key)")
    document = build_did_document(did, [("oid4vp-1", key.public_key)], assertion=[],
                                  authentication=["oid4vp-1"])
    ours = did == did_web_for(public_url) and urlsplit(public_url).path in ("", "/")
    return RequestSigning("decentralized_identifier", key, did, f"{did}#oid4vp-1",
                          did_document=document if ours else None)


def _read_jwk(path: Path) -> PrivateKey:
    try:
        return PrivateKey.from_jwk(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise ConfigError(f"The OpenID4VP signing key {path} could not be read: {error}") \
            from None


def _own_key(path: Path) -> PrivateKey:
    """The verifier's own request-signing key, made once (owner-only file)."""
    if path.exists():
        return _read_jwk(path)
    key = PrivateKey.generate("Ed25519")
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = key.to_cryptography().private_bytes(serialization.Encoding.Raw,
                                                 serialization.PrivateFormat.Raw,
                                                 serialization.NoEncryption())
    from passport_vc.keys.keypairs import b64url

    jwk = {**key.public_key.to_jwk(), "d": b64url(secret)}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(jwk, handle)
    return key


def _x509(environ, public_url: str) -> RequestSigning:
    chain_path, key_path = (environ.get("VERIFIER_OID4VP_X509_CHAIN"),
                            environ.get("VERIFIER_OID4VP_X509_KEY"))
    if not chain_path or not key_path:
        raise ConfigError("x509_san_dns needs VERIFIER_OID4VP_X509_CHAIN (PEM certificates, "
                          "leaf first) and VERIFIER_OID4VP_X509_KEY (PEM private key)")
    try:
        chain = tuple(x509.load_pem_x509_certificates(Path(chain_path).read_bytes()))
        private = serialization.load_pem_private_key(Path(key_path).read_bytes(), None)
    except (OSError, ValueError, TypeError) as error:
        raise ConfigError(f"The OpenID4VP certificate or key could not be read: {error}") \
            from None
    return for_certificate(private, chain, public_url)


def for_certificate(private, chain: tuple[x509.Certificate, ...],
                    public_url: str) -> RequestSigning:
    if isinstance(private, ed25519.Ed25519PrivateKey):
        key = PrivateKey("Ed25519", private)
    elif isinstance(private, ec.EllipticCurvePrivateKey) and private.curve.name in (
            "secp256r1", "secp384r1"):
        key = PrivateKey({"secp256r1": "P-256", "secp384r1": "P-384"}[private.curve.name],
                         private)
    else:
        raise ConfigError("The OpenID4VP certificate key must be Ed25519, P-256 or P-384")
    if not chain or chain[0].public_key() != key.public_key.to_cryptography():
        raise ConfigError("The first certificate must be the one for the signing key")
    host = urlsplit(public_url).hostname or ""
    try:
        names = chain[0].extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    if host not in names:
        raise ConfigError(f"The certificate is not for {host} (it names {', '.join(names)})")
    return RequestSigning("x509_san_dns", key, chain=tuple(chain))

