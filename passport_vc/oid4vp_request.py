"""OpenID4VP 1.0 signed Request Objects (§5, RFC 9101 JAR): who is asking, proven by a signature.

A request by reference (§5.10) may be a signed JWT (``typ`` ``oauth-authz-req+jwt``, §5.10.1).
Its ``client_id`` prefix (§5.9.3) says how the signature is tied to the asker:

- ``x509_san_dns:<dns name>``: the JWT's ``x5c`` header carries the certificate chain; the leaf
  must have a dNSName Subject Alternative Name equal to the DNS name, the chain must lead to a
  trust anchor the wallet's operator configured (validated by ``cryptography``'s X.509
  verification, which also checks validity dates, basic constraints and key usage), and the JWT
  must be signed by the leaf's key. The verified name is the DNS name.
- ``decentralized_identifier:<DID>``: the ``kid`` header is a DID URL of that DID; the key is
  obtained "from the verificationMethod property" of the DID document (the spec names no
  verification relationship), resolved with the engine's resolver (did:web, did:key, did:jwk).
  Here a key counts when the document lists it in ``verificationMethod`` or under
  ``authentication`` / ``assertionMethod`` (a key offered only for key agreement or capability
  use does not). The verified name is the DID (and, for did:web, its host).
- ``redirect_uri:`` requests "cannot be signed" (§5.9.3): a signed one is refused.

Algorithms are fixed per key type as for every other JWT (proofs/jose.py): EdDSA for Ed25519,
ES256 for P-256, ES384 for P-384; never ``none`` or HMAC; RSA keys are not accepted.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from .clock import Clock, system_clock
from .did.registry import split_did_url
from .errors import (
    KeyBindingError,
    MalformedProofError,
    MalformedValueError,
    PassportError,
    UnsupportedAlgorithmError,
)
from .keys import PublicKey, Signer
from .proofs.jose import _check_algorithm, _check_time, read_unverified, sign_jws, verify_jws

REQUEST_TYPE = "oauth-authz-req+jwt"
REDIRECT_URI = "redirect_uri:"
X509_SAN_DNS = "x509_san_dns:"
DECENTRALIZED_IDENTIFIER = "decentralized_identifier:"
SIGNED_PREFIXES = (X509_SAN_DNS, DECENTRALIZED_IDENTIFIER)
MAX_CHAIN = 5
MAX_CERTIFICATE_BYTES = 16 * 1024
_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384"}
_KEY_RELATIONSHIPS = ("authentication", "assertionMethod")


@dataclass(frozen=True)
class VerifiedRequest:
    """A request object whose signature and client identifier checked out."""

    payload: dict
    client_id: str
    prefix: str  # "x509_san_dns" or "decentralized_identifier"
    name: str  # the DNS name proven by the certificate, or the DID
    host: str | None  # that DNS name, or a did:web's host[:port]; None for did:key / did:jwk


# --- signing (the verifier's side) -------------------------------------------------------------
def sign_request_object(payload: dict, signer: Signer, *, kid: str | None = None,
                        x5c: Sequence[x509.Certificate] = ()) -> str:
    """The compact JWS of a request object: ``kid`` for a DID client id, ``x5c`` (leaf first)
    for an x509_san_dns one."""
    header: dict = {"typ": REQUEST_TYPE}
    if kid:
        header["kid"] = kid
    if x5c:
        header["x5c"] = [base64.b64encode(cert.public_bytes(
            _der())).decode("ascii") for cert in x5c]
    return sign_jws(payload, signer, header)


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def load_trust_anchors(pem: bytes) -> list[x509.Certificate]:
    """The operator's trust anchors (root certificates) from PEM text."""
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise MalformedValueError("The trusted root certificates are not readable PEM") from None


# --- verifying (the wallet's side) ------------------------------------------------------------
def verify_request_object(token: str, *, trust_anchors: Sequence[x509.Certificate] = (),
                          resolver=None, clock: Clock = system_clock,
                          leeway: timedelta = timedelta(seconds=60)) -> VerifiedRequest:
    """Check a signed request object; raises a PassportError saying in plain words why not."""
    header, unverified = read_unverified(token)
    _check_algorithm(header, None)  # none / HMAC / unknown refused before anything else
    if header.get("typ") != REQUEST_TYPE:
        raise MalformedProofError(f"The request's type {header.get('typ')!r} is not a signed "
                                  f"request object ('{REQUEST_TYPE}')")
    client_id = unverified.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise MalformedValueError("The signed request does not say who is asking (client_id)")
    if client_id.startswith(REDIRECT_URI):
        raise MalformedProofError("A request whose client id is its own address "
                                  "(redirect_uri:) cannot be signed (OpenID4VP §5.9.3)")
    if client_id.startswith(X509_SAN_DNS):
        dns_name = client_id[len(X509_SAN_DNS):]
        public_key = _certified_key(header, dns_name, trust_anchors, clock)
        name, host, prefix = dns_name, dns_name, "x509_san_dns"
    elif client_id.startswith(DECENTRALIZED_IDENTIFIER):
        did = client_id[len(DECENTRALIZED_IDENTIFIER):]
        public_key = _did_key(header, did, resolver)
        name, host, prefix = did, _did_web_host(did), "decentralized_identifier"
    else:
        raise MalformedValueError("The signed request names its asker in a way this wallet "
                                  "does not understand")
    _, payload = verify_jws(token, public_key, expected_typ={REQUEST_TYPE})
    if payload.get("client_id") != client_id:  # cannot differ after a good signature
        raise KeyBindingError("The signed request's client id changed during verification")
    _check_time(payload, clock(), leeway, "request")
    return VerifiedRequest(payload, client_id, prefix, name, host)


