"""Wallet domain logic (no Flask): accounts and holder keys, receiving and verifying
credentials, the training record, interview share links, the paper passport, backups, helpers.

Every method that touches a worker's data takes that worker's account id and reads or writes
only rows that carry it (storage.py), in one transaction per call. Helpers act through
``Actor``: the route checks the grant (``act_for``) and every change they make is written to the
worker's activity log with the helper's name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from passport_vc.errors import (
    AuthError,
    ConflictError,
    CryptographicSecurityError,
    ForbiddenError,
    MalformedValueError,
    NotFoundError,
    PassportError,
)
from passport_vc.inputs import parse_json
from passport_vc.issue import IssuerKey
from passport_vc.verdict import Verdict, verdict_for
from passport_web.sql import Database

from . import accounts as acc
from . import storage as st
from .config import WalletConfig
from .record import (
    CURRENT_STATES,
    Entry,
    Group,
    entry_from_row,
    group_rows,
    result_to_json,
    verdict_at,
)

REFUSED_STATES = frozenset({"forged", "malformed"})
TOKEN_FORMATS = ("jwt_vc", "dc+sd-jwt")  # stored as the token text, not as JSON
BAKEABLE_FORMATS = ("ldp_vc", "jwt_vc")  # Open Badges 3.0 credentials, which baking carries
SCOPES = {"receive": "Receive training for me", "present": "Share my training for me",
          "both": "Receive and share my training for me"}
SCOPE_ALLOWS = {"receive": {"view", "receive"}, "present": {"view", "present"},
                "both": {"view", "receive", "present"}}
MAX_CREDENTIALS_PER_ACCOUNT = 1000
SHARE_TEXT_LIMIT = 256


@dataclass(frozen=True)
class Actor:
    """Who is doing something in a worker's wallet: the worker, or a helper they authorised."""

    account_id: str
    name: str
    is_helper: bool = False


@dataclass(frozen=True)
class Stored:
    id: str
    title: str
    provider_name: str
    format: str
    verdict: Verdict
    duplicate: bool = False

    @property
    def state(self) -> str:
        return self.verdict.state


