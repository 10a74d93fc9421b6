"""Receiving credentials: the wallet side of OpenID for Verifiable Credential Issuance 1.0,
pre-authorized code flow.

Steps (OID4VCI 1.0): §4.1 read the credential offer (by value or by ``credential_offer_uri``);
§12.2 fetch the Credential Issuer Metadata from ``/.well-known/openid-credential-issuer``
(and the token endpoint from RFC 8414 ``/.well-known/oauth-authorization-server`` of the
authorization server); §6 token request with the pre-authorized code (and transaction code if
the offer asks for one); §7 nonce request; §8 credential request with a ``jwt`` proof of
possession signed by the holder key (``aud`` = credential issuer, ``nonce`` = c_nonce).

Format choice: ``ldp_vc`` when the offer includes it, else ``jwt_vc_json``, else ``dc+sd-jwt``.
What comes back is NOT trusted here: the service verifies every credential before storing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from passport_vc.clock import Clock
from passport_vc.errors import FetchError, MalformedValueError, PassportError

from .http import HttpClient, IssuerHttpError

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
# SD-JWT last: this wallet shares W3C credentials whole, and SD-JWT ones with chosen details,
# so it takes the twin only from issuers that offer nothing else.
PREFERRED_FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")
MAX_CONFIGURATIONS = 20

OAUTH_ERRORS = {
    "invalid_grant": "This offer has already been used, has expired, or the code you typed is "
                     "wrong. Ask your training provider for a new offer if it keeps happening.",
    "invalid_tx_code": "The code you typed is wrong. Check the code your training provider "
                       "sent you and try again.",
    "invalid_proof": "The training provider did not accept this wallet's proof. Try again.",
    "invalid_nonce": "The offer took too long. Try again.",
    "invalid_token": "The training provider did not accept this wallet. Try the offer again.",
    "unsupported_credential_type": "The training provider cannot send this kind of credential "
                                   "to this wallet.",
    "unsupported_credential_format": "The training provider cannot send this credential in a "
                                     "format this wallet accepts.",
}


class TxCodeRequired(MalformedValueError):
    """The offer needs a transaction code (a PIN the provider sent separately)."""

    title = "This offer needs a code"


@dataclass(frozen=True)
class Received:
    configuration_id: str
    format: str  # "ldp_vc" | "jwt_vc_json" | "dc+sd-jwt"
    credential: dict | str


@dataclass(frozen=True)
class HolderProof:
    """What the client needs from the holder: a signer and the key's DID URL."""

    signer: object  # passport_vc.keys.Signer
    kid: str


def well_known(base: str, name: str) -> str:
    """RFC 8414 §3 / OID4VCI §12.2.2: the well-known segment goes before any path."""
    try:
        parts = urlsplit(base)
    except ValueError:
        raise MalformedValueError("The training provider's address is not readable") from None
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"/.well-known/{name}{path}", "", ""))


def _plain(error: PassportError) -> PassportError:
    if isinstance(error, IssuerHttpError):
        code = error.extra.get("error")
        if code in OAUTH_ERRORS:
            return MalformedValueError(OAUTH_ERRORS[code], oauth_error=code)
    return error


