"""Public, unauthenticated endpoints: DID documents (did:web §3.2), status list credentials
(Bitstring Status List 1.0 §3.1, cacheable), and OpenID4VCI 1.0 (§12.2 metadata, §4.1.3 offer
by reference, §6 token, §7 nonce, §8 credential). All JSON; CSRF does not apply (no cookies are
used to authorise these).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from passport_vc.errors import NotFoundError, PassportError
from passport_web.flask import json_body

from ..auth import service
from ..delivery import OAuthError
from ..ratelimit import RateLimitedError, limiter

MAX_LIST_NUMBER = 1_000_000  # keeps the number inside a database integer
bp = Blueprint("public", __name__)
STATUS_MEDIA_TYPE = "application/vc+ld+json"
DID_MEDIA_TYPE = "application/did+json"


def _json(document: dict, *, media_type: str = "application/json", status: int = 200,
          no_store: bool = False) -> Response:
    response = jsonify(document)
    response.status_code = status
    response.mimetype = media_type
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def _oauth_error(error: OAuthError) -> Response:
    response = _json(error.to_oauth(), status=error.status, no_store=True)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@bp.before_request
def limit_oauth_endpoints():
    """Per client address on /token and /credential (one budget for both): over the limit,
    an RFC 6749 §5.2 error object with status 429 and Retry-After (RFC 6585 §4)."""
    if request.endpoint not in ("public.token", "public.credential"):
        return None
    settings = service().config
    try:
        limiter().check("oid4vci:" + (request.remote_addr or "unknown"),
                        settings.oid4vci_rate_limit, settings.rate_limit_window,
                        "Too many requests have come from your address. Wait {wait} and try "
                        "again.")
    except RateLimitedError as error:
        response = _oauth_error(OAuthError("invalid_request", error.detail, status=429))
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    return None


# --- DID documents -----------------------------------------------------------------------------
@bp.get("/providers/<slug>/did.json")
def provider_did(slug: str):
    provider = service().providers.provider(slug)
    if provider.host:
        raise NotFoundError("This provider publishes its DID document on its own web address")
    return _did_response(service().providers.did_document(slug))


@bp.get("/.well-known/did.json")
@bp.get("/<path:path>/did.json")
def own_host_did(path: str = ""):
    """A provider that set its own host: the DID is read from the address asked for."""
    from passport_vc.did import url_to_did_web

    try:
        did = url_to_did_web(request.base_url)
    except PassportError:
        raise NotFoundError("There is no DID document here") from None
    provider = service().providers.provider_by_did(did)
    if provider is None or not provider.host:
        raise NotFoundError("There is no DID document here")
    return _did_response(service().providers.did_document(provider.slug))


@bp.get("/.well-known/jwt-vc-issuer/providers/<slug>")
def jwt_vc_issuer(slug: str):
    """JWT VC Issuer Metadata (SD-JWT VC draft §5, path-insertion form) for the issuer
    ``{PUBLIC_URL}/providers/<slug>``: the provider's signing keys (every key still in its DID
    document under assertionMethod) as a JWK Set, each ``kid`` the key's DID URL, as the
    ``kid`` of the provider's SD-JWT VC twins."""
    from passport_vc.did import DidDocument
    from passport_vc.jwt_vc_issuer import metadata_for

    providers = service().providers
    document = DidDocument(providers.did_document(providers.provider(slug).slug))
    keys = [{**method.public_key.to_jwk(), "kid": method.id, "use": "sig",
             "alg": method.public_key.jws_algorithm}
            for method in document.verification_methods
            if document.authorizes(method.id, "assertionMethod")]
    iss = f"{service().config.public_base}/providers/{slug}"
    response = _json(metadata_for(iss, keys))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _did_response(document: dict) -> Response:
    response = _json(document, media_type=DID_MEDIA_TYPE)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- status lists ----------------------------------------------------------------------------
@bp.get("/status/<slug>/<purpose>/<int:list_no>")
def status_list(slug: str, purpose: str, list_no: int):
    if list_no > MAX_LIST_NUMBER:
        raise NotFoundError("There is no such status list")
    text, etag = service().status.published_list(slug, purpose, list_no)
    max_age = service().config.status_cache_seconds
    tag = etag.strip('"')
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        response = Response(text, mimetype=STATUS_MEDIA_TYPE)
    response.set_etag(tag)
    # a CDN (or a verifier's cache) may keep it max-age seconds and then revalidate with
    # If-None-Match; a revocation is therefore visible everywhere within max-age
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- OpenID4VCI ------------------------------------------------------------------------------
@bp.get("/.well-known/openid-credential-issuer")
def issuer_metadata():
    response = _json(service().delivery.issuer_metadata())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata():
    response = _json(service().delivery.authorization_server_metadata())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/offers/<offer_id>")
def offer(offer_id: str):
    return _json(service().delivery.offer_document(offer_id), no_store=True)


@bp.post("/token")
def token():
    try:
        return _json(service().delivery.token(request.form.to_dict()), no_store=True)
    except OAuthError as error:
        return _oauth_error(error)


@bp.post("/nonce")
def nonce():
    return _json(service().delivery.nonce(), no_store=True)


@bp.post("/credential")
def credential():
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    access_token = value.strip() if scheme.lower() in ("bearer", "dpop") else None
    try:
        if not access_token:
            raise OAuthError("invalid_token", "Send the access token: Authorization: Bearer …",
                             status=401)
        try:
            body = json_body()
        except PassportError as error:
            raise OAuthError("invalid_credential_request", error.detail) from None
        return _json(service().delivery.credential_request(access_token, body), no_store=True)
    except OAuthError as error:
        return _oauth_error(error)
