"""The core is safe under threads (STANDARDS.md trap 5: PyLD alone fails under 8 threads)."""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from passport_vc.jsonld import Canonicalizer, document_to_quads
from passport_vc.jsonld.rdfc import canonicalize
from passport_vc.keys import PrivateKey
from passport_vc.proofs import data_integrity

OB3 = Path(__file__).parent.parent / "vectors" / "ob3"


def test_eight_threads_sign_and_verify_without_a_single_failure():
    key = PrivateKey.generate()
    canonicalizer = Canonicalizer()
    base = json.loads((OB3 / "ldp-eddsa-rdfc-2022" / "unsigned.json").read_text())
    examples = [json.loads(p.read_text()) for p in sorted((OB3 / "spec-examples").glob("*.json"))]
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
               "created": "2025-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
               "verificationMethod": "did:example:issuer#key-1"}

    def work(index: int) -> bool:
        # Mix repeat shapes (cache hits) with distinct shapes (full PyLD runs) on every thread.
        document = copy.deepcopy(examples[index % len(examples)] if index % 3 else base)
        document.pop("proof", None)
        document["id"] = f"urn:uuid:00000000-0000-0000-0000-{index:012d}"
        signed = data_integrity.add_proof(document, key, options, canonicalizer)
        outcome = data_integrity.verify_proofs(signed, lambda p: key.public_key, canonicalizer)
        expected = canonicalize(document_to_quads(document))
        return outcome[0].ok and canonicalizer.rdfc(document) == expected

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(400)))
    assert results.count(True) == 400
