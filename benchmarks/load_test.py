"""Load test of the verify and wallet-record endpoints: real services under gunicorn on
loopback, seeded with the demo scene, driven by locust for a bounded time.

    .venv/bin/python benchmarks/load_test.py [--users 24] [--seconds 30] [--workers 2] [--write]

Reports requests per second, median and 95th-percentile latency per endpoint next to the
floor (GET /healthz on the same servers, same run). ``--write`` records the figures in
benchmarks/README.md. Loopback only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from readme_section import write_section  # benchmarks/, beside this script

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORTS = {"issuer": 27101, "wallet": 27102, "verifier": 27103}


def seed(data: Path) -> dict:
    """Build the demo scene in-process, then stop its development servers."""
    sys.path.insert(0, str(ROOT))
    from passport_cli.demo_scene import WORKER, DemoScene

    scene = DemoScene(data, PORTS)
    servers = scene.start_servers()
    try:
        details = scene.seed(progress=lambda text: print("  seed:", text, file=sys.stderr))
        issuer = scene.service("issuer")
        documents = [record.document for record in issuer.register.search("northfield")][:20]
    finally:
        for server in servers:
            server.stop()
        for app in scene.apps.values():
            state = app.extensions[next(iter(k for k in app.extensions
                                             if k in ("issuer", "wallet", "verifier")))]
            getattr(state, "db", None) and state.db.dispose()
    (data / "credentials.json").write_text(json.dumps(documents))
    return {"login": WORKER["login"], "password": details["password"],
            "master": (data / "master.key").read_text().strip()}


def start_gunicorn(service: str, data: Path, master: str, workers: int) -> subprocess.Popen:
    hosts = ",".join(f"localhost:{port}" for port in PORTS.values())
    env = {**os.environ, "PASSPORT_MASTER_KEY": master, "PASSPORT_HTTP_HOSTS": hosts,
           "LOG_LEVEL": "WARNING",
           "SECRET_KEY": (data / f"{service}.secret").read_text().strip(),
           "DATABASE_URL": os.environ.get(f"LOAD_{service.upper()}_DATABASE_URL",
                                          f"sqlite:///{data / (service + '.db')}"),
           "PUBLIC_URL": f"http://localhost:{PORTS[service]}",
           f"{service.upper()}_INSTANCE": str(data / service),
           "VERIFIER_TRUST_LIST": str(data / "trust-list.json"),
           "VERIFIER_WALLET_HOSTS": f"localhost:{PORTS['wallet']}",
           "PASSPORT_DID_DOCUMENTS_OUT": str(data / "did-documents")}
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{PORTS[service]}", "--log-level", "warning", f"{service}:create_app()"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://localhost:{PORTS[service]}/healthz", timeout=2).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{service} did not start")


def run_locust(data: Path, login: str, password: str, users: int, seconds: int) -> list[dict]:
    env = {**os.environ, "LOAD_CREDENTIALS": str(data / "credentials.json"),
           "LOAD_WALLET_URL": f"http://localhost:{PORTS['wallet']}",
           "LOAD_VERIFIER_URL": f"http://localhost:{PORTS['verifier']}",
           "LOAD_LOGIN": login, "LOAD_PASSWORD": password}
    prefix = data / "locust"
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "load" /
                                                   "locustfile.py"), "--headless", "-u",
                    str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING"], env=env, check=False)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def report(rows: list[dict], args: argparse.Namespace) -> str:
    lines = ["## Load: verify and wallet record under gunicorn", "",
             f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()} (2 cores shared "
             f"by servers and load generator), {args.users} locust users for {args.seconds} s, "
             f"{args.workers} gunicorn workers per service, SQLite, loopback. Command: "
             "`.venv/bin/python benchmarks/load_test.py --write`.", "",
             "| endpoint | requests | failures | req/s | median ms | p95 ms |",
             "|---|---|---|---|---|---|"]
    for row in sorted(rows, key=lambda r: r["Name"]):
        if row["Name"].startswith("wallet POST /sign-in") or row["Name"].startswith(
                "wallet GET /sign-in"):
            continue
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{float(row['Requests/s']):.0f} | {row['50%']} | {row['95%']} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        seeded = seed(data)
        processes = [start_gunicorn(name, data, seeded["master"], args.workers)
                     for name in ("issuer", "wallet", "verifier")]
        try:
            rows = run_locust(data, seeded["login"], seeded["password"], args.users,
                              args.seconds)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=20)
    text = report(rows, args)
    print(text)
    if args.write:
        write_section("## Load: verify and wallet record", text)


if __name__ == "__main__":
    main()
