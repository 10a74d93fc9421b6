"""``passport wallet …``: set up the wallet database, add an account, back up and restore.

Secrets never go on the command line (shell history, process lists): passwords and
passphrases come from a file (``--password-file``), an environment variable, or a prompt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from passport_cli.secret_input import read_secret
from passport_vc.errors import PassportError
from passport_web.settings import write_private


def register(subparsers) -> None:
    parser = subparsers.add_parser("wallet", help="the care workers' wallet service",
                                   description="Manage the Skills Passport wallet service.")
    commands = parser.add_subparsers(dest="wallet_command", metavar="COMMAND")

    def common(sub) -> None:
        sub.add_argument("--instance", type=Path, help="instance folder (default: "
                                                       "WALLET_INSTANCE or passport-data/wallet)")
        sub.add_argument("--database-url", help="default: DATABASE_URL, else a SQLite file in "
                                                "passport-data/wallet/")
        sub.add_argument("--master-key-file", type=Path,
                         help="file holding PASSPORT_MASTER_KEY (default: the environment)")

    init = commands.add_parser("init", help="create the wallet tables")
    common(init)
    init.set_defaults(func=run_init)

    add = commands.add_parser("add-account", help="make a worker account and its wallet key")
    common(add)
    add.add_argument("--login", required=True, help="email address or user name")
    add.add_argument("--name", required=True, help="the worker's full name")
    add.add_argument("--password-file", type=Path,
                     help="file holding the password (else WALLET_ACCOUNT_PASSWORD or a prompt)")
    add.set_defaults(func=run_add_account)

    backup = commands.add_parser("backup", help="write an encrypted backup of one wallet")
    common(backup)
    backup.add_argument("--login", required=True)
    backup.add_argument("--out", type=Path, required=True, help="the backup file to write")
    backup.add_argument("--passphrase-file", type=Path,
                        help="file holding the passphrase (else PASSPORT_BACKUP_PASSPHRASE or a "
                             "prompt)")
    backup.set_defaults(func=run_backup)

    restore = commands.add_parser("restore", help="restore a backup into a new, empty account")
    common(restore)
    restore.add_argument("--login", required=True, help="the new account to restore into")
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument("--passphrase-file", type=Path)
    restore.set_defaults(func=run_restore)
    rekey = commands.add_parser("rotate-master-key",
                                help="seal every worker's key again under a new master key")
    common(rekey)
    rekey.add_argument("--new-key-file", type=Path, metavar="FILE",
                       help="file holding the new master key (else PASSPORT_NEW_MASTER_KEY)")
    rekey.set_defaults(func=run_rotate_master_key)
    remind = commands.add_parser(
        "send-reminders", help="email workers whose training runs out in 90, 30 or 7 days",
        description="Email every refresher reminder that is due and not sent yet, through the "
                    "SMTP relay in SMTP_HOST/SMTP_PORT/SMTP_SECURITY/SMTP_USER/SMTP_PASSWORD/"
                    "SMTP_FROM. Safe to run twice (e.g. daily from cron): each reminder is sent "
                    "once. Progress goes to stderr.")
    common(remind)
    remind.add_argument("--dry-run", action="store_true",
                        help="list what would be sent, send nothing and record nothing")
    remind.set_defaults(func=run_send_reminders)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)



def _service(args):
    from passport_web.network import Network
    from passport_web.sql import Database
    from wallet.config import WalletConfig
    from wallet.service import WalletService
    from wallet.storage import metadata

    environ = dict(os.environ)
    if args.database_url:
        environ["WALLET_DATABASE_URL"] = args.database_url
    if args.master_key_file:
        environ["PASSPORT_MASTER_KEY"] = args.master_key_file.read_text(encoding="utf-8").strip()
    if args.instance:
        environ["WALLET_INSTANCE"] = str(args.instance)
    config = WalletConfig.from_env(environ)
    config.master_key_bytes()  # a wrong key fails here, before anything is written
    db = Database(config.database_url, metadata)
    db.upgrade("wallet")
    return WalletService(db, config, Network(config.network, clock=config.clock))


def _account_id(service, login: str) -> str:
    from wallet import storage
    from wallet.accounts import normalise_login

    with service.db.reading() as session:
        row = storage.account_by_login(session, normalise_login(login))
    if row is None:
        raise PassportError(f"There is no account {login!r}")
    return row["id"]


def _run(function, args) -> int:
    try:
        return function(args) or 0
    except PassportError as error:
        print(f"Error: {error.detail}", file=sys.stderr)
        return 1


def run_init(args) -> int:
    def go(args):
        service = _service(args)
        print(f"Wallet tables are ready in {service.db.engine.url.render_as_string()}")
    return _run(go, args)


def run_add_account(args) -> int:
    def go(args):
        service = _service(args)
        password = read_secret(file=args.password_file, variable="WALLET_ACCOUNT_PASSWORD",
                               prompt="Password: ", confirm=True)
        account = service.create_account(args.login, password, args.name)
        print(f"Account {account.login} made. Wallet key: {account.did}")
        print("Recovery codes (give these to the worker, they are not shown again):")
        for code in account.recovery_codes:
            print(f"  {code}")
    return _run(go, args)


def run_backup(args) -> int:
    def go(args):
        service = _service(args)
        passphrase = read_secret(file=args.passphrase_file, variable="PASSPORT_BACKUP_PASSPHRASE",
                                 prompt="Backup passphrase: ", confirm=True, what="passphrase")
        data = service.backup(_account_id(service, args.login), passphrase)
        write_private(args.out, data)
        print(f"Backup written to {args.out}")
    return _run(go, args)


def run_restore(args) -> int:
    def go(args):
        service = _service(args)
        passphrase = read_secret(file=args.passphrase_file, variable="PASSPORT_BACKUP_PASSPHRASE",
                                 prompt="Backup passphrase: ", what="passphrase")
        if not args.file.is_file():
            raise PassportError(f"There is no file called {args.file}")
        count = service.restore(_account_id(service, args.login), args.file.read_bytes(),
                                passphrase)
        print(f"Restored {count} credentials and the wallet key into {args.login}")
    return _run(go, args)


def run_rotate_master_key(args) -> int:
    def go(args):
        from passport_cli.master_key import new_master_key, report
        from passport_web.rekey import reseal_all
        from wallet import storage

        service = _service(args)
        moved = reseal_all(service.db, storage.holder_keys, sealed_column="sealed",
                           context_column="did", old_master=service.config.master_key_bytes(),
                           new_master=new_master_key(args.new_key_file, os.environ))
        print(report(moved, "wallet key"))
    return _run(go, args)


def run_send_reminders(args) -> int:
    def go(args):
        from passport_web.mail import Mailer

        service = _service(args)
        progress = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
        if args.dry_run:
            report = service.reminders.send_due(dry_run=True, progress=progress)
            for email, title, threshold in report.would_send:
                print(f"would send: {email}: {title} ({threshold}-day reminder)")
            print(f"{len(report.would_send)} reminder(s) would be sent (dry run: nothing sent)")
            return 0
        settings = service.config.mail
        if settings is None:
            raise PassportError("SMTP_HOST is not set, so no email can be sent. Set the SMTP_ "
                                "settings (docs/deploy.md), or use --dry-run.")
        with Mailer(settings) as mailer:
            report = service.reminders.send_due(mailer, progress=progress)
        print(f"{report.sent} reminder(s) sent, {report.already_sent} already sent before, "
              f"{report.failed} failed")
        return 1 if report.failed else 0
    return _run(go, args)
