"""Load test of the verifier's VC API under gunicorn, driven by wrk (compiled, not the bottleneck).

One command does everything, on loopback only:

    .venv/bin/python benchmarks/verify_load.py [--seconds 10] [--rounds 3] [--connections 8]
        [--port-base 6301] [--database-url postgresql://postgres@127.0.0.1:5432/DB] [--write]

1. Seeds an issuer database in-process: one training provider with a did:web on this machine,
   300 distinct Open Badges 3.0 credentials through the real import path (each with a
   lifecycle status list entry), and 30 presentations of 10 of them, signed by a holder did:key
   for a challenge and domain.
2. Starts the issuer (serving the DID document and the status list) and the verifier under
   gunicorn, 2 gthread workers × 4 threads each, as a deployment would, each worker with its
   own listening socket (``--reuse-port``) so the kernel spreads the connections. Without it
   the first worker to wake can take all eight keep-alive connections: one process then serves
   everything while the other idles, and a round measures about a third of the rate (seen:
   /healthz 1,500/s instead of 4,100/s, at random, which made earlier rounds so uneven).
3. Runs wrk (Debian package ``wrk``; ``benchmarks/load/rotate.lua`` rotates the request bodies)
   against ``GET /healthz`` (the floor: the web stack and one database round trip),
   ``POST /credentials/verify`` (the 300 credentials in turn) and ``POST /presentations/verify``
   (the 30 presentations in turn), interleaved, ``--rounds`` times each, and reports medians,
   p95 and the ratio of each endpoint's throughput to ``/healthz`` in the same run.
4. Stops everything. ``--write`` records the figures in benchmarks/README.md.

Every response must be 200 (verified); a run with any other answer fails loudly. The CPU time
wrk itself used is reported, so a reader can see the generator was not what limited the rate.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from readme_section import write_section  # benchmarks/, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
LUA = ROOT / "benchmarks" / "load" / "rotate.lua"
SECTION = "## Load: the verifier's VC API under gunicorn"
CREDENTIALS = 300
PRESENTATIONS = 30
PER_PRESENTATION = 10
DOMAIN = "verifier.example"
TARGETS = {"ratio": 0.70, "p95_ms": 20.0, "vp_rate": 200.0}
COURSES = ("moving-and-handling", "fire-safety", "basic-life-support", "medication",
           "safeguarding-adults", "infection-prevention-and-control", "health-and-safety")


def completions_csv(count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "course", "completed", "assessment_method",
                     "delivery_mode", "hours", "evidence"])
    for number in range(count):
        writer.writerow([f"Worker {number:04d}", f"worker{number:04d}@care.example",
                         COURSES[number % len(COURSES)],
                         (date(2026, 1, 1) + timedelta(days=number % 300)).isoformat(),
                         "Observed practice", "Face-to-face", "3",
                         "Completed the course and its assessment"])
    return out.getvalue().encode("utf-8")


# --- seeding ------------------------------------------------------------------------------------
def seed(data: Path, issuer_url: str, database_url: str) -> dict:
    """Provider, 300 credentials and 30 signed presentations; writes the wrk body files."""
    from sqlalchemy import select

    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata, records
    from passport_vc.did import did_key_from_public_key
    from passport_vc.issue import IssuerKey, build_presentation, sign_presentation
    from passport_vc.keys import PrivateKey
    from passport_web.sql import Database

    config = IssuerConfig.for_tests(database_url, data, public_url=issuer_url, testing=False)
    database = Database(database_url, metadata)
    database.upgrade("issuer")
    service = IssuerService(database, config)
    try:
        service.providers.create_provider("Northfield Care Training", "northfield")
        result = service.imports.import_csv("northfield", completions_csv(CREDENTIALS),
                                            filename="completions.csv")
        if result.issued != CREDENTIALS:
            raise SystemExit(f"seeding issued {result.issued} credentials, not {CREDENTIALS}")
        with database.reading() as session:
            documents = [json.loads(text) for text in
                         session.execute(select(records.c.document)).scalars()]
    finally:
        database.dispose()
    holder = PrivateKey.generate("Ed25519")
    holder_did = did_key_from_public_key(holder.public_key)
    holder_key = IssuerKey(holder, f"{holder_did}#{holder_did.split(':')[-1]}")
    presentations = []
    for number in range(PRESENTATIONS):
        chosen = [documents[(number * PER_PRESENTATION + i) % len(documents)]
                  for i in range(PER_PRESENTATION)]
        challenge = f"load-{number}-{secrets.token_hex(4)}"
        presentation = sign_presentation(build_presentation(chosen, holder_did), holder_key,
                                         challenge=challenge, domain=DOMAIN)
        presentations.append({"verifiablePresentation": presentation,
                              "options": {"challenge": challenge, "domain": DOMAIN}})
    (data / "verify.jsonl").write_text(
        "".join(json.dumps({"verifiableCredential": d}) + "\n" for d in documents))
    (data / "present.jsonl").write_text("".join(json.dumps(p) + "\n" for p in presentations))
    return {"master_key": config.master_key, "secret": config.secret_key,
            "body_bytes": len(json.dumps({"verifiableCredential": documents[0]}))}


# --- servers ------------------------------------------------------------------------------------
def refuse_busy_port(port: int) -> None:
    """With SO_REUSEPORT a server left running from an earlier run would quietly share the
    port (and answer with its own keys): stop rather than measure two servers."""
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"something already listens on port {port}: stop it, or choose "
                             "other ports with --port-base")


def gunicorn(service: str, port: int, env: dict, workers: int, threads: int,
             log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """``cwd``: the checkout whose code the server runs (verify_ab.py runs two)."""
    refuse_busy_port(port)
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--reuse-port", f"{service}:create_app()"]
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env},
                               stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{service} stopped while starting; see {log}:\n"
                             + log.read_text()[-3000:])
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"{service} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- load ---------------------------------------------------------------------------------------
def wrk(url: str, method: str, path: str, body_file: Path | None, seconds: int,
        connections: int, threads: int) -> dict:
    """One wrk run; its own CPU time measured from the kernel's accounting of the child."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "5s", "-s", str(LUA), url, "--", method, path]
    if body_file is not None:
        command.append(str(body_file))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    match = re.search(r"^WRK-RESULT (.*)$", completed.stdout, re.MULTILINE)
    if completed.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n"
                         f"{completed.stderr}")
    result = json.loads(match.group(1))
    failures = sum(result[name] for name in ("status_errors", "connect_errors", "read_errors",
                                             "write_errors", "timeouts"))
    if failures:
        raise SystemExit(f"{method} {path}: {failures} failed requests out of "
                         f"{result['requests']}: {result}")
    seconds_run = result["duration_us"] / 1e6
    result["rate"] = result["requests"] / seconds_run
    result["wrk_cpu"] = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                         ) / seconds_run
    return result


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a gunicorn master and its workers (Linux
    /proc): the server's own cost per request, which the machine's other load does not move
    the way requests/s moves."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        # after the command name: state ppid … utime (14th field of stat) stime (15th)
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def check_answers(verifier: str) -> None:
    """Before measuring: one credential and one presentation verify, status list included."""
    body = json.loads(Path(TMP, "verify.jsonl").read_text().splitlines()[0])
    answer = requests.post(f"{verifier}/credentials/verify", json=body, timeout=30)
    if answer.status_code != 200 or "status" not in answer.json().get("checks", []):
        raise SystemExit(f"the verifier did not verify a seeded credential: "
                         f"{answer.status_code} {answer.text[:2000]}")
    body = json.loads(Path(TMP, "present.jsonl").read_text().splitlines()[0])
    answer = requests.post(f"{verifier}/presentations/verify", json=body, timeout=30)
    results = answer.json().get("credentialResults", [])
    if answer.status_code != 200 or len(results) != PER_PRESENTATION or \
            not all("status" in item["checks"] for item in results):
        raise SystemExit(f"the verifier did not verify a seeded presentation: "
                         f"{answer.status_code} {answer.text[:2000]}")


