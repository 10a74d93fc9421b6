"""``passport issuer …``: set up and run the issuer from a terminal.

init · add-provider · add-user · rotate-key · import FILE.csv --provider SLUG (progress on
stderr) · revoke RECORD… / --file FILE --reason … (all or none) · add-token. Configuration
comes from the environment
(IssuerConfig.from_env: DATABASE_URL, PASSPORT_MASTER_KEY, PUBLIC_URL …). Passwords come from
ISSUER_PASSWORD or a prompt, never from the command line (it would land in shell history).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from passport_cli.secret_input import read_secret
from passport_vc.errors import PassportError


def register(subparsers) -> None:
    parser = subparsers.add_parser("issuer", help="run and manage the issuer service",
                                   description="Training providers: set up the issuer service, "
                                               "add providers and staff, import completions.")
    commands = parser.add_subparsers(dest="issuer_command", metavar="ACTION")

    init = commands.add_parser("init", help="create the database tables")
    init.set_defaults(func=_run(_init))

    provider = commands.add_parser("add-provider", help="onboard a training provider")
    provider.add_argument("slug", help="short name used in addresses, e.g. acme-training")
    provider.add_argument("name", help="the organisation's name")
    provider.add_argument("--curve", choices=("Ed25519", "P-256"), default="Ed25519")
    provider.add_argument("--address")
    provider.add_argument("--ofqual-number")
    provider.add_argument("--sfc-endorsement-id")
    provider.add_argument("--host", help="its own web host for did:web (default: under "
                                         "PUBLIC_URL)")
    provider.set_defaults(func=_run(_add_provider))

    user = commands.add_parser("add-user", help="add a staff account to a provider")
    user.add_argument("email")
    user.add_argument("--provider", required=True, metavar="SLUG")
    user.add_argument("--role", choices=("admin", "staff"), default="admin")
    user.set_defaults(func=_run(_add_user))

    rotate = commands.add_parser("rotate-key", help="start signing with a new key")
    rotate.add_argument("--provider", required=True, metavar="SLUG")
    rotate.set_defaults(func=_run(_rotate))

    upload = commands.add_parser("import", help="issue credentials from a CSV file")
    upload.add_argument("file", type=Path)
    upload.add_argument("--provider", required=True, metavar="SLUG")
    upload.add_argument("--errors", type=Path, metavar="FILE.csv",
                        help="write rows with problems to this file")
    upload.set_defaults(func=_run(_import))

    revoke = commands.add_parser(
        "revoke", help="revoke issued credentials (one, several, or a file of references)",
        description="Revoke credentials by register reference. Several references, or a file "
                    "with one per line, are revoked together: all of them or, if any is unknown "
                    "or already revoked, none. Progress goes to stderr.")
    revoke.add_argument("records", nargs="*", metavar="RECORD", help="register references")
    revoke.add_argument("--file", type=Path, metavar="FILE",
                        help="a text file with one reference per line ('-' reads stdin; blank "
                             "lines and lines starting with # are skipped)")
    revoke.add_argument("--provider", metavar="SLUG",
                        help="refuse references that are not this provider's")
    revoke.add_argument("--reason", required=True, help="shown to the worker")
    revoke.set_defaults(func=_run(_revoke))

    token = commands.add_parser("add-token", help="make an API token for a provider")
    token.add_argument("--provider", required=True, metavar="SLUG")
    token.add_argument("--name", default="API")
    token.set_defaults(func=_run(_add_token))

    rekey = commands.add_parser("rotate-master-key",
                                help="seal every provider key again under a new master key")
    rekey.add_argument("--new-key-file", type=Path, metavar="FILE",
                       help="file holding the new master key (else PASSPORT_NEW_MASTER_KEY)")
    rekey.set_defaults(func=_run(_rotate_master_key))

    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def _rotate_master_key(args, service) -> int:
    from issuer.storage import provider_keys
    from passport_cli.master_key import new_master_key, report
    from passport_web.rekey import reseal_all

    moved = reseal_all(service.db, provider_keys, sealed_column="sealed_private",
                       context_column="vm_id", old_master=service.config.master_key_bytes(),
                       new_master=new_master_key(args.new_key_file, os.environ))
    print(report(moved, "provider key"))
    return 0


def _run(action):
    def run(args: argparse.Namespace) -> int:
        try:
            return action(args, _service()) or 0
        except PassportError as error:
            print(f"Error: {error.detail}", file=sys.stderr)
            return 1
    return run


def _service():
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_web.sql import Database

    config = IssuerConfig.from_env()
    database = Database(config.database_url, metadata)
    database.upgrade("issuer")
    service = IssuerService(database, config)
    if config.conformance:
        service.conformance.ensure_conformance_issuers()
    return service


def _init(_args, service) -> int:
    print(f"The issuer database is ready ({service.db.engine.url.render_as_string()}).")
    if service.config.conformance:
        for curve, did in service.conformance.ensure_conformance_issuers().items():
            print(f"  VC API test issuer ({curve}): {did}")
    return 0


def _add_provider(args, service) -> int:
    provider = service.providers.create_provider(args.name, args.slug, curve=args.curve,
                                       address=args.address, ofqual_number=args.ofqual_number,
                                       sfc_endorsement_id=args.sfc_endorsement_id, host=args.host)
    print(f"Added {provider.name}")
    print(f"  DID: {provider.did}")
    print(f"  DID document written under {service.config.did_documents_dir}")
    return 0



def _add_user(args, service) -> int:
    password = read_secret(variable="ISSUER_PASSWORD", prompt="Password: ", confirm=True)
    user = service.access.create_user(args.provider, args.email, password, args.role)
    print(f"Added {user.email} ({user.role}) to {args.provider}")
    return 0


def _rotate(args, service) -> int:
    vm_id = service.providers.rotate_key(args.provider, actor="cli")
    print(f"Now signing with {vm_id}; earlier keys stay published.")
    return 0


class ProgressBar:
    """A one-line progress bar on stderr (redrawn at most 10 times a second)."""

    def __init__(self, stream=None, width: int = 30) -> None:
        self.stream, self.width = stream or sys.stderr, width  # at call time, not import
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / total) if total else self.width
        rate = done / max(now - self.started, 1e-6)
        self.stream.write(f"\rIssuing [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{done}/{total} ({rate:,.0f}/s)")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _import(args, service) -> int:
    from issuer.bulk import error_report_csv
    from passport_web.heap import settle as settle_heap

    if not args.file.is_file():
        raise PassportError(f"There is no file called {args.file}")
    settle_heap()  # start-up objects out of the way of the collections a long import triggers
    with args.file.open("rb") as stream:
        report = service.imports.import_csv(args.provider, stream, ProgressBar(),
                                    filename=args.file.name, actor="cli")
    print(f"{report.issued} issued, {report.skipped} already issued, {report.failed} with "
          f"problems (of {report.total} rows).")
    for error in report.errors[:20]:
        print(f"  line {error.row_no}: {error.message}", file=sys.stderr)
    if len(report.errors) > 20:
        print(f"  … and {len(report.errors) - 20} more", file=sys.stderr)
    if args.errors and report.errors:
        args.errors.write_text(error_report_csv(report.errors), encoding="utf-8")
        print(f"Rows with problems written to {args.errors}")
    return 0 if not report.errors else 3


def _revoke(args, service) -> int:
    ids = list(args.records)
    if args.file is not None:
        text = sys.stdin.read() if str(args.file) == "-" else _read_text(args.file)
        ids += [line.strip() for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    if not ids:
        print("Give one or more register references, or --file FILE", file=sys.stderr)
        return 2
    if len(ids) == 1 and args.provider is None:
        record = service.status.revoke(ids[0], args.reason, actor="cli")
        print(f"Revoked {record.course_title} for {record.subject_name}.")
        return 0
    started = time.monotonic()

    shown: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        # a line per 5,000 (and at the end of each stage), so a big batch shows it is moving
        if done == total or done // 5_000 != shown.get(stage, 0) // 5_000:
            words = {"checked": "checked", "lists": "status lists updated",
                     "revoked": "revoked"}[stage]
            print(f"  {done:,} of {total:,} {words}", file=sys.stderr)
        shown[stage] = done

    count = service.status.revoke_many(ids, args.reason, provider=args.provider, actor="cli",
                                       progress=progress)
    print(f"Revoked {count:,} credentials in {time.monotonic() - started:.1f} s.")
    return 0


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"Cannot read {path}: {error}") from None


def _add_token(args, service) -> int:
    token, secret = service.access.create_api_token(args.provider, args.name, actor="cli")
    print(f"API token {token.name!r} for {args.provider} (shown once, keep it secret):")
    print(secret)
    return 0
