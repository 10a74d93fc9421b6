"""``passport demo``: the three services on localhost with a realistic scene, one command.

Issuer on :5001, wallet on :5002, verifier on :5003, each with its own SQLite database in the
data folder (default ``passport-data/demo``), and a local SMTP server (aiosmtpd, :5004 when
free) that keeps the wallet's reminder e-mails in the data folder's ``mailbox/``. The first run
seeds two training providers (one with a rotated key), a care worker whose wallet holds a dozen
credentials (one due for refresh, one expired, one revoked, one renewed), and an employer with a
small training matrix. Every start sends the reminders that are due (safe to repeat) and prints
the newest. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from passport_vc.errors import PassportError
from passport_web.settings import write_private

from .demo_scene import DemoScene

DEFAULT_DATA = Path("passport-data") / "demo"
PORTS = {"issuer": 5001, "wallet": 5002, "verifier": 5003}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the issuer, wallet and verifier on localhost with demo data",
        description="Start all three services on localhost with a realistic demo scene.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"folder for the demo's databases and keys (default {DEFAULT_DATA})")
    parser.add_argument("--reset", action="store_true",
                        help="delete the demo data and seed it again")
    parser.add_argument("--seed-only", action="store_true",
                        help="seed the data, print the details and stop (no servers left running)")
    parser.add_argument("--port-base", type=int, default=PORTS["issuer"], metavar="PORT",
                        help="issuer on PORT, wallet on PORT+1, verifier on PORT+2 "
                             f"(default {PORTS['issuer']})")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data: Path = args.data
    if args.reset and data.exists():
        shutil.rmtree(data)
        print(f"Deleted the old demo data in {data}")
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o700)  # keys, secrets and everyone's records live here
    ports = {name: args.port_base + offset for offset, name in enumerate(PORTS)}
    scene = DemoScene(data, ports, mail_port=_mail_port(args.port_base + len(PORTS)))
    try:
        servers = scene.start_servers()
    except (OSError, SystemExit):  # werkzeug exits when a port is taken
        print(f"Could not start the demo: one of the ports {sorted(ports.values())} is in use. "
              "Is another demo running? Use --port-base to pick other ports.",
              file=sys.stderr)
        return 1
    _quiet_logs()
    try:
        seeded = data / "seeded.json"
        if seeded.is_file() and json.loads(seeded.read_text(encoding="utf-8")).get(
                "ports", ports) != ports:
            print("The demo data was made for other ports; use --reset to start afresh.",
                  file=sys.stderr)
            return 1
        if not seeded.is_file():
            print("Setting up the demo (takes a few seconds)…", file=sys.stderr)
            try:
                details = scene.seed(progress=lambda text: print("  " + text, file=sys.stderr))
            except PassportError as error:
                print(f"The demo could not be set up: {error.detail}\nIf an earlier set-up was "
                      "interrupted, run again with --reset.", file=sys.stderr)
                return 1
            details["ports"] = ports
            write_private(seeded, json.dumps(details, indent=2))  # holds the demo's links
        else:
            print(f"Using the demo data in {data} (use --reset to start afresh).",
                  file=sys.stderr)
        details = scene.refresh(json.loads(seeded.read_text(encoding="utf-8")))
        try:
            sent = scene.send_reminders()  # as `passport wallet send-reminders` from cron
            staff = scene.send_staff_reminders()  # as `passport verifier send-reminders`
            if sent is not None and staff is not None:
                print(f"Reminder e-mails: {sent.sent + staff.sent} sent now, "
                      f"{sent.already_sent + staff.already_sent} already sent before.",
                      file=sys.stderr)
        except PassportError as error:
            print(f"Reminder e-mails were not sent: {error.detail}", file=sys.stderr)
        print(scene.welcome(details), flush=True)
        if args.seed_only:
            return 0
        print("Press Ctrl-C to stop.", flush=True)
        while all(server.is_alive() for server in servers):
            time.sleep(0.5)
        print("A service stopped unexpectedly.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…")
        return 0
    finally:
        for server in servers:
            server.stop()
        if scene.mail_server is not None:
            scene.mail_server.stop()


def _mail_port(wanted: int) -> int:
    """The demo's mail server port: the one after the services if free, else any free one."""
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]


def _quiet_logs() -> None:
    """The demo prints what a person needs; request logs would bury it."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("passport").setLevel(logging.WARNING)
