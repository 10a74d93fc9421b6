"""``passport verifier …``: set up, make an offline trust bundle, re-check saved credentials,
write the ASC-WDS training file, add employer users."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from passport_cli.secret_input import read_secret
from passport_vc.errors import PassportError


def register(subparsers) -> None:
    parser = subparsers.add_parser("verifier", help="the employers' verifier service",
                                   description="Commands for the verifier service (employers).")
    commands = parser.add_subparsers(dest="verifier_command", metavar="COMMAND")
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)

    init = commands.add_parser("init", help="create the database and instance folder")
    init.set_defaults(func=run_init)

    bundle = commands.add_parser(
        "bundle", help="make an offline trust bundle",
        description="Fetch and pin providers' DID documents, status lists and a trust list into "
                    "one file, for checking credentials with no network "
                    "(passport verify --offline BUNDLE, or VERIFIER_BUNDLE for the web page).")
    bundle.add_argument("--did", action="append", default=[], metavar="DID",
                        help="a provider's DID to pin (repeat for more)")
    bundle.add_argument("--status-url", action="append", default=[], metavar="URL",
                        help="a status list credential to snapshot (repeat for more)")
    bundle.add_argument("--trust-list", type=Path, metavar="FILE",
                        help="the recognised providers (their did:web documents are pinned too)")
    bundle.add_argument("-o", "--output", type=Path, required=True, metavar="BUNDLE",
                        help="where to write the bundle (JSON)")
    bundle.set_defaults(func=run_bundle)

    recheck = commands.add_parser("recheck",
                                  help="check every saved credential again (status lists)")
    recheck.add_argument("--organisation", type=int, metavar="ID",
                         help="only this organisation (default: all)")
    recheck.set_defaults(func=run_recheck)

    export = commands.add_parser(
        "export-asc-wds", help="write an employer's ASC-WDS bulk upload training file",
        description="Write the ASC-WDS training file of one organisation from its verified "
                    "training matrix (the same rows as the web page's \"Download for ASC-WDS\"). "
                    "Certificates left out are listed on stderr with the reason.")
    export.add_argument("--organisation", required=True, help="the organisation's name")
    export.add_argument("--layout", choices=("current", "classic"), default="current",
                        help="current: ASC-WDS since November 2025 (12 columns, TRAININGNAME); "
                             "classic: the older 8 columns with DESCRIPTION")
    export.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="where to write the CSV ('-' for standard output)")
    export.set_defaults(func=run_export_asc_wds)

    remind = commands.add_parser(
        "send-reminders", help="email managers about staff training running out",
        description="Email each organisation's managers about staff training that runs out in "
                    "90, 30 or 7 days (the training matrix), through the SMTP relay in SMTP_*. "
                    "Safe to run twice, e.g. daily from cron. Progress goes to stderr.")
    remind.add_argument("--dry-run", action="store_true",
                        help="list what would be sent, send nothing and record nothing")
    remind.set_defaults(func=run_send_reminders)

    add_user = commands.add_parser(
        "add-user", help="add an employer user (creates the organisation if new)",
        description="Add a user. The password is read from VERIFIER_PASSWORD or asked for.")
    add_user.add_argument("--organisation", required=True, help="the organisation's name")
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--name", required=True)
    add_user.add_argument("--role", choices=("manager", "viewer"), default="manager")
    add_user.set_defaults(func=run_add_user)


def _config():
    from verifier.config import VerifierConfig

    return VerifierConfig.from_env()


def run_init(_args: argparse.Namespace) -> int:
    from verifier import build_state

    try:
        config = _config()
        build_state(config)
    except PassportError as error:
        print(f"Could not set up the verifier: {error.detail}", file=sys.stderr)
        return 1
    print(f"Verifier ready. Instance folder: {config.instance_dir}")
    print(f"Database: {config.database_url.split('@')[-1]}")
    print("Next: passport verifier add-user --organisation NAME --email EMAIL --name NAME")
    return 0


def run_bundle(args: argparse.Namespace) -> int:
    from passport_vc.clock import system_clock
    from passport_vc.trust import TrustList
    from passport_web.network import Network, NetworkSettings
    from verifier.bundle import make_bundle, write_bundle

    if not args.did and not args.status_url and not args.trust_list:
        print("Name at least one --did, --status-url or --trust-list", file=sys.stderr)
        return 2
    try:
        trust = TrustList.load(args.trust_list) if args.trust_list else None
        network = Network(NetworkSettings.from_env(), clock=system_clock)
        bundle = make_bundle(args.did, args.status_url, trust, network, system_clock,
                             progress=lambda line: print(line, flush=True))
        write_bundle(bundle, args.output)
    except PassportError as error:
        print(f"The bundle was not made: {error.detail}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"The bundle could not be written to {args.output}: {error.strerror}",
              file=sys.stderr)
        return 1
    print(f"Wrote {args.output}")
    return 0


def run_recheck(args: argparse.Namespace) -> int:
    from verifier import build_state
    from verifier.records import recheck

    try:
        state = build_state(_config())
        count, changes = recheck(state.db, state.service, args.organisation,
                                 state.service.clock)
    except PassportError as error:
        print(f"The re-check stopped: {error.detail}", file=sys.stderr)
        return 1
    print(f"Checked {count} saved certificate{'' if count == 1 else 's'} again.")
    for change in changes:
        print(f"CHANGED  {change.staff_name}: {change.title}: {change.before} -> {change.after} "
              f"({change.label})")
    if not changes:
        print("Nothing changed.")
    return 0



def run_export_asc_wds(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from verifier import build_state, storage
    from verifier.asc_wds import build_export, export_csv

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        state = build_state(_config())
        o = storage.organisations
        with state.db.reading() as session:
            organisation_id = session.execute(select(o.c.id).where(
                o.c.name == args.organisation)).scalar()
        if organisation_id is None:
            print(f"There is no organisation called {args.organisation!r}", file=sys.stderr)
            return 1
        now = state.service.clock()
        trust = state.service.trust_for(organisation_id)

        def recognised_for(provider_id: str) -> tuple[str, ...]:
            entry = trust.lookup(provider_id, now) if provider_id else None
            return tuple(entry.recognised_for) if entry else ()
        export = build_export(state.db, organisation_id, now.date(), recognised_for,
                              progress=progress)
        text = export_csv(export, args.layout)
    except PassportError as error:
        print(f"The ASC-WDS file was not written: {error.detail}", file=sys.stderr)
        return 1
    for row in export.left_out:
        progress(f"LEFT OUT  {row.staff_name}: {row.title}: {row.reason}")
    try:
        if args.output == "-":
            sys.stdout.write(text)
        else:
            Path(args.output).write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        print(f"The file could not be written to {args.output}: {error.strerror}",
              file=sys.stderr)
        return 1
    progress(f"Wrote {len(export.rows)} training record{'' if len(export.rows) == 1 else 's'}"
             f" ({len(export.left_out)} left out)"
             + ("" if args.output == "-" else f" to {args.output}"))
    return 0


def run_add_user(args: argparse.Namespace) -> int:
    from verifier import build_state
    from verifier.accounts import add_user

    try:
        state = build_state(_config())
        user = add_user(state.db, organisation=args.organisation, email=args.email,
                        name=args.name, role=args.role, password=read_secret(
                            variable="VERIFIER_PASSWORD", prompt="Password for the new user: ",
                            confirm=True),
                        clock=state.service.clock)
    except PassportError as error:
        print(f"The user was not added: {error.detail}", file=sys.stderr)
        return 1
    print(f"Added {user.name} <{user.email}> as {user.role} of {user.organisation_name}")
    return 0


def run_send_reminders(args: argparse.Namespace) -> int:
    from passport_web.mail import Mailer
    from verifier import build_state
    from verifier.reminders import StaffReminders

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        state = build_state(_config())
        reminders = StaffReminders(state.db, state.config)
        if args.dry_run:
            report = reminders.send_due(dry_run=True, progress=progress)
            for email, staff_name, title, threshold in report.would_send:
                print(f"would send: {email}: {staff_name}, {title} ({threshold}-day reminder)")
            print(f"{len(report.would_send)} reminder(s) would be sent (dry run: nothing sent)")
            return 0
        if state.config.mail is None:
            raise PassportError("SMTP_HOST is not set, so no email can be sent. Set the SMTP_ "
                                "settings (docs/deploy.md), or use --dry-run.")
        with Mailer(state.config.mail) as mailer:
            report = reminders.send_due(mailer, progress=progress)
    except PassportError as error:
        print(f"Error: {error.detail}", file=sys.stderr)
        return 1
    print(f"{report.sent} email(s) sent about {report.items} staff training(s), "
          f"{report.already_sent} already sent before, {report.failed} failed")
    return 1 if report.failed else 0
