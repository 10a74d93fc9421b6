"""A/B of the verifier's VC API under gunicorn: an earlier commit and this checkout, side by side.

On a machine whose speed drifts (the 2-core machines here changed by up to half from one minute
to the next), two runs of verify_load.py minutes apart do not compare. This runs both versions
at once instead — each with its own issuer, verifier and database, seeded by its own code — and
measures them in turn, the order alternating each round, so both see the same drift:

    .venv/bin/python benchmarks/verify_ab.py BASE [--rounds 6] [--seconds 8]
        [--endpoints healthz,verify,present]

BASE is any commit (a worktree of it is made in a temporary folder and removed at the end).
Reports, per version: each endpoint's median rate and verifier CPU per request, the verify ÷
/healthz ratio (median ÷ median, and round by round), and the change in CPU per request.
Needs wrk (Debian package ``wrk``), like verify_load.py, whose servers and load it reuses.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import verify_load as load  # benchmarks/, beside this script

HERE = Path(__file__).resolve().parents[1]
PLAN = {"healthz": ("GET", "/healthz", None),
        "verify": ("POST", "/credentials/verify", "verify.jsonl"),
        "present": ("POST", "/presentations/verify", "present.jsonl")}


def seed(tree: Path, data: Path, issuer_url: str, database_url: str) -> dict:
    """Seed with the tree's own code (its migrations, its credentials), in a child process."""
    code = ("import json, sys; from pathlib import Path; "
            f"sys.path[:0] = [{str(tree)!r}, {str(tree / 'benchmarks')!r}]; "
            "import verify_load as v; "
            f"v.TMP = {str(data)!r}; "
            f"print('SEEDED' + json.dumps(v.seed(Path({str(data)!r}), {issuer_url!r}, "
            f"{database_url!r})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0 or "SEEDED" not in out.stdout:
        raise SystemExit(f"seeding {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.split("SEEDED", 1)[1])


def start(tree: Path, data: Path, port: int, workers: int, threads: int) -> list:
    issuer_url = f"http://localhost:{port}"
    issuer_db, verifier_db = f"sqlite:///{data}/issuer.db", f"sqlite:///{data}/verifier.db"
    seeded = seed(tree, data, issuer_url, issuer_db)
    common = {"PASSPORT_HTTP_HOSTS": f"localhost:{port}", "LOG_LEVEL": "WARNING"}
    issuer_env = {**common, "PASSPORT_MASTER_KEY": seeded["master_key"],
                  "SECRET_KEY": seeded["secret"], "ISSUER_DATABASE_URL": issuer_db,
                  "DATABASE_URL": issuer_db, "PUBLIC_URL": issuer_url,
                  "ISSUER_INSTANCE": str(data / "issuer"),
                  "PASSPORT_DID_DOCUMENTS_OUT": str(data / "did-documents")}
    verifier_env = {**common, "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": verifier_db,
                    "PUBLIC_URL": f"http://127.0.0.1:{port + 1}",
                    "VERIFIER_INSTANCE": str(data / "verifier")}
    issuer = load.gunicorn("issuer", port, issuer_env, workers, threads, data / "issuer.log",
                           cwd=tree)
    try:
        verifier = load.gunicorn("verifier", port + 1, verifier_env, workers, threads,
                                 data / "verifier.log", cwd=tree)
    except BaseException:
        load.stop(issuer)
        raise
    return [issuer, verifier]


def measure(url: str, verifier, data: Path, name: str, seconds: int) -> tuple[float, float]:
    method, path, body = PLAN[name]
    before = load.tree_cpu_seconds(verifier.pid)
    result = load.wrk(url, method, path, data / body if body else None, seconds, 8, 1)
    cpu_ms = (load.tree_cpu_seconds(verifier.pid) - before) * 1000 / max(result["requests"], 1)
    return result["rate"], cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the earlier commit")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--endpoints", default="healthz,verify,present")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port-base", type=int, default=6340)
    args = parser.parse_args()
    endpoints = args.endpoints.split(",")
    if not set(endpoints) <= set(PLAN) or "healthz" not in endpoints:
        raise SystemExit(f"--endpoints: healthz and any of {', '.join(PLAN)}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base],
                       cwd=HERE, check=True)
        trees = {f"base {args.base}": base, "this checkout": HERE}
        servers: dict[str, list] = {}
        try:
            for number, (label, tree) in enumerate(trees.items()):
                data = Path(tmp) / f"data-{number}"
                data.mkdir()
                print(f"seeding and starting {label}…", file=sys.stderr)
                servers[label] = start(tree, data, args.port_base + 2 * number, args.workers,
                                       args.threads)
                servers[label].append(data)
            urls = {label: f"http://127.0.0.1:{args.port_base + 2 * n + 1}"
                    for n, label in enumerate(trees)}
            for label in trees:  # warm every worker's caches
                for name in endpoints:
                    measure(urls[label], servers[label][1], servers[label][2], name, 2)
            runs = {(label, name): [] for label in trees for name in endpoints}
            for round_no in range(args.rounds):
                order = list(trees) if round_no % 2 == 0 else list(trees)[::-1]
                for label in order:
                    for name in endpoints:
                        runs[(label, name)].append(measure(
                            urls[label], servers[label][1], servers[label][2], name,
                            args.seconds))
                print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            for processes in servers.values():
                for process in processes[:2][::-1]:
                    load.stop(process)
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=HERE,
                           check=False)
    print(report(runs, list(trees), endpoints))


def report(runs: dict, labels: list[str], endpoints: list[str]) -> str:
    lines = ["| version | " + " | ".join(endpoints) + " | verify ÷ /healthz | round by round |",
             "|---" * (len(endpoints) + 3) + "|"]
    cpu = {}
    for label in labels:
        cells = []
        for name in endpoints:
            rates = [rate for rate, _ in runs[(label, name)]]
            cpu[(label, name)] = statistics.median(ms for _, ms in runs[(label, name)])
            cells.append(f"{statistics.median(rates):,.0f}/s, {cpu[(label, name)]:.2f} ms CPU")
        ratio = paired = "—"
        if "verify" in endpoints:
            verify = [rate for rate, _ in runs[(label, "verify")]]
            healthz = [rate for rate, _ in runs[(label, "healthz")]]
            ratio = f"{statistics.median(verify) / statistics.median(healthz):.2f}"
            paired = " / ".join(f"{v / h:.2f}" for v, h in zip(verify, healthz, strict=True))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} | {paired} |")
    old, new = labels
    changes = ", ".join(f"{name} {100 * (cpu[(new, name)] / cpu[(old, name)] - 1):+.0f} %"
                        for name in endpoints)
    lines += ["", f"Verifier CPU per request, this checkout against the base: {changes}."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
