"""Sizes: a typical training credential in each form this project writes, and the QR code each
needs. Sizes, not speed: nothing here is timed, so the figures do not depend on the machine.

The credential is what the issuer signs for a worker (Open Badges 3.0, did:web provider, proof
set, status entry, evidence), issued through ``IssuerService`` over a throw-away SQLite
database, bound to a wallet's did:key. Its SD-JWT VC twin is the ``dc+sd-jwt`` form the
OpenID4VCI endpoint sends; a worker's share of it carries a key binding JWT.

    .venv/bin/python benchmarks/sizes.py [--write]

The largest credential (tests/support/paper_qr.py: every catalogue course with the longest
realistic values and 500 characters of evidence) is measured too: it is the one the paper QR
limit is about.

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


def _sp1(document: dict | str) -> str:
    """The text the SP1 encoder wrote (no dictionary), for comparison: SP1 is read, not written."""
    import zlib

    import base45

    if isinstance(document, dict):
        payload = b"J" + json.dumps(document, separators=(",", ":"),
                                    ensure_ascii=False).encode("utf-8")
    else:
        payload = (b"S" if "~" in document else b"T") + document.encode("ascii")
    return "SP1:" + base45.b45encode(zlib.compress(payload, 9)).decode("ascii")


def _largest() -> list[tuple[str, str, str]]:
    from passport_vc.qr import encode_compact
    from tests.support.paper_qr import longest_credentials

    found = longest_credentials()
    key = max(found, key=lambda name: len(encode_compact(found[name])))
    credential = found[key]
    return [
        (f"largest: `{key}`, longest values (see below)", "minified JSON",
         json.dumps(credential, separators=(",", ":"), ensure_ascii=False)),
        ("", "`SP2:` QR text", encode_compact(credential)),
        ("", "`SP1:` QR text (before SP2)", _sp1(credential)),
    ]


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
        ("", "`SP2:` QR text", encode_compact(ldp)),
        ("", "`SP1:` QR text (before SP2)", _sp1(ldp)),
        ("", "`VP1-` QR text (CBOR-LD)", encode_vpqr(ldp)),
        ("W3C `vc+jwt`", "token", jwt),
        ("", "`SP2:` QR text", encode_compact(jwt)),
        ("", "`SP1:` QR text (before SP2)", _sp1(jwt)),
        ("SD-JWT VC twin (`dc+sd-jwt`), as issued", "token + all disclosures", twin),
        ("", "`SP2:` QR text", encode_compact(twin)),
        ("SD-JWT VC, shared showing nothing optional", "+ key binding JWT", none_shown),
        ("", "of which the key binding JWT", none_shown.rsplit("~", 1)[1]),
        ("", "`SP2:` QR text", encode_compact(none_shown)),
        ("SD-JWT VC, shared showing everything", "+ key binding JWT", all_shown),
        ("", "`SP2:` QR text", encode_compact(all_shown)),
        *_largest(),
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
             "bound to a wallet's did:key; and the largest credential the issuer can write. QR "
             "versions at error correction M; paper codes stay at version 25 or below "
             "(`MAX_PAPER_VERSION`). Command: "
             "`.venv/bin/python benchmarks/sizes.py --write`.", "",
             "| form | what | bytes (characters) | QR version |", "|---|---|---|---|"]
    for row in rows:
        version = "—" if "qr" not in row else (row["qr"] or "does not fit")
        lines.append(f"| {row['form']} | {row['what']} | {row['bytes']:,} | {version} |")
    lines += ["", "`SP2:` is zlib with a preset dictionary (passport_vc/qr_dictionary.py: the "
              "context URLs, OB 3.0 / VC terms in the issuer's key order, the status entry, the"
              " proof suites, the ASC-WDS categories and the catalogue's course titles), so "
              "what every credential repeats costs a few bits; `SP1:` (zlib alone) is still "
              "read but no longer written. Alternatives, measured once while choosing "
              "(2026-12-07, the same 43 largest credentials): raw LZMA2 was no smaller than "
              "zlib (at most 2,325 against 2,277 characters, version 33), CBOR-LD (`VP1-`) is "
              "larger than `SP1:` (above), and a dictionary of the credential skeleton alone "
              "reached version 25; with the catalogue and ASC-WDS names it is version 23. "
              "Dropping signed fields was not needed. The largest credential is every catalogue"
              " course issued as a renewal with a P-256 key, a provider with its own web host, "
              "a 50-character worker name, a wallet's P-256 did:key, the longest assessment "
              "method and delivery mode the form offers and 500 characters of evidence "
              "(tests/support/paper_qr.py); its size is pinned in "
              "tests/apps/issuer/test_issuer_paper_qr.py.", "",
              "The SD-JWT twin carries the same content as the W3C credential as plain "
              "JSON claims in one base64url JWT (no JSON-LD context, one signature), and each "
              "of its selectively disclosable details (name, date of birth, grade, "
              "evidence) is a salted disclosure plus a digest in the signed part, so it is "
              "about the size of the `vc+jwt` form. Base64url hides the JSON from the "
              "dictionary, so JWT forms gain nothing from `SP2:` and none of them fits a paper "
              "QR code; the Data Integrity credential is the paper form. The interview QR "
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
