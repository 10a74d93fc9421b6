"""Master-key rotation on the command line: reading the new key and telling the operator."""

from __future__ import annotations

from passport_cli.secret_input import read_secret
from passport_vc.keys.storage import parse_master_key


def new_master_key(file, environ) -> bytes:
    """The new master key, from a file or ``PASSPORT_NEW_MASTER_KEY`` (or typed)."""
    return parse_master_key(read_secret(file=file, variable="PASSPORT_NEW_MASTER_KEY",
                                        prompt="New master key: ", what="new master key",
                                        environ=environ).strip())


def report(moved: int, what: str) -> str:
    """``what`` is the singular noun ("provider key")."""
    counted = f"1 {what} is" if moved == 1 else f"{moved} {what}s are"
    return (f"{counted} now sealed under the new master key. Set PASSPORT_MASTER_KEY to the new "
            "key and restart every worker of this service: the old key no longer opens them.")