TMP = ""


def run(args: argparse.Namespace) -> dict:
    global TMP
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    issuer_port, verifier_port = args.port_base, args.port_base + 1
    issuer_url = f"http://localhost:{issuer_port}"
    verifier_url = f"http://127.0.0.1:{verifier_port}"
    with tempfile.TemporaryDirectory() as tmp, databases(args.database_url, 2) as urls:
        data = Path(tmp)
        TMP = tmp
        print("seeding the issuer (300 credentials, 30 presentations)…", file=sys.stderr)
        seeded = seed(data, issuer_url, urls[0])
        common = {"PASSPORT_HTTP_HOSTS": f"localhost:{issuer_port}", "LOG_LEVEL": "WARNING"}
        issuer_env = {**common, "PASSPORT_MASTER_KEY": seeded["master_key"],
                      "SECRET_KEY": seeded["secret"], "ISSUER_DATABASE_URL": urls[0],
                      "DATABASE_URL": urls[0], "PUBLIC_URL": issuer_url,
                      "ISSUER_INSTANCE": str(data / "issuer"),
                      "PASSPORT_DID_DOCUMENTS_OUT": str(data / "did-documents")}
        verifier_env = {**common, "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": urls[1],
                        "PUBLIC_URL": verifier_url, "VERIFIER_INSTANCE": str(data / "verifier")}
        processes = []
        try:
            processes.append(gunicorn("issuer", issuer_port, issuer_env, args.workers,
                                      args.threads, data / "issuer.log"))
            processes.append(gunicorn("verifier", verifier_port, verifier_env, args.workers,
                                      args.threads, data / "verifier.log"))
            check_answers(verifier_url)
            plan = [("healthz", "GET", "/healthz", None),
                    ("verify", "POST", "/credentials/verify", data / "verify.jsonl"),
                    ("present", "POST", "/presentations/verify", data / "present.jsonl")]
            for _name, method, path, body in plan:  # warm every worker's caches
                wrk(verifier_url, method, path, body, 2, args.connections, args.wrk_threads)
            runs: dict[str, list[dict]] = {name: [] for name, *_ in plan}
            for round_no in range(args.rounds):
                for name, method, path, body in plan:
                    before = tree_cpu_seconds(processes[1].pid)
                    result = wrk(verifier_url, method, path, body, args.seconds,
                                 args.connections, args.wrk_threads)
                    result["cpu_ms"] = (tree_cpu_seconds(processes[1].pid) - before) * 1000 \
                        / max(result["requests"], 1)
                    runs[name].append(result)
                print(f"round {round_no + 1}/{args.rounds}: " + ", ".join(
                    f"{name} {runs[name][-1]['rate']:,.0f}/s" for name in runs),
                    file=sys.stderr)
        finally:
            for process in reversed(processes):
                stop(process)
    summary = {name: {"rate": statistics.median(r["rate"] for r in items),
                      "p50_ms": statistics.median(r["p50_us"] for r in items) / 1000,
                      "p95_ms": statistics.median(r["p95_us"] for r in items) / 1000,
                      "p99_ms": statistics.median(r["p99_us"] for r in items) / 1000,
                      "requests": sum(r["requests"] for r in items),
                      "wrk_cpu": statistics.median(r["wrk_cpu"] for r in items),
                      "cpu_ms": statistics.median(r["cpu_ms"] for r in items),
                      "rates": [r["rate"] for r in items]}
               for name, items in runs.items()}
    summary["database"] = "PostgreSQL" if args.database_url else "SQLite"
    summary["body_bytes"] = seeded["body_bytes"]
    return summary


