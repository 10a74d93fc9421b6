"""`passport demo` as a person runs it: starts, seeds, prints where to go; Ctrl-C stops it
cleanly; a second run reuses the data."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow
PASSPORT = [sys.executable, "-m", "passport_cli.main"]


def _free_base() -> int:
    """Three consecutive free ports below the ephemeral range (so no client takes them)."""
    import random

    for _ in range(100):
        base = random.randrange(20_000, 30_000)  # noqa: S311 - picking a port, not a secret
        if all(_port_free(base + n) for n in range(3)):
            return base
    raise RuntimeError("no three free ports in a row")


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _start(data: Path, base: int) -> subprocess.Popen:
    return subprocess.Popen([*PASSPORT, "demo", "--data", str(data), "--port-base", str(base)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=Path(__file__).resolve().parents[2])


def _wait_for(process: subprocess.Popen, text: str, timeout: float = 180) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return "".join(seen)
    process.kill()
    raise AssertionError(f"did not see {text!r} in:\n" + "".join(seen))


def test_demo_runs_and_stops_cleanly(tmp_path):
    base = _free_base()
    process = _start(tmp_path / "demo", base)
    try:
        output = _wait_for(process, "Press Ctrl-C to stop.")
        assert "Setting up the demo" in output and "care-demo-2026" in output
        for offset in range(3):
            health = requests.get(f"http://localhost:{base + offset}/healthz", timeout=10)
            assert health.json()["status"] == "pass"
        record = requests.get(f"http://localhost:{base + 1}/record", timeout=10,
                              allow_redirects=False)
        assert record.status_code in (302, 303)  # the record needs signing in
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert "Stopping" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()

    again = _start(tmp_path / "demo", base)
    try:
        output = _wait_for(again, "Press Ctrl-C to stop.")
        assert "Using the demo data" in output and "Setting up" not in output
        again.send_signal(signal.SIGINT)
        assert again.wait(timeout=30) == 0
    finally:
        if again.poll() is None:
            again.kill()


def test_demo_data_is_readable_by_its_owner_only(tmp_path):
    """The master key, secrets and databases hold everyone's keys and records."""
    data = tmp_path / "demo"
    result = subprocess.run([*PASSPORT, "demo", "--data", str(data), "--seed-only",
                             "--port-base", str(_free_base())], capture_output=True, text=True,
                            timeout=300, cwd=Path(__file__).resolve().parents[2], check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert data.stat().st_mode & 0o777 == 0o700
    private = [data / "master.key", *data.glob("*.secret"), *data.glob("*.db")]
    assert len(private) >= 7  # key, three secrets, three databases
    for path in private:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
