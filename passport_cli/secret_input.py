"""Secrets for the command line (passwords, passphrases, master keys): from a file, an
environment variable, or typed at a prompt — never from an argument, which shell history and
process listings would keep."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from passport_vc.errors import ConfigError


def read_secret(*, variable: str, prompt: str, file: Path | None = None,
                confirm: bool = False, what: str = "password",
                environ: Mapping[str, str] = os.environ) -> str:
    """The first line of ``file``, else ``$variable``, else typed (twice with ``confirm``)."""
    if file is not None:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigError(f"The {what} file {file} could not be read "
                              f"({error.strerror})") from None
        value = lines[0] if lines else ""
    elif environ.get(variable):
        value = environ[variable]
    else:
        if not sys.stdin.isatty():
            raise ConfigError(f"The {what} is needed: set {variable}, give it in a file, or run "
                              "this in a terminal")
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != value:
            raise ConfigError(f"The two {what}s were different; nothing was changed")
    if not value:
        raise ConfigError(f"The {what} is empty")
    return value
