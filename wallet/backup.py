"""Encrypted wallet backups: the whole record and the holder key, under a passphrase.

Key derivation: scrypt (RFC 7914; N=2^15, r=8, p=1 — OWASP's minimum is N=2^17 with r=8 p=1 for
passwords stored online; a backup file is attacked offline, so we also require a long
passphrase). Encryption: AES-256-GCM (NIST SP 800-38D) with the file header as authenticated
data, so a changed header (e.g. weaker KDF parameters) is detected.

The holder private key inside is an encrypted PKCS#8 (the same passphrase): there is no clear
export of a private key anywhere in the system. Restoring on any deployment needs only the file
and the passphrase.
"""

from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from passport_vc.errors import CryptographicSecurityError, MalformedValueError, PassportError
from passport_vc.inputs import parse_json
from passport_vc.share_links import b64url, b64url_decode

BACKUP_TYPE = "SkillsPassportWalletBackup"
VERSION = 1
MIN_PASSPHRASE = 10
SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}
ALLOWED_N = (2 ** 14, 2 ** 15, 2 ** 16, 2 ** 17)
MAX_BACKUP_BYTES = 32 * 1024 * 1024


def passphrase_problem(passphrase: str) -> str | None:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        return (f"Your backup passphrase must be at least {MIN_PASSPHRASE} characters. Three or "
                "four words you can remember work well.")
    if len(passphrase) > 1024:
        return "Your backup passphrase must be 1,024 characters or fewer"
    return None


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _header_bytes(header: dict) -> bytes:
    return json.dumps(header, separators=(",", ":"), sort_keys=True).encode()


def seal_backup(payload: dict, passphrase: str) -> bytes:
    problem = passphrase_problem(passphrase)
    if problem:
        raise MalformedValueError(problem, path="passphrase")
    salt = os.urandom(16)
    header = {"type": BACKUP_TYPE, "version": VERSION, "alg": "A256GCM",
              "kdf": {"name": "scrypt", "salt": b64url(salt), **SCRYPT}}
    key = _derive(passphrase, salt, SCRYPT["n"], SCRYPT["r"], SCRYPT["p"])
    iv = os.urandom(12)
    plaintext = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    ciphertext = AESGCM(key).encrypt(iv, plaintext, _header_bytes(header))
    document = {**header, "iv": b64url(iv), "ciphertext": b64url(ciphertext)}
    return json.dumps(document, indent=1).encode("utf-8")


def open_backup(data: bytes, passphrase: str) -> dict:
    """The backed-up payload, or a plain-English error (never partial data)."""
    if len(data) > MAX_BACKUP_BYTES:
        raise MalformedValueError("This file is too large to be a Skills Passport backup")
    try:
        document = parse_json(data, max_bytes=MAX_BACKUP_BYTES)
    except PassportError:
        raise MalformedValueError("This file is not a Skills Passport backup") from None
    if not isinstance(document, dict) or document.get("type") != BACKUP_TYPE:
        raise MalformedValueError("This file is not a Skills Passport backup")
    if document.get("version") != VERSION or document.get("alg") != "A256GCM":
        raise MalformedValueError("This backup was made by a version of Skills Passport this "
                                  "one cannot read")
    kdf = document.get("kdf")
    if (not isinstance(kdf, dict) or kdf.get("name") != "scrypt" or kdf.get("n") not in ALLOWED_N
            or kdf.get("r") != 8 or kdf.get("p") != 1):
        raise MalformedValueError("This backup's settings are not ones Skills Passport makes")
    header = {key: document[key] for key in ("type", "version", "alg", "kdf")}
    try:
        salt = b64url_decode(kdf.get("salt", ""))
        iv = b64url_decode(document.get("iv", ""))
        ciphertext = b64url_decode(document.get("ciphertext", ""))
    except ValueError:
        raise MalformedValueError("This backup file is damaged") from None
    key = _derive(passphrase or "", salt, kdf["n"], kdf["r"], kdf["p"])
    try:
        plaintext = AESGCM(key).decrypt(iv, ciphertext, _header_bytes(header))
    except (InvalidTag, ValueError):
        raise CryptographicSecurityError("The passphrase does not open this backup, or the file "
                                         "was changed. Check the passphrase and try "
                                         "again.") from None
    payload = parse_json(plaintext, max_bytes=MAX_BACKUP_BYTES)
    if not isinstance(payload, dict):
        raise MalformedValueError("This backup file is damaged")
    return payload
