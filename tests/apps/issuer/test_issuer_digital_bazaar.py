"""A second, independent verifier accepts what the issuer signs: Digital Bazaar's
``@digitalbazaar/vc`` with the eddsa-rdfc-2022 / ecdsa-rdfc-2019 cryptosuites and
``vc-bitstring-status-list`` (tests/support/db_verify.mjs, run with Node; the packages are
devDependencies installed by scripts/setup.sh). Credentials are issued as the demo issues
them: a did:web provider, one lifecycle status entry (statusPurpose "message", statusSize 2),
a proof set of one. The Node document loader serves only our bundled contexts and this
issuer's DID document and status list, so nothing is fetched."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "tests" / "support" / "db_verify.mjs"


def _documents(service, client, slug: str, credential: dict) -> dict:
    from passport_vc.jsonld.loader import default_loader

    documents = {url: bundled.document for url, bundled in default_loader().contexts.items()}
    did_document = service.providers.did_document(slug)
    documents[did_document["id"]] = did_document
    list_url = credential["credentialStatus"]["statusListCredential"]
    response = client.get(urlsplit(list_url).path)
    assert response.status_code == 200
    documents[list_url] = response.get_json(force=True)
    return documents


def _db_verify(tmp_path, credential: dict, documents: dict) -> dict:
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"credential": credential, "documents": documents}),
                    encoding="utf-8")
    run = subprocess.run(["node", str(SCRIPT), str(path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize(("curve", "cryptosuite"), [("Ed25519", "eddsa-rdfc-2022"),
                                                    ("P-256", "ecdsa-rdfc-2019")])
def test_digital_bazaar_accepts_our_credentials_with_their_status(service, client, tmp_path,
                                                                  curve, cryptosuite):
    provider = service.providers.create_provider("Acme Care Training", "acme", curve=curve)
    record = service.issuance.issue("acme", "moving-and-handling", subject_name="Jo Bloggs",
                                    completed=date(2026, 3, 1))
    credential = record.document
    assert provider.did.startswith("did:web:")
    assert [proof["cryptosuite"] for proof in credential["proof"]] == [cryptosuite]
    assert credential["credentialStatus"]["statusPurpose"] == "message"

    documents = _documents(service, client, "acme", credential)
    answer = _db_verify(tmp_path, credential, documents)
    assert answer["verified"] is True, answer
    assert answer["proofs"] == [{"verified": True, "error": None}]
    assert answer["statusResult"]["verified"] is True, answer
    # it really checked the status: the status list credential was loaded (and verified)
    assert credential["credentialStatus"]["statusListCredential"] in answer["loaded"]

    # the status list credential on its own
    status_list = documents[credential["credentialStatus"]["statusListCredential"]]
    alone = _db_verify(tmp_path, status_list, documents)
    assert alone["verified"] is True, alone


def test_digital_bazaar_refuses_a_tampered_credential(service, client, tmp_path):
    """The check above can fail: one changed name and their verifier says no."""
    service.providers.create_provider("Acme Care Training", "acme")
    record = service.issuance.issue("acme", "moving-and-handling", subject_name="Jo Bloggs",
                                    completed=date(2026, 3, 1))
    credential = record.document
    documents = _documents(service, client, "acme", credential)
    credential["credentialSubject"]["name"] = "Someone Else"
    answer = _db_verify(tmp_path, credential, documents)
    assert answer["verified"] is False
