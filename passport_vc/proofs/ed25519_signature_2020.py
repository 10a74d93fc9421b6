"""Legacy Ed25519Signature2020 (W3C CCG; vc-di-eddsa Appendix), verification only in practice.

Other education issuers still sign with it. The proof terms come from the
``https://w3id.org/security/suites/ed25519-2020/v1`` context, which the document must use.
"""

from __future__ import annotations

from ..errors import ProofTransformationError
from ..keys import PublicKey, Signer
from .common import SuiteInput, check_proof_options, proof_config_with_context, sha

NAME = None  # identified by proof type, not by a cryptosuite property
PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
CURVES = ("Ed25519",)
SIGNATURE_LENGTHS = (64,)


def _require_context(unsecured: dict) -> None:
    context = unsecured.get("@context")
    if CONTEXT not in (context if isinstance(context, list) else [context]):
        raise ProofTransformationError(f"An Ed25519Signature2020 proof needs the {CONTEXT} "
                                       "context in the document")


def transformation(unsecured: dict, options: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, None)
    _require_context(unsecured)
    return env.canonicalizer.rdfc(unsecured, "sha256")


def hashing(transformed: str, canonical_proof_config: str, env: SuiteInput) -> bytes:
    return sha("sha256", canonical_proof_config) + sha("sha256", transformed)


def proof_configuration(options: dict, unsecured: dict, env: SuiteInput) -> str:
    check_proof_options(options, PROOF_TYPE, None)
    return env.canonicalizer.rdfc(proof_config_with_context(options, unsecured), "sha256")


def proof_serialization(hash_data: bytes, signer: Signer) -> bytes:
    return signer.sign(hash_data)


def proof_verification(hash_data: bytes, signature: bytes, public_key: PublicKey) -> bool:
    return public_key.curve in CURVES and public_key.verify(signature, hash_data)
