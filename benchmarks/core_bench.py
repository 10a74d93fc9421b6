"""Core benchmark: sign and verify per second for an Open Badges 3.0 credential on one core.

The credential is VC 2.0, issued by a did:web provider (resolved from a pinned local DID
document, as a warm cache would), with a Bitstring status entry (status checking off: that is
the status-list benchmark's job). Every figure is a median of ROUNDS rounds and is reported
next to the bare Ed25519 sign/verify floor measured in the same run.

    .venv/bin/python benchmarks/core_bench.py [--rounds 5] [--count 2000] [--write]

``--write`` replaces the "Core" section of benchmarks/README.md with this run's figures.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from readme_section import write_section  # benchmarks/, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from passport_vc.clock import fixed_clock  # noqa: E402
from passport_vc.jsonld import Canonicalizer  # noqa: E402
from passport_vc.keys import PrivateKey  # noqa: E402

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HOST = "training.example.org"
DID = f"did:web:{HOST}"


def _median_rate(fn, items, rounds: int) -> float:
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            fn(item)
        rates.append(len(items) / (time.perf_counter() - start))
    return statistics.median(rates)


def _median_time(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _credentials(count: int) -> list[dict]:
    unsigned = json.loads((ROOT / "tests/vectors/ob3/ldp-eddsa-rdfc-2022/unsigned.json")
                          .read_text())
    unsigned["issuer"] = {"id": DID, "type": ["Profile"], "name": "Example Training Ltd"}
    unsigned["credentialStatus"] = {
        "id": f"https://{HOST}/status/1#94567", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "94567",
        "statusListCredential": f"https://{HOST}/status/1"}
    unsigned["validFrom"] = "2026-01-10T00:00:00Z"
    unsigned["validUntil"] = "2027-01-10T00:00:00Z"
    found = []
    for index in range(count):
        credential = copy.deepcopy(unsigned)
        credential["id"] = f"urn:uuid:8e2b1f62-0000-4000-8000-{index:012d}"
        credential["credentialSubject"]["id"] = f"did:key:z6MkWorker{index}"
        credential["credentialSubject"]["achievement"]["name"] = f"Moving and handling {index}"
        found.append(credential)
    return found


def run(rounds: int, count: int) -> dict:
    from passport_vc.did import build_did_document, default_resolver, local_path_for
    from passport_vc.issue import IssuerKey, build_presentation, issue_credential, sign_presentation
    from passport_vc.verify import Verifier

    key = PrivateKey.generate("Ed25519")
    holder = PrivateKey.generate("Ed25519")
    message = os.urandom(64)
    signature = key.sign(message)
    floor_sign = _median_rate(lambda _: key.sign(message), range(count), rounds)
    floor_verify = _median_rate(lambda _: key.public_key.verify(signature, message),
                                range(count), rounds)

    with tempfile.TemporaryDirectory() as tmp:
        documents = Path(tmp)
        did_doc = build_did_document(DID, [("key-1", key.public_key)], assertion=["key-1"],
                                     authentication=["key-1"])
        path = local_path_for(DID, documents)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(did_doc))
        clock = fixed_clock(NOW)
        issuer_key = IssuerKey(key, f"{DID}#key-1")
        credentials = _credentials(count)
        canonicalizer = Canonicalizer()
        issue_credential(credentials[0], issuer_key, clock=clock, canonicalizer=canonicalizer)
        sign_rate = _median_rate(
            lambda c: issue_credential(c, issuer_key, clock=clock, canonicalizer=canonicalizer),
            credentials, rounds)
        signed = [issue_credential(c, issuer_key, clock=clock, canonicalizer=canonicalizer)
                  for c in credentials]
        verifier = Verifier(resolver=default_resolver(did_documents_dir=documents, clock=clock),
                            clock=clock, check_status=False, canonicalizer=canonicalizer)
        assert all(verifier.verify_credential(s).verified for s in signed[:50])
        verify_rate = _median_rate(verifier.verify_credential, signed, rounds)

        def cold() -> None:
            fresh = Verifier(resolver=verifier.resolver, clock=clock, check_status=False,
                             canonicalizer=Canonicalizer())
            assert fresh.verify_credential(signed[1]).verified

        cold_ms = _median_time(cold, rounds) * 1000

        from passport_vc.did import did_key_from_public_key

        holder_did = did_key_from_public_key(holder.public_key)
        holder_key = IssuerKey(holder, f"{holder_did}#{holder_did.split(':')[-1]}")
        presentation = sign_presentation(build_presentation(signed[:10], holder_did),
                                         holder_key, challenge="c-1", domain="verifier.example",
                                         clock=clock, canonicalizer=canonicalizer)
        assert verifier.verify_presentation(presentation, challenge="c-1",
                                            domain="verifier.example").verified
        vp_ms = _median_time(lambda: verifier.verify_presentation(
            presentation, challenge="c-1", domain="verifier.example"), rounds * 4) * 1000

        jwt_rate = None
        try:
            from passport_vc.issue import issue_credential_jwt

            tokens = [issue_credential_jwt(c, issuer_key, clock=clock) for c in credentials[:count]]
            assert verifier.verify_credential(tokens[0]).verified
            jwt_rate = _median_rate(verifier.verify_credential, tokens, rounds)
        except ImportError:
            pass

    return {"floor_sign": floor_sign, "floor_verify": floor_verify, "sign": sign_rate,
            "verify": verify_rate, "cold_ms": cold_ms, "vp10_ms": vp_ms, "jwt_verify": jwt_rate,
            "count": count, "rounds": rounds}


def report(figures: dict) -> str:
    f = figures
    jwt = f"{f['jwt_verify']:,.0f}/s" if f["jwt_verify"] else "n/a"
    return "\n".join([
        "## Core: sign and verify (one core)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()} "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{f['count']:,} credentials × {f['rounds']} rounds, medians. "
        "Command: `.venv/bin/python benchmarks/core_bench.py --write`.",
        "",
        "| operation | result | target | ratio to Ed25519 floor |",
        "|---|---|---|---|",
        f"| Ed25519 sign / verify alone (floor: libsodium, the engine's own calls) | "
        f"{f['floor_sign']:,.0f}/s / "
        f"{f['floor_verify']:,.0f}/s | — | 1× |",
        f"| issue (eddsa-rdfc-2022, repeat shape) | {f['sign']:,.0f}/s | ≥ 1,500/s | "
        f"{f['floor_sign'] / f['sign']:.1f}× |",
        f"| verify (repeat shape, did:web, binding, dates, schema-free) | "
        f"{f['verify']:,.0f}/s | ≥ 1,500/s, ≤ ~5× floor | "
        f"{f['floor_verify'] / f['verify']:.1f}× |",
        f"| verify, never-seen shape (cold shape cache) | {f['cold_ms']:.2f} ms | ≤ 6 ms | — |",
        f"| verify a presentation of 10 credentials | {f['vp10_ms']:.2f} ms | ≤ 30 ms | — |",
        f"| verify `vc+jwt` | {jwt} | ≥ 2,500/s | — |",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = report(run(args.rounds, args.count))
    print(text)
    if args.write:
        write_section("## Core: sign and verify", text)


if __name__ == "__main__":
    main()