class databases:
    """``count`` empty database URLs: SQLite files in a temp folder, or fresh PostgreSQL
    databases on the given server (dropped afterwards)."""

    def __init__(self, base_url: str | None, count: int) -> None:
        self.base_url, self.count = base_url, count
        self.names: list[str] = []
        self.folder: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> list[str]:
        if self.base_url is None:
            self.folder = tempfile.TemporaryDirectory()
            return [f"sqlite:///{self.folder.name}/db{n}.sqlite" for n in range(self.count)]
        from sqlalchemy import create_engine, make_url, text

        url = make_url(self.base_url)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for _ in range(self.count):
                name = "load_" + secrets.token_hex(5)
                connection.execute(text(f"CREATE DATABASE {name}"))
                self.names.append(name)
        admin.dispose()
        return [url.set(database=name).render_as_string(hide_password=False)
                for name in self.names]

    def __exit__(self, *exc) -> None:
        if self.folder is not None:
            self.folder.cleanup()
            return
        from sqlalchemy import create_engine, text

        admin = create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


# --- report -------------------------------------------------------------------------------------
def machine_note() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.machine()}, {os.cpu_count()} cores shared by wrk, both services and "
            f"other work (load average {load:.1f} when the run ended)")


def report(summary: dict, args: argparse.Namespace) -> str:
    floor = summary["healthz"]["rate"]
    labels = {"healthz": "GET /healthz (floor)",
              "verify": "POST /credentials/verify (1 credential)",
              "present": f"POST /presentations/verify ({PER_PRESENTATION} credentials)"}
    lines = [
        SECTION, "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine_note()}. "
        f"Issuer and verifier under gunicorn ({args.workers} gthread workers × {args.threads} "
        f"threads each, one listening socket per worker: `--reuse-port`), {summary['database']}, "
        f"loopback; wrk with {args.connections} "
        f"keep-alive connections on {args.wrk_threads} thread(s), {args.seconds} s per run, "
        f"endpoints interleaved, {args.rounds} rounds, medians. {CREDENTIALS} distinct "
        "provider-issued credentials (did:web issuer, lifecycle status list served by the "
        f"issuer) in rotation, and {PRESENTATIONS} holder-signed presentations of "
        f"{PER_PRESENTATION} of them. Command: `.venv/bin/python benchmarks/verify_load.py "
        "--write`.", "",
        "| endpoint | requests/s (median) | rounds | p50 ms | p95 ms | p99 ms | ratio to "
        "/healthz | verifier CPU per request | wrk CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("healthz", "verify", "present"):
        item = summary[name]
        lines.append(
            f"| {labels[name]} | {item['rate']:,.0f} | "
            f"{' / '.join(f'{rate:,.0f}' for rate in item['rates'])} | {item['p50_ms']:.1f} | "
            f"{item['p95_ms']:.1f} | {item['p99_ms']:.1f} | {item['rate'] / floor:.2f} | "
            f"{item['cpu_ms']:.2f} ms | {item['wrk_cpu'] * 100:.0f} % of a core |")
    verify, present = summary["verify"], summary["present"]
    checks = [
        ("verify ≥ 70 % of /healthz", verify["rate"] / floor >= TARGETS["ratio"]),
        ("verify p95 ≤ 20 ms", verify["p95_ms"] <= TARGETS["p95_ms"]),
        ("10-credential presentation ≥ 200/s", present["rate"] >= TARGETS["vp_rate"]),
    ]
    lines += ["", "Targets (issue 14): " + "; ".join(
        f"{text} {'✓' if ok else '✗'}" for text, ok in checks) + ".", ""]
    healthz_cpu, verify_cpu = summary["healthz"]["cpu_ms"], verify["cpu_ms"]
    paired = [v / h for v, h in zip(verify["rates"], summary["healthz"]["rates"], strict=True)]
    lines += [f"The server's CPU decides the ratio: /healthz costs {healthz_cpu:.2f} ms a "
              f"request and a verification {verify_cpu:.2f} ms (a ratio of "
              f"{healthz_cpu / verify_cpu:.2f} in CPU), so 70 % would need a verification to "
              f"cost at most {healthz_cpu / TARGETS['ratio']:.2f} ms. Round by round (verify "
              f"÷ /healthz in the same round): {' / '.join(f'{r:.2f}' for r in paired)}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port-base", type=int, default=6301,
                        help="the issuer listens here and the verifier on the next port")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server URL: each service gets a fresh database")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    summary = run(args)
    text = report(summary, args)
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
