"""``passport verify``: check a credential or presentation and explain the result plainly."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from passport_vc.clock import fixed_clock, system_clock
from passport_vc.errors import PassportError
from passport_vc.result import VerificationResult

MARKS = {True: "PASS", False: "FAIL", None: "UNKNOWN"}
LABELS = {"structure": "Format", "proof": "Signature", "issuer_binding": "Issuer's key",
          "validity": "Dates", "status": "Revocation", "schema": "Schema",
          "holder_binding": "Holder's key", "presentation": "Presentation"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify", help="check a credential or presentation",
        description="Check a credential or presentation (JSON, JWT or the text of a Skills "
                    "Passport QR code). Exit code 0 only if it is verified.")
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


def build_verifier(args: argparse.Namespace):
    from passport_vc.did import default_resolver
    from passport_vc.fetch import ChainFetcher, StaticFetcher
    from passport_vc.verify import Verifier
    from passport_web.network import Network, NetworkSettings

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
    if facts.get("format") == "dc+sd-jwt" and "disclosed" in facts:
        shown = ", ".join(facts["disclosed"]) or "nothing optional"
        print(f"{indent}  Shown by the holder: {shown}; kept hidden: {facts['withheld']}")
    for index, inner in enumerate(result.credentials, 1):
        print(f"{indent}  Credential {index}:")
        _print_result(inner, indent + "    ")


def run(args: argparse.Namespace) -> int:
    try:
        text = _read(args.file)
        verifier, bundle = build_verifier(args)
        from passport_vc.inputs import read_unverified

        given = read_unverified(text)
        is_presentation = (given.kind == "json"
                           and "VerifiablePresentation" in _types(given.value))
        if is_presentation:
            result = verifier.verify_presentation(given.value, challenge=args.challenge,
                                                  domain=args.domain)
        elif given.kind == "sd-jwt":  # its key binding answers --challenge / --domain
            result = verifier.verify_sd_jwt_vc(given.value, nonce=args.challenge,
                                               audience=args.domain)
        else:
            result = verifier.verify_credential(given.value)
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


def _types(document: dict) -> list:
    value = document.get("type", [])
    return value if isinstance(value, list) else [value]
