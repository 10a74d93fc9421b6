"""Sizes: a typical training credential in each form this project writes, and the QR code each
needs. Sizes, not speed: nothing here is timed, so the figures do not depend on the machine.

The credential is what the issuer signs for a worker (Open Badges 3.0, did:web provider, proof
set, status entry, evidence), issued through ``IssuerService`` over a throw-away SQLite
database, bound to a wallet's did:key. Its SD-JWT VC twin is the ``dc+sd-jwt`` form the
OpenID4VCI endpoint sends; a worker's share of it carries a key binding JWT.

    .venv/bin/python benchmarks/sizes.py [--write]

``--write`` replaces the "Sizes" section of benchmarks/README.md with this run's figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from readme_section import write_section  # benchmarks/, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from passport_vc.clock import fixed_clock  # noqa: E402

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _forms() -> list[tuple[str, str, str]]:
    """(form, what, text) for each way the credential can travel."""
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_vc.did import did_key_from_public_key
    from passport_vc.keys import PrivateKey
    from passport_vc.qr import encode_compact
    from passport_vc.sd_jwt_vc import SELECTIVE, present_sd_jwt_vc
    from passport_vc.vpqr import encode_vpqr
    from passport_web.sql import Database

    clock = fixed_clock(NOW)
    wallet = PrivateKey.generate("Ed25519")
    holder_did = did_key_from_public_key(wallet.public_key)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'issuer.db'}"
        database = Database(url, metadata)
        database.create_all()
        service = IssuerService(database, IssuerConfig.for_tests(url, Path(folder), clock=clock,
                                                                 testing=False))
        try:
            service.providers.create_provider("Bench Care Training", "bench")
            record = service.issuance.issue(
                "bench", "moving-and-handling", subject_name="Amina Okafor",
                completed=date(2026, 5, 20), holder_did=holder_did, hours=6,
                evidence="Observed a hoist transfer and a slide-sheet reposition")
            ldp = service.issuance.bound_credential(record, holder_did, "ldp_vc")
            jwt = service.issuance.bound_credential(record, holder_did, "jwt_vc_json")
            twin = service.issuance.sd_jwt_twin(record, holder_did, wallet.public_key)
        finally:
            database.dispose()
    none_shown = present_sd_jwt_vc(twin, [], signer=wallet, nonce="n" * 22,
                                   audience="https://employer.example", clock=clock)
    all_shown = present_sd_jwt_vc(twin, list(SELECTIVE), signer=wallet, nonce="n" * 22,
                                  audience="https://employer.example", clock=clock)
    minified = json.dumps(ldp, separators=(",", ":"), ensure_ascii=False)
    return [
        ("W3C `ldp_vc` (Data Integrity, proof set)", "minified JSON", minified),
        ("", "`SP1:` QR text", encode_compact(ldp)),
        ("", "`VP1-` QR text (CBOR-LD)", encode_vpqr(ldp)),
        ("W3C `vc+jwt`", "token", jwt),
        ("", "`SP1:` QR text", encode_compact(jwt)),
        ("SD-JWT VC twin (`dc+sd-jwt`), as issued", "token + all disclosures", twin),
        ("", "`SP1:` QR text", encode_compact(twin)),
        ("SD-JWT VC, shared showing nothing optional", "+ key binding JWT", none_shown),
        ("", "of which the key binding JWT", none_shown.rsplit("~", 1)[1]),
        ("", "`SP1:` QR text", encode_compact(none_shown)),
        ("SD-JWT VC, shared showing everything", "+ key binding JWT", all_shown),
        ("", "`SP1:` QR text", encode_compact(all_shown)),
    ]


def run() -> list[dict]:
    from passport_vc.errors import PassportError
    from passport_vc.qr import qr_matrix_version

    rows = []
    for form, what, text in _forms():
        row = {"form": form, "what": what, "bytes": len(text.encode("utf-8"))}
        if "QR" in what:
            try:
                row["qr"] = qr_matrix_version(text)
            except PassportError:
                row["qr"] = None  # more than a version 40 code holds
        rows.append(row)
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["## Sizes: one credential in each form", "",
             f"Measured {date.today().isoformat()} (sizes do not depend on the machine): one "
             "typical training credential (Moving and handling, did:web provider, Ed25519, "
             "proof set, status entry, name, hours and evidence) issued by `IssuerService` and "
             "bound to a wallet's did:key. QR versions at error correction M; paper codes stay "
             "at version 25 or below (`MAX_PAPER_VERSION`). Command: "
             "`.venv/bin/python benchmarks/sizes.py --write`.", "",
             "| form | what | bytes | QR version |", "|---|---|---|---|"]
    for row in rows:
        version = "—" if "qr" not in row else (row["qr"] or "does not fit")
        lines.append(f"| {row['form']} | {row['what']} | {row['bytes']:,} | {version} |")
    lines += ["", "The SD-JWT twin carries the same content as the W3C credential as plain "
              "JSON claims in one base64url JWT (no JSON-LD context, one signature), and each "
              "of its selectively disclosable details (name, date of birth, grade, "
              "evidence) is a salted disclosure plus a digest in the signed part, so it is "
              "about the size of the `vc+jwt` form. With evidence included none of these fits a "
              "paper QR code; the Data Integrity credential compresses best. The interview QR "
              "carries a short "
              "link, not the credential (QR.md), so these sizes matter for the per-credential "
              "offline QR and the `VP1-` export; OpenID4VP answers have no such limit.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true",
                        help="record the figures in benchmarks/README.md")
    args = parser.parse_args()
    text = markdown(run())
    print(text)
    if args.write:
        write_section("## Sizes", text)


if __name__ == "__main__":
    main()
