"""Passkeys for signing in to the wallet: W3C Web Authentication Level 3, §7.1 "Registering a
New Credential" and §7.2 "Verifying an Authentication Assertion". The ceremonies themselves
(CBOR, COSE keys, signatures, client data) are checked by py_webauthn (PyPI ``webauthn``); this
module keeps the credential records (§6.1 "credential record") and the wallet's rules.

The rules (issue 4; WCAG 2.2 SC 3.3.8 "Accessible Authentication": a passkey asks for no memory
test, and the password always stays as the other way in):

- the Relying Party id is the host of ``config.public_url`` and its origin is the only origin
  accepted (§13.4.9: a passkey made on another site is refused);
- user verification "preferred" and discoverable credentials "preferred" (§5.4.6, §6.2.2), so a
  worker can sign in without typing their email address or user name;
- every challenge is 32 random bytes (§13.4.3), used once (a database row deleted when it is
  used — a signed session cookie could be sent twice) and expires after five minutes;
- the signature counter must go up (§6.1.1): when it goes back, the passkey may have been
  copied, so the sign-in is refused and the worker's activity log says so;
- the user handle is the account id: random, with no personal data in it (§14.6.1);
- removing a passkey needs the password, or a sign-in in the last ten minutes.

Every add, removal, sign-in and refused counter is written to the worker's activity log.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from passport_vc.errors import (
    AuthError,
    ConflictError,
    MalformedValueError,
    NotFoundError,
    ParsingError,
    RangeError,
)
from passport_web.sql import Database

from . import storage as st
from .config import WalletConfig

CHALLENGE_LIFETIME = timedelta(minutes=5)
RECENT_SIGN_IN = timedelta(minutes=10)
MAX_PASSKEYS = 20
NAME_LIMIT = 100
PURPOSE_ADD = "add"
PURPOSE_SIGN_IN = "sign-in"
RP_NAME = "Skills Passport wallet"

SIGN_IN_FAILED = ("Your passkey did not work. Try again, or sign in with your email address or "
                  "user name and password.")
EXPIRED = ("This took too long or the page was opened twice. Try again: you have five "
           "minutes each time.")


class PasskeyError(AuthError):
    """A passkey could not be added or used (401: the request carried no valid proof)."""

    title = "The passkey did not work"


@dataclass(frozen=True)
class Passkey:
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    backed_up: bool  # a synced passkey (§6.1.3 "backup state"): it survives losing the phone


@dataclass(frozen=True)
class Ceremony:
    """What the browser needs to start: ``options`` is the ``publicKey`` member for
    ``navigator.credentials.create()`` or ``.get()`` (JSON, base64url for bytes); ``id`` names
    the stored challenge and is kept in the worker's session."""

    id: str
    options: dict


def _b64url(data: bytes) -> str:
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(data)


def _from_b64url(text: str) -> bytes:
    from webauthn.helpers import base64url_to_bytes

    return base64url_to_bytes(text)


def relying_party(public_url: str) -> tuple[str, str]:
    """(rp id, origin) from the wallet's public address: ``https://Wallet.example:443/x`` →
    ("wallet.example", "https://wallet.example"). The origin is what a browser puts in
    clientDataJSON (HTML "ASCII serialization of an origin": no default port, no path)."""
    parts = urlsplit(public_url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"public_url {public_url!r} has no http(s) host")
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = parts.port if parts.port not in (None, default_port) else None
    shown_host = f"[{host}]" if ":" in host else host
    return host, f"{parts.scheme}://{shown_host}{f':{port}' if port else ''}"


def user_handle(account_id: str) -> bytes:
    return account_id.encode("ascii")


def _passkey(row: dict) -> Passkey:
    return Passkey(row["id"], row["name"], row["created_at"], row["last_used_at"],
                   bool(row["backed_up"]))


