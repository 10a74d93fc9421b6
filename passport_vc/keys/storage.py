"""Private keys encrypted at rest (envelope encryption, NIST SP 800-38D AES-GCM; PKCS#8 RFC 5958
with PBES2 for files).

Sealed keys (for a database): the key is encrypted with AES-256-GCM under a fresh random data
key; the data key is itself encrypted (wrapped) with AES-256-GCM under the master key from the
configuration. The caller's ``context`` (e.g. the verification method id), the curve and the
public key are authenticated data, so a sealed key copied onto another record, or edited,
fails to open. Rotating the master key only needs the small wrapped data keys rewritten.

Files (``passport keys new``): encrypted PKCS#8 PEM under a passphrase, mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import ConfigError, ConflictError, CryptographicSecurityError
from .keypairs import CURVES, PrivateKey, b64url, b64url_decode

SEALED_VERSION = "sp-sealed-key/1"
MASTER_KEY_BYTES = 32
NONCE_BYTES = 12
MAX_SEALED_LENGTH = 8192
_CANNOT_OPEN = ("This stored key could not be opened: the master key is wrong, or the stored key "
                "was altered or moved from another record")


def generate_master_key() -> str:
    """A new master key as base64url text (32 random bytes), for the configuration."""
    return b64url(secrets.token_bytes(MASTER_KEY_BYTES))


def parse_master_key(text: str | bytes) -> bytes:
    """Read a master key from configuration text; ConfigError explains what is wrong."""
    hint = ("The master key must be 32 random bytes written as base64url (43 characters). "
            "Make one with: python -c \"from passport_vc.keys.storage import "
            "generate_master_key; print(generate_master_key())\"")
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise ConfigError(hint) from None
    if not isinstance(text, str) or not text.strip():
        raise ConfigError("The master key is not set. " + hint)
    value = text.strip()
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ConfigError("The master key is not valid base64url. " + hint) from None
    if len(raw) != MASTER_KEY_BYTES or b64url(raw) != value.rstrip("="):
        raise ConfigError(f"The master key has the wrong length. {hint}")
    return raw


def _check_master(master_key: bytes) -> None:
    if not isinstance(master_key, bytes | bytearray) or len(master_key) != MASTER_KEY_BYTES:
        raise ConfigError("The master key must be exactly 32 bytes (use parse_master_key)")


def _private_der(key: PrivateKey) -> bytes:
    return key.to_cryptography().private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def _from_der(curve: str, der: bytes) -> PrivateKey:
    loaded = serialization.load_der_private_key(der, password=None)
    if curve == "Ed25519" and isinstance(loaded, ed25519.Ed25519PrivateKey):
        return PrivateKey(curve, loaded)
    if curve in ("P-256", "P-384", "P-521") and isinstance(loaded, ec.EllipticCurvePrivateKey):
        key = PrivateKey(curve, loaded)
        if key.public_key.curve == curve and loaded.curve.key_size == int(curve[2:]):
            return key
    raise CryptographicSecurityError(_CANNOT_OPEN)


def _associated_data(purpose: str, curve: str, public: str, context: str) -> bytes:
    return json.dumps([SEALED_VERSION, purpose, curve, public, context],
                      separators=(",", ":")).encode("utf-8")


def seal_private_key(key: PrivateKey, master_key: bytes, *, context: str = "") -> str:
    """Encrypt ``key`` for storage; returns compact JSON text (safe to store, no secrets)."""
    _check_master(master_key)
    if not isinstance(context, str):
        raise ConfigError("The context of a sealed key must be text")
    public = key.public_key.multibase
    data_key = AESGCM.generate_key(bit_length=256)
    key_nonce, wrap_nonce = os.urandom(NONCE_BYTES), os.urandom(NONCE_BYTES)
    sealed_key = AESGCM(data_key).encrypt(
        key_nonce, _private_der(key), _associated_data("key", key.curve, public, context))
    wrapped = AESGCM(bytes(master_key)).encrypt(
        wrap_nonce, data_key, _associated_data("wrap", key.curve, public, context))
    envelope = {"v": SEALED_VERSION, "alg": "A256GCM", "curve": key.curve,
                "publicKeyMultibase": public, "wrappedKey": b64url(wrap_nonce + wrapped),
                "ciphertext": b64url(key_nonce + sealed_key)}
    return json.dumps(envelope, separators=(",", ":"))


def read_sealed_envelope(sealed: str) -> dict:
    """The public part of a sealed key (version, curve, public key), without opening it."""
    if not isinstance(sealed, str) or len(sealed) > MAX_SEALED_LENGTH:
        raise CryptographicSecurityError("This is not a stored key")
    try:
        envelope = json.loads(sealed)
    except ValueError:
        raise CryptographicSecurityError("This is not a stored key") from None
    if not isinstance(envelope, dict) or envelope.get("v") != SEALED_VERSION:
        raise CryptographicSecurityError("This is not a stored key, or it was made by a version "
                                         "of this system that is not supported")
    fields = ("alg", "curve", "publicKeyMultibase", "wrappedKey", "ciphertext")
    if envelope.get("alg") != "A256GCM" or envelope.get("curve") not in CURVES or \
            not all(isinstance(envelope.get(name), str) for name in fields):
        raise CryptographicSecurityError(_CANNOT_OPEN)
    return envelope


def open_private_key(sealed: str, master_key: bytes, *, context: str = "") -> PrivateKey:
    """Decrypt a key made by ``seal_private_key`` with the same master key and context."""
    _check_master(master_key)
    envelope = read_sealed_envelope(sealed)
    curve, public = envelope["curve"], envelope["publicKeyMultibase"]
    try:
        wrapped = b64url_decode(envelope["wrappedKey"])
        ciphertext = b64url_decode(envelope["ciphertext"])
        data_key = AESGCM(bytes(master_key)).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:],
            _associated_data("wrap", curve, public, context))
        der = AESGCM(data_key).decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:],
                                       _associated_data("key", curve, public, context))
        key = _from_der(curve, der)
    except (InvalidTag, ValueError, binascii.Error):
        raise CryptographicSecurityError(_CANNOT_OPEN) from None
    if key.public_key.multibase != public:
        raise CryptographicSecurityError(_CANNOT_OPEN)
    return key


def save_pkcs8(path: Path | str, key: PrivateKey, passphrase: bytes, *,
               overwrite: bool = False) -> Path:
    """Write ``key`` as encrypted PKCS#8 PEM readable only by its owner (mode 0600)."""
    if not passphrase:
        raise ConfigError("A passphrase is needed to protect the private key")
    path = Path(path)
    if path.exists() and not overwrite:
        raise ConflictError(f"{path} already exists; a key file is never overwritten")
    data = key.to_pkcs8(passphrase)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
    # Created 0600 from the start: never a moment when others could read it.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def load_pkcs8(path: Path | str, passphrase: bytes) -> PrivateKey:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"There is no key file at {path}")
    if path.stat().st_size > 64 * 1024:
        raise ConfigError(f"{path} is too large to be a key file")
    try:
        return PrivateKey.from_pkcs8(path.read_bytes(), passphrase)
    except (ValueError, TypeError):
        raise CryptographicSecurityError(
            f"The key file {path.name} could not be opened: the passphrase is wrong or the file "
            "is damaged") from None


def reseal_private_key(sealed: str, old_master: bytes, new_master: bytes, *,
                       context: str = "") -> str:
    """Master-key rotation for one key: open with the old master key, seal under the new one
    (a fresh data key), and prove the new envelope opens to the same key before returning it."""
    key = open_private_key(sealed, old_master, context=context)
    resealed = seal_private_key(key, new_master, context=context)
    if open_private_key(resealed, new_master, context=context).public_key != key.public_key:
        raise CryptographicSecurityError("A key could not be sealed again under the new master "
                                         "key; nothing was changed")
    return resealed
