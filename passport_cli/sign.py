"""``passport sign``: secure a credential or presentation with VC-JOSE-COSE from the command line.

    passport sign credential.json --format vc+jwt --key key.json
    passport sign presentation.json --format vp+cose --key holder.pem --key-id did:web:…#key-1
    passport sign credential.json --format vc+sd-jwt --key key.json \
        --sd credentialSubject.name --sd credentialSubject.phoneNumbers[0]

The document is checked exactly as the issuer checks it (data model, JSON-LD safe mode, the key
belongs to the issuer or holder) before anything is signed. Output: a JWT (compact JWS) for
``vc+jwt`` / ``vp+jwt``; base64 of the COSE_Sign1 bytes for ``vc+cose`` / ``vp+cose``; an
SD-JWT with all its disclosures (``<JWT>~<disclosure>~…~``) for ``vc+sd-jwt`` / ``vp+sd-jwt``,
where ``--sd PATH`` makes a member selectively disclosable (dotted path, ``[n]`` for a list
item; ``@context``, ``type``, the issuer, dates, status and schema stay visible); with
``--envelope`` an ``EnvelopedVerifiableCredential`` / ``…Presentation`` JSON object holding it
as a ``data:`` URL. Exit codes: 0 signed; 1 refused (the document or key is not acceptable,
said in plain English on stderr); 2 usage error.

Keys (``--key``): a JSON verification method with ``secretKeyJwk`` or ``secretKeyMultibase``
(its ``id`` is the key id), a private JWK (then ``--key-id`` is needed), an encrypted PKCS#8
``.pem`` made by ``passport keys new`` (passphrase from ``PASSPORT_KEY_PASSPHRASE`` or
``--passphrase-file``), or a key sealed by a service (``PASSPORT_MASTER_KEY``; ``--key-id`` is
the verification method it was sealed for).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

from passport_vc.errors import ConfigError, PassportError

from .secret_input import read_secret

FORMATS = ("vc+jwt", "vc+cose", "vp+jwt", "vp+cose", "vc+sd-jwt", "vp+sd-jwt")
SD_JWT_FORMATS = ("vc+sd-jwt", "vp+sd-jwt")
MAX_INPUT = 1024 * 1024
MAX_KEY_FILE = 64 * 1024


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sign", help="sign a credential or presentation as vc+jwt, vc+cose, vc+sd-jwt, vp+jwt, "
                     "vp+cose or vp+sd-jwt",
        description="Check a credential or presentation (JSON) and secure it with VC-JOSE-COSE. "
                    "Prints the signed token (COSE as base64). Exit code 0 only if it was "
                    "signed; 1 if it was refused, with the reason.")
    parser.add_argument("file", help="the unsigned credential or presentation (JSON), or - "
                                     "for standard input")
    parser.add_argument("--format", required=True, choices=FORMATS, dest="secure_as",
                        help="how to secure it")
    parser.add_argument("--key", required=True, type=Path, metavar="FILE",
                        help="the private key: a verification method or JWK (JSON), an "
                             "encrypted .pem, or a sealed key")
    parser.add_argument("--key-id", metavar="URL",
                        help="the key's verification method id (e.g. did:web:…#key-1) when "
                             "the key file does not say")
    parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help="for a .pem key: read the passphrase from this file")
    parser.add_argument("--challenge", help="vp+jwt: the verifier's challenge (JWT nonce)")
    parser.add_argument("--domain", help="vp+jwt: the verifier's domain (JWT aud)")
    parser.add_argument("--sd", action="append", default=[], metavar="PATH", dest="selective",
                        help="vc+sd-jwt / vp+sd-jwt: make this member selectively disclosable "
                             "(e.g. credentialSubject.address.street or "
                             "credentialSubject.phoneNumbers[0]); repeat for more")
    parser.add_argument("--envelope", action="store_true",
                        help="print an Enveloped… JSON object with a data: URL instead")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write to FILE instead of standard output")
    parser.set_defaults(func=run)


def _read_document(file: str) -> dict:
    from passport_vc.inputs import parse_json

    if file == "-":
        data = sys.stdin.buffer.read(MAX_INPUT + 1)
    else:
        path = Path(file)
        if not path.is_file():
            raise ConfigError(f"There is no file called {file}")
        data = path.read_bytes()[:MAX_INPUT + 1]
    if len(data) > MAX_INPUT:
        raise ConfigError(f"{file} is larger than 1 MB; that is not a credential")
    document = parse_json(data)
    if not isinstance(document, dict):
        raise ConfigError(f"{file} is not a JSON object")
    return document


def load_signing_key(path: Path, key_id: str | None, passphrase_file: Path | None = None):
    """An ``IssuerKey`` (signer + verification method id) from a key file."""
    from passport_vc.inputs import parse_json
    from passport_vc.issue import IssuerKey
    from passport_vc.keys import PrivateKey

    if not path.is_file():
        raise ConfigError(f"There is no key file called {path}")
    if path.stat().st_size > MAX_KEY_FILE:
        raise ConfigError(f"{path} is too large to be a key")
    data = path.read_bytes()
    if data.lstrip().startswith(b"-----BEGIN"):
        passphrase = read_secret(file=passphrase_file, variable="PASSPORT_KEY_PASSPHRASE",
                                 prompt="Passphrase for the private key: ", what="passphrase")
        try:
            signer = PrivateKey.from_pkcs8(data, passphrase.encode("utf-8"))
        except (ValueError, TypeError):
            raise ConfigError(f"{path} could not be opened: wrong passphrase, or not a key this "
                              "system uses") from None
        return IssuerKey(signer, _need(key_id, path))
    try:
        entry = parse_json(data)
    except PassportError:
        raise ConfigError(f"{path} is neither a key in JSON nor an encrypted .pem") from None
    if not isinstance(entry, dict):
        raise ConfigError(f"{path} is not a key (expected a JSON object)")
    try:
        if entry.get("v") is not None and "wrappedKey" in entry:
            return IssuerKey(_open_sealed(data.decode("utf-8"), _need(key_id, path)),
                             _need(key_id, path))
        if isinstance(entry.get("secretKeyJwk"), dict):
            signer = PrivateKey.from_jwk(entry["secretKeyJwk"])
        elif isinstance(entry.get("secretKeyMultibase"), str):
            signer = PrivateKey.from_multibase(entry["secretKeyMultibase"])
        elif "d" in entry:
            return IssuerKey(PrivateKey.from_jwk(entry), _need(key_id, path))
        else:
            raise ConfigError(f"{path} holds no private key (no secretKeyJwk, "
                              "secretKeyMultibase or JWK 'd')")
    except ValueError as error:
        raise ConfigError(f"{path} is not a usable key: {error}") from None
    method_id = key_id or entry.get("id")
    if not isinstance(method_id, str) or "#" not in method_id:
        raise ConfigError(f"{path} does not say which verification method it is (no 'id' with "
                          "a #fragment); give --key-id")
    if key_id and isinstance(entry.get("id"), str) and entry["id"] != key_id:
        raise ConfigError(f"--key-id {key_id} is not the key file's id {entry['id']}")
    return IssuerKey(signer, method_id)


def _need(key_id: str | None, path: Path) -> str:
    if not key_id or "#" not in key_id:
        raise ConfigError(f"{path} does not say which verification method it is: give --key-id "
                          "(a URL with a #fragment, e.g. did:web:example.org#key-1)")
    return key_id


def _open_sealed(sealed: str, key_id: str):
    import os

    from passport_vc.keys.storage import open_private_key, parse_master_key

    master = os.environ.get("PASSPORT_MASTER_KEY")
    if not master:
        raise ConfigError("A sealed key needs the master key it was sealed under: set "
                          "PASSPORT_MASTER_KEY")
    return open_private_key(sealed, parse_master_key(master.strip()), context=key_id)


def secure(document: dict, key, secure_as: str, *, challenge: str | None = None,
           domain: str | None = None, selective: list[str] | tuple = ()) -> str:
    """The secured text: a compact JWS, an SD-JWT, or base64 (RFC 4648 §4) of the COSE_Sign1
    bytes."""
    from passport_vc import issue

    if secure_as != "vp+jwt" and (challenge or domain):
        raise ConfigError("--challenge and --domain go into a vp+jwt only")
    if selective and secure_as not in SD_JWT_FORMATS:
        raise ConfigError("--sd is for vc+sd-jwt and vp+sd-jwt only")
    if secure_as == "vc+sd-jwt":
        return issue.issue_credential_sd_jwt(document, key, selective=selective)
    if secure_as == "vp+sd-jwt":
        return issue.sign_presentation_sd_jwt(document, key, selective=selective)
    if secure_as == "vc+jwt":
        return issue.issue_credential_jwt(document, key)
    if secure_as == "vc+cose":
        return base64.b64encode(issue.issue_credential_cose(document, key)).decode("ascii")
    if secure_as == "vp+jwt":
        return issue.sign_presentation_jwt(document, key, challenge=challenge, domain=domain)
    return base64.b64encode(issue.sign_presentation_cose(document, key)).decode("ascii")


def envelope(secured: str, secure_as: str) -> dict:
    kind = "Credential" if secure_as.startswith("vc") else "Presentation"
    data = f"data:application/{secure_as};base64," if secure_as.endswith("cose") else \
        f"data:application/{secure_as},"
    return {"@context": "https://www.w3.org/ns/credentials/v2",
            "type": f"EnvelopedVerifiable{kind}", "id": data + secured}


def run(args: argparse.Namespace) -> int:
    try:
        document = _read_document(args.file)
        key = load_signing_key(args.key, args.key_id, args.passphrase_file)
        secured = secure(document, key, args.secure_as, challenge=args.challenge,
                         domain=args.domain, selective=args.selective)
    except PassportError as error:
        where = f" (at {error.path})" if getattr(error, "path", None) else ""
        print(f"Not signed: {error.detail}{where}", file=sys.stderr)
        return 1
    text = json.dumps(envelope(secured, args.secure_as), indent=2) if args.envelope else secured
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0
