"""Settings the three services read the same way from their environment."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from passport_vc.errors import ConfigError


def instance_secret(folder: Path) -> str:
    """A session-signing secret kept in the instance folder (never in git), made once; used
    when ``SECRET_KEY`` is not set (local use)."""
    path = folder / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


def required_master_key(environ: Mapping[str, str], protects: str) -> str:
    """``PASSPORT_MASTER_KEY``, or a clear sentence on how to make one."""
    master = environ.get("PASSPORT_MASTER_KEY", "")
    if not master:
        raise ConfigError("PASSPORT_MASTER_KEY is not set. Make one with `passport keys "
                          f"master-key` and keep it secret: it protects {protects}.")
    return master


def flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
