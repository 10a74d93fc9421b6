"""W3C vc-di-eddsa / vc-di-ecdsa and 1EdTech Open Badges 3.0 vectors, every intermediate value.

Each step function of each cryptosuite is checked against the matching vector file: canonical
document, document hash, canonical proof configuration, proof hash, combined hash, signature
(hex and base58btc) and the signed document. The W3C vectors use an https issuer with a did:key
method, so issuer binding is deliberately not part of these tests (see tests/core for that).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from passport_vc.jsonld import Canonicalizer
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.base58 import b58encode
from passport_vc.proofs import data_integrity
from passport_vc.proofs.common import SuiteInput

VECTORS = Path(__file__).parent.parent / "vectors"
EDDSA = VECTORS / "w3c-vc-di-eddsa"
ECDSA = VECTORS / "w3c-vc-di-ecdsa"

# (folder, file suffix, key pair file, curve, deterministic signature?)
CASES = [
    (EDDSA / "eddsa-rdfc-2022", "DataInt", EDDSA / "keyPair.json", "Ed25519", True),
    (EDDSA / "eddsa-rdfc-2022" / "employ", "DataInt", EDDSA / "keyPair.json", "Ed25519", True),
    (EDDSA / "eddsa-jcs-2022", "JCS", EDDSA / "keyPair.json", "Ed25519", True),
    (EDDSA / "Ed25519Signature2020", "EdSig", EDDSA / "keyPair.json", "Ed25519", True),
    (ECDSA / "ecdsa-rdfc-2019-p256", "ECDSAP256", ECDSA / "p256KeyPair.json", "P-256", True),
    (ECDSA / "ecdsa-rdfc-2019-p256" / "employ", "ECDSAP256", ECDSA / "p256KeyPair.json", "P-256",
     True),
    (ECDSA / "ecdsa-rdfc-2019-p384", "ECDSAP384", ECDSA / "p384KeyPair.json", "P-384", False),
    (ECDSA / "ecdsa-rdfc-2019-p384" / "employ", "ECDSAP384", ECDSA / "p384KeyPair.json", "P-384",
     False),
    (ECDSA / "ecdsa-jcs-2019-p256", "JCSECDSAP256", ECDSA / "p256KeyPair.json", "P-256", True),
    (ECDSA / "ecdsa-jcs-2019-p384", "JCSECDSAP384", ECDSA / "p384KeyPair.json", "P-384", False),
]
IDS = [f"{folder.parent.name}/{folder.name}" if folder.name == "employ" else folder.name
       for folder, *_ in CASES]
HASHES = {"Ed25519": "sha256", "P-256": "sha256", "P-384": "sha384"}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _private_key(path: Path) -> PrivateKey:
    pair = json.loads(_text(path))
    return PrivateKey.from_multibase(pair.get("secretKeyMultibase") or pair["privateKeyMultibase"])


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "full-path"])
def canonicalizer(request) -> Canonicalizer:
    return Canonicalizer(fast_path=request.param)


@pytest.mark.parametrize(("folder", "suffix", "key_file", "curve", "deterministic"), CASES,
                         ids=IDS)
def test_every_intermediate_value(canonicalizer, folder, suffix, key_file, curve, deterministic):
    signed = json.loads(_text(folder / f"signed{suffix}.json"))
    proof = signed["proof"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    suite = data_integrity.suite_for(proof)
    env = SuiteInput(canonicalizer, curve)
    hash_name = HASHES[curve]

    transformed = suite.transformation(unsecured, options, env)
    assert transformed == _text(folder / f"canonDoc{suffix}.txt").rstrip("\n") + (
        "\n" if transformed.endswith("\n") else "")
    assert hashlib.new(hash_name, transformed.encode()).hexdigest() == _text(
        folder / f"docHash{suffix}.txt").strip()

    expected_config = json.loads(_text(folder / f"proofConfig{suffix}.json"))
    assert {k: v for k, v in expected_config.items() if k != "@context"} == {
        k: v for k, v in options.items() if k != "@context"}
    canonical_config = suite.proof_configuration(options, unsecured, env)
    assert canonical_config.strip() == _text(folder / f"proofCanon{suffix}.txt").strip()
    assert hashlib.new(hash_name, canonical_config.encode()).hexdigest() == _text(
        folder / f"proofHash{suffix}.txt").strip()

    hash_data = suite.hashing(transformed, canonical_config, env)
    assert hash_data.hex() == _text(folder / f"combinedHash{suffix}.txt").strip()

    signature_hex = _text(folder / f"sigHex{suffix}.txt").strip()
    assert "z" + b58encode(bytes.fromhex(signature_hex)) == proof["proofValue"]
    assert _text(folder / f"sigBTC58{suffix}.txt").strip() == proof["proofValue"]
    public_key = _private_key(key_file).public_key
    assert suite.proof_verification(hash_data, bytes.fromhex(signature_hex), public_key)

    produced = suite.proof_serialization(hash_data, _private_key(key_file))
    assert suite.proof_verification(hash_data, produced, public_key)
    if deterministic:  # Ed25519 and RFC 6979 ECDSA reproduce the published bytes
        assert produced.hex() == signature_hex


@pytest.mark.parametrize(("folder", "suffix", "key_file", "curve", "deterministic"), CASES,
                         ids=IDS)
def test_signed_document_verifies_and_tampering_fails(canonicalizer, folder, suffix, key_file,
                                                      curve, deterministic):
    signed = json.loads(_text(folder / f"signed{suffix}.json"))
    public_key = _private_key(key_file).public_key
    outcomes = data_integrity.verify_proofs(signed, lambda proof: public_key, canonicalizer)
    assert [outcome.ok for outcome in outcomes] == [True]

    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["id"] = "did:example:someone-else"
    outcomes = data_integrity.verify_proofs(tampered, lambda proof: public_key, canonicalizer)
    assert outcomes[0].ok is False
    assert "signature does not match" in outcomes[0].error.detail


def test_reissuing_the_unsigned_vector_reproduces_the_signed_document(canonicalizer):
    unsigned = json.loads(_text(EDDSA / "unsigned.json"))
    options = json.loads(_text(EDDSA / "eddsa-rdfc-2022" / "proofConfigDataInt.json"))
    options.pop("@context")
    secured = data_integrity.add_proof(unsigned, _private_key(EDDSA / "keyPair.json"), options,
                                       canonicalizer)
    assert secured == json.loads(_text(EDDSA / "eddsa-rdfc-2022" / "signedDataInt.json"))


class TestOpenBadgesWalkthrough:
    folder = VECTORS / "ob3" / "ldp-eddsa-rdfc-2022"

    def test_intermediate_values(self, canonicalizer):
        vector = json.loads(_text(self.folder / "vector.json"))
        signed = json.loads(_text(self.folder / "signed.json"))
        unsigned = json.loads(_text(self.folder / "unsigned.json"))
        proof = signed["proof"]
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        suite = data_integrity.suite_for(proof)
        env = SuiteInput(canonicalizer, "Ed25519")
        assert {k: v for k, v in signed.items() if k != "proof"} == unsigned

        transformed = suite.transformation(unsigned, options, env)
        assert transformed == _text(self.folder / "document-canon.txt")
        canonical_config = suite.proof_configuration(options, unsigned, env)
        assert canonical_config == _text(self.folder / "proof-canon.txt")
        assert hashlib.sha256(transformed.encode()).hexdigest() == vector["documentHashHex"]
        assert hashlib.sha256(canonical_config.encode()).hexdigest() == vector["proofHashHex"]
        hash_data = suite.hashing(transformed, canonical_config, env)
        assert hash_data.hex() == vector["dataToSignHex"]

        key = PrivateKey.from_multibase(vector["secretKeyMultibase"])
        assert key.public_key.multibase == vector["publicKeyMultibase"]
        assert key.public_key.raw.hex() == vector["publicKeyHex"]
        signature = suite.proof_serialization(hash_data, key)
        assert signature.hex() == vector["signatureHex"]
        assert "z" + b58encode(signature) == vector["proofValue"] == proof["proofValue"]

    def test_signed_credential_verifies(self, canonicalizer):
        vector = json.loads(_text(self.folder / "vector.json"))
        signed = json.loads(_text(self.folder / "signed.json"))
        key = PublicKey.from_multibase(vector["publicKeyMultibase"])
        outcomes = data_integrity.verify_proofs(signed, lambda proof: key, canonicalizer)
        assert outcomes[0].ok, outcomes[0].error


class TestProofSetsAndChains:
    folder = EDDSA / "proof-set-chain"

    def _keys(self) -> dict[str, PublicKey]:
        pairs = json.loads(_text(self.folder / "multiKeyPairs.json"))
        return {pair["publicKeyMultibase"]: PublicKey.from_multibase(pair["publicKeyMultibase"])
                for pair in pairs.values()}

    def _lookup(self, proof: dict) -> PublicKey:
        return self._keys()[proof["verificationMethod"].split("#")[1]]

    @pytest.mark.parametrize("name", ["signedProofSet1", "signedProofSet2", "signedProofChain1",
                                      "signedProofChain2"])
    def test_verifies(self, canonicalizer, name):
        signed = json.loads(_text(self.folder / f"{name}.json"))
        outcomes = data_integrity.verify_proofs(signed, self._lookup, canonicalizer)
        assert outcomes and all(outcome.ok for outcome in outcomes)

    def test_removing_a_chained_proof_breaks_the_chain(self, canonicalizer):
        signed = json.loads(_text(self.folder / "signedProofChain2.json"))
        signed["proof"] = [p for p in signed["proof"]
                           if p.get("id") != "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"]
        outcomes = data_integrity.verify_proofs(signed, self._lookup, canonicalizer)
        assert not all(outcome.ok for outcome in outcomes)
        assert any("not present" in outcome.error.detail for outcome in outcomes
                   if outcome.error)

    def test_adding_a_chained_proof(self, canonicalizer):
        pairs = json.loads(_text(self.folder / "multiKeyPairs.json"))
        first, second = (PrivateKey.from_multibase(pair["privateKeyMultibase"])
                         for pair in list(pairs.values())[:2])
        unsigned = json.loads(_text(self.folder / "unsigned.json"))

        def options(key: PrivateKey, **extra):
            vm = f"did:key:{key.public_key.multibase}#{key.public_key.multibase}"
            return {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                    "created": "2023-02-24T23:36:38Z", "verificationMethod": vm,
                    "proofPurpose": "assertionMethod", **extra}

        once = data_integrity.add_proof(unsigned, first, options(first, id="urn:uuid:one"),
                                        canonicalizer)
        chained = options(second, previousProof="urn:uuid:one")
        twice = data_integrity.add_proof(once, second, chained, canonicalizer)
        assert len(twice["proof"]) == 2
        outcomes = data_integrity.verify_proofs(twice, self._lookup, canonicalizer)
        assert all(outcome.ok for outcome in outcomes)
