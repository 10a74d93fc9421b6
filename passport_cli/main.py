"""The ``passport`` command: one entry point, subcommands per area."""

from __future__ import annotations

import argparse
import importlib
import sys

from passport_vc.errors import PassportError

COMMAND_MODULES = (
    "passport_cli.verify",
    "passport_cli.sign",
    "passport_cli.keys",
    "passport_cli.demo",
    "passport_cli.issuer",
    "passport_cli.wallet",
    "passport_cli.verifier",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passport", description="Skills Passport: verifiable training records for adult "
                                     "social care")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except PassportError as error:  # a clear sentence, never a traceback
        print(f"passport {args.command}: {error.detail}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
