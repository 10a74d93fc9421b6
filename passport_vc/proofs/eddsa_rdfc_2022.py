"""Data Integrity EdDSA Cryptosuites v1.0, §3.3 eddsa-rdfc-2022.

One function per algorithm step: §3.3.3 Transformation, §3.3.4 Hashing, §3.3.5 Proof
Configuration, §3.3.6 Proof Serialization, §3.3.7 Proof Verification.
"""

from __future__ import annotations

from ..keys import PublicKey, Signer
from .common import SuiteInput, check_proof_options, proof_config_with_context, sha

NAME = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
CURVES = ("Ed25519",)
SIGNATURE_LENGTHS = (64,)


def transformation(unsecured: dict, options: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, NAME)
    return env.canonicalizer.rdfc(unsecured, "sha256")


def hashing(transformed: str, canonical_proof_config: str, env: SuiteInput) -> bytes:
    return sha("sha256", canonical_proof_config) + sha("sha256", transformed)


def proof_configuration(options: dict, unsecured: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, NAME)
    return env.canonicalizer.rdfc(proof_config_with_context(options, unsecured), "sha256",
                                  remember=True)


def proof_serialization(hash_data: bytes, signer: Signer) -> bytes:
    return signer.sign(hash_data)


def proof_verification(hash_data: bytes, signature: bytes, public_key: PublicKey) -> bool:
    return public_key.curve in CURVES and public_key.verify(signature, hash_data)
