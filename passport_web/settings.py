"""Settings the three services read the same way from their environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from passport_vc.errors import ConfigError


def write_private(path: Path, data: str | bytes) -> None:
    """Write a file only its owner can read, from its first byte (no moment when it is
    world-readable, whatever the umask): keys, secrets, backups, databases."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
        os.write(descriptor, raw)
    finally:
        os.close(descriptor)


def instance_secret(folder: Path) -> str:
    """A session-signing secret kept in the instance folder (never in git), made once; used
    when ``SECRET_KEY`` is not set (local use)."""
    path = folder / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    write_private(path, value)
    return value


def session_secret(environ: Mapping[str, str], folder: Path, database_url: str) -> str:
    """``SECRET_KEY``; without it, a secret kept in the instance folder — but only for a local
    SQLite database. With a shared database (PostgreSQL) the service is meant to run on several
    machines, and a secret made per machine would make each refuse the others' session cookies,
    CSRF tokens and (issuer) OpenID4VCI offer codes: there the answer is "" (none), and the web
    app refuses to start without one (``require_secret``). Command-line tools, which sign no
    cookies, still run."""
    secret = environ.get("SECRET_KEY", "")
    if secret or not database_url.startswith("sqlite"):
        return secret
    return instance_secret(folder)


def require_secret(secret: str) -> str:
    """The secret, or a ConfigError saying how to set one."""
    if not secret:
        raise ConfigError(
            "SECRET_KEY is not set. With a shared database every machine running this service "
            "must sign sessions with the same secret: set SECRET_KEY to one long random value "
            "(python -c 'import secrets; print(secrets.token_hex(32))') on all of them.")
    return secret


def required_master_key(environ: Mapping[str, str], protects: str) -> str:
    """``PASSPORT_MASTER_KEY``, or a clear sentence on how to make one."""
    master = environ.get("PASSPORT_MASTER_KEY", "")
    if not master:
        raise ConfigError("PASSPORT_MASTER_KEY is not set. Make one with `passport keys "
                          f"master-key` and keep it secret: it protects {protects}.")
    return master


def flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
