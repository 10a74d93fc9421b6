"""Regenerate fixture.json: a care training credential signed here (fixed test key), encoded as
VP1- QR text by Digital Bazaar's @digitalbazaar/vpqr.

The credential is encoded on its own, not inside a VC 2.0 presentation: @digitalbazaar/cborld
8.1.0 fails on the VC 2.0 context's ``"@context": null`` under ``verifiableCredential``
(TypeError reading '@import' of null), so a VC 2.0 presentation cannot be made into VP1- by it.

Needs node and the npm registry: ``python tests/vectors/vpqr/make_fixture.py``. The libraries
are installed in a scratch folder and never kept; only the generated fixture is committed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PACKAGES = ["@digitalbazaar/vpqr@6.0.0", "@digitalbazaar/cborld@8.1.0"]
# A fixed Ed25519 test key (not a secret: it signs only this fixture).
SEED = bytes(range(32))


def presentation() -> dict:
    sys.path.insert(0, str(ROOT))
    from passport_vc.did import did_key_from_public_key, verification_method_for
    from passport_vc.issue import IssuerKey, issue_credential
    from passport_vc.keys import PrivateKey
    from schemas import build_training_credential, load_catalogue

    key = PrivateKey.from_raw("Ed25519", SEED)
    did = did_key_from_public_key(key.public_key)
    credential = build_training_credential(
        load_catalogue()["moving-and-handling"], issuer_id=did,
        issuer_name="Northfield Care Training", subject_name="Amina Okafor", subject_id=None,
        completed=date(2026, 6, 1),
        credential_id="urn:uuid:0b6f2a63-4c1e-4a8e-9f49-2d2b7d0c5e11")
    signed = issue_credential(credential, IssuerKey(key, verification_method_for(did)),
                              created=datetime(2026, 6, 2, 9, 0, tzinfo=UTC))
    return signed


def contexts() -> dict:
    """Every context this project bundles, for the libraries' document loader (offline)."""
    sys.path.insert(0, str(ROOT))
    from passport_vc.jsonld import default_loader

    loader = default_loader()
    return {url: loader(url, {})["document"] for url in loader.contexts}


def main() -> None:
    vp = presentation()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(["npm", "init", "-y"], cwd=work, check=True, capture_output=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=work,
                       check=True)
        shutil.copy(HERE / "generate.mjs", work / "generate.mjs")
        (work / "input.json").write_text(json.dumps({"vp": vp, "contexts": contexts()}))
        subprocess.run(["node", "generate.mjs", "input.json", "output.json"], cwd=work,
                       check=True)
        shutil.copy(work / "output.json", HERE / "fixture.json")
    print(f"wrote {HERE / 'fixture.json'}")


if __name__ == "__main__":
    main()
