"""``passport verify``: check a credential or presentation and explain the result plainly."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from pathlib import Path

from passport_vc.clock import fixed_clock, system_clock
from passport_vc.errors import PassportError
from passport_vc.result import VerificationResult

SECURING_FORMATS = ("vc+jwt", "vc+cose", "vp+jwt", "vp+cose", "vc+sd-jwt", "vp+sd-jwt",
                    "dc+sd-jwt", "data-integrity")
MARKS = {True: "PASS", False: "FAIL", None: "UNKNOWN"}
LABELS = {"structure": "Format", "proof": "Signature", "issuer_binding": "Issuer's key",
          "validity": "Dates", "status": "Revocation", "schema": "Schema",
          "holder_binding": "Holder's key", "presentation": "Presentation"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify", help="check a credential or presentation",
        description="Check a credential or presentation (JSON, a vc+jwt or vp+jwt, a vc+cose "
                    "or vp+cose as base64 or raw bytes, an SD-JWT (vc+sd-jwt, vp+sd-jwt or an "
                    "SD-JWT VC), or the text of a QR code). Exit code 0 only if it is verified.")
    parser.add_argument("file", help="a file, or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--did-documents", type=Path, metavar="DIR",
                        help="pinned did:web documents laid out like their URLs")
    parser.add_argument("--document", action="append", default=[], metavar="URL=FILE",
                        help="supply a fetched document (e.g. a status list) from a file")
    parser.add_argument("--offline", type=Path, metavar="BUNDLE",
                        help="use a trust bundle and never touch the network")
    parser.add_argument("--no-network", action="store_true",
                        help="never fetch anything (status becomes 'could not check')")
    parser.add_argument("--challenge", help="the challenge the presentation must answer")
    parser.add_argument("--domain", help="the domain the presentation must be made for")
    parser.add_argument("--now", help="check dates as if it were this time (ISO 8601)")
    parser.add_argument("--key", type=Path, metavar="FILE",
                        help="trust only this verification method (JSON with publicKeyJwk or "
                             "publicKeyMultibase and its controller) instead of resolving DIDs; "
                             "nothing is fetched")
    parser.add_argument("--format", choices=SECURING_FORMATS, dest="secured_as",
                        help="require this securing format (refuse anything else)")
    parser.set_defaults(func=run)


def _read(file: str) -> bytes:
    """The raw bytes: read_unverified decodes them strictly (a byte that is not UTF-8 is an
    error, not a replacement character that would only surface as a broken signature)."""
    if file == "-":
        data = sys.stdin.buffer.read(1024 * 1024 + 1)
    else:
        path = Path(file)
        if not path.is_file():
            raise PassportError(f"There is no file called {file}")
        if path.stat().st_size > 1024 * 1024:
            raise PassportError(f"{file} is larger than 1 MB; that is not a credential")
        data = path.read_bytes()
    if len(data) > 1024 * 1024:
        raise PassportError(f"{file} is larger than 1 MB; that is not a credential")
    return data


def _static_documents(pairs: list[str]) -> dict:
    documents = {}
    for pair in pairs:
        url, sep, file = pair.partition("=")
        if not sep or not url or not file:
            raise PassportError(f"--document needs URL=FILE, got {pair!r}")
        path = Path(file)
        if not path.is_file():
            raise PassportError(f"--document: there is no file called {file}")
        documents[url] = path.read_bytes()
    return documents


def _supplied_key_verifier(args: argparse.Namespace):
    from passport_vc.did.supplied import SuppliedKeyResolver
    from passport_vc.fetch import StaticFetcher
    from passport_vc.inputs import parse_json
    from passport_vc.verify import Verifier
    from schemas import schema_store

    path = args.key
    if not path.is_file() or path.stat().st_size > 64 * 1024:
        raise PassportError(f"There is no key file called {path}")
    try:
        resolver = SuppliedKeyResolver(parse_json(path.read_bytes()))
    except PassportError as error:
        raise PassportError(f"{path} is not a usable verification method: {error.detail}") \
            from None
    clock = fixed_clock(args.now) if args.now else system_clock
    fetcher = StaticFetcher(_static_documents(args.document))
    return Verifier(resolver=resolver, fetch=fetcher, clock=clock, schemas=schema_store()), None


def build_verifier(args: argparse.Namespace):
    from passport_vc.did import default_resolver
    from passport_vc.fetch import ChainFetcher, StaticFetcher
    from passport_vc.verify import Verifier
    from passport_web.network import Network, NetworkSettings

    if getattr(args, "key", None):
        return _supplied_key_verifier(args)
    clock = fixed_clock(args.now) if args.now else system_clock
    static = _static_documents(args.document)
    if args.offline:
        from verifier.bundle import load_bundle

        bundle = load_bundle(args.offline, clock=clock, extra_documents=static)
        return bundle.verifier(), bundle
    # HTTPS only, no private addresses — except hosts named in PASSPORT_HTTP_HOSTS (the demo).
    settings = NetworkSettings.from_env(os.environ)
    fetchers = [StaticFetcher(static)] if static else []
    if not args.no_network:
        fetchers.append(Network(settings, clock).fetcher)
    fetcher = ChainFetcher(*fetchers) if fetchers else StaticFetcher({})
    resolver = default_resolver(fetcher=fetcher, did_documents_dir=args.did_documents,
                                clock=clock, http_hosts=settings.http_hosts)
    from schemas import schema_store

    return Verifier(resolver=resolver, fetch=fetcher, clock=clock, schemas=schema_store()), None


def _print_result(result: VerificationResult, indent: str = "") -> None:
    facts = result.facts
    what = "Presentation" if result.kind == "presentation" else "Credential"
    if facts.get("issuer"):
        print(f"{indent}{what} from {facts['issuer']}")
    for check in result.checks:
        print(f"{indent}  [{MARKS[check.ok]:>7}] {LABELS.get(check.name, check.name)}: "
              f"{check.message}")
    for warning in result.warnings:
        print(f"{indent}  [   NOTE] {warning['message']}")
    if facts.get("format") in ("dc+sd-jwt", "vc+sd-jwt", "vp+sd-jwt") and "disclosed" in facts:
        shown = ", ".join(facts["disclosed"]) or "nothing optional"
        print(f"{indent}  Shown by the holder: {shown}; kept hidden: {facts['withheld']}")
    for index, inner in enumerate(result.credentials, 1):
        print(f"{indent}  Credential {index}:")
        _print_result(inner, indent + "    ")


def run(args: argparse.Namespace) -> int:
    try:
        text = _read(args.file)
        verifier, bundle = build_verifier(args)
        value, is_presentation = identify(text, getattr(args, "secured_as", None))
        if is_presentation:
            result = verifier.verify_presentation(value, challenge=args.challenge,
                                                  domain=args.domain)
        elif isinstance(value, str) and _is_sd_jwt_vc(value):
            # an IETF SD-JWT VC: its key binding answers --challenge / --domain
            result = verifier.verify_sd_jwt_vc(value, nonce=args.challenge,
                                               audience=args.domain)
        else:
            result = verifier.verify_credential(value)
    except PassportError as error:
        if args.json:
            print(json.dumps({"verified": False, "errors": [error.to_problem()]}, indent=2))
        else:
            print(f"Not verified: {error.detail}")
        return 1
    if args.json:
        print(json.dumps(result.to_json(), indent=2, default=str))
    else:
        _print_result(result)
        if bundle is not None:
            print(f"Trust bundle made {bundle.age_text()}")
        print("VERIFIED" if result.verified else "NOT VERIFIED")
    return 0 if result.verified else 1


def _cose_bytes(data: bytes) -> bytes | None:
    """Raw COSE_Sign1 bytes (CBOR tag 18 = 0xd2), or base64 text of them; else None."""
    if data[:1] == b"\xd2":
        return data
    text = b"".join(data.split())
    if not text.startswith(b"0o") or len(text) > 2 * 1024 * 1024:  # base64 of 0xd2 0x84 …
        return None
    try:
        text = text.replace(b"-", b"+").replace(b"_", b"/")
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except ValueError:
        return None


def identify(data: bytes, secured_as: str | None) -> tuple[object, bool]:
    """What to verify and whether it is a presentation. A vp+jwt, vc+cose or vp+cose is
    wrapped as the Enveloped… object the engine opens; ``secured_as`` (--format) must match."""
    from passport_vc.inputs import read_unverified
    from passport_vc.proofs import cose
    from passport_vc.proofs.jose import read_unverified as read_jwt
    from passport_vc.proofs.vc_sd_jwt import kind_of

    raw_cose = _cose_bytes(data)
    if raw_cose is not None:
        kind = cose.read_unverified(raw_cose).kind
        found = "vc+cose" if kind == "credential" else "vp+cose"
        value = {"type": "EnvelopedVerifiable" + kind.title(),
                 "id": f"data:application/{found};base64,"
                       + base64.b64encode(raw_cose).decode("ascii")}
    else:
        given = read_unverified(data)
        value = given.value
        if given.kind == "jwt":
            typ = read_jwt(value)[0].get("typ")
            found = "vp+jwt" if typ == "vp+jwt" else "vc+jwt"
            if found == "vp+jwt":
                value = {"type": "EnvelopedVerifiablePresentation",
                         "id": "data:application/vp+jwt," + value}
        elif given.kind == "sd-jwt":
            kind = kind_of(value)
            if kind is None:
                typ = read_jwt(value.split("~", 1)[0])[0].get("typ")
                found = "dc+sd-jwt" if _is_sd_jwt_vc(value) else f"SD-JWT of type {typ!r:.40}"
            else:
                found = "vc+sd-jwt" if kind == "credential" else "vp+sd-jwt"
            if found == "vp+sd-jwt":
                value = {"type": "EnvelopedVerifiablePresentation",
                         "id": "data:application/vp+sd-jwt," + value}
        else:
            types = _types(value)
            found = "enveloped" if any(str(t).startswith("Enveloped") for t in types) \
                else "data-integrity"
    is_presentation = (found.startswith("vp") or "VerifiablePresentation" in _types(value)
                       or "EnvelopedVerifiablePresentation" in _types(value))
    if secured_as and found != secured_as:
        article = "an" if found[0] in "eS" else "a"  # an enveloped…, an SD-JWT…
        raise PassportError(f"This is not a {secured_as} ({article} {found} "
                            f"{'presentation' if is_presentation else 'credential'} instead)")
    return value, is_presentation


def _is_sd_jwt_vc(token: str) -> bool:
    """An IETF SD-JWT VC (``dc+sd-jwt``, or ``vc+sd-jwt`` of its early drafts, with ``vct``)."""
    from passport_vc.proofs.jose import read_unverified as read_jwt
    from passport_vc.proofs.vc_sd_jwt import kind_of
    from passport_vc.sd_jwt_vc import ACCEPTED_TYPES

    if "~" not in token or kind_of(token) is not None:
        return False
    return read_jwt(token.split("~", 1)[0])[0].get("typ") in ACCEPTED_TYPES


def _types(document: object) -> list:
    if not isinstance(document, dict):
        return []
    value = document.get("type", [])
    return value if isinstance(value, list) else [value]
