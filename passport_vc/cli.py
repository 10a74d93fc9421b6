"""The ``passport`` command: one entry point, subcommands per area."""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import PassportError

# (module, needed) — service CLIs register themselves when their package is installed.
COMMAND_MODULES = (
    "passport_vc.commands.verify",
    "passport_vc.commands.keys",
    "passport_vc.commands.demo",
    "issuer.cli",
    "wallet.cli",
    "verifier.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passport", description="Skills Passport: verifiable training records for adult "
                                     "social care")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name and name.startswith(error.name):
                continue  # that part is not installed here
            raise
        module.register(subparsers)
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
