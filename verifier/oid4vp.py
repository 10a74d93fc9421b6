"""The verifier side of OpenID for Verifiable Presentations 1.0 (no Flask, no database).

Choices (OpenID4VP 1.0):
- §5.9.3 client identifier prefix ``redirect_uri:`` by default: the client_id is
  ``redirect_uri:`` followed by the response_uri, so no pre-registration and no signed request
  is needed. Such a request object MUST NOT be signed, and the wallet shows the response_uri's
  host as who is asking. A deployment may instead sign its request objects
  (``decentralized_identifier:`` or ``x509_san_dns:``, verifier/request_signing.py), served
  as ``application/oauth-authz-req+jwt`` (§5.10.1), so the wallet can show a proven name.
- §5 by reference: the QR code / link carries only ``client_id`` and ``request_uri``
  (``openid4vp://?client_id=…&request_uri=…``, §5.10); the unsigned request object is served as
  JSON at request_uri. A short link keeps the QR code small enough to scan from a screen.
- §8.2 response mode ``direct_post``: the wallet POSTs ``vp_token`` and ``state`` form-encoded to
  response_uri; the answer is 200 JSON, with ``redirect_uri`` (carrying a response code, §8.2)
  for the same-device flow.
- §6 DCQL: one credential query ``training`` for credentials of type OpenBadgeCredential in
  format ``ldp_vc`` (Appendix B.1.3.2: ``type_values`` are fully expanded type IRIs), any number;
  and, as the other option of one credential set, ``training_sd_jwt`` for the care training
  SD-JWT VC (``dc+sd-jwt``, Appendix B.3: ``vct_values``), asking for the worker's name and the
  evidence, which the worker may still keep back.
- §8.1 the vp_token is a JSON object mapping each credential query id to an array of
  presentations; each ldp_vc presentation is a Verifiable Presentation signed by the holder with
  ``challenge`` = nonce and ``domain`` = client_id (Appendix B.1.3.2.2 / §14.1.2 replay); each
  dc+sd-jwt presentation is an SD-JWT whose Key Binding JWT carries ``nonce`` and
  ``aud`` = client_id (Appendix B.3.6).
Errors in the wallet's answer are ``invalid_request`` (§8.5), as problem details with the OAuth
``error`` member.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from passport_vc.errors import PROJECT, PassportError
from passport_vc.inputs import parse_json

SCHEME = "openid4vp://"
CLIENT_ID_PREFIX = "redirect_uri:"
QUERY_ID = "training"
SD_JWT_QUERY_ID = "training_sd_jwt"
FORMAT = "ldp_vc"
SD_JWT_VCT = "https://w3id.org/skills-passport/vct/care-training-credential/v1"
OPEN_BADGE_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
REQUEST_LIFETIME = timedelta(minutes=10)
MAX_PRESENTATIONS = 10
MAX_VP_TOKEN_CHARS = 2 * 1024 * 1024


class InvalidRequest(PassportError):
    """OpenID4VP §8.5 ``invalid_request``: the answer does not fit a live request."""

    type, title, status = PROJECT + "oid4vp-invalid-request", "The answer was not accepted", 400

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail, error="invalid_request", error_description=detail, **extra)


@dataclass(frozen=True)
class PresentationRequest:
    state: str
    nonce: str
    response_code: str
    created_at: datetime
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def new_request(now: datetime, lifetime: timedelta = REQUEST_LIFETIME) -> PresentationRequest:
    """Fresh random state, nonce and response code (each 256 bits, single use)."""
    return PresentationRequest(secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                               secrets.token_urlsafe(32), now, now + lifetime)


def client_id_for(response_uri: str) -> str:
    return CLIENT_ID_PREFIX + response_uri


def dcql_query() -> dict:
    return {
        "credentials": [
            {"id": QUERY_ID, "format": FORMAT, "multiple": True,
             "meta": {"type_values": [[OPEN_BADGE_TYPE]]}},
            {"id": SD_JWT_QUERY_ID, "format": "dc+sd-jwt", "multiple": True,
             "meta": {"vct_values": [SD_JWT_VCT]},
             "claims": [{"id": "name", "path": ["name"]},
                        {"id": "evidence", "path": ["evidence"]}]},
        ],
        # either kind answers the request
        "credential_sets": [{"options": [[QUERY_ID], [SD_JWT_QUERY_ID]]}],
    }


def request_object(response_uri: str, request: PresentationRequest,
                   client_id: str | None = None) -> dict:
    """The request object served at request_uri (§5.1, §5.2), before any signing."""
    return {
        "client_id": client_id or client_id_for(response_uri),
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "nonce": request.nonce,
        "state": request.state,
        "dcql_query": dcql_query(),
        "client_metadata": {"vp_formats_supported": {FORMAT: {
            "proof_type_values": ["DataIntegrityProof"],
            "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022",
                                   "ecdsa-jcs-2019"]},
            "dc+sd-jwt": {"sd-jwt_alg_values": ["EdDSA", "ES256"],
                          "kb-jwt_alg_values": ["EdDSA", "ES256"]}}},
    }


def authorization_link(response_uri: str, request_uri: str, client_id: str | None = None) -> str:
    """``openid4vp://?client_id=…&request_uri=…`` for the QR code and the same-device link."""
    return SCHEME + "?" + urlencode({"client_id": client_id or client_id_for(response_uri),
                                     "request_uri": request_uri})


def presentations_in(vp_token: str | None) -> list[dict | str]:
    """The presentations answering our credential queries (§8.1), or InvalidRequest:
    Verifiable Presentations (objects) for ``training``, SD-JWTs (text) for
    ``training_sd_jwt``."""
    if not isinstance(vp_token, str) or not vp_token.strip():
        raise InvalidRequest("The answer has no vp_token")
    if len(vp_token) > MAX_VP_TOKEN_CHARS:
        raise InvalidRequest("The vp_token is too large")
    try:
        token = parse_json(vp_token, max_bytes=MAX_VP_TOKEN_CHARS)
    except PassportError:
        raise InvalidRequest("The vp_token is not JSON") from None
    if not isinstance(token, dict) or not token or not set(token) <= {QUERY_ID,
                                                                       SD_JWT_QUERY_ID}:
        raise InvalidRequest(f"The vp_token must be a JSON object with the key '{QUERY_ID}' "
                             f"or '{SD_JWT_QUERY_ID}' this request asked for")
    found: list[dict | str] = []
    for query_id, kind, what in ((QUERY_ID, dict, "ldp_vc presentation must be a JSON "
                                  "object"), (SD_JWT_QUERY_ID, str, "dc+sd-jwt presentation "
                                              "must be an SD-JWT (text)")):
        if query_id not in token:
            continue
        items = token[query_id]
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_PRESENTATIONS:
            raise InvalidRequest(f"'{query_id}' must be a list of 1 to {MAX_PRESENTATIONS} "
                                 "presentations")
        if not all(isinstance(item, kind) for item in items):
            raise InvalidRequest(f"Each {what}")
        found.extend(items)
    if len(found) > MAX_PRESENTATIONS:
        raise InvalidRequest(f"Send at most {MAX_PRESENTATIONS} presentations")
    return found


def done_address(response_uri: str, state: str, response_code: str) -> str:
    """Where the wallet sends the worker's browser back to (same-device flow, §8.2)."""
    parts = urlsplit(response_uri)
    base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}/oid4vp/done/{state}?" + urlencode({"response_code": response_code})
