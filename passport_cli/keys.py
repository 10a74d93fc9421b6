"""``passport keys``: make signing keys and their DIDs (did:web, did:key, did:jwk).

ARCHITECTURE rule 14: the public DID document goes to ``did-documents/`` (laid out like its
URL, ready to publish); the private key goes to an instance folder as encrypted PKCS#8, never
printed. For did:web an existing document is extended, not replaced: earlier keys stay listed so
credentials signed with them still verify, and key names (fragments) are never reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from passport_vc.errors import ConfigError, PassportError

from .secret_input import read_secret

PASSPHRASE_ENV = "PASSPORT_KEY_PASSPHRASE"  # noqa: S105 - the variable name, not a secret
MIN_PASSPHRASE = 8


def register(subparsers) -> None:
    parser = subparsers.add_parser("keys", help="make and inspect signing keys and DIDs",
                                   description="Make and inspect signing keys and their DIDs.")
    commands = parser.add_subparsers(dest="keys_command", metavar="ACTION")

    new = commands.add_parser(
        "new", help="make a new key and its DID",
        description="Make a new signing key. For did:web the public DID document is written "
                    "under --did-documents, ready to publish; the private key is saved "
                    f"encrypted under --key-dir with a passphrase (from ${PASSPHRASE_ENV}, "
                    "--passphrase-file, or asked for).")
    new.add_argument("--did", choices=("key", "web", "jwk"), default="web",
                     help="kind of DID (default: web)")
    new.add_argument("--host", help="for did:web: the web host, e.g. training.example.org or "
                                    "localhost:5001")
    new.add_argument("--path", help="for did:web: an optional path, e.g. providers/acme")
    new.add_argument("--curve", choices=("Ed25519", "P-256"), default="Ed25519",
                     help="key type (default: Ed25519)")
    new.add_argument("--key-dir", type=Path, default=Path("instance/keys"), metavar="DIR",
                     help="where the encrypted private key is saved (default: instance/keys)")
    new.add_argument("--did-documents", type=Path, default=Path("did-documents"), metavar="DIR",
                     help="where public did:web documents are written (default: did-documents)")
    new.add_argument("--passphrase-file", type=Path, metavar="FILE",
                     help="read the passphrase from this file (first line)")
    new.set_defaults(func=run_new)

    show = commands.add_parser(
        "show", help="show the public details of a key file or DID document",
        description="Show the public details of a key file (.pem, asks for its passphrase), a "
                    "key's .json details file, a sealed key, or a DID document. Never shows "
                    "secrets.")
    show.add_argument("file", type=Path)
    show.add_argument("--passphrase-file", type=Path, metavar="FILE",
                      help="read the passphrase from this file (first line)")
    show.set_defaults(func=run_show)

    master = commands.add_parser(
        "master-key", help="print a new random master key for PASSPORT_MASTER_KEY",
        description="Print a new random master key (32 bytes, base64url). The issuer and wallet "
                    "seal every private key under it: keep it in a secrets manager, never in "
                    "git.")
    master.set_defaults(func=run_master_key)
    parser.set_defaults(func=lambda args: _help(parser))


def run_master_key(_args: argparse.Namespace) -> int:
    from passport_vc.keys.storage import generate_master_key

    print(generate_master_key())
    return 0


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


# --- passphrases -----------------------------------------------------------------------------
def _passphrase(args: argparse.Namespace, *, confirm: bool) -> bytes:
    value = read_secret(file=args.passphrase_file, variable=PASSPHRASE_ENV,
                        prompt="Passphrase for the private key: ", confirm=confirm,
                        what="passphrase")
    if confirm and len(value) < MIN_PASSPHRASE:
        raise ConfigError(f"The passphrase must be at least {MIN_PASSPHRASE} characters")
    return value.encode("utf-8")


# --- passport keys new -----------------------------------------------------------------------
def _web_did(host: str | None, path: str | None) -> str:
    from passport_vc.did.web import did_web_to_url

    if not host:
        raise ConfigError("did:web needs --host (the web site that will publish the DID "
                          "document), e.g. --host training.example.org")
    host = host.strip().lower()
    if "://" in host or "/" in host:
        raise ConfigError("--host takes a host name only, e.g. training.example.org (put any "
                          "path in --path)")
    segments = [segment for segment in (path or "").strip("/").split("/") if segment]
    did = ":".join(["did:web:" + host.replace(":", "%3A"), *segments])
    did_web_to_url(did)  # validates host, port and path
    return did


def _next_fragment(document: dict | None) -> str:
    used = set()
    for entry in (document or {}).get("verificationMethod", []):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            used.add(entry["id"].rpartition("#")[2])
    number = 1
    while f"key-{number}" in used:
        number += 1
    return f"key-{number}"


def _add_web_key(did: str, public_key, path: Path) -> tuple[str, dict]:
    from passport_vc.did import DidDocument, build_did_document

    if not path.is_file():
        fragment = _next_fragment(None)
        document = build_did_document(did, [(fragment, public_key)], assertion=[fragment],
                                      authentication=[fragment])
        return f"{did}#{fragment}", document
    from passport_vc.inputs import parse_json

    document = parse_json(path.read_bytes(), max_bytes=4 * 1024 * 1024)
    if not isinstance(document, dict) or document.get("id") != did:
        raise ConfigError(f"{path} is the DID document of {document.get('id')}, not {did}")
    fragment = _next_fragment(document)
    method_id = f"{did}#{fragment}"
    document.setdefault("verificationMethod", []).append(
        {"id": method_id, "type": "Multikey", "controller": did,
         "publicKeyMultibase": public_key.multibase})
    contexts = document.setdefault("@context", [])
    if isinstance(contexts, list) and "https://w3id.org/security/multikey/v1" not in contexts:
        contexts.append("https://w3id.org/security/multikey/v1")
    # Older keys stay listed: credentials they signed must keep verifying.
    for relationship in ("assertionMethod", "authentication"):
        document.setdefault(relationship, []).append(method_id)
    DidDocument(document)
    return method_id, document


def _write_public(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _key_file_stem(method: str, did: str, verification_method: str) -> str:
    if method == "web":
        readable = did[len("did:web:"):] + "_" + verification_method.rpartition("#")[2]
    elif method == "key":
        readable = did[len("did:key:"):]
    else:  # did:jwk is too long for a file name
        readable = hashlib.sha256(did.encode()).hexdigest()[:20]
    return f"{method}_" + re.sub(r"[^A-Za-z0-9._-]", "_", readable)


def run_new(args: argparse.Namespace) -> int:
    from passport_vc.did import (
        did_jwk_from_public_key,
        did_key_from_public_key,
        verification_method_for,
    )
    from passport_vc.did.web import did_web_to_url, local_path_for
    from passport_vc.keys import PrivateKey
    from passport_vc.keys.storage import save_pkcs8

    try:
        did = _web_did(args.host, args.path) if args.did == "web" else None
        passphrase = _passphrase(args, confirm=True)
        key = PrivateKey.generate(args.curve)
        document_path = None
        if args.did == "web":
            document_path = local_path_for(did, args.did_documents)
            verification_method, document = _add_web_key(did, key.public_key, document_path)
        elif args.did == "key":
            did = did_key_from_public_key(key.public_key)
            verification_method = verification_method_for(did)
        else:
            did = did_jwk_from_public_key(key.public_key)
            verification_method = f"{did}#0"
        stem = _key_file_stem(args.did, did, verification_method)
        key_path = save_pkcs8(args.key_dir / f"{stem}.pem", key, passphrase)
        details = {"did": did, "verificationMethod": verification_method, "curve": key.curve,
                   "publicKeyMultibase": key.public_key.multibase,
                   "created": datetime.now(UTC).replace(microsecond=0).isoformat()
                   .replace("+00:00", "Z"),
                   "privateKeyFile": key_path.name}
        _write_public(args.key_dir / f"{stem}.json", details)
        if document_path is not None:
            _write_public(document_path, document)
    except PassportError as error:
        print(f"No key was made: {error.detail}", file=sys.stderr)
        return 1
    except ValueError as error:  # an existing DID document that is not valid JSON
        print(f"No key was made: {error}", file=sys.stderr)
        return 1
    print(f"DID: {did}")
    print(f"Verification method: {verification_method}")
    print(f"Private key (encrypted): {key_path}")
    if document_path is not None:
        print(f"DID document: {document_path}")
        print(f"Publish it at: {did_web_to_url(did)}")
    return 0


# --- passport keys show ----------------------------------------------------------------------
def _show_public_key(public_key, prefix: str = "") -> None:
    from passport_vc.did import did_key_from_public_key

    print(f"{prefix}Key type: {public_key.curve}")
    print(f"{prefix}Public key (Multikey): {public_key.multibase}")
    print(f"{prefix}As a did:key: {did_key_from_public_key(public_key)}")


def _show_json(document: object) -> None:
    from passport_vc.did import DidDocument

    if not isinstance(document, dict):
        raise ConfigError("This file is not a key or a DID document")
    if "ciphertext" in document and "v" in document:
        from passport_vc.keys import PublicKey
        from passport_vc.keys.storage import read_sealed_envelope

        envelope = read_sealed_envelope(json.dumps(document))
        print(f"Sealed private key ({envelope['v']}), encrypted")
        _show_public_key(PublicKey.from_multibase(envelope["publicKeyMultibase"]))
        return
    if "verificationMethod" in document and isinstance(document["verificationMethod"], str):
        for name in ("did", "verificationMethod", "curve", "publicKeyMultibase", "created",
                     "privateKeyFile"):
            if name in document:
                print(f"{name}: {document[name]}")
        return
    did_document = DidDocument(document)
    print(f"DID document of {did_document.id}")
    for method in did_document.verification_methods:
        uses = [name for name in ("assertionMethod", "authentication")
                if did_document.authorizes(method.id, name)]
        print(f"  {method.id} ({method.public_key.curve}, {method.type}) "
              f"for: {', '.join(uses) or 'nothing'}")


def run_show(args: argparse.Namespace) -> int:
    from passport_vc.inputs import parse_json
    from passport_vc.keys.storage import load_pkcs8

    path: Path = args.file
    try:
        if not path.is_file():
            raise ConfigError(f"There is no file called {path}")
        if path.stat().st_size > 256 * 1024:
            raise ConfigError(f"{path} is too large to be a key or a DID document")
        data = path.read_bytes()
        if b"PRIVATE KEY" in data[:100]:
            key = load_pkcs8(path, _passphrase(args, confirm=False))
            print(f"Encrypted private key file {path.name}")
            _show_public_key(key.public_key)
            details = path.with_suffix(".json")
            if details.is_file():
                _show_json(parse_json(details.read_bytes()))
        else:
            _show_json(parse_json(data))
    except PassportError as error:
        print(f"Cannot show {path}: {error.detail}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"Cannot show {path}: {error}", file=sys.stderr)
        return 1
    return 0
