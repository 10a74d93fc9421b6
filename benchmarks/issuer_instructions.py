"""Bulk issuance in CPU instructions (valgrind callgrind): a figure a busy machine cannot move.

The wall-clock benchmark (issuer_bulk.py) shares two cores with whatever else runs; its ratio to
the Ed25519 floor moves with the load. Instruction counts do not. Four runs of this script under
``valgrind --tool=callgrind`` (Debian package ``valgrind``):

- ``bulk N`` and ``bulk 0``: the same set-up (database, provider, a 20-row import that builds
  every course's shape template), then ``import_csv`` of N new rows — or nothing. The difference
  ÷ N is what one stored credential costs: parse, validate, build, allocate a status index,
  sign, store (SQLite).
- ``sign N`` and ``sign 0``: the same Python modules loaded, then N bare Ed25519 signatures —
  or none: the floor, per signature.

    .venv/bin/python benchmarks/issuer_instructions.py [--count 400] [--sign-count 2000]

Prints instructions per credential, per signature and their ratio. Takes a few minutes (the
interpreter runs about 50 times slower under valgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def child(count: int, what: str) -> None:
    import issuer_bulk as bench

    from passport_vc.keys import PrivateKey

    if what == "sign":
        key = PrivateKey.generate("Ed25519")
        message = os.urandom(64)
        for _ in range(count):
            key.sign(message)
        return
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_vc.clock import fixed_clock
    from passport_web.heap import settle as settle_heap
    from passport_web.sql import Database

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        config = IssuerConfig.for_tests(url, folder, clock=fixed_clock(bench.NOW), testing=False)
        database = Database(url, metadata)
        database.create_all()
        service = IssuerService(database, config)
        service.providers.create_provider("Bench Care Training", "bench")
        service.imports.import_csv("bench", bench.completions_csv(20), filename="warm.csv")
        settle_heap()  # as a worker's create_app and `passport issuer import` do
        header, rows = bench.completions_csv(20 + count).split(b"\n", 1)
        data = header + b"\n" + b"\n".join(rows.split(b"\n")[20:])
        if count:
            report = service.imports.import_csv("bench", data, filename="bulk.csv")
            if report.issued != count:
                raise SystemExit(f"issued {report.issued}, expected {count}")
        database.dispose()


def instructions(count: int, what: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        completed = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             __file__, "--child", what, str(count)],
            capture_output=True, text=True, check=False)
    match = re.search(r"Collected : (\d+)", completed.stderr)
    if completed.returncode != 0 or match is None:
        raise SystemExit(f"valgrind run failed:\n{completed.stderr[-2000:]}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--sign-count", type=int, default=2000)
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[1]), args.child[0])
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    runs = [(args.count, "bulk"), (0, "bulk"), (args.sign_count, "sign"), (0, "sign")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        bulk_n, bulk_0, sign_n, sign_0 = pool.map(lambda run: instructions(*run), runs)
    per_credential = (bulk_n - bulk_0) / args.count
    per_signature = (sign_n - sign_0) / args.sign_count
    print(f"per stored credential: {per_credential / 1e6:.2f} M instructions")
    print(f"per Ed25519 signature (floor): {per_signature / 1e3:.0f} k instructions")
    print(f"ratio: {per_credential / per_signature:.1f}x")


if __name__ == "__main__":
    main()
