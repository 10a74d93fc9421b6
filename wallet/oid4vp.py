"""The wallet side of OpenID for Verifiable Presentations 1.0: answer an employer's request.

What this wallet accepts (OpenID4VP 1.0), and why:
- §5.10 a request by reference, ``openid4vp://?client_id=…&request_uri=…`` (or by value, the
  same parameters in the link); the request object at request_uri is fetched with the wallet's
  HttpClient (https only, or http to hosts named in PASSPORT_HTTP_HOSTS) and must be the JSON
  object of an unsigned request.
- §5.9.3 the ``redirect_uri:`` client identifier prefix, whose value must equal the
  response_uri: the worker is shown that host as who asks (nothing else about the verifier is
  known), and the link's client_id must match the request object's. Such a request "cannot be
  signed": a signed one is refused.
- §5.10.1 / RFC 9101 a signed request object (``application/oauth-authz-req+jwt``, at
  request_uri or by value as ``request``) with the ``x509_san_dns:`` prefix (certificate chain
  to a root the operator trusts, WALLET_OID4VP_TRUST_ANCHORS; the response_uri must be on that
  DNS name, as §5.9.3 requires of a client not otherwise trusted) or ``decentralized_identifier:``
  (key from the DID document). Checked by passport_vc/oid4vp_request.py; the worker is shown
  the name the signature proves. Requests with those prefixes are refused unsigned.
- response_type ``vp_token``, response_mode ``direct_post`` (§8.2), a nonce and a state.
- §6 a DCQL query with one credential query in format ``ldp_vc`` for OpenBadgeCredential
  (type_values given as the expanded IRI, Appendix B.1.3.2, or the short name), and/or one in
  format ``dc+sd-jwt`` for the care training SD-JWT VC (``vct_values``, Appendix B.3).
The answer (§8.1): ``vp_token`` = {query id: [one Verifiable Presentation]}, signed by the
holder key with challenge = nonce and domain = client_id, and/or {SD-JWT query id: [SD-JWTs
with only the details the worker chose, each with a Key Binding JWT (nonce, aud = client_id)]},
POSTed form-encoded with the state.
A returned redirect_uri is followed only when it is on the verifier's own host (§8.2).

``parse_link``, ``validate_request``, ``vp_token`` and ``safe_redirect`` are pure;
``PresentationClient`` does the HTTP through an injected client; ``answer_request`` signs with
the WalletService's holder key and logs what was shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from passport_vc.errors import MalformedValueError, PassportError
from passport_vc.inputs import parse_json
from passport_vc.oid4vp_request import SIGNED_PREFIXES, VerifiedRequest

SCHEME = "openid4vp://"
CLIENT_ID_PREFIX = "redirect_uri:"
OPEN_BADGE_TYPES = ("https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
                    "OpenBadgeCredential")
CARE_VCT = "https://w3id.org/skills-passport/vct/care-training-credential/v1"
MAX_LINK = 8 * 1024
NOT_A_REQUEST = ("This is not an employer's request. It should start with openid4vp:// — "
                 "scan the QR code on the employer's screen again.")


@dataclass(frozen=True)
class VpRequest:
    """A validated request: everything needed to answer it."""

    client_id: str
    response_uri: str
    nonce: str
    state: str
    query_id: str  # the ldp_vc query, "" when the request has none
    sd_query_id: str | None = None  # the dc+sd-jwt query, when there is one
    # A signed request: "x509_san_dns" or "decentralized_identifier", and what it proves (the
    # DNS name, or the DID and a did:web's host)
    signed_by: str | None = None
    verified_name: str | None = None
    verified_host: str | None = None

    @property
    def verifier_host(self) -> str:
        return urlsplit(self.response_uri).netloc

    def to_json(self) -> dict:
        return {"client_id": self.client_id, "response_uri": self.response_uri,
                "nonce": self.nonce, "state": self.state, "query_id": self.query_id,
                "sd_query_id": self.sd_query_id, "signed_by": self.signed_by,
                "verified_name": self.verified_name, "verified_host": self.verified_host}

    @classmethod
    def from_json(cls, data: object) -> VpRequest:
        if not isinstance(data, dict) or not all(
                isinstance(data.get(name), str) for name in
                ("client_id", "response_uri", "nonce", "state", "query_id")):
            raise MalformedValueError("The employer's request was not found. Scan their QR "
                                      "code again.")
        def text(name: str) -> str | None:
            return data.get(name) if isinstance(data.get(name), str) else None

        return cls(data["client_id"], data["response_uri"], data["nonce"], data["state"],
                   data["query_id"], text("sd_query_id"), text("signed_by"),
                   text("verified_name"), text("verified_host"))


# --- pure -------------------------------------------------------------------------------------
def is_request_link(text: str) -> bool:
    return isinstance(text, str) and text.strip().lower().startswith(SCHEME)


def parse_link(text: str) -> dict[str, str]:
    """The link's parameters (each once); request_uri, or the request itself by value."""
    if not is_request_link(text) or len(text) > MAX_LINK:
        raise MalformedValueError(NOT_A_REQUEST)
    try:
        query = urlsplit(text.strip()).query
    except ValueError:
        raise MalformedValueError(NOT_A_REQUEST) from None
    try:
        params = parse_qs(query, strict_parsing=True, max_num_fields=32)
    except ValueError:
        raise MalformedValueError(NOT_A_REQUEST) from None
    if any(len(values) != 1 for values in params.values()):
        raise MalformedValueError("The employer's request is not readable: a part of it is "
                                  "given twice")
    found = {name: values[0] for name, values in params.items()}
    if "client_id" not in found:
        raise MalformedValueError("The employer's request does not say who is asking")
    if "request" in found and "request_uri" in found:
        raise MalformedValueError("The employer's request is not readable: it is given twice")
    return found