def _public_key_of(certificate: x509.Certificate) -> PublicKey:
    key = certificate.public_key()
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey("Ed25519", key)
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name in _CURVE_NAMES:
        return PublicKey(_CURVE_NAMES[key.curve.name], key)
    raise UnsupportedAlgorithmError("The employer's certificate holds a kind of key this wallet "
                                    "does not accept (Ed25519, P-256 or P-384 only)")


def _certificates(header: dict) -> list[x509.Certificate]:
    chain = header.get("x5c")
    if not isinstance(chain, list) or not 1 <= len(chain) <= MAX_CHAIN:
        raise MalformedProofError(f"The signed request must carry its certificate chain (x5c, "
                                  f"1 to {MAX_CHAIN} certificates)")
    certificates = []
    for item in chain:
        if not isinstance(item, str) or len(item) > MAX_CERTIFICATE_BYTES * 4 // 3 + 4:
            raise MalformedProofError("A certificate in the signed request is not readable")
        try:  # RFC 7515 §4.1.6: standard base64 (not base64url) of the DER
            certificates.append(x509.load_der_x509_certificate(
                base64.b64decode(item, validate=True)))
        except (ValueError, binascii.Error):
            raise MalformedProofError("A certificate in the signed request is not "
                                      "readable") from None
    return certificates


def _certified_key(header: dict, dns_name: str, trust_anchors: Sequence[x509.Certificate],
                   clock: Clock) -> PublicKey:
    leaf, *intermediates = _certificates(header)
    if not trust_anchors:
        raise KeyBindingError("This wallet has no trusted root certificates configured, so an "
                              "employer's certificate cannot be checked")
    try:
        subject = x509.DNSName(dns_name)
    except ValueError:
        raise MalformedValueError(f"The client id {dns_name!r:.80} is not a DNS name") from None
    verifier = (PolicyBuilder().store(Store(list(trust_anchors)))
                .time(clock().astimezone(UTC).replace(tzinfo=None))
                .max_chain_depth(MAX_CHAIN).build_server_verifier(subject))
    try:
        verifier.verify(leaf, intermediates)
    except VerificationError as error:
        raise KeyBindingError(f"The employer's certificate for {dns_name} could not be "
                              f"trusted: {_reason(error)}") from None
    return _public_key_of(leaf)


def _reason(error: VerificationError) -> str:
    text = str(error).lower()
    if "not valid at validation time" in text:
        return "it has run out or is not valid yet"
    if "subjectaltname" in text:
        return "it is not for this website"
    if "candidates exhausted" in text:
        return "it does not lead to a trusted root certificate"
    return str(error).split(" (encountered", 1)[0][:200]


def _did_key(header: dict, did: str, resolver) -> PublicKey:
    kid = header.get("kid")
    if not isinstance(kid, str) or "#" not in kid:
        raise MalformedProofError("The signed request does not say which key of the DID signed "
                                  "it (kid)")
    kid_did, _fragment = split_did_url(kid)
    if kid_did != did:
        raise KeyBindingError(f"The request was signed with {kid:.120}, which is not a key of "
                              f"{did:.120}")
    if resolver is None:
        raise KeyBindingError("This wallet cannot look up DIDs, so the request's signature "
                              "cannot be checked")
    method, document = resolver.resolve_verification_method(kid)
    listed = {entry if isinstance(entry, str) else entry.get("id")
              for entry in _as_list(document.document.get("verificationMethod"))
              if isinstance(entry, str | dict)}
    listed = {item if not isinstance(item, str) or not item.startswith("#") else did + item
              for item in listed}
    if method.id not in listed and not any(document.authorizes(method.id, relationship)
                                           for relationship in _KEY_RELATIONSHIPS):
        raise KeyBindingError(f"{method.id:.120} is not a key {did:.80} uses to sign")
    return method.public_key


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _did_web_host(did: str) -> str | None:
    if not did.startswith("did:web:"):
        return None
    from .did.web import _parse

    try:
        host, port, _segments = _parse(did)
    except PassportError:
        return None
    return host.lower() + (f":{port}" if port else "")


__all__ = ["REQUEST_TYPE", "VerifiedRequest", "sign_request_object", "verify_request_object",
           "load_trust_anchors", "SIGNED_PREFIXES"]
