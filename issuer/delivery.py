"""Delivery to a worker's wallet: OpenID for Verifiable Credential Issuance 1.0, pre-authorized
code flow (§4.1 offer, §6 token endpoint, §7 nonce endpoint, §8 credential endpoint, §12.2
metadata).

The pre-authorized code is HMAC(secret key, offer id): the offer JSON can be served again from
the id, yet the database holds only hashes (a leaked table redeems nothing). Codes are single
use and expire; the optional 6-digit transaction code allows ``max_tx_code_attempts`` guesses.
Access tokens are single use and expire; nonces are single use and expire. The credential
endpoint checks the wallet's key proof (``openid4vci-proof+jwt``: aud = PUBLIC_URL, the nonce)
and signs a copy bound to the holder's DID with the same status entries as the register entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import insert, select, update

from passport_vc import oid4vci, sd_jwt_vc
from passport_vc.did import default_resolver
from passport_vc.errors import (
    GoneError,
    InvalidChallengeError,
    MalformedProofError,
    NotFoundError,
    PassportError,
)
from passport_vc.proofs.jose import read_unverified
from passport_web.settings import require_secret
from passport_web.sql import Database
from schemas.builder import CONTEXTS, CREDENTIAL_TYPES

from .config import IssuerConfig
from .events import record_event
from .issuance import IssuanceService
from .models import Offer
from .register import RegisterService
from .storage import access_tokens, aware, c_nonces, digest, dumps, offers, records

CONFIGURATIONS = {
    "CareTrainingCredential_ldp_vc": {
        "format": "ldp_vc", "types": list(CREDENTIAL_TYPES), "contexts": list(CONTEXTS),
        "name": "Care training certificate",
        "description": "A signed record of training completed in adult social care"},
    "CareTrainingCredential_jwt_vc_json": {
        "format": "jwt_vc_json", "types": list(CREDENTIAL_TYPES),
        "name": "Care training certificate (JWT)",
        "description": "A signed record of training completed in adult social care"},
    "CareTrainingCredential_dc+sd-jwt": {
        "format": "dc+sd-jwt", "vct": sd_jwt_vc.VCT,
        "name": "Care training certificate (SD-JWT)",
        "description": "A signed record of training completed in adult social care; the "
                       "worker chooses whether to show their name",
        "claims": sd_jwt_vc.CLAIM_LABELS},
}
FORMAT_OF = {config_id: given["format"] for config_id, given in CONFIGURATIONS.items()}
TX_CODE_LENGTH = 6
HOLDER_DID_METHODS = ("did:key:", "did:jwk:")


class OAuthError(PassportError):
    """An error the OAuth / OpenID4VCI way: ``{"error": code, "error_description": …}``."""

    title = "The request could not be completed"

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.status = status

    def to_oauth(self) -> dict:
        return {"error": self.error, "error_description": self.detail}

    def to_problem(self) -> dict:
        problem = super().to_problem()
        problem.update(self.to_oauth())
        return problem


class DeliveryService:
    """OpenID4VCI 1.0, pre-authorized code flow: offers, token, nonce and credential endpoints."""

    _holder_resolver = default_resolver()  # did:key and did:jwk only: no network for holders

    def __init__(self, db: Database, config: IssuerConfig, *, register: RegisterService,
                 issuance: IssuanceService) -> None:
        self.db, self.config, self.clock = db, config, config.clock
        self.register, self.issuance = register, issuance

    # --- metadata -----------------------------------------------------------------------------
    def issuer_metadata(self) -> dict:
        return oid4vci.issuer_metadata(self.config.public_base, CONFIGURATIONS,
                                       display_name="Skills Passport training providers")

    def authorization_server_metadata(self) -> dict:
        return oid4vci.authorization_server_metadata(self.config.public_base)

    # --- offers -------------------------------------------------------------------------------
    def _code_for(self, offer_id: str) -> str:
        # derived from SECRET_KEY, so every machine (sharing it) serves the same offer code
        mac = hmac.new(require_secret(self.config.secret_key).encode("utf-8"),
                       b"pre-authorized-code:" + offer_id.encode("ascii"), hashlib.sha256)
        return oid4vci_b64(mac.digest())

    def create_offer(self, record_id: str, *, with_tx_code: bool = False,
                     provider: str | int | None = None, actor: str | None = None) -> Offer:
        """A single-use, expiring offer of the credential for the worker's wallet."""
        record = self.register.record(record_id, provider=provider)
        if record.state not in ("active",):
            raise GoneError("Only an active credential can be sent to a wallet")
        offer_id = secrets.token_urlsafe(24)
        code = self._code_for(offer_id)
        tx_code = "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH)) \
            if with_tx_code else None
        now = self.clock()
        expires = now + self.config.offer_lifetime
        with self.db.transaction() as session:
            session.execute(insert(offers).values(
                id=offer_id, record_id=record.id, code_hash=digest(code),
                tx_code_hash=digest(offer_id + ":" + tx_code) if tx_code else None,
                tx_attempts=0, expires_at=expires, created_at=now))
            record_event(session, record.provider_id, record.id, "offer", None, actor, now)
        uri = oid4vci.offer_uri(f"{self.config.public_base}/offers/{offer_id}")
        return Offer(offer_id, uri, code, tx_code, expires, record.id)

    def offers_for(self, record_id: str) -> list[dict]:
        with self.db.reading() as session:
            rows = session.execute(select(offers).where(offers.c.record_id == record_id)
                                   .order_by(offers.c.created_at.desc())).all()
        return [{"id": row.id, "created_at": aware(row.created_at),
                 "expires_at": aware(row.expires_at), "used_at": aware(row.used_at),
                 "holder_did": row.holder_did, "tx_code": row.tx_code_hash is not None}
                for row in rows]

    def offer_document(self, offer_id: str) -> dict:
        """The Credential Offer a wallet fetches through ``credential_offer_uri``."""
        row = self._offer_row(offer_id)
        if row is None:
            raise NotFoundError("There is no credential offer at this address")
        now = self.clock()
        if row.used_at is not None:
            raise GoneError("This credential has already been collected. Ask the training "
                            "provider for a new offer if you need it again.")
        if aware(row.expires_at) <= now:
            raise GoneError("This offer has expired. Ask the training provider for a new one.")
        tx_code = None
        if row.tx_code_hash:
            tx_code = {"input_mode": "numeric", "length": TX_CODE_LENGTH,
                       "description": "Enter the 6-digit code the training provider gave you"}
        return oid4vci.credential_offer(self.config.public_base, list(CONFIGURATIONS),
                                        self._code_for(row.id), tx_code)

    def _offer_row(self, offer_id: str):
        if not isinstance(offer_id, str) or len(offer_id) > 64:
            return None
        with self.db.reading() as session:
            return session.execute(select(offers).where(offers.c.id == offer_id)).first()

    # --- §6 token endpoint ----------------------------------------------------------------------
    def token(self, form: dict) -> dict:
        """Exchange a pre-authorized code (and transaction code) for a single-use access
        token. ``form`` is the application/x-www-form-urlencoded body."""
        grant_type = form.get("grant_type")
        if grant_type != oid4vci.PRE_AUTHORIZED_GRANT:
            raise OAuthError("unsupported_grant_type",
                             "Only the pre-authorized code grant is supported here")
        code = form.get("pre-authorized_code")
        if not isinstance(code, str) or not code or len(code) > 200:
            raise OAuthError("invalid_request", "The pre-authorized_code is missing")
        tx_code = form.get("tx_code")
        now = self.clock()
        with self.db.reading() as session:
            row = session.execute(select(offers).where(
                offers.c.code_hash == digest(code))).first()
        if row is None:
            raise OAuthError("invalid_grant", "This offer code is not known")
        if row.used_at is not None:
            raise OAuthError("invalid_grant", "This offer has already been used")
        if aware(row.expires_at) <= now:
            raise OAuthError("invalid_grant", "This offer has expired; ask for a new one")
        if row.tx_code_hash:
            self._check_tx_code(row, tx_code, now)
        elif tx_code:
            raise OAuthError("invalid_request", "This offer does not use a transaction code")
        token = secrets.token_urlsafe(32)
        lifetime = self.config.access_token_lifetime
        with self.db.transaction() as session:
            # Mark the code used only if nobody else did in between: exactly one token per code.
            claimed = session.execute(update(offers).where(
                offers.c.id == row.id, offers.c.used_at.is_(None)).values(used_at=now)).rowcount
            if claimed != 1:
                raise OAuthError("invalid_grant", "This offer has already been used")
            session.execute(insert(access_tokens).values(
                token_hash=digest(token), offer_id=row.id, expires_at=now + lifetime))
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": int(lifetime.total_seconds())}

    def _check_tx_code(self, row, tx_code: object, now: datetime) -> None:
        if not isinstance(tx_code, str) or not tx_code:
            raise OAuthError("invalid_request", "This offer needs the transaction code the "
                                                "training provider gave the worker")
        if row.tx_attempts >= self.config.max_tx_code_attempts:
            raise OAuthError("invalid_grant", "The transaction code was entered wrongly too "
                                              "many times; ask for a new offer")
        expected = row.tx_code_hash
        if hmac.compare_digest(digest(row.id + ":" + tx_code[:32]), expected):
            return
        with self.db.transaction() as session:
            session.execute(update(offers).where(offers.c.id == row.id)
                            .values(tx_attempts=offers.c.tx_attempts + 1))
        raise OAuthError("invalid_grant", "The transaction code is not right")

    # --- §7 nonce endpoint ------------------------------------------------------------------------
    def nonce(self) -> dict:
        value = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.transaction() as session:
            session.execute(insert(c_nonces).values(
                nonce_hash=digest(value), expires_at=now + self.config.nonce_lifetime))
        return {"c_nonce": value}

    # --- §8 credential endpoint -------------------------------------------------------------------
    def credential_request(self, access_token: str | None, body: dict) -> dict:
        """Issue the offered credential bound to the wallet's key; OAuthError otherwise."""
        now = self.clock()
        token_row = self._token_row(access_token, now)
        fmt = self._requested_format(body)
        proof_jwt = _single_proof(body)
        nonce = _claimed_nonce(proof_jwt)
        self._check_nonce(nonce, now)
        try:
            holder_did = oid4vci.verify_proof_jwt(
                proof_jwt, audience=self.config.public_base, nonce=nonce, clock=self.clock,
                resolve_key=self._holder_key)
        except InvalidChallengeError as error:
            raise OAuthError("invalid_nonce", error.detail) from None
        except MalformedProofError as error:
            raise OAuthError("invalid_proof", error.detail) from None
        with self.db.reading() as session:
            offer = session.execute(select(offers).where(
                offers.c.id == token_row.offer_id)).first()
        record = self.register.record(offer.record_id)
        if record.state != "active":
            raise OAuthError("credential_request_denied",
                             "This credential has been withdrawn by the training provider")
        credential = self._credential_for(record, holder_did, fmt)
        with self.db.transaction() as session:
            used = session.execute(update(access_tokens).where(
                access_tokens.c.token_hash == token_row.token_hash,
                access_tokens.c.used_at.is_(None)).values(used_at=now)).rowcount
            spent = session.execute(update(c_nonces).where(
                c_nonces.c.nonce_hash == digest(nonce),
                c_nonces.c.used_at.is_(None)).values(used_at=now)).rowcount
            if used != 1:
                raise OAuthError("invalid_token", "This access token has already been used",
                                 status=401)
            if spent != 1:
                raise OAuthError("invalid_nonce", "This nonce has already been used; ask for "
                                                  "a new one")
            stored = credential if isinstance(credential, str) else None
            values = {"holder_did": holder_did, "holder_jwt": stored}
            if not isinstance(credential, str):
                values["holder_document"] = dumps(credential)
            session.execute(update(records).where(records.c.id == record.id).values(**values))
            session.execute(update(offers).where(offers.c.id == offer.id)
                            .values(holder_did=holder_did))
            record_event(session, record.provider_id, record.id, "delivered", holder_did, None,
                        now)
        return {"credentials": [{"credential": credential}]}

    def _token_row(self, access_token: str | None, now: datetime):
        if not access_token or len(access_token) > 200:
            raise OAuthError("invalid_token", "Send the access token from the token endpoint",
                             status=401)
        with self.db.reading() as session:
            row = session.execute(select(access_tokens).where(
                access_tokens.c.token_hash == digest(access_token))).first()
        if row is None:
            raise OAuthError("invalid_token", "This access token is not known", status=401)
        if row.used_at is not None:
            raise OAuthError("invalid_token", "This access token has already been used",
                             status=401)
        if aware(row.expires_at) <= now:
            raise OAuthError("invalid_token", "This access token has expired", status=401)
        return row

    @staticmethod
    def _requested_format(body: dict) -> str:
        config_id = body.get("credential_configuration_id")
        if config_id is not None:
            if not isinstance(config_id, str) or config_id not in FORMAT_OF:
                raise OAuthError("unknown_credential_configuration",
                                 f"This issuer does not offer {str(config_id)[:80]!r}")
            return FORMAT_OF[config_id]
        legacy = body.get("format")
        if legacy is None:
            raise OAuthError("invalid_credential_request",
                             "Say which credential you want (credential_configuration_id)")
        if not isinstance(legacy, str) or legacy not in ("ldp_vc", "jwt_vc_json"):
            raise OAuthError("unsupported_credential_format",
                             f"This issuer does not issue the format {str(legacy)[:40]!r}")
        return legacy

    def _check_nonce(self, nonce: str, now: datetime) -> None:
        with self.db.reading() as session:
            row = session.execute(select(c_nonces).where(
                c_nonces.c.nonce_hash == digest(nonce))).first()
        if row is None or row.used_at is not None or aware(row.expires_at) <= now:
            raise OAuthError("invalid_nonce", "The key proof does not carry a current nonce; "
                                              "ask the nonce endpoint for a new one")

    def _credential_for(self, record, holder_did: str, fmt: str) -> dict | str:
        if fmt != "dc+sd-jwt":
            return self.issuance.bound_credential(record, holder_did, fmt)
        holder = self._holder_resolver.resolve(holder_did).verification_methods[0]
        try:  # the SD-JWT VC twin: its cnf is the wallet's key
            return self.issuance.sd_jwt_twin(record, holder_did, holder.public_key)
        except PassportError as error:
            raise OAuthError("unsupported_credential_format", "This credential cannot be "
                             f"sent as an SD-JWT: {error.detail}") from None

    def _holder_key(self, kid: str):
        if not kid.startswith(HOLDER_DID_METHODS):
            raise MalformedProofError("The wallet key must be a did:key or did:jwk")
        method, _document = self._holder_resolver.resolve_verification_method(kid)
        return method.public_key