def validate_request(request: object, *, link_client_id: str | None = None,
                     verified: VerifiedRequest | None = None) -> VpRequest:
    """Check a request object (or the parameters of a by-value link) against what we support.
    ``verified``: the signed request object it came from (its payload is ``request``)."""
    if not isinstance(request, dict):
        raise MalformedValueError("The employer's request is not readable")
    client_id = request.get("client_id")
    response_uri = request.get("response_uri")
    signed_prefix = isinstance(client_id, str) and client_id.startswith(SIGNED_PREFIXES)
    if not isinstance(client_id, str) or not (client_id.startswith(CLIENT_ID_PREFIX)
                                              or signed_prefix):
        raise MalformedValueError("The employer's request does not say who is asking in a way "
                                  "this wallet understands")
    if signed_prefix and (verified is None or verified.client_id != client_id):
        raise MalformedValueError("The employer's request says who is asking but is not signed "
                                  "to prove it, so it was not answered")
    if link_client_id is not None and link_client_id != client_id:
        raise MalformedValueError("The employer's request does not match its QR code, so it "
                                  "was not answered")
    if not signed_prefix and client_id[len(CLIENT_ID_PREFIX):] != response_uri:
        raise MalformedValueError("The employer's request would send your training somewhere "
                                  "other than the employer who asked, so it was not answered")
    if not isinstance(response_uri, str):
        raise MalformedValueError("The employer's request has no valid address to answer to")
    parts = _readable_address(response_uri)
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise MalformedValueError("The employer's request has no valid address to answer to")
    if verified is not None and verified.prefix == "x509_san_dns" \
            and parts.hostname.lower().rstrip(".") != verified.name.lower().rstrip("."):
        raise MalformedValueError(f"The employer's certificate is for {verified.name}, but the "
                                  f"request would send your training to {parts.hostname}, so "
                                  "it was not answered")
    if request.get("response_type") != "vp_token":
        raise MalformedValueError("The employer's request asks for something this wallet "
                                  "cannot give")
    if request.get("response_mode") != "direct_post":
        raise MalformedValueError("The employer's request asks for an answer in a way this "
                                  "wallet does not support")
    for name in ("nonce", "state"):
        value = request.get(name)
        if not isinstance(value, str) or not value or len(value) > 256:
            raise MalformedValueError(f"The employer's request has no {name}, so an answer "
                                      "could be replayed. It was not answered.")
    query_id, sd_query_id = _query_ids(request.get("dcql_query"))
    return VpRequest(client_id, response_uri, request["nonce"], request["state"], query_id,
                     sd_query_id, verified.prefix if verified else None,
                     verified.name if verified else None, verified.host if verified else None)