@dataclass(frozen=True)
class Share:
    id: str
    url: str  # with the key in the fragment only when just made; else the bare address
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    credential_ids: tuple[str, ...]
    label: str | None = None
    challenge: str | None = None
    domain: str | None = None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def _digest(fmt: str, raw: str) -> str:
    """Dedupe key: the JWT itself, or the JSON with its keys sorted (so the same credential
    pasted with different spacing or key order is recognised)."""
    if fmt == "ldp_vc":
        raw = json.dumps(json.loads(raw), separators=(",", ":"), sort_keys=True,
                         ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _raw_text(document: dict | None, token: str | None) -> str:
    """What is stored: the JWT as received, or the JSON document in its own key order."""
    if token is not None:
        return token
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _summary_json(summary) -> dict:
    data = dataclasses.asdict(summary) if dataclasses.is_dataclass(summary) else dict(summary)
    return json.loads(st.to_json(data))


def _trust_anchors(path) -> list:
    """The operator's root certificates for employers' signed requests (wallet/oid4vp.py)."""
    if path is None:
        return []
    from passport_vc.errors import PassportError
    from passport_vc.oid4vp_request import load_trust_anchors

    try:
        return load_trust_anchors(path.read_bytes())
    except OSError as error:
        raise PassportError(f"The trusted root certificates {path} could not be read "
                            f"({error.strerror})") from None


class WalletService:
    def __init__(self, db: Database, config: WalletConfig, network) -> None:
        self.db = db
        self.config = config
        self.network = network
        self.clock = config.clock
        self._verifier = None
        from .employers import KnownEmployers

        self.known_employers = KnownEmployers.load(config.known_employers_path)
        self.request_trust_anchors = _trust_anchors(config.oid4vp_trust_anchors_path)
        from .reminders import Reminders

        self.reminders = Reminders(self)

    # --- plumbing ---------------------------------------------------------------------------
    @property
    def verifier(self):
        if self._verifier is None:
            self._verifier = self.network.verifier()
        return self._verifier

    def now(self) -> datetime:
        return self.clock()

    def _log(self, session, account_id: str, action: str, detail: str = "",
             actor: Actor | None = None) -> None:
        helper = actor if actor is not None and actor.account_id != account_id else None
        st.log_activity(session, account_id, self.now(), action, detail,
                        actor_id=helper.account_id if helper else None,
                        actor_name=helper.name if helper else None)

    # --- accounts ---------------------------------------------------------------------------
    def create_account(self, email: str, password: str, name: str) -> acc.Account:
        """A new worker account (``email`` may be a user name) with its holder did:key."""
        from passport_vc.did.key import did_key_from_public_key, verification_method_for
        from passport_vc.keys import PrivateKey
        from passport_vc.keys.storage import seal_private_key
        from passport_web.passwords import hash_password

        login = acc.normalise_login(email)
        acc.check_new_account(login, password, name)
        account_id = uuid.uuid4().hex
        key = PrivateKey.generate("Ed25519")
        did = did_key_from_public_key(key.public_key)
        sealed = seal_private_key(key, self.config.master_key_bytes(), context=did)
        codes = acc.new_recovery_codes()
        password_hash = hash_password(password)
        now = self.now()
        with self.db.transaction() as session:
            if st.account_by_login(session, login):
                raise ConflictError("There is already an account with this email address or "
                                    "user name. Sign in instead.", path="login")
            session.execute(sa.insert(st.accounts).values(
                id=account_id, login=login, email=login if "@" in login else None,
                name=name.strip(), password_hash=password_hash, failed_attempts=0,
                created_at=now))
            session.execute(sa.insert(st.holder_keys).values(
                account_id=account_id, did=did, verification_method=verification_method_for(did),
                sealed=sealed, created_at=now))
            session.execute(sa.insert(st.recovery_codes), [
                {"account_id": account_id, "code_hash": acc.hash_code(account_id, code)}
                for code in codes])
            self._log(session, account_id, "account-created", "Account and key made")
        return acc.Account(account_id, login, name.strip(), login if "@" in login else None,
                           did, now, tuple(codes))

    def account(self, account_id: str) -> acc.Account:
        with self.db.reading() as session:
            row = st.account_by_id(session, account_id)
            key = st.holder_key(session, account_id)
        if row is None or key is None:
            raise NotFoundError("There is no such account")
        return acc.Account(row["id"], row["login"], row["name"], row["email"], key["did"],
                           row["created_at"])

    def authenticate(self, login: str, password: str) -> acc.Account:
        """Check a password. Guessing is slowed per account and place by the web layer
        (passport_web.signin), never by locking the account, which anyone could do to a
        worker from anywhere."""
        from passport_web.passwords import check_password

        login = acc.normalise_login(login)
        with self.db.reading() as session:
            row = st.account_by_login(session, login)
        ok = check_password(row["password_hash"] if row else None, password or "")
        if not ok:
            raise AuthError("The email address, user name or password is not right. Check them "
                            "and try again.")
        return self.account(row["id"])

    def recover(self, login: str, code: str, new_password: str) -> acc.Account:
        """Sign in with a one-time recovery code and set a new password."""
        from passport_web.passwords import hash_password, password_problem

        problem = password_problem(new_password or "")
        if problem:
            raise MalformedValueError(problem, path="password")
        login = acc.normalise_login(login)
        now = self.now()
        with self.db.transaction() as session:
            row = st.account_by_login(session, login)
            codes = [] if row is None else session.execute(
                sa.select(st.recovery_codes).where(st.recovery_codes.c.account_id == row["id"],
                                                   st.recovery_codes.c.used_at.is_(None))).all()
            match = next((item for item in codes
                          if acc.code_matches(row["id"], code, item.code_hash)), None)
            if match is None:
                raise AuthError("That recovery code is not right, or it has been used already.")
            session.execute(sa.update(st.recovery_codes)
                            .where(st.recovery_codes.c.id == match.id).values(used_at=now))
            session.execute(sa.update(st.accounts).where(st.accounts.c.id == row["id"])
                            .values(password_hash=hash_password(new_password),
                                    failed_attempts=0, last_failure_at=None))
            self._log(session, row["id"], "recovered", "Signed in with a recovery code and "
                      "set a new password")
        return self.account(row["id"])

    def replace_recovery_codes(self, account_id: str) -> list[str]:
        codes = acc.new_recovery_codes()
        with self.db.transaction() as session:
            session.execute(sa.delete(st.recovery_codes)
                            .where(st.recovery_codes.c.account_id == account_id))
            session.execute(sa.insert(st.recovery_codes), [
                {"account_id": account_id, "code_hash": acc.hash_code(account_id, code)}
                for code in codes])
            self._log(session, account_id, "recovery-codes", "New recovery codes made")
        return codes

    def unused_recovery_codes(self, account_id: str) -> int:
        with self.db.reading() as session:
            return session.execute(sa.select(sa.func.count()).select_from(st.recovery_codes)
                                   .where(st.recovery_codes.c.account_id == account_id,
                                          st.recovery_codes.c.used_at.is_(None))).scalar_one()

    # --- holder key -------------------------------------------------------------------------
    def holder_did(self, account_id: str) -> str:
        with self.db.reading() as session:
            key = st.holder_key(session, account_id)
        if key is None:
            raise NotFoundError("There is no such account")
        return key["did"]

    def _holder_key(self, session, account_id: str) -> IssuerKey:
        from passport_vc.keys.storage import open_private_key

        row = st.holder_key(session, account_id)
        if row is None:
            raise NotFoundError("There is no such account")
        key = open_private_key(row["sealed"], self.config.master_key_bytes(), context=row["did"])
        return IssuerKey(key, row["verification_method"])

    # --- receiving --------------------------------------------------------------------------
    def receive_text(self, account_id: str, text: str, *, source: str = "paste",
                     tx_code: str | None = None, actor: Actor | None = None) -> list[Stored]:
        """Whatever a worker pasted or scanned: an offer link, or a credential itself."""
        cleaned = (text or "").strip()
        if cleaned.startswith(("openid-credential-offer:", "haip:")) or (
                "credential_offer" in cleaned[:2048] and not cleaned.startswith("{")):
            return self.accept_offer(account_id, cleaned, tx_code, actor=actor)
        return [self.add_credential(account_id, cleaned, source=source, actor=actor)]

    def accept_offer(self, account_id: str, offer_text: str, tx_code: str | None = None, *,
                     actor: Actor | None = None) -> list[Stored]:
        """OpenID4VCI pre-authorized code flow with proof of possession by the holder key."""
        from .http import HttpClient
        from .offers import HolderProof, OfferClient

        with self.db.reading() as session:
            key = self._holder_key(session, account_id)
        client = OfferClient(HttpClient(self.config.network, timeout=self.config.http_timeout),
                             self.clock)
        received = client.accept(offer_text, HolderProof(key.signer, key.verification_method),
                                 tx_code=tx_code)
        return [self.add_credential(account_id, item.credential, source="offer", actor=actor)
                for item in received]

    def add_credential(self, account_id: str, text: str | dict, *, source: str = "paste",
                       actor: Actor | None = None) -> Stored:
        """Verify, then store. Forged or unreadable: refused. Revoked or expired: stored and
        shown as such. The same credential twice: the stored one, marked ``duplicate``."""
        if isinstance(text, str) and not text.strip():
            raise MalformedValueError("Paste a credential, or choose a file", path="text")
        result = self.verifier.verify_credential(text)
        now = self.now()
        verdict = verdict_for(result, now=now, due_soon=self.config.due_soon)
        if verdict.state in REFUSED_STATES or result.document is None:
            error_class = (CryptographicSecurityError if verdict.state == "forged"
                           else MalformedValueError)
            raise error_class(_refusal(verdict), state=verdict.state)
        token = None
        if result.facts.get("format") in TOKEN_FORMATS:
            from passport_vc.inputs import read_unverified

            token = read_unverified(text).value
        elif result.facts.get("format") == "ob2":  # keep the badge as given, not its view
            from passport_vc.inputs import read_unverified

            given = read_unverified(text).value
            token = given if isinstance(given, str) else json.dumps(
                given, separators=(",", ":"), ensure_ascii=False)
        raw = _raw_text(result.document, token)
        return self._store(account_id, raw, result, verdict, source, actor, now)

    def _store(self, account_id: str, raw: str, result, verdict: Verdict, source: str,
               actor: Actor | None, now: datetime) -> Stored:
        from schemas.summary import summarise

        summary = summarise(result.document)
        vc_id = result.document.get("id") if isinstance(result.document.get("id"), str) else None
        issuer = result.facts.get("issuer")
        digest = _digest(result.facts["format"], raw)
        with self.db.transaction() as session:
            if st.account_by_id(session, account_id) is None:
                raise NotFoundError("There is no such account")
            existing = st.duplicate_of(session, account_id, digest, vc_id, issuer)
            if existing is not None:
                return Stored(existing["id"], existing["title"],
                              existing["provider_name"] or "Not named", existing["format"],
                              verdict_at(existing["verification"], now,
                                         due_soon=self.config.due_soon), duplicate=True)
            count = session.execute(sa.select(sa.func.count()).select_from(st.credentials)
                                    .where(st.credentials.c.account_id == account_id)
                                    ).scalar_one()
            if count >= MAX_CREDENTIALS_PER_ACCOUNT:
                raise ConflictError("This wallet is full. Remove old training you no longer "
                                    "need, then try again.")
            credential_id = uuid.uuid4().hex
            title = (summary.title or "Training")[:300]
            session.execute(sa.insert(st.credentials).values(
                id=credential_id, account_id=account_id, format=result.facts["format"],
                raw=raw, digest=digest, vc_id=(vc_id or "")[:512] or None,
                issuer=(issuer or "")[:512] or None, title=title,
                category=summary.category or "other", topic=(summary.topic or None),
                provider_name=(summary.provider_name or "")[:300] or None,
                completed=summary.completed, valid_until=summary.valid_until,
                summary=st.to_json(_summary_json(summary)),
                verification=st.to_json(result_to_json(result)), state=verdict.state,
                checked_at=now, added_at=now, source=source[:20]))
            self._log(session, account_id, "credential-added",
                      f"{title} ({verdict.label})", actor)
        return Stored(credential_id, title, summary.provider_name or "Not named",
                      result.facts["format"], verdict)

    def remove_credential(self, account_id: str, credential_id: str, *,
                          actor: Actor | None = None) -> None:
        with self.db.transaction() as session:
            row = st.credential_for(session, account_id, credential_id)
            if row is None:
                raise NotFoundError("There is no such training in your record")
            session.execute(sa.delete(st.credentials).where(
                st.credentials.c.id == credential_id, st.credentials.c.account_id == account_id))
            self._log(session, account_id, "credential-removed", row["title"], actor)

    # --- the record -------------------------------------------------------------------------
    def record(self, account_id: str, now: datetime | None = None) -> list[Group]:
        now = now or self.now()
        with self.db.reading() as session:
            rows = st.credentials_of(session, account_id)
        return group_rows(rows, now, due_soon=self.config.due_soon)

    def entries(self, account_id: str, now: datetime | None = None) -> list[Entry]:
        return [entry for group in self.record(account_id, now) for entry in group.all_entries]

    def credential(self, account_id: str, credential_id: str) -> dict:
        """One credential with everything the details page shows."""
        row = self._row(account_id, credential_id)
        verification = json.loads(row["verification"])
        document = _document_of(row)
        return {"row": row, "entry": entry_from_row(row, self.now(),
                                                    due_soon=self.config.due_soon),
                "summary": json.loads(row["summary"]), "verification": verification,
                "document": document}

    def disclosable(self, account_id: str, credential_id: str) -> list[tuple[str, str, object]]:
        """(claim, label, value) of the details an SD-JWT credential lets the worker show or
        hide; empty for other formats (they are shared whole)."""
        from passport_vc.proofs.sd_jwt import disclosable
        from passport_vc.sd_jwt_vc import CLAIM_LABELS

        row = self._row(account_id, credential_id)
        if row["format"] != "dc+sd-jwt":
            return []
        labels = dict(CLAIM_LABELS)
        return [(name, labels.get(name, name), value)
                for name, value in disclosable(row["raw"]).items()]

    def selective_presentation(self, account_id: str, credential_id: str, show: list[str], *,
                               nonce: str, audience: str, actor: Actor | None = None) -> str:
        """The SD-JWT credential with only the details in ``show``, signed by the wallet's key
        for this verifier (``audience``) and request (``nonce``); the sharing is logged."""
        from passport_vc.sd_jwt_vc import present_sd_jwt_vc

        row = self._row(account_id, credential_id)
        if row["format"] != "dc+sd-jwt":
            raise MalformedValueError("Only an SD-JWT credential can be shared with some "
                                      "details hidden", path="credential")
        offered = {name for name, _label, _value in self.disclosable(account_id, credential_id)}
        if not set(show) <= offered:
            raise MalformedValueError("Choose only details this credential has", path="show")
        with self.db.reading() as session:
            key = self._holder_key(session, account_id)
        shared = present_sd_jwt_vc(row["raw"], list(show), signer=key.signer, nonce=nonce,
                                   audience=audience, clock=self.clock)
        hidden = len(offered) - len(set(show))
        with self.db.transaction() as session:
            self._log(session, account_id, "shared",
                      f"{row['title']} with {audience}, showing "
                      f"{', '.join(sorted(show)) or 'no optional details'}"
                      f"{f' ({hidden} kept hidden)' if hidden else ''}", actor)
        return shared

    def vpqr_text(self, account_id: str, credential_id: str) -> str | None:
        """The ``VP1-`` QR text other checkers (the Learner Credential Wallet's) read, when
        this credential can be one: a JSON-LD credential that fits in one QR code."""
        from passport_vc.qr import qr_matrix_version
        from passport_vc.vpqr import encode_vpqr

        row = self._row(account_id, credential_id)
        if row["format"] != "ldp_vc":
            return None  # CBOR-LD carries JSON-LD documents, not JWTs
        try:
            text = encode_vpqr(json.loads(row["raw"]))
            qr_matrix_version(text)
        except PassportError:
            return None
        return text

    def _row(self, account_id: str, credential_id: str) -> dict:
        with self.db.reading() as session:
            row = st.credential_for(session, account_id, credential_id)
        if row is None:
            raise NotFoundError("There is no such training in your record")
        return row

    def recheck(self, account_id: str, credential_id: str | None = None) -> list[Stored]:
        """Verify again (signature, dates and revocation status) and remember when."""
        with self.db.reading() as session:
            rows = st.credentials_of(session, account_id)
        if credential_id is not None:
            rows = [row for row in rows if row["id"] == credential_id]
            if not rows:
                raise NotFoundError("There is no such training in your record")
        done: list[Stored] = []
        verifier = self.verifier.revalidating()  # the worker asked: ask each provider again
        for row in rows:
            result = verifier.verify_credential(row["raw"])
            now = self.now()
            verdict = verdict_for(result, now=now, due_soon=self.config.due_soon)
            with self.db.transaction() as session:
                session.execute(sa.update(st.credentials).where(
                    st.credentials.c.id == row["id"],
                    st.credentials.c.account_id == account_id).values(
                    verification=st.to_json(result_to_json(result)), state=verdict.state,
                    checked_at=now))
            done.append(Stored(row["id"], row["title"], row["provider_name"] or "Not named",
                               row["format"], verdict))
        return done

    # --- sharing ----------------------------------------------------------------------------
    def create_share(self, account_id: str, credential_ids: list[str] | str, *,
                     hours: int | None = None, challenge: str | None = None,
                     domain: str | None = None, label: str | None = None,
                     actor: Actor | None = None) -> Share:
        """A signed presentation of the chosen credentials, encrypted; the key is only in the
        returned link's fragment."""

        from passport_vc.share_links import b64url, encrypt_presentation, new_key

        hours = self.config.share_hours_default if hours is None else hours
        if not isinstance(hours, int) or not 1 <= hours <= self.config.share_hours_max:
            raise MalformedValueError(f"Choose how long the link works: from 1 hour to "
                                      f"{self.config.share_hours_max // 24} days", path="hours")
        challenge = _optional_text(challenge, "challenge")
        domain = _optional_text(domain, "domain")
        now = self.now()
        expires = now + timedelta(hours=hours)
        signed, chosen = self.signed_presentation(account_id, credential_ids,
                                                  challenge=challenge, domain=domain,
                                                  expires=expires)
        secret = new_key()
        iv, ciphertext = encrypt_presentation(signed, secret)
        share_id = secrets.token_urlsafe(16)
        ids = tuple(row["id"] for row in chosen)
        label = (label or "").strip()[:200] or None
        with self.db.transaction() as session:
            session.execute(sa.insert(st.shares).values(
                id=share_id, account_id=account_id, label=label,
                credential_ids=json.dumps(list(ids)), iv=iv, ciphertext=ciphertext,
                challenge=challenge, domain=domain, created_at=now, expires_at=expires))
            who = (f" for {self.known_employers.ask(domain, proven=False).describe()} "
                   f"with their check code" if domain else "")
            self._log(session, account_id, "share-created",
                      f"Link to {len(ids)} credential{'s' if len(ids) != 1 else ''}{who}, "
                      f"works until {expires:%-d %B %Y %H:%M} UTC: "
                      + ", ".join(row["title"] for row in chosen), actor)
        url = f"{self.share_address(share_id)}#{b64url(secret)}"
        return Share(share_id, url, now, expires, None, ids, label, challenge, domain)

    def signed_presentation(self, account_id: str, credential_ids: list[str] | str, *,
                            challenge: str | None, domain: str | None,
                            expires: datetime) -> tuple[dict, list[dict]]:
        """The chosen credentials ("all-current" or ids of this account's own) in one
        presentation signed with the worker's holder key (proof purpose authentication, bound
        to the verifier's challenge and domain); returns it with the chosen rows."""
        from passport_vc.issue import build_presentation, sign_presentation

        with self.db.reading() as session:
            rows = st.credentials_of(session, account_id)
            key = self._holder_key(session, account_id)
        chosen = self._chosen(rows, credential_ids, self.now())
        items = [_payload(row) for row in chosen]
        presentation = build_presentation(items, key.controller,
                                          presentation_id=f"urn:uuid:{uuid.uuid4()}")
        signed = sign_presentation(presentation, key, challenge=challenge, domain=domain,
                                   clock=self.clock, expires=expires)
        return signed, chosen

    def record_activity(self, account_id: str, action: str, detail: str = "",
                        actor: Actor | None = None) -> None:
        with self.db.transaction() as session:
            self._log(session, account_id, action, detail, actor)

    def _chosen(self, rows: list[dict], credential_ids, now: datetime) -> list[dict]:
        if credential_ids == "all-current":
            chosen = [row for row in rows
                      if verdict_at(row["verification"], now,
                                    due_soon=self.config.due_soon).state in CURRENT_STATES]
            if not chosen:
                raise MalformedValueError("There is no training in date to share yet",
                                          path="credentials")
            return chosen
        if (not isinstance(credential_ids, list | tuple) or not credential_ids
                or not all(isinstance(item, str) for item in credential_ids)):
            raise MalformedValueError("Choose at least one training record to share",
                                      path="credentials")
        by_id = {row["id"]: row for row in rows}
        missing = [item for item in credential_ids if item not in by_id]
        if missing:
            raise NotFoundError("There is no such training in your record")
        chosen = [by_id[item] for item in dict.fromkeys(credential_ids)]
        older = [row["title"] for row in chosen if row["format"] == "ob2"]
        if older:
            raise MalformedValueError(f"{older[0]} is an older-format badge, which cannot be "
                                      "put in a signed share. Send the badge file instead.",
                                      path="credentials")
        return chosen

    def share_address(self, share_id: str) -> str:
        return f"{self.config.public_base}/s/{share_id}"

    def _share(self, row: dict) -> Share:
        return Share(row["id"], self.share_address(row["id"]), row["created_at"],
                     row["expires_at"], row["revoked_at"], tuple(json.loads(row["credential_ids"])),
                     row["label"], row["challenge"], row["domain"])

    def shares(self, account_id: str) -> list[Share]:
        with self.db.reading() as session:
            return [self._share(row) for row in st.shares_of(session, account_id)]

    def share(self, account_id: str, share_id: str) -> tuple[Share, list[dict]]:
        with self.db.reading() as session:
            row = st.share_for(session, account_id, share_id)
            if row is None:
                raise NotFoundError("There is no such share link")
            return self._share(row), st.views_of(session, share_id)

    def revoke_share(self, account_id: str, share_id: str, *, actor: Actor | None = None) -> None:
        with self.db.transaction() as session:
            row = st.share_for(session, account_id, share_id)
            if row is None:
                raise NotFoundError("There is no such share link")
            if row["revoked_at"] is None:
                session.execute(sa.update(st.shares).where(st.shares.c.id == share_id)
                                .values(revoked_at=self.now()))
                self._log(session, account_id, "share-revoked", "Stopped a share link", actor)

    def shared_envelope(self, share_id: str, *, how: str = "data") -> dict:
        """What anyone with the link may fetch; each fetch is logged for the worker."""
        from passport_vc.clock import format_datetime
        from passport_vc.share_links import ALGORITHM, ENVELOPE_TYPE

        now = self.now()
        with self.db.transaction() as session:
            row = st.share_by_id(session, share_id) if len(share_id or "") <= 64 else None
            if row is None or row["revoked_at"] is not None or now >= row["expires_at"]:
                raise NotFoundError("This link has expired or been stopped by the person who "
                                    "shared it. Ask them for a new link.")
            session.execute(sa.insert(st.share_views).values(share_id=share_id, viewed_at=now,
                                                             how=how[:20]))
        return {"type": ENVELOPE_TYPE, "alg": ALGORITHM, "iv": row["iv"],
                "ciphertext": row["ciphertext"], "expires": format_datetime(row["expires_at"])}

    def share_is_live(self, share_id: str) -> bool:
        with self.db.reading() as session:
            row = st.share_by_id(session, share_id) if len(share_id or "") <= 64 else None
        return row is not None and row["revoked_at"] is None and self.now() < row["expires_at"]

    # --- downloads, paper, backup -------------------------------------------------------------
    def download(self, account_id: str, credential_id: str) -> tuple[str, str, bytes]:
        """(file name, media type, bytes) of one credential as it was issued."""
        row = self._row(account_id, credential_id)
        name = _file_stem(row["title"], row["id"])
        if row["format"] == "jwt_vc":
            return f"{name}.jwt", "application/vc+jwt", row["raw"].encode()
        if row["format"] == "dc+sd-jwt":
            return f"{name}.sd-jwt", "application/dc+sd-jwt", row["raw"].encode()
        if row["format"] == "ob2" and not row["raw"].startswith("{"):
            return f"{name}.jws", "application/jose", row["raw"].encode()  # a signed badge
        text = json.dumps(json.loads(row["raw"]), indent=2, ensure_ascii=False)
        return f"{name}.json", "application/vc+ld+json", text.encode("utf-8")

    def download_badge(self, account_id: str, credential_id: str,
                       kind: str) -> tuple[str, str, bytes]:
        """(file name, media type, bytes) of the credential baked into a badge image
        (Open Badges 3.0 baking: PNG iTXt or SVG), for another wallet or badge host."""
        from .badges import badge_png, badge_svg

        if kind not in ("png", "svg"):
            raise NotFoundError("Badges can be downloaded as PNG or SVG")
        row = self._row(account_id, credential_id)
        if row["format"] not in BAKEABLE_FORMATS:  # an SD-JWT or an older badge is not OB 3.0
            raise NotFoundError("Only Open Badges 3.0 certificates can be downloaded as a badge")
        credential = row["raw"] if row["format"] == "jwt_vc" else json.loads(row["raw"])
        name = _file_stem(row["title"], row["id"])
        if kind == "png":
            return f"{name}.png", "image/png", badge_png(row["title"], credential)
        return f"{name}.svg", "image/svg+xml", badge_svg(row["title"], credential)

    def qr_text(self, account_id: str, credential_id: str) -> str:
        """The per-credential offline QR payload (SP2: compressed credential)."""
        from passport_vc.qr import encode_compact

        row = self._row(account_id, credential_id)
        return encode_compact(_payload(row))

    def paper_passport_pdf(self, account_id: str, *, actor: Actor | None = None,
                           words=None) -> bytes:
        """The paper passport; ``words`` (wallet.paper.PaperWords) says it in the page's
        language."""
        from passport_vc.qr import encode_compact

        from .paper import PaperItem, paper_passport

        account = self.account(account_id)
        now = self.now()
        with self.db.reading() as session:
            rows = st.credentials_of(session, account_id)
        items = []
        for row in rows:
            entry = entry_from_row(row, now, due_soon=self.config.due_soon)
            payload = _payload(row)
            items.append(PaperItem(entry.title, entry.provider_name, entry.completed,
                                   entry.valid_until, entry.verdict.label,
                                   encode_compact(payload)))
        pdf = paper_passport(account.name, account.did, items, made_at=now, words=words)
        with self.db.transaction() as session:
            self._log(session, account_id, "paper-printed", "Paper passport made", actor)
        return pdf

    def export_folder_zip(self, account_id: str, *, actor: Actor | None = None) -> bytes:
        """Every credential as a plain file, with a summary table (CSV) and a read-me."""
        import csv

        now = self.now()
        with self.db.reading() as session:
            rows = st.credentials_of(session, account_id)
        buffer = io.BytesIO()
        table = io.StringIO()
        writer = csv.writer(table)
        writer.writerow(["file", "training", "provider", "completed", "valid until", "status"])
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            used: set[str] = set()
            for row in rows:
                entry = entry_from_row(row, now, due_soon=self.config.due_soon)
                stem = _file_stem(row["title"], row["id"])
                while stem in used:
                    stem += "-" + row["id"][:4]
                used.add(stem)
                if isinstance(_payload(row), str):
                    suffix = {"jwt_vc": "jwt", "dc+sd-jwt": "sd-jwt"}.get(row["format"], "jws")
                    name, data = f"credentials/{stem}.{suffix}", row["raw"]
                else:
                    name = f"credentials/{stem}.json"
                    data = json.dumps(json.loads(row["raw"]), indent=2, ensure_ascii=False)
                archive.writestr(name, data)
                writer.writerow([name, entry.title, entry.provider_name,
                                 entry.completed or "", entry.valid_until or "",
                                 entry.verdict.label])
            archive.writestr("record.csv", table.getvalue())
            archive.writestr("README.txt", README_TEXT)
        with self.db.transaction() as session:
            self._log(session, account_id, "exported", "Downloaded all training files", actor)
        return buffer.getvalue()

    def backup(self, account_id: str, passphrase: str) -> bytes:
        from .backup import passphrase_problem, seal_backup

        problem = passphrase_problem(passphrase)
        if problem:
            raise MalformedValueError(problem, path="passphrase")
        with self.db.reading() as session:
            key = self._holder_key(session, account_id)
            holder = st.holder_key(session, account_id)
            account = st.account_by_id(session, account_id)
            rows = st.credentials_of(session, account_id)
        payload = {
            "made_at": self.now().isoformat(), "name": account["name"],
            "holder": {"did": holder["did"], "verification_method": holder["verification_method"],
                       "pkcs8": key.signer.to_pkcs8(passphrase.encode("utf-8")).decode("ascii")},
            "credentials": [{"format": row["format"], "raw": row["raw"], "source": row["source"],
                             "added_at": row["added_at"].isoformat(),
                             "checked_at": row["checked_at"].isoformat(),
                             "verification": json.loads(row["verification"])}
                            for row in rows],
        }
        data = seal_backup(payload, passphrase)
        with self.db.transaction() as session:
            self._log(session, account_id, "backup-made",
                      f"Backup of {len(rows)} credentials and the wallet key")
        return data

    def restore(self, new_account_id: str, data: bytes, passphrase: str) -> int:
        """Put a backup into a new, empty account: its key and every credential. Returns the
        number of credentials restored."""
        from passport_vc.clock import parse_datetime
        from passport_vc.keys import PrivateKey
        from passport_vc.keys.storage import seal_private_key

        from .backup import open_backup

        payload = open_backup(data, passphrase)
        try:
            holder = payload["holder"]
            key = PrivateKey.from_pkcs8(holder["pkcs8"].encode("ascii"),
                                        passphrase.encode("utf-8"))
            items = payload["credentials"]
            if not isinstance(items, list):
                raise TypeError
            if len(items) > MAX_CREDENTIALS_PER_ACCOUNT:
                raise ValueError
        except (KeyError, TypeError, ValueError, AttributeError):
            raise MalformedValueError("This backup file is damaged") from None
        from passport_vc.did.key import did_key_from_public_key, verification_method_for

        did = did_key_from_public_key(key.public_key)
        if did != holder.get("did"):
            raise MalformedValueError("This backup file is damaged (its key does not match)")
        sealed = seal_private_key(key, self.config.master_key_bytes(), context=did)
        now = self.now()
        with self.db.transaction() as session:
            if st.account_by_id(session, new_account_id) is None:
                raise NotFoundError("There is no such account")
            if st.credentials_of(session, new_account_id):
                raise ConflictError("Restore a backup into a new, empty account. This one "
                                    "already has training in it.")
            session.execute(sa.update(st.holder_keys)
                            .where(st.holder_keys.c.account_id == new_account_id)
                            .values(did=did, verification_method=verification_method_for(did),
                                    sealed=sealed))
            for item in items:
                self._restore_item(session, new_account_id, item, now, parse_datetime)
            self._log(session, new_account_id, "restored",
                      f"Restored {len(items)} credentials and the wallet key from a backup")
        return len(items)

    def _restore_item(self, session, account_id: str, item: dict, now: datetime,
                      parse) -> None:
        from schemas.summary import summarise

        from .record import result_from_json

        try:
            raw, fmt = item["raw"], item["format"]
            verification = item["verification"]
            if fmt not in ("ldp_vc", "jwt_vc") or not isinstance(raw, str):
                raise ValueError
            result = result_from_json(verification)
            document = parse_json(raw) if fmt == "ldp_vc" else result.document
            if not isinstance(document, dict):
                raise ValueError
            summary = summarise(document)
            checked_at = parse(item["checked_at"]) if item.get("checked_at") else now
            added_at = parse(item["added_at"]) if item.get("added_at") else now
        except (KeyError, TypeError, ValueError, AttributeError, PassportError):
            raise MalformedValueError("This backup file is damaged") from None
        verdict = verdict_at(verification, now, due_soon=self.config.due_soon)
        vc_id = document.get("id") if isinstance(document.get("id"), str) else None
        session.execute(sa.insert(st.credentials).values(
            id=uuid.uuid4().hex, account_id=account_id, format=fmt, raw=raw,
            digest=_digest(fmt, raw),
            vc_id=(vc_id or "")[:512] or None,
            issuer=(result.facts.get("issuer") or "")[:512] or None,
            title=(summary.title or "Training")[:300], category=summary.category or "other",
            topic=summary.topic or None, provider_name=(summary.provider_name or "")[:300] or None,
            completed=summary.completed, valid_until=summary.valid_until,
            summary=st.to_json(_summary_json(summary)), verification=st.to_json(verification),
            state=verdict.state, checked_at=checked_at, added_at=added_at,
            source=str(item.get("source") or "restore")[:20]))

    # --- helpers ------------------------------------------------------------------------------
    def authorise_helper(self, worker_id: str, helper_login: str, *, scope: str = "both",
                         days: int = 30) -> dict:
        if scope not in SCOPES:
            raise MalformedValueError("Choose what your helper may do", path="scope")
        if not isinstance(days, int) or not 1 <= days <= self.config.helper_days_max:
            raise MalformedValueError(f"Choose for how many days: from 1 to "
                                      f"{self.config.helper_days_max}", path="days")
        login = acc.normalise_login(helper_login)
        now = self.now()
        with self.db.transaction() as session:
            helper = st.account_by_login(session, login)
            if helper is None:
                raise MalformedValueError("There is no Skills Passport account with that email "
                                          "address or user name. Ask your helper to make one "
                                          "first.", path="helper")
            if helper["id"] == worker_id:
                raise MalformedValueError("You cannot choose yourself as a helper", path="helper")
            grant_id = uuid.uuid4().hex
            session.execute(sa.insert(st.helpers).values(
                id=grant_id, worker_id=worker_id, helper_id=helper["id"], scope=scope,
                created_at=now, expires_at=now + timedelta(days=days)))
            self._log(session, worker_id, "helper-added",
                      f"{helper['name']} may {SCOPES[scope].lower()} until "
                      f"{now + timedelta(days=days):%-d %B %Y}")
        return {"id": grant_id, "helper_id": helper["id"], "helper_name": helper["name"],
                "scope": scope, "expires_at": now + timedelta(days=days)}

    def revoke_helper(self, worker_id: str, grant_id: str) -> None:
        with self.db.transaction() as session:
            row = session.execute(sa.select(st.helpers).where(
                st.helpers.c.id == grant_id, st.helpers.c.worker_id == worker_id)).first()
            if row is None:
                raise NotFoundError("There is no such helper")
            if row.revoked_at is None:
                session.execute(sa.update(st.helpers).where(st.helpers.c.id == grant_id)
                                .values(revoked_at=self.now()))
                self._log(session, worker_id, "helper-removed", "A helper's access was stopped")

    def helpers_of(self, worker_id: str) -> list[dict]:
        now = self.now()
        with self.db.reading() as session:
            grants = st.helper_grants_for_worker(session, worker_id)
        for grant in grants:
            grant["active"] = grant["revoked_at"] is None and now < grant["expires_at"]
        return grants

    def helping(self, helper_id: str) -> list[dict]:
        """The workers this account may currently act for."""
        now = self.now()
        with self.db.reading() as session:
            grants = st.helper_grants_for_helper(session, helper_id)
        return [grant for grant in grants
                if grant["revoked_at"] is None and now < grant["expires_at"]]

    def act_for(self, helper_id: str, worker_id: str, need: str) -> Actor:
        """The helper as an Actor in the worker's wallet, if a live grant allows ``need``
        ("view" | "receive" | "present"). Otherwise NotFoundError: a stranger learns nothing."""
        now = self.now()
        with self.db.reading() as session:
            helper = st.account_by_id(session, helper_id)
            grants = session.execute(sa.select(st.helpers).where(
                st.helpers.c.worker_id == worker_id, st.helpers.c.helper_id == helper_id,
                st.helpers.c.revoked_at.is_(None))).all()
        live = [grant for grant in grants if now < st.aware(grant.expires_at)]
        if helper is None or not live:
            raise NotFoundError("There is no such record")
        if not any(need in SCOPE_ALLOWS[grant.scope] for grant in live):
            raise ForbiddenError("The worker has not allowed you to do this for them")
        return Actor(helper_id, helper["name"], is_helper=True)

    def note_helper_view(self, worker_id: str, actor: Actor, what: str) -> None:
        with self.db.transaction() as session:
            self._log(session, worker_id, "helper-viewed", what, actor)

    def activity(self, account_id: str) -> list[dict]:
        with self.db.reading() as session:
            return st.activity_of(session, account_id)


# --- small helpers --------------------------------------------------------------------------
def _refusal(verdict: Verdict) -> str:
    if verdict.state == "forged":
        return ("This certificate was not added: it is not genuine. " + verdict.message)
    return ("This was not added: it is not a training certificate this wallet can read. "
            + verdict.message)


def _optional_text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > SHARE_TEXT_LIMIT or not value.isprintable():
        raise MalformedValueError(f"The {name} is not valid: use up to {SHARE_TEXT_LIMIT} "
                                  "characters, on one line", path=name)
    return value


def _payload(row: dict) -> dict | str:
    """A stored credential as the engine takes it: token text, or the JSON document."""
    if row["format"] in TOKEN_FORMATS or not row["raw"].startswith("{"):
        return row["raw"]  # a token, or a signed Open Badges 2.0 badge (JWS)
    return json.loads(row["raw"])


def _file_stem(title: str, credential_id: str) -> str:
    stem = "".join(char if char.isalnum() else "-" for char in title.lower())
    stem = "-".join(part for part in stem.split("-") if part)[:60]
    return stem or credential_id[:8]


def _document_of(row: dict) -> dict | None:
    if row["format"] == "ldp_vc":
        return json.loads(row["raw"])
    document = json.loads(row["verification"]).get("document")
    return document if isinstance(document, dict) else None


README_TEXT = """Skills Passport - your training files

Each file in the "credentials" folder is one signed training certificate.
.json files are W3C Verifiable Credentials with a Data Integrity proof.
.jwt files are W3C Verifiable Credentials secured as JSON Web Tokens (vc+jwt).
.sd-jwt files are SD-JWT credentials (dc+sd-jwt): you choose which details to show.
record.csv lists them all. Anyone can check a file with a Skills Passport checker:
the signature shows who issued it and that it has not been changed.
"""
