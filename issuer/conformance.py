"""The VC API conformance profile (W3C VC API / VCALM Working Draft, the issuer endpoints the W3C
test suites call; see /work/shared/STANDARDS.md "VC API contract").

``POST /credentials/issue`` signs whatever well-formed credential it is given — so it only signs
as the configured did:key test issuers (Ed25519 → eddsa-rdfc-2022, P-256 → ecdsa-rdfc-2019),
never as a real training provider. ``options.credentialStatus`` adds a Bitstring Status List
entry served at ``/status/conformance-…/<purpose>/<n>``; ``POST /credentials/status`` flips it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from passport_vc.did import did_key_from_public_key
from passport_vc.did.key import verification_method_for
from passport_vc.errors import MalformedValueError, NotFoundError, ParsingError
from passport_vc.issue import issue_credential, issuer_id
from passport_vc.keys import PrivateKey
from passport_vc.model import validate_credential
from passport_vc.status import status_entry
from passport_web.sql import Database

from . import statuslists
from .config import IssuerConfig
from .issuance import IssuanceService, IssuingContext
from .providers import ProviderService
from .status import StatusService
from .storage import providers, vc_api_credentials

STATUS_VALUES = {"revoked": ("revocation", 1), "suspended": ("suspension", 1),
                 "unsuspended": ("suspension", 0), "active": ("suspension", 0)}
CONFORMANCE_SLUGS = {"Ed25519": "conformance-ed25519", "P-256": "conformance-p-256"}
OPTION_NAMES = frozenset({"credentialStatus", "cryptosuite", "created", "challenge", "domain",
                          "mandatoryPointers", "credentialId", "type"})


class ConformanceService:
    """The VC API conformance profile: did:key test issuers that sign what the W3C suites
    send, with status entries on request."""

    def __init__(self, db: Database, config: IssuerConfig, *, providers: ProviderService,
                 issuance: IssuanceService, status: StatusService) -> None:
        self.db, self.config, self.clock, self.providers = db, config, config.clock, providers
        self.issuance, self.status = issuance, status

    def ensure_conformance_issuers(self) -> dict[str, str]:
        """The did:key issuers of the VC API conformance profile (made once, keys sealed)."""
        made = {}
        for curve, slug in CONFORMANCE_SLUGS.items():
            with self.db.transaction() as session:
                row = session.execute(select(providers).where(providers.c.slug == slug)).first()
                if row is None:
                    key = PrivateKey.generate(curve)
                    did = did_key_from_public_key(key.public_key)
                    now = self.clock()
                    provider_id = session.execute(insert(providers).values(
                        slug=slug, name=f"Conformance test issuer ({curve})", did=did,
                        did_method="key", curve=curve, next_key_number=1,
                        created_at=now)).inserted_primary_key[0]
                    fragment = verification_method_for(did).split("#", 1)[1]
                    self.providers.add_key(session, provider_id, did, fragment, key, now)
                    for purpose in statuslists.PURPOSES:
                        statuslists.create_list(session, provider_id, purpose, 1,
                                                self.config.status_list_size, now)
                    made[curve] = did
                else:
                    made[curve] = row.did
        return made

    def conformance_issuer(self, did: str | None):
        provider = self.providers.provider_by_did(did) if isinstance(did, str) else None
        if provider is None or provider.did_method != "key":
            issuers = ", ".join(sorted(p.did for p in self.providers.list_providers()
                                       if p.did_method == "key")) or "none configured"
            raise MalformedValueError("This endpoint signs only as the configured test issuer "
                                      f"({issuers})", path="credential.issuer")
        return provider

    def vc_api_issue(self, body: dict) -> dict:
        credential, options = body.get("credential"), body.get("options", {})
        if not isinstance(credential, dict):
            raise ParsingError("Send the credential to sign as {\"credential\": {...}}",
                               path="credential")
        if not isinstance(options, dict):
            raise ParsingError("options must be a JSON object", path="options")
        validate_credential(credential, purpose="issue")
        provider = self.conformance_issuer(issuer_id(credential))
        wanted = options.get("credentialStatus")
        credential = dict(credential)
        with self.db.transaction() as session:
            context = IssuingContext(self.issuance, session, provider)
            if wanted is not None:
                if not isinstance(wanted, dict) or wanted.get("type") != \
                        "BitstringStatusListEntry":
                    raise MalformedValueError("options.credentialStatus.type must be "
                                              "BitstringStatusListEntry",
                                              path="options.credentialStatus")
                purpose = wanted.get("statusPurpose", "revocation")
                if purpose not in ("revocation", "suspension"):
                    raise MalformedValueError("statusPurpose must be revocation or suspension",
                                              path="options.credentialStatus.statusPurpose")
                credential.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
                if not isinstance(credential["id"], str) or len(credential["id"]) > 600:
                    raise MalformedValueError("The credential id is not usable", path="id")
                list_no, index = context.allocators[purpose].allocate()
                entry = status_entry(self.status.status_list_url(provider.slug, purpose, list_no),
                                     index, purpose)
                existing = credential.get("credentialStatus")
                credential["credentialStatus"] = entry if existing is None else \
                    [*(existing if isinstance(existing, list) else [existing]), entry]
                known = session.execute(select(vc_api_credentials.c.credential_id).where(
                    vc_api_credentials.c.credential_id == credential["id"])).first()
                if known:
                    raise MalformedValueError("A credential with this id already has a status "
                                              "entry here; give each credential its own id",
                                              path="id")
                session.execute(insert(vc_api_credentials).values(
                    credential_id=credential["id"], provider_id=provider.id, purpose=purpose,
                    list_no=list_no, idx=index, created_at=self.clock()))
            signed = issue_credential(credential, context.key, created=self.clock(),
                                      canonicalizer=self.issuance.canonicalizer)
            context.flush()
        return signed

    def vc_api_status(self, body: dict) -> dict:
        credential_id = body.get("credentialId")
        changes = body.get("credentialStatus")
        if not isinstance(credential_id, str) or not credential_id:
            raise ParsingError("Send the credentialId whose status should change",
                               path="credentialId")
        if isinstance(changes, dict):
            changes = [changes]
        if not isinstance(changes, list) or not changes or \
                not all(isinstance(item, dict) for item in changes):
            raise ParsingError("Send credentialStatus: [{\"type\": …, \"status\": \"revoked\"}]",
                               path="credentialStatus")
        now = self.clock()
        with self.db.transaction() as session:
            row = session.execute(select(vc_api_credentials).where(
                vc_api_credentials.c.credential_id == credential_id)).first()
            if row is None:
                raise NotFoundError("No credential with that id was issued with a status entry")
            for change in changes:
                status = change.get("status")
                if not isinstance(status, str) or status not in STATUS_VALUES:
                    raise MalformedValueError("status must be one of "
                                              + ", ".join(sorted(STATUS_VALUES)),
                                              path="credentialStatus.status")
                purpose, value = STATUS_VALUES[status]
                if purpose != row.purpose:
                    raise MalformedValueError(f"This credential's status entry is for "
                                              f"{row.purpose}, not {purpose}",
                                              path="credentialStatus.status")
                statuslists.set_bit(session, row.provider_id, row.purpose, row.list_no, row.idx,
                                    value, now)
        return {"credentialId": credential_id, "updated": True}