def _query_ids(dcql: object) -> tuple[str, str | None]:
    """The credential queries we can answer: ldp_vc OpenBadgeCredential, and dc+sd-jwt of the
    care training type ("" / None for a kind the request does not ask for)."""
    if isinstance(dcql, str):
        try:
            dcql = parse_json(dcql)
        except PassportError:
            dcql = None
    queries = dcql.get("credentials") if isinstance(dcql, dict) else None
    if not isinstance(queries, list) or not queries:
        raise MalformedValueError("The employer's request does not say what it asks for")
    ldp, sd_jwt = "", None
    for query in queries:
        if not isinstance(query, dict) or not isinstance(query.get("id"), str) \
                or not query["id"]:
            continue
        meta = query.get("meta") if isinstance(query.get("meta"), dict) else {}
        if query.get("format") == "ldp_vc" and not ldp:
            values = meta.get("type_values")
            if values is None or isinstance(values, list) and any(
                    isinstance(group, list) and any(item in OPEN_BADGE_TYPES for item in group)
                    for group in values):
                ldp = query["id"]
        elif query.get("format") == "dc+sd-jwt" and sd_jwt is None:
            # SD-JWT VC requests must name the type (vct_values is required, Appendix B.3.5)
            if isinstance(meta.get("vct_values"), list) and CARE_VCT in meta["vct_values"]:
                sd_jwt = query["id"]
    if ldp or sd_jwt:
        return ldp, sd_jwt
    raise MalformedValueError("The employer asks for a kind of record this wallet does not "
                              "hold. Only training certificates can be shared.")


def vp_token(request: VpRequest, presentation: dict) -> str:
    return json.dumps({request.query_id: [presentation]}, separators=(",", ":"))


def _readable_address(value: str):
    """urlsplit's parts, or None for an address it cannot read (``https://[::1``, a bad port):
    these come from the employer's side and must not become a ValueError here."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError:
        return None
    return parts


def safe_redirect(redirect_uri: object, request: VpRequest) -> str | None:
    """Follow the verifier's redirect only to its own host (never elsewhere)."""
    if not isinstance(redirect_uri, str):
        return None
    target, origin = _readable_address(redirect_uri), _readable_address(request.response_uri)
    if target is None or origin is None or target.scheme != origin.scheme \
            or target.netloc != origin.netloc:
        return None
    return redirect_uri


# --- HTTP -------------------------------------------------------------------------------------
class PresentationClient:
    """``verify``: checks a signed request object (passport_vc.oid4vp_request
    ``verify_request_object`` with the wallet's trust anchors, resolver and clock)."""

    def __init__(self, http, verify=None) -> None:  # wallet.http.HttpClient
        self.http = http
        self.verify = verify

    def read(self, text: str) -> VpRequest:
        params = parse_link(text)
        if "request" in params:
            return self._signed(params["request"], params["client_id"])
        if "request_uri" not in params:
            return validate_request(params)
        if params.get("request_uri_method", "get") != "get":
            raise MalformedValueError("This employer's request needs a way of fetching it this "
                                      "wallet does not support yet")
        try:
            request = self.http.get_request_object(params["request_uri"])
        except PassportError as error:
            raise _plain(error, "fetch") from None
        if isinstance(request, str):
            return self._signed(request, params["client_id"])
        return validate_request(request, link_client_id=params["client_id"])

    def _signed(self, token: str, link_client_id: str) -> VpRequest:
        if self.verify is None:
            raise MalformedValueError("This wallet cannot check signed requests")
        try:
            verified = self.verify(token)
        except PassportError as error:
            raise MalformedValueError("The employer's signed request could not be checked, so "
                                      f"it was not answered: {error.detail}") from None
        return validate_request(verified.payload, link_client_id=link_client_id,
                                verified=verified)

    def send(self, request: VpRequest, presentation: dict | None,
             sd_jwts: list[str] | None = None) -> str | None:
        token = {request.query_id: [presentation]} if presentation is not None else {}
        if sd_jwts:
            token[request.sd_query_id] = list(sd_jwts)
        try:
            answer = self.http.post_form(request.response_uri, {
                "vp_token": json.dumps(token, separators=(",", ":")), "state": request.state})
        except PassportError as error:
            raise _plain(error, "send") from None
        return safe_redirect(answer.get("redirect_uri") if isinstance(answer, dict) else None,
                             request)