class OfferClient:
    def __init__(self, http: HttpClient, clock: Clock) -> None:
        self.http = http
        self.clock = clock

    # --- offer and metadata ---------------------------------------------------------------------
    def read_offer(self, offer_text: str) -> dict:
        from passport_vc.oid4vci import check_offer, parse_offer_uri

        if not isinstance(offer_text, str) or not offer_text.strip():
            raise MalformedValueError("Paste the offer link from your training provider")
        parsed = parse_offer_uri(offer_text.strip())
        offer = parsed.get("credential_offer")
        if offer is None:
            try:
                # fetched by reference: the same checks as an offer given in the link
                offer = check_offer(self.http.get_json(parsed["credential_offer_uri"]))
            except PassportError as error:
                raise _plain(error) from None
        if not isinstance(offer, dict):
            raise MalformedValueError("The credential offer is not readable")
        issuer = offer.get("credential_issuer")
        ids = offer.get("credential_configuration_ids")
        if not isinstance(issuer, str) or not issuer.startswith(("https://", "http://")):
            raise MalformedValueError("The credential offer does not say who the provider is")
        if (not isinstance(ids, list) or not ids or len(ids) > MAX_CONFIGURATIONS
                or not all(isinstance(item, str) for item in ids)):
            raise MalformedValueError("The credential offer does not say which credential it is")
        grant = (offer.get("grants") or {}).get(PRE_AUTHORIZED)
        if not isinstance(grant, dict) or not isinstance(grant.get("pre-authorized_code"), str):
            raise MalformedValueError("This offer needs you to sign in with the training "
                                      "provider, which this wallet does not support yet. Ask "
                                      "them for an offer with a ready-made code.")
        return offer

    def metadata(self, issuer: str) -> dict:
        data = self.http.get_json(well_known(issuer, "openid-credential-issuer"))
        if not isinstance(data, dict) or data.get("credential_issuer") != issuer:
            raise MalformedValueError("The training provider's details do not match its offer")
        if not isinstance(data.get("credential_endpoint"), str):
            raise MalformedValueError("The training provider's details are incomplete")
        if not isinstance(data.get("token_endpoint"), str):
            servers = data.get("authorization_servers") or [issuer]
            server = servers[0] if isinstance(servers, list) and servers else issuer
            if not isinstance(server, str):
                raise MalformedValueError("The training provider's details are incomplete")
            oauth = self.http.get_json(well_known(server, "oauth-authorization-server"))
            if not isinstance(oauth, dict) or not isinstance(oauth.get("token_endpoint"), str):
                raise MalformedValueError("The training provider's details are incomplete")
            data = {**data, "token_endpoint": oauth["token_endpoint"]}
        return data

    @staticmethod
    def choose(offer: dict, metadata: dict) -> list[tuple[str, str]]:
        """(configuration id, format) to request: every ldp_vc offered, else every jwt_vc_json,
        else every dc+sd-jwt."""
        supported = metadata.get("credential_configurations_supported")
        supported = supported if isinstance(supported, dict) else {}
        offered = [(item, entry.get("format") if isinstance(entry := supported.get(item), dict)
                    else None) for item in offer["credential_configuration_ids"]]
        for wanted in PREFERRED_FORMATS:
            chosen = [(item, fmt) for item, fmt in offered if fmt == wanted]
            if chosen:
                return chosen
        raise MalformedValueError("The training provider offers this credential only in a "
                                  "format this wallet does not accept")

    # --- the flow -------------------------------------------------------------------------------
    def accept(self, offer_text: str, holder: HolderProof, *,
               tx_code: str | None = None) -> list[Received]:
        offer = self.read_offer(offer_text)
        grant = offer["grants"][PRE_AUTHORIZED]
        if grant.get("tx_code") is not None and not (tx_code or "").strip():
            spec = grant["tx_code"] if isinstance(grant["tx_code"], dict) else {}
            raise TxCodeRequired(spec.get("description") or "Type the code your training "
                                 "provider sent you separately (by email or text message).",
                                 tx_code=spec)
        try:
            return self._run(offer, grant, holder, tx_code)
        except PassportError as error:
            raise _plain(error) from None

    def _run(self, offer: dict, grant: dict, holder: HolderProof,
             tx_code: str | None) -> list[Received]:
        from passport_vc.oid4vci import make_proof_jwt

        issuer = offer["credential_issuer"]
        metadata = self.metadata(issuer)
        chosen = self.choose(offer, metadata)
        form = {"grant_type": PRE_AUTHORIZED,
                "pre-authorized_code": grant["pre-authorized_code"]}
        if grant.get("tx_code") is not None:
            form["tx_code"] = (tx_code or "").strip()
        token = self.http.post_form(metadata["token_endpoint"], form)
        if not isinstance(token, dict) or not isinstance(token.get("access_token"), str):
            raise FetchError("The training provider did not give this wallet access")
        access_token = token["access_token"]
        nonce = token.get("c_nonce") if isinstance(token.get("c_nonce"), str) else None
        received: list[Received] = []
        for configuration_id, fmt in chosen:
            if isinstance(metadata.get("nonce_endpoint"), str):
                answer = self.http.post_json(metadata["nonce_endpoint"], None)
                if isinstance(answer, dict) and isinstance(answer.get("c_nonce"), str):
                    nonce = answer["c_nonce"]
            if nonce is None:
                raise FetchError("The training provider did not send a one-time code (nonce)")
            proof = make_proof_jwt(holder.signer, kid=holder.kid, audience=issuer, nonce=nonce,
                                   clock=self.clock)
            answer = self.http.post_json(
                metadata["credential_endpoint"],
                {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}},
                token=access_token)
            for credential in _credentials_in(answer):
                received.append(Received(configuration_id, fmt, credential))
            if isinstance(answer, dict) and isinstance(answer.get("c_nonce"), str):
                nonce = answer["c_nonce"]
        if not received:
            raise FetchError("The training provider did not send a credential")
        return received


def _credentials_in(answer: object) -> list[dict | str]:
    """OID4VCI 1.0 §8.3: {"credentials": [{"credential": …}]}; drafts: {"credential": …}."""
    if not isinstance(answer, dict):
        raise MalformedValueError("The training provider's answer is not readable")
    if isinstance(answer.get("credentials"), list):
        items = [entry.get("credential") if isinstance(entry, dict) else None
                 for entry in answer["credentials"][:MAX_CONFIGURATIONS]]
    elif "credential" in answer:
        items = [answer["credential"]]
    elif "transaction_id" in answer:
        raise FetchError("The training provider will send this credential later; this wallet "
                         "cannot wait for it yet. Ask them for a new offer later.")
    else:
        items = []
    found = [item for item in items if isinstance(item, dict | str)]
    if len(found) != len(items):
        raise MalformedValueError("The training provider sent something that is not a "
                                  "credential")
    return found
