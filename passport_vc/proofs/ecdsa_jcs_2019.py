"""Data Integrity ECDSA Cryptosuites v1.0, §3.3 ecdsa-jcs-2019 (verification; signing for tests)."""

from __future__ import annotations

from ..keys import PublicKey, Signer
from .common import SuiteInput, check_proof_options, sha
from .ecdsa_rdfc_2019 import HASHES
from .jcs import jcs, proof_config

NAME = "ecdsa-jcs-2019"
PROOF_TYPE = "DataIntegrityProof"
CURVES = ("P-256", "P-384")
SIGNATURE_LENGTHS = (64, 96)


def transformation(unsecured: dict, options: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, NAME)
    return jcs(unsecured)


def hashing(transformed: str, canonical_proof_config: str, env: SuiteInput) -> bytes:
    name = HASHES.get(env.curve, "sha256")
    return sha(name, canonical_proof_config) + sha(name, transformed)


def proof_configuration(options: dict, unsecured: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, NAME)
    return jcs(proof_config(options, unsecured))


def proof_serialization(hash_data: bytes, signer: Signer) -> bytes:
    return signer.sign(hash_data)


def proof_verification(hash_data: bytes, signature: bytes, public_key: PublicKey) -> bool:
    return public_key.curve in CURVES and public_key.verify(signature, hash_data)