def _plain(error: PassportError, step: str) -> PassportError:
    from .http import IssuerHttpError

    if isinstance(error, IssuerHttpError):
        host = error.detail.split(" ", 1)[0]
        reason = error.extra.get("error_description")
        if step == "fetch":
            text = (f"{host} did not give the request. It may have run out or been answered "
                    "already: ask the employer for a new QR code.")
        else:
            text = f"{host} did not accept your answer"
            text += f": {reason}" if isinstance(reason, str) and reason else "."
        return MalformedValueError(text, oauth_error=error.extra.get("error"))
    return error


# --- answering, with the wallet's holder key --------------------------------------------------
@dataclass(frozen=True)
class Answered:
    host: str
    count: int
    redirect_uri: str | None


def answer_request(service, account_id: str, request: VpRequest,
                   credential_ids: list[str] | str, *, http=None, actor=None,
                   show: list[str] | tuple = ()) -> Answered:
    """Sign the chosen training into one presentation for this request (SD-JWT ones each
    with only the details in ``show``), send it, log it."""
    from .http import HttpClient

    ids = credential_ids
    sd_ids: list[str] = []
    sd_titles: list[str] = []
    if isinstance(credential_ids, list | tuple):
        known = {entry.id: entry for entry in service.entries(account_id)}
        sd_ids = [item for item in credential_ids
                  if item in known and known[item].format == "dc+sd-jwt"]
        sd_titles = [known[item].title for item in sd_ids]
        ids = [item for item in credential_ids if item not in sd_ids]
    if sd_ids and not request.sd_query_id:
        raise MalformedValueError("This employer did not ask for SD-JWT certificates; choose "
                                  "the others", path="credentials")
    if ids and not request.query_id:
        raise MalformedValueError("This employer asks only for SD-JWT certificates; choose "
                                  "those", path="credentials")
    signed, chosen = (service.signed_presentation(
        account_id, ids, challenge=request.nonce, domain=request.client_id,
        expires=service.now() + timedelta(minutes=10)) if ids else (None, []))
    sd_jwts = []
    for item in sd_ids:
        offered = {name for name, _label, _value in service.disclosable(account_id, item)}
        sd_jwts.append(service.selective_presentation(
            account_id, item, [name for name in show if name in offered], nonce=request.nonce,
            audience=request.client_id, actor=actor))
    http = http or HttpClient(service.config.network, timeout=service.config.http_timeout)
    redirect_uri = PresentationClient(http).send(request, signed, sd_jwts)
    count = len(chosen) + len(sd_jwts)
    titles = ", ".join([row["title"] for row in chosen] + sd_titles)
    service.record_activity(account_id, "shared",
                            f"with {asker_of(request, service).describe()}, who asked for it "
                            f"({count} training record{'s' if count != 1 else ''}: {titles})",
                            actor)
    return Answered(request.verifier_host, count, redirect_uri)


def asker_of(request: VpRequest, service):
    """Who is asking (wallet/employers.py). A signed request proves a name: the DNS name of its
    certificate, or its DID (a did:web's host with it). Otherwise the response_uri's host is
    what the request proves, over https (TLS); an http request (local use only) proves
    nothing."""
    employers = service.known_employers
    if request.signed_by == "x509_san_dns" and request.verified_name:
        return employers.ask(request.verified_name, proven=True, confirmed_by="certificate",
                             answer_host=request.verifier_host)
    if request.signed_by == "decentralized_identifier" and request.verified_name:
        return employers.ask_did(request.verified_name, request.verified_host,
                                 answer_host=request.verifier_host)
    return employers.ask(request.verifier_host,
                         proven=request.response_uri.startswith("https://"))


def request_verifier(service):
    """The signed-request check with this wallet's trust anchors, DID resolver and clock."""
    from passport_vc.oid4vp_request import verify_request_object

    def verify(token: str) -> VerifiedRequest:
        return verify_request_object(token, trust_anchors=service.request_trust_anchors,
                                     resolver=service.network.resolver, clock=service.clock)
    return verify


def read_request(service, text: str, *, http=None) -> VpRequest:
    from .http import HttpClient

    http = http or HttpClient(service.config.network, timeout=service.config.http_timeout)
    return PresentationClient(http, request_verifier(service)).read(text)