def clean_name(name: str | None, fallback: str) -> str:
    """The worker's own label for a passkey ("My phone"); a default when they give none."""
    value = " ".join((name or "").split())
    if not value:
        return fallback
    if len(value) > NAME_LIMIT:
        raise MalformedValueError(f"The name must be {NAME_LIMIT} characters or fewer",
                                  path="name")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise MalformedValueError("The name can only have letters, numbers, spaces and "
                                  "punctuation", path="name")
    return value


def _credential_dict(credential: object) -> dict:
    if not isinstance(credential, dict):
        raise ParsingError("Send the passkey's answer as a JSON object", path="credential")
    if len(json.dumps(credential)) > 64 * 1024:
        raise RangeError("The passkey's answer is too large", path="credential")
    return credential


# Library exceptions that mean "this answer is not valid" (py_webauthn raises WebAuthnException
# subclasses, and base64url/CBOR decoding of hostile input may raise the built-in ones).
def _bad_answer_errors() -> tuple[type[BaseException], ...]:
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, ValueError, TypeError, KeyError, IndexError, OverflowError)


def _explain(error: BaseException, adding: bool) -> str:
    """py_webauthn's technical reason, said in plain English."""
    reason = str(error).lower()
    if "origin" in reason or "rp id" in reason:
        return ("This passkey was made for a different website. Use a passkey made on this "
                "site, or sign in with your password.")
    if "challenge" in reason:
        return EXPIRED
    if "user presence" in reason or "not present" in reason:
        return "Your device did not confirm it was you. Try again."
    if adding:
        return ("Your device's passkey could not be checked, so it was not added. Try again, "
                "or try another device.")
    return SIGN_IN_FAILED


