"""Data Integrity ECDSA Cryptosuites v1.0, §3.2 ecdsa-rdfc-2019 (P-256 and P-384).

The hash follows the key: SHA-256 for P-256, SHA-384 for P-384 — and for P-384 the RDFC-1.0
canonicalization itself uses SHA-384, which changes blank-node labels (STANDARDS.md trap 4).
"""

from __future__ import annotations

from ..keys import PublicKey, Signer
from .common import SuiteInput, check_proof_options, proof_config_with_context, sha

NAME = "ecdsa-rdfc-2019"
PROOF_TYPE = "DataIntegrityProof"
CURVES = ("P-256", "P-384")
SIGNATURE_LENGTHS = (64, 96)
HASHES = {"P-256": "sha256", "P-384": "sha384"}


def _hash_name(env: SuiteInput) -> str:
    return HASHES.get(env.curve, "sha256")


def transformation(unsecured: dict, options: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, NAME)
    return env.canonicalizer.rdfc(unsecured, _hash_name(env))


def hashing(transformed: str, canonical_proof_config: str, env: SuiteInput) -> bytes:
    name = _hash_name(env)
    return sha(name, canonical_proof_config) + sha(name, transformed)


def proof_configuration(options: dict, unsecured: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, NAME)
    return env.canonicalizer.rdfc(proof_config_with_context(options, unsecured),
                                  _hash_name(env), remember=True)


def proof_serialization(hash_data: bytes, signer: Signer) -> bytes:
    return signer.sign(hash_data)


def proof_verification(hash_data: bytes, signature: bytes, public_key: PublicKey) -> bool:
    return public_key.curve in CURVES and public_key.verify(signature, hash_data)