def oid4vci_b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _single_proof(body: dict) -> str:
    proofs = body.get("proofs")
    if proofs is not None:
        jwts = proofs.get("jwt") if isinstance(proofs, dict) else None
        if not isinstance(jwts, list) or not jwts:
            raise OAuthError("invalid_proof", "Send one key proof as proofs.jwt")
        if len(jwts) != 1:
            raise OAuthError("invalid_proof", "Send exactly one key proof (batches of more "
                                              "than one are not offered)")
        token = jwts[0]
    else:
        proof = body.get("proof")
        if not isinstance(proof, dict) or proof.get("proof_type") != "jwt":
            raise OAuthError("invalid_proof", "Send a key proof of type jwt")
        token = proof.get("jwt")
    if not isinstance(token, str) or not token or len(token) > 8_192:
        raise OAuthError("invalid_proof", "The key proof is missing or not a JWT")
    return token


def _claimed_nonce(token: str) -> str:
    """The nonce the proof claims; it is checked properly when the proof is verified."""
    try:
        _header, claims = read_unverified(token)
    except PassportError:
        raise OAuthError("invalid_proof", "The key proof is not a readable JWT") from None
    nonce = claims.get("nonce") if isinstance(claims, dict) else None
    if not isinstance(nonce, str) or not nonce or len(nonce) > 200:
        raise OAuthError("invalid_nonce", "The key proof has no nonce; ask the nonce endpoint "
                                          "for one")
    return nonce