class PasskeyService:
    """Passkey records and ceremonies for the wallet (no Flask: the routes are thin)."""

    def __init__(self, db: Database, config: WalletConfig, *,
                 check_password: Callable[[str, str], object]) -> None:
        """``check_password(login, password)`` raises ``AuthError`` when the password is wrong
        (``WalletService.authenticate``: the same throttling as the sign-in page)."""
        self.db = db
        self.clock = config.clock
        self.rp_id, self.origin = relying_party(config.public_url)
        self._check_password = check_password

    # --- reading ----------------------------------------------------------------------------
    def passkeys(self, account_id: str) -> list[Passkey]:
        with self.db.reading() as session:
            return [_passkey(row) for row in st.passkeys_of(session, account_id)]

    def passkey(self, account_id: str, passkey_id: str) -> Passkey:
        with self.db.reading() as session:
            row = st.passkey_for(session, account_id, passkey_id)
        if row is None:
            raise NotFoundError("There is no such passkey in your account")
        return _passkey(row)

    # --- challenges -------------------------------------------------------------------------
    def _new_challenge(self, session, purpose: str, account_id: str | None) -> tuple[str, bytes]:
        challenge_id = secrets.token_urlsafe(32)
        challenge = secrets.token_bytes(32)
        now = self.clock()
        st.add_passkey_challenge(session, challenge_id, purpose, _b64url(challenge), account_id,
                                 now + CHALLENGE_LIFETIME, now)
        return challenge_id, challenge

    def _take_challenge(self, session, challenge_id: str | None, purpose: str) -> dict:
        row = st.take_passkey_challenge(session, challenge_id, purpose) if challenge_id else None
        if row is None or self.clock() >= row["expires_at"]:
            raise PasskeyError(EXPIRED)
        return row

    # --- adding (registration, §7.1) --------------------------------------------------------
    def add_options(self, account_id: str) -> Ceremony:
        """Options for ``navigator.credentials.create()``; the worker's other passkeys are
        excluded so the same device is not added twice."""
        from webauthn import generate_registration_options, options_to_json
        from webauthn.helpers.structs import (
            AttestationConveyancePreference,
            AuthenticatorSelectionCriteria,
            PublicKeyCredentialDescriptor,
            ResidentKeyRequirement,
            UserVerificationRequirement,
        )

        with self.db.transaction() as session:
            account = st.account_by_id(session, account_id)
            if account is None:
                raise NotFoundError("There is no such account")
            existing = st.passkeys_of(session, account_id)
            if len(existing) >= MAX_PASSKEYS:
                raise ConflictError(f"You already have {MAX_PASSKEYS} passkeys. Remove one you "
                                    "no longer use before adding another.")
            challenge_id, challenge = self._new_challenge(session, PURPOSE_ADD, account_id)
        options = generate_registration_options(
            rp_id=self.rp_id, rp_name=RP_NAME, user_id=user_handle(account_id),
            user_name=account["login"], user_display_name=account["name"], challenge=challenge,
            timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
            attestation=AttestationConveyancePreference.NONE,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.PREFERRED),
            exclude_credentials=[PublicKeyCredentialDescriptor(
                id=_from_b64url(row["credential_id"])) for row in existing])
        return Ceremony(challenge_id, json.loads(options_to_json(options)))

    def finish_add(self, account_id: str, ceremony_id: str | None, credential: object,
                   name: str | None = None) -> Passkey:
        """Check the browser's answer to ``add_options`` and keep the new passkey."""
        from webauthn import verify_registration_response

        credential = _credential_dict(credential)
        with self.db.transaction() as session:
            row = self._take_challenge(session, ceremony_id, PURPOSE_ADD)
        if row["account_id"] != account_id:
            raise PasskeyError(EXPIRED)  # started by another sign-in: start again
        try:
            verified = verify_registration_response(
                credential=credential, expected_challenge=_from_b64url(row["challenge"]),
                expected_rp_id=self.rp_id, expected_origin=self.origin,
                require_user_verification=False)
        except _bad_answer_errors() as error:
            raise PasskeyError(_explain(error, adding=True)) from error
        transports = credential.get("response", {}).get("transports")
        transports = [item for item in transports if isinstance(item, str)][:8] \
            if isinstance(transports, list) else []
        credential_id = _b64url(verified.credential_id)
        now = self.clock()
        with self.db.transaction() as session:
            if st.passkey_by_credential_id(session, credential_id):
                raise ConflictError("This passkey has already been added.")
            count = len(st.passkeys_of(session, account_id))
            if count >= MAX_PASSKEYS:
                raise ConflictError(f"You already have {MAX_PASSKEYS} passkeys.")
            label = clean_name(name, f"Passkey {count + 1}")
            passkey_id = uuid.uuid4().hex
            session.execute(sa.insert(st.passkeys).values(
                id=passkey_id, account_id=account_id, credential_id=credential_id,
                public_key=_b64url(verified.credential_public_key),
                sign_count=verified.sign_count, name=label,
                transports=json.dumps(transports), aaguid=verified.aaguid,
                backed_up=bool(verified.credential_backed_up), created_at=now))
            st.log_activity(session, account_id, now, "passkey-added", label)
        return Passkey(passkey_id, label, now, None, bool(verified.credential_backed_up))

    # --- signing in (authentication, §7.2) --------------------------------------------------
    def sign_in_options(self) -> Ceremony:
        """Options for ``navigator.credentials.get()`` with no allowed list: the browser offers
        the passkeys it has for this site (discoverable credentials), and nobody learns from
        the options whether an account exists."""
        from webauthn import generate_authentication_options, options_to_json
        from webauthn.helpers.structs import UserVerificationRequirement

        with self.db.transaction() as session:
            challenge_id, challenge = self._new_challenge(session, PURPOSE_SIGN_IN, None)
        options = generate_authentication_options(
            rp_id=self.rp_id, challenge=challenge,
            timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
            user_verification=UserVerificationRequirement.PREFERRED)
        return Ceremony(challenge_id, json.loads(options_to_json(options)))

    def finish_sign_in(self, ceremony_id: str | None, credential: object) -> str:
        """Check the browser's answer to ``sign_in_options``; the account id it proves."""
        from webauthn import verify_authentication_response
        from webauthn.helpers import parse_authentication_credential_json

        credential = _credential_dict(credential)
        with self.db.transaction() as session:
            challenge = self._take_challenge(session, ceremony_id, PURPOSE_SIGN_IN)
        try:
            parsed = parse_authentication_credential_json(credential)
        except _bad_answer_errors() as error:
            raise PasskeyError(SIGN_IN_FAILED) from error
        with self.db.reading() as session:
            row = st.passkey_by_credential_id(session, _b64url(parsed.raw_id))
        if row is None:
            raise PasskeyError("This passkey is not linked to an account here. It may have been "
                               "removed. Sign in with your email address or user name and "
                               "password.")
        # §7.2 step 6: the user handle the authenticator returns must be this passkey's owner.
        handle = parsed.response.user_handle
        if handle and handle != user_handle(row["account_id"]):
            raise PasskeyError(SIGN_IN_FAILED)
        try:
            # The counter is compared below, after the signature is known to be good, so a
            # forged answer can never write a "copied passkey" warning in someone's log.
            verified = verify_authentication_response(
                credential=parsed, expected_challenge=_from_b64url(challenge["challenge"]),
                expected_rp_id=self.rp_id, expected_origin=self.origin,
                credential_public_key=_from_b64url(row["public_key"]),
                credential_current_sign_count=0, require_user_verification=False)
        except _bad_answer_errors() as error:
            raise PasskeyError(_explain(error, adding=False)) from error
        now = self.clock()
        stored, new = int(row["sign_count"]), int(verified.new_sign_count)
        counter_went_back = (stored > 0 or new > 0) and new <= stored  # §6.1.1
        with self.db.transaction() as session:
            if counter_went_back:
                st.log_activity(session, row["account_id"], now, "passkey-refused",
                                f"{row['name']}: it may have been copied")
            else:
                changed = session.execute(
                    sa.update(st.passkeys)
                    .where(st.passkeys.c.id == row["id"],
                           st.passkeys.c.sign_count == row["sign_count"])
                    .values(sign_count=new, last_used_at=now,
                            backed_up=bool(verified.credential_backed_up))).rowcount
                if changed != 1:  # used twice at the same moment: one of the two only
                    raise PasskeyError(SIGN_IN_FAILED)
                st.log_activity(session, row["account_id"], now, "passkey-sign-in", row["name"])
        if counter_went_back:
            raise PasskeyError("This passkey may have been copied, so it cannot be used to sign "
                               "in. Sign in with your password, then remove this passkey and "
                               "add it again.")
        return row["account_id"]

    # --- removing ---------------------------------------------------------------------------
    def needs_password(self, signed_in_at: datetime | None) -> bool:
        """True unless the worker signed in within the last ten minutes."""
        if signed_in_at is None:
            return True
        now = self.clock()
        return not (now - RECENT_SIGN_IN <= signed_in_at <= now + timedelta(minutes=1))

    def remove(self, account_id: str, passkey_id: str, *, password: str | None = None,
               signed_in_at: datetime | None = None) -> Passkey:
        passkey = self.passkey(account_id, passkey_id)  # 404 before asking for a password
        if self.needs_password(signed_in_at):
            if not password:
                raise MalformedValueError("Enter your password to remove this passkey",
                                          path="password")
            with self.db.reading() as session:
                account = st.account_by_id(session, account_id)
            if account is None:
                raise NotFoundError("There is no such account")
            try:
                self._check_password(account["login"], password)
            except AuthError as error:
                if error.status == 429:  # too many attempts: keep that message
                    raise
                raise AuthError("The password is not right. Check it and try again.",
                                path="password") from error
        with self.db.transaction() as session:
            deleted = session.execute(sa.delete(st.passkeys).where(
                st.passkeys.c.id == passkey_id,
                st.passkeys.c.account_id == account_id)).rowcount
            if deleted != 1:
                raise NotFoundError("There is no such passkey in your account")
            st.log_activity(session, account_id, self.clock(), "passkey-removed", passkey.name)
        return passkey


__all__ = ["CHALLENGE_LIFETIME", "RECENT_SIGN_IN", "Ceremony", "Passkey", "PasskeyError",
           "PasskeyService", "clean_name", "relying_party", "user_handle"]
